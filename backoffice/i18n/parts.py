"""Parts of every page made of the reader's language and catalog alone: the language
switcher, the sign-out form, the texts that select2 and the date picker read.

Each is a macro of ``templates/page_parts.html``, rendered once per language, catalog and URL
root (a :class:`~backoffice.core.caches.CatalogCache` on the app) with markers where the
reader's CSRF token and return path go; a page puts those in. Rendering the four cost a page
about half a millisecond: translated texts, a loop over the languages, two JSON dumps.
"""

from __future__ import annotations

from flask import current_app, request
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup, escape

from backoffice.core.caches import CatalogCache, app_cache
from backoffice.i18n.switch import return_path

PARTS = "page_parts.html"
#: Where a part has the reader's CSRF token and return path. Markup, so the macro writes it
#: as it is; every text of a part is escaped, so no text can contain a marker.
TOKEN = Markup("<csrf-token-here>")
RETURN_PATH = Markup("<return-path-here>")


def page_part(name: str, *args: str) -> Markup:
    """The macro ``name`` of ``templates/page_parts.html`` called with ``args``, for this reader."""
    kept: CatalogCache[Markup] = app_cache(
        "backoffice_page_parts", lambda: CatalogCache("page parts", 64)
    )

    def render() -> Markup:
        macro = getattr(current_app.jinja_env.get_template(PARTS).module, name)
        return Markup(macro(*args, token=TOKEN, next=RETURN_PATH))

    part = kept.get((name, args, request.script_root), render)
    if TOKEN in part:
        part = part.replace(TOKEN, escape(generate_csrf()))
    if RETURN_PATH in part:
        part = part.replace(RETURN_PATH, escape(return_path()))
    return part
