"""The data model's constraints hold in the database itself."""

from __future__ import annotations

import pytest
from sqlalchemy import insert
from sqlalchemy.exc import IntegrityError

from backoffice.extensions import db
from backoffice.models import Comment, Post, Tag, User, post_tags

pytestmark = pytest.mark.usefixtures("app")


def _fails(*objects) -> None:
    db.session.add_all(objects)
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_usernames_are_unique():
    db.session.add(User(username="sam", password_hash="x"))
    db.session.commit()
    _fails(User(username="sam", password_hash="y"))


def test_tag_titles_are_unique_regardless_of_case():
    db.session.add(Tag(title="Flask"))
    db.session.commit()
    _fails(Tag(title="flask"))


def test_post_slugs_are_unique():
    db.session.add(Post(title="A", slug="a"))
    db.session.commit()
    _fails(Post(title="B", slug="a"))


def test_a_post_cannot_carry_the_same_tag_twice():
    post, tag = Post(title="A", slug="a"), Tag(title="T")
    db.session.add_all([post, tag])
    db.session.commit()
    db.session.execute(insert(post_tags), [{"post_id": post.id, "tag_id": tag.id}])
    with pytest.raises(IntegrityError):
        db.session.execute(insert(post_tags), [{"post_id": post.id, "tag_id": tag.id}])
    db.session.rollback()


def test_comment_status_is_one_of_the_four():
    post = Post(title="A", slug="a")
    _fails(post, Comment(post=post, author_name="x", text="y", status="deleted"))


def test_new_comments_start_pending_and_deleting_a_post_deletes_its_comments():
    post = Post(title="A", slug="a")
    comment = Comment(post=post, author_name="x", text="y")
    db.session.add_all([post, comment])
    db.session.commit()
    assert comment.status == "pending"
    comment_id = comment.id
    db.session.delete(post)
    db.session.commit()
    assert db.session.get(Comment, comment_id) is None


def test_required_fields_are_required():
    _fails(Post(title=None, slug="x"))
    _fails(Comment(author_name=None, text="t"))
