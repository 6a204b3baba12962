"""What a browser downloads: each page cold (an empty cache) and again (a repeat visit), in
headless Chromium, with the production config and the built, compressed assets.

    flask --app main assets build && flask --app main translate compile
    python bench/wire.py [--pages /admin/posts/ /admin/ …]

For each page: the stylesheet and script requests, the other requests (fonts, images), the
bytes transferred (HTML included, headers too, as Chromium counts them) and DOMContentLoaded,
also with ``Accept-Encoding: identity`` (nothing compressed) for comparison.
"""

from __future__ import annotations

import argparse
import secrets
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.report import WireRow, render_wire  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
#: The pages measured by default (also by ``bench/run.py``): two lists, the dashboard, the
#: post form with its editor.
PAGES = ("/admin/posts/", "/admin/comments/", "/admin/", "/admin/posts/new/")
PASSWORD = "a wire benchmark password"
MEASURE = """() => {
  const nav = performance.getEntriesByType('navigation')[0];
  const found = performance.getEntriesByType('resource');
  const assets = found.filter(e => /\\.(css|js)(\\?|$)/.test(new URL(e.name).pathname));
  return {assets: assets.length, other: found.length - assets.length,
          bytes: nav.transferSize + found.reduce((sum, e) => sum + e.transferSize, 0),
          dcl: Math.round(nav.domContentLoadedEventEnd)};
}"""


def demo_app() -> Flask:
    """The production app on a small database of its own."""
    from backoffice import create_app
    from backoffice.domain.accounts import create_user, ensure_roles
    from backoffice.extensions import db
    from backoffice.models import Comment, Post

    folder = Path(tempfile.mkdtemp(prefix="bench-wire-"))
    app = create_app(
        "production",
        SECRET_KEY=secrets.token_hex(32),
        SESSION_COOKIE_SECURE=False,  # plain HTTP on loopback
        SQLALCHEMY_DATABASE_URI=f"sqlite:///{folder / 'wire.db'}",
        UPLOADS_DIR=str(folder / "uploads"),
    )
    with app.app_context():
        db.create_all()
        ensure_roles(db.session)
        admin = create_user(db.session, "wire", PASSWORD, ["admin"])
        for n in range(25):
            post = Post(title=f"Post {n}", slug=f"post-{n}", author=admin, body="<p>Text</p>")
            db.session.add_all([post, Comment(post=post, author_name="Ann", text="Hello")])
        db.session.commit()
    return app


def visit(
    browser, base: str, path: str, compressed: bool, user: tuple[str, str] = ("wire", PASSWORD)
) -> tuple[dict, dict]:
    """(cold, repeat) numbers of ``path``, the first page this browser opens after signing in
    as ``user`` (name, password)."""
    context = browser.new_context()
    if not compressed:
        context.set_extra_http_headers({"Accept-Encoding": "identity"})
    page = context.new_page()
    page.goto(f"{base}/login?next={path}")
    page.fill("input[name=username]", user[0])
    page.fill("input[name=password]", user[1])
    page.click("form[data-testid=login-form] button[type=submit]")
    page.wait_for_url(f"{base}{path}")
    page.wait_for_load_state("load")
    cold = page.evaluate(MEASURE)
    page.goto(f"{base}{path}", wait_until="load")
    repeat = page.evaluate(MEASURE)
    context.close()
    return cold, repeat


def measure_pages(
    base: str, pages: list[str], user: tuple[str, str] = ("wire", PASSWORD)
) -> list[WireRow]:
    """Each page cold, uncompressed and again, in one headless Chromium."""
    from playwright.sync_api import sync_playwright

    rows = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        for path in pages:
            cold, repeat = visit(browser, base, path, compressed=True, user=user)
            plain, _ = visit(browser, base, path, compressed=False, user=user)
            numbers = (cold["bytes"], plain["bytes"], repeat["bytes"], cold["dcl"], repeat["dcl"])
            rows.append(WireRow(path, cold["assets"], cold["other"], *numbers))
        browser.close()
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", nargs="+", default=list(PAGES))
    args = parser.parse_args()
    from backoffice.web.serving import serving

    with serving(demo_app()) as base:
        print(render_wire(measure_pages(base, args.pages)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
