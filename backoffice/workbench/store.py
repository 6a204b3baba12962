"""Catalog entries, and the one safe way to save a translation.

- ``catalog_dir()``, ``po_path(lang)``, ``mo_path(lang)``, ``languages()``: see :mod:`.files`.
- ``Entry``: one message of a catalog; ``key`` is a stable URL-safe id from context + msgid,
  ``version`` a hash of the strings and the fuzzy flag (what an editor was showing).
- ``summary(lang)``, ``entries(lang)`` (no header, no obsolete), ``get_entry(lang, key)``.
- ``save_entry(lang, key, strings, fuzzy, base_version, user) -> SaveResult``: under the
  catalog's file lock, re-read the ``.po``; refuse with ``Conflict`` if the entry changed
  since ``base_version`` (unless it already holds what is being saved) and with
  ``CheckFailed`` on blocking problems (a translation over ``TRANSLATION_MAX_LENGTH`` is
  refused before the file lock is taken, see :mod:`.limits`); write the ``.po`` and ``.mo``
  atomically with ``PO-Revision-Date`` and ``Last-Translator`` updated; write one audit
  entry and commit.
- ``history(lang, key)``: the entry's audit entries, newest first.

Who commits: ``save_entry`` commits ``db.session`` itself, still under the file lock, so the
audit log is in the same order as the file changes; if that commit fails, the previous
files are put back. Anything else pending in the session is committed with it.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from babel.messages.catalog import Catalog, Message
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from backoffice import audit
from backoffice.extensions import db
from backoffice.i18n import catalogs
from backoffice.models import AuditEntry
from backoffice.workbench import checks, files, limits, plurals
from backoffice.workbench.files import catalog_dir, languages, mo_path, po_path

__all__ = [
    "CatalogSummary", "CheckFailed", "Conflict", "Entry", "SaveResult", "UnknownEntry",
    "catalog_dir", "entries", "entry_key", "get_entry", "history", "languages", "mo_path",
    "po_path", "save_entry", "summary",
]  # fmt: skip

OBJECT_TYPE = "Translation"
ACTION = "translate"
# Babel's header value when nobody has translated yet.
PLACEHOLDER_TRANSLATOR = "FULL NAME <EMAIL@ADDRESS>"


@dataclass(frozen=True)
class Entry:
    """One message of a catalog, as the editor shows it."""

    key: str
    msgid: str
    msgid_plural: str | None
    context: str | None
    strings: tuple[str, ...]  # one per plural form for plural entries, else one
    fuzzy: bool
    locations: tuple[tuple[str, int | None], ...]  # (file, line)
    auto_comments: tuple[str, ...]
    user_comments: tuple[str, ...]
    version: str
    state: str  # "translated" | "fuzzy" | "untranslated"


@dataclass(frozen=True)
class CatalogSummary:
    lang: str
    translated: int
    fuzzy: int
    untranslated: int
    total: int
    percent: int  # translated share, rounded down: 100 only when complete
    last_translator: str | None
    revision_date: datetime | None  # naive UTC, like every stored time


@dataclass(frozen=True)
class SaveResult:
    entry: Entry
    warnings: list[str]
    changed: bool


class Conflict(Exception):
    """The entry changed since the editor loaded it; ``current`` is what the file holds now."""

    def __init__(self, current: Entry) -> None:
        super().__init__(current)
        self.current = current


class CheckFailed(Exception):
    """The translation fails blocking checks; ``problems`` are sentences in the UI language."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__(problems)
        self.problems = problems


class UnknownEntry(LookupError):
    """No entry with this key in this language's catalog."""


def entry_key(msgid: str, context: str | None) -> str:
    """A stable URL-safe id of a message (its context is part of its identity)."""
    text = msgid if context is None else f"{context}\x04{msgid}"
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:20]


def version_of(strings: Sequence[str], fuzzy: bool) -> str:
    """The version of an entry's translation: a hash of its strings and fuzzy flag."""
    data = json.dumps([list(strings), bool(fuzzy)], ensure_ascii=False)
    return hashlib.sha256(data.encode("utf-8")).hexdigest()[:16]


def to_entry(message: Message, nplurals: int) -> Entry:
    """The ``Entry`` of a Babel message in a catalog with ``nplurals`` forms."""
    plural = isinstance(message.id, list | tuple)
    msgid = message.id[0] if plural else message.id
    if plural:
        given = [s or "" for s in (message.string or ())]
        strings = tuple((given + [""] * nplurals)[: max(nplurals, len(given))])
    else:
        strings = (message.string or "",)
    fuzzy = message.fuzzy
    state = "untranslated" if not all(strings) else "fuzzy" if fuzzy else "translated"
    return Entry(
        key=entry_key(msgid, message.context),
        msgid=msgid,
        msgid_plural=message.id[1] if plural else None,
        context=message.context,
        strings=strings,
        fuzzy=fuzzy,
        locations=tuple((path, line) for path, line in message.locations),
        auto_comments=tuple(message.auto_comments),
        user_comments=tuple(message.user_comments),
        version=version_of(strings, fuzzy),
        state=state,
    )


_entries_cache: dict[str, tuple[Catalog, list[Entry]]] = {}
_entries_lock = threading.Lock()


