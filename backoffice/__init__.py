"""Backoffice: the application factory."""

from __future__ import annotations

from pathlib import Path

from flask import Flask

from backoffice.i18n.timezones import is_allowed_timezone
from config import INSECURE_SECRET, Config, select_config

ROOT = Path(__file__).resolve().parent.parent


def create_app(config: type[Config] | str | None = None, **overrides: object) -> Flask:
    """Build a configured app; ``config`` is a config class or its name."""
    app = Flask(
        __name__,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
        instance_path=str(ROOT / "instance"),
    )
    config_class = config if isinstance(config, type) else select_config(config)
    app.config.from_object(config_class)
    app.config.update(overrides)
    _check_config(app)

    from backoffice import admin, blog, cli, i18n, media, security
    from backoffice.core import database
    from backoffice.domain import audit
    from backoffice.extensions import db, migrate
    from backoffice.web import assets, compression, errors, whitespace
    from backoffice.web.deploy import check_built
    from backoffice.web.devtools import init_toolbar
    from backoffice.workbench.files import remove_stale_temporaries

    # First: its after-request hook then runs last, on the finished page.
    compression.init_app(app)
    database.init_app(app)
    db.init_app(app)
    migrate.init_app(app, db, render_as_batch=True, directory=str(ROOT / "migrations"))
    audit.init_app(app)
    security.init_app(app)
    i18n.init_app(app)
    assets.init_app(app)
    whitespace.init_app(app)
    errors.init_app(app)
    blog.init_app(app)
    media.init_app(app)  # before the admin: its media view needs the storage
    admin.init_app(app)
    cli.init_app(app)
    remove_stale_temporaries(app)  # left beside the catalogs by a killed write
    # `flask run` resets app.debug, so the toolbar follows the config flag, not app.debug.
    init_toolbar(app)
    check_built(app)  # production: built bundles and compiled catalogs, or no start
    return app


def _check_config(app: Flask) -> None:
    """Fill derived settings and refuse to start on an unsafe production configuration."""
    # Development only: production must be given its key (the same on every worker).
    dev_key = app.config.get("DEV_SECRET_KEY_FILE") and not app.config["REQUIRE_SECRET_KEY"]
    if dev_key and not app.config.get("SECRET_KEY"):
        from backoffice.web.devtools import dev_secret_key

        key_file = Path(app.instance_path) / app.config["DEV_SECRET_KEY_FILE"]
        app.config["SECRET_KEY"] = dev_secret_key(key_file)
    if app.config["REQUIRE_SECRET_KEY"]:
        key = app.config.get("SECRET_KEY") or ""
        if key == INSECURE_SECRET or len(key) < 16:
            raise RuntimeError(
                "Refusing to start: set SECRET_KEY to a long random value in production "
                '(for example: python -c "import secrets; print(secrets.token_hex(32))").'
            )
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        Path(app.instance_path).mkdir(parents=True, exist_ok=True)
        app.config["SQLALCHEMY_DATABASE_URI"] = (
            f"sqlite:///{Path(app.instance_path) / 'backoffice.db'}"
        )
    if not app.config.get("UPLOADS_DIR"):
        app.config["UPLOADS_DIR"] = str(Path(app.instance_path) / "uploads")
    if not is_allowed_timezone(app.config["BABEL_DEFAULT_TIMEZONE"]):
        raise RuntimeError(
            f"Refusing to start: DEFAULT_TIMEZONE {app.config['BABEL_DEFAULT_TIMEZONE']!r} is "
            "not an IANA time zone name (for example 'Europe/Berlin' or 'UTC')."
        )
