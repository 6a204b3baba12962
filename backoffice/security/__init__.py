"""Authentication, the roles table and safe redirects."""

from __future__ import annotations

from itertools import chain

from flask import Flask, abort, redirect, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import bindparam, select
from sqlalchemy.orm import joinedload
from werkzeug.wrappers import Response

from backoffice.extensions import csrf, db, login_manager
from backoffice.ids import parse_id
from backoffice.models import User
from backoffice.security.redirects import current_path
from backoffice.security.roles import can


def init_app(app: Flask) -> None:
    """Wire Flask-Login, CSRF protection and the sign-in blueprint."""
    from backoffice.security.auth import bp

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


#: Sent with every response that does not set its own (media files set a stricter policy).
SECURITY_HEADERS = {
    # No other site may show these pages in a frame: a framed admin page can be clicked
    # through by a page laid over it (clickjacking).
    "X-Frame-Options": "SAMEORIGIN",
    "Content-Security-Policy": "frame-ancestors 'self'",
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
def _load_user(user_id: str) -> User | None:
    row_id = parse_id(user_id)
    if row_id is None:
        return None
    return db.session.execute(_USER_WITH_ROLES, {"id": row_id}).unique().scalar_one_or_none()


# The roles in the same statement: every page asks for them (menu, role checks). Built once:
# every request runs it, and building it (with its loader option) cost a third of running it.
_USER_WITH_ROLES = select(User).options(joinedload(User.roles)).where(User.id == bindparam("id"))


@login_manager.unauthorized_handler
def _unauthorized() -> Response:
    return redirect(url_for("auth.login", next=current_path() if request.method == "GET" else None))
