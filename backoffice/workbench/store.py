"""Catalog entries in the database, and the one safe way to save a translation.

- ``languages()``, ``summary(lang)``, ``entries(lang)`` (no obsolete ones),
  ``get_entry(lang, key)``: read from the database (``backoffice.models.catalog``). A
  language the database does not hold yet is imported from the repository's ``.po`` the
  first time it is asked for (the same merge as ``translate sync``, :mod:`.sync`).
- ``Entry``: one message; ``key`` is a stable URL-safe id from context + msgid, ``version`` a
  hash of the strings and the fuzzy flag (what an editor was showing).
- ``save_entry(lang, key, strings, fuzzy, base_version, user) -> SaveResult``: in one
  transaction, with the language's catalog row and the entry's row locked: refuse with
  ``Conflict`` if the entry changed since ``base_version`` (unless it already holds what is
  being saved), with ``CheckFailed`` on blocking problems (warnings, the glossary's
  too, are returned in ``SaveResult.warnings``; an over-long text first, before
  anything is read, see :mod:`.limits`); else write the entry, a new revision of the catalog
  (every process serves it on its next request) and one audit entry, and commit. No file is
  written: ``translate export`` writes the database's catalogs into the repository.
- ``history(lang, key)``: the entry's audit entries, newest first.

Locks are always taken in one order: the catalog row, then entry rows (``sync`` too).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from babel.messages.catalog import Catalog as BabelCatalog
from babel.messages.catalog import Message
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from backoffice.core.caches import ProcessCache
from backoffice.core.database import write_lock
from backoffice.domain import audit
from backoffice.extensions import db
from backoffice.i18n import catalogs, revisions
from backoffice.i18n.catalogs import entry_key
from backoffice.models import AuditEntry, User
from backoffice.models.catalog import TranslationCatalog, TranslationEntry
from backoffice.models.clock import utcnow
from backoffice.workbench import checks, files, glossary, limits, plurals
from backoffice.workbench.merge import Version

__all__ = [
    "CatalogSummary", "CheckFailed", "Conflict", "Entry", "SaveResult", "UnknownEntry",
    "babel_catalog", "ensure", "entries", "entry_key", "get_entry", "history", "languages",
    "save_entry", "summary",
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
    """The entry changed since the editor loaded it; ``current`` is what the database holds."""

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


def version_of(strings: Sequence[str], fuzzy: bool) -> str:
    """The version of an entry's translation: a hash of its strings and fuzzy flag."""
    data = json.dumps([list(strings), bool(fuzzy)], ensure_ascii=False)
    return hashlib.sha256(data.encode("utf-8")).hexdigest()[:16]


def state_of(strings: Sequence[str], fuzzy: bool) -> str:
    return "untranslated" if not all(strings) else "fuzzy" if fuzzy else "translated"


def to_entry(row: TranslationEntry) -> Entry:
    """The ``Entry`` of a catalog row."""
    strings = tuple(row.strings)
    return Entry(
        key=row.key,
        msgid=row.msgid,
        msgid_plural=row.msgid_plural,
        context=row.context,
        strings=strings,
        fuzzy=bool(row.fuzzy),
        locations=tuple((path, line) for path, line in row.locations),
        auto_comments=tuple(row.auto_comments),
        user_comments=tuple(row.user_comments),
        version=row.version,
        state=state_of(strings, row.fuzzy),
    )


# -- reading -------------------------------------------------------------------------------
def languages() -> list[str]:
    """The configured languages that have a catalog (in the database or the repository)."""
    held = set(db.session.scalars(select(TranslationCatalog.lang)))
    from flask import current_app

    return [
        code
        for code in current_app.config["LANGUAGES"]
        if code in held or files.po_path(code).is_file()
    ]


def ensure(lang: str) -> TranslationCatalog | None:
    """``lang``'s catalog in the database; imported from the repository's ``.po`` the first
    time (None if neither has one)."""
    catalog = db.session.get(TranslationCatalog, lang)
    if catalog is not None:
        return catalog
    if not files.po_path(lang).is_file():
        return None
    from backoffice.workbench import sync

    repository = files.read_catalog(lang)  # sync_language only reads it
    try:
        _in_a_transaction()
        sync.sync_language(db.session, lang, repository)
        db.session.commit()
    except IntegrityError:  # another process imported it at the same moment
        db.session.rollback()
    return db.session.get(TranslationCatalog, lang)


