"""Sign-in and sign-out."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_user, logout_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from werkzeug.wrappers import Response
from wtforms import HiddenField, PasswordField, StringField
from wtforms.validators import DataRequired, Length

from backoffice.extensions import db
from backoffice.models import User
from backoffice.models._time import utcnow
from backoffice.security.redirects import safe_next

bp = Blueprint("auth", __name__)


class LoginForm(FlaskForm):
    username = StringField(_l("Username"), validators=[DataRequired(), Length(max=80)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=1024)])
    next = HiddenField()


@bp.route("/login", methods=["GET", "POST"])
def login() -> str | Response:
    """Show the sign-in form; on success go to the (validated) ``next`` page."""
    default = url_for("admin.index")
    if current_user.is_authenticated:
        return redirect(safe_next(request.args.get("next"), default))
    form = LoginForm(next=request.args.get("next", ""))
    if form.validate_on_submit():
        user = db.session.scalar(select(User).where(User.username == form.username.data.strip()))
        if user is not None and user.check_password(form.password.data) and user.is_active:
            user.last_login_at = utcnow()
            db.session.commit()
            login_user(user)
            return redirect(safe_next(form.next.data, default))
        flash(_("Unknown username or wrong password."), "error")
    status = 400 if form.errors else 200
    return render_template("security/login.html", form=form), status


@bp.route("/logout", methods=["POST"])
def logout() -> Response:
    """Sign out (POST only, CSRF-protected) and return to the sign-in page."""
    logout_user()
    flash(_("You have been signed out."), "info")
    return redirect(url_for("auth.login"))
