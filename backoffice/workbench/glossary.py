"""The glossary: per language, terms and their agreed translation ("comment" → "Kommentar").

- ``terms(lang)``, ``get_term(lang, term_id)``: read.
- ``add_term``, ``update_term``, ``delete_term``: change one term, with its audit entry
  (object type ``GlossaryTerm``), and commit; ``GlossaryError`` says why one is refused,
  ``GlossaryConflict`` that the term changed since the form showed it (its ``version``).
- ``found(text, pairs)``: the terms a source text contains; ``highlight(text, pairs)``: the
  text as escaped pieces with ``<mark>`` around each term; ``missing(sources, strings,
  pairs)``: the terms whose agreed translation a translation lacks (the check's warning,
  :mod:`.checks`).

A term matches as a whole word, case-insensitively, also with an English plural ending
("Comments" holds "comment"); an agreed translation is looked for as a case-insensitive part
of the translation ("Kommentare" holds "Kommentar").
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from markupsafe import Markup, escape
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from backoffice.core.caches import memoized
from backoffice.domain import audit
from backoffice.extensions import db
from backoffice.models import GlossaryTerm
from backoffice.models.clock import utcnow

OBJECT_TYPE = "GlossaryTerm"
MAX_TERM_LENGTH = 200
MAX_NOTE_LENGTH = 1000

Pair = tuple[str, str]  # (term, agreed translation)


class GlossaryError(ValueError):
    """A term cannot be saved; the message is a sentence in the UI language."""


class GlossaryConflict(GlossaryError):
    """The term changed (or went) since the form was loaded; ``current`` is the term now."""

    def __init__(self, current: GlossaryTerm | None) -> None:
        self.current = current
        if current is None:
            message = _("Someone else deleted this term after you opened it.")
        else:
            message = _(
                "Someone else saved this term after you opened it: it now reads "
                "“%(term)s” → “%(translation)s”. Save again to replace it with your text.",
                term=current.term,
                translation=current.translation,
            )
        super().__init__(message)


def _check_version(row: GlossaryTerm, base_version: int | None) -> None:
    if base_version is not None and base_version != row.version:
        raise GlossaryConflict(row)


def _flush_or_conflict(row_id: int) -> None:
    """Write the row's change; a row changed by someone else since it was read is a conflict."""
    try:
        db.session.flush()
    except StaleDataError:
        db.session.rollback()
        raise GlossaryConflict(db.session.get(GlossaryTerm, row_id)) from None


@dataclass(frozen=True)
class Found:
    """A glossary term in a source text: where, as written there, and its agreed translation."""

    start: int
    end: int
    text: str
    term: str
    translation: str


# -- reading -------------------------------------------------------------------------------
def terms(lang: str) -> list[GlossaryTerm]:
    """``lang``'s terms, alphabetically (case-insensitive)."""
    query = (
        select(GlossaryTerm)
        .where(GlossaryTerm.lang == lang)
        .order_by(func.lower(GlossaryTerm.term), GlossaryTerm.id)
    )
    return list(db.session.scalars(query))


def pairs(lang: str) -> list[Pair]:
    """``lang``'s (term, agreed translation) pairs, one query."""
    query = select(GlossaryTerm.term, GlossaryTerm.translation).where(GlossaryTerm.lang == lang)
    return [(term, translation) for term, translation in db.session.execute(query)]


def get_term(lang: str, term_id: int | None) -> GlossaryTerm | None:
    """The term ``term_id`` of ``lang``'s glossary, or None."""
    term = db.session.get(GlossaryTerm, term_id) if term_id is not None else None
    return term if term is not None and term.lang == lang else None


# -- changing ------------------------------------------------------------------------------
def _cleaned(term: str, translation: str, note: str) -> tuple[str, str, str]:
    term, translation = " ".join(term.split()), " ".join(translation.split())
    note = note.strip()
    if not term or not translation:
        raise GlossaryError(_("Enter the term and its agreed translation."))
    if len(term) > MAX_TERM_LENGTH or len(translation) > MAX_TERM_LENGTH:
        raise GlossaryError(
            _(
                "A term and its translation may have at most %(num)d characters.",
                num=MAX_TERM_LENGTH,
            )
        )
    if len(note) > MAX_NOTE_LENGTH:
        raise GlossaryError(_("The note may have at most %(num)d characters.", num=MAX_NOTE_LENGTH))
    return term, translation, note


def _check_unique(lang: str, term: str, own_id: int | None) -> None:
    query = select(GlossaryTerm.id).where(
        GlossaryTerm.lang == lang, func.lower(GlossaryTerm.term) == term.lower()
    )
    if any(found != own_id for found in db.session.scalars(query)):
        raise GlossaryError(_("The glossary already has the term “%(term)s”.", term=term))


def _audit(action: str, row: GlossaryTerm, changes: dict[str, list[Any]], user: Any) -> None:
    audit.record_change(
        db.session, action, OBJECT_TYPE, str(row.id), str(row), changes,
        user_id=getattr(user, "id", None),
    )  # fmt: skip


