"""``flask translate check`` fails on every kind of broken catalog, and passes on ours."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import write_po

from backoffice.i18n import catalogs


def write_catalog(path: Path, lang: str, messages: list[tuple]) -> Path:
    """A .po with ``messages``: (id, string) or (id, string, flags) or (id, string, flags, ctx)."""
    catalog = Catalog(locale=lang, charset="utf-8")
    for id_, string, *rest in messages:
        flags = rest[0] if rest else ()
        context = rest[1] if len(rest) > 1 else None
        catalog.add(id_, string, flags=flags, context=context)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as handle:
        write_po(handle, catalog)
    return path


@pytest.mark.parametrize(
    ("messages", "problem"),
    [
        ([("Save", "")], "is untranslated"),
        ([("Save", "Speichern", ("fuzzy",))], "is fuzzy"),
        ([("Hello %(name)s", "Hallo %(nom)s")], "placeholders"),
        ([("Hello %(name)s", "Hallo")], "placeholders"),
        ([("%d posts", "%s Beiträge")], "placeholders"),
        ([("Hi {name}", "Hallo {user}")], "placeholders"),
        ([(("%(num)d post", "%(num)d posts"), ("%(num)d Beitrag", ""))], "is untranslated"),
    ],
)
def test_check_reports_each_broken_entry(tmp_path, messages, problem):
    path = write_catalog(tmp_path / "de" / "LC_MESSAGES" / "messages.po", "de", messages)
    problems = catalogs.check_catalog(path)
    assert len(problems) == 1 and problem in problems[0], problems


def test_check_reports_a_wrong_number_of_plural_forms(tmp_path):
    path = tmp_path / "messages.po"
    path.write_text(
        'msgid ""\nmsgstr ""\n"Language: de\\n"\n'
        '"Plural-Forms: nplurals=2; plural=(n != 1);\\n"\n'
        '"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        'msgid "%(num)d post"\nmsgid_plural "%(num)d posts"\n'
        'msgstr[0] "%(num)d Beitrag"\nmsgstr[1] "%(num)d Beiträge"\nmsgstr[2] "%(num)d x"\n',
        encoding="utf-8",
    )
    problems = catalogs.check_catalog(path)
    assert problems == [f"{path}: 1 plural translation(s) beyond the language's 2 forms"]


def test_check_reports_a_header_with_the_wrong_number_of_forms_for_the_language(tmp_path):
    path = tmp_path / "messages.po"
    path.write_text(
        'msgid ""\nmsgstr ""\n"Language: ar\\n"\n'
        '"Plural-Forms: nplurals=2; plural=(n != 1);\\n"\n'
        '"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        'msgid "%(num)d post"\nmsgid_plural "%(num)d posts"\n'
        'msgstr[0] "%(num)d a"\nmsgstr[1] "%(num)d b"\n',
        encoding="utf-8",
    )
    assert catalogs.check_catalog(path) == [f"{path}: the header has 2 plural forms, ar needs 6"]


def test_a_complete_catalog_passes(tmp_path):
    path = write_catalog(tmp_path / "de" / "LC_MESSAGES" / "messages.po", "de", [
        ("Hello %(name)s", "Hallo %(name)s"),
        (("%(num)d post", "%(num)d posts"), ("%(num)d Beitrag", "%(num)d Beiträge")),
        ("Created", "Angelegt", (), "audit action"),
    ])  # fmt: skip
    assert catalogs.check_catalog(path) == []


@pytest.fixture
def project_copy(tmp_path, monkeypatch):
    """The command working on a copy of our template and catalogs, free to be broken."""
    shutil.copytree(catalogs.TRANSLATIONS, tmp_path / "translations")
    shutil.copy(catalogs.TEMPLATE, tmp_path / "messages.pot")
    monkeypatch.setattr(catalogs, "TRANSLATIONS", tmp_path / "translations")
    monkeypatch.setattr(catalogs, "TEMPLATE", tmp_path / "messages.pot")
    return tmp_path


def break_first_translation(po: Path, old_to_new: tuple[str, str]) -> None:
    text = po.read_text(encoding="utf-8")
    old, new = old_to_new
    assert old in text
    po.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_the_command_passes_on_the_copy_then_fails_on_a_missing_translation(runner, project_copy):
    assert runner.invoke(args=["translate", "check"]).exit_code == 0
    po = project_copy / "translations" / "fr" / "LC_MESSAGES" / "messages.po"
    text = po.read_text(encoding="utf-8")
    start = text.index('msgid "Sign in"\nmsgstr "')
    end = text.index("\n", start + len('msgid "Sign in"\n'))
    po.write_text(text[:start] + 'msgid "Sign in"\nmsgstr ""' + text[end:], encoding="utf-8")
    result = runner.invoke(args=["translate", "check"])
    assert result.exit_code != 0
    assert "'Sign in' is untranslated" in result.output


def test_the_command_fails_on_a_mismatched_named_placeholder(runner, project_copy):
    po = project_copy / "translations" / "de" / "LC_MESSAGES" / "messages.po"
    text = po.read_text(encoding="utf-8")
    marker = 'msgid "The tag “%(title)s” already exists."\nmsgstr "'
    start = text.index(marker) + len(marker)
    end = text.index('"\n', start)
    broken = text[start:end].replace("%(title)s", "%(titel)s")
    po.write_text(text[:start] + broken + text[end:], encoding="utf-8")
    result = runner.invoke(args=["translate", "check"])
    assert result.exit_code != 0
    assert "placeholders ['%(titel)s'] do not match ['%(title)s']" in result.output


def test_the_command_fails_when_the_template_is_stale(runner, project_copy):
    pot = project_copy / "messages.pot"
    text = pot.read_text(encoding="utf-8")
    start = text.index('msgid "Sign in"')
    pot.write_text(text[:start] + text[text.index("\n\n", start) + 2 :], encoding="utf-8")
    result = runner.invoke(args=["translate", "check"])
    assert result.exit_code != 0
    assert "messages.pot is out of date (1 new, 0 removed" in result.output


def test_a_context_of_its_own_is_a_message_of_its_own(runner, project_copy):
    # Dropping the "audit action" context from the template must count as stale.
    pot = project_copy / "messages.pot"
    text = pot.read_text(encoding="utf-8")
    assert 'msgctxt "audit action"\nmsgid "Created"' in text
    pot.write_text(text.replace('msgctxt "audit action"\nmsgid "Created"\nmsgstr ""\n\n', "", 1),
                   encoding="utf-8")  # fmt: skip
    result = runner.invoke(args=["translate", "check"])
    assert result.exit_code != 0
    assert "out of date (1 new" in result.output


# Flask-Admin prints these inside onclick="confirm('…')": a straight apostrophe in a
# translation would end the JavaScript string, and the delete would go through unasked.
IN_JAVASCRIPT_STRINGS = [
    "Are you sure you want to delete this record?",
    "Are you sure you want to delete \\'%(name)s\\' recursively?",
    "Are you sure you want to delete \\'%(name)s\\'?",
]


@pytest.mark.parametrize("lang", ["de", "fr", "es", "pt", "ar"])
def test_confirmations_shown_by_javascript_contain_no_straight_apostrophe(lang):
    from babel.messages.pofile import read_po

    with (catalogs.TRANSLATIONS / lang / "LC_MESSAGES" / "admin.po").open("rb") as handle:
        catalog = read_po(handle)
    for msgid in IN_JAVASCRIPT_STRINGS:
        message = catalog.get(msgid)
        assert message is not None and message.string, msgid
        assert "'" not in message.string.replace("\\'", ""), (msgid, message.string)
