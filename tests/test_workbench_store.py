"""Saving a translation: checked, one transaction in the database, never silently overwriting,
always audited, and no file written."""

from __future__ import annotations

import io
import multiprocessing
import os
import shutil
import threading
from pathlib import Path
from types import SimpleNamespace

import pytest
from helpers.catalog_state import (
    database_state,
    files_state,
    instance,
    row,
    shared_database,
    translation_rows,
)
from sqlalchemy import event, select

from backoffice.domain.accounts import create_user
from backoffice.extensions import db
from backoffice.i18n import compiled, revisions
from backoffice.models import TranslationCatalog, TranslationEntry
from backoffice.models.clock import utcnow
from backoffice.workbench import files, store

SIGN_IN = store.entry_key("Sign in", None)
POSTS = store.entry_key("Posts", None)
TAGS = store.entry_key("Tags", None)
COMMENTS = store.entry_key("%(num)d comment", None)


@pytest.fixture
def app_config(workbench_config):
    return workbench_config


def served(lang: str, msgid: str) -> str:
    """What every process serves for ``msgid`` once it has seen the catalog's revision now."""
    return compiled.translations(lang).gettext(msgid)


def revision(lang: str) -> int:
    db.session.expire_all()
    return db.session.get(TranslationCatalog, lang).revision


def save(lang, key, strings, user, fuzzy=False, base=None):
    base = base if base is not None else store.get_entry(lang, key).version
    return store.save_entry(lang, key, strings, fuzzy, base, user)


# -- reading ------------------------------------------------------------------------------------
def test_entries_carry_what_the_editor_shows(app):
    entry = store.get_entry("de", COMMENTS)
    assert entry.msgid == "%(num)d comment" and entry.msgid_plural == "%(num)d comments"
    assert entry.strings == ("%(num)d Kommentar", "%(num)d Kommentare")
    assert entry.state == "translated" and not entry.fuzzy and entry.locations
    assert store.get_entry("ar", COMMENTS).strings[5]  # six forms in Arabic
    assert store.get_entry("de", "no-such-key") is None


def test_a_context_makes_an_entry_of_its_own(app):
    keys = {entry.key for entry in store.entries("de")}
    assert len(keys) == len(store.entries("de"))
    assert store.get_entry("de", store.entry_key("Created", "audit action")).context == (
        "audit action"
    )


def test_the_summary_counts_the_catalog(app):
    summary = store.summary("de")
    assert summary.total == len(store.entries("de")) > 100
    assert (summary.translated, summary.fuzzy, summary.untranslated) == (summary.total, 0, 0)
    assert summary.percent == 100
    assert summary.last_translator == "Backoffice German translation team"
    assert summary.revision_date is not None and summary.revision_date.tzinfo is None


def test_languages_are_those_with_a_catalog(app):
    assert store.languages() == ["de", "fr", "es", "pt", "ar"]


def test_a_language_is_imported_from_its_file_the_first_time_it_is_used(app):
    assert db.session.scalars(select(TranslationCatalog)).all() == []
    repository = files.repository_catalog("de")
    entries = store.entries("de")
    assert db.session.scalars(select(TranslationCatalog.lang)).all() == ["de"]  # only it
    assert [entry.msgid for entry in entries] == [
        message.id[0] if message.pluralizable else message.id
        for message in repository
        if message.id
    ]
    for entry in entries:
        message = repository.get(entry.msgid, context=entry.context)
        strings = message.string if entry.msgid_plural is not None else (message.string,)
        assert entry.strings == tuple(strings) and entry.fuzzy == message.fuzzy
    # What the repository had is the base of the next sync's three-way merge.
    assert row("de", "Sign in").base == {"strings": ["Anmelden"], "fuzzy": False}


