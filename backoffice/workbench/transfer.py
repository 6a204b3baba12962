"""Download a language's ``.po`` and upload one back, validated, all or nothing.

The catalogs are the database's (:mod:`.store`); no file is written. An upload is refused as
a whole (and nothing is written) if it is too large, not UTF-8
text (a leading byte order mark is fine), has malformed lines (each named with its number,
see :mod:`.syntax`), is for another language or other plural forms, or if any entry has a
translation over ``TRANSLATION_MAX_LENGTH`` (:mod:`.limits`) or fails the blocking checks.
Only entries that exist in the catalog (same msgid and context) are merged, with their
fuzzy flags; others are counted as ignored. An empty translation in the file never erases
one in the catalog.
"""

from __future__ import annotations

import codecs
import io
import uuid
from dataclasses import dataclass, field
from typing import Any

from babel.messages.catalog import Catalog
from babel.messages.pofile import PoFileError, read_po
from flask import current_app
from flask_babel import gettext as _
from flask_babel import ngettext

from backoffice.extensions import db
from backoffice.i18n import catalogs
from backoffice.workbench import checks, limits, plurals, store, syntax

# Malformed lines listed one by one before the rest are only counted (a page, not a dump).
MAX_LINE_PROBLEMS = 20


@dataclass
class ImportReport:
    """What an upload did; ``problems`` are (entry or line, message) and mean nothing changed."""

    problems: list[tuple[str, str]] = field(default_factory=list)
    merged: int = 0
    unchanged: int = 0
    ignored: int = 0
    ignored_msgids: list[str] = field(default_factory=list)
    batch: str | None = None  # the audit batch of the merged entries

    @property
    def ok(self) -> bool:
        return not self.problems


def export_po(lang: str) -> bytes:
    """``lang``'s catalog as it is in the database, as ``.po`` file contents."""
    return catalogs.po_bytes(store.babel_catalog(lang))


def import_po(lang: str, data: bytes, user: Any) -> ImportReport:
    """Validate ``data`` as a ``.po`` for ``lang`` and merge it into the database, with one
    audit entry per changed entry; commits. All or nothing."""
    upload, problems = _read_upload(lang, data)
    if upload is None:
        return ImportReport(problems=problems)
    labels = [form.label for form in plurals.forms(lang)]
    user_id = getattr(user, "id", None)
    try:
        catalog_row = store.locked_catalog(lang)  # every change of the language waits here
        catalog = store.babel_catalog(lang)
        report, changes = _compare(upload, catalog, labels)
        if not report.ok or not changes:
            db.session.rollback()
            return report
        report.batch = uuid.uuid4().hex
        for message, strings, fuzzy in changes:
            key = store.entry_key(_msgid(message), message.context)
            row = store.locked_row(lang, key)
            if row is None:  # cannot happen under the catalog's lock; never write half
                raise store.UnknownEntry(key)
            old = store.to_entry(row)
            store.set_translation(row, strings, fuzzy, user_id)
            store.record(lang, old, store.to_entry(row), user_id, batch=report.batch)
        store.touch(catalog_row, user_id)
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    return report


def max_upload_bytes() -> int:
    """The largest ``.po`` upload accepted (``TRANSLATION_UPLOAD_MAX_BYTES``)."""
    return int(current_app.config["TRANSLATION_UPLOAD_MAX_BYTES"])


