"""The rules a comment from the public blog meets before it reaches the queue.

One row (``id`` 1), edited by admins on the rules page (backoffice/admin/comment_rules.py) and
read by backoffice/domain/comment_rules.py, which says what they do.
"""

from __future__ import annotations

from sqlalchemy import Boolean, Integer, Text
from sqlalchemy.orm import Mapped, mapped_column

from backoffice.extensions import db
from backoffice.models.versioned import Versioned

#: The one row's id.
RULES_ID = 1


class ModerationRules(Versioned, db.Model):
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

    def __str__(self) -> str:
        # There is one: the audit log names it by its (translated) type.
        return ""
