"""The translation pipeline: extract, init, update, compile and check the catalogs.

Two domains live in ``translations/<lang>/LC_MESSAGES/``: ``messages`` (ours, extracted
from the code into ``babel/messages.pot``) and ``admin`` (Flask-Admin's UI strings, taken
from the package's ``.po`` files and owned by us from then on).
"""

from __future__ import annotations

import copy
import hashlib
import io
import os
import re
from collections import Counter
from dataclasses import dataclass, field
from gettext import c2py
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.plurals import get_plural
from babel.messages.pofile import read_po, write_po

from backoffice.core import atomic_files
from backoffice.core.caches import memoized

ROOT = Path(__file__).resolve().parent.parent.parent
BABEL_DIR = ROOT / "babel"
TEMPLATE = BABEL_DIR / "messages.pot"
CONFIG = BABEL_DIR / "babel.cfg"
TRANSLATIONS = ROOT / "translations"
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "lazy_gettext": None, "_l": None,
            "pgettext": ((1, "c"), 2), "npgettext": ((1, "c"), 2, 3),
            "lazy_pgettext": ((1, "c"), 2)}  # fmt: skip
EXTRA_FORM = re.compile(rb"^msgstr\[(\d+)\]", re.M)
PLACEHOLDER = re.compile(r"%(?:\([^)]*\))?[-#0 +]*\d*(?:\.\d+)?[sdifr%]|\{[^{}]*\}")
#: Numbers that reach every branch of the usual ``Plural-Forms`` expressions (n % 100,
#: n % 1000, n % 1000000, …).
PLURAL_SAMPLES = (*range(1001), 1011, 1100, 10_000, 100_000, 1_000_000, 2_000_000)
# The count of a plural message, which a plural form may spell out ("one comment"):
# ngettext's %(num)d, Flask-Admin's %(count)s, {num}/{count}, or an unnamed %d.
NUMBER_PLACEHOLDER = re.compile(
    r"%\((?:num|count)\)[-#0 +]*\d*(?:\.\d+)?[sdi]|%[-#0 +]*\d*[di]|\{(?:num|count)[^{}]*\}"
)


@dataclass
class CheckReport:
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def po_bytes(catalog: Catalog, **options: object) -> bytes:
    """``catalog`` as ``.po`` file contents, in the format of our files (width 100)."""
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=100, **options)  # type: ignore[arg-type]
    return buffer.getvalue()


def mo_bytes(catalog: Catalog) -> bytes:
    """``catalog`` compiled to ``.mo`` file contents.

    Fuzzy entries are left out, and so are translations that would break a page: placeholders
    that do not match the source's (formatting them fails) or markup that differs from the
    source's. Those show the source text until they are fixed (``flask translate check`` and
    the workbench's checks name them).
    """
    broken = [message for message in catalog if message.id and breaks_pages(catalog, message)]
    if broken:
        catalog = copy.deepcopy(catalog)
        for message in broken:
            catalog.delete(message.id, context=message.context)
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    return buffer.getvalue()


def breaks_pages(catalog: Catalog, message: Message) -> bool:
    """True if a translation of ``message`` would fail to format or bring other markup."""
    from backoffice.i18n.text import markup_of

    ids = message.id if isinstance(message.id, tuple | list) else (message.id,)
    strings = message.string if isinstance(message.string, tuple | list) else (message.string,)
    single = single_number_forms(catalog.plural_expr, catalog.num_plurals) if len(ids) > 1 else ()
    for index, string in enumerate(strings):
        if not string:
            continue
        if any(placeholder_mismatch(ids[-1], string, index in single)):
            return True
        if "<" in ids[-1] and markup_of(string) != markup_of(ids[-1]):
            return True
    return False


def extract_catalog() -> Catalog:
    """Extract every marked string of the code and templates (per ``babel/babel.cfg``)."""
    from babel.messages.frontend import parse_mapping_cfg

    with CONFIG.open(encoding="utf-8") as handle:
        method_map, options_map = parse_mapping_cfg(handle)
    catalog = Catalog(project="Backoffice", charset="utf-8", msgid_bugs_address="")
    for filename, lineno, message, comments, context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords=KEYWORDS, comment_tags=("TRANSLATORS:",),
        strip_comment_tags=True,
    ):  # fmt: skip
        catalog.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    return catalog


