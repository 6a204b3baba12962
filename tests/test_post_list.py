"""The post list: columns, comment counts, filters, a constant number of SQL statements,
and the preview of a post as the public page shows it."""

from __future__ import annotations

import re
from datetime import datetime

import pytest
from flask_admin.model.template import LinkRowAction
from sqlalchemy import select

from backoffice.admin.filters import AuthorFilter, DateTimeBetween, StatusFilter, TagFilter
from backoffice.admin.links import filter_key, find_view
from backoffice.compat.flask_admin import rework_settings
from backoffice.extensions import db
from backoffice.models import Comment, Post, Tag, User


@pytest.fixture
def blog(app):
    """Two authors, three tags, 120 posts, comments on the first two posts."""
    alice = User(username="alice", password_hash="x")
    bob = User(username="bob", password_hash="x")
    tags = [Tag(title=t) for t in ("Flask", "Python", "Babel")]
    posts = [
        Post(
            title=f"Post {i:03d}",
            slug=f"post-{i}",
            body=f"<p>body {i} kiwi</p>" if i == 7 else f"<p>body {i}</p>",
            author=alice if i % 2 else bob,
            status="published" if i % 3 == 0 else "draft",
            published_at=datetime(2026, 1 + i % 12, 1),
            tags=[tags[i % 3]],
        )
        for i in range(120)
    ]
    comments = [Comment(post=posts[0], author_name="a", text="t", status=s)
                for s in ("pending", "pending", "approved")]  # fmt: skip
    comments.append(Comment(post=posts[1], author_name="b", text="t", status="approved"))
    db.session.add_all([alice, bob, *tags, *posts, *comments])
    db.session.commit()
    return posts


def row_titles(html):
    # The title links to the post's page (in place of an eye icon).
    return re.findall(r'<td class="col-title">\s*<a href="[^"]*">(Post \d{3})</a>\s*</td>', html)


def filter_arg(column, flt_type):
    return f"flt0_{filter_key(find_view('posts'), column, flt_type)}"


def test_the_list_shows_author_status_tags_date_and_comment_counts(client, login_as, blog):
    login_as("editor")
    html = client.get("/admin/posts/?sort=0").get_data(as_text=True)  # by title
    assert row_titles(html)[:3] == ["Post 000", "Post 001", "Post 002"]
    for text in ("bob", "alice", "Flask", "Python", "Published", "Draft"):
        assert text in html
    first_row = html[html.index("Post 000") : html.index("Post 001")]
    assert re.search(r">3</a>", first_row)  # three comments
    assert "2 pending" in first_row
    second_row = html[html.index("Post 001") : html.index("Post 002")]
    assert re.search(r">1</a>", second_row) and "pending" not in second_row


def test_a_posts_tags_are_listed_by_title(client, login_as, blog):
    post = db.session.scalar(select(Post).where(Post.title == "Post 000"))
    post.tags = [Tag(title="Zope"), *post.tags, Tag(title="Ajax")]
    db.session.commit()
    login_as("editor")
    html = client.get("/admin/posts/?sort=0").get_data(as_text=True)
    first_row = html[html.index("Post 000") : html.index("Post 001")]
    assert '<td class="col-tags">Ajax, Flask, Zope</td>' in first_row


@pytest.mark.parametrize("term", ["0ROWID0", "row-id"])
def test_the_rows_links_keep_the_search_they_return_to(client, login_as, blog, term):
    post = db.session.scalar(select(Post).where(Post.title == "Post 000"))
    post.title = f"Post 000 {term}"
    db.session.commit()
    login_as("editor")
    html = client.get("/admin/posts/", query_string={"search": term}).get_data(as_text=True)
    edit = re.search(r'href="(/admin/posts/edit/\?[^"]+)"', html).group(1)
    assert f"id={post.id}&amp;" in edit and f"search%3D{term}" in edit


