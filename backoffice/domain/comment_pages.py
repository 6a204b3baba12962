"""A post's approved comments, a page at a time, oldest first (the public post, its preview).

A page costs two indexed statements whatever the number of comments: a count and one page
(``ix_comments_post_id_status_created_at``), so a post with thousands of comments opens as
fast as one with five.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
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
    total: int  # approved comments of the post, on every page


def approved_comments(session: Session, post_id: int, number: int = 1) -> CommentPage | None:
    """Page ``number`` of the post's approved comments; None if there is no such page."""
    approved = (Comment.post_id == post_id, Comment.status == "approved")
    total = session.scalar(select(func.count()).select_from(Comment).where(*approved)) or 0
    pages = max(1, -(-total // PER_PAGE))
    if not 1 <= number <= pages:
        return None
    comments = session.scalars(
        select(Comment)
        .where(*approved)
        .order_by(Comment.created_at, Comment.id)
        .offset((number - 1) * PER_PAGE)
        .limit(PER_PAGE)
    ).all()
    return CommentPage(list(comments), number, pages, total)
