"""``flask assets build``: every bundle into ``static/gen/`` with its manifest, or one line saying
what could not be written (a fresh clone has neither ``static/gen/`` nor the cache folder).
Flask-Assets' own command is routed here by :mod:`backoffice.compat.flask_assets`.
"""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from webassets.exceptions import BundleError

from backoffice.compat import flask_assets as assets_compat
from backoffice.web.compression import precompress


def install() -> None:
    """Make ``flask assets build`` run :func:`build_command`."""
    assets_compat.install(build_command)


def build_command() -> None:
    """``flask assets build``: the bundles, then their compressed copies."""
    built = build_bundles()
    try:
        compressed = precompress(Path(current_app.static_folder or ""), built)
    except OSError as error:
        where = error.filename or "the static folder"
        raise click.ClickException(f"Cannot write {where}: {error.strerror}.") from None
    click.echo(f"Built {len(built)} asset bundles; {compressed} compressed files.")


def build_bundles() -> list[Path]:
    """Build every registered bundle of the current app and record its version; the folders
    it writes to are created first; the files written. Raise ``click.ClickException`` (one
    line) on failure."""
    environment = current_app.jinja_env.assets_environment  # type: ignore[attr-defined]
    bundles = [bundle for bundle in environment if bundle.output]
    folders = {Path(environment.directory, bundle.output).parent for bundle in bundles}
    manifest = getattr(environment.manifest, "filename", None)
    if manifest:
        folders.add(Path(manifest).parent)
    cache = getattr(environment.cache, "directory", None)
    if cache:
        folders.add(Path(cache))
    try:
        for folder in sorted(folders):
            folder.mkdir(parents=True, exist_ok=True)
        built = []
        for bundle in bundles:
            with bundle.bind(environment):
                bundle.build(force=True)
                built += [Path(environment.directory, url_path) for url_path in _paths(bundle)]
    except BundleError as error:
        raise click.ClickException(f"Cannot build {bundle.output}: {error}") from None
    except OSError as error:
        where = error.filename or "the static folder"
        raise click.ClickException(f"Cannot write {where}: {error.strerror}.") from None
    return built


def _paths(bundle) -> list[str]:
    """The built files of ``bundle``, relative to the static folder."""
    prefix = current_app.static_url_path.rstrip("/") + "/"
    return [url.split("?")[0].removeprefix(prefix) for url in bundle.urls()]
