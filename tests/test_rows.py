"""A list page's cells (backoffice/admin/rows.py) hold what Flask-Admin's ``get_list_value``
gives, on every list of the admin: the faster reader changes no cell."""

from __future__ import annotations

import re

import pytest
from flask import url_for
from flask_admin.model import BaseModelView
from helpers.pages import seed_one_of_everything

from backoffice.admin import rows
from backoffice.admin.links import find_view
from backoffice.compat.flask_admin import admin_views
from backoffice.extensions import db
from backoffice.models import Comment, Post


def list_urls(app) -> list[str]:
    return [
        url_for(f"{view.endpoint}.index_view")
        for admin in app.extensions["admin"]
        for view in admin_views(admin)
        if isinstance(view, BaseModelView)
    ]


def table_body(page: str) -> str:
    found = re.search(r"</thead>.*?</table>", page, re.S)
    assert found, "no list table"
    return found.group(0)


@pytest.fixture
def varied_rows(app, login_as):
    """Rows of every model, with empty values, booleans, dates, choices and numbers."""
    admin = login_as("admin")
    seed_one_of_everything(admin)
    draft = Post(title="Draft", slug="draft", body="", status="draft", author=admin)
    db.session.add_all(
        [
            draft,
            Comment(post=draft, author_name="", email=None, text="x", status="spam"),
            Comment(post=draft, author_name="Ann", email="ann@example.org", text="y" * 300),
        ]
    )
    db.session.commit()
    return admin


@pytest.mark.parametrize("lang", ["en", "de"])
def test_every_list_shows_the_cells_flask_admin_gives(app, client, varied_rows, monkeypatch, lang):
    client.post("/language", data={"locale": lang, "csrf_token": rows_token(client)})
    with app.test_request_context():
        urls = list_urls(app)
    assert len(urls) >= 7
    ours = {url: client.get(url).get_data(as_text=True) for url in urls}
    monkeypatch.setattr(rows, "cell_reader", lambda view: view.get_list_value)
    for url in urls:
        upstream = client.get(url).get_data(as_text=True)
        assert '<td class="col-' in upstream, url
        assert table_body(ours[url]) == table_body(upstream), url


def rows_token(client) -> str:
    page = client.get("/admin/profile/").get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def test_a_view_that_changes_a_cells_value_keeps_its_own_method(app):
    with app.test_request_context():
        view = find_view("tags")
    assert rows.cell_reader(view) != view.get_list_value

    class Shouting(type(view)):
        def get_list_value(self, context, model, name):
            return str(super().get_list_value(context, model, name)).upper()

    shouting = Shouting.__new__(Shouting)
    assert rows.cell_reader(shouting) == shouting.get_list_value


class Count(int):
    """A value whose type is a subclass of one that has a formatter."""


def test_choices_and_type_formatters_apply_as_in_flask_admin(app, monkeypatch):
    with app.test_request_context():
        view = find_view("posts")
        monkeypatch.setattr(view, "column_formatters", {})  # the status shown by its choices

        class Row:
            status, title, published_at, id, author = "draft", True, None, Count(1234), "x"

        read = rows.cell_reader(view)
        for name in ("status", "title", "published_at", "id", "author"):
            # True is an int too: the bool formatter comes first, as in Flask-Admin; a
            # subclass of int gets int's formatter.
            assert read(None, Row(), name) == view.get_list_value(None, Row(), name), name
        assert read(None, Row(), "status") != "draft"
        assert read(None, Row(), "id") == "1,234"