def _in_a_transaction() -> None:
    """Make what the session does next one transaction, all or nothing.

    A GET request reads in autocommit mode on PostgreSQL (backoffice/core/database.py): there an
    import that failed halfway would leave the catalog's row committed without its entries,
    and every page would be served from that empty catalog."""
    connection = db.session.connection()
    if connection.get_execution_options().get("isolation_level") == "AUTOCOMMIT":
        db.session.commit()  # gives the autocommit connection back
        isolation = connection.default_isolation_level
        db.session.connection(execution_options={"isolation_level": isolation})


#: Entries per language and catalog revision (its stamp): a new revision, a new key.
_entries_cache: ProcessCache[list[Entry]] = ProcessCache("catalog entries", 64)


def entries(lang: str) -> list[Entry]:
    """The entries of ``lang``'s catalog in template order (no obsolete entries)."""
    catalog = ensure(lang)
    if catalog is None:
        return []

    def read() -> list[Entry]:
        rows = db.session.scalars(
            select(TranslationEntry)
            .where(TranslationEntry.lang == lang, TranslationEntry.obsolete.is_(False))
            .order_by(TranslationEntry.position, TranslationEntry.id)
        )
        return [to_entry(row) for row in rows]

    return list(_entries_cache.get((lang, catalog.stamp), read))


def get_entry(lang: str, key: str) -> Entry | None:
    """The entry with ``key`` in ``lang``'s catalog, or None."""
    if ensure(lang) is None:
        return None
    row = db.session.scalar(select(TranslationEntry).where(*_live(lang, key)))
    return None if row is None else to_entry(row)


def summary(lang: str) -> CatalogSummary:
    """Counts and the last editor of ``lang``'s catalog."""
    catalog = ensure(lang)
    states = [entry.state for entry in entries(lang)]
    total = len(states)
    translated = states.count("translated")
    return CatalogSummary(
        lang=lang,
        translated=translated,
        fuzzy=states.count("fuzzy"),
        untranslated=states.count("untranslated"),
        total=total,
        percent=translated * 100 // total if total else 100,
        last_translator=_translator_name(catalog),
        revision_date=catalog.updated_at if catalog is not None else None,
    )


def _translator_name(catalog: TranslationCatalog | None) -> str | None:
    if catalog is None:
        return None
    if catalog.updated_by_id is not None:
        user = db.session.get(User, catalog.updated_by_id)
        if user is not None:
            return f"{user.username} <{user.email}>" if user.email else user.username
    name = (catalog.header or {}).get("Last-Translator")
    return name if name and name != PLACEHOLDER_TRANSLATOR else None


def plural_rule(catalog: TranslationCatalog) -> tuple[int, str]:
    """(nplurals, plural expression) of a catalog's ``Plural-Forms``."""
    parts = dict(
        part.strip().split("=", 1) for part in catalog.plural_forms.split(";") if "=" in part
    )
    return int(parts.get("nplurals", "2")), parts.get("plural", "(n != 1)").strip()


def babel_catalog(lang: str) -> BabelCatalog:
    """The database's catalog of ``lang`` as a babel catalog (read-only use)."""
    from backoffice.workbench import sync

    if ensure(lang) is None:
        raise UnknownEntry(lang)
    return sync.export_language(db.session, lang)


def normalise(strings: Sequence[str]) -> tuple[str, ...]:
    """Browsers send text areas with CRLF line ends; catalogs use LF like the source."""
    return tuple(str(s).replace("\r\n", "\n").replace("\r", "\n") for s in strings)


# -- writing -------------------------------------------------------------------------------
def locked_catalog(lang: str) -> TranslationCatalog:
    """``lang``'s catalog row, locked until the transaction ends (the first lock of every
    change of the language)."""
    if ensure(lang) is None:
        raise UnknownEntry(lang)
    write_lock(db.session)
    catalog = db.session.get(TranslationCatalog, lang, with_for_update=True, populate_existing=True)
    if catalog is None:
        raise UnknownEntry(lang)
    return catalog


def locked_row(lang: str, key: str) -> TranslationEntry | None:
    return db.session.scalar(
        select(TranslationEntry)
        .where(*_live(lang, key))
        .with_for_update()
        .execution_options(populate_existing=True)
    )


def _live(lang: str, key: str) -> tuple[Any, ...]:
    entry = TranslationEntry
    return entry.lang == lang, entry.key == key, entry.obsolete.is_(False)


