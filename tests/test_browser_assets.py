"""A repeat visit loads every asset from the browser cache: no asset request reaches the server."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

import pytest
from helpers.browser import browser_tab

from backoffice import create_app
from backoffice.domain.accounts import create_user
from backoffice.extensions import db
from backoffice.models import Comment, Post
from backoffice.web.serving import serving

pytestmark = pytest.mark.browser

PAGES = ("/admin/posts/", "/admin/comments/", "/admin/")


class PathRecorder:
    """WSGI middleware: remembers the path of every request the server receives."""

    def __init__(self, app: Callable[..., Iterable[bytes]]) -> None:
        self.app = app
        self.paths: list[str] = []

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        self.paths.append(environ.get("PATH_INFO", ""))
        return self.app(environ, start_response)


@pytest.fixture(scope="module")
def recorded_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, PathRecorder]]:
    """The app on a free loopback port with an editor, a post and a comment; records requests."""
    db_file = tmp_path_factory.mktemp("assets") / "assets.db"
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=f"sqlite:///{db_file}")
    with app.app_context():
        db.create_all()
        editor = create_user(db.session, "cache", "browser password", ["editor"])
        post = Post(title="Cached post", slug="cached-post", author=editor)
        db.session.add_all([post, Comment(post=post, author_name="Ann", text="Hello")])
        db.session.commit()
    recorder = PathRecorder(app.wsgi_app)
    app.wsgi_app = recorder  # type: ignore[method-assign]
    with serving(app) as base:
        yield base, recorder


def transferred_bytes(page: Any) -> list[tuple[str, int]]:
    """(URL, bytes over the network) of the stylesheets, scripts and fonts the page loaded."""
    return page.evaluate(
        """() => performance.getEntriesByType('resource')
            .filter(e => ['link', 'script', 'css'].includes(e.initiatorType))
            .map(e => [e.name, e.transferSize])"""
    )


def test_repeat_visit_fetches_no_asset_from_the_network(browser, recorded_server):
    base, recorder = recorded_server
    with browser_tab(browser) as page:
        page.goto(f"{base}/login")
        page.fill("input[name=username]", "cache")
        page.fill("input[name=password]", "browser password")
        page.click("form[data-testid=login-form] button[type=submit]")
        page.wait_for_url(f"{base}/admin/")
        for path in PAGES:  # the first visit fills the cache
            page.goto(base + path)
        first = [p for p in recorder.paths if "/static/" in p]
        assert any(p.startswith("/static/gen/") for p in first)
        assert any(p.startswith("/admin/static/") for p in first)

        recorder.paths.clear()
        for path in PAGES:  # new navigations, same browser
            page.goto(base + path)
            assets = transferred_bytes(page)
            assert assets, f"{path} loaded no stylesheet or script"
            assert [a for a in assets if a[1]] == [], f"{path} downloaded assets"
        assert recorder.paths == list(PAGES), "only the pages themselves reach the server"


def test_a_cold_list_page_loads_four_files_and_the_icons_cut_down(browser, recorded_server):
    base, recorder = recorded_server
    with browser_tab(browser) as cold:  # a context of its own: an empty cache
        cold.goto(f"{base}/login?next=/admin/posts/")
        cold.fill("input[name=username]", "cache")
        cold.fill("input[name=password]", "browser password")
        recorder.paths.clear()
        cold.click("form[data-testid=login-form] button[type=submit]")
        cold.wait_for_url(f"{base}/admin/posts/")  # the first admin page of this browser
        cold.evaluate("() => document.fonts.ready")
        asked = [p for p in recorder.paths if p.endswith((".css", ".js"))]
        fonts = [p for p in recorder.paths if "font" in p]
        glyph = cold.evaluate(
            """() => {
              const icon = document.querySelector('.fa-pencil, .fa-eye, .fa-trash');
              const family = getComputedStyle(icon, '::before').fontFamily;
              const faces = [...document.fonts].filter(f => f.family.includes('Backoffice icons'));
              return {family, loaded: faces.filter(f => f.status === 'loaded').length};
            }"""
        )
    names = sorted(p.rsplit("/", 1)[-1].split(".")[0] for p in asked)
    assert names == ["admin", "admin", "list", "pickers"], asked  # Flask-Admin's files inside
    assert [f.rsplit("/", 1)[-1].split(".")[0] for f in fonts] == ["fontawesome-subset"], fonts
    assert "Backoffice icons" in glyph["family"] and glyph["loaded"], glyph
