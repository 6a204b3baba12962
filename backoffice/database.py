"""Database engine settings that every backend should share, and how requests that only read
use PostgreSQL."""

from __future__ import annotations

import sqlite3
from typing import Any

from flask import Flask, request
from sqlalchemy import event
from sqlalchemy.engine import Engine

from backoffice.extensions import db

#: Requests that never write: every change in the app is a POST.
READ_ONLY_METHODS = frozenset({"GET", "HEAD"})


def init_app(app: Flask) -> None:
    """Make SQLite enforce foreign keys (ON DELETE CASCADE / SET NULL), like PostgreSQL, and
    let PostgreSQL answer read-only requests without a transaction."""
    if not event.contains(Engine, "connect", _sqlite_pragmas):
        event.listen(Engine, "connect", _sqlite_pragmas)
    app.before_request(_read_without_transaction)


def _read_without_transaction() -> None:
    """PostgreSQL: a GET or HEAD request reads in autocommit mode.

    Under PostgreSQL's READ COMMITTED every statement sees its own snapshot, in a transaction
    or not, so for a request that only reads, a transaction adds nothing but two round trips:
    BEGIN before the first statement and ROLLBACK when the connection goes back to the pool
    (a list page makes four statements). Requests that write (POST) keep their transaction.
    A session that is already in a transaction (tests share one) is left as it is.
    """
    if request.method not in READ_ONLY_METHODS or (request.endpoint or "").endswith("static"):
        return
    if db.session().in_transaction() or db.engine.dialect.name != "postgresql":
        return
    db.session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()
