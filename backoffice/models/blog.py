"""Posts, comments, tags and reminders."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import (
    CheckConstraint,
    Column,
    DateTime,
    ForeignKey,
    Index,
    String,
    Table,
    Text,
    func,
    select,
)
from sqlalchemy import text as sql
from sqlalchemy.orm import Mapped, column_property, mapped_column, relationship

from backoffice.core.database import table_of
from backoffice.domain import search
from backoffice.extensions import db
from backoffice.models.clock import utcnow
from backoffice.models.counts import tag_counts

if TYPE_CHECKING:
    from backoffice.models.users import User

POST_STATUSES: tuple[str, ...] = ("draft", "published")
COMMENT_STATUSES: tuple[str, ...] = ("pending", "approved", "spam", "rejected")
#: Why a moderation rule held a comment (backoffice/domain/comment_rules.py): too many links, a
#: hold word, a spam word. ``Comment.hold_detail`` says which (the number of links, the word).
HOLD_REASONS: tuple[str, ...] = ("links", "word", "spam_word")

post_tags = Table(
    "post_tags",
    db.metadata,
    Column("post_id", ForeignKey("posts.id", ondelete="CASCADE"), primary_key=True),
    Column("tag_id", ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True),
    # Tag usage counts and the tag filter read (tag -> posts) from this index alone.
    Index("ix_post_tags_tag_id_post_id", "tag_id", "post_id"),
)


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class Tag(db.Model):
    __tablename__ = "tags"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(64))
    #: Number of posts with this tag, as the database keeps it (``counts.tag_counts``: one
    #: key lookup, where counting the links read every one); loaded only where asked for
    #: (``undefer``).
    post_count: Mapped[int] = column_property(
        func.coalesce(
            select(tag_counts.c.n)
            .where(tag_counts.c.tag_id == id)
            .correlate_except(tag_counts)
            .scalar_subquery(),
            0,
        ),
        deferred=True,
    )

    posts: Mapped[list[Post]] = relationship(secondary=post_tags, back_populates="tags")

    def __str__(self) -> str:
        return self.title


class Post(db.Model):
    __tablename__ = "posts"
    __table_args__ = (
        CheckConstraint(_in("status", POST_STATUSES), name="status"),
        Index("ix_posts_status_published_at", "status", "published_at"),
        # The post list's default order (last updated first), alone, per status, per author;
        # ``id`` breaks ties so a page boundary is stable.
        Index("ix_posts_updated_at_id", "updated_at", "id"),
        Index("ix_posts_status_updated_at_id", "status", "updated_at", "id"),
        Index("ix_posts_author_id_updated_at_id", "author_id", "updated_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    slug: Mapped[str] = mapped_column(String(220), unique=True)
    body: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(16), default="draft")
    published_at: Mapped[datetime | None] = mapped_column(DateTime())
    created_at: Mapped[datetime] = mapped_column(DateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(), default=utcnow, onupdate=utcnow)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    author: Mapped[User | None] = relationship()
    tags: Mapped[list[Tag]] = relationship(
        secondary=post_tags, back_populates="posts", order_by=Tag.title
    )
    comments: Mapped[list[Comment]] = relationship(
        back_populates="post", cascade="all, delete-orphan", passive_deletes=True
    )

    def __str__(self) -> str:
        return self.title


class Comment(db.Model):
    __tablename__ = "comments"
    __table_args__ = (
        CheckConstraint(_in("status", COMMENT_STATUSES), name="status"),
        # The queue (one status, newest first) and the list of all comments, newest first.
        Index("ix_comments_status_created_at_id", "status", "created_at", "id"),
        Index("ix_comments_created_at_id", "created_at", "id"),
        # Per-post counts by status, the per-post filter and a post's approved comments.
        Index("ix_comments_post_id_status_created_at", "post_id", "status", "created_at"),
        # An author's counts per status, beside each comment of the queue (by e-mail).
        Index("ix_comments_email_status", "email", "status"),
        # The queue filtered by why the rules held a comment: only held comments are indexed.
        Index(
            "ix_comments_hold_reason_status_created_at_id",
            "hold_reason",
            "status",
            "created_at",
            "id",
            sqlite_where=sql("hold_reason IS NOT NULL"),
            postgresql_where=sql("hold_reason IS NOT NULL"),
        ),  # fmt: skip
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"))
    author_name: Mapped[str] = mapped_column(String(100))
    email: Mapped[str | None] = mapped_column(String(255))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(), default=utcnow)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    moderated_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    moderated_at: Mapped[datetime | None] = mapped_column(DateTime())
    #: The comment this one answers (one level deep: a reply to a reply answers its parent).
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("comments.id", ondelete="CASCADE"), index=True
    )
    #: The staff member who wrote it (a reply from the queue); None for readers' comments.
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    #: Why the moderation rules held it (HOLD_REASONS) and which number or word; None if no
    #: rule did.
    hold_reason: Mapped[str | None] = mapped_column(String(16))
    hold_detail: Mapped[str | None] = mapped_column(String(200))

    post: Mapped[Post] = relationship(back_populates="comments")
    moderated_by: Mapped[User | None] = relationship(foreign_keys=[moderated_by_id])
    author: Mapped[User | None] = relationship(foreign_keys=[author_id])

    def __str__(self) -> str:
        return f"{self.author_name}: {self.text[:40]}"


class Reminder(db.Model):
    __tablename__ = "reminders"

    id: Mapped[int] = mapped_column(primary_key=True)
    date: Mapped[datetime] = mapped_column(DateTime(), index=True)
    email: Mapped[str] = mapped_column(String(255))
    text: Mapped[str] = mapped_column(Text)

    def __str__(self) -> str:
        return self.text[:40]


# Tag titles are unique regardless of case ("Flask" and "flask" are one tag).
Index("uq_tags_title_lower", func.lower(Tag.title), unique=True)

# Full-text search (backoffice.domain.search): a stored document with a GIN index on PostgreSQL,
# FTS5 tables on SQLite.
search.install_pg_search(table_of(Post), search.POSTS)
search.install_pg_search(table_of(Comment), search.COMMENTS)
search.install_sqlite_triggers(table_of(Post), search.POSTS)
search.install_sqlite_triggers(table_of(Comment), search.COMMENTS)
