"""Flask-Assets bundles: our own CSS through cssmin and JS through jsmin, hashed names."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from flask import Flask, Response, current_app, has_request_context, request, url_for
from flask_admin.helpers import get_current_view
from flask_assets import Bundle
from werkzeug.security import safe_join

from backoffice.compat import flask_assets as _assets_compat  # noqa: F401  (the manifest)
from backoffice.core.caches import ProcessCache, memoized
from backoffice.extensions import assets as environment

# Registered once per process: webassets keeps a global registry per Environment.
# rtl.css only applies under [dir="rtl"]; one bundle keeps it a single cached request.
app_css = Bundle(
    "css/app.css",
    "css/access.css",
    "css/rtl.css",
    "css/workbench-tools.css",
    filters="cssmin",
    output="gen/app.%(version)s.css",
)
# select2-texts.js first: select2's defaults must be set before any picker is made.
app_js = Bundle(
    "js/select2-texts.js",
    "js/timezone-picker.js",
    "js/app.js",
    "js/workbench.js",
    "js/workbench-tools.js",
    filters="jsmin",
    output="gen/app.%(version)s.js",
)
environment.register("app_css", app_css)
environment.register("app_js", app_js)

# The post editor, only on the post form. CKEditor ships minified (and jsmin breaks it,
# cssmin breaks its calc()): its files are concatenated as they are; only ours are minified.
EDITOR_LANGUAGES = ("de", "fr", "es", "pt", "ar")
editor_js = Bundle(
    Bundle(
        "vendor/ckeditor5/ckeditor5.umd.js",
        *(f"vendor/ckeditor5/translations/{lang}.umd.js" for lang in EDITOR_LANGUAGES),
    ),
    Bundle("js/post-editor.js", filters="jsmin"),
    output="gen/editor.%(version)s.js",
)
editor_css = Bundle(
    Bundle("vendor/ckeditor5/ckeditor5.css"),
    Bundle("css/post-editor.css", filters="cssmin"),
    output="gen/editor.%(version)s.css",
)
environment.register("editor_js", editor_js)
environment.register("editor_css", editor_css)
# Translate in context (backoffice/admin/in_context.py): only on pages with the mode on.
environment.register(
    "in_context_js",
    Bundle("js/in-context.js", filters="jsmin", output="gen/in-context.%(version)s.js"),
)
environment.register(
    "in_context_css",
    Bundle("css/in-context.css", filters="cssmin", output="gen/in-context.%(version)s.css"),
)
# The site icon, hashed like the bundles (a browser without one asks for /favicon.ico).
environment.register("favicon", Bundle("img/favicon.svg", output="gen/favicon.%(version)s.svg"))


IMMUTABLE = "public, max-age=31536000, immutable"
# Files that Flask-Admin's vendor CSS names without a version (select2's images): a day
# without revalidation; they change only with a Flask-Admin upgrade.
UNVERSIONED = "public, max-age=86400"
ADMIN_STATIC = "admin.static"


@memoized(512)
def _admin_static_version(folder: str, filename: str) -> str:
    # Flask-Admin's files only change with an upgrade, which restarts the process: hash each
    # once, not on every page (a page names about twenty of them).
    path = safe_join(folder, filename)
    if path is None or not Path(path).is_file():
        return "0"
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:8]


def _memo(key: tuple[str, ...], build: Callable[[], Any]) -> Any:
    """``build()`` once per process and application root when bundles are not rebuilt on the
    fly (production): a page names about fifteen asset URLs, and each costs a ``url_for``
    or a bundle lookup that gives the same answer until the next deploy restarts us."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    if app.config.get("ASSETS_AUTO_BUILD"):
        return build()
    urls: ProcessCache[Any] = app.extensions.setdefault(
        "backoffice_asset_urls", ProcessCache("asset URLs", 256)
    )
    return urls.get((request.script_root if has_request_context() else "", *key), build)


def bundle_urls(name: str) -> list[str]:
    """The URLs of the registered bundle ``name`` (one file unless ``ASSETS_DEBUG``)."""
    return _memo(("bundle", name), lambda: environment[name].urls())


def admin_static_url(endpoint: str, filename: str, **_hand_versions: str) -> str:
    """A Flask-Admin static URL whose ``v`` is the file's content hash.

    Flask-Admin's templates pass hand-kept versions (``v='1.0.0'``, some none at all) that do
    not change when a Flask-Admin upgrade changes the file; a content hash always does, so
    the file can be cached for a year. ``templates/admin/static.html`` routes every one of
    Flask-Admin's static URLs through here.
    """

    def build() -> str:
        folder = current_app.blueprints[endpoint].static_folder or ""
        version = _admin_static_version(folder, filename)
        return url_for(f"{endpoint}.static", filename=filename, v=version)

    return _memo(("admin", endpoint, filename), build)


def admin_asset(filename: str, **_hand_versions: str) -> str:
    """:func:`admin_static_url` for the admin whose page is being rendered (Flask-Admin's
    default, ``admin``, outside its views). Templates call it without passing the view, so
    the libraries that use it need no import with the context."""
    admin = getattr(get_current_view(), "admin", None)
    return admin_static_url(getattr(admin, "endpoint", "admin"), filename)


def init_app(app: Flask) -> None:
    """Bind the bundles to ``app``; hashed and versioned files get far-future cache headers."""
    app.config.setdefault("ASSETS_VERSIONS", "hash")
    if app.config.get("ASSETS_AUTO_BUILD"):
        Path(app.static_folder or "", "gen").mkdir(parents=True, exist_ok=True)
        Path(app.config["ASSETS_CACHE"]).mkdir(parents=True, exist_ok=True)
    environment.init_app(app)
    app.add_template_global(admin_asset)
    app.add_template_global(bundle_urls)

    @app.after_request
    def _cache_assets(response: Response) -> Response:
        # A repeat visit then loads every asset from the browser's cache, without a request.
        if response.status_code not in (200, 304):
            return response
        if request.path.startswith("/static/gen/"):
            response.headers["Cache-Control"] = IMMUTABLE
        elif request.endpoint == ADMIN_STATIC:
            response.headers["Cache-Control"] = IMMUTABLE if request.args.get("v") else UNVERSIONED
        return response
