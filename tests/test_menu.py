"""The main menu: rendered once per kind of reader, so it must still follow everything it shows."""

from __future__ import annotations

import re

from backoffice.extensions import db
from backoffice.models import Comment, Post


def _menu(html: str) -> str:
    return html[html.index('<ul class="nav navbar-nav mr-auto">') : html.index("</nav>")]


def _pending(n: int) -> None:
    post = Post(title="P", slug=f"p{n}")
    db.session.add_all([Comment(post=post, author_name="a", text="t") for _ in range(n)])
    db.session.commit()


def test_the_menu_follows_the_badge_the_language_the_page_and_the_roles(
    client, login_as, csrf, make_user
):
    _pending(2)
    login_as("editor")
    menu = _menu(client.get("/admin/").text)
    assert re.search(r'data-testid="badge-comments">2<', menu)
    _pending(1)
    menu = _menu(client.get("/admin/").text)
    assert re.search(r'data-testid="badge-comments">3<', menu)

    tags = _menu(client.get("/admin/tags/").text)
    assert re.search(r'class="dropdown-item active[^"]*" href="/admin/tags/"', tags)
    assert not re.search(r'class="dropdown-item active[^"]*" href="/admin/tags/"', menu)

    client.post("/language", data={"locale": "de", "csrf_token": csrf()})
    assert "Schlagwörter" in _menu(client.get("/admin/tags/").text)

    assert "/admin/users/" not in _menu(client.get("/admin/tags/").text)
    client.post("/logout", data={"csrf_token": csrf()})
    login_as(make_user("boss", "admin"))
    client.post("/language", data={"locale": "de", "csrf_token": csrf()})
    assert "/admin/users/" in _menu(client.get("/admin/tags/").text)  # same page and language
