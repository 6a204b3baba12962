"""Saving a translation: checked, atomic, never silently overwriting, always audited."""

from __future__ import annotations

import gettext
import io
import multiprocessing
import os
import stat
import threading
from pathlib import Path
from types import SimpleNamespace

import pytest
from babel.messages.pofile import read_po

from backoffice.extensions import db
from backoffice.i18n import atomic, catalogs
from backoffice.models import AuditEntry
from backoffice.workbench import files, store

SIGN_IN = store.entry_key("Sign in", None)
POSTS = store.entry_key("Posts", None)
TAGS = store.entry_key("Tags", None)
COMMENTS = store.entry_key("%(num)d comment", None)


@pytest.fixture
def app_config(workbench_config):
    return workbench_config


def in_file(lang: str, msgid: str) -> object:
    """The translation of ``msgid`` as the .po file on disk has it now."""
    catalog = read_po(io.BytesIO(store.po_path(lang).read_bytes()))
    return catalog[msgid].string


def in_mo(lang: str, msgid: str) -> str:
    """The translation of ``msgid`` as the compiled .mo on disk gives it now."""
    with store.mo_path(lang).open("rb") as handle:
        return gettext.GNUTranslations(handle).gettext(msgid)


def translation_rows() -> int:
    return db.session.query(AuditEntry).filter_by(object_type="Translation").count()


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


# -- saving -------------------------------------------------------------------------------------
def test_a_save_writes_the_po_and_the_mo(app, translator):
    result = save("de", SIGN_IN, ["Einloggen"], translator)
    assert result.changed and result.entry.strings == ("Einloggen",)
    assert in_file("de", "Sign in") == "Einloggen"
    assert in_mo("de", "Sign in") == "Einloggen"
    assert store.get_entry("de", SIGN_IN).strings == ("Einloggen",)


def test_a_save_updates_the_header(app, translator):
    save("de", SIGN_IN, ["Einloggen"], translator)
    text = store.po_path("de").read_text(encoding="utf-8")
    assert '"Last-Translator: hans <hans@example.org>\\n"' in text
    summary = store.summary("de")
    assert summary.last_translator == "hans <hans@example.org>"
    from backoffice.models._time import utcnow

    assert abs((utcnow() - summary.revision_date).total_seconds()) < 120


def test_a_save_keeps_the_rest_of_the_file_as_it_was(app, translator):
    before = store.po_path("de").read_text(encoding="utf-8").splitlines()
    save("de", SIGN_IN, ["Einloggen"], translator)
    after = store.po_path("de").read_text(encoding="utf-8").splitlines()
    changed = [(a, b) for a, b in zip(before, after, strict=True) if a != b]
    assert [b for _, b in changed][1:] == [
        '"Last-Translator: hans <hans@example.org>\\n"',
        'msgstr "Einloggen"',
    ]
    assert changed[0][1].startswith('"PO-Revision-Date: ')
    assert sum(line.startswith("#~ msgid") for line in after) > 0  # obsolete entries kept


def test_a_plural_entry_saves_every_form(app, translator):
    strings = ["%(num)d تعليق", "تعليق واحد", "تعليقان",
               "%(num)d تعليقات", "%(num)d تعليق", "%(num)d تعليقًا"]  # fmt: skip
    save("ar", COMMENTS, strings, translator)
    assert list(in_file("ar", ("%(num)d comment", "%(num)d comments"))) == strings


def test_a_blocking_problem_refuses_the_save_and_writes_nothing(app, translator):
    po, mo = store.po_path("de").read_bytes(), store.mo_path("de").read_bytes()
    with pytest.raises(store.CheckFailed) as refused:
        save("de", COMMENTS, ["%(num)d Kommentar", "%(nmu)d Kommentare"], translator)
    assert refused.value.problems == [
        "Form 'other' lacks the placeholder %(num)d.",
        "Form 'other' has the placeholder %(nmu)d, which the source text does not have.",
    ]
    assert store.po_path("de").read_bytes() == po and store.mo_path("de").read_bytes() == mo
    assert translation_rows() == 0


def test_a_warning_allows_the_save(app, translator):
    result = save("de", SIGN_IN, ["Anmelden!"], translator)
    assert result.changed
    assert result.warnings == ["The translation ends with “!”, the source text does not."]
    assert in_file("de", "Sign in") == "Anmelden!"


