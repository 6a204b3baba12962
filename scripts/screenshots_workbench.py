"""Screenshots of the workbench's tools for the README, in German, 1280 pixels wide.

    python scripts/screenshots_workbench.py [--out docs/img]

Builds a throw-away app (a temporary SQLite database and a copy of ``translations/``) with a
little demo data: two German translators who saved a few entries this week, a German glossary,
and "Comments" left untranslated. Serves it on a free loopback port and takes, with headless
Chromium (Debian's ``chromium``, as the browser tests use):

- ``workbench-memory.png``: the editor of "Comments" with the memory, the other languages,
  the marked glossary term and its warning (the field holds "Anmerkungen");
- ``workbench-glossary.png``: the German glossary;
- ``workbench-progress.png``: this week's work and the changes since the release.
"""

from __future__ import annotations

import argparse
import io
import shutil
import sys
import tempfile
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from backoffice import create_app  # noqa: E402
from backoffice.domain.accounts import create_user  # noqa: E402
from backoffice.extensions import db  # noqa: E402
from backoffice.i18n import catalogs  # noqa: E402
from backoffice.web.serving import serving  # noqa: E402
from backoffice.workbench import glossary, store  # noqa: E402

PASSWORD = "screenshot password"
WIDTH = 1280
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]  # fmt: skip
GLOSSARY = [
    ("comment", "Kommentar", "Nicht „Anmerkung“."),
    ("post", "Beitrag", "Nicht „Post“ oder „Artikel“."),
    ("tag", "Schlagwort", ""),
    ("draft", "Entwurf", ""),
    ("translation", "Übersetzung", ""),
]
SAVES = [  # (user, msgid, German text)
    ("hans", "Comment", "Kommentar"),
    ("hans", "Send comment", "Kommentar abschicken"),
    ("hans", "Published", "Veröffentlicht"),
    ("greta", "Tags", "Schlagwörter"),
    ("greta", "Author", "Verfasser"),
]


def untranslate(translations: Path, lang: str, msgid: str) -> None:
    """Leave ``msgid`` untranslated in the copy's catalog (``.po`` and ``.mo``)."""
    path = translations / lang / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=lang)
    catalog[msgid].string = ""
    for target, write in ((path, write_po), (path.with_suffix(".mo"), write_mo)):
        buffer = io.BytesIO()
        write(buffer, catalog) if write is write_mo else write(buffer, catalog, width=100)
        target.write_bytes(buffer.getvalue())


def demo_app(folder: Path):
    """The app on a copy of the catalogs, with the demo data."""
    translations = folder / "translations"
    shutil.copytree(catalogs.TRANSLATIONS, translations, ignore=shutil.ignore_patterns("*.lock"))
    shutil.copy2(catalogs.TEMPLATE, folder / "messages.pot")
    untranslate(translations, "de", "Comments")
    app = create_app(
        "testing",
        SQLALCHEMY_DATABASE_URI=f"sqlite:///{folder / 'demo.db'}",
        BABEL_TRANSLATION_DIRECTORIES=str(translations),
        TRANSLATION_TEMPLATE=str(folder / "messages.pot"),
        UPLOADS_DIR=str(folder / "uploads"),
    )
    with app.app_context():
        db.create_all()
        users = {}
        for name, languages in (("hans", ["de"]), ("greta", ["de", "fr"])):
            user = create_user(db.session, name, PASSWORD, ["translator"])
            user.translation_languages, user.locale = languages, "de"
            users[name] = user
        db.session.commit()
        for term, translation, note in GLOSSARY:
            glossary.add_term("de", term, translation, note, users["hans"])
        for lang in ("fr", "es", "pt", "ar"):
            store.ensure(lang)
        for name, msgid, text in SAVES:
            entry = next(e for e in store.entries("de") if e.msgid == msgid)
            if entry.strings[0] == text:  # make it a change: the release had other words
                interim = store.save_entry("de", entry.key, [text + "!"], False, entry.version,
                                           users[name])  # fmt: skip
                entry = interim.entry
            store.save_entry("de", entry.key, [text], False, entry.version, users[name])
    return app


def take(app, base: str, out: Path) -> list[Path]:
    """Sign in as Hans and take the three screenshots."""
    from playwright.sync_api import sync_playwright

    with app.app_context():
        key = next(e.key for e in store.entries("de") if e.msgid == "Comments")
    shots = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": WIDTH, "height": 800}, locale="de-DE")
        page.goto(f"{base}/login")
        page.fill("input[name=username]", "hans")
        page.fill("input[name=password]", PASSWORD)
        with page.expect_navigation():
            page.click("form[data-testid=login-form] button[type=submit]")
        page.goto(f"{base}/admin/translations/de/edit/?key={key}")
        page.fill("#string-0", "Anmerkungen")  # the glossary's warning shows
        shots.append(out / "workbench-memory.png")
        page.screenshot(path=str(shots[-1]), full_page=True)
        for name, path in (("glossary", "/admin/translations/de/glossary/"),
                           ("progress", "/admin/translations/progress/")):  # fmt: skip
            page.goto(base + path)
            shots.append(out / f"workbench-{name}.png")
            page.screenshot(path=str(shots[-1]), full_page=True)
        browser.close()
    return shots


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "img")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="workbench-shots-") as folder:
        app = demo_app(Path(folder))
        with serving(app) as base:
            for path in take(app, base, args.out):
                print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
