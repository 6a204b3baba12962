"""``flask translate sync`` and ``flask translate export``: the repository's catalogs and the
database's, brought together by a three-way merge per entry, never one over the other.

Every test runs on a private copy of the catalogs and the template (``workbench_config``):
"the repository" below is that copy, changed the way a developer's commit would change it.
"""

from __future__ import annotations

import io
import stat
import threading
from datetime import UTC, datetime
from types import SimpleNamespace
from unittest import mock

import pytest
from babel.messages.pofile import read_po, write_po
from helpers.catalog_state import (
    database_state,
    files_state,
    instance,
    row,
    shared_database,
    translation_rows,
)

from backoffice.core import atomic_files as atomic
from backoffice.domain.accounts import create_user
from backoffice.extensions import db
from backoffice.i18n import catalogs
from backoffice.models import TranslationCatalog
from backoffice.workbench import files, store
from backoffice.workbench import sync as merging

SIGN_IN = store.entry_key("Sign in", None)
POSTS = store.entry_key("Posts", None)


@pytest.fixture
def app_config(workbench_config):
    return workbench_config


# -- helpers -------------------------------------------------------------------------------------
def sync(runner) -> str:
    """Run ``flask translate sync``; its output."""
    result = runner.invoke(args=["translate", "sync"])
    assert result.exit_code == 0, result.output
    return result.output


def export(runner) -> str:
    result = runner.invoke(args=["translate", "export"])
    assert result.exit_code == 0, result.output
    return result.output


def line(output: str, lang: str) -> str:
    """The report line of ``lang`` in the output of ``translate sync``."""
    return next(text for text in output.splitlines() if text.startswith(f"{lang}: "))


def write(path, catalog) -> None:
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=100)
    path.write_bytes(buffer.getvalue())


def commit_to_repository(lang: str, msgid: str, text: str) -> None:
    """A developer's commit: ``msgid`` says ``text`` in ``lang``'s ``.po``."""
    catalog = files.repository_catalog(lang)
    catalog[msgid].string = text
    write(files.po_path(lang), catalog)


def change_template(change, created: datetime) -> None:
    """Apply ``change(template)`` to the template, extracted at ``created``."""
    template = files.template_catalog()
    change(template)
    template.creation_date = created
    write(files.template_path(), template)


def save(lang: str, key: str, text: str, user) -> None:
    entry = store.get_entry(lang, key)
    store.save_entry(lang, key, [text], False, entry.version, user)


LATER = datetime(2030, 1, 1, tzinfo=UTC)
EARLIER = datetime(2020, 1, 1, tzinfo=UTC)


# -- the first sync ------------------------------------------------------------------------------
def test_the_first_sync_imports_todays_files(app, runner):
    # A text saved by the workbench when it still wrote the .po files: in the file, so kept.
    commit_to_repository("de", "Sign in", "Einloggen")
    assert db.session.scalars(db.select(TranslationCatalog)).all() == []
    output = sync(runner)
    for lang in store.languages():
        live = [message for message in files.repository_catalog(lang) if message.id]
        assert line(output, lang) == (
            f"{lang}: {len(live)} added, 0 taken from the repository, 0 conflicts, 0 obsolete"
        )
        for message in live:
            saved = row(lang, message.id[0] if message.pluralizable else message.id,
                        message.context)  # fmt: skip
            strings = list(message.string) if message.pluralizable else [message.string]
            assert (saved.strings, saved.fuzzy, saved.obsolete) == (strings, message.fuzzy, False)
    assert store.get_entry("de", SIGN_IN).strings == ("Einloggen",)
    assert translation_rows() == 0  # an import is no change of anybody's text


def test_the_same_files_synced_again_change_nothing(app, runner):
    sync(runner)
    before = {lang: database_state(lang) for lang in store.languages()}
    output = sync(runner)
    assert line(output, "de") == "de: 0 added, 0 taken from the repository, 0 conflicts, 0 obsolete"
    assert {lang: database_state(lang) for lang in store.languages()} == before  # no revision
    assert translation_rows() == 0


def test_a_sync_writes_no_file(app, runner):
    before = files_state()
    sync(runner)
    commit_to_repository("de", "Sign in", "Einloggen")
    before = files_state()
    sync(runner)
    assert files_state() == before


# -- the three-way merge -------------------------------------------------------------------------
def test_a_repository_change_of_an_untouched_entry_is_taken(app, runner, client):
    sync(runner)
    commit_to_repository("de", "Sign in", "Einloggen")
    output = sync(runner)
    assert line(output, "de") == "de: 0 added, 1 taken from the repository, 0 conflicts, 0 obsolete"
    assert store.get_entry("de", SIGN_IN).strings == ("Einloggen",)
    (entry,) = store.history("de", SIGN_IN)
    assert (entry.action, entry.user_id) == ("sync", None)
    assert entry.changes == {"msgstr": ["Anmelden", "Einloggen"], "fuzzy": [False, False]}
    # A new revision: served on the next request.
    page = client.get("/login", headers={"Accept-Language": "de"}).get_data(as_text=True)
    assert "Einloggen" in page