def too_large(limit: int) -> str:
    """The message that refuses a file over ``limit`` bytes."""
    return _("The file is larger than %(limit)d kB.", limit=limit // 1024)


def _read_upload(lang: str, data: bytes) -> tuple[Catalog | None, list[tuple[str, str]]]:
    """The uploaded catalog, or None and the problems that refuse the whole file.

    Checked in this order, each step only on what passed the ones before: the size, text
    (no NUL byte, no UTF-16), UTF-8 (a leading byte order mark is dropped), every line's
    syntax (:mod:`.syntax`), Babel's reading, the declared charset and the language.
    """
    limit = max_upload_bytes()
    whole_file = _("the file")
    if len(data) > limit:
        return None, [(whole_file, too_large(limit))]
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return None, [(whole_file, _("The file is not UTF-8 text."))]
    if b"\x00" in data:
        return None, [(whole_file, _("The file contains binary data; a .po file is text."))]
    data = data.removeprefix(codecs.BOM_UTF8)  # editors on Windows start UTF-8 with one
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        return None, [(_("line %(line)d", line=line), _("The file is not UTF-8 text."))]
    malformed, count = syntax.problems(text, keep=MAX_LINE_PROBLEMS)  # where Babel guesses
    if malformed:
        return None, _line_problems(malformed, count)
    try:
        upload = read_po(io.BytesIO(data), abort_invalid=True)
    except PoFileError as error:
        where = _("line %(line)d", line=error.lineno + 1)
        excerpt = error.line[: syntax.EXCERPT]
        message = _("The file is not a valid .po file here: %(line)s", line=excerpt)
        return None, [(where, message)]
    except Exception:  # Babel raises several types for malformed headers and lines
        return None, [(whole_file, _("The file cannot be read as a .po file."))]
    if upload.charset.lower().replace("_", "-") not in ("utf-8", "utf8"):
        message = _(
            "The file declares the encoding %(charset)s; it must be UTF-8.",
            charset=upload.charset,
        )
        return None, [(whole_file, message)]
    if upload.locale is None:
        return None, [(whole_file, _("The file has no Language header."))]
    if str(upload.locale) != lang:
        message = _(
            "The file is for the language %(found)s, not %(lang)s.",
            found=str(upload.locale),
            lang=lang,
        )
        return None, [(whole_file, message)]
    return upload, []


def _line_problems(found: list[tuple[int, str]], count: int) -> list[tuple[str, str]]:
    """The malformed lines ``found`` as report rows, and a row counting the other ones."""
    rows = [(_("line %(line)d", line=line), message) for line, message in found]
    if count > len(found):
        more = count - len(found)
        summary = ngettext(
            "%(num)d more line has a problem.", "%(num)d more lines have problems.", more
        )
        rows.append((_("the file"), summary))
    return rows


def _compare(upload: Catalog, catalog: Catalog, labels: list[str]) -> tuple[ImportReport, list]:
    """The report of merging ``upload`` into ``catalog``, and the changes to make."""
    report = ImportReport()
    single = catalogs.single_number_forms(catalog.plural_expr, catalog.num_plurals)
    has_plurals = any(isinstance(m.id, list | tuple) for m in upload if m.id)
    if has_plurals and (upload.num_plurals, upload.plural_expr) != (
        catalog.num_plurals,
        catalog.plural_expr,
    ):
        report.problems.append(
            (
                _("the file"),
                _(
                    "The file's plural forms (%(found)s) differ from the catalog's (%(expected)s).",
                    found=upload.plural_expr,
                    expected=catalog.plural_expr,
                ),
            )
        )
        return report, []
    ours = {(_msgid(m), m.context): m for m in catalog if m.id}
    changes = []
    for uploaded in upload:
        if not uploaded.id:
            continue
        message = ours.get((_msgid(uploaded), uploaded.context))
        if message is None:
            report.ignored += 1
            report.ignored_msgids.append(_msgid(uploaded))
            continue
        current = store.message_entry(message, catalog.num_plurals)
        strings = _strings(uploaded, catalog.num_plurals)
        if _is_plural(uploaded) != (current.msgid_plural is not None):
            message_text = _("In the file this entry is plural or not, unlike the catalog.")
            report.problems.append((current.msgid, message_text))
            continue
        if not any(strings):
            report.unchanged += 1
            continue
        too_long = limits.too_long(strings, labels)  # before the checks, never written
        if too_long:
            report.problems.extend((current.msgid, problem) for problem in too_long)
            continue
        result = checks.check(
            current.msgid, current.msgid_plural, strings, catalog.num_plurals, labels, single
        )
        report.problems.extend((current.msgid, error) for error in result.errors)
        if current.version == store.version_of(strings, uploaded.fuzzy):
            report.unchanged += 1
        else:
            changes.append((message, strings, uploaded.fuzzy))
    if report.problems:
        return report, []
    report.merged = len(changes)
    return report, changes


def _is_plural(message: Any) -> bool:
    return isinstance(message.id, list | tuple)


def _msgid(message: Any) -> str:
    return message.id[0] if _is_plural(message) else message.id


def _strings(message: Any, nplurals: int) -> tuple[str, ...]:
    if _is_plural(message):
        given = [s or "" for s in (message.string or ())]
        return store.normalise((given + [""] * nplurals)[: max(nplurals, len(given))])
    return store.normalise([message.string or ""])
