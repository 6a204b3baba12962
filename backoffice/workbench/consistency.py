"""Consistency: source texts that one language translates differently in two places.

``inconsistencies(lang)`` groups every translated message of the language's two catalogs,
ours (the database's ``messages``) and Flask-Admin's ``admin.po`` (read-only), by source
text: the same msgid with other contexts, in ours and in Flask-Admin's, or as a singular
entry and as the singular of a plural entry (its form for 1). A group whose translations
differ (surrounding whitespace aside) is listed, with a place per translation.
"""

from __future__ import annotations

from dataclasses import dataclass
from gettext import c2py

from backoffice.workbench import memory, store


@dataclass(frozen=True)
class Place:
    """Where a source text is translated: our entry ``key`` (editable) or Flask-Admin's."""

    domain: str  # memory.OURS or memory.FLASK_ADMIN
    key: str | None
    context: str | None
    plural: bool
    translation: str


@dataclass(frozen=True)
class Inconsistency:
    """One source text and its differing translations."""

    msgid: str
    places: list[Place]


def _form_for_one(expression: str, nplurals: int) -> int:
    """The plural form that the number 1 selects (the singular's counterpart)."""
    try:
        index = c2py(expression)(1)
    except Exception:  # a malformed header: the first form is the usual singular
        return 0
    return index if 0 <= index < nplurals else 0


def places(lang: str) -> dict[str, list[Place]]:
    """Every translated message of ``lang``'s catalogs by msgid, ours first."""
    found: dict[str, list[Place]] = {}
    catalog = store.ensure(lang)
    if catalog is not None:
        one = _form_for_one(store.plural_rule(catalog)[1], store.plural_rule(catalog)[0])
        for entry in store.entries(lang):
            if entry.state != "translated":
                continue
            plural = entry.msgid_plural is not None
            text = entry.strings[one] if plural and one < len(entry.strings) else entry.strings[0]
            place = Place(memory.OURS, entry.key, entry.context, plural, text)
            found.setdefault(entry.msgid, []).append(place)
    admin = memory.admin_catalog(lang)
    if admin is not None:
        one = _form_for_one(admin.plural_expr, admin.num_plurals)
        for message in admin:
            if not message.id or message.fuzzy:
                continue
            plural = isinstance(message.id, list | tuple)
            strings = list(message.string) if plural else [message.string]
            text = (strings[one] if one < len(strings) else strings[0]) if plural else strings[0]
            if not text:
                continue
            msgid = message.id[0] if plural else message.id
            place = Place(memory.FLASK_ADMIN, None, message.context, plural, text)
            found.setdefault(msgid, []).append(place)
    return found


def inconsistencies(lang: str) -> list[Inconsistency]:
    """The source texts of ``lang`` translated in more than one way, alphabetically."""
    result = []
    for msgid, where in places(lang).items():
        if len({place.translation.strip() for place in where}) > 1:
            result.append(Inconsistency(msgid, where))
    result.sort(key=lambda item: (item.msgid.lower(), item.msgid))
    return result
