"""Flask-Assets (and webassets under it): our build command, and a manifest safe to share.

**The build command.**
``flask assets`` is Flask-Assets' plugin command group, which an app's own commands cannot
replace; each of its subcommands calls ``flask_assets._webassets_cmd(name)``. Upstream's build
writes into folders it does not create, shows a traceback when it cannot write and exits 0
when a bundle fails; :func:`install` sends ``build`` to ``backoffice.cli.assets`` and leaves
``clean`` and ``watch`` upstream.

**The manifest** (``ASSETS_MANIFEST = "atomic-json:<file>"``): webassets' JSON manifest
rewrites its file in place, so another process reading it meanwhile (a second worker or test
process that builds on the fly) reads half a file and fails with ``JSONDecodeError``; and each
process writes only the versions it knows, dropping the others'. :class:`AtomicJsonManifest`
merges with the file on disk and replaces it atomically.

Relies on: ``flask_assets._webassets_cmd(command_name)`` being what the subcommands call;
webassets' ``FileManifest`` reading and writing through ``_load_manifest`` and
``_save_manifest``, and manifests registered by their ``id`` (tests/test_compat.py).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import flask_assets
from webassets.version import JsonManifest

from backoffice.core import atomic_files

_upstream = flask_assets._webassets_cmd


def install(build: Callable[[], None]) -> None:
    """Route ``flask assets build`` to ``build()`` (idempotent)."""

    def run(command: str) -> None:
        if command == "build":
            build()
        else:
            _upstream(command)

    flask_assets._webassets_cmd = run


class AtomicJsonManifest(JsonManifest):
    """webassets' JSON manifest, merged with the file on disk and written atomically."""

    id = "atomic-json"

    def _load_manifest(self) -> None:
        self.manifest = _read(self.filename)

    def _save_manifest(self) -> None:
        self.manifest = {**_read(self.filename), **self.manifest}
        data = json.dumps(self.manifest, indent=4, sort_keys=True).encode()
        atomic_files.write(Path(self.filename), data)


def _read(filename: str) -> dict[str, Any]:
    """The manifest on disk; nothing if it is missing or unreadable (its bundles are built
    again, which writes it anew)."""
    try:
        with open(filename, encoding="utf-8") as handle:
            data = json.load(handle)
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}