def test_a_row_action_the_light_list_does_not_know_renders_as_upstream(client, login_as, blog):
    view = find_view("posts")
    view.column_extra_row_actions = [LinkRowAction("fa fa-star", "/star/{row_id}")]
    rework_settings(view)
    login_as("editor")
    html = client.get("/admin/posts/?sort=0").get_data(as_text=True)
    first_id = db.session.scalar(select(Post.id).where(Post.title == "Post 000"))
    assert f'href="/star/{first_id}"' in html
    assert "Post 000" in html and f"/admin/posts/details/?id={first_id}" in html


def test_post_bodies_are_not_shipped_in_the_list(client, login_as, blog):
    login_as("editor")
    html = client.get("/admin/posts/").get_data(as_text=True)
    assert "body 1" not in html


def test_the_number_of_sql_statements_does_not_depend_on_page_size(
    client, login_as, blog, count_queries
):
    login_as("editor")
    client.get("/admin/posts/")  # warm caches (session user, etc.)
    counts = []
    for size in (20, 100):
        with count_queries as counted:
            response = client.get(f"/admin/posts/?page_size={size}")
        assert response.status_code == 200
        assert len(row_titles(response.get_data(as_text=True))) == size
        counts.append(len(counted))
    assert counts[0] == counts[1]
    assert counts[0] <= 8


@pytest.mark.parametrize(
    ("column", "flt", "value", "expected"),
    [
        ("status", StatusFilter, "published", 40),
        ("author_id", AuthorFilter, "ALICE", 60),
        ("id", TagFilter, "flask", 40),
        ("id", TagFilter, "nope", 0),
        ("author_id", AuthorFilter, "<script>", 0),
    ],
)
def test_filters_status_author_and_tag(client, login_as, blog, column, flt, value, expected):
    login_as("editor")
    response = client.get("/admin/posts/", query_string={filter_arg(column, flt): value,
                                                         "page_size": 100})  # fmt: skip
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert len(row_titles(html)) == min(expected, 100)


def test_search_finds_words_in_title_and_body(client, login_as, blog):
    login_as("editor")
    assert row_titles(client.get("/admin/posts/?search=kiwi").get_data(as_text=True)) == [
        "Post 007"
    ]
    assert row_titles(client.get("/admin/posts/?search=Post 011").get_data(as_text=True)) == [
        "Post 011"
    ]


def test_date_range_filter(client, login_as, blog):
    login_as("editor")
    arg = filter_arg("published_at", DateTimeBetween)
    march = "2026-03-01 00:00:00 to 2026-03-31 23:59:59"
    response = client.get("/admin/posts/", query_string={arg: march, "page_size": 100})
    html = response.get_data(as_text=True)
    assert len(row_titles(html)) == 10  # i % 12 == 2


def test_preview_shows_a_draft_as_the_public_page_would(client, login_as, blog):
    login_as("editor")
    draft = blog[1]
    assert draft.status == "draft"
    assert client.get(f"/post/{draft.slug}").status_code == 404  # not public yet
    response = client.get(f"/admin/posts/preview/?id={draft.id}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'data-testid="preview-banner"' in html
    assert "<p>body 1</p>" in html
    assert response.headers["X-Robots-Tag"] == "noindex"


def test_authors_preview_only_their_own_posts(client, login_as, blog):
    author = login_as("author")
    mine = Post(title="Mine", slug="mine", author=author)
    db.session.add(mine)
    db.session.commit()
    assert client.get(f"/admin/posts/preview/?id={mine.id}").status_code == 200
    assert client.get(f"/admin/posts/preview/?id={blog[0].id}").status_code == 403


@pytest.mark.parametrize("bad", ["", "abc", "99999999999", "-1"])
def test_preview_of_a_missing_post_is_404(client, login_as, blog, bad):
    login_as("editor")
    assert client.get("/admin/posts/preview/", query_string={"id": bad}).status_code == 404


def test_the_post_form_loads_the_editor_and_only_there(client, login_as, blog):
    login_as("editor")
    form = client.get("/admin/posts/new/").get_data(as_text=True)
    assert re.search(r'src="/static/gen/editor\.\w+\.js"', form)
    assert 'id="post-editor-settings"' in form
    listing = client.get("/admin/posts/").get_data(as_text=True)
    assert "editor." not in listing
