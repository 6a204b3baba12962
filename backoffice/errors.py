"""Error pages: translated, inside the site's layout, never a raw traceback."""

from __future__ import annotations

from flask import Flask, render_template
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

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
    title = TITLES.get(code, TITLES[400] if code < 500 else TITLES[500])
    default = MESSAGES.get(code, MESSAGES[400] if code < 500 else MESSAGES[500])
    return render_template(
        "errors/error.html", code=code, title=title, message=message or default
    ), code


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