def test_a_translators_save_survives_a_sync(app, runner, translator):
    sync(runner)
    save("de", SIGN_IN, "Jetzt anmelden", translator)
    output = sync(runner)
    assert line(output, "de") == "de: 0 added, 0 taken from the repository, 0 conflicts, 0 obsolete"
    entry = store.get_entry("de", SIGN_IN)
    assert entry.strings == ("Jetzt anmelden",) and not entry.fuzzy


def test_a_translators_save_and_a_repository_change_of_other_entries_both_stay(
    app, runner, translator
):
    sync(runner)
    save("de", SIGN_IN, "Jetzt anmelden", translator)
    commit_to_repository("de", "Posts", "Artikel")
    sync(runner)
    assert store.get_entry("de", SIGN_IN).strings == ("Jetzt anmelden",)
    assert store.get_entry("de", POSTS).strings == ("Artikel",)


def test_when_both_changed_the_translators_text_is_kept_fuzzy_and_reported(app, runner, translator):
    sync(runner)
    save("de", SIGN_IN, "Jetzt anmelden", translator)
    commit_to_repository("de", "Sign in", "Einloggen")
    output = sync(runner)
    assert line(output, "de") == "de: 0 added, 0 taken from the repository, 1 conflicts, 0 obsolete"
    assert "conflict, the translator's text kept and marked fuzzy: 'Sign in'" in output
    assert "1 conflict(s): review the fuzzy entries in the workbench." in output
    entry = store.get_entry("de", SIGN_IN)
    assert entry.strings == ("Jetzt anmelden",) and entry.fuzzy
    # The repository's text is the base now: the next sync does not report it again.
    assert "conflict(s)" not in sync(runner)
    assert store.get_entry("de", SIGN_IN).strings == ("Jetzt anmelden",)


def test_the_same_change_on_both_sides_is_no_conflict(app, runner, translator):
    sync(runner)
    save("de", SIGN_IN, "Einloggen", translator)
    commit_to_repository("de", "Sign in", "Einloggen")
    output = sync(runner)
    assert line(output, "de") == "de: 0 added, 0 taken from the repository, 0 conflicts, 0 obsolete"
    assert not store.get_entry("de", SIGN_IN).fuzzy


def test_a_sync_records_its_changes_as_one_batch(app, runner):
    sync(runner)
    commit_to_repository("de", "Sign in", "Einloggen")
    commit_to_repository("de", "Posts", "Artikel")
    sync(runner)
    (sign_in,) = store.history("de", SIGN_IN)
    (posts,) = store.history("de", POSTS)
    assert sign_in.batch is not None and sign_in.batch == posts.batch


# -- the template: which entries exist -----------------------------------------------------------
def test_a_new_msgid_in_the_template_is_added_untranslated(app, runner):
    sync(runner)

    def add(template) -> None:
        template.add("A brand new text", locations=[("templates/new.html", 1)])
        template.add(("%(num)d new thing", "%(num)d new things"), ("", ""))

    change_template(add, LATER)
    output = sync(runner)
    assert line(output, "ar") == "ar: 2 added, 0 taken from the repository, 0 conflicts, 0 obsolete"
    entry = store.get_entry("de", store.entry_key("A brand new text", None))
    assert entry.strings == ("",) and entry.state == "untranslated"
    assert entry.locations == (("templates/new.html", 1),)
    plural = store.get_entry("ar", store.entry_key("%(num)d new thing", None))
    assert plural.strings == ("",) * 6 and plural.state == "untranslated"  # a field per form
    assert store.summary("de").untranslated == 2


def test_an_entry_gone_from_the_template_becomes_obsolete(app, runner, translator, client):
    sync(runner)
    change_template(lambda template: template.delete("Sign in"), LATER)
    output = sync(runner)
    assert line(output, "de") == "de: 0 added, 0 taken from the repository, 0 conflicts, 1 obsolete"
    assert store.get_entry("de", SIGN_IN) is None
    assert SIGN_IN not in {entry.key for entry in store.entries("de")}
    assert row("de", "Sign in").obsolete and row("de", "Sign in").strings == ["Anmelden"]
    with pytest.raises(store.UnknownEntry):
        store.save_entry("de", SIGN_IN, ["Einloggen"], False, "x", translator)
    page = client.get("/login", headers={"Accept-Language": "de"}).get_data(as_text=True)
    assert "Anmelden" not in page  # not served any more
    # Back in a later template, it comes back with its text.
    template = read_po(io.BytesIO(catalogs.TEMPLATE.read_bytes()))
    template.creation_date = datetime(2031, 1, 1, tzinfo=UTC)
    write(files.template_path(), template)
    sync(runner)
    assert store.get_entry("de", SIGN_IN).strings == ("Anmelden",)


