"""Two instances, one truth: the README's "Running on several machines" steps for two copies of
the tree, each served by its own gunicorn, on one database and one S3 bucket.

Each way two instances could disagree, tried: a translation saved on A shows on B's next
page; a stale editor on B is a conflict, and a form loaded on A and sent to B is not; an image
uploaded on A is served by B and offered in B's picker; B rebuilt from a fresh copy keeps every
saved text through ``translate sync``, and ``translate export`` writes it into translations/.
Runs on the suite's database kind: a SQLite file both instances share, or a PostgreSQL
database of its own.
"""

from __future__ import annotations

import json
import re
import shlex
import subprocess
import urllib.error
import urllib.parse
import urllib.request
import uuid
from http.cookiejar import CookieJar
from pathlib import Path

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
from helpers.s3 import S3_ENVIRONMENT

PASSWORD = "a long instances password"
# A 1x1 transparent PNG.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
    "0000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)
SIGN_OUT = "Sign out"


def several_machines_steps() -> tuple[dict[str, str], list[str], list[str]]:
    """The README's block: its exports, the once-per-release commands, the per-instance ones."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## Running on several machines\n")[1]
    block = re.search(r"```sh\n(.*?)```", section, re.S)
    assert block, "README.md: no ```sh block in ## Running on several machines"
    exports: dict[str, str] = {}
    release: list[str] = []
    every: list[str] = []
    current = None
    for line in block.group(1).splitlines():
        if line.startswith("# once per release"):
            current = release
        elif line.startswith("# on every instance"):
            current = every
        line = line.split("  #")[0].strip()
        if line.startswith("export "):
            name, _, value = line.removeprefix("export ").partition("=")
            exports[name] = value
        elif line.startswith(("flask ", "gunicorn ")):
            assert current is not None, line
            current.append(line)
    return exports, release, every


class Visitor:
    """A browser of one instance: cookies, and the forms' CSRF token."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))

    def get(self, path: str) -> tuple[int, str]:
        try:
            with self.opener.open(self.base + path, timeout=30) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    def post(self, path: str, fields: dict[str, str]) -> tuple[int, str]:
        data = urllib.parse.urlencode(fields).encode()
        try:
            with self.opener.open(self.base + path, data, timeout=30) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    def sign_in(self, username: str) -> None:
        _status, page = self.get("/login")
        fields = {"username": username, "password": PASSWORD, "csrf_token": extract_csrf(page)}
        status, page = self.post("/login", fields)
        assert status == 200 and 'href="/admin/posts/"' in page, page[:500]
        status, _page = self.post("/language", {"locale": "de", "csrf_token": self.token()})
        assert status == 200

    def token(self) -> str:
        return extract_csrf(self.get("/admin/profile/")[1])

    def upload(self, name: str, data: bytes) -> dict:
        boundary = uuid.uuid4().hex
        head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="upload"; '
            f'filename="{name}"\r\nContent-Type: image/png\r\n\r\n'
        )
        body = head.encode() + data + f"\r\n--{boundary}--\r\n".encode()
        request = urllib.request.Request(
            self.base + "/admin/media/editor-upload", body,
            {"Content-Type": f"multipart/form-data; boundary={boundary}",
             "X-CSRFToken": self.token()},
        )  # fmt: skip
        with self.opener.open(request, timeout=30) as response:
            return json.loads(response.read())


def editor(visitor: Visitor, key: str) -> dict[str, str]:
    """The workbench editor's form of ``key`` as ``visitor``'s instance shows it."""
    status, page = visitor.get(f"/admin/translations/de/edit/?key={key}")
    assert status == 200, page[:500]
    version = re.search(r'name="base_version" value="([^"]*)"', page)
    assert version, page[:500]
    return {"csrf_token": extract_csrf(page), "base_version": version.group(1)}


