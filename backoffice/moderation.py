"""Comment moderation as plain functions: views and the CLI call these.

Each bulk change is one *batch*: its audit entries share a batch id, which is what
:func:`undo_batch` reads to put the previous statuses back.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from backoffice import audit
from backoffice.ids import parse_ids
from backoffice.models import COMMENT_STATUSES, AuditEntry, Comment, User, counts
from backoffice.models._time import utcnow


@dataclass
class ModerationResult:
    """What a bulk change did: the batch id and each changed comment's previous status."""

    batch: str
    previous: dict[int, str] = field(default_factory=dict)

    @property
    def changed(self) -> int:
        return len(self.previous)


def status_counts(session: Session) -> dict[str, int]:
    """Number of comments per status, every status present: the trigger-kept counters
    (one primary-key lookup per status, whatever the number of comments)."""
    keys = {status: counts.status_key("comments", status) for status in COMMENT_STATUSES}
    return counts.read_named(session, keys)


def set_comment_status(
    session: Session, ids: Iterable[int | str], status: str, moderator: User | None
) -> ModerationResult:
    """Set ``status`` on the comments ``ids`` and commit; unknown ids are ignored.

    Comments already in ``status`` are left alone (and not part of the batch).
    """
    if status not in COMMENT_STATUSES:
        raise ValueError(f"unknown comment status {status!r}")
    result = ModerationResult(batch=uuid.uuid4().hex)
    now = utcnow()
    with audit.labelled(session, "moderate", result.batch):
        for comment in session.scalars(select(Comment).where(Comment.id.in_(parse_ids(ids)))):
            if comment.status == status:
                continue
            result.previous[comment.id] = comment.status
            comment.status = status
            comment.moderated_by = moderator
            comment.moderated_at = now
        session.flush()
    session.commit()
    return result


def undo_batch(session: Session, batch: str, moderator: User) -> tuple[int, int]:
    """Restore the statuses a batch of ``moderator`` replaced; return (restored, skipped).

    A comment changed again since the batch is skipped rather than overwritten; a batch can
    be undone once.
    """
    entries = session.scalars(
        select(AuditEntry).where(
            AuditEntry.batch == batch,
            AuditEntry.user_id == moderator.id,
            AuditEntry.object_type == "Comment",
        )
    ).all()
    if not entries or any(entry.action == "undo" for entry in entries):
        return 0, 0
    wanted: dict[int, tuple[str, str]] = {}
    for entry in entries:
        old_new = (entry.changes or {}).get("status")
        if entry.action == "moderate" and old_new and entry.object_id:
            wanted[int(entry.object_id)] = (old_new[0], old_new[1])
    restored = skipped = 0
    now = utcnow()
    with audit.labelled(session, "undo", batch):
        for comment in session.scalars(select(Comment).where(Comment.id.in_(wanted))):
            old, new = wanted[comment.id]
            if comment.status != new:
                skipped += 1
                continue
            comment.status = old
            comment.moderated_by = moderator
            comment.moderated_at = now
            restored += 1
        session.flush()
    session.commit()
    skipped += len(wanted) - restored - skipped  # deleted since
    return restored, skipped
