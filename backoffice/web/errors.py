"""Error pages: translated, inside the site's layout, never a raw traceback.

Every handler first rolls the request's database session back: after a failed flush (a
deadlock, a broken constraint) the session refuses every statement until then
(``PendingRollbackError``), and the page reads the signed-in user, the menu and the
translations' settings from the database. Nothing of a request that ends in an error page
is meant to be saved anyway.
"""

from __future__ import annotations

import logging

from flask import Flask, render_template
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from markupsafe import escape
from werkzeug.exceptions import HTTPException, InternalServerError

from backoffice.extensions import db

log = logging.getLogger(__name__)
TITLES = {
    400: _l("Bad request"),
    403: _l("Access denied"),
    404: _l("Page not found"),
    405: _l("Method not allowed"),
    413: _l("File too large"),
    500: _l("Something went wrong"),
}
MESSAGES = {
    400: _l("The request could not be understood."),
    403: _l("Your account does not have permission to open this page."),
    404: _l("There is no page at this address."),
    405: _l("This page cannot be used that way."),
    413: _l("The upload is larger than the site accepts."),
    500: _l("An unexpected error occurred. It has been logged; please try again."),
}
CSRF_MESSAGE = _l(
    "The form has expired or was not sent by this site. Reload the page and try again."
)


def render_error(code: int, message: str | None = None) -> tuple[str, int]:
    """The error page for ``code`` with an optional specific ``message``."""
    _roll_back()
    title = TITLES.get(code, TITLES[400] if code < 500 else TITLES[500])
    default = MESSAGES.get(code, MESSAGES[400] if code < 500 else MESSAGES[500])
    try:
        return render_template(
            "errors/error.html", code=code, title=title, message=message or default
        ), code
    except Exception:  # e.g. the database is unreachable and the layout cannot load the user
        log.exception("the error page for %s could not be rendered", code)
        return _plain_page(code, title, message or default), code


def _plain_page(code: int, title: object, message: object) -> str:
    """The error page without the layout (no database, no templates): still ours, still
    translated when the language can be chosen."""
    try:
        title, message = str(title), str(message)
    except Exception:  # the language could not be chosen either
        title, message = f"Error {code}", ""
    return (
        f'<!doctype html><html><head><meta charset="utf-8"><title>{escape(title)}</title>'
        f"</head><body><h1>{escape(title)} ({code})</h1><p>{escape(message)}</p></body></html>"
    )


def _roll_back() -> None:
    """End the request's transaction, whatever state it is in, before the page renders."""
    try:
        db.session.rollback()
    except Exception:  # the connection itself is gone: the page may still render without it
        log.warning("rolling back before an error page failed", exc_info=True)


def init_app(app: Flask) -> None:
    """Register handlers for HTTP errors, CSRF failures and unexpected exceptions."""

    @app.errorhandler(CSRFError)
    def _csrf(error: CSRFError) -> tuple[str, int]:
        return render_error(400, str(CSRF_MESSAGE))

    @app.errorhandler(HTTPException)
    def _http(error: HTTPException) -> tuple[str, int] | HTTPException:
        if error.code is None or error.code < 400:
            return error
        # Our own aborts carry a translated description; Werkzeug's defaults are English.
        own = error.description if error.description != type(error).description else None
        return render_error(error.code, own)

    @app.errorhandler(InternalServerError)
    def _server_error(error: InternalServerError) -> tuple[str, int]:
        return render_error(500)
