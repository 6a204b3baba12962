"""The repository as an operator deploys it: a fresh copy of its files, commands run in a clean
shell, and servers (gunicorn) started from it, waited for and stopped."""

from __future__ import annotations

import os
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

#: The repository.
ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent  # the virtual environment's flask and gunicorn


def fresh_copy(target: Path) -> Path:
    """The repository's files (tracked, or new and not ignored) as a clone would have them:
    no static/gen/, no .webassets-cache/, no .mo files, no instance/."""
    if not (ROOT / ".git").exists() or not shutil.which("git"):
        pytest.fail("needs a git checkout with git installed (the tests copy what a clone has)")
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT, capture_output=True, check=True,
    ).stdout.decode().split("\0")  # fmt: skip
    for name in filter(None, listed):
        source = ROOT / name
        if source.is_file():  # a tracked file someone is deleting is not there
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    built = [p for p in target.rglob("*") if p.suffix == ".mo" or p.name in ("gen", "instance")]
    assert not built and not (target / "static" / ".webassets-cache").exists(), built
    return target


def run(line: str, cwd: Path, env: dict[str, str], **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(
        shlex.split(line), cwd=cwd, env=env, capture_output=True, text=True, timeout=60, **kwargs
    )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_serving(process: subprocess.Popen, port: int, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"gunicorn exited {process.returncode}:\n{process.stdout.read()}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/login", timeout=5):
                return
        except OSError:
            time.sleep(0.1)
    pytest.fail("gunicorn did not answer")


def launch(args: list[str], **options) -> subprocess.Popen:
    """Start a server in a process group of its own, so that :func:`stop` ends all of it."""
    return subprocess.Popen(args, start_new_session=True, **options)


def stop(process: subprocess.Popen) -> None:
    """End ``process`` and everything in its group: a gunicorn master that halts while it forks
    a worker can leave that child running the master's loop, respawning workers forever."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass  # nothing of the group is left
    if process.stdout:
        process.stdout.close()
