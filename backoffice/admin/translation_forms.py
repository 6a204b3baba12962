"""The workbench view's request handling: entry list queries and the editor's form data.

Pure functions over the engine's entries and the request's values; no catalog is read or
written here (that is :mod:`backoffice.workbench`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from werkzeug.datastructures import MultiDict

from backoffice.core.ids import parse_id

STATES = ("all", "untranslated", "fuzzy", "translated")
PAGE_SIZE = 25
#: Longer search terms are cut: nobody types more, and each is matched against every entry.
MAX_QUERY_LENGTH = 200
#: A translation longer than this is a mistake (the longest source text is far shorter).
MAX_STRING_LENGTH = 20_000


@dataclass(frozen=True)
class EntryQuery:
    """What the entry list shows: a state, a search text and a page (1-based)."""

    state: str = "all"
    q: str = ""
    page: int = 1

    @classmethod
    def from_args(cls, args: MultiDict[str, str]) -> EntryQuery:
        """Read ``state``, ``q`` and ``page``; anything unusable falls back to the default."""
        state = args.get("state", "all")
        q = " ".join(args.get("q", "").split())[:MAX_QUERY_LENGTH]
        raw_page = args.get("page", "1").strip()
        page = int(raw_page) if raw_page.isdigit() and len(raw_page) < 10 else 1
        return cls(state=state if state in STATES else "all", q=q, page=max(page, 1))

    def args(self, **changes: Any) -> dict[str, Any]:
        """URL arguments for this query with ``changes``, leaving out the defaults."""
        values = {"state": self.state, "q": self.q, "page": self.page, **changes}
        defaults = {"state": "all", "q": "", "page": 1}
        return {name: value for name, value in values.items() if value != defaults[name]}


@dataclass(frozen=True)
class Page:
    """One page of entries and where it sits among the others."""

    items: list[Any]
    page: int
    pages: int
    total: int


def location_text(location: Any) -> str:
    """A source location as ``path:line`` (the engine may give a pair or a string)."""
    if isinstance(location, list | tuple):
        path, line = (list(location) + [None])[:2]
        return f"{path}:{line}" if line else str(path)
    return str(location)


def matches(entry: Any, needle: str) -> bool:
    """True if ``needle`` (lower case) is in the entry's texts, context, locations or comments."""
    texts = [entry.msgid, entry.msgid_plural or "", entry.context or "", *entry.strings,
             *entry.auto_comments, *entry.user_comments,
             *(location_text(location) for location in entry.locations)]  # fmt: skip
    return any(needle in text.lower() for text in texts)


def select(entries: Sequence[Any], query: EntryQuery) -> list[Any]:
    """The entries in ``query``'s state that match its search text, in catalog order."""
    needle = query.q.lower()
    return [
        entry
        for entry in entries
        if (query.state == "all" or entry.state == query.state)
        and (not needle or matches(entry, needle))
    ]


def paginate(items: list[Any], page: int, size: int = PAGE_SIZE) -> Page:
    """Page ``page`` of ``items``; a page past the end shows the last one."""
    pages = max(math.ceil(len(items) / size), 1)
    page = min(max(page, 1), pages)
    return Page(items[(page - 1) * size : page * size], page, pages, len(items))


def next_untranslated(entries: Sequence[Any], key: str) -> Any | None:
    """The first untranslated entry after ``key`` in catalog order, wrapping around."""
    keys = [entry.key for entry in entries]
    start = keys.index(key) + 1 if key in keys else 0
    for entry in [*entries[start:], *entries[:start]]:
        if entry.state == "untranslated" and entry.key != key:
            return entry
    return None


@dataclass(frozen=True)
class EntryForm:
    """What the editor sent: one string per plural form, the fuzzy flag, the base version."""

    strings: tuple[str, ...]
    fuzzy: bool
    base_version: str

    @classmethod
    def from_form(cls, form: MultiDict[str, str], count: int) -> EntryForm:
        """Read ``string-0`` … ``string-<count-1>``, ``fuzzy`` and ``base_version``."""
        strings = tuple(
            _normal_newlines(form.get(f"string-{index}", ""))[:MAX_STRING_LENGTH]
            for index in range(count)
        )
        return cls(strings, form.get("fuzzy") == "on", form.get("base_version", "")[:200])


def _normal_newlines(text: str) -> str:
    # Browsers send textarea line breaks as CRLF; catalogs use LF.
    return text.replace("\r\n", "\n").replace("\r", "\n")


def history_strings(value: Any, count: int) -> tuple[str, ...] | None:
    """An audit entry's old or new ``msgstr`` as strings for an entry of ``count`` forms."""
    if isinstance(value, str):
        strings: tuple[str, ...] = (value,)
    elif isinstance(value, list | tuple) and all(isinstance(item, str) for item in value):
        strings = tuple(value)
    else:
        return None
    return strings if len(strings) == count else None


@dataclass(frozen=True)
class HistoryRow:
    """One saved change of an entry, ready to show: who, when, old → new, restorable value."""

    id: int
    who: str
    when: Any
    old: str
    new: str
    restorable: tuple[str, ...] | None
    old_fuzzy: bool


def _shown(value: Any) -> str:
    if isinstance(value, list | tuple):
        return " | ".join(str(item) for item in value)
    return "" if value is None else str(value)


def history_rows(rows: Sequence[Any], count: int) -> list[HistoryRow]:
    """Audit entries of a catalog entry (newest first) as rows of the editor's history."""
    result = []
    for row in rows:
        changes = row.changes if isinstance(row.changes, dict) else {}
        msgstr = changes.get("msgstr")
        old, new = (list(msgstr) + [None, None])[:2] if isinstance(msgstr, list) else (None, None)
        who = row.user.username if row.user is not None else ""
        fuzzy = changes.get("fuzzy")
        old_fuzzy = isinstance(fuzzy, list) and bool(fuzzy) and fuzzy[0] is True
        restorable = history_strings(old, count)
        result.append(
            HistoryRow(row.id, who, row.created_at, _shown(old), _shown(new), restorable, old_fuzzy)
        )
    return result


@dataclass(frozen=True)
class GlossaryForm:
    """A glossary term as the form sent it (checked by ``workbench.glossary``)."""

    term: str = ""
    translation: str = ""
    note: str = ""
    version: int | None = None  # the term's version the form was built on (edits only)

    @classmethod
    def from_form(cls, form: MultiDict[str, str]) -> GlossaryForm:
        """Read ``term``, ``translation`` and ``note``; over-long values are cut far past the
        limits, so the engine still refuses them with its message."""
        return cls(
            form.get("term", "")[:1000],
            form.get("translation", "")[:1000],
            _normal_newlines(form.get("note", ""))[:5000],
            parse_id(form.get("version")),
        )


def plural_labels(forms: Sequence[Any], format_number: Any) -> list[str]:
    """Field labels for the plural forms, e.g. "few (3, 4, 10…)", numbers localized."""
    return [
        f"{form.label} ({', '.join(format_number(n) for n in list(form.examples)[:3])}…)"
        if form.examples
        else str(form.label)
        for form in forms
    ]