def test_an_import_reads_the_parsed_file_and_leaves_it_as_it_was(app):
    """The parsed file is kept for the process (files.read_catalog) and shared: an import that
    changed it would change every later import and check of that language."""
    from babel.messages.pofile import write_po

    def written(catalog) -> bytes:
        out = io.BytesIO()
        write_po(out, catalog, include_previous=True)
        return out.getvalue()

    parsed = files.read_catalog("ar")
    before = written(parsed)
    store.ensure("ar")
    assert files.read_catalog("ar") is parsed
    assert written(parsed) == before


def test_a_first_import_that_fails_halfway_leaves_no_half_catalog(app, client, login_as):
    login_as("admin")
    db.session.commit()  # the page's request begins with nothing of the test's open
    sent = []

    def failing(_conn_arg, _cursor_arg, statement, *_more) -> None:
        sent.append(statement)
        # The catalog's row is written by now; its entries are not.
        if statement.startswith("INSERT INTO catalog_entries"):
            raise RuntimeError("simulated failure halfway through the import")

    engine = db.engine
    event.listen(engine, "before_cursor_execute", failing)
    try:
        with pytest.raises(RuntimeError, match="halfway"):
            client.get("/admin/translations/de/")  # PostgreSQL reads a GET in autocommit mode
    finally:
        event.remove(engine, "before_cursor_execute", failing)
    assert any(statement.startswith("INSERT INTO catalogs ") for statement in sent)
    db.session.rollback()
    assert db.session.get(TranslationCatalog, "de") is None  # else served empty, to everyone
    assert client.get("/admin/translations/de/").status_code == 200
    assert len(store.entries("de")) == len([m for m in files.repository_catalog("de") if m.id])


def test_a_language_first_used_by_two_requests_at_once_is_imported_once(
    app, tmp_path, catalog_copy
):
    shared = instance(shared_database(tmp_path), catalog_copy)
    start, counts, errors = threading.Barrier(2), [], []

    def first_use() -> None:
        with shared.app_context():
            start.wait()
            try:
                counts.append(len(store.entries("de")))
            except Exception as error:  # reported below
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=first_use) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    repository = files.repository_catalog("de")
    expected = len([message for message in repository if message.id])
    assert errors == [] and counts == [expected, expected]
    with shared.app_context():
        rows = db.session.scalar(select(db.func.count(TranslationEntry.id)))
        assert rows == expected + len(repository.obsolete)  # the file's #~ entries too
        assert revision("de") == 1
        db.session.remove()
        db.engine.dispose()


def test_reading_the_catalog_writes_no_file(app):
    before = files_state()
    store.summary("de")
    store.entries("ar")
    assert files_state() == before


# -- saving -------------------------------------------------------------------------------------
def test_a_save_stores_the_text_in_the_database_and_writes_no_file(app, translator):
    store.entries("de")
    before = files_state()
    result = save("de", SIGN_IN, ["Einloggen"], translator)
    assert result.changed and result.entry.strings == ("Einloggen",)
    saved = row("de", "Sign in")
    assert (saved.strings, saved.fuzzy) == (["Einloggen"], False)
    assert saved.updated_by_id == translator.id
    assert saved.version == result.entry.version == store.version_of(["Einloggen"], False)
    assert store.get_entry("de", SIGN_IN).strings == ("Einloggen",)
    assert served("de", "Sign in") == "Einloggen"
    assert files_state() == before  # no .po, .mo or template was written


def test_a_save_is_a_new_revision_of_the_catalog(app, translator):
    store.entries("de")
    catalog = db.session.get(TranslationCatalog, "de")
    number, stamp = catalog.revision, catalog.stamp
    save("de", SIGN_IN, ["Einloggen"], translator)
    db.session.expire_all()
    assert revision("de") == number + 1
    assert revisions.current(db.session, "de") == catalog.stamp != stamp
    assert db.session.get(TranslationCatalog, "fr") is None  # other languages: untouched


def test_a_save_names_the_translator_and_the_time(app, translator):
    save("de", SIGN_IN, ["Einloggen"], translator)
    summary = store.summary("de")
    assert summary.last_translator == "hans <hans@example.org>"
    assert abs((utcnow() - summary.revision_date).total_seconds()) < 120


