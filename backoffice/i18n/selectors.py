"""Which language and time zone a request is served in."""

from __future__ import annotations

from flask import current_app, has_request_context, request, session
from flask_babel import get_locale
from flask_login import current_user

from backoffice.i18n.timezones import is_allowed_timezone


def supported_locales() -> list[str]:
    return list(current_app.config["LANGUAGES"])


def normalize_locale(value: str | None) -> str | None:
    """The supported language code for ``value`` (``de-AT`` -> ``de``), or None."""
    if not value or len(value) > 35:
        return None
    code = value.replace("-", "_").split("_")[0].strip().lower()
    return code if code in supported_locales() else None


def select_locale() -> str:
    """Session choice, then the user's saved preference, then Accept-Language, then English."""
    if not has_request_context():  # the CLI, or a domain function called outside a request
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    for candidate in (
        session.get("locale"),
        getattr(current_user, "locale", None) if current_user.is_authenticated else None,
    ):
        code = normalize_locale(candidate)
        if code:
            return code
    for value, quality in request.accept_languages:
        code = normalize_locale(value) if quality > 0 else None  # q=0 means "not this one"
        if code:
            return code
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def select_timezone() -> str:
    """The signed-in user's time zone if it is on the allow-list, else the configured default."""
    if current_user.is_authenticated and is_allowed_timezone(current_user.timezone):
        return current_user.timezone
    return current_app.config["BABEL_DEFAULT_TIMEZONE"]


def html_lang() -> str:
    """The value for ``<html lang>``: the bare language code, e.g. ``de``."""
    locale = get_locale()
    return locale.language if locale else "en"


def text_direction() -> str:
    """``rtl`` or ``ltr`` for the current language."""
    return current_app.config["LANGUAGES"].get(html_lang(), ("", "ltr"))[1]
