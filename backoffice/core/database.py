"""Database engine settings that every backend should share, and how requests that only read
use PostgreSQL."""

from __future__ import annotations

import sqlite3
from typing import Any

from flask import Flask, has_request_context, request
from sqlalchemy import Table, event, inspect, literal_column
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Session

#: Requests that never write: every change in the app is a POST.
READ_ONLY_METHODS = frozenset({"GET", "HEAD"})


def table_of(model: Any) -> Table:
    """The table ``model`` is mapped to, for Core statements (bulk inserts, upserts, search
    conditions), through SQLAlchemy's public inspection rather than the declarative
    ``__table__``."""
    return inspect(model).local_table


def init_app(app: Flask) -> None:
    """Make SQLite enforce foreign keys (ON DELETE CASCADE / SET NULL), like PostgreSQL, and
    keep a larger page cache; let PostgreSQL answer read-only requests without a
    transaction."""
    if not event.contains(Engine, "connect", _sqlite_pragmas):
        event.listen(Engine, "connect", _sqlite_pragmas)
    if not event.contains(Engine, "engine_connect", _read_without_transaction):
        event.listen(Engine, "engine_connect", _read_without_transaction)


def _read_without_transaction(connection: Connection) -> None:
    """PostgreSQL: a GET or HEAD request reads in autocommit mode.

    Under PostgreSQL's READ COMMITTED every statement sees its own snapshot, in a transaction
    or not, so for a request that only reads, a transaction adds nothing but two round trips:
    BEGIN before the first statement and ROLLBACK when the connection goes back to the pool
    (a list page makes four statements). Requests that write (POST) keep their transaction.
    Set when the request first uses the database (a page that reads nothing opens nothing);
    the pool restores the isolation level when the connection comes back.
    """
    if connection.dialect.name != "postgresql" or not has_request_context():
        return
    if request.method in READ_ONLY_METHODS:
        connection.execution_options(isolation_level="AUTOCOMMIT")


#: SQLite's page cache per connection, in KiB (SQLite's default is 2,000). A list page reads
#: a few hundred pages of the indexes it walks and the rows it shows; with the default, other
#: requests' pages pushed them out, and each one came back through a system call (the rare
#: word's search and page 2,000 about a tenth faster with 8 MiB; see bench/README.md).
SQLITE_CACHE_KIB = 8192


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA cache_size=-{SQLITE_CACHE_KIB}")  # negative: KiB, not pages
        cursor.close()


def numbered(query: Any, limit: int, offset: int = 0) -> Any:
    """``query`` (a ``Select`` or an ORM ``Query``) with LIMIT and OFFSET written into its SQL
    as numbers rather than parameters.

    psycopg prepares a statement that runs often, and PostgreSQL then keeps one plan for it,
    but only if that plan is no worse than one made for the actual values: with the row
    window unknown it is, so a list page's statement was planned again on every request
    (about 1 ms). Written in, the window is part of the statement and its plan is kept.
    """
    query = query.limit(literal_column(str(int(limit))))
    return query.offset(literal_column(str(int(offset)))) if offset else query


def write_lock(session: Session) -> None:
    """SQLite: take the database's write lock now (``BEGIN IMMEDIATE``), so that what this
    transaction reads next stays true until it ends; other writers wait (busy timeout).
    PostgreSQL locks rows instead (``FOR UPDATE`` in the queries that read them)."""
    connection = session.connection()
    if connection.dialect.name == "sqlite":
        raw = connection.connection.dbapi_connection
        if raw is not None and not raw.in_transaction:  # after a write it holds the lock already
            raw.execute("BEGIN IMMEDIATE")
