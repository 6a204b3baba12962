"""A production deploy as an operator does it: the README's steps on a copy of the repository's
files, with nothing built or compiled, served by gunicorn; and what happens when a step is
missing or cannot write."""

from __future__ import annotations

import gzip
import os
import re
import shlex
import shutil
import subprocess
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

import brotli
import pytest
from helpers.app import extract_csrf
from helpers.deploy import (
    BIN,
    ROOT,
    free_port,
    fresh_copy,
    launch,
    run,
    stop,
    wait_until_serving,
)

from backoffice import create_app

PASSWORD = "a long deploy password"
README_PORT = "127.0.0.1:8000"


def readme_production_steps() -> tuple[dict[str, str], list[str]]:
    """The README's production block: the variables it exports, and its commands."""
    section = (ROOT / "README.md").read_text(encoding="utf-8").split("\n## Production\n")[1]
    block = re.search(r"```sh\n(.*?)```", section, re.S)
    assert block, "README.md: no ```sh block in ## Production"
    exports, commands = {}, []
    for line in block.group(1).splitlines():
        line = line.split("  #")[0].strip()
        if line.startswith("export "):
            name, _, value = line.removeprefix("export ").partition("=")
            exports[name] = value
        elif line.startswith(("flask ", "gunicorn ")):
            commands.append(line)
        else:  # the virtual environment, which the suite already runs in
            assert line.startswith("python3 -m venv .venv && .venv/bin/pip install"), line
    return exports, commands


def operator_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    """A clean shell: the README's variables with real values, nothing from this process."""
    exports, _ = readme_production_steps()
    env = {
        "PATH": f"{BIN}:/usr/local/bin:/usr/bin:/bin",
        "HOME": str(tmp_path),
        "LANG": "C.UTF-8",
        "BACKOFFICE_CONFIG": exports["BACKOFFICE_CONFIG"],
        "SECRET_KEY": "0123456789abcdef" * 4,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'backoffice.db'}",
        **extra,
    }
    assert set(exports) <= set(env), exports
    return env


def start_gunicorn(line: str, cwd: Path, env: dict[str, str]) -> tuple[subprocess.Popen, int]:
    """The README's gunicorn line on a free port, and the port."""
    assert README_PORT in line, line
    port = free_port()
    args = shlex.split(line.replace(README_PORT, f"127.0.0.1:{port}"))
    args[1:1] = ["--chdir", str(cwd)]
    process = launch(
        args, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    return process, port


def test_a_fresh_clone_serves_and_signs_in_after_the_readme_production_steps(tmp_path):
    copy = fresh_copy(tmp_path / "clone")
    env = operator_env(tmp_path, SESSION_COOKIE_SECURE="0")  # plain HTTP, as the README says
    _, commands = readme_production_steps()
    *steps, serve = commands
    assert serve.startswith("gunicorn ")
    for line in steps:
        stdin = f"{PASSWORD}\n" if "--password-stdin" in line else None
        done = run(line, copy, env, input=stdin)
        assert done.returncode == 0, f"{line}\n{done.stdout}{done.stderr}"
    assert (copy / "static" / "gen" / "manifest.json").is_file()

    process, port = start_gunicorn(serve, copy, env)
    try:
        wait_until_serving(process, port)
        base = f"http://127.0.0.1:{port}"
        browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))
        with browser.open(f"{base}/login") as page:
            token = extract_csrf(page.read().decode())
        create = shlex.split(next(line for line in steps if " users create " in line))
        username = create[create.index("create") + 1]
        form = {"username": username, "password": PASSWORD, "csrf_token": token}
        with browser.open(f"{base}/login", urllib.parse.urlencode(form).encode()) as signed_in:
            assert signed_in.url == f"{base}/admin/"  # redirected there, and followed
            assert signed_in.status == 200
            admin = signed_in.read().decode()
        assert 'href="/admin/posts/"' in admin and username in admin
        stylesheet = re.search(r'href="(/static/gen/admin\.[0-9a-f]+\.css)"', admin)
        assert stylesheet, "the admin page names no built stylesheet"
        with browser.open(base + stylesheet.group(1)) as css:
            assert css.status == 200 and css.headers["Content-Type"].startswith("text/css")
            plain = css.read()
        # Served compressed, from the files the build wrote: nothing is compressed per request.
        built = copy / "static" / stylesheet.group(1).removeprefix("/static/")
        # Flask-Admin's scripts, also at their own URLs (details pages load one of them so).
        jquery = "/admin/static/vendor/jquery.min.js?v=1"
        for url, on_disk in ((stylesheet.group(1), built), (jquery, None)):
            for encoding in ("br", "gzip"):
                asked = urllib.request.Request(base + url, headers={"Accept-Encoding": encoding})
                with browser.open(asked) as sent:
                    assert sent.headers["Content-Encoding"] == encoding, url
                    assert "immutable" in sent.headers["Cache-Control"]
                    body = sent.read()
                if on_disk is not None:
                    suffix = {"br": ".br", "gzip": ".gz"}[encoding]
                    assert body == on_disk.with_name(on_disk.name + suffix).read_bytes()
                    assert (
                        brotli.decompress(body) if encoding == "br" else gzip.decompress(body)
                    ) == plain
    finally:
        stop(process)