def add_term(lang: str, term: str, translation: str, note: str, user: Any) -> GlossaryTerm:
    """Add a term to ``lang``'s glossary; commits. Raises ``GlossaryError``."""
    term, translation, note = _cleaned(term, translation, note)
    _check_unique(lang, term, None)
    row = GlossaryTerm(
        lang=lang, term=term, translation=translation, note=note,
        updated_at=utcnow(), updated_by_id=getattr(user, "id", None),
    )  # fmt: skip
    try:
        db.session.add(row)
        db.session.flush()
    except IntegrityError:  # the same term added at the same moment by someone else
        db.session.rollback()
        raise GlossaryError(_("The glossary already has the term “%(term)s”.", term=term)) from None
    changes = {"term": [None, term], "translation": [None, translation], "note": [None, note]}
    _audit("create", row, changes, user)
    db.session.commit()
    return row


def update_term(
    row: GlossaryTerm,
    term: str,
    translation: str,
    note: str,
    user: Any,
    base_version: int | None = None,
) -> dict[str, list[Any]]:
    """Change a term; commits. Returns the changes (empty: nothing changed).

    ``base_version``: the version the form showed; another one raises ``GlossaryConflict``.
    """
    term, translation, note = _cleaned(term, translation, note)
    row_id, user_id = row.id, getattr(user, "id", None)  # read before the row is changed
    _check_version(row, base_version)
    _check_unique(row.lang, term, row_id)
    wanted = {"term": term, "translation": translation, "note": note}
    changes = {
        name: [getattr(row, name), value]
        for name, value in wanted.items()
        if getattr(row, name) != value
    }
    if not changes:
        return changes
    for name, value in wanted.items():
        setattr(row, name, value)
    row.updated_at, row.updated_by_id = utcnow(), user_id
    _flush_or_conflict(row_id)
    _audit("update", row, changes, user)
    db.session.commit()
    return changes


def delete_term(row: GlossaryTerm, user: Any, base_version: int | None = None) -> None:
    """Remove a term; commits. A term changed since ``base_version`` is a conflict."""
    _check_version(row, base_version)
    changes = {"term": [row.term, None], "translation": [row.translation, None]}
    row_id = row.id
    db.session.delete(row)
    _flush_or_conflict(row_id)
    _audit("delete", row, changes, user)
    db.session.commit()


# -- matching ------------------------------------------------------------------------------
@memoized(64)
def _pattern(terms_: tuple[str, ...]) -> re.Pattern[str] | None:
    """One pattern for every term, longest first (so "blog post" wins over "post")."""
    if not terms_:
        return None
    alternatives = "|".join(re.escape(term) for term in sorted(terms_, key=len, reverse=True))
    return re.compile(rf"(?<!\w)({alternatives})(?:s|es)?(?!\w)", re.IGNORECASE)


def found(text: str, glossary: Sequence[Pair]) -> list[Found]:
    """The glossary terms in ``text``, in order of appearance."""
    by_lower = {term.lower(): (term, translation) for term, translation in glossary}
    pattern = _pattern(tuple(sorted(by_lower)))
    if pattern is None:
        return []
    result = []
    for match in pattern.finditer(text):
        # Case-insensitive matching and lower() can disagree (Turkish "İ"): skip, never fail.
        pair = by_lower.get(match.group(1).lower())
        if pair is not None:
            result.append(Found(match.start(), match.end(), match.group(0), *pair))
    return result


def highlight(text: str, glossary: Sequence[Pair]) -> Markup:
    """``text`` escaped, each glossary term in a ``<mark>`` whose title is its translation."""
    pieces: list[str] = []
    position = 0
    for hit in found(text, glossary):
        pieces.append(escape(text[position : hit.start]))
        pieces.append(
            Markup('<mark class="workbench-term" title="{}" data-testid="term">{}</mark>').format(
                hit.translation, hit.text
            )
        )
        position = hit.end
    pieces.append(escape(text[position:]))
    return Markup("").join(pieces)


def in_sources(sources: Sequence[str | None], glossary: Sequence[Pair]) -> list[Pair]:
    """The (term, translation) pairs found in any of ``sources``, each once, in order."""
    seen: dict[str, Pair] = {}
    for source in sources:
        for hit in found(source or "", glossary):
            seen.setdefault(hit.term.lower(), (hit.term, hit.translation))
    return list(seen.values())


def missing(
    sources: Sequence[str | None], strings: Sequence[str], glossary: Sequence[Pair]
) -> list[Pair]:
    """The terms of ``sources`` whose agreed translation a non-empty string of ``strings``
    lacks (compared case-insensitively)."""
    given = [string.casefold() for string in strings if string]
    if not given:
        return []
    return [
        (term, translation)
        for term, translation in in_sources(sources, glossary)
        if any(translation.casefold() not in string for string in given)
    ]
