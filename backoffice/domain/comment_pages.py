"""A post's approved comments, a page at a time, oldest first (the public post, its preview),
each with its approved replies (one level deep: replies from the queue,
backoffice/domain/replies.py).

A page costs three indexed statements whatever the number of comments: a count, one page of
comments (``ix_comments_post_id_status_created_at``) and their replies
(``ix_comments_parent_id``), so a post with thousands of comments opens as fast as one with
five. Pages count comments, not replies: a thread is never cut across two pages.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from backoffice.models import Comment

#: Comments on one page of a post.
PER_PAGE = 50


@dataclass(frozen=True)
class CommentPage:
    """One page of a post's approved comments."""

    comments: list[Comment]
    number: int  # 1 is the oldest comments
    pages: int  # at least 1, even with no comment
    total: int  # approved comments and replies of the post, on every page
    replies: dict[int, list[Comment]] = field(default_factory=dict)  # comment id -> replies

    def replies_to(self, comment: Comment) -> list[Comment]:
        """The approved replies to ``comment``, oldest first."""
        return self.replies.get(comment.id, [])


def approved_comments(session: Session, post_id: int, number: int = 1) -> CommentPage | None:
    """Page ``number`` of the post's approved comments; None if there is no such page."""
    approved = (Comment.post_id == post_id, Comment.status == "approved")
    total, threads = session.execute(
        select(func.count(), func.count(case((Comment.parent_id.is_(None), 1)))).where(*approved)
    ).one()
    pages = max(1, -(-threads // PER_PAGE))
    if not 1 <= number <= pages:
        return None
    comments = list(
        session.scalars(
            select(Comment)
            .where(*approved, Comment.parent_id.is_(None))
            .order_by(Comment.created_at, Comment.id)
            .offset((number - 1) * PER_PAGE)
            .limit(PER_PAGE)
        )
    )
    replies: dict[int, list[Comment]] = {}
    if comments and total > threads:
        for reply in session.scalars(
            select(Comment)
            .where(Comment.parent_id.in_([c.id for c in comments]), Comment.status == "approved")
            .order_by(Comment.created_at, Comment.id)
        ):
            replies.setdefault(reply.parent_id or 0, []).append(reply)
    return CommentPage(comments, number, pages, total or 0, replies)
