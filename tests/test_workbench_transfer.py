"""Download a catalog, upload one back: validated as a whole, merged only when all is well."""

from __future__ import annotations

import pytest

from backoffice.extensions import db
from backoffice.models import AuditEntry
from backoffice.workbench import store, transfer

HEADER = (
    'msgid ""\nmsgstr ""\n"Language: {lang}\\n"\n'
    '"Plural-Forms: nplurals=2; plural=(n != 1);\\n"\n'
    '"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
)


@pytest.fixture
def app_config(workbench_config):
    return workbench_config


def po(body: str, lang: str = "de") -> bytes:
    return (HEADER.format(lang=lang) + body).encode("utf-8")


def refused(report, original: bytes) -> list[tuple[str, str]]:
    """The problems of a refused upload, after checking that nothing was written."""
    assert not report.ok and report.merged == 0
    assert store.po_path("de").read_bytes() == original
    assert db.session.query(AuditEntry).filter_by(object_type="Translation").count() == 0
    return report.problems


def test_the_download_is_the_file(app):
    assert transfer.export_po("de") == store.po_path("de").read_bytes()


def test_uploading_the_download_changes_nothing(app, translator):
    original = transfer.export_po("de")
    report = transfer.import_po("de", original, translator)
    assert report.ok and report.merged == 0 and report.ignored == 0
    assert report.unchanged == len(store.entries("de"))
    assert store.po_path("de").read_bytes() == original


def test_a_valid_upload_merges_known_entries_and_ignores_others(app, translator):
    data = po(
        'msgid "Sign in"\nmsgstr "Einloggen"\n\n'
        '#, fuzzy\nmsgid "Posts"\nmsgstr "Artikel"\n\n'
        'msgid "Tags"\nmsgstr ""\n\n'
        'msgid "Not in our code"\nmsgstr "Nicht in unserem Code"\n\n'
        'msgid "%(num)d comment"\nmsgid_plural "%(num)d comments"\n'
        'msgstr[0] "ein Kommentar"\nmsgstr[1] "%(num)d Kommentare"\n'
    )
    report = transfer.import_po("de", data, translator)
    assert report.ok, report.problems
    assert (report.merged, report.unchanged, report.ignored) == (3, 1, 1)
    assert report.ignored_msgids == ["Not in our code"]
    assert store.get_entry("de", store.entry_key("Sign in", None)).strings == ("Einloggen",)
    posts = store.get_entry("de", store.entry_key("Posts", None))
    assert posts.strings == ("Artikel",) and posts.fuzzy
    tags = store.get_entry("de", store.entry_key("Tags", None))
    assert tags.strings == ("Schlagwörter",)  # an empty translation erases nothing
    rows = db.session.query(AuditEntry).filter_by(object_type="Translation").all()
    assert len(rows) == 3 and {row.batch for row in rows} == {report.batch}
    assert b"Nicht in unserem Code" not in store.po_path("de").read_bytes()


def test_a_malformed_file_is_refused_with_its_line(app, translator):
    original = store.po_path("de").read_bytes()
    data = po('msgid "Sign in"\nmsgstr "Einloggen"\nthis is no po syntax\n')
    problems = refused(transfer.import_po("de", data, translator), original)
    assert problems == [("line 9", "The file is not a valid .po file here: this is no po syntax")]


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (po('msgid "Sign in"\nmsgstr "Connexion"\n', lang="fr"),
         "The file is for the language fr, not de."),
        (po('msgid "Sign in"\nmsgstr "Einloggen"\n').replace(b'"Language: de\\n"\n', b""),
         "The file has no Language header."),
        ("msgid \"Sign in\"\nmsgstr \"Anmeldung für Benutzer\"\n".encode("latin-1"),
         "The file is not UTF-8 text."),
        (b"\x00\x01PK binary", "The file contains binary data; a .po file is text."),
    ],
)  # fmt: skip
def test_a_file_that_is_not_this_catalog_is_refused(app, translator, data, problem):
    original = store.po_path("de").read_bytes()
    problems = refused(transfer.import_po("de", data, translator), original)
    assert [message for _, message in problems] == [problem]


def test_an_oversized_file_is_refused(app, translator):
    app.config["TRANSLATION_UPLOAD_MAX_BYTES"] = 1024
    original = store.po_path("de").read_bytes()
    problems = refused(transfer.import_po("de", transfer.export_po("de"), translator), original)
    assert problems == [("the file", "The file is larger than 1 kB.")]


def test_broken_entries_are_each_reported_and_nothing_is_merged(app, translator):
    original = store.po_path("de").read_bytes()
    data = po(
        'msgid "Sign in"\nmsgstr "Einloggen"\n\n'
        'msgid "The tag “%(title)s” already exists."\nmsgstr "Das Tag „%(titel)s“ gibt es."\n\n'
        'msgid "%(num)d comment"\nmsgid_plural "%(num)d comments"\n'
        'msgstr[0] "%(num)d Kommentar"\nmsgstr[1] "<b>%(num)d</b> Kommentare"\n'
    )
    problems = refused(transfer.import_po("de", data, translator), original)
    assert problems == [
        ("The tag “%(title)s” already exists.",
         "The translation lacks the placeholder %(title)s."),
        ("The tag “%(title)s” already exists.",
         "The translation has the placeholder %(titel)s, which the source text does not have."),
        ("%(num)d comment", "Form 'other' has the tag </b>, which the source text does not have."),
        ("%(num)d comment", "Form 'other' has the tag <b>, which the source text does not have."),
    ]  # fmt: skip


def test_a_file_with_other_plural_forms_is_refused(app, translator):
    original = store.po_path("ar").read_bytes()
    data = po(
        'msgid "%(num)d comment"\nmsgid_plural "%(num)d comments"\nmsgstr[0] "a"\nmsgstr[1] "b"\n',
        lang="ar",
    )
    report = transfer.import_po("ar", data, translator)
    assert not report.ok and "plural forms" in report.problems[0][1]
    assert store.po_path("ar").read_bytes() == original
