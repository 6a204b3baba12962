"""Account operations shared by the CLI and the admin."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from backoffice.models import ROLE_NAMES, Role, User

ROLE_DESCRIPTIONS = {
    "admin": "Everything, including users, roles, media, the audit log and all translations",
    "editor": "Posts, comment and tag moderation, reminders, media library",
    "author": "Own posts only, media upload",
    "translator": "Translation workbench",
}


class AccountError(ValueError):
    """A user-facing problem with an account request."""


def ensure_roles(session: Session) -> dict[str, Role]:
    """Create the four roles if missing; return them by name."""
    roles = {role.name: role for role in session.scalars(select(Role))}
    for name in ROLE_NAMES:
        if name not in roles:
            roles[name] = Role(name=name, description=ROLE_DESCRIPTIONS[name])
            session.add(roles[name])
    session.flush()
    return roles


def create_user(
    session: Session,
    username: str,
    password: str,
    roles: Iterable[str],
    email: str | None = None,
) -> User:
    """Create an active user with a hashed password and the given roles."""
    username = username.strip()
    if not username or len(username) > 80:
        raise AccountError("The username must be 1 to 80 characters long.")
    if len(password) < 8:
        raise AccountError("The password must be at least 8 characters long.")
    if session.scalar(select(User.id).where(User.username == username)) is not None:
        raise AccountError(f"A user named {username!r} already exists.")
    unknown = set(roles) - set(ROLE_NAMES)
    if unknown:
        raise AccountError(f"Unknown role(s): {', '.join(sorted(unknown))}.")
    known = ensure_roles(session)
    user = User(username=username, email=email or None, active=True)
    user.set_password(password)
    user.roles = [known[name] for name in dict.fromkeys(roles)]
    session.add(user)
    session.commit()
    return user
