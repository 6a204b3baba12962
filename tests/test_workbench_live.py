"""A translation saved through one request reaches every worker process, with no restart.

The app runs under gunicorn with two workers, on a database file (or the PostgreSQL test
database) and a private copy of the catalogs; requests go over fresh connections, so the
kernel spreads them over the workers, told apart by their ``X-Worker-Pid`` header (set only by
``tests/live_app.py``). The save goes to the database; each worker learns of the new revision
on its next request (SQLite: a read; PostgreSQL: ``LISTEN``) and no file is written.
"""

from __future__ import annotations

import html
import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from http.cookiejar import CookieJar
from pathlib import Path

import pytest
from helpers.app import DATABASE_URL, IS_SQLITE, PASSWORD
from helpers.catalog_state import instance
from helpers.deploy import launch, stop
from sqlalchemy import create_engine, text

from backoffice import create_app
from backoffice.domain.accounts import create_user, ensure_roles
from backoffice.extensions import db

ROOT = Path(__file__).resolve().parent.parent
WORKERS = 2
OLD, NEW = "Anmelden", "Jetzt anmelden"  # German for the sign-in page's "Sign in"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Browser:
    """Cookies and CSRF tokens over urllib; every request on a new connection."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))

    def get(self, path: str, language: str = "en", hold: bool = False) -> tuple[str, str]:
        """The page's HTML and the pid of the worker that answered (after a second's wait in
        that worker, with ``hold``)."""
        headers = {"Accept-Language": language, **({"X-Hold": "1"} if hold else {})}
        request = urllib.request.Request(self.base + path, headers=headers)
        with self.opener.open(request, timeout=10) as response:
            return response.read().decode(), response.headers["X-Worker-Pid"]

    def post(self, path: str, fields: dict[str, str]) -> str:
        data = urllib.parse.urlencode(fields).encode()
        with self.opener.open(self.base + path, data=data, timeout=10) as response:
            return response.read().decode()


def csrf_of(page: str) -> str:
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)


def prepare_database(request, tmp_path: Path) -> str:
    """A database the gunicorn workers share, with an admin; its URL."""
    if IS_SQLITE:
        url = f"sqlite:///{tmp_path / 'live.db'}"
        app = create_app("testing", SQLALCHEMY_DATABASE_URI=url, UPLOADS_DIR=str(tmp_path))
        with app.app_context():
            db.create_all()
            ensure_roles(db.session)
            create_user(db.session, "boss", PASSWORD, ["admin"])
            db.session.commit()
            db.engine.dispose()
        return url
    request.getfixturevalue("make_user")("boss", "admin")  # the migrated test database
    return DATABASE_URL


def wait_for(url: str, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        assert process.poll() is None, "gunicorn exited early"
        try:
            urllib.request.urlopen(url + "/login", timeout=2).close()
            return
        except OSError:
            time.sleep(0.2)
    raise AssertionError("gunicorn did not start")


def sign_in_pages_by_worker(browser: Browser) -> dict[str, str]:
    """The German sign-in page from each worker (asking until every worker has answered).

    Idle workers race for each new connection and one may win them all, so the page is asked
    twice at once, the first ask held a second in its worker: the second goes to the other
    worker (once it has started; a busy machine may take seconds to start it).
    """
    pages: dict[str, str] = {}
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        with ThreadPoolExecutor(1) as pool:
            held = pool.submit(browser.get, "/login", "de", hold=True)
            time.sleep(0.2)  # the held ask reaches a worker first, even on a busy machine
            answers = [browser.get("/login", language="de"), held.result()]
        for page, pid in answers:
            pages.setdefault(pid, page)
        if len(pages) == WORKERS:
            return pages
    raise AssertionError(f"only workers {sorted(pages)} answered")


def title(page: str) -> str:
    return html.unescape(re.search(r"<h1[^>]*>([^<]*)</h1>", page).group(1)).strip()


def catalog_files(translations: Path) -> dict[Path, tuple[bytes, int]]:
    paths = sorted(translations.glob("*/LC_MESSAGES/*.[mp]o"))
    return {path: (path.read_bytes(), path.stat().st_mtime_ns) for path in paths}


def saved_in_database(url: str) -> list[str]:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            query = "SELECT strings FROM catalog_entries WHERE lang = 'de' AND msgid = 'Sign in'"
            strings = connection.execute(text(query)).scalar_one()
    finally:
        engine.dispose()
    return json.loads(strings) if isinstance(strings, str) else strings


@pytest.mark.parametrize("synced", [False, True], ids=["first use imports", "after translate sync"])
def test_saved_translation_reaches_every_worker(request, tmp_path, catalog_copy, synced):
    url = prepare_database(request, tmp_path)
    if synced:  # the release step: every worker starts on the database's catalogs
        release = instance(url, catalog_copy)
        with release.app_context():  # else the CLI would run in the test's app, if it has one
            result = release.test_cli_runner().invoke(args=["translate", "sync"])
            db.session.remove()
            db.engine.dispose()
        assert result.exit_code == 0, result.output
    files_before = catalog_files(catalog_copy)
    port = free_port()
    env = {
        **os.environ,
        "LIVE_DATABASE_URL": url,
        "LIVE_TRANSLATIONS": str(catalog_copy),
        "LIVE_TEMPLATE": str(catalog_copy.parent / "messages.pot"),
        "LIVE_UPLOADS": str(tmp_path / "uploads"),
    }
    log = (tmp_path / "gunicorn.log").open("wb")
    process = launch(
        [sys.executable, "-m", "gunicorn", "-w", str(WORKERS), "-b", f"127.0.0.1:{port}",
         "--log-level", "debug",
         "--pythonpath", f"{ROOT},{ROOT / 'tests'}", "live_app:app"],
        env=env, cwd=tmp_path, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        base = f"http://127.0.0.1:{port}"
        wait_for(base, process)
        browser, visitor = Browser(base), Browser(base)
        # Every worker has loaded (and cached) the old translation.
        assert {title(page) for page in sign_in_pages_by_worker(visitor).values()} == {OLD}

        login = browser.get("/login")[0]
        browser.post("/login", {"username": "boss", "password": PASSWORD,
                                "csrf_token": csrf_of(login)})  # fmt: skip
        entries = browser.get("/admin/translations/de/?q=Sign+in")[0]
        key = re.search(r'data-key="([^"]+)"[^<]*<td lang="en" dir="ltr">\s*<span[^>]*>Sign in<',
                        entries).group(1)  # fmt: skip
        editor = browser.get(f"/admin/translations/de/edit/?key={key}")[0]
        base_version = re.search(r'name="base_version" value="([^"]*)"', editor).group(1)
        saved = browser.post(
            f"/admin/translations/de/edit/?key={key}",
            {"csrf_token": csrf_of(editor), "base_version": base_version, "string-0": NEW},
        )
        assert "The translation has been saved." in saved

        assert {title(page) for page in sign_in_pages_by_worker(visitor).values()} == {NEW}
        assert saved_in_database(url) == [NEW]
        assert catalog_files(catalog_copy) == files_before  # no .po or .mo written
    finally:
        stop(process)
        log.close()
        print((tmp_path / "gunicorn.log").read_text(errors="replace")[-6000:])  # shown on failure