def test_an_older_template_retires_nothing_and_changes_no_text(app, runner):
    change_template(lambda template: None, LATER)
    sync(runner)
    before = {lang: database_state(lang) for lang in store.languages()}
    # An instance of the previous release: its template is older and lacks a newer string,
    # and its checkout has an older text.
    change_template(lambda template: template.delete("Sign in"), EARLIER)
    commit_to_repository("de", "Posts", "Alte Beiträge")
    output = sync(runner)
    assert line(output, "de") == (
        "de: 0 added, 0 taken from the repository, 0 conflicts, 0 obsolete "
        "(older template: nothing retired)"
    )
    assert {lang: database_state(lang) for lang in store.languages()} == before
    assert store.get_entry("de", SIGN_IN).strings == ("Anmelden",)
    assert db.session.get(TranslationCatalog, "de").template_date == LATER.replace(tzinfo=None)


# -- export --------------------------------------------------------------------------------------
def test_export_writes_the_database_texts_into_the_po_files(app, runner, translator):
    repository = {path: path.read_bytes() for path in catalogs.TRANSLATIONS.glob("*/*/*.po")}
    sync(runner)
    save("de", SIGN_IN, "Jetzt anmelden", translator)
    output = export(runner)
    assert f"Wrote {files.po_path('de')}." in output
    assert files.repository_catalog("de")["Sign in"].string == "Jetzt anmelden"
    # Only the configured copy was written, never the repository's own files.
    assert {path: path.read_bytes() for path in repository} == repository
    # The exported files are what the database holds: syncing them changes nothing.
    before = {lang: database_state(lang) for lang in store.languages()}
    output = sync(runner)
    for lang in store.languages():
        assert line(output, lang) == (
            f"{lang}: 0 added, 0 taken from the repository, 0 conflicts, 0 obsolete"
        )
    assert {lang: database_state(lang) for lang in store.languages()} == before


def test_export_writes_each_file_atomically_keeping_its_mode(app, runner):
    files.po_path("de").chmod(0o664)
    export(runner)
    assert stat.S_IMODE(files.po_path("de").stat().st_mode) == 0o664
    folder = files.po_path("de").parent
    assert [path.name for path in folder.iterdir() if atomic.is_temporary(path.name)] == []


def test_an_export_keeps_every_text_and_the_header_of_the_files(app, runner):
    originals = {lang: files.repository_catalog(lang) for lang in store.languages()}
    sync(runner)
    export(runner)
    for lang, original in originals.items():
        exported = files.repository_catalog(lang)
        assert not exported.fuzzy  # msgfmt and pybabel compile skip a fuzzy header
        for name in ("Plural-Forms", "Language", "Language-Team", "Last-Translator"):
            assert dict(exported.mime_headers)[name] == dict(original.mime_headers)[name], name
        assert exported.creation_date == files.template_catalog().creation_date
        assert [(m.id, m.context, m.string, m.fuzzy) for m in exported] == [
            (m.id, m.context, m.string, m.fuzzy) for m in original
        ]


def test_translate_check_passes_on_exported_files(app, runner, translator, monkeypatch):
    sync(runner)
    save("de", SIGN_IN, "Jetzt anmelden", translator)
    export(runner)
    monkeypatch.setattr(catalogs, "TRANSLATIONS", files.catalog_dir())
    monkeypatch.setattr(catalogs, "TEMPLATE", files.template_path())
    result = runner.invoke(args=["translate", "check"])
    assert result.exit_code == 0, result.output
    assert "All catalogs are complete and consistent." in result.output


def test_a_save_during_a_sync_is_never_lost_silently(app, tmp_path, catalog_copy):
    # A translator saves "Sign in" while a sync is merging a developer's change of it: the
    # save either waits for the sync and gets a conflict, or goes first and is merged. (On a
    # database file: an in-memory one is a single connection that every thread shares.)
    release = instance(shared_database(tmp_path), catalog_copy)
    runner = release.test_cli_runner()
    with release.app_context():
        user = create_user(db.session, "ana", "secret password", ["translator"])
        db.session.commit()
        ana = SimpleNamespace(id=user.id)
        sync(runner)
        loaded = store.get_entry("de", SIGN_IN).version
        db.session.remove()
    commit_to_repository("de", "Sign in", "Einloggen")
    outcome: list[str] = []

    def save_meanwhile() -> None:
        with release.app_context():
            try:
                store.save_entry("de", SIGN_IN, ["Jetzt anmelden"], False, loaded, ana)
                outcome.append("saved")
            except store.Conflict:
                outcome.append("conflict")
            finally:
                db.session.remove()

    real_merge, saver = merging.merge, threading.Thread(target=save_meanwhile)

    def merge_while_a_translator_saves(*args):
        if not saver.is_alive() and not outcome:
            saver.start()
            saver.join(0.5)  # done at once, unless the sync holds the catalog
        return real_merge(*args)

    with release.app_context(), mock.patch.object(merging, "merge", merge_while_a_translator_saves):
        output = sync(runner)
        db.session.remove()
    saver.join(10)
    with release.app_context():
        entry = store.get_entry("de", SIGN_IN)
        db.session.remove()
        db.engine.dispose()
    if outcome == ["saved"]:  # before the sync read the entry: merged, a conflict with the file
        assert entry.strings == ("Jetzt anmelden",) and "1 conflicts" in line(output, "de")
    else:  # the sync first: the stale form gets a conflict, nothing is overwritten unseen
        assert outcome == ["conflict"] and entry.strings == ("Einloggen",)