def test_toggling_fuzzy_alone_is_a_change_and_leaves_the_mo_without_it(app, translator):
    result = save("de", SIGN_IN, ["Anmelden"], translator, fuzzy=True)
    assert result.changed and result.entry.state == "fuzzy"
    assert in_mo("de", "Sign in") == "Sign in"  # fuzzy entries are not compiled
    (row,) = store.history("de", SIGN_IN)
    assert row.changes == {"msgstr": ["Anmelden", "Anmelden"], "fuzzy": [False, True]}


def test_saving_what_is_there_changes_nothing(app, translator):
    mtime = store.po_path("de").stat().st_mtime_ns
    result = save("de", SIGN_IN, ["Anmelden"], translator)
    assert not result.changed
    assert store.po_path("de").stat().st_mtime_ns == mtime
    assert store.history("de", SIGN_IN) == []


def test_text_area_line_ends_are_stored_as_in_the_source(app, translator):
    save("de", SIGN_IN, ["Ein\r\nloggen"], translator)
    assert in_file("de", "Sign in") == "Ein\nloggen"


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
    assert in_file("de", "Sign in") == "Einloggen"
    assert len(store.history("de", SIGN_IN)) == 1


def test_the_same_text_saved_twice_is_no_conflict(app, translator):
    loaded = store.get_entry("de", SIGN_IN).version
    store.save_entry("de", SIGN_IN, ["Einloggen"], False, loaded, translator)
    result = store.save_entry("de", SIGN_IN, ["Einloggen"], False, loaded, translator)
    assert not result.changed


def test_different_entries_saved_by_threads_at_once_all_survive(app, translator):
    user = SimpleNamespace(id=translator.id, username="hans", email="hans@example.org")
    work = {SIGN_IN: "Einloggen", POSTS: "Artikel", TAGS: "Stichwörter"}
    versions = {key: store.get_entry("de", key).version for key in work}
    start, errors = threading.Barrier(len(work)), []

    def run(key: str) -> None:
        with app.app_context():
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
    assert [in_file("de", m) for m in ("Sign in", "Posts", "Tags")] == list(work.values())
    assert in_mo("de", "Tags") == "Stichwörter" and in_mo("de", "Posts") == "Artikel"
    assert translation_rows() == 3


def _save_in_another_process(directory: str, database: str, msgid: str, text: str, go) -> None:
    from backoffice import create_app
    from backoffice.accounts import create_user, ensure_roles

    app = create_app(
        "testing", SQLALCHEMY_DATABASE_URI=database, BABEL_TRANSLATION_DIRECTORIES=directory
    )
    with app.app_context():
        db.create_all()
        ensure_roles(db.session)
        user = create_user(db.session, f"p{os.getpid()}", "secret password", ["translator"])
        db.session.commit()
        entry = store.get_entry("de", store.entry_key(msgid, None))
        go.wait()
        store.save_entry("de", entry.key, [text], False, entry.version, user)


def test_different_entries_saved_by_processes_at_once_all_survive(app, tmp_path):
    spawn = multiprocessing.get_context("spawn")
    go = spawn.Event()
    work = {"Sign in": "Einloggen", "Posts": "Artikel", "Tags": "Stichwörter"}
    processes = [
        spawn.Process(
            target=_save_in_another_process,
            args=(str(store.catalog_dir()), f"sqlite:///{tmp_path / f'p{i}.db'}", msgid, text, go),
        )
        for i, (msgid, text) in enumerate(work.items())
    ]
    for process in processes:
        process.start()
    go.set()
    for process in processes:
        process.join(60)
    assert [process.exitcode for process in processes] == [0] * len(work)
    assert [in_file("de", msgid) for msgid in work] == list(work.values())
    assert [in_mo("de", msgid) for msgid in work] == list(work.values())


# -- atomicity ----------------------------------------------------------------------------------
def leftovers(lang: str) -> list[str]:
    folder = store.po_path(lang).parent
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


