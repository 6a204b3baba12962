"""Users and roles (admins only). Passwords are set through a form field, never shown."""

from __future__ import annotations

from typing import Any

from flask import current_app
from flask_admin.contrib.sqla.filters import FilterEqual
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import PasswordField, SelectField, SelectMultipleField
from wtforms.validators import Optional, ValidationError

from backoffice.admin.base import GatedModelView
from backoffice.admin.formatting import datetime_formatter
from backoffice.admin.role_labels import role_choices, role_description, role_label
from backoffice.domain import accounts
from backoffice.i18n.lists import join_labels
from backoffice.i18n.timezone_names import TimezoneSelectField
from backoffice.security import sessions
from config import LANGUAGES


def _locale_choices() -> list[tuple[str, str]]:
    languages = current_app.config["LANGUAGES"]
    return [("", _l("Browser default"))] + [(code, name) for code, (name, _d) in languages.items()]


def _translation_language_choices() -> list[tuple[str, str]]:
    languages = current_app.config["LANGUAGES"]
    source = current_app.config["BABEL_DEFAULT_LOCALE"]
    return [(code, name) for code, (name, _d) in languages.items() if code != source]


def _check_translation_languages(form: Any, field: SelectMultipleField) -> None:
    allowed = {code for code, _name in _translation_language_choices()}
    if not set(field.data or ()) <= allowed:
        raise ValidationError(_("Choose languages from the list."))


def _translation_languages_formatter(view: Any, context: Any, model: Any, name: str) -> str:
    languages = current_app.config["LANGUAGES"]
    codes = model.translation_languages or []
    return join_labels(languages[code][0] if code in languages else code for code in codes)


def _language_filter_choices() -> list[tuple[str, str]]:
    # Made once when the view is built, outside any app: the languages the project ships.
    return [(code, name) for code, (name, _d) in LANGUAGES.items()]


def _language_formatter(view: Any, context: Any, model: Any, name: str) -> str:
    languages = current_app.config["LANGUAGES"]
    code = model.locale
    return languages[code][0] if code in languages else (code or "")


def _roles_formatter(view: Any, context: Any, model: Any, name: str) -> str:
    return join_labels(sorted(role_label(role) for role in model.roles))


def _account_rule(clean: Any) -> Any:
    """A form validator applying one of the account rules of :mod:`backoffice.domain.accounts` (the
    same rules as ``flask users create``)."""

    def check(form: Any, field: Any) -> None:
        try:
            clean(field.data)
        except accounts.AccountError as error:
            raise ValidationError(str(error)) from None

    return check


def _password_rule(form: Any, field: PasswordField) -> None:
    if field.data:
        _account_rule(accounts.check_password_rules)(form, field)


def _role_name_formatter(view: Any, context: Any, model: Any, name: str) -> str:
    return role_label(model)


def _role_description_formatter(view: Any, context: Any, model: Any, name: str) -> str:
    return role_description(model)


class UserView(GatedModelView):
    access_key = "users"

    column_list = ["username", "email", "roles", "active", "locale", "last_login_at"]
    column_details_list = [
        "username", "email", "roles", "active", "locale", "timezone", "translation_languages",
        "created_at", "last_login_at",
    ]  # fmt: skip
    column_export_list = ["username", "email", "active", "locale", "created_at"]
    column_searchable_list = ["username", "email"]
    column_filters = [
        "active",
        FilterEqual("roles.name", _l("Role"), options=role_choices),
        FilterEqual("locale", _l("Language"), options=_language_filter_choices),
    ]
    column_sortable_list = ["username", "email", "active", "last_login_at"]
    column_labels = {
        "username": _l("Username"),
        "email": _l("E-mail"),
        "roles": _l("Roles"),
        "roles.name": _l("Role"),
        "active": _l("Active"),
        "locale": _l("Language"),
        "timezone": _l("Time zone"),
        "created_at": _l("Created"),
        "last_login_at": _l("Last sign-in"),
        "password": _l("Password"),
        "translation_languages": _l("Translates"),
    }
    column_formatters = {
        "last_login_at": datetime_formatter,
        "created_at": datetime_formatter,
        "translation_languages": _translation_languages_formatter,
        "roles": _roles_formatter,
        "locale": _language_formatter,
    }
    column_formatters_detail = column_formatters
    form_columns = ["username", "email", "password", "active", "roles", "locale", "timezone",
                    "translation_languages"]  # fmt: skip
    form_excluded_columns = ["password_hash"]
    form_extra_fields = {
        "password": PasswordField(
            _l("Password"),
            validators=[_password_rule],
            description=_l("Leave empty to keep the current password."),
        )
    }
    form_overrides = {
        "locale": SelectField,
        "timezone": TimezoneSelectField,
        "translation_languages": SelectMultipleField,
    }
    form_args = {
        "username": {"validators": [_account_rule(accounts.clean_username)]},
        "email": {"validators": [_account_rule(accounts.clean_email)]},
        "roles": {"get_label": role_label},
        "locale": {"choices": _locale_choices, "validators": [Optional()]},
        # The one allow-list of backoffice.i18n.timezones, as in the profile.
        "timezone": {"validators": [Optional()]},
        # Checked by our validator, with a message of our own.
        "translation_languages": {
            "choices": _translation_language_choices,
            "validate_choice": False,
            "validators": [_check_translation_languages],
            "description": _l("The translator role may edit only these languages."),
        },
    }

    def on_model_change(self, form: Any, model: Any, is_created: bool) -> None:
        model.username = accounts.clean_username(model.username)
        model.email = accounts.clean_email(model.email)
        model.locale = model.locale or None
        model.timezone = model.timezone or None
        model.translation_languages = list(model.translation_languages or [])
        if form.password.data:
            accounts.set_password(model, form.password.data)
        elif is_created:
            raise ValidationError(_("Set a password for the new user."))
        if model.id == current_user.id and not model.has_role("admin"):
            raise ValidationError(_("You cannot remove your own admin role."))

    def after_model_change(self, form: Any, model: Any, is_created: bool) -> None:
        # A new password, roles or active flag ended the user's sessions (security/sessions.py);
        # an admin who edited their own account keeps the session they did it in.
        sessions.keep_current(model)


class RoleView(GatedModelView):
    """The roles are fixed by the access table; only their descriptions are editable."""

    access_key = "roles"
    can_create = False
    column_list = ["name", "description"]
    column_labels = {"name": _l("Name"), "description": _l("Description")}
    column_formatters = {
        "name": _role_name_formatter,
        "description": _role_description_formatter,
    }
    column_formatters_detail = column_formatters
    form_columns = ["description"]

    @property
    def can_delete(self) -> bool:  # type: ignore[override]
        return False
