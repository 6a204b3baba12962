"""Download a catalog, upload one back: validated as a whole, merged into the database only when
all is well, in one transaction, and no file written."""

from __future__ import annotations

import codecs
import io

import pytest
from babel.messages.pofile import read_po
from helpers.catalog_state import database_state, files_state, row, translation_rows
from helpers.catalogs import po

from backoffice.workbench import files, store, transfer


@pytest.fixture
def app_config(workbench_config):
    return workbench_config


@pytest.fixture
def original(app):
    """The German catalog in the database and the files, before the test uploads anything."""
    return database_state("de"), files_state()


def refused(report, original) -> list[tuple[str, str]]:
    """The problems of a refused upload, after checking that nothing was written."""
    assert not report.ok and report.merged == 0
    assert (database_state("de"), files_state()) == original
    assert translation_rows() == 0
    return report.problems


def downloaded(lang: str):
    return read_po(io.BytesIO(transfer.export_po(lang)), locale=lang)


def test_the_download_is_the_catalog_in_the_database(app, translator):
    key = store.entry_key("Sign in", None)
    version = store.get_entry("de", key).version
    store.save_entry("de", key, ["Einloggen"], False, version, translator)
    catalog = downloaded("de")
    assert catalog["Sign in"].string == "Einloggen"
    assert files.repository_catalog("de")["Sign in"].string == "Anmelden"  # the file: as it was
    for entry in store.entries("de"):
        message = catalog.get(entry.msgid, context=entry.context)
        strings = message.string if entry.msgid_plural else (message.string,)
        assert tuple(strings) == entry.strings and message.fuzzy == entry.fuzzy


def test_the_download_keeps_the_catalogs_header(app):
    for lang in ("de", "pt", "ar"):
        repository, catalog = files.repository_catalog(lang), downloaded(lang)
        assert catalog.plural_forms == repository.plural_forms, lang
        assert catalog.language_team == repository.language_team
        assert catalog.last_translator == repository.last_translator
        assert not catalog.fuzzy  # a fuzzy header is skipped by pybabel compile and msgfmt


def test_uploading_the_download_changes_nothing(app, translator, original):
    report = transfer.import_po("de", transfer.export_po("de"), translator)
    assert report.ok and report.merged == 0 and report.ignored == 0
    assert report.unchanged == len(store.entries("de"))
    assert (database_state("de"), files_state()) == original  # not even a new revision


def test_a_valid_upload_merges_known_entries_and_ignores_others(app, translator):
    data = po(
        'msgid "Sign in"\nmsgstr "Einloggen"\n\n'
        '#, fuzzy\nmsgid "Posts"\nmsgstr "Artikel"\n\n'
        'msgid "Tags"\nmsgstr ""\n\n'
        'msgid "Not in our code"\nmsgstr "Nicht in unserem Code"\n\n'
        'msgid "%(num)d comment"\nmsgid_plural "%(num)d comments"\n'
        'msgstr[0] "ein Kommentar"\nmsgstr[1] "%(num)d Kommentare"\n'
    )
    revision, _entries = database_state("de")
    on_disk = files_state()
    report = transfer.import_po("de", data, translator)
    assert report.ok, report.problems
    assert (report.merged, report.unchanged, report.ignored) == (3, 1, 1)
    assert report.ignored_msgids == ["Not in our code"]
    assert store.get_entry("de", store.entry_key("Sign in", None)).strings == ("Einloggen",)
    posts = store.get_entry("de", store.entry_key("Posts", None))
    assert posts.strings == ("Artikel",) and posts.fuzzy
    tags = store.get_entry("de", store.entry_key("Tags", None))
    assert tags.strings == ("Schlagwörter",)  # an empty translation erases nothing
    rows = store.history("de", store.entry_key("Sign in", None))
    assert rows[0].user_id == translator.id and rows[0].batch == report.batch
    assert translation_rows() == 3
    assert row("de", "Not in our code") is None
    assert database_state("de")[0] == revision + 1  # one revision for the whole upload
    assert files_state() == on_disk  # no file written


