"""Command-line interface: ``flask --app main users|seed|translate …``."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from backoffice.cli.seed import seed_command
    from backoffice.cli.translate import translate
    from backoffice.cli.users import users

    app.cli.add_command(users)
    app.cli.add_command(seed_command)
    app.cli.add_command(translate)
