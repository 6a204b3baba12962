"""Our own CSS and JS: minified into hashed files served with far-future cache headers."""

from __future__ import annotations

import hashlib
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from helpers.app import sign_in_client
from helpers.pages import admin_pages, seed_one_of_everything

from backoffice.web.assets import admin_static_url


def test_pages_link_hashed_minified_bundles(client):
    html = client.get("/login").get_data(as_text=True)
    css = re.search(r'href="(/static/gen/app\.[0-9a-f]{8,}\.css)', html)
    js = re.search(r'src="(/static/gen/app\.[0-9a-f]{8,}\.js)', html)
    assert css and js
    with client.get(css.group(1)) as css_response:
        assert css_response.status_code == 200
        body = css_response.get_data(as_text=True)
    assert "/*" not in body and "\n\n" not in body  # cssmin ran
    assert ".language-switcher select{" in body
    assert css_response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    with client.get(js.group(1)) as js_response:
        js_body = js_response.get_data(as_text=True)
    assert "wireLanguageSwitchers" in js_body and "// The language" not in js_body  # jsmin ran


def test_no_page_loads_anything_from_another_host(client, login_as):
    login_as("admin")
    for url in ("/login", "/admin/", "/admin/posts/", "/admin/posts/new/", "/"):
        html = client.get(url).get_data(as_text=True)
        assert not re.search(r'(src|href)="(https?:)?//', html), url


def test_every_kind_of_page_names_its_icon_hashed_and_cached_for_good(client, login_as):
    # Without one, browsers ask for /favicon.ico on every first visit (a 404).
    assert '<link rel="icon"' in client.get("/login").get_data(as_text=True)
    login_as("admin")
    for url in ("/", "/admin/", "/admin/comments/", "/admin/posts/new/", "/nowhere"):
        html = client.get(url).get_data(as_text=True)
        icon = re.search(r'<link rel="icon" type="image/svg\+xml" href="([^"]+)"', html)
        assert icon and re.fullmatch(r"/static/gen/favicon\.[0-9a-f]{8,}\.svg", icon.group(1)), url
    with client.get(icon.group(1)) as response:
        assert response.status_code == 200 and response.mimetype == "image/svg+xml"
        assert response.headers["Cache-Control"] == IMMUTABLE
        assert response.get_data(as_text=True).startswith("<svg")


# -- the bundles each page loads, everything cached for good ------------------------------------
OWN_ASSET = re.compile(
    r"^/static/gen/(app|admin|pickers|list|form|editor)\.[0-9a-f]{8,}\.(css|js)$"
)
EDITOR_PAGES = {"posts create", "posts edit"}
PUBLIC_PAGES = {"sign-in", "blog home", "blog post", "404 page", "403 page"}


def wanted_bundles(label: str) -> tuple[list[str], list[str]]:
    """(stylesheets, scripts) a page loads: the public pages their own pair; every admin page
    one of each with Flask-Admin's base files and ours; lists and forms (and the profile's
    time zone picker) the pickers and the list or form scripts; the post form its editor."""
    if label in PUBLIC_PAGES:
        return ["app"], ["app"]
    kind = label.rsplit(" ", 1)[-1]
    pickers = kind in ("list", "create", "edit") or label == "profile"
    editor = ["editor"] if label in EDITOR_PAGES else []
    script = ["list"] if kind == "list" else ["form"] if pickers else []
    return ["admin", *(["pickers"] if pickers else []), *editor], ["admin", *script, *editor]


IMMUTABLE = "public, max-age=31536000, immutable"


class AssetLinks(HTMLParser):
    """The stylesheets and scripts a page loads, and whether it carries inline CSS."""

    def __init__(self) -> None:
        super().__init__()
        self.css: list[str] = []
        self.js: list[str] = []
        self.inline_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "link" and found.get("rel") == "stylesheet" and found.get("href"):
            self.css.append(found["href"] or "")
        elif tag == "script" and found.get("src"):
            self.js.append(found["src"] or "")
        elif tag == "style":
            self.inline_style = True


def links(html: str) -> AssetLinks:
    parser = AssetLinks()
    parser.feed(html)
    return parser


def every_page(app, make_user, client_factory) -> list[tuple[str, str, object, int]]:
    """(label, URL, client, status) of every admin page type, sign-in, blog and error pages."""
    admin_user = make_user("root", "admin")
    seed_one_of_everything(admin_user)
    staff, visitor, outsider = (client_factory() for _ in range(3))
    sign_in_client(staff, admin_user)
    sign_in_client(outsider, make_user("writer", "author"))
    with app.test_request_context():
        pages = [(label, url, staff, 200) for label, url in admin_pages(app)]
    return pages + [
        ("sign-in", "/login", visitor, 200),
        ("blog home", "/", visitor, 200),
        ("blog post", "/post/zeta-post", visitor, 200),
        ("404 page", "/no-such-page", visitor, 404),
        ("403 page", "/admin/users/", outsider, 403),
    ]


@pytest.fixture
def client_factory(app):
    """Independent test clients, as separate browsers (conftest gives each request a fresh g)."""
    return app.test_client


def test_each_page_loads_its_bundles_and_the_editor_only_on_the_post_form(
    app, make_user, client_factory
):
    problems = []
    for label, url, client, status in every_page(app, make_user, client_factory):
        response = client.get(url)
        assert response.status_code == status, (label, url)
        found = links(response.get_data(as_text=True))
        own = [[u for u in urls if u.startswith("/static/")] for urls in (found.css, found.js)]
        for kind, urls, wanted in zip(("css", "js"), own, wanted_bundles(label), strict=True):
            names = [OWN_ASSET.match(u).group(1) if OWN_ASSET.match(u) else u for u in urls]
            if names != wanted:
                problems.append(f"{label}: {kind} {names}, not {wanted}")
        if found.inline_style:
            problems.append(f"{label}: inline <style>")
    assert not problems, "\n".join(problems)


def test_every_asset_of_every_page_is_cached_for_a_year(app, make_user, client_factory):
    assets: dict[str, str] = {}
    for label, url, client, _status in every_page(app, make_user, client_factory):
        found = links(client.get(url).get_data(as_text=True))
        for asset in found.css + found.js:
            assets.setdefault(asset, label)
    assert any(a.startswith("/admin/static/") for a in assets)
    problems = []
    fetch = app.test_client()
    for asset, label in sorted(assets.items()):
        if asset.startswith("/admin/static/") and not re.search(r"[?&]v=[0-9a-f]{8}\b", asset):
            problems.append(f"{asset} (on {label}): no content version")
        with fetch.get(asset) as response:
            if response.status_code != 200:
                problems.append(f"{asset} (on {label}): {response.status_code}")
            elif response.headers.get("Cache-Control") != IMMUTABLE:
                problems.append(f"{asset}: Cache-Control {response.headers.get('Cache-Control')}")
    assert not problems, "\n".join(problems)


def test_flask_admin_file_version_is_its_content_hash(app):
    with app.test_request_context():
        url = admin_static_url("admin", "admin/js/helpers.js", v="1.0.0")
    folder = Path(app.blueprints["admin"].static_folder or "")
    digest = hashlib.sha256((folder / "admin/js/helpers.js").read_bytes()).hexdigest()[:8]
    assert url == f"/admin/static/admin/js/helpers.js?v={digest}"


def test_files_named_inside_vendor_css_are_cached_without_revalidation(client):
    # select2.css asks for select2.png without a version: a day, not a year.
    with client.get("/admin/static/vendor/select2/select2.png") as response:
        assert response.status_code == 200
        assert response.headers["Cache-Control"] == "public, max-age=86400"
