"""Start, wait for and stop one gunicorn server (one worker) on a free loopback port."""

from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


@dataclass
class Server:
    """A running gunicorn master with one worker."""

    name: str
    port: int
    process: subprocess.Popen[bytes]
    log: Path

    def worker_pid(self) -> int:
        """The worker's process id (the master's only child)."""
        pids = children(self.process.pid)
        if len(pids) != 1:
            raise RuntimeError(f"{self.name}: expected one worker, found {pids}")
        return pids[0]

    def worker_peak_memory_mb(self) -> float:
        """The worker's peak resident memory (VmHWM) in MiB."""
        for line in Path(f"/proc/{self.worker_pid()}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
        raise RuntimeError("no VmHWM in /proc status")


def children(pid: int) -> list[int]:
    """Process ids whose parent is ``pid`` (from /proc)."""
    found = []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            text = status.read_text()
        except OSError:
            continue  # the process ended meanwhile
        if f"\nPPid:\t{pid}\n" in text:
            found.append(int(status.parent.name))
    return found


def wait_ready(server: Server, timeout: float = 120.0) -> None:
    """Poll until the server answers HTTP at all; fail with the log's tail if it died."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"{server.name} exited early:\n{tail(server.log)}")
        try:
            conn = http.client.HTTPConnection(HOST, server.port, timeout=30)
            conn.request("GET", "/")
            conn.getresponse().read()
            conn.close()
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{server.name} not ready after {timeout:.0f} s:\n{tail(server.log)}")


def tail(path: Path, lines: int = 30) -> str:
    """The last ``lines`` lines of a log file."""
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except FileNotFoundError:
        return "(no log)"


@contextmanager
def serve(
    name: str,
    wsgi_app: str,
    env: Mapping[str, str],
    log_dir: Path,
    threads: int = 4,
    root: Path = ROOT,
) -> Iterator[Server]:
    """Run ``wsgi_app`` (``module:attribute``) under gunicorn, one gthread worker, from the
    project at ``root`` (another commit's tree, for a side-by-side comparison).

    gthread keeps connections alive (the sync worker closes each one) and lets the concurrent
    run's clients share the one worker. The server is always stopped on the way out.
    """
    log_dir.mkdir(parents=True, exist_ok=True)
    log = log_dir / f"{name}.log"
    port = free_port()
    command = [
        sys.executable, "-m", "gunicorn",
        "--bind", f"{HOST}:{port}",
        "--workers", "1",
        "--worker-class", "gthread",
        "--threads", str(threads),
        "--keep-alive", "30",
        "--timeout", "300",
        "--chdir", str(root),
        "--config", str(root / "gunicorn.conf.py"),  # the project's own settings, for all three
        wsgi_app,
    ]  # fmt: skip
    with log.open("wb") as out:
        process = subprocess.Popen(
            command, cwd=root, env={**os.environ, **env}, stdout=out, stderr=subprocess.STDOUT
        )
    server = Server(name, port, process, log)
    try:
        wait_ready(server)
        yield server
    finally:
        stop(server)


def stop(server: Server) -> None:
    """SIGTERM the master (it stops its worker); SIGKILL if it takes longer than 15 s."""
    if server.process.poll() is not None:
        return
    server.process.send_signal(signal.SIGTERM)
    try:
        server.process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        server.process.kill()
        server.process.wait()
