"""The language switch: a CSRF-protected POST from the navbar of every page."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.urls import iri_to_uri
from werkzeug.wrappers import Response

from backoffice.extensions import db
from backoffice.i18n.selectors import normalize_locale
from backoffice.security.redirects import is_safe_path, safe_next

bp = Blueprint("i18n", __name__)


@bp.route("/language", methods=["POST"])
def switch_language() -> Response:
    """Store the chosen language in the session (and the profile) and go back."""
    raw = request.form.get("locale", "")
    code = normalize_locale(raw)
    if code is None or code != raw.strip().lower():
        abort(400, description=_("This language is not available."))
    session["locale"] = code
    if current_user.is_authenticated and current_user.locale != code:
        current_user.locale = code
        db.session.commit()
    return redirect(safe_next(request.form.get("next"), url_for("blog.index")), code=303)


def return_path() -> str:
    """Where the switcher brings the user back to: this page, with its query string.

    A page shown in answer to a POST (a form with errors) returns to its address if that
    can be opened with GET; otherwise to nothing, and the switch falls back to the blog.
    """
    if request.method in ("GET", "HEAD"):
        query = request.query_string.decode("latin-1")
        # Re-encoded: "/post/a b" or raw non-ASCII bytes would not pass safe_next.
        target = iri_to_uri(f"{request.path}?{query}" if query else request.path)
    else:
        adapter = current_app.create_url_adapter(request)
        opens = adapter is not None and adapter.test(request.path, "GET")
        target = iri_to_uri(request.path) if opens else ""
    return target if is_safe_path(target) else ""
