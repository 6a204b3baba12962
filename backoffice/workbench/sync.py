"""The repository's catalogs and the database's: brought together, never one over the other.

- :func:`sync_language` merges one language's repository catalog (a ``.po`` file) and the
  template (which entries exist) into the database: new entries are added, each existing
  one goes through the three-way merge (:mod:`.merge`) against what the repository had at
  the last sync, and entries the template no longer has become obsolete, unless the template
  is older than one merged before (an instance still running older code during a rolling
  deploy must not retire newer strings). ``translate sync`` (the release step) and "update
  from code" in the browser both run it; it is also how a language is first imported.
- :func:`export_language` is the other way: the database's catalog as ``.po`` contents, for
  ``translate export`` (a commit) and the workbench's download.

Every change is one transaction with its audit entries (one batch per run) and one new
revision of the language, which every process picks up on its next request.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any, Protocol

from babel.messages.catalog import Catalog as BabelCatalog
from babel.messages.catalog import Message
from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from backoffice.core.database import table_of, write_lock
from backoffice.i18n import revisions
from backoffice.models.catalog import TranslationCatalog, TranslationEntry
from backoffice.models.clock import utcnow
from backoffice.workbench.merge import Outcome, Version, merge

#: The audit action of an entry the sync changed (the translator's saves are "translate").
SYNC_ACTION = "sync"


@dataclass
class LanguageReport:
    """What one language's sync did, by msgid."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)  # the repository's text taken
    conflicts: list[str] = field(default_factory=list)  # the translator's text kept, fuzzy
    obsolete: list[str] = field(default_factory=list)
    revived: list[str] = field(default_factory=list)
    kept_obsolete: bool = False  # the template was older: nothing was retired

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.conflicts or self.obsolete or self.revived)


def message_key(message: Message) -> tuple[str, str | None]:
    msgid = message.id[0] if isinstance(message.id, list | tuple) else message.id
    return msgid, message.context


def version_of_message(message: Message | None, nplurals: int) -> Version:
    """A babel message's translation as a merge :class:`Version` (empty if there is none:
    one empty string per plural form, as the editor has a field per form)."""
    if message is None:
        return Version(("",) * max(nplurals, 1))
    if isinstance(message.id, list | tuple):
        given = [s or "" for s in (message.string or ())]
        strings = tuple((given + [""] * nplurals)[:nplurals])
    else:
        strings = (message.string or "",)
    return Version(strings, bool(message.fuzzy))


class Stored(Protocol):
    """What the merge reads of a stored entry: a catalog row, a new one, or a row of just
    these columns (the progress page selects no more)."""

    strings: list[str]
    fuzzy: bool
    base: dict[str, Any] | None


def version_of_row(row: Stored) -> Version:
    return Version(tuple(row.strings), bool(row.fuzzy))


def base_of(row: Stored) -> Version | None:
    if row.base is None:
        return None
    return Version(tuple(row.base.get("strings") or ("",)), bool(row.base.get("fuzzy")))