def test_gunicorn_refuses_to_boot_without_the_build_and_names_the_commands(tmp_path):
    copy = fresh_copy(tmp_path / "clone")
    env = operator_env(tmp_path)
    _, commands = readme_production_steps()
    process, _ = start_gunicorn(commands[-1], copy, env)
    try:
        output, _ = process.communicate(timeout=60)
    finally:
        stop(process)
    assert process.returncode != 0
    assert "Worker failed to boot" in output
    assert "Refusing to start: the asset bundle" in output
    assert "run `flask --app main assets build`" in output
    assert "run `flask --app main translate compile`" in output


def test_assets_build_that_cannot_write_fails_with_one_line(tmp_path):
    copy = fresh_copy(tmp_path / "clone")
    env = operator_env(tmp_path)
    (copy / "static").chmod(0o555)
    # root writes anywhere; without the capability to ignore permissions it cannot.
    as_operator = []
    if os.geteuid() == 0:
        if not shutil.which("setpriv"):
            pytest.fail("needs setpriv (util-linux) to drop root's file-permission override")
        as_operator = ["setpriv", "--bounding-set=-dac_override,-dac_read_search"]
    try:
        done = subprocess.run(
            [*as_operator, "flask", "--app", "main", "assets", "build"],
            cwd=copy, env=env, capture_output=True, text=True, timeout=60,
        )  # fmt: skip
    finally:
        (copy / "static").chmod(0o755)
    assert done.returncode == 1
    assert done.stdout == ""
    assert re.fullmatch(r"Error: Cannot write \S+/static/\S+: Permission denied\.\n", done.stderr)


def _production(tmp_path: Path, **overrides: object):
    return create_app(
        "production",
        SECRET_KEY="x" * 40,
        SQLALCHEMY_DATABASE_URI="sqlite://",
        UPLOADS_DIR=str(tmp_path / "uploads"),
        **overrides,
    )


def test_production_refuses_to_start_without_built_bundles(tmp_path):
    with pytest.raises(RuntimeError, match=r"not built: run `flask --app main assets build`"):
        _production(tmp_path, ASSETS_MANIFEST=f"json:{tmp_path / 'manifest.json'}")


def test_production_refuses_to_start_without_compiled_catalogs(tmp_path):
    catalogs = tmp_path / "translations"
    shutil.copytree(ROOT / "translations", catalogs, ignore=shutil.ignore_patterns("*.mo"))
    with pytest.raises(RuntimeError, match=r"not compiled: run `flask --app main translate comp"):
        _production(tmp_path, BABEL_TRANSLATION_DIRECTORIES=str(catalogs))
