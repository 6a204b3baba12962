"""A comment's author, by e-mail: their comments per status, and their pending comments.

The queue shows each row's author history from one statement per page, whatever the page
size or the number of comments: the counters the database keeps per e-mail and status
(``author_counts``, backoffice/models/counts.py).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from backoffice.domain.moderation import MAX_BATCH
from backoffice.models import COMMENT_STATUSES, Comment, counts


def author_counts(session: Session, emails: Iterable[str | None]) -> dict[str, dict[str, int]]:
    """For each e-mail given, its number of comments per status (every status present)."""
    found = counts.read_authors(session, (email for email in emails if email))
    return {
        email: {status: numbers.get(status, 0) for status in COMMENT_STATUSES}
        for email, numbers in found.items()
    }


def pending_of(session: Session, email: str, until: datetime) -> list[int]:
    """The ids of the author's pending comments that arrived by ``until`` (when the moderator's
    page was shown: later ones were not seen, so are left alone), oldest first."""
    return list(
        session.scalars(
            select(Comment.id)
            .where(Comment.email == email, Comment.status == "pending", Comment.created_at <= until)
            .order_by(Comment.id)
            .limit(MAX_BATCH)
        )
    )
