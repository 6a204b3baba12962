"""Command-line interface: ``flask --app main users|seed|translate|assets …``."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from backoffice.cli import assets
    from backoffice.cli.seed import seed_command
    from backoffice.cli.translate import translate
    from backoffice.cli.users import users

    app.cli.add_command(users)
    app.cli.add_command(seed_command)
    app.cli.add_command(translate)
    assets.install()  # `flask assets build` (Flask-Assets' group) builds through ours
