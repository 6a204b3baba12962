"""Every list view runs the same number of SQL statements for a page of 20 and of 100 rows,
and leaves nothing of its page for the garbage collector."""

from __future__ import annotations

import gc
import threading
from collections import Counter
from datetime import datetime, timedelta

import pytest
from jinja2.environment import TemplateModule
from jinja2.runtime import Context

from backoffice.admin.links import model_views
from backoffice.domain.accounts import ensure_roles, set_password
from backoffice.extensions import db
from backoffice.models import Comment, Post, Reminder, Tag, User

ROWS = 110


@pytest.fixture
def full_lists(app):
    """More than 100 rows in every list, with the relations each list shows (the authors made
    here, in one commit: none of them signs in)."""
    author = ensure_roles(db.session)["author"]
    authors = [User(username=f"writer{i}", active=True, roles=[author]) for i in range(ROWS)]
    set_password(authors[0], "a long writers password")
    for writer in authors[1:]:
        writer.password_hash = authors[0].password_hash
    tags = [Tag(title=f"tag {i}") for i in range(ROWS)]
    posts = [Post(title=f"post {i}", slug=f"post-{i}", author=authors[i % 7],
                  tags=[tags[i], tags[(i + 1) % ROWS]]) for i in range(ROWS)]  # fmt: skip
    comments = [Comment(post=posts[i], author_name=f"r{i}", text="t", moderated_by=authors[0])
                for i in range(ROWS)]  # fmt: skip
    soon = datetime(2030, 1, 1)
    reminders = [Reminder(date=soon + timedelta(days=i), email=f"r{i}@example.org", text="x")
                 for i in range(ROWS)]  # fmt: skip
    db.session.add_all([*authors, *tags, *posts, *comments, *reminders])
    db.session.commit()


def list_endpoints() -> list[str]:
    return ["posts", "comments", "tags", "reminders", "users", "audit"]


def test_every_model_view_is_budgeted(app):
    with app.test_request_context():
        endpoints = {view.endpoint for view in model_views()}
    assert endpoints - {"roles"} == set(list_endpoints())  # roles: four fixed rows


@pytest.mark.parametrize("endpoint", list_endpoints())
def test_statements_do_not_grow_with_the_page_size(
    app, client, login_as, full_lists, count_queries, endpoint
):
    login_as("admin")
    view = next(v for v in model_views() if v.endpoint == endpoint)
    first_column = f'<td class="col-{view.get_list_columns()[0][0]}">'
    url = f"/admin/{endpoint}/" + ("?status=all&" if endpoint == "comments" else "?")
    client.get(url + "page_size=20")  # warm up
    counts = []
    for size in (20, 100):
        with count_queries as counted:
            response = client.get(f"{url}page_size={size}")
        assert response.status_code == 200
        assert response.get_data(as_text=True).count(first_column) == size
        counts.append(len(counted))
    assert counts[0] == counts[1], counted.statements
    assert counts[0] <= 10


def _alive() -> tuple[int, int]:
    """How many template contexts and template modules there are (one pass over the heap,
    counted by type in C: a loop of isinstance calls took half a second)."""
    by_type = Counter(map(type, gc.get_objects()))

    def count(kind: type) -> int:
        return sum(n for cls, n in by_type.items() if issubclass(cls, kind))

    return count(Context), count(TemplateModule)


@pytest.mark.parametrize(
    "url", [f"/admin/{endpoint}/" for endpoint in list_endpoints()] + ["/admin/"]
)
def test_a_page_is_freed_when_its_request_ends(app, client, login_as, full_lists, url):
    """No reference cycle keeps a page's template context (and with it its rows) alive after
    the request: with cycles, the garbage collector ran about every other request. The
    dashboard, as often opened, too."""
    login_as("admin")

    def request_as_in_production() -> None:
        # In a thread of its own the request gets its own application context, as in a
        # server, instead of the one the tests keep open (and its g).
        responses.append(client.get(url).status_code)

    responses: list[int] = []
    for _ in range(2):  # the first warms up: templates compiled, menu rendered once
        gc.collect()
        gc.disable()
        try:
            before = _alive()
            thread = threading.Thread(target=request_as_in_production)
            thread.start()
            thread.join()
            left = tuple(now - then for now, then in zip(_alive(), before, strict=True))
        finally:
            gc.enable()
    assert responses == [200, 200]
    assert left == (0, 0)