def entries(lang: str) -> list[Entry]:
    """The entries of ``lang``'s catalog in file order (no header, no obsolete entries)."""
    catalog = files.read_catalog(lang)
    cache_key = str(po_path(lang))
    with _entries_lock:
        cached = _entries_cache.get(cache_key)
    if cached is not None and cached[0] is catalog:
        return list(cached[1])
    result = [to_entry(m, catalog.num_plurals) for m in catalog if m.id]
    with _entries_lock:
        _entries_cache[cache_key] = (catalog, result)
    return list(result)


def get_entry(lang: str, key: str) -> Entry | None:
    """The entry with ``key`` in ``lang``'s catalog, or None."""
    return next((entry for entry in entries(lang) if entry.key == key), None)


def summary(lang: str) -> CatalogSummary:
    """Counts and the last editor of ``lang``'s catalog."""
    catalog = files.read_catalog(lang)
    states = [entry.state for entry in entries(lang)]
    total = len(states)
    translated = states.count("translated")
    translator = catalog.last_translator
    revised = catalog.revision_date if isinstance(catalog.revision_date, datetime) else None
    if revised is not None and revised.tzinfo is not None:
        revised = revised.astimezone(UTC).replace(tzinfo=None)
    return CatalogSummary(
        lang=lang,
        translated=translated,
        fuzzy=states.count("fuzzy"),
        untranslated=states.count("untranslated"),
        total=total,
        percent=translated * 100 // total if total else 100,
        last_translator=translator if translator and translator != PLACEHOLDER_TRANSLATOR else None,
        revision_date=revised,
    )


def find_message(catalog: Catalog, key: str) -> Message | None:
    """The message of ``catalog`` with ``key`` (not the header, not obsolete ones)."""
    for message in catalog:
        msgid = message.id[0] if isinstance(message.id, list | tuple) else message.id
        if msgid and entry_key(msgid, message.context) == key:
            return message
    return None


def apply(message: Message, strings: Sequence[str], fuzzy: bool) -> None:
    """Put ``strings`` and the fuzzy flag into ``message``."""
    message.string = tuple(strings) if isinstance(message.id, list | tuple) else strings[0]
    if fuzzy:
        message.flags.add("fuzzy")
    else:
        message.flags.discard("fuzzy")


def stamp(catalog: Catalog, user: Any) -> None:
    """Set the header's ``PO-Revision-Date`` (now, UTC) and ``Last-Translator`` (the user)."""
    catalog.revision_date = datetime.now(UTC)
    email = getattr(user, "email", None)
    catalog.last_translator = f"{user.username} <{email}>" if email else str(user.username)


def normalise(strings: Sequence[str]) -> tuple[str, ...]:
    """Browsers send text areas with CRLF line ends; catalogs use LF like the source."""
    return tuple(str(s).replace("\r\n", "\n").replace("\r", "\n") for s in strings)


def save_entry(
    lang: str,
    key: str,
    strings: Sequence[str],
    fuzzy: bool,
    base_version: str,
    user: Any,
) -> SaveResult:
    """Save one entry's translation safely (see the module docstring); commits the audit entry.

    Raises ``UnknownEntry``, ``Conflict`` or ``CheckFailed``; then nothing is written.
    """
    strings = normalise(strings)
    fuzzy = bool(fuzzy)
    user_id, labels = getattr(user, "id", None), [form.label for form in plurals.forms(lang)]
    too_long = limits.too_long(strings, labels)  # first: an overlong text costs nothing more
    if too_long:
        raise CheckFailed(too_long)
    path = po_path(lang)
    with files.locked(path):
        raw = path.read_bytes()
        catalog = files.parse(raw, lang)
        message = find_message(catalog, key)
        if message is None:
            raise UnknownEntry(key)
        current = to_entry(message, catalog.num_plurals)
        wanted = version_of(strings, fuzzy)
        if current.version not in (base_version, wanted):
            raise Conflict(current)
        result = checks.check(
            current.msgid, current.msgid_plural, strings, catalog.num_plurals, labels,
            catalogs.single_number_forms(catalog.plural_expr, catalog.num_plurals),
        )  # fmt: skip
        if result.errors:
            raise CheckFailed(result.errors)
        if current.version == wanted:
            return SaveResult(current, result.warnings, changed=False)
        apply(message, strings, fuzzy)
        stamp(catalog, user)
        files.write_catalog(path, catalog)
        saved = to_entry(message, catalog.num_plurals)
        try:
            record(lang, current, saved, user_id)
            db.session.commit()
        except BaseException:
            db.session.rollback()
            files.write_po_bytes(path, raw)
            raise
    return SaveResult(saved, result.warnings, changed=True)


def record(
    lang: str, old: Entry, new: Entry, user_id: int | None, batch: str | None = None
) -> None:
    """Add the audit entry of one changed translation to the session (the caller commits)."""

    def msgstr(entry: Entry) -> str | list[str]:
        return list(entry.strings) if entry.msgid_plural is not None else entry.strings[0]

    audit.record_change(
        db.session,
        ACTION,
        OBJECT_TYPE,
        f"{lang}:{old.key}",
        old.msgid,
        {"msgstr": [msgstr(old), msgstr(new)], "fuzzy": [old.fuzzy, new.fuzzy]},
        user_id=user_id,
        batch=batch,
    )


def history(lang: str, key: str) -> list[AuditEntry]:
    """The audit entries of one entry, newest first (with their users loaded)."""
    query = (
        select(AuditEntry)
        .where(AuditEntry.object_type == OBJECT_TYPE, AuditEntry.object_id == f"{lang}:{key}")
        .options(selectinload(AuditEntry.user))
        .order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc())
    )
    return list(db.session.scalars(query))