def test_a_crash_before_the_po_is_renamed_leaves_both_files_as_they_were(
    app, translator, monkeypatch
):
    po, mo = store.po_path("de").read_bytes(), store.mo_path("de").read_bytes()
    real_replace = os.replace

    def crash_on_the_po(source, target):
        if Path(target).name == "messages.po":
            raise OSError("simulated crash before the rename of the .po")
        return real_replace(source, target)

    monkeypatch.setattr(files.os, "replace", crash_on_the_po)
    with pytest.raises(OSError, match="simulated crash"):
        save("de", SIGN_IN, ["Einloggen"], translator)
    monkeypatch.undo()
    assert store.po_path("de").read_bytes() == po
    assert store.mo_path("de").read_bytes() == mo
    assert in_file("de", "Sign in") == "Anmelden" and in_mo("de", "Sign in") == "Anmelden"
    assert leftovers("de") == []
    assert translation_rows() == 0


def test_a_compile_error_leaves_both_files_as_they_were(app, translator, monkeypatch):
    po, mo = store.po_path("de").read_bytes(), store.mo_path("de").read_bytes()

    def broken_compiler(*args, **kwargs):
        raise ValueError("simulated compile error")

    monkeypatch.setattr(catalogs, "write_mo", broken_compiler)
    with pytest.raises(ValueError, match="simulated compile error"):
        save("de", SIGN_IN, ["Einloggen"], translator)
    assert store.po_path("de").read_bytes() == po and store.mo_path("de").read_bytes() == mo
    assert in_mo("de", "Sign in") == "Anmelden"
    assert leftovers("de") == []


def test_when_the_audit_entry_cannot_be_stored_the_files_are_put_back(app, translator, monkeypatch):
    po = store.po_path("de").read_bytes()

    def failing_commit():
        raise RuntimeError("simulated database failure")

    monkeypatch.setattr(db.session, "commit", failing_commit)
    with pytest.raises(RuntimeError, match="simulated database failure"):
        save("de", SIGN_IN, ["Einloggen"], translator)
    monkeypatch.undo()
    assert store.po_path("de").read_bytes() == po
    assert in_mo("de", "Sign in") == "Anmelden"
    assert leftovers("de") == []


def test_every_new_mo_has_a_new_signature_even_within_one_clock_tick(app, translator):
    seen = {files.signature(store.mo_path("de"))}
    for text in ("Einloggen", "Anmelden", "Einloggen", "Anmelden"):
        save("de", SIGN_IN, [text], translator)
        seen.add(files.signature(store.mo_path("de")))
    assert len(seen) == 5


# -- file modes and temporary files -------------------------------------------------------------
def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.parametrize(("po_mode", "mo_mode"), [(0o644, 0o644), (0o664, 0o640)])
def test_a_save_keeps_the_modes_of_the_po_and_the_mo(app, translator, po_mode, mo_mode):
    store.po_path("de").chmod(po_mode)
    store.mo_path("de").chmod(mo_mode)
    save("de", SIGN_IN, ["Einloggen"], translator)
    assert mode(store.po_path("de")) == po_mode and mode(store.mo_path("de")) == mo_mode


def test_a_save_creates_a_missing_mo_like_any_new_file(app, translator):
    store.mo_path("de").unlink()
    previous = os.umask(0o022)
    try:
        save("de", SIGN_IN, ["Einloggen"], translator)
    finally:
        os.umask(previous)
    assert mode(store.mo_path("de")) == 0o644 and in_mo("de", "Sign in") == "Einloggen"


@pytest.mark.parametrize("interrupted", [1, 2], ids=["writing the .mo", "writing the .po"])
def test_an_interrupted_save_leaves_both_files_and_no_temporary(
    app, translator, monkeypatch, interrupted
):
    po, mo = store.po_path("de").read_bytes(), store.mo_path("de").read_bytes()
    real_fsync, calls = os.fsync, []

    def fsync(fd: int) -> None:
        calls.append(fd)
        if len(calls) == interrupted:
            raise KeyboardInterrupt  # Ctrl+C, or a signal turned into an exception
        real_fsync(fd)

    monkeypatch.setattr(atomic.os, "fsync", fsync)
    with pytest.raises(KeyboardInterrupt):
        save("de", SIGN_IN, ["Einloggen"], translator)
    monkeypatch.undo()
    assert store.po_path("de").read_bytes() == po and store.mo_path("de").read_bytes() == mo
    assert leftovers("de") == []
    assert translation_rows() == 0
