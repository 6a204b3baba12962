"""The public blog: published posts, approved comments, new comments start pending."""

from __future__ import annotations

from sqlalchemy import select

from backoffice.extensions import db
from backoffice.models import Comment, Post


def _post(status: str = "published") -> Post:
    post = Post(title="Public post", slug="public", status=status, body="<p>Body</p>")
    db.session.add(post)
    db.session.commit()
    return post


def test_only_published_posts_are_listed_and_shown(client):
    _post("draft")
    assert "Public post" not in client.get("/").get_data(as_text=True)
    assert client.get("/post/public").status_code == 404


def test_a_new_comment_is_pending_and_not_shown(client, csrf):
    post = _post()
    response = client.post("/post/public", data={"author_name": "Zoe", "text": "Nice!",
                                                 "csrf_token": csrf()})  # fmt: skip
    assert response.status_code == 303
    comment = db.session.scalar(select(Comment))
    assert (comment.status, comment.post_id) == ("pending", post.id)
    assert "Nice!" not in client.get("/post/public").get_data(as_text=True)
    comment.status = "approved"
    db.session.commit()
    assert "Nice!" in client.get("/post/public").get_data(as_text=True)


def test_an_invalid_comment_is_refused_with_field_errors(client, csrf):
    _post()
    response = client.post("/post/public", data={"author_name": "", "email": "nope", "text": "x",
                                                 "csrf_token": csrf()})  # fmt: skip
    assert response.status_code == 400
    assert "This field is required." in response.get_data(as_text=True)
    assert db.session.scalar(select(Comment)) is None
