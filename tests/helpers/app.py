"""The app under test: its database, the users' password, CSRF tokens, and a test client's
sign-in and language.

Importing this module settles the suite's database: on PostgreSQL (``TEST_DATABASE_URL``) each
xdist worker gets a database of its own (``<name>_gw0``, ``<name>_gw1``), made here.
"""

from __future__ import annotations

import os
import re
from typing import TYPE_CHECKING

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from config import TestingConfig

if TYPE_CHECKING:
    from flask.testing import FlaskClient

    from backoffice.models import User


def _worker_database(url: str | None) -> str | None:
    """This xdist worker's own PostgreSQL database (created if missing), else ``url``."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not url or not worker or url.startswith("sqlite"):
        return url
    base = make_url(url)
    if base.database.endswith(f"_{worker}"):  # already this worker's (inherited environment)
        return url
    name = f"{base.database}_{worker}"
    engine = create_engine(base, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        query = text("SELECT 1 FROM pg_database WHERE datname = :name")
        if connection.scalar(query, {"name": name}) is None:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return base.set(database=name).render_as_string(hide_password=False)


DATABASE_URL = _worker_database(os.environ.get("TEST_DATABASE_URL")) or "sqlite://"
if not DATABASE_URL.startswith("sqlite"):
    # Apps made without a database URL, and servers the tests start, use the worker's too.
    os.environ["TEST_DATABASE_URL"] = TestingConfig.SQLALCHEMY_DATABASE_URI = DATABASE_URL
IS_SQLITE = DATABASE_URL.startswith("sqlite")
#: The password of every user made by the ``make_user`` fixture.
PASSWORD = "correct horse battery"
CSRF_FIELD = re.compile(
    r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"'
)


def extract_csrf(html: str) -> str:
    match = CSRF_FIELD.search(html)
    assert match, "page has no CSRF token field"
    return match.group(1) or match.group(2)


def sign_in_client(client: FlaskClient, user: User) -> None:
    """Sign a test client in as ``user`` (made with :data:`PASSWORD`) through the sign-in form."""
    token = extract_csrf(client.get("/login").get_data(as_text=True))
    response = client.post(
        "/login", data={"username": user.username, "password": PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 302


def speak_client(client: FlaskClient, lang: str) -> None:
    """Pick ``lang`` for a test client with the real switcher."""
    token = extract_csrf(client.get("/").get_data(as_text=True))
    response = client.post("/language", data={"locale": lang, "csrf_token": token})
    assert response.status_code == 303