def extract(template: Path | None = None) -> int:
    """Write ``template`` (default ``babel/messages.pot``); return the number of messages."""
    catalog = extract_catalog()
    atomic_files.write(template or TEMPLATE, template_bytes(catalog))
    return len(catalog)


def template_bytes(catalog: Catalog) -> bytes:
    """The extracted ``catalog`` as the contents of a ``.pot`` template."""
    return po_bytes(catalog, omit_header=False, sort_output=True)


def languages(directory: Path | None = None) -> list[str]:
    """Languages that have a catalog of ours in ``directory`` (default ``translations/``)."""
    directory = directory or TRANSLATIONS
    return sorted(p.parent.parent.name for p in directory.glob("*/LC_MESSAGES/messages.po"))


def init(lang: str) -> Path:
    """Start ``translations/<lang>`` from the template and Flask-Admin's own catalog."""
    from babel import Locale

    Locale.parse(lang)  # refuse unknown language codes early
    target = TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po"
    if target.exists():
        raise FileExistsError(f"{target} exists; use 'translate update'.")
    with TEMPLATE.open("rb") as handle:
        template = read_po(handle)
    catalog = Catalog(locale=lang, project="Backoffice", charset="utf-8")
    catalog.update(template)
    atomic_files.write(target, po_bytes(catalog))
    admin_source = _flask_admin_po(lang)
    if admin_source is not None:
        atomic_files.write(target.with_name("admin.po"), admin_source.read_bytes())
    return target


def _flask_admin_po(lang: str) -> Path | None:
    import flask_admin.translations as admin_translations

    path = Path(admin_translations.__path__[0]) / lang / "LC_MESSAGES" / "admin.po"
    return path if path.exists() else None


def update(template: Path | None = None, directory: Path | None = None) -> list[str]:
    """Merge the template into every catalog (new entries untranslated, old ones obsolete)."""
    with (template or TEMPLATE).open("rb") as handle:
        source = read_po(handle)
    directory = directory or TRANSLATIONS
    updated = []
    for lang in languages(directory):
        path = directory / lang / "LC_MESSAGES" / "messages.po"
        with path.open("rb") as handle:
            catalog = read_po(handle, locale=lang)
        update_catalog(catalog, source)
        atomic_files.write(path, po_bytes(catalog))
        updated.append(lang)
    return updated


def update_catalog(catalog: Catalog, template: Catalog) -> None:
    """Merge ``template`` into ``catalog`` the way ``flask translate update`` does."""
    catalog.update(template, no_fuzzy_matching=True)


def compile_all(directory: Path | None = None) -> list[Path]:
    """Compile every ``.po`` under ``directory`` to an ``.mo`` beside it, atomically."""
    written = []
    for po_path in sorted((directory or TRANSLATIONS).glob("*/LC_MESSAGES/*.po")):
        with po_path.open("rb") as handle:
            catalog = read_po(handle)
        mo_path = po_path.with_suffix(".mo")
        atomic_files.write(mo_path, mo_bytes(catalog))
        written.append(mo_path)
    return written


def placeholders(text: str) -> list[str]:
    """The printf and brace placeholders of ``text``, sorted (``%%`` is not one)."""
    return sorted(p for p in PLACEHOLDER.findall(text) if p != "%%")


def is_number_placeholder(placeholder: str) -> bool:
    """True for the count of a plural message (``%(num)d``, ``%(count)s``, ``{num}``, ``%d``)."""
    return bool(NUMBER_PLACEHOLDER.fullmatch(placeholder))


def placeholder_mismatch(
    source: str, string: str, may_omit_count: bool = False
) -> tuple[list[str], list[str]]:
    """(missing, extra) placeholders of translation ``string`` against ``source``.

    With ``may_omit_count`` (a plural form that only one number selects, see
    :func:`single_number_forms`) a missing number placeholder is not reported: "one comment"
    instead of "%(num)d comments".
    """
    missing = Counter(placeholders(source))
    missing.subtract(placeholders(string))
    lacking = sorted(p for p, n in missing.items() for _ in range(n) if n > 0)
    extra = sorted(p for p, n in missing.items() for _ in range(-n) if n < 0)
    if may_omit_count:
        lacking = [p for p in lacking if not is_number_placeholder(p)]
    return lacking, extra


