"""Writes an AuditEntry for every create, update and delete of the audited models.

It hooks the session's flush, so changes made through the admin, the CLI or a domain
function are all recorded, with the signed-in user when there is one.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from typing import Any

from flask import Flask, has_request_context
from flask_login import current_user
from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from backoffice.core.database import table_of
from backoffice.models import (
    AuditEntry,
    Comment,
    ModerationRules,
    Post,
    Reminder,
    Role,
    Tag,
    User,
)

AUDITED: tuple[type, ...] = (User, Role, Post, Comment, Tag, Reminder, ModerationRules)
# Values that must never be copied into the log.
REDACTED = {"password_hash"}
# Bookkeeping columns and back-references that would only add noise.
SKIPPED = {
    "id",
    "created_at",
    "updated_at",
    "last_login_at",
    "session_token",
    "comments",
    "posts",
    "users",
}


def init_app(app: Flask) -> None:
    """Listen to flushes of the app's session (registered once per process)."""
    if not event.contains(Session, "after_flush", _after_flush):
        event.listen(Session, "after_flush", _after_flush)


@contextmanager
def labelled(session: Session, action: str, batch: str | None = None) -> Iterator[None]:
    """Record the updates flushed inside the block as ``action`` (e.g. "moderate"), in ``batch``.

    Creates and deletes keep their own action names; only updates are relabelled.
    """
    previous = session.info.get("audit_label")
    session.info["audit_label"] = (action, batch)
    try:
        yield
    finally:
        session.info["audit_label"] = previous


def record(
    session: Session,
    action: str,
    obj: Any,
    changes: dict[str, Any],
    batch: str | None = None,
) -> None:
    """Write one explicit entry (for operations that are more than a field change)."""
    identity = inspect(obj).identity
    record_change(
        session,
        action,
        type(obj).__name__,
        str(identity[0]) if identity else None,
        str(obj),
        changes,
        batch=batch,
    )


def record_change(
    session: Session,
    action: str,
    object_type: str,
    object_id: str | None,
    label: str,
    changes: dict[str, Any],
    *,
    user_id: int | None = None,
    batch: str | None = None,
) -> None:
    """Write one entry about something that is not a database row (e.g. a translation).

    ``user_id`` defaults to the signed-in user. The caller commits.
    """
    session.execute(
        table_of(AuditEntry).insert(),
        [
            {
                "user_id": user_id if user_id is not None else _current_user_id(),
                "action": action,
                "object_type": object_type,
                "object_id": object_id,
                "object_label": label[:255],
                "changes": changes,
                "batch": batch,
            }
        ],
    )


def record_rows(
    session: Session,
    action: str,
    object_type: str,
    rows: Iterable[tuple[str, str, dict[str, Any]]],
    *,
    user_id: int | None = None,
    batch: str | None = None,
) -> None:
    """Write one entry per ``(object id, label, {field: [old, new]})`` in one statement, for a
    change made without the ORM (a bulk moderation: its own UPDATE, so the flush hook does not
    see it). Values are stored as the flush hook stores them. The caller commits."""
    user = user_id if user_id is not None else _current_user_id()
    entries = [
        {
            "user_id": user,
            "action": action,
            "object_type": object_type,
            "object_id": object_id,
            "object_label": label[:255],
            "changes": {k: [_jsonable(old), _jsonable(new)] for k, (old, new) in changes.items()},
            "batch": batch,
        }
        for object_id, label, changes in rows
    ]
    if entries:
        session.execute(table_of(AuditEntry).insert(), entries)


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, list | tuple | set):
        return [str(v) for v in value]
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def _changes(obj: Any, *, new: bool) -> dict[str, list[Any]]:
    """Field -> [old, new] for the attributes that changed on ``obj``."""
    changes: dict[str, list[Any]] = {}
    state = inspect(obj)
    for attr in state.mapper.attrs:
        key = attr.key
        if key in SKIPPED:
            continue
        history = state.attrs[key].history
        if not history.has_changes():
            continue
        if hasattr(attr, "direction"):  # a relationship: log whole collections as labels
            unchanged = list(history.unchanged or ())
            old: Any = sorted(str(v) for v in unchanged + list(history.deleted))
            new_value: Any = sorted(str(v) for v in unchanged + list(history.added))
            if attr.direction.name == "MANYTOONE":
                old, new_value = (old[0] if old else None), (new_value[0] if new_value else None)
        else:
            old = history.deleted[0] if history.deleted else None
            new_value = history.added[0] if history.added else None
        if key in REDACTED:
            changes[key] = [None if new else "***", "***"]
            continue
        if old == new_value:
            continue
        changes[key] = [None if new else _jsonable(old), _jsonable(new_value)]
    return changes


def _current_user_id() -> int | None:
    if has_request_context() and current_user and current_user.is_authenticated:
        return int(current_user.id)
    return None


def _after_flush(session: Session, _context: Any) -> None:
    if session.info.get("audit_disabled"):
        return
    label, batch = session.info.get("audit_label") or (None, None)
    entries: list[dict[str, Any]] = []
    for action, objects in (
        ("create", session.new),
        ("update", session.dirty),
        ("delete", session.deleted),
    ):
        for obj in objects:
            if not isinstance(obj, AUDITED):
                continue
            if action == "update" and not session.is_modified(obj, include_collections=True):
                continue
            changes = _changes(obj, new=action == "create") if action != "delete" else {}
            if action == "update" and not changes:
                continue
            # New rows get an identity key only after the flush, but their primary key is set.
            key = inspect(obj).mapper.primary_key_from_instance(obj)
            entries.append(
                {
                    "user_id": _current_user_id(),
                    "action": label if (label and action == "update") else action,
                    "object_type": type(obj).__name__,
                    "object_id": str(key[0]) if key and key[0] is not None else None,
                    "object_label": str(obj)[:255],
                    "changes": changes,
                    "batch": batch,
                }
            )
    if entries:
        # A Core insert inside the flush: no new ORM objects, so no recursion.
        session.execute(table_of(AuditEntry).insert(), entries)
