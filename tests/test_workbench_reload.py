"""A saved translation is served on the next request, in this process and in others, from the
database; a language the database does not hold yet is served from its ``.mo`` files."""

from __future__ import annotations

import gettext
import multiprocessing
import shutil
import threading
import time
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from helpers.catalog_state import instance, shared_database

from backoffice.core import atomic_files
from backoffice.domain.accounts import create_user
from backoffice.extensions import db
from backoffice.i18n import catalogs, compiled, revisions
from backoffice.models import TranslationCatalog
from backoffice.workbench import files, store

SIGN_IN = store.entry_key("Sign in", None)
GERMAN = {"Accept-Language": "de"}


@pytest.fixture
def app_config(workbench_config):
    return workbench_config


def sign_in_page(client) -> str:
    return client.get("/login", headers=GERMAN).get_data(as_text=True)


def save_sign_in(text: str, user) -> None:
    entry = store.get_entry("de", SIGN_IN)
    store.save_entry("de", SIGN_IN, [text], False, entry.version, user)


def test_the_next_request_shows_a_saved_translation(client, translator):
    assert "Anmelden" in sign_in_page(client)  # loaded and cached by this process
    save_sign_in("Einloggen jetzt", translator)
    assert "Einloggen jetzt" in sign_in_page(client)
    save_sign_in("Wieder anmelden", translator)
    assert "Wieder anmelden" in sign_in_page(client)


def test_a_language_not_in_the_database_is_served_from_its_mo_files(app, client):
    assert "Anmelden" in sign_in_page(client)
    assert db.session.get(TranslationCatalog, "de") is None  # a page imports nothing


def test_once_in_the_database_a_language_is_no_longer_read_from_its_mo(app, client, translator):
    save_sign_in("Einloggen jetzt", translator)
    # A deploy brings other .mo files: the database's catalog is still the one served.
    atomic_files.write(files.mo_path("de"), catalogs.mo_bytes(Catalog(locale="de")))
    assert "Einloggen jetzt" in sign_in_page(client)


@pytest.mark.parametrize("lang", ["de", "fr", "es", "pt", "ar"])
def test_the_database_serves_each_plural_as_the_mo_did(app, lang):
    with files.mo_path(lang).open("rb") as handle:
        from_file = gettext.GNUTranslations(handle)
    store.ensure(lang)
    from_database = compiled.translations(lang)
    for n in (0, 1, 2, 3, 5, 11, 21, 100, 101, 102, 111, 1000):
        assert from_database.ngettext("%(num)d comment", "%(num)d comments", n) == (
            from_file.ngettext("%(num)d comment", "%(num)d comments", n)
        ), (lang, n)


def two_checkouts(tmp_path: Path, catalog_copy: Path) -> Path:
    """A second copy of the catalogs, as another machine's checkout has them."""
    other = tmp_path / "other" / "translations"
    shutil.copytree(catalog_copy, other)
    shutil.copy2(catalog_copy.parent / "messages.pot", other.parent / "messages.pot")
    return other


def saved_on(app, text: str) -> None:
    """``text`` saved for "Sign in" through ``app`` by a translator of its own."""
    with app.app_context():
        user = create_user(db.session, "ana", "secret password", ["translator"])
        db.session.commit()
        save_sign_in(text, user)
        db.session.remove()


def test_another_app_on_the_database_sees_it_whatever_its_files(app, tmp_path, catalog_copy):
    url = shared_database(tmp_path)
    ours, theirs = instance(url, catalog_copy), instance(url, two_checkouts(tmp_path, catalog_copy))
    assert "Anmelden" in sign_in_page(theirs.test_client())
    saved_on(ours, "Einloggen jetzt")
    assert "Einloggen jetzt" in sign_in_page(theirs.test_client())  # its .mo says Anmelden
    for other in (ours, theirs):
        with other.app_context():
            db.engine.dispose()


def test_an_app_on_another_database_is_not_served_this_catalog(app, client, tmp_path, translator):
    save_sign_in("Einloggen jetzt", translator)
    assert "Einloggen jetzt" in sign_in_page(client)
    elsewhere = instance(f"sqlite:///{tmp_path / 'elsewhere.db'}", Path(catalogs.TRANSLATIONS))
    with elsewhere.app_context():
        db.create_all()
    assert "Anmelden" in sign_in_page(elsewhere.test_client())  # its own, empty database


def _serve_twice(database: str, directory: str, connection) -> None:
    """Another process: answer a request, wait for the parent's save, then answer requests
    until the saved text shows (or 2 s pass) and send that page and how many it took. On
    PostgreSQL the news comes by a notification, which takes a moment to arrive."""
    client = instance(database, Path(directory)).test_client()
    connection.send(sign_in_page(client))
    wanted = connection.recv()
    attempts, page = 1, sign_in_page(client)
    while wanted not in page and attempts < 100:
        time.sleep(0.02)
        attempts, page = attempts + 1, sign_in_page(client)
    connection.send((page, attempts))