def test_a_failure_halfway_through_an_upload_merges_nothing(app, translator, original, monkeypatch):
    data = po('msgid "Sign in"\nmsgstr "Einloggen"\n\nmsgid "Posts"\nmsgstr "Artikel"\n')
    real_record, calls = store.record, []

    def failing_second(*args, **kwargs):
        calls.append(args)
        if len(calls) == 2:
            raise RuntimeError("simulated database failure")
        return real_record(*args, **kwargs)

    monkeypatch.setattr(store, "record", failing_second)
    with pytest.raises(RuntimeError, match="simulated database failure"):
        transfer.import_po("de", data, translator)
    monkeypatch.undo()
    assert (database_state("de"), files_state()) == original
    assert translation_rows() == 0


def test_a_malformed_file_is_refused_with_its_line(app, translator, original):
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
def test_a_file_that_is_not_this_catalog_is_refused(app, translator, original, data, problem):
    problems = refused(transfer.import_po("de", data, translator), original)
    assert [message for _, message in problems] == [problem]


def test_an_oversized_file_is_refused(app, translator, original):
    app.config["TRANSLATION_UPLOAD_MAX_BYTES"] = 1024
    problems = refused(transfer.import_po("de", transfer.export_po("de"), translator), original)
    assert problems == [("the file", "The file is larger than 1 kB.")]


def test_broken_entries_are_each_reported_and_nothing_is_merged(app, translator, original):
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
    before = database_state("ar"), files_state()
    data = po(
        'msgid "%(num)d comment"\nmsgid_plural "%(num)d comments"\nmsgstr[0] "a"\nmsgstr[1] "b"\n',
        lang="ar",
    )
    report = transfer.import_po("ar", data, translator)
    assert not report.ok and "plural forms" in report.problems[0][1]
    assert (database_state("ar"), files_state()) == before


# -- the strict reader: every malformed line is refused with its number --------------------------
# The header above is six lines: the first line of a body is line 7.
@pytest.mark.parametrize(
    ("body", "problem"),
    [
        ('msgid "People"\nmsgstr Leute\n',
         ("line 8", "A text must be in double quotes: msgstr Leute")),
        ('msgid "Peopl\nmsgstr "Leute"\n',
         ("line 7", 'A text in double quotes is not closed: msgid "Peopl')),
        ('msgid "People"\nmsgstr "Leute\n',
         ("line 8", 'A text in double quotes is not closed: msgstr "Leute')),
        ('msgid "People"\nmsgstr ""\n"Leu\n',
         ("line 9", 'A text in double quotes is not closed: "Leu')),
        ('msgid "People" "x"\nmsgstr "Leute"\n',
         ("line 7", 'Nothing may follow the closing double quote: msgid "People" "x"')),
        ('msgid "People"\nmsgstr "Le\\qute"\n',
         ("line 8", 'Unknown escape sequence \\q: msgstr "Le\\qute"')),
        ('msgid "People"\nmsgstr[x] "Leute"\n',
         ("line 8", 'The file is not a valid .po file here: msgstr[x] "Leute"')),
        ('msgid "People"\nmsgstr "Leute"\nmsgstr "Personen"\n',
         ("line 9", 'The keyword msgstr is out of place here: msgstr "Personen"')),
        ('msgid "%(num)d comment"\nmsgid_plural "%(num)d comments"\n'
         'msgstr[0] "ein Kommentar"\nmsgstr[2] "%(num)d Kommentare"\n',
         ("line 10", 'The keyword msgstr[2] is out of place here: msgstr[2] "%(num)d Kommentare"')),
        ('msgid "People"\n\nmsgid "Posts"\nmsgstr "Beiträge"\n',
         ("line 7", "The entry is incomplete: it needs a msgid and a msgstr.")),
        ('msgid "Posts"\nmsgstr "Beiträge"\n\nmsgid "Po" "sts"\nmsgstr "Artikel"\n',
         ("line 10", 'Nothing may follow the closing double quote: msgid "Po" "sts"')),
        ('msgid "Posts"\nmsgstr "Beiträge"\n\nmsgid "Po"\n"sts"\nmsgstr "Artikel"\n',
         ("line 10", "This entry is already in the file, on line 7.")),
        ('msgid "Posts"\nmsgstr "Beiträge"\n# a note\n"Artikel"\n',
         ("line 10", 'A text continues here, but no msgid or msgstr comes before it: "Artikel"')),
        ('msgstr "Beiträge"\n',
         ("line 7", 'The keyword msgstr is out of place here: msgstr "Beiträge"')),
        ("People = Leute\n", ("line 7", "The file is not a valid .po file here: People = Leute")),
        ('#~ msgid "Old"\nmsgstr "Alt"\n',
         ("line 8", 'The keyword msgstr is out of place here: msgstr "Alt"')),
    ],
    ids=["no quotes", "unterminated msgid", "unterminated msgstr", "unterminated continuation",
         "text after the quote", "unknown escape", "bad plural index", "second msgstr",
         "plural form skipped", "no msgstr", "two strings on a line", "duplicate entry",
         "continuation after a comment", "msgstr without msgid", "garbage", "obsolete mixed"],
)  # fmt: skip
def test_a_malformed_line_is_refused_with_its_number(app, translator, original, body, problem):
    assert refused(transfer.import_po("de", po(body), translator), original) == [problem]


