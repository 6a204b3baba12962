"""The trigger-kept row counts: filled by migrations 0005, 0011 and 0012, exact after bulk
loads."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import delete, func, insert, inspect, select, text, update
from sqlalchemy.orm import undefer

from backoffice import create_app
from backoffice.core.database import table_of
from backoffice.domain.tags import merge_tags
from backoffice.extensions import db
from backoffice.models import Comment, Post, Tag, counts, post_tags


def _recount() -> dict[str, int]:
    """Every counter as recomputed from the rows (what the triggers must agree with)."""
    found: dict[str, int] = {}
    for model, table in ((Post, "posts"), (Comment, "comments")):
        for status, n in db.session.execute(
            select(model.status, func.count()).group_by(model.status)
        ):
            found[counts.status_key(table, status)] = n
    return found


def _stored(names) -> dict[str, int]:
    return counts.read(db.session, names)


@contextmanager
def migrated_to(tmp_path, revision: str) -> Iterator[None]:
    """An app context on a SQLite file migrated up to ``revision``, closed after the block."""
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'm.db'}")
    with app.app_context():
        upgrade(revision=revision)
        try:
            yield
        finally:
            db.session.remove()
            db.engine.dispose()


def test_a_bulk_load_with_triggers_suspended_is_recounted_once(app):
    post = Post(title="P", slug="p")
    db.session.add(post)
    db.session.commit()
    rows = [{"post_id": post.id, "author_name": "a", "text": "t", "status": "pending",
             "created_at": datetime(2026, 1, 5)} for _ in range(30)]  # fmt: skip
    with counts.triggers_suspended(db.session.connection()):
        db.session.execute(insert(Comment), rows)
    db.session.commit()
    assert (
        _stored(_recount())
        == _recount()
        == {
            "posts.status.draft": 1,
            "comments.status.pending": 30,
        }
    )
    assert _stored(["comments.month.2026-01"]) == {"comments.month.2026-01": 30}
    db.session.add(Comment(post=post, author_name="b", text="t"))  # the triggers are back
    db.session.commit()
    assert _stored(["comments.status.pending"]) == {"comments.status.pending": 31}


@pytest.mark.sqlite_only("builds its own database file")
def test_migration_0005_counts_existing_rows_and_downgrades_cleanly(tmp_path):
    with migrated_to(tmp_path, "0003"):
        db.session.execute(text(
            "INSERT INTO posts (id, title, slug, body, status, created_at, updated_at) "
            "VALUES (1, 'P', 'p', '', 'published', '2026-02-03 10:00:00', '2026-02-03 10:00:00')"
        ))  # fmt: skip
        for status in ("pending", "pending", "spam"):
            db.session.execute(
                text("INSERT INTO comments (post_id, author_name, text, status, created_at) "
                     "VALUES (1, 'a', 't', :s, '2026-02-04 09:00:00')"), {"s": status})  # fmt: skip
        db.session.commit()
        upgrade()
        assert _stored(_recount()) == _recount()
        assert _stored(["comments.month.2026-02", "posts.month.2026-02"]) == {
            "comments.month.2026-02": 3,
            "posts.month.2026-02": 1,
        }
        db.session.commit()
        downgrade(revision="0003")
        assert "row_counts" not in inspect(db.engine).get_table_names()
        db.session.execute(text("DELETE FROM comments"))  # no trigger left behind to fail
        db.session.commit()


def test_a_request_reads_the_status_counters_once_until_it_writes(app, count_queries):
    post = Post(title="P", slug="p")
    db.session.add(post)
    db.session.commit()
    pending = "comments.status.pending"
    with app.test_request_context("/"):
        with count_queries as counter:
            assert _stored([pending]) == {pending: 0}
            assert _stored(["posts.status.draft", pending]) == {"posts.status.draft": 1, pending: 0}
        assert len(counter) == 1  # every status counter at once
        db.session.add(Comment(post=post, author_name="b", text="t"))
        db.session.flush()  # the triggers counted it: the memo must not hide that
        assert _stored([pending]) == {pending: 1}
        db.session.execute(text("UPDATE comments SET status = 'spam'"))
        assert _stored([pending, "comments.status.spam"]) == {pending: 0, "comments.status.spam": 1}
        db.session.execute(table_of(Comment).update().values(status="approved"))
        assert _stored([pending, "comments.status.approved"]) == {
            pending: 0,
            "comments.status.approved": 1,
        }
        db.session.rollback()
        assert _stored([pending]) == {pending: 0}


def _authors_recounted() -> dict[tuple[str, str], int]:
    rows = db.session.execute(
        select(Comment.email, Comment.status, func.count())
        .where(Comment.email.is_not(None))
        .group_by(Comment.email, Comment.status)
    )
    return {(email, status): n for email, status, n in rows}


def _authors_stored() -> dict[tuple[str, str], int]:
    rows = db.session.execute(select(counts.author_counts))
    return {(email, status): n for email, status, n in rows if n}


def test_the_author_counters_follow_every_kind_of_write(app):
    post = Post(title="P", slug="p")
    other = Post(title="Q", slug="q")
    a, b = "a@example.org", "b@example.org"
    rows = [Comment(post=post, author_name="A", email=a, text="t") for _ in range(3)]
    rows += [Comment(post=other, author_name="B", email=b, text="t", status="approved"),
             Comment(post=post, author_name="Anonymous", text="t")]  # fmt: skip
    db.session.add_all([post, other, *rows])
    db.session.commit()
    assert _authors_stored() == _authors_recounted() == {(a, "pending"): 3, (b, "approved"): 1}
    # One bulk UPDATE (moderation), an e-mail corrected, a row deleted, a post's cascade.
    db.session.execute(
        update(Comment).where(Comment.id.in_([rows[0].id, rows[1].id])).values(status="spam")
    )
    rows[2].email = b
    db.session.delete(rows[0])
    db.session.commit()
    assert _authors_stored() == _authors_recounted() == {
        (a, "spam"): 1, (b, "pending"): 1, (b, "approved"): 1}  # fmt: skip
    db.session.delete(db.session.get(Post, other.id))
    db.session.commit()
    assert _authors_stored() == _authors_recounted() == {(a, "spam"): 1, (b, "pending"): 1}


def test_a_bulk_load_recounts_the_author_counters_too(app):
    post = Post(title="P", slug="p")
    db.session.add(post)
    db.session.commit()
    rows = [{"post_id": post.id, "author_name": "a", "email": f"r{i % 3}@example.org",
             "text": "t", "status": "pending"} for i in range(30)]  # fmt: skip
    with counts.triggers_suspended(db.session.connection()):
        db.session.execute(insert(Comment), rows)
        assert _authors_stored() == {}  # not counted while suspended
    db.session.commit()
    assert _authors_stored() == _authors_recounted() == {
        (f"r{i}@example.org", "pending"): 10 for i in range(3)}  # fmt: skip


# -- posts per tag ------------------------------------------------------------------------------


def _tags_recounted() -> dict[int, int]:
    rows = db.session.execute(select(post_tags.c.tag_id, func.count()).group_by(post_tags.c.tag_id))
    return {tag_id: n for tag_id, n in rows}


def _tags_stored() -> dict[int, int]:
    return {tag_id: n for tag_id, n in db.session.execute(select(counts.tag_counts)) if n}


def _post_counts() -> dict[str, int]:
    tags = db.session.scalars(select(Tag).options(undefer(Tag.post_count)).order_by(Tag.title))
    return {tag.title: tag.post_count for tag in tags}


def test_the_tag_counters_follow_every_kind_of_write(app):
    a, b, c = Tag(title="a"), Tag(title="b"), Tag(title="c")
    posts = [Post(title=f"P{i}", slug=f"p{i}", tags=[a, b][: i % 3]) for i in range(6)]
    db.session.add_all([a, b, c, *posts])
    db.session.commit()
    assert _tags_stored() == _tags_recounted() == {a.id: 4, b.id: 2}
    # The ORM: a post tagged, another untagged, a third deleted (its links go by cascade).
    posts[0].tags.append(c)
    posts[1].tags.remove(a)
    db.session.delete(posts[2])
    db.session.commit()
    assert _tags_stored() == _tags_recounted() == {a.id: 2, b.id: 1, c.id: 1}
    # Core: links moved by one UPDATE, then removed by one DELETE.
    db.session.execute(update(post_tags).where(post_tags.c.tag_id == b.id).values(tag_id=c.id))
    db.session.commit()
    assert _tags_stored() == _tags_recounted() == {a.id: 2, c.id: 2}
    db.session.execute(delete(post_tags).where(post_tags.c.post_id == posts[0].id))
    db.session.commit()
    assert _tags_stored() == _tags_recounted() == {a.id: 2, c.id: 1}
    assert _post_counts() == {"a": 2, "b": 0, "c": 1}


def test_merging_and_deleting_tags_keeps_their_counters_true(app):
    a, b, c = Tag(title="a"), Tag(title="b"), Tag(title="c")
    db.session.add_all([Post(title="P", slug="p", tags=[a, b]), Post(title="Q", slug="q", tags=[b]),
                        Post(title="R", slug="r", tags=[c])])  # fmt: skip
    db.session.commit()
    merge_tags(db.session, a, [b])  # P keeps one link to a; Q gets one
    assert _tags_stored() == _tags_recounted() == {a.id: 2, c.id: 1}
    db.session.delete(c)  # its link goes by cascade, and its counter with it
    db.session.commit()
    assert _tags_stored() == _tags_recounted() == {a.id: 2}
    assert db.session.scalar(select(func.count()).select_from(counts.tag_counts)) == 1
    assert _post_counts() == {"a": 2}


def test_a_bulk_load_recounts_the_tag_counters_too(app):
    tags = [Tag(title=f"t{i}") for i in range(3)]
    posts = [Post(title=f"P{i}", slug=f"p{i}") for i in range(10)]
    db.session.add_all([*tags, *posts])
    db.session.commit()
    links = [{"post_id": post.id, "tag_id": tags[i % 3].id} for i, post in enumerate(posts)]
    with counts.triggers_suspended(db.session.connection()):
        db.session.execute(insert(post_tags), links)
        assert _tags_stored() == {}  # not counted while suspended
    db.session.commit()
    assert _tags_stored() == _tags_recounted() == {tags[0].id: 4, tags[1].id: 3, tags[2].id: 3}


@pytest.mark.sqlite_only("builds its own database file")
def test_migration_0012_counts_existing_links_and_downgrades_cleanly(tmp_path):
    with migrated_to(tmp_path, "0011"):
        db.session.execute(text(
            "INSERT INTO posts (id, title, slug, body, status, created_at, updated_at) VALUES "
            "(1, 'P', 'p', '', 'draft', '2026-02-03', '2026-02-03'), "
            "(2, 'Q', 'q', '', 'draft', '2026-02-03', '2026-02-03')"
        ))  # fmt: skip
        db.session.execute(text("INSERT INTO tags (id, title) VALUES (1, 'a'), (2, 'b'), (3, 'c')"))
        db.session.execute(text("INSERT INTO post_tags VALUES (1, 1), (2, 1), (2, 2)"))
        db.session.commit()
        upgrade()
        assert _tags_stored() == _tags_recounted() == {1: 2, 2: 1}
        db.session.execute(text("INSERT INTO post_tags VALUES (1, 3)"))  # the triggers count
        assert _tags_stored() == {1: 2, 2: 1, 3: 1}
        db.session.commit()
        downgrade(revision="0011")
        assert "tag_counts" not in inspect(db.engine).get_table_names()
        db.session.execute(text("DELETE FROM post_tags"))  # no trigger left behind to fail
        db.session.commit()
