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
from backoffice.compat.werkzeug import unproxied
from backoffice.core.caches import ProcessCache, app_cache, memoized
from backoffice.extensions import assets as environment

# Registered once per process: webassets keeps a global registry per Environment.
# Our own sources: rtl.css only applies under [dir="rtl"], in the same file so that it is one
# cached request; select2-texts.js must run after select2 and before any picker is made.
OWN_CSS = ("css/app.css", "css/access.css", "css/rtl.css", "css/workbench-tools.css")
OWN_JS = ("js/app.js", "js/workbench.js", "js/workbench-tools.js")
OWN_PICKER_JS = ("js/select2-texts.js", "js/timezone-picker.js")

# The public blog: Bootstrap's stylesheet (Flask-Admin's copy) and ours.
app_css = Bundle(*OWN_CSS, filters="cssmin", output="gen/app.%(version)s.css")
app_js = Bundle(*OWN_PICKER_JS, *OWN_JS, filters="jsmin", output="gen/app.%(version)s.js")
environment.register("app_css", app_css)
environment.register("app_js", app_js)


def _flask_admin(*names: str, filters: str | None = None) -> Bundle:
    """Flask-Admin's static files, as they are: minified by upstream, or small (and jsmin
    and cssmin break some vendor files, see the README). ``admin/`` is its blueprint's folder;
    ``cssrewrite`` keeps the images and fonts their stylesheets name where they are."""
    return Bundle(*(f"admin/{name}" for name in names), filters=filters)


# The admin: every page loads one stylesheet and one script, built from Flask-Admin's files
# and ours; pages with pickers (lists, forms, the profile) add one of each; the post form
# adds the editor's pair. Flask-Admin's files keep the order its templates load them in.
admin_css = Bundle(
    _flask_admin(
        "bootstrap/bootstrap4/css/bootstrap.min.css",
        "admin/css/bootstrap4/admin.css",
        "bootstrap/bootstrap4/css/font-awesome.min.css",
        filters="cssrewrite",
    ),
    # The icon font cut down to the icons we name (scripts/subset_icons.py): 2 KB, not 77.
    Bundle("css/icons.css", filters="cssrewrite"),
    Bundle(*OWN_CSS, filters="cssmin"),
    output="gen/admin.%(version)s.css",
)
admin_js = Bundle(
    _flask_admin(
        "vendor/jquery.min.js",
        "bootstrap/bootstrap4/js/popper.min.js",
        "bootstrap/bootstrap4/js/bootstrap.min.js",
        "vendor/bootstrap4/util.js",
        "vendor/bootstrap4/dropdown.js",
        "vendor/multi-level-dropdowns-bootstrap/bootstrap4-dropdown-ml-hack.js",
        "admin/js/helpers.js",
    ),
    Bundle(*OWN_JS, filters="jsmin"),
    output="gen/admin.%(version)s.js",
)
picker_css = Bundle(
    _flask_admin(
        "vendor/select2/select2.css",
        "vendor/select2/select2-bootstrap4.css",
        "vendor/bootstrap-daterangepicker/daterangepicker-bs4.css",
        filters="cssrewrite",
    ),
    # The comment queue's keyboard moderation (a few rules): in the lists' pair, not a
    # request of its own.
    Bundle("css/moderation-keys.css", filters="cssmin"),
    output="gen/pickers.%(version)s.css",
)


def _form_scripts() -> tuple[Bundle, ...]:
    """Flask-Admin's form scripts: select2 (in the reader's language), date pickers, form.js."""
    return (
        _flask_admin("vendor/moment.min.js", "vendor/select2/select2.min.js"),
        Bundle(*OWN_PICKER_JS, filters="jsmin"),
        _flask_admin("vendor/bootstrap-daterangepicker/daterangepicker.js", "admin/js/form.js"),
    )


form_js = Bundle(*_form_scripts(), output="gen/form.%(version)s.js")
# A list page: the form scripts (its filters are form fields), its modal, filters and actions,
# and the comment queue's keyboard moderation (inert on a page without its list of keys).
list_js = Bundle(
    *_form_scripts(),
    _flask_admin("admin/js/bs4_modal.js", "admin/js/bs4_filters.js", "admin/js/actions.js"),
    Bundle("js/moderation-keys.js", filters="jsmin"),
    output="gen/list.%(version)s.js",
)
for bundle_name, registered in {
    "admin_css": admin_css,
    "admin_js": admin_js,
    "picker_css": picker_css,
    "form_js": form_js,
    "list_js": list_js,
}.items():
    environment.register(bundle_name, registered)

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


def _url_memo(key: tuple[str, ...], build: Callable[[], Any]) -> Any:
    """``build()`` once per process and application root when bundles are not rebuilt on the
    fly (production): a page names about fifteen asset URLs, and each costs a ``url_for``
    or a bundle lookup that gives the same answer until the next deploy restarts us."""
    app = unproxied(current_app)
    if app.config.get("ASSETS_AUTO_BUILD"):
        return build()
    urls: ProcessCache[Any] = app_cache(
        "backoffice_asset_urls", lambda: ProcessCache("asset URLs", 256)
    )
    return urls.get((request.script_root if has_request_context() else "", *key), build)


def bundle_urls(name: str) -> list[str]:
    """The URLs of the registered bundle ``name`` (one file unless ``ASSETS_DEBUG``)."""
    return _url_memo(("bundle", name), lambda: environment[name].urls())


def bundle_files(name: str) -> list[str]:
    """The files the registered bundle ``name`` is made of, in order: ``admin/<path>`` for
    Flask-Admin's (its blueprint's static folder), else paths in our static folder."""

    def flat(bundle: Bundle) -> list[str]:
        return [
            f
            for item in bundle.contents
            for f in (flat(item) if isinstance(item, Bundle) else [item])
        ]

    return flat(environment[name])


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

    return _url_memo(("admin", endpoint, filename), build)


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
