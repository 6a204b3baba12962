"""Which catalogs a user may read and edit in the workbench.

Admins work on every language; translators only on the languages assigned to them
(``User.translation_languages``), and on none until an admin assigns some. Everyone else
has no access (the roles table closes the view to them as well).
"""

from __future__ import annotations

from typing import Any

from backoffice.security.roles import can
from backoffice.workbench.files import languages


def languages_for(user: Any) -> list[str]:
    """The catalog languages ``user`` may work on, in the configured order."""
    if not can(user, "translations"):
        return []
    available = languages()
    if user.has_role("admin"):
        return available
    assigned = set(getattr(user, "translation_languages", None) or ())
    return [lang for lang in available if lang in assigned]


def may_edit(user: Any, lang: str) -> bool:
    """True if ``user`` may read and write ``lang``'s catalog."""
    return lang in languages_for(user)
