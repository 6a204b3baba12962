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


def install() -> None:
    """Make ``flask assets build`` run :func:`build_command`."""
    assets_compat.install(build_command)


def build_command() -> None:
    """``flask assets build``."""
    count = build_bundles()
    click.echo(f"Built {count} asset bundles.")


def build_bundles() -> int:
    """Build every registered bundle of the current app and record its version; the folders
    it writes to are created first. Raise ``click.ClickException`` (one line) on failure."""
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
        for bundle in bundles:
            with bundle.bind(environment):
                bundle.build(force=True)
    except BundleError as error:
        raise click.ClickException(f"Cannot build {bundle.output}: {error}") from None
    except OSError as error:
        where = error.filename or "the static folder"
        raise click.ClickException(f"Cannot write {where}: {error.strerror}.") from None
    return len(bundles)