def test_two_instances_share_catalogs_media_and_conflicts(
    tmp_path, separate_database, s3_endpoint, s3_bucket
):
    from backoffice.workbench.store import entry_key

    exports, release, every = several_machines_steps()
    serve = every[-1]
    assert serve.startswith("gunicorn ") and set(release) >= {
        "flask --app main db upgrade", "flask --app main translate sync"
    }  # fmt: skip
    env = {
        "PATH": f"{BIN}:/usr/local/bin:/usr/bin:/bin", "HOME": str(tmp_path), "LANG": "C.UTF-8",
        **{name: "" for name in exports},
        "BACKOFFICE_CONFIG": exports["BACKOFFICE_CONFIG"], "MEDIA_STORAGE": "s3",
        "SECRET_KEY": "fedcba9876543210" * 4, "DATABASE_URL": separate_database,
        "MEDIA_S3_BUCKET": s3_bucket, "MEDIA_S3_ENDPOINT_URL": s3_endpoint,
        **S3_ENVIRONMENT,
        # A trial over plain HTTP, talking to each instance directly (README).
        "SESSION_COOKIE_SECURE": "0", "PREFERRED_URL_SCHEME": "http", "TRUSTED_PROXIES": "0",
    }  # fmt: skip
    copies = [fresh_copy(tmp_path / "a"), fresh_copy(tmp_path / "b")]
    for line in release:
        done = run(line, copies[0], env)
        assert done.returncode == 0, f"{line}\n{done.stdout}{done.stderr}"
    done = run("flask --app main users create root --role admin --password-stdin", copies[0],
               env, input=f"{PASSWORD}\n")  # fmt: skip
    assert done.returncode == 0, done.stderr
    servers = []
    try:
        for copy in copies:
            for line in every[:-1]:
                done = run(line, copy, env)
                assert done.returncode == 0, f"{line}\n{done.stdout}{done.stderr}"
            servers.append(start(serve, copy, env))
        for process, port in servers:
            wait_until_serving(process, port)
        a, b = (Visitor(f"http://127.0.0.1:{port}") for _process, port in servers)
        a.sign_in("root")
        b.sign_in("root")
        key = entry_key(SIGN_OUT, None)

        # A save on A shows on B's next page.
        status, _page = a.post(f"/admin/translations/de/edit/?key={key}",
                               {**editor(a, key), "string-0": "Abmelden (A)"})  # fmt: skip
        assert status == 200
        assert "Abmelden (A)" in b.get("/admin/")[1]

        # A stale editor on B is a conflict; a form loaded on A and sent to B is not.
        stale = editor(b, key)
        a.post(f"/admin/translations/de/edit/?key={key}",
               {**editor(a, key), "string-0": "Abmelden (A2)"})  # fmt: skip
        status, page = b.post(f"/admin/translations/de/edit/?key={key}",
                              {**stale, "string-0": "Abmelden (B stale)"})  # fmt: skip
        assert status == 409 and "Abmelden (A2)" in page
        fresh = editor(a, key)
        fresh["csrf_token"] = b.token()  # the same session secret; B's session's token
        status, _page = b.post(f"/admin/translations/de/edit/?key={key}",
                               {**fresh, "string-0": "Abmelden (B)"})  # fmt: skip
        assert status == 200
        assert "Abmelden (B)" in a.get("/admin/")[1]

        # An image uploaded on A is served by B and offered in B's picker.
        url = a.upload("photo.png", PNG)["url"]
        with b.opener.open(b.base + url, timeout=30) as served:
            assert served.read() == PNG
        picker = json.loads(b.get("/admin/media/images.json")[1])["images"]
        assert url in {image["url"] for image in picker}
        other = b.upload("photo.png", PNG)["url"]
        assert other != url  # never the same name for another file

        # B rebuilt from a fresh copy: the release step keeps every saved text; export writes it.
        rebuilt = fresh_copy(tmp_path / "b2")
        for line in release:
            done = run(line, rebuilt, env)
            assert done.returncode == 0, f"{line}\n{done.stdout}{done.stderr}"
        assert "Abmelden (B)" in a.get("/admin/")[1]
        done = run("flask --app main translate export", rebuilt, env)
        assert done.returncode == 0, done.stderr
        exported = (rebuilt / "translations" / "de" / "LC_MESSAGES" / "messages.po").read_text()
        assert 'msgstr "Abmelden (B)"' in exported
    finally:
        for process, _port in servers:
            stop(process)


def start(line: str, cwd: Path, env: dict[str, str]) -> tuple[subprocess.Popen, int]:
    """The README's gunicorn line for ``cwd`` on a free port."""
    port = free_port()
    # Two workers each: enough to cross processes, light on a 2-core machine.
    line = line.replace("127.0.0.1:8000", f"127.0.0.1:{port}").replace("-w 4", "-w 2")
    args = shlex.split(line)
    args[1:1] = ["--chdir", str(cwd)]
    process = launch(
        args, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    return process, port
