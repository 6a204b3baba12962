"""Configuration classes, selected by the ``BACKOFFICE_CONFIG`` environment variable."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent

#: Languages offered in the switcher: code -> (own name, text direction).
LANGUAGES: dict[str, tuple[str, str]] = {
    "en": ("English", "ltr"),
    "de": ("Deutsch", "ltr"),
    "fr": ("Français", "ltr"),
    "es": ("Español", "ltr"),
    "pt": ("Português", "ltr"),
    "ar": ("العربية", "rtl"),
}

# Value that marks a SECRET_KEY as "not chosen by the operator".
INSECURE_SECRET = "dev-insecure-secret-key"


class Config:
    """Settings shared by every environment."""

    SECRET_KEY = os.environ.get("SECRET_KEY", INSECURE_SECRET)
    # None means "SQLite file in the instance folder"; resolved by create_app.
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL") or None
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    UPLOADS_DIR = os.environ.get("UPLOADS_DIR") or None
    # Bytes per media upload (default 10 MB); checked by create_app.
    MEDIA_MAX_UPLOAD_BYTES = os.environ.get("MEDIA_MAX_UPLOAD_BYTES") or 10 * 1024 * 1024

    LANGUAGES = LANGUAGES
    BABEL_DEFAULT_LOCALE = "en"
    # Users who have not chosen a time zone in their profile see times in this one.
    BABEL_DEFAULT_TIMEZONE = os.environ.get("DEFAULT_TIMEZONE") or "UTC"
    BABEL_TRANSLATION_DIRECTORIES = str(ROOT / "translations")
    # The template that the workbench's "update from code" extracts into and merges from.
    TRANSLATION_TEMPLATE = str(ROOT / "babel" / "messages.pot")
    # Bytes per uploaded .po file in the workbench (default 2 MB).
    TRANSLATION_UPLOAD_MAX_BYTES = 2 * 1024 * 1024

    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    MAX_CONTENT_LENGTH = 16 * 1024 * 1024

    ASSETS_DEBUG = False
    ASSETS_AUTO_BUILD = True
    ASSETS_MANIFEST = f"json:{ROOT / 'static' / 'gen' / 'manifest.json'}"
    ASSETS_CACHE = str(ROOT / "static" / ".webassets-cache")
    SEND_FILE_MAX_AGE_DEFAULT = None

    DEBUG_TB_ENABLED = False
    DEBUG_TB_INTERCEPT_REDIRECTS = False
    # create_app refuses to start when this is set and SECRET_KEY is missing or a placeholder.
    REQUIRE_SECRET_KEY = False
    FLASK_ADMIN_SWATCH = "default"


class DevelopmentConfig(Config):
    """Local development: debug toolbar with a working SQL panel."""

    DEBUG_TB_ENABLED = True
    SQLALCHEMY_RECORD_QUERIES = True
    TEMPLATES_AUTO_RELOAD = True


class TestingConfig(Config):
    """The test suite: in-memory SQLite unless DATABASE_URL names another server."""

    TESTING = True
    SECRET_KEY = "testing-secret-key"
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL") or "sqlite://"
    SQLALCHEMY_ENGINE_OPTIONS: dict = {}
    # Salted hashing is slow on purpose; tests only need a real hash.
    PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"


class ProductionConfig(Config):
    """Production: a real SECRET_KEY is required and assets are prebuilt."""

    SESSION_COOKIE_SECURE = os.environ.get("SESSION_COOKIE_SECURE", "1") == "1"
    ASSETS_AUTO_BUILD = False
    REQUIRE_SECRET_KEY = True


CONFIGS: dict[str, type[Config]] = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}


def select_config(name: str | None = None) -> type[Config]:
    """Return the config class named by ``name`` or ``BACKOFFICE_CONFIG`` (default development)."""
    name = (name or os.environ.get("BACKOFFICE_CONFIG") or "development").strip().lower()
    try:
        return CONFIGS[name]
    except KeyError:
        choices = ", ".join(sorted(CONFIGS))
        raise RuntimeError(
            f"BACKOFFICE_CONFIG={name!r} is unknown; choose one of {choices}."
        ) from None