def test_another_process_shows_it_on_its_next_request(app, tmp_path, catalog_copy):
    url = shared_database(tmp_path)
    ours = instance(url, catalog_copy)
    with ours.app_context():
        store.ensure("de")  # the other process compiles the database's catalog, not the .mo
        db.session.remove()
    spawn = multiprocessing.get_context("spawn")
    parent, child = spawn.Pipe()
    process = spawn.Process(target=_serve_twice, args=(url, str(catalog_copy), child))
    process.start()
    try:
        assert parent.poll(60)
        assert "Anmelden" in parent.recv()  # the other process has compiled the old text
        saved_on(ours, "Einloggen jetzt")
        parent.send("Einloggen jetzt")
        assert parent.poll(60)
        page, attempts = parent.recv()
        # Within 2 s: by the notification, not the listener's 5 s reread of the table.
        assert "Einloggen jetzt" in page, f"not shown after {attempts} requests"
    finally:
        process.join(30)
        with ours.app_context():
            db.engine.dispose()
    assert process.exitcode == 0


def test_a_request_stats_the_catalog_once_not_per_text(app, client, monkeypatch):
    from backoffice.i18n import reload

    calls = []
    real = reload.catalog_signature

    def counting(*args):
        calls.append(args)
        return real(*args)

    monkeypatch.setattr(reload, "catalog_signature", counting)
    sign_in_page(client)
    assert len(calls) == 1


def test_a_request_reads_the_revision_once_and_compiles_it_once(app, client, monkeypatch):
    store.ensure("de")
    asked, compiles = [], []
    real_current, real_compile = revisions.current, compiled.translations
    monkeypatch.setattr(revisions, "current", lambda *a: asked.append(a) or real_current(*a))
    monkeypatch.setattr(compiled, "translations", lambda *a: compiles.append(a) or real_compile(*a))
    sign_in_page(client)
    assert (len(asked), len(compiles)) == (1, 1)
    sign_in_page(client)
    assert (len(asked), len(compiles)) == (2, 1)  # the same revision: not compiled again


@pytest.mark.postgresql_only("on SQLite every request reads the revision afresh")
def test_a_revision_is_known_only_once_its_own_transaction_commits(app, make_user):
    # PostgreSQL: each process keeps the current revisions in memory. A revision must not be
    # taken for current before its transaction commits (a request would compile the old
    # texts and keep them under the new revision), whatever other sessions commit meanwhile.
    store.ensure("de")
    assert revisions.wait_until_listening(10)
    current = revisions.current(db.session, "de")
    made, finish = threading.Event(), threading.Event()

    def uncommitted_save() -> None:
        with app.app_context():
            revisions.new_revision(db.session, store.locked_catalog("de"))
            made.set()
            finish.wait(10)
            db.session.rollback()
            db.session.remove()

    thread = threading.Thread(target=uncommitted_save)
    thread.start()
    try:
        assert made.wait(10)
        make_user("someone")  # another session of this process commits
        assert revisions.current(db.session, "de") == current
    finally:
        finish.set()
        thread.join()
    assert revisions.current(db.session, "de") == current


def test_a_list_pages_remembered_menu_and_filters_follow_a_saved_translation(
    client, login_as, make_user, translator
):
    # The menu and the filters' names are kept between requests (per language and catalog).
    login_as(make_user("erika", "editor", locale="de"))

    def page() -> tuple[str, str]:
        html = client.get("/admin/comments/").get_data(as_text=True)
        menu = html.split('id="admin-navbar-collapse"', 1)[1].split("</ul>", 1)[0]
        filters = html.split('id="filter-groups-data"', 1)[1].split("</div>", 1)[0]
        return menu, filters

    menu, filters = page()
    assert "Beiträge" in menu and '"Beitrag"' in filters
    for msgid, text in (("Posts", "Artikelliste"), ("Post", "Artikel")):
        key = store.entry_key(msgid, None)
        store.save_entry("de", key, [text], False, store.get_entry("de", key).version, translator)
    menu, filters = page()
    assert "Artikelliste" in menu and "Beiträge" not in menu
    assert '"Artikel"' in filters and '"Beitrag"' not in filters


def test_the_dashboards_remembered_chart_follows_a_saved_translation(
    client, login_as, make_user, translator
):
    login_as(make_user("erika", "editor", locale="de"))

    def chart_title() -> str:
        html = client.get("/admin/").get_data(as_text=True)
        return html.split('id="monthly-chart-title">', 1)[1].split("<", 1)[0]

    before = chart_title()
    assert before and before != "Posts and comments per month"  # German
    key = store.entry_key("Posts and comments per month", None)
    store.save_entry("de", key, ["Monatsbilanz"], False, store.get_entry("de", key).version,
                     translator)  # fmt: skip
    assert chart_title() == "Monatsbilanz"