@memoized(64)
def numbers_by_form(expression: str, nplurals: int) -> tuple[tuple[int, ...], ...]:
    """For each of the ``nplurals`` forms of a ``Plural-Forms`` expression, the sample numbers
    (:data:`PLURAL_SAMPLES`, ascending) that select it; a form no number selects has none."""
    select = c2py(expression)
    numbers: list[list[int]] = [[] for _ in range(nplurals)]
    for n in PLURAL_SAMPLES:
        index = select(n)
        if 0 <= index < nplurals:
            numbers[index].append(n)
    return tuple(map(tuple, numbers))


@memoized(64)
def single_number_forms(expression: str, nplurals: int) -> frozenset[int]:
    """The plural forms that exactly one number selects (English "one": only 1).

    Only those may leave the number out, the rule GNU msgfmt applies too: a form that also
    stands for 21 (Russian "one") or for 0 (French "one") would hide the count.
    """
    forms = numbers_by_form(expression, nplurals)
    return frozenset(index for index, numbers in enumerate(forms) if len(numbers) == 1)


def check_catalog(path: Path) -> list[str]:
    """Problems in one catalog: untranslated, fuzzy, placeholder or plural-form mismatches."""
    raw = path.read_bytes()
    catalog = read_po(io.BytesIO(raw))
    problems = []
    path = path.resolve()
    name = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
    if catalog.locale is not None:
        wanted = get_plural(catalog.locale).num_plurals
        if catalog.num_plurals != wanted:
            problems.append(
                f"{name}: the header has {catalog.num_plurals} plural forms, "
                f"{catalog.locale} needs {wanted}"
            )
    # Babel silently drops surplus forms on reading; the file itself must not have them.
    surplus = [int(n) for n in EXTRA_FORM.findall(raw) if int(n) >= catalog.num_plurals]
    if surplus:
        problems.append(
            f"{name}: {len(surplus)} plural translation(s) beyond the language's "
            f"{catalog.num_plurals} forms"
        )
    for message in catalog:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple | list) else (message.id,)
        strings = message.string if isinstance(message.string, tuple | list) else (message.string,)
        label = f"{name}: {ids[0]!r}"
        if message.fuzzy:
            problems.append(f"{label} is fuzzy")
        if not all(strings):
            problems.append(f"{label} is untranslated")
            continue
        if len(ids) > 1 and len(strings) != catalog.num_plurals:
            problems.append(
                f"{label} has {len(strings)} plural forms, the language needs {catalog.num_plurals}"
            )
        expected = placeholders(ids[-1])
        single = single_number_forms(catalog.plural_expr, catalog.num_plurals)
        for index, string in enumerate(strings):
            if any(placeholder_mismatch(ids[-1], string, len(ids) > 1 and index in single)):
                problems.append(
                    f"{label}: placeholders {placeholders(string)} do not match {expected}"
                )
    return problems


def _keys(catalog: Catalog) -> set[tuple[object, str | None]]:
    # A message is its id *and* its context: "Created" and pgettext("audit action", "Created")
    # are two messages.
    return {(m.id, m.context) for m in catalog if m.id}


def check() -> CheckReport:
    """Everything ``flask translate check`` verifies."""
    report = CheckReport()
    with TEMPLATE.open("rb") as handle:
        template = read_po(handle)
    fresh = extract_catalog()
    missing = _keys(fresh) - _keys(template)
    stale = _keys(template) - _keys(fresh)
    if missing or stale:
        report.problems.append(
            f"babel/messages.pot is out of date ({len(missing)} new, {len(stale)} removed "
            "messages): run 'flask translate extract' and 'flask translate update'"
        )
    template_ids = _keys(template)
    for lang in languages():
        path = TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po"
        with path.open("rb") as handle:
            ids = _keys(read_po(handle))
        if template_ids - ids:
            report.problems.append(
                f"{path.relative_to(ROOT)} lacks {len(template_ids - ids)} messages of the "
                "template: run 'flask translate update'"
            )
    for po_path in sorted(TRANSLATIONS.glob("*/LC_MESSAGES/*.po")):
        report.problems.extend(check_catalog(po_path))
    return report


#: What identifies one version of a file (:func:`signature`).
Signature = tuple[int, int, int]


def signature(path: Path) -> Signature | None:
    """What identifies one version of a file: (mtime_ns, size, inode); None if it is missing."""
    try:
        stat = os.stat(path)
    except FileNotFoundError:
        return None
    return (stat.st_mtime_ns, stat.st_size, stat.st_ino)


def entry_key(msgid: str, context: str | None) -> str:
    """A stable URL-safe id of a message (its context is part of its identity)."""
    text = msgid if context is None else f"{context}\x04{msgid}"
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:20]
