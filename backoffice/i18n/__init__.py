"""Locale and time-zone selection, the language switch, and Flask-Admin's catalogs."""

from __future__ import annotations

from flask import Flask

from backoffice.extensions import babel
from backoffice.i18n.selectors import html_lang, select_locale, select_timezone, text_direction


def init_app(app: Flask) -> None:
    """Initialise Flask-Babel and register the switch endpoint and template helpers."""
    from backoffice.compat import flask_babel as babel_compat
    from backoffice.i18n import admin_domain, reload, text
    from backoffice.i18n.parts import page_part
    from backoffice.i18n.picker import picker_locale
    from backoffice.i18n.switch import bp, return_path

    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone)
    reload.init_app(app)  # saved translations show on the next request, in every process
    text.install(app)  # translations reach templates as text, never as markup
    babel_compat.install()  # lazy strings too, wherever they are rendered
    admin_domain.install(app)
    app.register_blueprint(bp)

    # Globals, not a context processor: macro libraries imported without the context
    # (templates/_macros.html) see them too.
    app.jinja_env.globals.update(
        html_lang=html_lang,
        text_direction=text_direction,
        languages=app.config["LANGUAGES"],
        switcher_next=return_path,
        picker_locale=picker_locale,
        page_part=page_part,
    )