def save_entry(
    lang: str,
    key: str,
    strings: Sequence[str],
    fuzzy: bool,
    base_version: str,
    user: Any,
) -> SaveResult:
    """Save one entry's translation safely (see the module docstring); commits.

    Raises ``UnknownEntry``, ``Conflict`` or ``CheckFailed``; then nothing is written.
    """
    strings = normalise(strings)
    fuzzy = bool(fuzzy)
    user_id, labels = getattr(user, "id", None), [form.label for form in plurals.forms(lang)]
    too_long = limits.too_long(strings, labels)  # first: an overlong text costs nothing more
    if too_long:
        raise CheckFailed(too_long)
    try:
        catalog = locked_catalog(lang)
        row = locked_row(lang, key)
        if row is None:
            raise UnknownEntry(key)
        current = to_entry(row)
        wanted = version_of(strings, fuzzy)
        if current.version not in (base_version, wanted):
            raise Conflict(current)
        nplurals, expression = plural_rule(catalog)
        result = checks.check(
            current.msgid, current.msgid_plural, strings, nplurals, labels,
            catalogs.single_number_forms(expression, nplurals), glossary.pairs(lang),
        )  # fmt: skip
        if result.errors:
            raise CheckFailed(result.errors)
        if current.version == wanted:
            db.session.rollback()
            return SaveResult(current, result.warnings, changed=False)
        set_translation(row, strings, fuzzy, user_id)
        touch(catalog, user_id)
        saved = to_entry(row)
        record(lang, current, saved, user_id)
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    return SaveResult(saved, result.warnings, changed=True)


def set_translation(
    row: TranslationEntry, strings: Sequence[str], fuzzy: bool, user_id: int | None
) -> None:
    """Put ``strings`` and the fuzzy flag into a locked ``row``."""
    row.strings, row.fuzzy = list(strings), bool(fuzzy)
    row.version = version_of(row.strings, row.fuzzy)
    row.updated_at, row.updated_by_id = utcnow(), user_id


def touch(catalog: TranslationCatalog, user_id: int | None) -> None:
    """A new revision of a locked catalog (served by every process once committed)."""
    catalog.updated_at, catalog.updated_by_id = utcnow(), user_id
    revisions.new_revision(db.session, catalog)


def record(
    lang: str,
    old: Entry,
    new: Entry,
    user_id: int | None,
    batch: str | None = None,
    action: str = ACTION,
) -> None:
    """Add the audit entry of one changed translation to the session (the caller commits)."""
    _audit(lang, old.key, old.msgid, old.msgid_plural is not None,
           (old.strings, old.fuzzy), (new.strings, new.fuzzy), user_id, action, batch)  # fmt: skip


def record_versions(
    lang: str,
    row: TranslationEntry,
    old: Version,
    new: Version,
    user_id: int | None,
    action: str,
    batch: str | None,
) -> None:
    """The audit entry of a row changed from ``old`` to ``new`` (by a sync, an upload)."""
    _audit(lang, row.key, row.msgid, row.msgid_plural is not None,
           (old.strings, old.fuzzy), (new.strings, new.fuzzy), user_id, action, batch)  # fmt: skip


def _audit(
    lang: str,
    key: str,
    msgid: str,
    plural: bool,
    old: tuple[Sequence[str], bool],
    new: tuple[Sequence[str], bool],
    user_id: int | None,
    action: str,
    batch: str | None,
) -> None:
    def msgstr(strings: Sequence[str]) -> str | list[str]:
        return list(strings) if plural else strings[0]

    audit.record_change(
        db.session, action, OBJECT_TYPE, f"{lang}:{key}", msgid,
        {"msgstr": [msgstr(old[0]), msgstr(new[0])], "fuzzy": [old[1], new[1]]},
        user_id=user_id, batch=batch,
    )  # fmt: skip


def history(lang: str, key: str) -> list[AuditEntry]:
    """The audit entries of one entry, newest first (with their users loaded)."""
    query = (
        select(AuditEntry)
        .where(AuditEntry.object_type == OBJECT_TYPE, AuditEntry.object_id == f"{lang}:{key}")
        .options(selectinload(AuditEntry.user))
        .order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc())
    )
    return list(db.session.scalars(query))


def message_entry(message: Message, nplurals: int) -> Entry:
    """The ``Entry`` of a babel message (for comparing an uploaded file)."""
    plural = isinstance(message.id, list | tuple)
    msgid = message.id[0] if plural else message.id
    if plural:
        given = [s or "" for s in (message.string or ())]
        strings = tuple((given + [""] * nplurals)[: max(nplurals, len(given))])
    else:
        strings = (message.string or "",)
    return Entry(
        key=entry_key(msgid, message.context), msgid=msgid,
        msgid_plural=message.id[1] if plural else None, context=message.context,
        strings=strings, fuzzy=message.fuzzy,
        locations=tuple((path, line) for path, line in message.locations),
        auto_comments=tuple(message.auto_comments), user_comments=tuple(message.user_comments),
        version=version_of(strings, message.fuzzy), state=state_of(strings, message.fuzzy),
    )  # fmt: skip