def sync_language(
    session: Session,
    lang: str,
    repository: BabelCatalog,
    template: BabelCatalog | None = None,
    template_date: datetime | None = None,
    user_id: int | None = None,
    batch: str | None = None,
) -> LanguageReport:
    """Merge ``repository`` (and ``template``, default: the repository's own entries) into
    ``lang``'s catalog in the database; the caller commits."""
    from backoffice.workbench.store import entry_key, record_versions, version_of

    report = LanguageReport()
    batch = batch or uuid.uuid4().hex
    template_date = _naive_utc(template_date)
    # The catalog row first, as every change of a language (store.py); on SQLite the database's
    # write lock, else a save committed while this merge runs would be overwritten unseen.
    write_lock(session)
    catalog = session.get(TranslationCatalog, lang, with_for_update=True, populate_existing=True)
    imported = catalog is None
    if catalog is None:  # first import: the file's header says who translated last, and when
        catalog = TranslationCatalog(
            lang=lang, revision=0, stamp="", plural_forms=repository.plural_forms,
            header=_header_fields(repository),
            updated_at=_naive_utc(repository.revision_date) or utcnow(),
        )  # fmt: skip
        session.add(catalog)
    older_code = (
        template_date is not None
        and catalog.template_date is not None
        and template_date < catalog.template_date
    )
    if not older_code:
        catalog.header = _header_fields(repository)
        catalog.plural_forms = repository.plural_forms
    nplurals = repository.num_plurals
    live = template if template is not None else repository
    repo_messages = {message_key(m): m for m in repository if m.id}
    rows: dict[str, TranslationEntry | NewEntry] = {
        row.key: row
        for row in session.scalars(
            select(TranslationEntry)
            .where(TranslationEntry.lang == lang)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
    }
    wanted: set[str] = set()
    new: list[NewEntry] = []  # inserted at the end, in one go (_insert_new)
    for position, message in enumerate(m for m in live if m.id):
        msgid, context = message_key(message)
        key = entry_key(msgid, context)
        wanted.add(key)
        source = repo_messages.get((msgid, context))
        theirs = version_of_message(source, nplurals if message.pluralizable else 1)
        row = rows.get(key)
        if row is None:
            row = _new_row(lang, key, message, theirs)
            new.append(row)
            rows[key] = row
            report.added.append(msgid)
        elif older_code:
            continue  # older code: its texts and metadata are not news
        else:
            if row.obsolete:
                row.obsolete = False
                report.revived.append(msgid)
            merged = merge(base_of(row), theirs, version_of_row(row))
            if merged.result != version_of_row(row):
                old = version_of_row(row)
                row.strings, row.fuzzy = list(merged.result.strings), merged.result.fuzzy
                row.version = version_of(row.strings, row.fuzzy)
                row.updated_at, row.updated_by_id = utcnow(), user_id
                record_versions(lang, row, old, merged.result, user_id, SYNC_ACTION, batch)
            if merged.outcome is Outcome.CONFLICT:
                report.conflicts.append(msgid)
            elif merged.outcome is Outcome.TAKE_REPOSITORY:
                report.updated.append(msgid)
        row.base = {"strings": list(theirs.strings), "fuzzy": theirs.fuzzy}
        row.position = position
        _copy_metadata(row, message, source)
    for message in repository.obsolete.values():  # the file's #~ entries, kept for export
        msgid, context = message_key(message)
        key = entry_key(msgid, context)
        if key not in rows and key not in wanted:
            version = version_of_message(message, nplurals if message.pluralizable else 1)
            row = _new_row(lang, key, message, version)
            row.obsolete = True
            row.base = {"strings": list(version.strings), "fuzzy": version.fuzzy}
            _copy_metadata(row, message, message)
            new.append(row)
            rows[key] = row
    if older_code:
        report.kept_obsolete = True
    else:
        for key, row in rows.items():
            if key not in wanted and not row.obsolete:
                row.obsolete = True
                report.obsolete.append(row.msgid)
        if template_date is not None:
            catalog.template_date = template_date
    _insert_new(session, new)
    if report.changed or not catalog.stamp:
        if not imported:
            catalog.updated_at = utcnow()
        revisions.new_revision(session, catalog)
    return report


def _naive_utc(moment: Any) -> datetime | None:
    """A time as stored (naive UTC); None for anything that is not a time."""
    if not isinstance(moment, datetime):
        return None
    return moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo else moment


class NewEntry(SimpleNamespace):
    """A catalog entry to insert (:func:`_insert_new`): plain attributes, every column of
    ``catalog_entries`` but the id. Hundreds of them make a first import, and building them as
    ORM objects cost as much as inserting them."""


def _new_row(lang: str, key: str, message: Message, version: Version) -> NewEntry:
    from backoffice.workbench.store import version_of

    msgid, context = message_key(message)
    plural = message.id[1] if isinstance(message.id, list | tuple) else None
    return NewEntry(
        lang=lang, key=key, context=context, msgid=msgid, msgid_plural=plural,
        strings=list(version.strings), fuzzy=version.fuzzy,
        version=version_of(version.strings, version.fuzzy), base=None, obsolete=False,
        position=0, flags=[], locations=[], auto_comments=[], user_comments=[],
        updated_at=utcnow(), updated_by_id=None,
    )  # fmt: skip


def _insert_new(session: Session, new: list[NewEntry]) -> None:
    """Insert ``new`` rows with one executemany.

    A first import adds hundreds of rows. Added to the session, the ORM would insert them
    with RETURNING for their ids, as one statement too long for psycopg to cache its
    conversion (half of an import's time on PostgreSQL); nothing here needs their ids. A
    column :func:`_new_row` does not set fails here (KeyError), not as a silent NULL."""
    if new:
        table = table_of(TranslationEntry)
        columns = [c.key for c in table.columns if not c.primary_key]
        session.execute(insert(table), [{key: vars(row)[key] for key in columns} for row in new])


def _copy_metadata(
    row: TranslationEntry | NewEntry, message: Message, source: Message | None
) -> None:
    """The template's locations and comments; the repository's translator comments."""
    row.msgid_plural = message.id[1] if isinstance(message.id, list | tuple) else None
    row.locations = [[name, line] for name, line in message.locations]
    row.auto_comments = list(message.auto_comments)
    keep = source if source is not None else message
    row.user_comments = list(keep.user_comments)
    row.flags = sorted(flag for flag in message.flags if flag != "fuzzy")


# Header fields the catalog rows produce themselves on export.
_DERIVED_HEADERS = {"Plural-Forms", "PO-Revision-Date", "Language",
                    "Content-Type", "Content-Transfer-Encoding", "MIME-Version",
                    "POT-Creation-Date", "Generated-By"}  # fmt: skip


def _header_fields(catalog: BabelCatalog) -> dict[str, Any]:
    fields = {name: value for name, value in catalog.mime_headers if name not in _DERIVED_HEADERS}
    # Written back by export as they were (a diff in every export otherwise).
    fields[HEADER_COMMENT] = catalog.header_comment
    if isinstance(catalog.creation_date, datetime):
        fields[CREATION_DATE] = catalog.creation_date.isoformat()
    return fields


HEADER_COMMENT, CREATION_DATE = "#header-comment", "#creation-date"


def export_language(session: Session, lang: str) -> BabelCatalog:
    """The database's catalog of ``lang`` as a babel catalog (obsolete entries as ``#~``)."""
    from babel import Locale

    catalog = session.get(TranslationCatalog, lang)
    if catalog is None:
        raise LookupError(lang)
    header = dict(catalog.header or {})
    result = BabelCatalog(
        locale=Locale.parse(lang),
        project=header.get("Project-Id-Version", "Backoffice").split(" ")[0] or "Backoffice",
        charset="utf-8",
        revision_date=(catalog.updated_at or utcnow()).replace(tzinfo=UTC),
        # Babel marks a new catalog's header fuzzy; msgfmt and pybabel compile skip such files.
        fuzzy=False,
    )
    created = header.get(CREATION_DATE)
    if catalog.template_date is not None:  # else Babel's "now": a diff in every export
        result.creation_date = catalog.template_date.replace(tzinfo=UTC)
    elif created:
        result.creation_date = datetime.fromisoformat(created)
    if header.get(HEADER_COMMENT):
        result.header_comment = header[HEADER_COMMENT]
    # The catalog's own rule, not Babel's default for the language (pt: "(n > 1)").
    result.mime_headers = [("Plural-Forms", catalog.plural_forms)]
    result.language_team = header.get("Language-Team", result.language_team)
    translator = _last_translator(session, catalog) or header.get("Last-Translator")
    if translator:
        result.last_translator = translator
    query = select(TranslationEntry).where(TranslationEntry.lang == lang)
    rows = session.scalars(query.order_by(TranslationEntry.position, TranslationEntry.id))
    for row in rows:
        msgid = (row.msgid, row.msgid_plural) if row.msgid_plural is not None else row.msgid
        string = tuple(row.strings) if row.msgid_plural is not None else row.strings[0]
        flags = set(row.flags) | ({"fuzzy"} if row.fuzzy else set())
        message = Message(
            msgid, string, [tuple(location) for location in row.locations], flags,
            row.auto_comments, row.user_comments, context=row.context,
        )  # fmt: skip
        if row.obsolete:
            result.obsolete[message_key(message)] = message
        else:
            result[msgid] = message
    return result


def _last_translator(session: Session, catalog: TranslationCatalog) -> str | None:
    from backoffice.models import User

    if catalog.updated_by_id is None:
        return None
    user = session.get(User, catalog.updated_by_id)
    if user is None:
        return None
    return f"{user.username} <{user.email}>" if user.email else user.username


def mark_exported(session: Session, lang: str) -> None:
    """After an export the repository holds the database's texts: they are the new base."""
    query = select(TranslationEntry).where(TranslationEntry.lang == lang)
    for row in session.scalars(query):
        row.base = {"strings": list(row.strings), "fuzzy": bool(row.fuzzy)}


def apply_saved(
    session: Session, lang: str, saved: BabelCatalog, user_id: int | None = None,
    batch: str | None = None,
) -> list[str]:  # fmt: skip
    """Texts saved outside the database, into ``lang``'s catalog as translators' saves.

    For upgrades from versions whose workbench wrote into the checkout's ``.po`` (before
    migration 0009): the catalog is first imported from the repository as it was then (the
    merge base), then every entry whose text in ``saved`` differs is set to it with that base
    left as it is, so the next sync keeps it as the translator's text. Returns the msgids set.
    """
    from backoffice.workbench.store import record_versions, version_of

    nplurals = saved.num_plurals
    texts = {message_key(m): m for m in saved if m.id}
    changed = []
    query = select(TranslationEntry).where(TranslationEntry.lang == lang)
    for row in session.scalars(query.with_for_update()):
        message = texts.get((row.msgid, row.context))
        if message is None:
            continue
        theirs = version_of_message(message, nplurals if message.pluralizable else 1)
        if theirs.empty or theirs == version_of_row(row):
            continue
        old = version_of_row(row)
        row.strings, row.fuzzy = list(theirs.strings), theirs.fuzzy
        row.version = version_of(row.strings, row.fuzzy)
        row.updated_at, row.updated_by_id = utcnow(), user_id
        record_versions(lang, row, old, theirs, user_id, SYNC_ACTION, batch or uuid.uuid4().hex)
        changed.append(row.msgid)
    if changed:
        catalog = session.get(TranslationCatalog, lang, with_for_update=True)
        catalog.updated_at = utcnow()
        revisions.new_revision(session, catalog)
    return changed
