"""Revocable sessions.

A session holds ``"<user id>:<session token>"`` (``User.get_id()``), and the user loader
accepts it only while the user's row still has that token. Replacing the token
(``User.end_sessions()``) therefore ends every session of the user at once, on every worker
and instance: nothing is cached outside the database. It is replaced on sign-out and
whenever the password, the active flag or the roles of a user change, however they change
(admin form, profile, CLI, a domain function): a flush listener sees to it.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, current_app, g, session
from flask_login import current_user, login_user, logout_user
from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from backoffice.extensions import db
from backoffice.models import User

#: A change of any of these ends the user's sessions.
WATCHED = ("password_hash", "active", "roles")
#: What a session keeps across sign-in and sign-out: the visitor's language choice only.
KEPT = ("locale",)


def init_app(app: Flask) -> None:
    """Listen to flushes (registered once per process)."""
    if not event.contains(Session, "before_flush", _end_sessions_on_account_changes):
        event.listen(Session, "before_flush", _end_sessions_on_account_changes)


def start(user: User) -> None:
    """Sign ``user`` in on a new session: nothing of the visitor's session is carried over but
    the language, and the CSRF token is a new one (Flask-WTF makes it when it is missing)."""
    _clear_session()
    login_user(user)


def end() -> None:
    """Sign out: end every session of the signed-in user, then clear this one."""
    if current_user.is_authenticated:
        current_user.end_sessions()
        db.session.commit()
    logout_user()
    _clear_session()


def keep_current(user: User) -> None:
    """After a change that ended ``user``'s sessions, carry on the current one (the change was
    made in it) with the new token, if it is ``user``'s own."""
    if current_user.is_authenticated and current_user.id == user.id:
        login_user(user)


def _clear_session() -> None:
    kept = {name: session[name] for name in KEPT if name in session}
    session.clear()
    session.update(kept)
    # Flask-WTF also remembers the token of this request in g.
    g.pop(current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token"), None)


def _end_sessions_on_account_changes(session: Session, _context: Any, _instances: Any) -> None:
    for obj in session.dirty:
        if isinstance(obj, User) and _account_changed(obj):
            obj.end_sessions()


def _account_changed(user: User) -> bool:
    state = inspect(user)
    return any(state.attrs[name].history.has_changes() for name in WATCHED)
