"""What a deploy builds before the app serves: the asset bundles and the compiled catalogs.

Production builds neither on the fly (``ASSETS_AUTO_BUILD`` is off, and ``.mo`` files are not
committed): without the bundles every page fails, without the catalogs every page is silently
English. So with ``REQUIRE_BUILT_FILES`` (production) ``create_app`` refuses to start, naming
the command to run, and a WSGI server's worker fails to boot instead of answering 500.
"""

from __future__ import annotations

from pathlib import Path

import click
from flask import Flask
from flask.cli import ScriptInfo
from webassets.exceptions import BundleError

BUILD_ASSETS = "flask --app main assets build"
COMPILE_CATALOGS = "flask --app main translate compile"


def check_built(app: Flask) -> None:
    """Raise ``RuntimeError`` naming the commands to run if a bundle or catalog is not built."""
    if not app.config["REQUIRE_BUILT_FILES"] or not serving():
        return
    problems = []
    bundle = unbuilt_bundle(app)
    if bundle:
        problems.append(f"{bundle}: run `{BUILD_ASSETS}`")
    catalog = uncompiled_catalog(app)
    if catalog:
        problems.append(f"{catalog}: run `{COMPILE_CATALOGS}`")
    if problems:
        raise RuntimeError(
            f"Refusing to start: {'; '.join(problems)} (with the same settings as the app), "
            "then start it again."
        )


def serving() -> bool:
    """False while a ``flask`` command other than ``run`` loads the app: the commands that
    build, compile, migrate or create users run before anything is built."""
    context = click.get_current_context(silent=True)
    if context is None or context.find_object(ScriptInfo) is None:
        return True  # a WSGI server, or a test
    return context.info_name == "run"


def unbuilt_bundle(app: Flask) -> str | None:
    """The first registered bundle without a version in the manifest or without its file."""
    from backoffice.extensions import assets as environment

    with app.app_context():
        for bundle in environment:
            with bundle.bind(environment):
                try:
                    path = Path(bundle.resolve_output(version=bundle.get_version(refresh=True)))
                except BundleError:  # no version in the manifest
                    pattern = Path(environment.directory, bundle.output.replace("%(version)s", "*"))
                    return f"the asset bundle {_shown(app, pattern)} is not built"
            if not path.is_file():
                return f"{_shown(app, path)} is missing"
    return None


def uncompiled_catalog(app: Flask) -> str | None:
    """The first ``.po`` catalog in ``BABEL_TRANSLATION_DIRECTORIES`` without its ``.mo``."""
    for directory in app.config["BABEL_TRANSLATION_DIRECTORIES"].split(";"):
        for po in sorted(Path(directory).glob("*/LC_MESSAGES/*.po")):
            if not po.with_suffix(".mo").is_file():
                return f"the catalog {_shown(app, po)} is not compiled"
    return None


def _shown(app: Flask, path: Path) -> str:
    root = Path(app.root_path).parent
    return str(path.relative_to(root)) if path.is_relative_to(root) else str(path)
