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

# The development key of earlier versions, published in this file: refused in production.
INSECURE_SECRET = "dev-insecure-secret-key"


class Config:
    """Settings shared by every environment."""

    # Without one, development generates its own (DEV_SECRET_KEY_FILE); production refuses.
    SECRET_KEY = os.environ.get("SECRET_KEY") or None
    # A file in the instance folder that create_app fills once with a random key and reads
    # on every later start, when SECRET_KEY is not set (development only).
    DEV_SECRET_KEY_FILE: str | None = None
    # None means "SQLite file in the instance folder"; resolved by create_app.
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL") or None
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    UPLOADS_DIR = os.environ.get("UPLOADS_DIR") or None
    # Bytes per media upload (default 10 MB); checked by create_app.
    MEDIA_MAX_UPLOAD_BYTES = os.environ.get("MEDIA_MAX_UPLOAD_BYTES") or 10 * 1024 * 1024
    # Where the media library lives: "local" (UPLOADS_DIR) or "s3", a bucket of any
    # S3-compatible store; credentials and region as boto3 reads them (AWS_ACCESS_KEY_ID,
    # AWS_SECRET_ACCESS_KEY, AWS_DEFAULT_REGION). create_app checks the bucket is there.
    MEDIA_STORAGE = os.environ.get("MEDIA_STORAGE") or "local"
    MEDIA_S3_BUCKET = os.environ.get("MEDIA_S3_BUCKET") or None
    # None: AWS itself; another store's URL otherwise (e.g. http://127.0.0.1:9000).
    MEDIA_S3_ENDPOINT_URL = os.environ.get("MEDIA_S3_ENDPOINT_URL") or None

    LANGUAGES = LANGUAGES
    BABEL_DEFAULT_LOCALE = "en"
    # Users who have not chosen a time zone in their profile see times in this one.
    BABEL_DEFAULT_TIMEZONE = os.environ.get("DEFAULT_TIMEZONE") or "UTC"
    BABEL_TRANSLATION_DIRECTORIES = str(ROOT / "translations")
    # The template that the workbench's "update from code" extracts into and merges from.
    TRANSLATION_TEMPLATE = str(ROOT / "babel" / "messages.pot")
    # Bytes per uploaded .po file in the workbench (default 2 MB).
    TRANSLATION_UPLOAD_MAX_BYTES = 2 * 1024 * 1024
    # Characters per translation (each plural form), in the editor and in uploads: Babel's .po
    # writer slows down with the square of a long unbroken word (backoffice/workbench/limits.py).
    TRANSLATION_MAX_LENGTH = 1000

    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session
    # Proxies in front of the app whose X-Forwarded-For/-Proto are trusted (0: none, clients
    # connect directly). The sign-in and comment throttles count per client address.
    TRUSTED_PROXIES = os.environ.get("TRUSTED_PROXIES") or 0
    # Strict-Transport-Security max-age in seconds, sent when PREFERRED_URL_SCHEME is https.
    HSTS_MAX_AGE = os.environ.get("HSTS_MAX_AGE") or 365 * 24 * 3600
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    MAX_CONTENT_LENGTH = 16 * 1024 * 1024

    ASSETS_DEBUG = False
    ASSETS_AUTO_BUILD = True
    # JSON, merged and replaced atomically: processes building on the fly share it safely
    # (backoffice/compat/flask_assets.py).
    ASSETS_MANIFEST = f"atomic-json:{ROOT / 'static' / 'gen' / 'manifest.json'}"
    ASSETS_CACHE = str(ROOT / "static" / ".webassets-cache")
    SEND_FILE_MAX_AGE_DEFAULT = None

    DEBUG_TB_ENABLED = False
    DEBUG_TB_INTERCEPT_REDIRECTS = False
    # The toolbar (and its own pages) only for clients on this machine (backoffice/web/devtools.py).
    DEBUG_TB_HOSTS = ("127.0.0.1", "::1", "::ffff:127.0.0.1")
    # create_app refuses to start when this is set and SECRET_KEY is missing or a placeholder.
    REQUIRE_SECRET_KEY = False
    REQUIRE_BUILT_FILES = False
    FLASK_ADMIN_SWATCH = "default"


class DevelopmentConfig(Config):
    """Local development: debug toolbar with a working SQL panel."""

    # `flask users demo-logins` (scripts/run.sh): sign in as the seed's editor, author, translator.
    DEMO_LOGINS_ALLOWED = True

    DEV_SECRET_KEY_FILE = "dev-secret-key"
    DEBUG_TB_ENABLED = True
    SQLALCHEMY_RECORD_QUERIES = True
    TEMPLATES_AUTO_RELOAD = True


class TestingConfig(Config):
    """The test suite: in-memory SQLite unless DATABASE_URL names another server."""

    TESTING = True
    SECRET_KEY = "testing-secret-key"
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL") or "sqlite://"
    SQLALCHEMY_ENGINE_OPTIONS: dict = {}
    # Never a real bucket from the shell: tests choose S3 explicitly (tests/test_media.py).
    MEDIA_STORAGE = "local"
    # Salted hashing is slow on purpose; tests only need a real hash.
    PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"
    # Bundles served as production serves them, built beforehand (tests/conftest.py builds
    # what is stale once per run): checking every bundle's sources cost 3 ms a page.
    ASSETS_AUTO_BUILD = False


class ProductionConfig(Config):
    """Production: a real SECRET_KEY is required and assets are prebuilt."""

    SESSION_COOKIE_SECURE = os.environ.get("SESSION_COOKIE_SECURE", "1") == "1"
    # "https" when the site is served over HTTPS: turns on HSTS (backoffice/security/transport.py).
    PREFERRED_URL_SCHEME = os.environ.get("PREFERRED_URL_SCHEME") or "http"
    ASSETS_AUTO_BUILD = False
    # `flask users demo-logins` would give known accounts a password: not on a real site.
    DEMO_LOGINS_ALLOWED = False
    REQUIRE_SECRET_KEY = True
    # create_app refuses to serve without the files a deploy builds (backoffice/web/deploy.py).
    REQUIRE_BUILT_FILES = True


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
