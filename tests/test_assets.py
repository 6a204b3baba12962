"""Our own CSS and JS: minified into hashed files served with far-future cache headers."""

from __future__ import annotations

import re


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
