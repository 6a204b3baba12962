"""Serve Flask-Admin's own UI strings from catalogs this project compiles.

Flask-Admin ships ``admin.po`` files whose compiled ``.mo`` lag behind (German shows
"Failed to create record." in English). ``Admin(translations_path=…)`` cannot help: that
directory is merged *before* Flask-Admin's own, so the stale catalog wins. We compile the
package's ``.po`` files into ``translations/<lang>/LC_MESSAGES/admin.mo`` (``flask translate
compile``) and serve the domain from our directories alone.

Its lookups are also remembered per request (:func:`backoffice.i18n.lookup.remembered`), as
the project's own domain's are: a list page asks Flask-Admin's catalog a few dozen times.
"""

from __future__ import annotations

from functools import partial

from flask import Flask, current_app
from flask_admin import babel as admin_babel

from backoffice.compat.flask_babel import use_app_directories
from backoffice.i18n.lookup import remembered


def install(app: Flask) -> None:
    """Serve Flask-Admin's ``admin`` domain from the current app's translation directories.

    The domain is Flask-Admin's module-level instance, shared by every app of the process.
    Its directories are left to Flask-Babel (``None``: the current app's
    ``BABEL_TRANSLATION_DIRECTORIES``, whose ``admin.po`` files are complete) and its cache is
    kept per app, so one app's catalogs (a test's, a hostile one) never show in another.
    """
    domain = admin_babel.domain
    use_app_directories(domain)
    domain.get_translations_cache = _cache_of_the_current_app
    if not isinstance(domain.get_translations, partial):
        # Wrap once: the per-request memo (backoffice.i18n.lookup.remembered).
        domain.get_translations = partial(remembered, domain, domain.get_translations)
    app.extensions["backoffice_admin_translations"] = {}


def _cache_of_the_current_app(ctx: object) -> dict:
    return current_app.extensions["backoffice_admin_translations"]
