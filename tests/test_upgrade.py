"""Upgrading an installation whose workbench kept the catalogs in files loses no translation.

A site is checked out at the last commit with file-based catalogs (``FILE_CATALOGS``), its
database made by that commit's migrations, and a translation saved through that commit's
workbench (which wrote it into the checkout's ``.po``). Then the operator's upgrade, as the
README says: the saved catalogs copied aside, the new code pulled, ``db upgrade``, and the
first ``translate sync --saved … --base …``: the saved text is in the database and on the
pages, and what the new code changed in the catalogs is there too.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from helpers.deploy import BIN, ROOT, fresh_copy

#: The last commit whose workbench wrote the catalogs into the checkout's files.
FILE_CATALOGS = "685c3ac6350364d9ce81b815c7fa096ba85eb0b2"
SAVED = "Abmelden (vor dem Upgrade)"


def git(*args: str, cwd: Path) -> str:
    done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, f"git {' '.join(args)}\n{done.stdout}{done.stderr}"
    return done.stdout


def python(code: str, cwd: Path, env: dict[str, str]) -> str:
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)], cwd=cwd, env=env, capture_output=True,
        text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, f"{done.stdout}{done.stderr}"
    return done.stdout


def flask(line: str, cwd: Path, env: dict[str, str]) -> str:
    done = subprocess.run(
        [str(BIN / "flask"), "--app", "main", *line.split()], cwd=cwd, env=env,
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, f"flask {line}\n{done.stdout}{done.stderr}"
    return done.stdout


def test_an_upgrade_from_file_catalogs_keeps_every_saved_translation(tmp_path, separate_database):
    if not (ROOT / ".git").exists() or not shutil.which("git"):
        pytest.fail("this test needs the repository's git history (a clone, not an export)")
    site = tmp_path / "site"
    git("clone", "--quiet", "--no-checkout", str(ROOT), str(site), cwd=tmp_path)
    git("-c", "advice.detachedHead=false", "checkout", "--quiet", FILE_CATALOGS, cwd=site)
    env = {
        "PATH": f"{BIN}:/usr/local/bin:/usr/bin:/bin", "HOME": str(tmp_path), "LANG": "C.UTF-8",
        "BACKOFFICE_CONFIG": "testing", "TEST_DATABASE_URL": separate_database,
        "GIT_AUTHOR_NAME": "op", "GIT_AUTHOR_EMAIL": "op@example.org",
        "GIT_COMMITTER_NAME": "op", "GIT_COMMITTER_EMAIL": "op@example.org",
    }  # fmt: skip

    # The old site: its schema, an admin, and a translation saved through its workbench.
    flask("db upgrade", site, env)
    flask("translate compile", site, env)
    python(
        f"""
        from backoffice import create_app
        from backoffice.accounts import create_user  # where that commit had it
        from backoffice.extensions import db
        from backoffice.workbench import store

        app = create_app("testing")
        with app.test_request_context():
            user = create_user(db.session, "tina", "a long password", ["admin"])
            entry = next(e for e in store.entries("de") if e.msgid == "Sign out")
            store.save_entry("de", entry.key, [{SAVED!r}], False, entry.version, user)
        """,
        site, env,
    )  # fmt: skip
    po = site / "translations" / "de" / "LC_MESSAGES" / "messages.po"
    assert SAVED in po.read_text(encoding="utf-8")  # the old workbench wrote the file

    # The upgrade: the saved catalogs aside, the new code, the release steps.
    shutil.copytree(site / "translations", tmp_path / "translations-saved")
    git("checkout", "--", "translations", cwd=site)
    new_code = fresh_copy(tmp_path / "new")
    for path in new_code.rglob("*"):
        if path.is_file():
            target = site / path.relative_to(new_code)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, target)
    git("add", "--all", cwd=site)
    git("commit", "--quiet", "-m", "the new code", cwd=site)  # as a pull would bring it
    flask("db upgrade", site, env)
    report = flask(f"translate sync --saved {tmp_path / 'translations-saved'} --base HEAD~1",
                   site, env)  # fmt: skip
    assert "de: 1 saved translations taken" in report

    shown = python(
        """
        from flask_babel import gettext

        from backoffice import create_app
        from backoffice.workbench import store

        app = create_app("testing")
        with app.test_request_context(headers={"Accept-Language": "de"}):
            entry = next(e for e in store.entries("de") if e.msgid == "Sign out")
            print(entry.strings[0])
            print(gettext("Sign out"))  # what the pages show, from the database
            # The new code's own new and changed texts came in too.
            print(sum(e.state != "translated" for e in store.entries("de")))
        """,
        site, env,
    )  # fmt: skip
    assert shown.splitlines() == [SAVED, SAVED, "0"]
