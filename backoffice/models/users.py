"""Users and roles."""

from __future__ import annotations

import secrets
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import JSON, Boolean, Column, DateTime, ForeignKey, Index, String, Table
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from backoffice.extensions import db
from backoffice.models.clock import utcnow

ROLE_NAMES: tuple[str, ...] = ("admin", "editor", "author", "translator")

user_roles = Table(
    "user_roles",
    db.metadata,
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("role_id", ForeignKey("roles.id", ondelete="CASCADE"), primary_key=True),
    Index("ix_user_roles_role_id", "role_id"),
)


class Role(db.Model):
    __tablename__ = "roles"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(32), unique=True)
    description: Mapped[str] = mapped_column(String(255), default="")

    users: Mapped[list[User]] = relationship(secondary=user_roles, back_populates="roles")

    def __str__(self) -> str:
        return self.name


#: The password hash method when none is given: Werkzeug's default, and production's. The
#: app's own (``PASSWORD_HASH_METHOD``) is :func:`backoffice.domain.accounts.password_hash_method`.
DEFAULT_HASH_METHOD = "scrypt"


def new_session_token() -> str:
    """A fresh session token (128 bits of randomness, URL-safe)."""
    return secrets.token_urlsafe(16)


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    email: Mapped[str | None] = mapped_column(String(255), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    locale: Mapped[str | None] = mapped_column(String(16))
    timezone: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(), default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime())
    # Language codes a translator may work on in the workbench (admins may work on all).
    translation_languages: Mapped[list[str]] = mapped_column(
        JSON, default=list, server_default="[]"
    )
    # Every session of this user carries this value; a new one ends them all (end_sessions).
    session_token: Mapped[str] = mapped_column(String(64), default=new_session_token)

    roles: Mapped[list[Role]] = relationship(
        secondary=user_roles, back_populates="users", lazy="selectin"
    )

    def __str__(self) -> str:
        return self.username

    def get_id(self) -> str:
        """What Flask-Login keeps in the session: the id and the current session token, so a
        session whose token has been replaced no longer loads its user."""
        return f"{self.id}:{self.session_token}"

    def end_sessions(self) -> None:
        """Sign this user out everywhere, on every worker: earlier sessions hold the old token.

        A random token, never a counter: SQLite may give a deleted user's id to a new one,
        and a counter would start again at a value an old cookie still holds."""
        self.session_token = new_session_token()

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive accounts
        return bool(self.active)

    @property
    def role_names(self) -> frozenset[str]:
        return frozenset(role.name for role in self.roles)

    def has_role(self, *names: str) -> bool:
        return bool(self.role_names.intersection(names))

    def set_password(self, password: str, method: str = DEFAULT_HASH_METHOD) -> None:
        """Keep a hash of ``password``, made with ``method``; the app's code passes the
        configured one (:func:`backoffice.domain.accounts.set_password`)."""
        self.password_hash = generate_password_hash(password, method=method)

    def check_password(self, password: str) -> bool:
        return bool(self.password_hash) and check_password_hash(self.password_hash, password)
