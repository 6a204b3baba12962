"""``flask translate check`` fails on every kind of broken catalog, and passes on ours; catalogs
are written whole, keep their mode, and leave no temporary file behind."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import write_po

from backoffice import create_app
from backoffice.core import atomic_files as atomic
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


# -- writing catalogs: whole files, the mode they had, no temporary file left behind ------------
@contextmanager
def umask(mask: int) -> Iterator[None]:
    previous = os.umask(mask)
    try:
        yield
    finally:
        os.umask(previous)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.parametrize("existing", [0o644, 0o664, 0o640, 0o600])
def test_a_write_keeps_the_mode_the_file_had(tmp_path, existing):
    path = tmp_path / "messages.po"
    path.write_bytes(b"old")
    path.chmod(existing)
    with umask(0o022):
        atomic.write(path, b"new")
    assert path.read_bytes() == b"new" and mode(path) == existing


@pytest.mark.parametrize(("mask", "expected"), [(0o022, 0o644), (0o002, 0o664), (0o077, 0o600)])
def test_a_new_file_gets_the_mode_of_any_new_file(tmp_path, mask, expected):
    path = tmp_path / "xx" / "LC_MESSAGES" / "messages.po"
    with umask(mask):
        atomic.write(path, b"new")
    assert mode(path) == expected


def test_compile_keeps_each_mo_files_mode_and_makes_new_ones_0644(catalog_copy):
    kept, new = (catalog_copy / lang / "LC_MESSAGES" / "messages.mo" for lang in ("de", "fr"))
    kept.chmod(0o664)
    new.unlink()
    with umask(0o022):
        catalogs.compile_all(catalog_copy)
    assert mode(kept) == 0o664 and mode(new) == 0o644


def test_the_compile_command_keeps_modes_and_leaves_no_temporary_file(runner, project_copy):
    folder = project_copy / "translations" / "de" / "LC_MESSAGES"
    catalogs.compile_all(project_copy / "translations")
    (folder / "messages.mo").chmod(0o664)
    (folder / "admin.mo").chmod(0o644)
    with umask(0o077):  # would make new files 0600: existing ones keep theirs
        result = runner.invoke(args=["translate", "compile"])
    assert result.exit_code == 0, result.output
    assert mode(folder / "messages.mo") == 0o664 and mode(folder / "admin.mo") == 0o644
    assert [p.name for p in folder.iterdir() if p.name.startswith(".")] == []


@pytest.mark.parametrize(
    "failure", [KeyboardInterrupt(), OSError(28, "No space left on device")], ids=repr
)
@pytest.mark.parametrize("step", ["fsync", "replace"])
def test_a_failed_write_leaves_the_file_and_no_temporary(tmp_path, monkeypatch, failure, step):
    path = tmp_path / "messages.mo"
    path.write_bytes(b"old")

    def fail(*args):
        raise failure

    monkeypatch.setattr(atomic.os, step, fail)
    with pytest.raises(type(failure)):
        atomic.write(path, b"new" * 10_000)
    monkeypatch.undo()
    assert path.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["messages.mo"]


KILLED_WRITER = """
import os, sys, time
from pathlib import Path
from backoffice.core import atomic_files as atomic

def stuck(fd):
    print("writing", flush=True)
    time.sleep(60)

os.fsync = stuck
atomic.write(Path(sys.argv[1]), b"new")
"""


def test_a_write_killed_midway_leaves_a_temporary_file_that_the_sweep_removes(tmp_path):
    target = tmp_path / "messages.mo"
    target.write_bytes(b"old")
    child = subprocess.Popen(
        [sys.executable, "-c", KILLED_WRITER, str(target)],
        cwd=catalogs.ROOT,
        stdout=subprocess.PIPE,
    )
    try:
        assert child.stdout.readline() == b"writing\n"
    finally:
        child.kill()  # SIGKILL: no except, no finally runs in the writer
        child.wait()
        child.stdout.close()
    leftovers = [p for p in tmp_path.iterdir() if p != target]
    assert len(leftovers) == 1 and atomic.is_temporary(leftovers[0].name)
    assert target.read_bytes() == b"old"
    assert atomic.remove_stale([tmp_path]) == []  # young: it could be a live write
    later = time.time() + atomic.STALE_AFTER + 1
    assert atomic.remove_stale([tmp_path], now=later) == leftovers
    assert list(tmp_path.iterdir()) == [target]


def test_stale_temporary_files_beside_the_catalogs_are_removed_on_start(workbench_config):
    catalog_dir = Path(workbench_config["BABEL_TRANSLATION_DIRECTORIES"])
    folder = catalog_dir / "de" / "LC_MESSAGES"
    stale = [
        folder / ".messages.po.backoffice-tmp-0123456789abcdef",
        catalog_dir / "ar" / "LC_MESSAGES" / ".messages.mo.backoffice-tmp-00000000ffffffff",
        folder / ".messages.mo.k3x_9ab2",  # left by tempfile.mkstemp before
        catalog_dir.parent / ".messages.pot.backoffice-tmp-fedcba9876543210",  # the template's
    ]
    young = folder / ".messages.mo.backoffice-tmp-1111111111111111"
    others = [folder / ".messages.po.backup", folder / "notes.txt", folder / "messages.po.lock",
              catalog_dir / ".messages.po.backoffice-tmp-2222222222222222"]  # fmt: skip
    long_ago = time.time() - atomic.STALE_AFTER - 60
    for path in [*stale, young, *others]:
        path.write_bytes(b"x")
        if path != young:
            os.utime(path, (long_ago, long_ago))

    create_app("testing", SQLALCHEMY_DATABASE_URI="sqlite://", **workbench_config)

    assert [path for path in stale if path.exists()] == []
    assert young.exists() and all(path.exists() for path in others)
