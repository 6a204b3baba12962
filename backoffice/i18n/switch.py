"""The language switch: a CSRF-protected POST from the navbar of every page."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from backoffice.extensions import db
from backoffice.i18n.selectors import normalize_locale
from backoffice.security.redirects import safe_next

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
