"""Authentication, the roles table and safe redirects."""

from __future__ import annotations

from itertools import chain

from flask import Flask, abort, redirect, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import bindparam, select
from sqlalchemy.orm import joinedload
from werkzeug.wrappers import Response

from backoffice.core.ids import parse_id
from backoffice.extensions import csrf, db, login_manager
from backoffice.models import User
from backoffice.security.redirects import current_path
from backoffice.security.roles import can


def init_app(app: Flask) -> None:
    """Wire Flask-Login, CSRF protection and the sign-in blueprint."""
    from backoffice.security import sessions, transport
    from backoffice.security.auth import bp

    transport.init_app(app)
    sessions.init_app(app)
    csrf.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please sign in to open this page.")
    login_manager.login_message_category = "info"
    app.register_blueprint(bp)
    app.before_request(_refuse_nul_characters)
    app.after_request(_security_headers)

    app.add_template_global(can_open)


def can_open(view: str, action: str | None = None) -> bool:
    """For templates: True if the signed-in user may open ``view`` (or do ``action`` in it)."""
    return can(current_user, view, action)


#: What a page may load and run. Scripts only as files from this site: no inline script or
#: handler runs, so text that reaches a page unescaped (a translation, a post) still cannot run
#: script. Styles may be inline (Bootstrap, select2 and CKEditor set style attributes);
#: images may come from other HTTPS sites (posts show them). No plugins, no <base> elsewhere,
#: forms post only here, no other site frames the pages.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' https: data: blob:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'self'",
    ]
)

#: Sent with every response that does not set its own (media files set a stricter policy).
SECURITY_HEADERS = {
    # No other site may show these pages in a frame: a framed admin page can be clicked
    # through by a page laid over it (clickjacking).
    "X-Frame-Options": "SAMEORIGIN",
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    # A response is what its Content-Type says, never sniffed into HTML or script.
    "X-Content-Type-Options": "nosniff",
    # Links out of the back-office (a post's links, a commenter's site) do not carry the
    # admin URL, with its searches and ids, to other sites.
    "Referrer-Policy": "same-origin",
}


def _security_headers(response: Response) -> Response:
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    return response


def _refuse_nul_characters() -> None:
    """No field or query value may contain NUL: PostgreSQL refuses it in text, and no form of
    ours needs it. One check for every request instead of one per input."""
    values = [request.path, *chain.from_iterable(request.args.listvalues())]
    # A request that routing redirects (e.g. merged slashes) is answered before any view runs.
    if (
        request.method == "POST"
        and request.routing_exception is None
        and request.mimetype
        in (
            "application/x-www-form-urlencoded",
            "multipart/form-data",
        )
    ):
        values.extend(chain.from_iterable(request.form.listvalues()))
    if any("\x00" in value for value in values):
        abort(400)


@login_manager.user_loader
def _load_user(session_id: str) -> User | None:
    """The user of a session that holds ``"<id>:<token>"`` (``User.get_id()``), if the token is
    still the user's and the account is active; else None (signed out). See sessions.py."""
    user_id, _colon, token = session_id.partition(":")
    row_id = parse_id(user_id)
    if row_id is None or not token or len(token) > 64:
        return None
    return (
        db.session.execute(_USER_WITH_ROLES, {"id": row_id, "token": token})
        .unique()
        .scalar_one_or_none()
    )


# The roles in the same statement: every page asks for them (menu, role checks). Built once:
# every request runs it, and building it (with its loader option) cost a third of running it.
_USER_WITH_ROLES = (
    select(User)
    .options(joinedload(User.roles))
    .where(
        User.id == bindparam("id"),
        User.session_token == bindparam("token"),
        User.active.is_(True),
    )
)


@login_manager.unauthorized_handler
def _unauthorized() -> Response:
    return redirect(url_for("auth.login", next=current_path() if request.method == "GET" else None))
