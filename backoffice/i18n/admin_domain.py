"""Serve Flask-Admin's own UI strings from catalogs this project compiles.

Flask-Admin ships ``admin.po`` files whose compiled ``.mo`` lag behind (German shows
"Failed to create record." in English). ``Admin(translations_path=…)`` cannot help: that
directory is merged *before* Flask-Admin's own, so the stale catalog wins. We compile the
package's ``.po`` files into ``translations/<lang>/LC_MESSAGES/admin.mo`` (``flask translate
compile``) and append our directory *last*, where Flask-Babel's merge lets it win.
"""

from __future__ import annotations

from flask import Flask
from flask_admin import babel as admin_babel


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