def test_a_save_changes_only_that_entry(app, translator):
    number, before = database_state("de")
    save("de", SIGN_IN, ["Einloggen"], translator)
    _number, after = database_state("de")
    assert {key for key in before if before[key] != after[key]} == {SIGN_IN}


def test_a_plural_entry_saves_every_form(app, translator):
    strings = ["%(num)d تعليق", "تعليق واحد", "تعليقان",
               "%(num)d تعليقات", "%(num)d تعليق", "%(num)d تعليقًا"]  # fmt: skip
    save("ar", COMMENTS, strings, translator)
    assert row("ar", "%(num)d comment").strings == strings
    assert compiled.translations("ar").ngettext("%(num)d comment", "%(num)d comments", 2) == (
        "تعليقان"
    )


def test_a_blocking_problem_refuses_the_save_and_writes_nothing(app, translator):
    before, on_disk = database_state("de"), files_state()
    with pytest.raises(store.CheckFailed) as refused:
        save("de", COMMENTS, ["%(num)d Kommentar", "%(nmu)d Kommentare"], translator)
    assert refused.value.problems == [
        "Form 'other' lacks the placeholder %(num)d.",
        "Form 'other' has the placeholder %(nmu)d, which the source text does not have.",
    ]
    assert database_state("de") == before and files_state() == on_disk
    assert translation_rows() == 0


def test_a_warning_allows_the_save(app, translator):
    result = save("de", SIGN_IN, ["Anmelden!"], translator)
    assert result.changed
    assert result.warnings == ["The translation ends with “!”, the source text does not."]
    assert row("de", "Sign in").strings == ["Anmelden!"]


def test_toggling_fuzzy_alone_is_a_change_and_is_not_served(app, translator):
    result = save("de", SIGN_IN, ["Anmelden"], translator, fuzzy=True)
    assert result.changed and result.entry.state == "fuzzy"
    assert row("de", "Sign in").fuzzy
    assert served("de", "Sign in") == "Sign in"  # fuzzy entries are not compiled
    (entry,) = store.history("de", SIGN_IN)
    assert entry.changes == {"msgstr": ["Anmelden", "Anmelden"], "fuzzy": [False, True]}


def test_saving_what_is_there_changes_nothing(app, translator):
    before = database_state("de")
    result = save("de", SIGN_IN, ["Anmelden"], translator)
    assert not result.changed
    assert database_state("de") == before  # not even a new revision
    assert store.history("de", SIGN_IN) == []


def test_text_area_line_ends_are_stored_as_in_the_source(app, translator):
    save("de", SIGN_IN, ["Ein\r\nloggen"], translator)
    assert row("de", "Sign in").strings == ["Ein\nloggen"]


def test_an_entry_the_catalog_does_not_have_is_unknown(app, translator):
    with pytest.raises(store.UnknownEntry):
        store.save_entry("de", "no-such-key", ["x"], False, "x", translator)
    assert translation_rows() == 0


# -- audit --------------------------------------------------------------------------------------
def test_every_save_writes_an_audit_entry_and_history_is_newest_first(app, translator):
    save("de", SIGN_IN, ["Einloggen"], translator)
    save("de", SIGN_IN, ["Login"], translator)
    save("de", COMMENTS, ["ein Kommentar", "%(num)d Kommentare"], translator)
    db.session.expire_all()
    rows = store.history("de", SIGN_IN)
    assert [row.changes["msgstr"] for row in rows] == [
        ["Einloggen", "Login"], ["Anmelden", "Einloggen"],
    ]  # fmt: skip
    newest = rows[0]
    assert (newest.action, newest.object_type, newest.object_id) == (
        "translate", "Translation", f"de:{SIGN_IN}",
    )  # fmt: skip
    assert newest.object_label == "Sign in" and newest.user_id == translator.id
    (plural,) = store.history("de", COMMENTS)
    assert plural.changes["msgstr"] == [
        ["%(num)d Kommentar", "%(num)d Kommentare"], ["ein Kommentar", "%(num)d Kommentare"],
    ]  # fmt: skip
    assert store.history("fr", SIGN_IN) == []


