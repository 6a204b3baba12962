"""Update from code: this instance's strings merged into the database's catalogs, the same
three-way merge as ``flask translate sync``, and no file written."""

from __future__ import annotations

import io
import re

import pytest
from babel.messages.pofile import read_po, write_po
from helpers.catalog_state import database_state, files_state, row, translation_rows

from backoffice.i18n import catalogs, compiled
from backoffice.workbench import files, store, update

SIGN_IN = store.entry_key("Sign in", None)


@pytest.fixture
def app_config(workbench_config):
    return workbench_config


def remove_entry(text: str, msgid: str) -> str:
    start = text.index(f'msgid "{msgid}"\n')
    start = text.rindex("\n\n", 0, start) + 2
    return text[:start] + text[text.index("\n\n", start) + 2 :]


def change_repository(lang: str, msgid: str, text: str) -> None:
    """A developer's commit, pulled into this instance's checkout: ``msgid`` says ``text``."""
    path = files.po_path(lang)
    catalog = read_po(io.BytesIO(path.read_bytes()), locale=lang)
    catalog[msgid].string = text
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=100)
    path.write_bytes(buffer.getvalue())


def dated(template: str, date: str) -> str:
    return re.sub(r"POT-Creation-Date: [^\\]*", f"POT-Creation-Date: {date}", template)


def test_a_missing_message_is_added_and_a_stale_one_made_obsolete(app):
    po = files.po_path("de")
    text = remove_entry(po.read_text(encoding="utf-8"), "Sign in")
    po.write_text(text + '\nmsgid "Gone from the code"\nmsgstr "Weg"\n', encoding="utf-8")
    repository_template = catalogs.TEMPLATE.read_bytes()

    report = update.update_from_code()

    # (Strings marked in the code since the last extraction are added as well.)
    assert "Sign in" in report.added["de"] and "Sign in" not in report.added["fr"]
    assert report.obsolete["de"] == ["Gone from the code"] and report.obsolete["fr"] == []
    assert store.get_entry("de", SIGN_IN).state == "untranslated"
    assert store.get_entry("de", store.entry_key("Gone from the code", None)) is None
    gone = row("de", "Gone from the code")
    assert gone.obsolete and gone.strings == ["Weg"]  # retired, its text kept
    assert compiled.translations("de").gettext("Gone from the code") == "Gone from the code"
    assert catalogs.TEMPLATE.read_bytes() == repository_template
    assert len(files.template_catalog()) == report.messages > 100


def test_an_up_to_date_catalog_is_left_alone(app):
    update.update_from_code()
    before = {lang: database_state(lang) for lang in store.languages()}
    report = update.update_from_code()
    assert all(not added for added in report.added.values())
    assert all(not obsolete for obsolete in report.obsolete.values())
    assert {lang: database_state(lang) for lang in store.languages()} == before  # no revision
    assert translation_rows() == 0


def test_an_update_writes_no_file(app):
    po = files.po_path("de")
    po.write_text(remove_entry(po.read_text(encoding="utf-8"), "Sign in"), encoding="utf-8")
    before, repository_template = files_state(), catalogs.TEMPLATE.read_bytes()
    report = update.update_from_code()
    assert "Sign in" in report.added["de"]
    assert files_state() == before  # neither the template nor any .po or .mo
    assert catalogs.TEMPLATE.read_bytes() == repository_template


def test_an_update_keeps_a_translators_saved_text(app, translator):
    entry = store.get_entry("de", SIGN_IN)
    store.save_entry("de", SIGN_IN, ["Jetzt anmelden"], False, entry.version, translator)
    update.update_from_code()
    assert store.get_entry("de", SIGN_IN).strings == ("Jetzt anmelden",)
    assert not store.get_entry("de", SIGN_IN).fuzzy


def test_an_update_takes_a_new_text_of_the_repository_for_an_untouched_entry(app, make_user):
    store.entries("de")  # imported as the checkout had it
    change_repository("de", "Sign in", "Einloggen")  # then a deploy brought a developer's fix
    admin = make_user("root", "admin")
    update.update_from_code(admin)
    assert store.get_entry("de", SIGN_IN).strings == ("Einloggen",)
    (entry,) = store.history("de", SIGN_IN)
    assert (entry.action, entry.user_id) == ("sync", admin.id)
    assert entry.changes["msgstr"] == ["Anmelden", "Einloggen"]


def test_an_instance_running_older_code_retires_nothing(app, runner):
    # A newer release synced first: its template is newer and has a string this code lacks.
    template = files.template_path()
    ours = template.read_text(encoding="utf-8")
    newer = dated(ours, "2030-01-01 00:00+0000") + '\nmsgid "Only in newer code"\nmsgstr ""\n'
    template.write_text(newer, encoding="utf-8")
    assert runner.invoke(args=["translate", "sync"]).exit_code == 0
    template.write_text(ours, encoding="utf-8")  # this instance still runs the older code
    before = database_state("de")

    report = update.update_from_code()

    assert report.kept == store.languages()
    assert all(not obsolete for obsolete in report.obsolete.values())
    assert not row("de", "Only in newer code").obsolete
    assert database_state("de") == before
