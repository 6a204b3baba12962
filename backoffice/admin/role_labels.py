"""How the shipped roles read: a translated name and description for each stored role name.

The stored names (``admin``, ``editor``…) are keys of the access table and never change; a
reader sees them in their own language. A description an admin has rewritten is shown as
written; the one the app ships is shown translated.
"""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext

from backoffice.domain.accounts import ROLE_DESCRIPTIONS

ROLE_LABELS = {
    "admin": _l("Administrator"),
    "editor": lazy_pgettext("role", "Editor"),  # a person, not a text editor
    "author": _l("Author"),  # the same word as a post's or comment's author
    "translator": _l("Translator"),
}

# The same texts as accounts.ROLE_DESCRIPTIONS (stored when the roles are created), marked
# for translation. test_roles_display checks that the two never drift apart.
ROLE_DESCRIPTION_TEXTS = {
    "admin": _l("Everything, including users, roles, media, the audit log and all translations"),
    "editor": _l("Posts, comment and tag moderation, reminders, media library"),
    "author": _l("Own posts only, media upload"),
    "translator": _l("Translation workbench"),
}


def _name_of(role: Any) -> str:
    return role if isinstance(role, str) else str(getattr(role, "name", role))


def role_label(role: Any) -> str:
    """The reader's name for a role (a :class:`Role` or its stored name); unknown ones as
    they are stored."""
    name = _name_of(role)
    return str(ROLE_LABELS.get(name, name))


def role_description(role: Any) -> str:
    """The reader's description of a role: the shipped one translated, an edited one as is."""
    name = _name_of(role)
    stored = getattr(role, "description", None) if not isinstance(role, str) else None
    shipped = ROLE_DESCRIPTIONS.get(name)
    if stored and stored != shipped:
        return stored
    text = ROLE_DESCRIPTION_TEXTS.get(name)
    return str(text) if text is not None else (stored or "")


def description_text(stored: str) -> str:
    """A stored description as a reader reads it: a shipped one translated, another as is
    (the audit log keeps the stored text)."""
    for name, shipped in ROLE_DESCRIPTIONS.items():
        if stored == shipped and name in ROLE_DESCRIPTION_TEXTS:
            return str(ROLE_DESCRIPTION_TEXTS[name])
    return stored


def role_choices() -> list[tuple[str, Any]]:
    """(stored name, reader's name) for every shipped role, in the access table's order; the
    names are lazy (a filter's options are made once, then read in each reader's language)."""
    return list(ROLE_LABELS.items())
