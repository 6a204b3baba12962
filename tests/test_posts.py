"""Posts: sanitised bodies and unique slugs."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from backoffice.domain.sanitize import clean_html
from backoffice.extensions import db
from backoffice.models import Post


@pytest.mark.parametrize(
    ("dirty", "forbidden"),
    [
        ("<p>hi</p><script>alert(1)</script>", "alert"),
        ('<img src=x onerror="alert(1)">', "onerror"),
        ('<a href="javascript:alert(1)">x</a>', "javascript"),
        ('<a href="JaVaScRiPt:alert(1)">x</a>', "alert"),
        ('<a href="&#106;avascript:alert(1)">x</a>', "alert"),
        ('<p style="color:red">x</p>', "style"),
        ('<iframe src="https://evil.example"></iframe>', "iframe"),
        ('<svg onload="alert(1)"></svg>', "svg"),
        ('<img src="data:text/html;base64,PHNjcmlwdD4=">', "data:"),
        ('<a href="&#x6A;avascript:alert(1)">x</a>', "alert"),
        ('<a href="java\tscript:alert(1)">x</a>', "alert"),
        ('<a href="java&#09;script:alert(1)">x</a>', "alert"),
        ('<a href=" javascript:alert(1)">x</a>', "alert"),
        ('<a href="vbscript:msgbox(1)">x</a>', "vbscript"),
        ('<a href="data:text/html,<script>alert(1)</script>">x</a>', "data:"),
        ("<svg><script>alert(1)</script></svg>", "alert"),
        ('<svg><a xlink:href="javascript:alert(1)"><text>x</text></a></svg>', "javascript"),
        ('<math><mtext><img src=x onerror="alert(1)"></mtext></math>', "onerror"),
        ("<style>body{display:none}</style><p>x</p>", "display"),
        ('<object data="evil.swf"></object><embed src="evil.swf">', "evil"),
        ('<form action="https://evil.example"><input name="q"></form>', "form"),
        ('<p onclick="alert(1)" onmouseover="alert(2)">x</p>', "alert"),
        ('<img src="/a.png" srcset="javascript:alert(1) 1x">', "srcset"),
        ('<figure class="image evil-class"><img src="/a.png"></figure>', "evil-class"),
        ('<meta http-equiv="refresh" content="0;url=https://evil.example">', "refresh"),
    ],
)
def test_hostile_markup_is_neutralised(dirty, forbidden):
    assert forbidden not in clean_html(dirty).lower()


def test_ckeditor_image_and_table_markup_survives_with_its_classes():
    html = (
        '<figure class="image image-style-side"><img src="/media/cat.png" alt="Cat">'
        "<figcaption>A cat</figcaption></figure>"
        '<figure class="table"><table><thead><tr><th>h</th></tr></thead>'
        "<tbody><tr><td>c</td></tr></tbody></table></figure>"
        "<ol><li>first</li></ol><h3>Sub</h3><h4>Subsub</h4><p><i>it</i></p>"
    )
    assert clean_html(html) == html


def test_editor_markup_survives():
    html = (
        '<h2>Title</h2><p><strong>b</strong> <em>i</em> <a href="https://example.org">l</a></p>'
        "<ul><li>one</li></ul><blockquote><p>q</p></blockquote>"
        '<figure><img src="/media/a.png" alt="A"></figure>'
        "<table><tbody><tr><td>c</td></tr></tbody></table>"
    )
    cleaned = clean_html(html)
    for fragment in (
        "<h2>",
        "<strong>",
        "<em>",
        'href="https://example.org"',
        "<li>",
        "<blockquote>",
        'src="/media/a.png"',
        "<td>",
    ):
        assert fragment in cleaned


def test_saving_a_post_sanitises_and_slugs_it(client, login_as, csrf):
    login_as("editor")
    for _ in range(2):
        client.post(
            "/admin/posts/new/",
            data={
                "title": "Hello, Wörld!",
                "status": "published",
                "body": '<p onclick="x()">Hi<script>alert(1)</script></p>',
                "csrf_token": csrf(),
            },
        )
    posts = db.session.scalars(select(Post).order_by(Post.id)).all()
    assert [p.slug for p in posts] == ["hello-world", "hello-world-2"]
    assert posts[0].body == "<p>Hi</p>"
    assert posts[0].published_at is not None


def test_a_taken_slug_is_refused_with_a_message_and_nothing_is_lost(client, login_as, csrf):
    login_as("editor")
    db.session.add(Post(title="First", slug="first"))
    db.session.commit()
    response = client.post(
        "/admin/posts/new/",
        data={
            "title": "Second",
            "slug": "first",
            "status": "draft",
            "body": "<p>keep me</p>",
            "csrf_token": csrf(),
        },
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "already uses the slug" in html
    assert "keep me" in html  # the form comes back filled in


def test_comment_list_links_each_comment_to_its_post_in_the_admin(client, login_as):
    from backoffice.models import Comment

    login_as("editor")
    post = Post(title="Draft with comments", slug="draft-c", status="draft")
    db.session.add_all([post, Comment(post=post, author_name="a", text="t")])
    db.session.commit()
    html = client.get("/admin/comments/").get_data(as_text=True)
    link = f'<a href="/admin/posts/details/?id={post.id}">Draft with comments</a>'
    assert link in html
    assert client.get(f"/admin/posts/details/?id={post.id}").status_code == 200
