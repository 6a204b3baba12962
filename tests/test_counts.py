"""The trigger-kept row counts: filled by migration 0005, exact after bulk loads."""

from __future__ import annotations

from datetime import datetime

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import func, insert, inspect, select, text, update

from backoffice import create_app
from backoffice.core.database import table_of
from backoffice.extensions import db
from backoffice.models import Comment, Post, counts


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
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'm.db'}")
    with app.app_context():
        upgrade(revision="0003")
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
        db.session.remove()
        db.engine.dispose()


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
