"""Sign-in and sign-out.

Sign-in attempts are throttled (backoffice/security/throttle.py) per account and address,
per address and per account; a refused attempt is answered 429 with ``Retry-After`` before
any password is checked. Every attempt that is checked runs exactly one password hash, for
known and unknown user names alike, so the answer's timing does not tell them apart.
"""

from __future__ import annotations

import math
import secrets
from typing import NamedTuple

from flask import (
    Blueprint,
    Flask,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash
from werkzeug.wrappers import Response
from wtforms import HiddenField, PasswordField, StringField
from wtforms.validators import DataRequired, Length

from backoffice.core.caches import memoized
from backoffice.domain.accounts import password_hash_method
from backoffice.extensions import db
from backoffice.models import User
from backoffice.models.clock import utcnow
from backoffice.security import browsers, sessions, throttle
from backoffice.security.redirects import safe_next

bp = Blueprint("auth", __name__)


class LoginForm(FlaskForm):
    username = StringField(_l("Username"), validators=[DataRequired(), Length(max=80)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=1024)])
    next = HiddenField()


@bp.route("/login", methods=["GET", "POST"])
def login() -> str | Response | tuple[str, int] | tuple[str, int, dict[str, str]]:
    """Show the sign-in form; on success go to the (validated) ``next`` page."""
    default = url_for("admin.index")
    if current_user.is_authenticated:
        return redirect(safe_next(request.args.get("next"), default))
    form = LoginForm(next=request.args.get("next", ""))
    if not form.validate_on_submit():
        return render_template("security/login.html", form=form), 400 if form.errors else 200
    name = form.username.data.strip()
    buckets = _sign_in_buckets(name)
    wait = throttle.hold(*buckets.cleared, *buckets.kept)
    if wait:
        flash(_wait_message(wait), "error")
        page = render_template("security/login.html", form=form)
        return page, 429, throttle.retry_after(wait)
    user = db.session.scalar(select(User).where(User.username == name))
    if verify_password(user, form.password.data) and user is not None and user.is_active:
        throttle.settle(buckets.cleared, buckets.kept)
        user.last_login_at = utcnow()
        db.session.commit()
        sessions.start(user)
        response = redirect(safe_next(form.next.data, default))
        browsers.remember(response, name)
        return response
    flash(_("Unknown username or wrong password."), "error")
    return render_template("security/login.html", form=form), 200


@bp.route("/logout", methods=["POST"])
def logout() -> Response:
    """Sign out (POST only, CSRF-protected): every session of the user ends, on every device
    (backoffice/security/sessions.py), and this browser's session is cleared."""
    sessions.end()
    flash(_("You have been signed out."), "info")
    return redirect(url_for("auth.login"))


def verify_password(user: User | None, password: str) -> bool:
    """True if ``password`` is ``user``'s. Runs exactly one hash check either way: an unknown
    user name is checked against a stand-in hash made with the same method, so it takes as
    long as a known one."""
    known = user is not None and bool(user.password_hash)
    stored = user.password_hash if known else _stand_in_hash(_hash_method())  # type: ignore[union-attr]
    return check_password_hash(stored, password) and known


def _hash_method(app: Flask | None = None) -> str:
    return password_hash_method(app)


#: Stand-in hashes made once and shipped, by method: making one costs as much as checking
#: it (a sixth of a second and 32 MiB for scrypt), and every worker and command would pay that
#: as it starts. Its password is random and thrown away; a match would not sign anyone in
#: anyway (``verify_password``). tests/test_throttle.py checks that each still has the
#: parameters its method gives today.
SHIPPED_STAND_INS = {
    "scrypt": "scrypt:32768:8:1$6DrTlxcIBtaBD3hl$ff8295433a6f91bbe9376e4a34eefb3c7eece83490ddb8"
    "8bf36e006cae3a043ae61d086b1add199e778208446da65b8385c64b9bd8a21aef95c88608fa2d9261",
}


@memoized(8)
def _stand_in_hash(method: str) -> str:
    shipped = SHIPPED_STAND_INS.get(method)
    if shipped is not None:
        return shipped
    return generate_password_hash(secrets.token_urlsafe(16), method=method)


# Made when the app is built, not on the first unknown name (which would then take twice as
# long as any later one).
bp.record_once(lambda state: _stand_in_hash(_hash_method(state.app)))


class SignInBuckets(NamedTuple):
    """The buckets a sign-in attempt counts in (backoffice/security/throttle.py)."""

    #: Forgotten when the attempt succeeds: the pair (account, address), the known browser.
    cleared: tuple[throttle.Bucket, ...]
    #: Given the attempt back when it succeeds, so only failures add up: the address, and the
    #: account across addresses (for browsers not known to it).
    kept: tuple[throttle.Bucket, ...]


def _sign_in_buckets(name: str) -> SignInBuckets:
    address = throttle.client_address()
    pair = throttle.SIGN_IN_PAIR.bucket(name, address)
    per_address = throttle.SIGN_IN_ADDRESS.bucket(address)
    browser = browsers.known(name)
    if browser:
        return SignInBuckets((pair, throttle.SIGN_IN_BROWSER.bucket(name, browser)), (per_address,))
    return SignInBuckets((pair,), (per_address, throttle.SIGN_IN_ACCOUNT.bucket(name)))


def _wait_message(seconds: int) -> str:
    if seconds < 60:
        return ngettext(
            "Too many sign-in attempts. Please wait %(num)d second and try again.",
            "Too many sign-in attempts. Please wait %(num)d seconds and try again.",
            seconds,
        )
    return ngettext(
        "Too many sign-in attempts. Please wait %(num)d minute and try again.",
        "Too many sign-in attempts. Please wait %(num)d minutes and try again.",
        math.ceil(seconds / 60),
    )
