"""Configuration: environment selection, the production guard, the debug toolbar."""

from __future__ import annotations

import pytest

from backoffice import create_app
from config import DevelopmentConfig, ProductionConfig, TestingConfig, select_config


@pytest.mark.parametrize(
    ("name", "expected"),
    [("development", DevelopmentConfig), ("testing", TestingConfig),
     ("production", ProductionConfig), (" Production ", ProductionConfig)],
)  # fmt: skip
def test_config_is_chosen_by_name(name, expected):
    assert select_config(name) is expected


def test_development_is_the_default(monkeypatch):
    monkeypatch.delenv("BACKOFFICE_CONFIG", raising=False)
    assert select_config() is DevelopmentConfig


def test_unknown_config_name_is_a_clear_error():
    with pytest.raises(RuntimeError, match="BACKOFFICE_CONFIG='staging' is unknown"):
        select_config("staging")


@pytest.mark.parametrize("key", [None, "", "short", "dev-insecure-secret-key"])
def test_production_refuses_to_start_without_a_real_secret_key(key):
    with pytest.raises(RuntimeError, match="set SECRET_KEY"):
        create_app("production", SECRET_KEY=key, SQLALCHEMY_DATABASE_URI="sqlite://")


def test_production_starts_with_a_real_secret_key():
    app = create_app("production", SECRET_KEY="x" * 40, SQLALCHEMY_DATABASE_URI="sqlite://")
    assert not app.debug
    assert "debugtoolbar" not in app.blueprints


def test_default_database_is_sqlite_in_the_instance_folder(monkeypatch):
    app = create_app("development", SQLALCHEMY_DATABASE_URI=None)
    assert app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///")
    assert app.config["SQLALCHEMY_DATABASE_URI"].endswith("instance/backoffice.db")


def test_templates_and_static_are_the_top_level_folders():
    app = create_app("testing")
    assert app.template_folder.endswith("/templates")
    assert app.static_folder.endswith("/static")
    assert not app.static_folder.endswith("backoffice/static")


def _page_with_toolbar(config: str, **overrides: object) -> str:
    from backoffice.extensions import db

    app = create_app(config, SQLALCHEMY_DATABASE_URI="sqlite://", **overrides)
    with app.app_context():
        db.create_all()
        return app.test_client().get("/login").get_data(as_text=True)


def test_debug_toolbar_appears_in_development_even_without_debug_mode():
    # `flask run` without --debug leaves app.debug False; the toolbar follows the config.
    html = _page_with_toolbar("development")
    assert 'id="flDebug"' in html
    assert "SQLAlchemy" in html


@pytest.mark.parametrize("config", ["testing", "production"])
def test_debug_toolbar_never_appears_outside_development(config):
    html = _page_with_toolbar(config, SECRET_KEY="y" * 40)
    assert "flDebug" not in html


def test_development_toolbar_records_queries_and_lets_redirects_through():
    app = create_app("development", SQLALCHEMY_DATABASE_URI="sqlite://")
    assert app.config["SQLALCHEMY_RECORD_QUERIES"] is True
    assert app.config["DEBUG_TB_INTERCEPT_REDIRECTS"] is False


@pytest.mark.parametrize("zone", ["Mars/Olympus", "", "../etc/localtime", "localtime"])
def test_an_unknown_default_time_zone_stops_the_app_with_a_clear_error(zone):
    with pytest.raises(RuntimeError, match="not an IANA time zone name"):
        create_app("testing", BABEL_DEFAULT_TIMEZONE=zone, SQLALCHEMY_DATABASE_URI="sqlite://")


def test_the_default_time_zone_is_shown_to_users_without_their_own(app):
    from datetime import datetime

    from flask_babel import format_datetime

    app.config["BABEL_DEFAULT_TIMEZONE"] = "Asia/Tokyo"
    with app.test_request_context():
        shown = format_datetime(datetime(2026, 1, 1, 0, 0), "HH:mm")
    assert shown == "09:00"
