"""Error pages render, translated and inside the layout, even after a failed database session."""

from __future__ import annotations

import pytest
from flask import abort
from sqlalchemy.exc import IntegrityError

from backoffice.extensions import db
from backoffice.models import Post

pytestmark = pytest.mark.fresh_app  # failing_views adds routes to the app


@pytest.fixture
def app_config() -> dict[str, object]:
    # As in production: an exception becomes the 500 page instead of reaching the test.
    return {"PROPAGATE_EXCEPTIONS": False}


def _failed_flush() -> None:
    """Leave the request's session as a failed flush does (a deadlock, a broken constraint):
    every later statement raises PendingRollbackError until it is rolled back."""
    db.session.add_all([Post(title="One", slug="same"), Post(title="Two", slug="same")])
    db.session.flush()


@pytest.fixture
def failing_views(app):
    """Views that fail after a failed flush: with an exception (500), or caught and then
    answered with an HTTP error (403, 404)."""

    @app.get("/_test/fails")
    def fails() -> str:
        _failed_flush()
        return "unreachable"

    @app.get("/_test/fails-then/<int:code>")
    def fails_then(code: int) -> str:
        try:
            _failed_flush()
        except IntegrityError:
            pass  # no rollback: the session is left failed
        abort(code)

    return app


def test_the_500_page_renders_after_a_failed_flush(client, login_as, failing_views):
    user = login_as("editor")
    user.locale = "de"
    db.session.commit()
    response = client.get("/_test/fails")
    html = response.get_data(as_text=True)
    assert response.status_code == 500
    assert 'data-status="500"' in html
    assert "Etwas ist schiefgelaufen" in html  # German for "Something went wrong"
    assert 'lang="de"' in html  # inside our layout, with the signed-in user's language


@pytest.mark.parametrize("code", [403, 404])
def test_other_error_pages_render_after_a_failed_flush(client, login_as, failing_views, code):
    login_as("editor")
    response = client.get(f"/_test/fails-then/{code}")
    assert response.status_code == code
    assert f'data-status="{code}"' in response.get_data(as_text=True)


def test_the_session_is_usable_again_after_the_error_page(client, login_as, failing_views):
    login_as("editor")
    assert client.get("/_test/fails").status_code == 500
    assert client.get("/admin/comments/").status_code == 200
    assert db.session.query(Post).count() == 0  # nothing of the failed request was kept


def test_without_the_layout_the_500_page_is_still_ours(client, failing_views, monkeypatch):
    # The database unreachable, the layout cannot even load the user: a plain page of ours,
    # never the server's bare one.
    def broken(*args: object, **kwargs: object) -> str:
        raise RuntimeError("the layout needs the database")

    monkeypatch.setattr("backoffice.web.errors.render_template", broken)
    response = client.get("/_test/fails", headers={"Accept-Language": "de"})
    assert response.status_code == 500
    assert "<h1>Etwas ist schiefgelaufen (500)</h1>" in response.get_data(as_text=True)
