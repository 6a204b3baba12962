"""The lists' default sorts, filters and counts, and the search, are answered from indexes."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from helpers.app import IS_SQLITE
from sqlalchemy import func, select, text

from backoffice.domain.search import matching
from backoffice.extensions import db
from backoffice.models import Comment, Post, Tag, post_tags


@pytest.fixture
def rows(app):
    """A few hundred rows, so that the plans are about something."""
    start = datetime(2026, 1, 1)
    tags = [Tag(title=f"tag{i}") for i in range(5)]
    posts = [
        Post(title=f"post {i}", slug=f"p{i}", body="<p>words</p>", tags=[tags[i % 5]],
             status=("draft", "published")[i % 2], updated_at=start + timedelta(hours=i))
        for i in range(200)
    ]  # fmt: skip
    comments = [
        Comment(post=posts[i % 200], author_name="a", text="t", created_at=start,
                status=("pending", "approved", "spam", "rejected")[i % 4])
        for i in range(400)
    ]  # fmt: skip
    db.session.add_all([*posts, *comments])
    db.session.commit()
    db.session.execute(text("ANALYZE"))
    db.session.commit()


def plan(statement) -> str:
    """The database's plan for ``statement`` as one string."""
    compiled = statement.compile(db.engine, compile_kwargs={"literal_binds": True})
    if IS_SQLITE:
        rows = db.session.execute(text(f"EXPLAIN QUERY PLAN {compiled}")).all()
        return "\n".join(str(row[-1]) for row in rows)
    db.session.execute(text("SET LOCAL enable_seqscan = off"))
    return "\n".join(db.session.scalars(text(f"EXPLAIN {compiled}")))


PAGE = 20
CASES = {
    "comment queue (pending, newest first)": (
        lambda: select(Comment.id).where(Comment.status == "pending")
        .order_by(Comment.created_at.desc(), Comment.id.desc()).limit(PAGE),
        "ix_comments_status_created_at_id",
    ),
    "all comments, newest first": (
        lambda: select(Comment.id).order_by(Comment.created_at.desc(), Comment.id.desc())
        .limit(PAGE),
        "ix_comments_created_at_id",
    ),
    "comment counts of the posts on a page": (
        lambda: select(Comment.post_id, Comment.status, func.count())
        .where(Comment.post_id.in_([1, 2, 3])).group_by(Comment.post_id, Comment.status),
        "ix_comments_post_id_status_created_at",
    ),
    "post list (last updated first)": (
        lambda: select(Post.id).order_by(Post.updated_at.desc(), Post.id.desc()).limit(PAGE),
        "ix_posts_updated_at_id",
    ),
    "post list, one status": (
        lambda: select(Post.id).where(Post.status == "draft")
        .order_by(Post.updated_at.desc(), Post.id.desc()).limit(PAGE),
        "ix_posts_status_updated_at_id",
    ),
    "an author's posts": (
        lambda: select(Post.id).where(Post.author_id == 1)
        .order_by(Post.updated_at.desc(), Post.id.desc()).limit(PAGE),
        "ix_posts_author_id_updated_at_id",
    ),
    "tag usage counts": (
        lambda: select(post_tags.c.tag_id, func.count()).where(post_tags.c.tag_id.in_([1, 2]))
        .group_by(post_tags.c.tag_id),
        "ix_post_tags_tag_id_post_id",
    ),
}  # fmt: skip


@pytest.mark.parametrize("case", list(CASES))
def test_list_queries_use_their_index(rows, case):
    build, index = CASES[case]
    assert index in plan(build())


@pytest.mark.parametrize(("model", "index"), [(Post, "posts_fts"), (Comment, "comments_fts")])
def test_search_uses_the_full_text_index(rows, model, index):
    condition = matching(model, "words t", db.engine.dialect.name)
    found = plan(select(model.id).where(condition))
    if IS_SQLITE:
        assert "VIRTUAL TABLE INDEX" in found and index in found, found
    else:
        assert f"ix_{model.__tablename__}_search" in found, found
