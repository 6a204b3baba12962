"""Headless Chromium (Debian's package), driven by Playwright against an app served here.

The ``browser`` and ``page`` fixtures (conftest.py) use :data:`CHROMIUM` and :func:`browser_tab`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from helpers.app import extract_csrf
from helpers.pages import SITE_ADMIN, SITE_PASSWORD

if TYPE_CHECKING:
    pass

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
#: Where browser tests leave their screenshots (the repository's ``artifacts/``).
ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"


@contextmanager
def browser_tab(browser: Any, width: int = 1280, height: int = 800) -> Iterator[Any]:
    """A fresh browser context (no cookies) and page, closed afterwards.

    Whatever the test does, the page must never hit the Content-Security-Policy: a refused
    script, handler or ``javascript:`` link is something that no longer works (or an
    injection), and fails the test that caused it."""
    context = browser.new_context(locale="en-US", viewport={"width": width, "height": height})
    page = context.new_page()
    page.set_default_timeout(15_000)
    refused: list[str] = []
    page.on(
        "console",
        lambda message: (
            refused.append(f"{page.url}: {message.text}")
            if message.type == "error" and "Content Security Policy" in message.text
            else None
        ),
    )
    try:
        yield page
    finally:
        context.close()
    assert not refused, "the Content-Security-Policy refused:\n" + "\n".join(refused)


def sign_in_browser(page, base: str, username: str, password: str, next_path: str = "") -> None:
    """Sign in on the browser ``page`` through the sign-in form of the site at ``base``."""
    page.goto(f"{base}/login" + (f"?next={next_path}" if next_path else ""))
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("form[data-testid=login-form] button[type=submit]")


def form_token(context: Any, base: str) -> str:
    """The CSRF token of the sign-in form, fetched with ``context``'s cookies (no tab)."""
    response = context.request.get(f"{base}/login")
    assert response.ok, response.status
    return extract_csrf(response.text())


def speak_browser(context: Any, base: str, lang: str) -> None:
    """Choose ``lang`` for a browser context with the language switcher's own request."""
    response = context.request.post(
        f"{base}/language",
        form={"locale": lang, "csrf_token": form_token(context, base)},
        max_redirects=0,
    )
    assert response.status in (302, 303), response.status


def signed_in(browser: Any, base: str, lang: str) -> Any:
    """A browser context signed in as the admin of :func:`helpers.pages.seed_site`, in ``lang``.

    The sign-in form's own request, sent with the context's cookies rather than typed into a
    tab: tests that use this are about the pages behind it (the form has tests of its own, in
    the browser too), and a tab costs a second or more each time."""
    context = browser.new_context(locale="en-US", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    response = context.request.post(
        f"{base}/login",
        form={
            "username": SITE_ADMIN,
            "password": SITE_PASSWORD,
            "csrf_token": form_token(context, base),
        },
        max_redirects=0,
    )
    assert response.status in (302, 303), f"sign-in failed: {response.status}"
    speak_browser(context, base, lang)
    return context
