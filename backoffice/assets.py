"""Flask-Assets bundles: our own CSS through cssmin and JS through jsmin, hashed names."""

from __future__ import annotations

from pathlib import Path

from flask import Flask, Response, request
from flask_assets import Bundle

from backoffice.extensions import assets as environment

# Registered once per process: webassets keeps a global registry per Environment.
# rtl.css only applies under [dir="rtl"]; one bundle keeps it a single cached request.
app_css = Bundle("css/app.css", "css/rtl.css", filters="cssmin", output="gen/app.%(version)s.css")
app_js = Bundle("js/app.js", "js/workbench.js", filters="jsmin", output="gen/app.%(version)s.js")
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


def init_app(app: Flask) -> None:
    """Bind the bundles to ``app``; hashed files get far-future cache headers."""
    app.config.setdefault("ASSETS_VERSIONS", "hash")
    if app.config.get("ASSETS_AUTO_BUILD"):
        Path(app.static_folder or "", "gen").mkdir(parents=True, exist_ok=True)
        Path(app.config["ASSETS_CACHE"]).mkdir(parents=True, exist_ok=True)
    environment.init_app(app)

    @app.after_request
    def _cache_hashed_assets(response: Response) -> Response:
        if request.path.startswith("/static/gen/") and response.status_code == 200:
            response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
        return response
