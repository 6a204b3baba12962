"""Database settings: SQLite's pragmas on every connection; read-only requests on PostgreSQL
run without a transaction."""

from __future__ import annotations

from contextlib import contextmanager

import pytest
from sqlalchemy import create_engine, event

from backoffice.extensions import db
from backoffice.models import Tag

POSTGRESQL_ONLY = pytest.mark.postgresql_only("PostgreSQL only: SQLite keeps transactions")


@pytest.mark.sqlite_only("SQLite's own settings")
def test_every_sqlite_connection_enforces_foreign_keys_and_keeps_an_8_mib_page_cache(app, tmp_path):
    other = create_engine(f"sqlite:///{tmp_path / 'other.db'}")  # any engine, any connection
    try:
        for engine in (db.engine, other):
            with engine.connect() as connection:
                assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
                assert connection.exec_driver_sql("PRAGMA cache_size").scalar() == -8192
    finally:
        other.dispose()


@contextmanager
def autocommit_seen():
    """The DBAPI connection's autocommit flag at each statement sent while the block runs."""
    seen: list[bool] = []

    def spy(conn, cursor, statement, parameters, context, executemany):
        seen.append(conn.connection.dbapi_connection.autocommit)

    event.listen(db.engine, "before_cursor_execute", spy)
    try:
        yield seen
    finally:
        event.remove(db.engine, "before_cursor_execute", spy)


def _fresh_session() -> None:
    # The tests share one session; a request in production starts with none in progress.
    db.session.commit()
    db.session.close()


@POSTGRESQL_ONLY
def test_a_get_request_reads_in_autocommit_mode(client, login_as):
    login_as("editor")
    _fresh_session()
    with autocommit_seen() as seen:
        assert client.get("/admin/posts/").status_code == 200
    assert seen and all(seen)


@POSTGRESQL_ONLY
def test_a_post_request_keeps_its_transaction(client, login_as, csrf):
    login_as("editor")
    token = csrf()
    _fresh_session()
    with autocommit_seen() as seen:
        response = client.post(
            "/admin/tags/new/", data={"title": "Transactional", "csrf_token": token}
        )
    assert response.status_code == 302
    assert seen and not any(seen)
    assert db.session.query(Tag).filter_by(title="Transactional").count() == 1
