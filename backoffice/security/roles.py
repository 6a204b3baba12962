"""Who may do what: the one table of access rules.

Every admin view names its ``access_key``; every gated action names an entry in ACTIONS.
Views ask :func:`can` and never check roles themselves.
"""

from __future__ import annotations

from typing import Any

from backoffice.compat.werkzeug import unproxied

ANY_SIGNED_IN = frozenset({"*"})
ADMIN = frozenset({"admin"})
EDITORIAL = frozenset({"admin", "editor"})
WRITERS = frozenset({"admin", "editor", "author"})
TRANSLATORS = frozenset({"admin", "translator"})
NOBODY: frozenset[str] = frozenset()

#: view (Flask-Admin endpoint) -> roles that may open it.
VIEWS: dict[str, frozenset[str]] = {
    "dashboard": ANY_SIGNED_IN,
    "profile": ANY_SIGNED_IN,
    "posts": WRITERS,
    "comments": EDITORIAL,
    "comment_rules": ADMIN,
    "tags": EDITORIAL,
    "reminders": EDITORIAL,
    "media": WRITERS,
    "users": ADMIN,
    "roles": ADMIN,
    "audit": ADMIN,
    "translations": TRANSLATORS,
}

#: (view, action or operation) -> roles that may perform it; absent means "as the view".
ACTIONS: dict[tuple[str, str], frozenset[str]] = {
    ("posts", "edit_any"): EDITORIAL,  # others: only their own posts (security/own_posts.py)
    ("comments", "delete"): EDITORIAL,
    ("tags", "delete"): EDITORIAL,
    ("media", "upload"): WRITERS,
    ("media", "delete"): EDITORIAL,
    ("media", "mkdir"): EDITORIAL,
    ("media", "rename"): EDITORIAL,
    ("media", "edit"): NOBODY,  # file contents are never edited in the browser
    ("translations", "update"): ADMIN,  # rewrites every catalog from the code
}


def _allowed(user: Any, roles: frozenset[str]) -> bool:
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if roles is ANY_SIGNED_IN:
        return True
    return bool(user.role_names & roles)


def can(user: Any, view: str, action: str | None = None) -> bool:
    """True if ``user`` may open ``view`` (and perform ``action`` there, if given)."""
    # current_user is a proxy that looks the user up on every attribute; a page asks ~20 times.
    user = unproxied(user)
    roles = VIEWS.get(view)
    if roles is None or not _allowed(user, roles):
        return False  # unknown views are closed: a forgotten entry denies, never grants
    if action is None:
        return True
    return _allowed(user, ACTIONS.get((view, action), roles))
