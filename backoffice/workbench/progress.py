"""Progress you can see: who translated what this week, and what changed since the release.

- ``this_week(langs, now)``: per language and translator, the entries saved (or restored, or
  uploaded) since Monday 00:00 UTC, counted from the audit entries of translations
  (object type "Translation"; the sync's own entries are not a translator's work).
- ``changed_since_sync(lang)``: the entries whose text differs from their ``base``.

Why ``base`` and not a time of the last sync on the catalog row: ``base`` is exactly what the
repository holds for the entry (``translate sync`` sets it, and ``translate export`` too,
when the database's texts become the repository's). An entry that differs from it is what the
next release will bring, whatever happened in between: a text changed and changed back is not
listed, a text synced from the repository is not either. A timestamp would list both, and it
needs a migration of its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import or_, select

from backoffice.extensions import db
from backoffice.models import AuditEntry, User
from backoffice.models.catalog import TranslationEntry
from backoffice.models.clock import utcnow
from backoffice.workbench import store, sync
from backoffice.workbench.merge import Version


@dataclass(frozen=True)
class TranslatorWeek:
    """One translator's work in one language this week."""

    lang: str
    username: str  # "" if the user was deleted (or a command without one)
    entries: int  # distinct entries changed
    changes: int  # saves, counting each one


@dataclass(frozen=True)
class Changed:
    """An entry whose text differs from the repository's at the last sync."""

    key: str
    msgid: str
    context: str | None
    strings: tuple[str, ...]
    base: tuple[str, ...]  # empty if the repository never had the entry
    fuzzy: bool
    updated_at: datetime | None
    updated_by: str


def week_start(now: datetime | None = None) -> datetime:
    """Monday 00:00 (naive UTC, like stored times) of the week of ``now``."""
    now = now or utcnow()
    return (now - timedelta(days=now.weekday())).replace(hour=0, minute=0, second=0, microsecond=0)


def this_week(langs: list[str], now: datetime | None = None) -> dict[str, list[TranslatorWeek]]:
    """For each of ``langs``, its translators of this week, the most active first."""
    if not langs:
        return {}
    query = (
        select(AuditEntry.object_id, User.username)
        .outerjoin(User, User.id == AuditEntry.user_id)
        .where(
            AuditEntry.object_type == store.OBJECT_TYPE,
            AuditEntry.action != sync.SYNC_ACTION,
            AuditEntry.created_at >= week_start(now),
            or_(*(AuditEntry.object_id.like(f"{lang}:%") for lang in langs)),
        )
    )
    entries: dict[tuple[str, str], set[str]] = {}
    changes: dict[tuple[str, str], int] = {}
    for object_id, username in db.session.execute(query):
        lang, _, key = (object_id or "").partition(":")
        who = (lang, username or "")
        entries.setdefault(who, set()).add(key)
        changes[who] = changes.get(who, 0) + 1
    result: dict[str, list[TranslatorWeek]] = {lang: [] for lang in langs}
    for (lang, username), keys in entries.items():
        if lang in result:
            result[lang].append(TranslatorWeek(lang, username, len(keys), changes[lang, username]))
    for rows in result.values():
        rows.sort(key=lambda row: (-row.entries, -row.changes, row.username))
    return result


def changed_since_sync(lang: str) -> list[Changed]:
    """``lang``'s entries whose text or fuzzy flag differs from the repository's at the last
    sync (or export), in catalog order; an entry the repository never had counts once it has
    a translation."""
    if store.ensure(lang) is None:
        return []
    # Only the columns shown: whole rows (locations, comments) cost ten times as much to read.
    query = (
        select(
            TranslationEntry.key,
            TranslationEntry.msgid,
            TranslationEntry.context,
            TranslationEntry.strings,
            TranslationEntry.fuzzy,
            TranslationEntry.base,
            TranslationEntry.updated_at,
            User.username,
        )
        .outerjoin(User, User.id == TranslationEntry.updated_by_id)
        .where(TranslationEntry.lang == lang, TranslationEntry.obsolete.is_(False))
        .order_by(TranslationEntry.position, TranslationEntry.id)
    )
    result = []
    for row in db.session.execute(query):
        now, base = sync.version_of_row(row), sync.base_of(row)
        if base is None:
            if now.empty:
                continue
            base = Version(())
        elif base == now:
            continue
        result.append(
            Changed(
                row.key,
                row.msgid,
                row.context,
                now.strings,
                base.strings,
                now.fuzzy,
                row.updated_at,
                row.username or "",
            )  # fmt: skip
        )
    return result