def test_every_malformed_line_is_reported_and_a_long_list_is_cut(app, translator, original):
    data = po('msgid "Sign in"\nmsgstr Einloggen\n\nmsgid "Posts\nmsgstr "Artikel"\n')
    problems = refused(transfer.import_po("de", data, translator), original)
    assert [where for where, _message in problems] == ["line 8", "line 10"]
    many = po("".join(f"no po syntax {n}\n" for n in range(25)))
    problems = refused(transfer.import_po("de", many, translator), original)
    assert len(problems) == transfer.MAX_LINE_PROBLEMS + 1
    assert problems[0] == ("line 7", "The file is not a valid .po file here: no po syntax 0")
    assert problems[-1] == ("the file", "5 more lines have problems.")


def test_a_long_malformed_line_is_quoted_shortened(app, translator, original):
    data = po(f'msgid "Sign in"\nmsgstr "{"x" * 100_000}\n')
    [(where, message)] = refused(transfer.import_po("de", data, translator), original)
    assert where == "line 8" and message.endswith("x…") and len(message) < 120


def test_a_file_starting_with_a_byte_order_mark_is_accepted(app, translator):
    data = codecs.BOM_UTF8 + po('msgid "Sign in"\nmsgstr "Einloggen"\n')
    report = transfer.import_po("de", data, translator)
    assert report.ok and report.merged == 1, report.problems
    assert store.get_entry("de", store.entry_key("Sign in", None)).strings == ("Einloggen",)
    assert not transfer.export_po("de").startswith(codecs.BOM_UTF8)


def test_a_utf16_file_is_refused_as_not_utf8(app, translator, original):
    data = po('msgid "Sign in"\nmsgstr "Einloggen"\n').decode("utf-8").encode("utf-16")
    problems = refused(transfer.import_po("de", data, translator), original)
    assert problems == [("the file", "The file is not UTF-8 text.")]


def test_a_non_utf8_byte_is_refused_with_its_line(app, translator, original):
    data = po(
        'msgid "Sign in"\nmsgstr "Einloggen"\n'
    ) + 'msgid "Posts"\nmsgstr "Beiträge"\n'.encode("latin-1")
    problems = refused(transfer.import_po("de", data, translator), original)
    assert problems == [("line 10", "The file is not UTF-8 text.")]


@pytest.mark.parametrize("lang", ["de", "fr", "es", "pt", "ar"])
def test_the_strict_reader_accepts_every_catalog_of_ours(app, translator, lang):
    report = transfer.import_po(lang, transfer.export_po(lang), translator)
    assert report.ok and report.merged == 0, report.problems[:3]
    # A translator's tool working on the repository's file: the same catalog, the same header.
    report = transfer.import_po(lang, files.po_path(lang).read_bytes(), translator)
    assert report.ok and report.merged == 0, report.problems[:3]
