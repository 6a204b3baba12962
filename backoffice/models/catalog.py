"""The catalogs the translation workbench edits: one row per language and one per entry.

The database is the truth for them (every instance reads and writes the same rows); the
``.po`` files in the repository are the developers' side, brought in by ``translate sync``
and written back by ``translate export`` (backoffice/workbench/sync.py).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from backoffice.extensions import db
from backoffice.models.clock import utcnow


class TranslationCatalog(db.Model):
    """One language's catalog: its revision (bumped by every change) and its header."""

    __tablename__ = "catalogs"

    lang: Mapped[str] = mapped_column(String(16), primary_key=True)
    #: Every change of an entry of the language adds one; each process compiles a revision
    #: once and learns of a newer one on its next request (backoffice/i18n/reload.py).
    revision: Mapped[int] = mapped_column(Integer, default=1)
    #: Random, new with every revision: what a process compares (a revision number alone
    #: could repeat if a catalog were deleted and imported again).
    stamp: Mapped[str] = mapped_column(String(32))
    plural_forms: Mapped[str] = mapped_column(String(255))
    #: The other header fields of the ``.po`` file, written back by ``translate export``.
    header: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    #: The newest template (``POT-Creation-Date``) merged: older code marks nothing obsolete.
    template_date: Mapped[datetime | None] = mapped_column(DateTime())
    updated_at: Mapped[datetime] = mapped_column(DateTime(), default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))


class TranslationEntry(db.Model):
    """One message of a language's catalog, with its translation and its merge base."""

    __tablename__ = "catalog_entries"
    __table_args__ = (
        UniqueConstraint("lang", "key", name="uq_catalog_entries_lang_key"),
        Index("ix_catalog_entries_lang_position", "lang", "position"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    lang: Mapped[str] = mapped_column(String(16), ForeignKey("catalogs.lang", ondelete="CASCADE"))
    #: ``catalogs.entry_key(msgid, context)``: stable, URL-safe.
    key: Mapped[str] = mapped_column(String(32))
    context: Mapped[str | None] = mapped_column(Text)
    msgid: Mapped[str] = mapped_column(Text)
    msgid_plural: Mapped[str | None] = mapped_column(Text)
    #: One string per plural form for plural entries, else one.
    strings: Mapped[list[str]] = mapped_column(JSON, default=list)
    fuzzy: Mapped[bool] = mapped_column(Boolean, default=False)
    #: Hash of ``strings`` and ``fuzzy`` (``store.version_of``): what an editor was showing.
    version: Mapped[str] = mapped_column(String(16))
    #: The repository's translation at the last sync, ``{"strings": [...], "fuzzy": bool}``:
    #: the base of the three-way merge (backoffice/workbench/merge.py); None if never synced.
    base: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    obsolete: Mapped[bool] = mapped_column(Boolean, default=False)
    position: Mapped[int] = mapped_column(Integer, default=0)
    flags: Mapped[list[str]] = mapped_column(JSON, default=list)
    locations: Mapped[list[list[Any]]] = mapped_column(JSON, default=list)
    auto_comments: Mapped[list[str]] = mapped_column(JSON, default=list)
    user_comments: Mapped[list[str]] = mapped_column(JSON, default=list)
    updated_at: Mapped[datetime] = mapped_column(DateTime(), default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
