"""Comment moderation as plain functions: views and the CLI call these."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from backoffice.ids import parse_ids
from backoffice.models import COMMENT_STATUSES, Comment, User
from backoffice.models._time import utcnow


def set_comment_status(
    session: Session, ids: Iterable[int | str], status: str, moderator: User | None
) -> dict[int, str]:
    """Set ``status`` on the comments ``ids``; return their previous statuses by id.

    Each change goes through the ORM so the audit log records old -> new.
    """
    if status not in COMMENT_STATUSES:
        raise ValueError(f"unknown comment status {status!r}")
    wanted = parse_ids(ids)
    previous: dict[int, str] = {}
    now = utcnow()
    for comment in session.scalars(select(Comment).where(Comment.id.in_(wanted))):
        previous[comment.id] = comment.status
        if comment.status != status:
            comment.status = status
            comment.moderated_by = moderator
            comment.moderated_at = now
    session.commit()
    return previous
