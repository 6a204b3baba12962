"""Authentication, the roles table and safe redirects."""

from __future__ import annotations

from flask import Flask, redirect, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
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

    @app.context_processor
    def _access_helpers() -> dict[str, object]:
        return {"can_open": lambda view, action=None: can(current_user, view, action)}


@login_manager.user_loader
def _load_user(user_id: str) -> User | None:
    row_id = parse_id(user_id)
    return None if row_id is None else db.session.get(User, row_id)


@login_manager.unauthorized_handler
def _unauthorized() -> Response:
    return redirect(url_for("auth.login", next=current_path() if request.method == "GET" else None))
