"""Account operations shared by the CLI and the admin."""

from __future__ import annotations

from collections.abc import Iterable

import email_validator
from flask import Flask, current_app
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from backoffice.models import ROLE_NAMES, Role, User
from backoffice.models.users import DEFAULT_HASH_METHOD

ROLE_DESCRIPTIONS = {
    "admin": "Everything, including users, roles, media, the audit log and all translations",
    "editor": "Posts, comment and tag moderation, reminders, media library",
    "author": "Own posts only, media upload",
    "translator": "Translation workbench",
}


#: The rules for every account, whoever creates or edits it (the CLI, the admin's user form).
MAX_USERNAME_LENGTH = 80
MIN_PASSWORD_LENGTH = 8
MAX_PASSWORD_LENGTH = 1024
MAX_EMAIL_LENGTH = 255


class AccountError(ValueError):
    """A user-facing problem with an account request."""


def clean_username(username: str | None) -> str:
    """The user name as stored (surrounding spaces removed); AccountError if it breaks the rules."""
    name = (username or "").strip()
    if not name or len(name) > MAX_USERNAME_LENGTH:
        raise AccountError(
            _("The username must be 1 to %(max)d characters long.", max=MAX_USERNAME_LENGTH)
        )
    return name


def clean_email(address: str | None) -> str | None:
    """The e-mail address as stored (``None`` when empty); AccountError if it is not one."""
    address = (address or "").strip()
    if not address:
        return None
    if len(address) > MAX_EMAIL_LENGTH:
        raise AccountError(
            _("The e-mail address must be at most %(max)d characters long.", max=MAX_EMAIL_LENGTH)
        )
    try:
        email_validator.validate_email(address, check_deliverability=False)
    except email_validator.EmailNotValidError:
        raise AccountError(_("Enter a valid e-mail address.")) from None
    return address


def check_password_rules(password: str) -> None:
    """AccountError if ``password`` is too short or too long for an account."""
    if not MIN_PASSWORD_LENGTH <= len(password) <= MAX_PASSWORD_LENGTH:
        raise AccountError(
            _(
                "The password must be %(min)d to %(max)d characters long.",
                min=MIN_PASSWORD_LENGTH,
                max=MAX_PASSWORD_LENGTH,
            )
        )


def password_hash_method(app: Flask | None = None) -> str:
    """The app's password hash method (``PASSWORD_HASH_METHOD``; scrypt unless set)."""
    return (app or current_app).config.get("PASSWORD_HASH_METHOD", DEFAULT_HASH_METHOD)


def set_password(user: User, password: str) -> None:
    """Give ``user`` the password ``password``, hashed with the app's method."""
    user.set_password(password, password_hash_method())


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
    username = clean_username(username)
    email = clean_email(email)
    check_password_rules(password)
    if session.scalar(select(User.id).where(User.username == username)) is not None:
        raise AccountError(_("A user named %(name)s already exists.", name=repr(username)))
    if email and session.scalar(select(User.id).where(User.email == email)) is not None:
        raise AccountError(_("Another user has this e-mail address."))
    unknown = set(roles) - set(ROLE_NAMES)
    if unknown:
        raise AccountError(_("Unknown role(s): %(roles)s.", roles=", ".join(sorted(unknown))))
    known = ensure_roles(session)
    user = User(username=username, email=email, active=True)
    set_password(user, password)
    user.roles = [known[name] for name in dict.fromkeys(roles)]
    session.add(user)
    session.commit()
    return user
