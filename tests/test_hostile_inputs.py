"""Hostile query strings and form posts on every admin URL never produce a server error."""

from __future__ import annotations

import pytest

from backoffice.extensions import db
from backoffice.models import Comment, Post, Reminder, Tag

HOSTILE_VALUES = [
    "", "-1", "0", "9" * 40, "2147483648", "abc", "../../etc/passwd", "%00", "\x00",
    "<script>alert(1)</script>", "' OR 1=1 --", "1,2,3", "[]", "{}", "1e9", "NaN",
    "2026-13-45", "2026-01-01 to", " to ", "x" * 5000, "ä" * 50, "\\\\evil", "//evil.example",
]  # fmt: skip
HOSTILE_ARGS = ["id", "page", "page_size", "sort", "desc", "search", "status", "ids",
                "target", "url", "path", "flt0_0", "flt0_1", "flt1_99", "flt0_abc", "next",
                "modal"]  # fmt: skip


@pytest.fixture
def some_rows(app):
    post = Post(title="P", slug="p", tags=[Tag(title="t")])
    db.session.add_all([post, Comment(post=post, author_name="a", text="t"),
                        Reminder(date=__import__("datetime").datetime(2030, 1, 1),
                                 email="a@example.org", text="r")])  # fmt: skip
    db.session.commit()


def server_error(send, *args, **kwargs) -> str | None:
    """What went wrong on the server, if anything (testing propagates exceptions)."""
    try:
        status = send(*args, **kwargs).status_code
    except Exception as error:  # any exception here is the finding
        return f"{type(error).__name__}: {error}"[:160]
    return f"HTTP {status}" if status >= 500 else None


def admin_get_urls(app) -> list[str]:
    urls = []
    for rule in app.url_map.iter_rules():
        if rule.arguments or "GET" not in (rule.methods or ()):
            continue
        if rule.rule.startswith("/admin/") and "static" not in rule.rule:
            urls.append(rule.rule)
    return sorted(set(urls))


def test_hostile_query_strings_on_every_admin_page(app, client, login_as, some_rows):
    login_as("admin")
    failures = []
    for url in admin_get_urls(app):
        for value in HOSTILE_VALUES:
            # Every argument at once, then the ones most code paths parse, one by one.
            for query in ({arg: value for arg in HOSTILE_ARGS}, {"id": value}):
                error = server_error(client.get, url, query_string=query)
                if error:
                    failures.append((url, sorted(query)[0], value[:20], error))
    assert not failures, sorted({(f[0], f[-1]) for f in failures})


def test_hostile_posts_on_every_admin_form(app, client, login_as, csrf, some_rows):
    login_as("admin")
    token = csrf()
    failures = []
    for rule in app.url_map.iter_rules():
        if rule.arguments or "POST" not in (rule.methods or ()) or rule.rule == "/logout":
            continue
        for value in HOSTILE_VALUES[:12]:
            data = {name: value for name in ("id", "rowid", "action", "batch", "ids", "target",
                                             "title", "status", "locale", "next", "url", "path",
                                             "name", "password", "username", "text")}  # fmt: skip
            data["csrf_token"] = token
            error = server_error(client.post, rule.rule, data=data)
            if error:
                failures.append((rule.rule, value[:20], error))
    assert not failures, sorted({(f[0], f[-1]) for f in failures})
    assert client.get("/admin/").status_code == 200  # still signed in: the sweep reached views


@pytest.mark.parametrize(
    ("method", "url", "data"),
    [
        ("get", "/admin/posts/?search=a%00b", None),
        ("get", "/admin/comments/?page=1&search=x&search=%00", None),
        ("post", "/login", {"username": "admin\x00", "password": "x"}),
    ],
)
def test_nul_characters_are_refused_with_a_clean_400(client, csrf, method, url, data):
    if data is not None:
        data["csrf_token"] = csrf()
    response = getattr(client, method)(url, data=data)
    assert response.status_code == 400
    assert "<html" in response.get_data(as_text=True)
