"""Flask-Assets: ``flask assets build`` builds through our own function.

``flask assets`` is Flask-Assets' plugin command group, which an app's own commands cannot
replace; each of its subcommands calls ``flask_assets._webassets_cmd(name)``. Upstream's build
writes into folders it does not create, shows a traceback when it cannot write and exits 0
when a bundle fails; :func:`install` sends ``build`` to ``backoffice.cli.assets`` and leaves
``clean`` and ``watch`` upstream.

Relies on: ``flask_assets._webassets_cmd(command_name)`` being what the subcommands call.
"""

from __future__ import annotations

from collections.abc import Callable

import flask_assets

_upstream = flask_assets._webassets_cmd


def install(build: Callable[[], None]) -> None:
    """Route ``flask assets build`` to ``build()`` (idempotent)."""

    def run(command: str) -> None:
        if command == "build":
            build()
        else:
            _upstream(command)

    flask_assets._webassets_cmd = run