# -- conflicts ----------------------------------------------------------------------------------
def test_a_second_editor_of_the_same_entry_gets_a_conflict_and_nothing_is_lost(app, translator):
    loaded = store.get_entry("de", SIGN_IN).version  # both editors open the page
    store.save_entry("de", SIGN_IN, ["Einloggen"], False, loaded, translator)
    with pytest.raises(store.Conflict) as conflict:
        store.save_entry("de", SIGN_IN, ["Login"], False, loaded, translator)
    assert conflict.value.current.strings == ("Einloggen",)
    assert conflict.value.current.version == store.get_entry("de", SIGN_IN).version
    assert row("de", "Sign in").strings == ["Einloggen"]
    assert len(store.history("de", SIGN_IN)) == 1


def test_an_editor_that_loaded_the_saved_version_saves_without_conflict(app, translator):
    save("de", SIGN_IN, ["Einloggen"], translator)
    fresh = store.get_entry("de", SIGN_IN).version  # the page opened after that save
    result = store.save_entry("de", SIGN_IN, ["Login"], False, fresh, translator)
    assert result.changed and row("de", "Sign in").strings == ["Login"]


def test_a_version_the_database_never_had_is_a_conflict(app, translator):
    with pytest.raises(store.Conflict):
        store.save_entry("de", SIGN_IN, ["Login"], False, "not-a-version", translator)
    assert row("de", "Sign in").strings == ["Anmelden"]


def test_the_same_text_saved_twice_is_no_conflict(app, translator):
    loaded = store.get_entry("de", SIGN_IN).version
    store.save_entry("de", SIGN_IN, ["Einloggen"], False, loaded, translator)
    result = store.save_entry("de", SIGN_IN, ["Einloggen"], False, loaded, translator)
    assert not result.changed


def test_conflicts_are_decided_by_the_database_whichever_instance_saves(
    app, tmp_path, catalog_copy, translator
):
    # Two instances of the site, each with its own checkout, on one database: a form loaded
    # on A and posted to B is judged by what the database holds, not by either's files.
    url = shared_database(tmp_path)
    other_checkout = tmp_path / "b" / "translations"
    other_checkout.parent.mkdir()
    shutil.copytree(catalog_copy, other_checkout)
    shutil.copy2(catalog_copy.parent / "messages.pot", other_checkout.parent / "messages.pot")
    a, b = instance(url, catalog_copy), instance(url, other_checkout)
    with a.app_context():
        user = create_user(db.session, "ana", "secret password", ["translator"])
        db.session.commit()
        ana = SimpleNamespace(id=user.id)
        loaded = store.get_entry("de", SIGN_IN).version
        store.save_entry("de", SIGN_IN, ["Einloggen"], False, loaded, ana)
        fresh = store.get_entry("de", SIGN_IN).version
        db.session.remove()
    with b.app_context():
        assert store.get_entry("de", SIGN_IN).strings == ("Einloggen",)  # B's files say Anmelden
        with pytest.raises(store.Conflict):  # a stale tab
            store.save_entry("de", SIGN_IN, ["Login"], False, loaded, ana)
        result = store.save_entry("de", SIGN_IN, ["Login"], False, fresh, ana)
        assert result.changed  # a page loaded on A after the save: no false conflict
        db.session.remove()
    for instance_app in (a, b):
        with instance_app.app_context():
            assert store.get_entry("de", SIGN_IN).strings == ("Login",)
            db.session.remove()
            db.engine.dispose()


