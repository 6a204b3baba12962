"""Replies from the queue: an editor answers a comment; the reply is an approved comment of
theirs on the same post, linked to the comment it answers (one level deep: answering a reply
answers the comment it belongs to). Answering a pending comment approves it, as WordPress's
"Approve and reply" does; a comment someone else moderated meanwhile is not answered.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from backoffice.domain.moderation import lock_comment, set_comment_status
from backoffice.models import Comment, User
from backoffice.models.clock import utcnow

#: Longest reply, as for readers' comments.
MAX_REPLY = 5000
#: The statuses a comment may have to be answered (a reply to spam would be shown to no one).
ANSWERABLE = ("pending", "approved")


@dataclass(frozen=True)
class ReplyResult:
    """The reply saved, or why not: ``missing`` (the comment is gone), ``conflict`` (its
    status is not the one the editor saw) or ``unanswerable`` (spam or rejected)."""

    reply: Comment | None = None
    problem: str | None = None
    approved_parent: bool = False


def post_reply(
    session: Session, parent_id: int, text: str, editor: User, seen: str | None
) -> ReplyResult:
    """Answer comment ``parent_id`` with ``text`` (stripped, non-empty, at most MAX_REPLY
    characters: the caller checks) as ``editor``; ``seen`` is the status the editor saw."""
    parent = session.get(Comment, parent_id)
    current = lock_comment(session, parent) if parent is not None else None
    problem = None
    if parent is None or current is None:
        problem = "missing"
    elif seen is not None and seen != current:
        problem = "conflict"
    elif current not in ANSWERABLE:
        problem = "unanswerable"
    if problem is not None:
        session.rollback()
        return ReplyResult(problem=problem)
    assert parent is not None
    approved_parent = current == "pending"
    if approved_parent:  # under the lock: this cannot conflict
        set_comment_status(session, [parent_id], "approved", editor, {parent_id: "pending"})
    now = utcnow()
    reply = Comment(
        post_id=parent.post_id,
        parent_id=parent.parent_id or parent.id,
        author_name=editor.username,
        email=editor.email,
        text=text,
        status="approved",
        author_id=editor.id,
        moderated_by_id=editor.id,
        moderated_at=now,
        created_at=now,
    )
    session.add(reply)
    session.commit()
    return ReplyResult(reply=reply, approved_parent=approved_parent)
