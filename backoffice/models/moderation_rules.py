"""The rules a comment from the public blog meets before it reaches the queue.

One row (``id`` 1), edited by admins on the rules page (backoffice/admin/comment_rules.py) and
read by backoffice/domain/comment_rules.py, which says what they do.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, ForeignKey, Integer, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backoffice.extensions import db
from backoffice.models._time import utcnow
from backoffice.models.users import User

#: The one row's id.
RULES_ID = 1


class ModerationRules(db.Model):
    """The link limit, the hold and spam words, and the auto-approval of known authors."""

    __tablename__ = "moderation_rules"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Hold a comment with this many links or more; 0 holds none for its links.
    link_limit: Mapped[int] = mapped_column(Integer, default=2)
    #: One word or phrase per line: a comment that has one waits in the queue.
    hold_words: Mapped[str] = mapped_column(Text, default="")
    #: One word or phrase per line: a comment that has one goes straight to spam.
    spam_words: Mapped[str] = mapped_column(Text, default="")
    #: Approve a comment at once when its e-mail already has ``known_count`` approved comments.
    approve_known: Mapped[bool] = mapped_column(Boolean, default=False)
    known_count: Mapped[int] = mapped_column(Integer, default=1)
    updated_at: Mapped[datetime] = mapped_column(DateTime(), default=utcnow, onupdate=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    #: Bumped by every change: a form built on an older version is a conflict.
    version: Mapped[int] = mapped_column(Integer, default=1)

    updated_by: Mapped[User | None] = relationship()

    __mapper_args__ = {"version_id_col": version}

    def __str__(self) -> str:
        # There is one: the audit log names it by its (translated) type.
        return ""
