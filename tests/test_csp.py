"""The Content-Security-Policy: scripts only as files from this site, on every page.

That no page needs more (no inline script, handler or javascript: link of ours) is checked on
every page by tests/test_translations_are_text.py; that the pages still work under it, by the
browser tests, whose ``page`` fixture fails on any refused script.
"""

from __future__ import annotations

import pytest

from backoffice.security import CONTENT_SECURITY_POLICY


def directives(header: str) -> dict[str, str]:
    return dict(part.strip().split(" ", 1) for part in header.split(";"))


@pytest.mark.parametrize(
    "url",
    ["/login", "/", "/nowhere", "/admin/", "/admin/posts/", "/admin/posts/new/",
     "/admin/comments/", "/admin/media/", "/admin/translations/de/"],
)  # fmt: skip
def test_every_page_allows_scripts_only_from_this_site(client, login_as, url):
    login_as("admin")
    policy = directives(client.get(url).headers["Content-Security-Policy"])
    assert policy["script-src"] == "'self'"
    assert policy["object-src"] == "'none'"
    assert policy["base-uri"] == "'self'"
    assert policy["form-action"] == "'self'"
    assert policy["frame-ancestors"] == "'self'"
    assert "unsafe-inline" not in policy["script-src"] and "unsafe-eval" not in str(policy)


def test_error_pages_and_redirects_carry_the_policy_too(client):
    for response in (client.get("/admin/"), client.post("/login"), client.get("/nowhere")):
        assert response.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY


def test_media_files_keep_their_stricter_policy(client, login_as, app, tmp_path):
    from pathlib import Path

    folder = Path(app.config["UPLOADS_DIR"])
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "doc.pdf").write_bytes(b"%PDF-1.4\n%%EOF\n")
    with client.get("/media/doc.pdf") as response:
        assert response.status_code == 200
        policy = directives(response.headers["Content-Security-Policy"])
    assert policy["default-src"] == "'none'"
