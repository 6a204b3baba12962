"""Serve Flask-Admin's own UI strings from catalogs this project compiles.

Flask-Admin ships ``admin.po`` files whose compiled ``.mo`` lag behind (German shows
"Failed to create record." in English). ``Admin(translations_path=…)`` cannot help: that
directory is merged *before* Flask-Admin's own, so the stale catalog wins. We compile the
package's ``.po`` files into ``translations/<lang>/LC_MESSAGES/admin.mo`` (``flask translate
compile``) and append our directory *last*, where Flask-Babel's merge lets it win.

Its lookups are also remembered per request (:func:`backoffice.i18n.lookup.remembered`), as
the project's own domain's are: a list page asks Flask-Admin's catalog a few dozen times.
"""

from __future__ import annotations

from functools import partial

from flask import Flask
from flask_admin import babel as admin_babel

from backoffice.i18n.lookup import remembered


def install(app: Flask) -> None:
    """Append the project's translation directory to Flask-Admin's ``admin`` domain."""
    ours = app.config["BABEL_TRANSLATION_DIRECTORIES"].split(";")
    domain = admin_babel.domain
    current = list(domain._translation_directories or [])
    for directory in ours:
        if directory not in current:
            current.append(directory)
    domain._translation_directories = current
    domain.cache.clear()
    if not isinstance(domain.__dict__.get("get_translations"), partial):
        # The domain is Flask-Admin's module-level instance, shared by every app: wrap once.
        domain.get_translations = partial(remembered, domain, domain.get_translations)