def test_different_entries_saved_by_threads_at_once_all_survive(app, tmp_path, catalog_copy):
    # On a database file (or PostgreSQL): an in-memory SQLite database is one connection,
    # which every thread would share, transactions and all.
    shared = instance(shared_database(tmp_path), catalog_copy)
    work = {SIGN_IN: "Einloggen", POSTS: "Artikel", TAGS: "Stichwörter"}
    with shared.app_context():
        user = create_user(db.session, "hans", "secret password", ["translator"])
        db.session.commit()
        user = SimpleNamespace(id=user.id, username="hans", email=None)
        versions = {key: store.get_entry("de", key).version for key in work}
        number = revision("de")
        db.session.remove()
    start, errors = threading.Barrier(len(work)), []

    def run(key: str) -> None:
        with shared.app_context():
            start.wait()
            try:
                store.save_entry("de", key, [work[key]], False, versions[key], user)
            except Exception as error:  # reported below
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(key,)) for key in work]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with shared.app_context():
        assert [row("de", m).strings[0] for m in ("Sign in", "Posts", "Tags")] == list(
            work.values()
        )
        assert served("de", "Tags") == "Stichwörter" and served("de", "Posts") == "Artikel"
        assert translation_rows() == 3 and revision("de") == number + 3
        db.session.remove()
        db.engine.dispose()


def _save_in_another_process(directory: str, database: str, msgid: str, text: str, go) -> None:
    app = instance(database, Path(directory))
    with app.app_context():
        user = create_user(db.session, f"p{os.getpid()}", "secret password", ["translator"])
        db.session.commit()
        entry = store.get_entry("de", store.entry_key(msgid, None))
        go.wait()
        store.save_entry("de", entry.key, [text], False, entry.version, user)


def test_different_entries_saved_by_processes_at_once_all_survive(app, tmp_path, catalog_copy):
    url = shared_database(tmp_path)
    shared = instance(url, catalog_copy)
    with shared.app_context():
        store.ensure("de")  # imported once, before the processes start
        number = revision("de")
        db.session.remove()
    before = files_state()
    spawn = multiprocessing.get_context("spawn")
    go = spawn.Event()
    work = {"Sign in": "Einloggen", "Posts": "Artikel", "Tags": "Stichwörter"}
    processes = [
        spawn.Process(
            target=_save_in_another_process, args=(str(catalog_copy), url, msgid, text, go)
        )
        for msgid, text in work.items()
    ]
    for process in processes:
        process.start()
    go.set()
    for process in processes:
        process.join(60)
    assert [process.exitcode for process in processes] == [0] * len(work)
    with shared.app_context():
        assert [row("de", msgid).strings[0] for msgid in work] == list(work.values())
        assert [served("de", msgid) for msgid in work] == list(work.values())
        assert translation_rows() == 3 and revision("de") == number + 3
        db.session.remove()
        db.engine.dispose()
    assert files_state() == before


# -- all or nothing -----------------------------------------------------------------------------
def test_when_the_audit_entry_cannot_be_stored_nothing_is_saved(app, translator, monkeypatch):
    before = database_state("de")

    def failing_commit():
        raise RuntimeError("simulated database failure")

    monkeypatch.setattr(db.session, "commit", failing_commit)
    with pytest.raises(RuntimeError, match="simulated database failure"):
        save("de", SIGN_IN, ["Einloggen"], translator)
    monkeypatch.undo()
    assert database_state("de") == before
    assert served("de", "Sign in") == "Anmelden"
    assert translation_rows() == 0


def test_an_interrupted_save_leaves_the_entry_and_the_revision(app, translator, monkeypatch):
    before = database_state("de")

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt  # Ctrl+C, or a signal turned into an exception

    monkeypatch.setattr(store, "record", interrupted)  # after the row and the revision changed
    with pytest.raises(KeyboardInterrupt):
        save("de", SIGN_IN, ["Einloggen"], translator)
    monkeypatch.undo()
    assert database_state("de") == before
    assert translation_rows() == 0


def test_every_save_has_a_revision_of_its_own(app, translator):
    store.ensure("de")
    seen = {revisions.current(db.session, "de")}
    for text in ("Einloggen", "Anmelden", "Einloggen", "Anmelden"):
        save("de", SIGN_IN, [text], translator)
        db.session.expire_all()
        seen.add(revisions.current(db.session, "de"))
    assert len(seen) == 5  # the same text again is a new revision all the same
