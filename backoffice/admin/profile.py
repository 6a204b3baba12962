"""The signed-in user's own profile: language, time zone and password."""

from __future__ import annotations

from typing import Any

from flask import current_app, flash, redirect, request, session, url_for
from flask_admin import expose
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms import PasswordField, SelectField
from wtforms.validators import EqualTo, InputRequired, Length, ValidationError

from backoffice.admin.base import GatedView
from backoffice.admin.role_labels import role_description, role_label
from backoffice.compat.werkzeug import unproxied
from backoffice.domain.accounts import MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH, set_password
from backoffice.extensions import db
from backoffice.i18n.timezone_names import TimezoneSelectField
from backoffice.security import sessions


class SettingsForm(FlaskForm):
    """Language and time zone; empty means "browser's language" / "site's time zone"."""

    # Choices are checked by our validators, with messages of our own; the time zones are
    # the same allow-list and picker as in the admin's user form.
    locale = SelectField(_l("Language"), validate_choice=False)
    timezone = TimezoneSelectField(_l("Time zone"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        languages = current_app.config["LANGUAGES"]
        self.locale.choices = [("", _("Browser default"))] + [
            (code, name) for code, (name, _direction) in languages.items()
        ]

    def validate_locale(self, field: SelectField) -> None:
        if field.data and field.data not in current_app.config["LANGUAGES"]:
            raise ValidationError(_("Choose a language from the list."))


class PasswordForm(FlaskForm):
    """A new password, typed twice, authorised by the current one."""

    current_password = PasswordField(
        _l("Current password"),
        validators=[InputRequired(_l("Enter your current password.")),
                    Length(max=MAX_PASSWORD_LENGTH)],
    )  # fmt: skip
    new_password = PasswordField(
        _l("New password"),
        validators=[
            InputRequired(_l("Enter a new password.")),
            Length(MIN_PASSWORD_LENGTH, MAX_PASSWORD_LENGTH,
                   _l("The new password must be %(min)d to %(max)d characters long.")),
        ],
    )  # fmt: skip
    confirm_password = PasswordField(
        _l("New password again"),
        validators=[EqualTo("new_password", _l("The two new passwords do not match."))],
    )

    def validate_current_password(self, field: PasswordField) -> None:
        if not current_user.check_password(field.data or ""):
            raise ValidationError(_("The current password is not correct."))


class ProfileView(GatedView):
    """``/admin/profile/``: reached from the user name in the navbar, not from the menu."""

    access_key = "profile"

    def is_visible(self) -> bool:
        return False

    @expose("/", methods=["GET", "POST"])
    def index(self) -> str | Response | tuple[str, int]:
        settings = _settings_form(bind=request.method == "POST")
        if request.method == "GET":
            return self._render(settings, PasswordForm(formdata=None))
        if not settings.validate_on_submit():
            return self._render(settings, PasswordForm(formdata=None), 400)
        current_user.locale = settings.locale.data or None
        current_user.timezone = settings.timezone.data or None
        db.session.commit()
        # The session's choice outranks the profile's: keep the two the same.
        if current_user.locale:
            session["locale"] = current_user.locale
        else:
            session.pop("locale", None)
        flash(_("Your settings have been saved."), "success")
        return redirect(url_for(".index"), code=303)

    @expose("/password", methods=["POST"])
    def password(self) -> Response | tuple[str, int]:
        form = PasswordForm()
        if not form.validate_on_submit():
            return self._render(_settings_form(bind=False), form, 400)
        set_password(current_user, form.new_password.data)
        db.session.commit()  # ends every session of the user (security/sessions.py) ...
        sessions.keep_current(unproxied(current_user))  # ... but this one
        flash(_("Your password has been changed."), "success")
        return redirect(url_for(".index"), code=303)

    def _render(
        self, settings: SettingsForm, password: PasswordForm, status: int = 200
    ) -> tuple[str, int]:
        roles = [
            (role_label(role), role_description(role))
            for role in sorted(current_user.roles, key=lambda role: role.name)
        ]
        page = self.render("admin/profile.html", settings=settings, password=password, roles=roles)
        return page, status


def _settings_form(bind: bool) -> SettingsForm:
    """The settings form, filled from the profile (and from the request if ``bind``)."""
    saved = {"locale": current_user.locale or "", "timezone": current_user.timezone or ""}
    return SettingsForm(data=saved) if bind else SettingsForm(formdata=None, data=saved)
