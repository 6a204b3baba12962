"""The public blog: published posts, approved comments, new comments start pending."""

from __future__ import annotations

from sqlalchemy import select

from backoffice.core.database import table_of
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


# -- comments a page at a time ------------------------------------------------------------------
def _comments(post: Post, approved: int, pending: int = 0) -> None:
    from datetime import datetime, timedelta

    start = datetime(2026, 1, 1)
    rows = [
        {"post_id": post.id, "author_name": f"Reader {n}", "text": f"Comment number {n}.",
         "status": "approved" if n < approved else "pending",
         "created_at": start + timedelta(minutes=n)}
        for n in range(approved + pending)
    ]  # fmt: skip
    db.session.execute(table_of(Comment).insert(), rows)
    db.session.commit()


def _shown(html: str) -> list[int]:
    import re

    return [int(n) for n in re.findall(r"Comment number (\d+)\.", html)]


def test_comments_come_fifty_a_page_oldest_first_with_links_between_pages(client):
    post = _post()
    _comments(post, approved=120, pending=7)
    first = client.get("/post/public").get_data(as_text=True)
    assert _shown(first) == list(range(50))
    assert "120 comments" in first  # every page counts them all, pending ones never
    assert 'rel="next" href="/post/public?comments=2#comments"' in first
    assert 'rel="prev"' not in first and "Page 1 of 3" in first
    second = client.get("/post/public?comments=2").get_data(as_text=True)
    assert _shown(second) == list(range(50, 100))
    assert 'rel="prev" href="/post/public#comments"' in second  # page 1 has one address
    last = client.get("/post/public?comments=3").get_data(as_text=True)
    assert _shown(last) == list(range(100, 120))
    assert 'rel="next"' not in last and "Page 3 of 3" in last


def test_a_post_with_few_comments_has_no_pager(client):
    _comments(_post(), approved=3)
    html = client.get("/post/public").get_data(as_text=True)
    assert _shown(html) == [0, 1, 2] and 'data-testid="comment-pager"' not in html


def test_a_comment_page_that_does_not_exist_is_not_found(client):
    _comments(_post(), approved=60)
    for page in ("0", "3", "-1", "abc", "1.5", "99999999999", "", "%00"):
        response = client.get(f"/post/public?comments={page}")
        assert response.status_code in (400, 404), page
    assert client.get("/post/public?comments=2").status_code == 200


def test_a_post_with_thousands_of_comments_costs_the_same_statements_as_one_with_five(
    client, count_queries
):
    few, many = _post(), Post(title="Busy", slug="busy", status="published", body="<p>B</p>")
    db.session.add(many)
    db.session.commit()
    _comments(few, approved=5)
    _comments(many, approved=5000)
    client.get("/post/public")  # first request of the app: its own one-off statements
    with count_queries as on_few:
        few_page = client.get("/post/public")
    with count_queries as on_many:
        many_page = client.get("/post/busy?comments=100")
    assert few_page.status_code == many_page.status_code == 200
    assert len(on_many) == len(on_few)
    assert _shown(many_page.get_data(as_text=True)) == list(range(4950, 5000))
