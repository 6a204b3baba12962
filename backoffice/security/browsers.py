"""Known browsers: a browser that has signed in to an account keeps a cookie saying so.

Its sign-in attempts on that account are counted in a bucket of their own
(``throttle.SIGN_IN_BROWSER``) instead of the account's bucket across all addresses, so
attempts on the account from elsewhere (a botnet) never hold its real user up. The cookie is
signed and holds a keyed digest of the account's name and a random id, nothing readable; it
goes only to the sign-in page and is no credential: the password is still needed.
"""

from __future__ import annotations

import secrets

from flask import current_app, request, url_for
from itsdangerous import BadSignature, URLSafeTimedSerializer
from werkzeug.wrappers import Response

from backoffice.security import throttle

COOKIE = "known_browser"
DAYS = 90


def known(name: str) -> str | None:
    """The id of this browser if it has signed in to account ``name`` before, else None."""
    cookie = request.cookies.get(COOKIE)
    if not cookie:
        return None
    try:
        account, browser = _serializer().loads(cookie, max_age=DAYS * 24 * 3600)
    except (BadSignature, TypeError, ValueError):
        return None
    return browser if account == throttle.digest(name) and isinstance(browser, str) else None


def remember(response: Response, name: str) -> None:
    """Give the browser a (new) id for account ``name``, after it signed in."""
    value = _serializer().dumps([throttle.digest(name), secrets.token_urlsafe(16)])
    response.set_cookie(
        COOKIE,
        value,
        max_age=DAYS * 24 * 3600,
        path=url_for("auth.login"),
        secure=bool(current_app.config.get("SESSION_COOKIE_SECURE")),
        httponly=True,
        samesite="Lax",
    )


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt="known-browser")
