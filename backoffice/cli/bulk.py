"""Bulk loading for ``flask seed``: many rows, one transaction, indexes built once at the end.

Everything happens on one connection inside the caller's transaction: if the load fails,
the dropped indexes and triggers come back with the rollback (SQLite and PostgreSQL both
have transactional DDL).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from itertools import islice
from typing import Any

from sqlalchemy import Connection, Engine, bindparam, text

from backoffice.domain.search import SEARCHABLE
from backoffice.models import counts

CHUNK = 20_000
#: SQLite settings for the load only (restored afterwards): no fsync, journal in memory,
#: 256 MB of page cache so index pages stay in memory.
#: Foreign keys are not checked row by row: the seed generates only valid references.
SQLITE_BULK_PRAGMAS = {
    "synchronous": "OFF",
    "journal_mode": "MEMORY",
    "cache_size": "-262144",
    "foreign_keys": "OFF",
}


def chunks(rows: Iterable[Any], size: int = CHUNK) -> Iterator[list[Any]]:
    """``rows`` in lists of at most ``size``."""
    iterator = iter(rows)
    while chunk := list(islice(iterator, size)):
        yield chunk


def insert_rows(conn: Connection, table: str, columns: Sequence[str], rows: list[tuple]) -> None:
    """Insert pre-built tuples: PostgreSQL ``COPY``, elsewhere one ``executemany``.

    Values go to the driver as they are (no type processing): times are strings in the
    format of :func:`backoffice.cli.seed_data.stamp`.
    """
    if not rows:
        return
    names = ", ".join(columns)
    if conn.dialect.name == "postgresql":
        cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
        with cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        return
    mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    marks = ", ".join(mark for _ in columns)
    conn.exec_driver_sql(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)


@contextmanager
def sqlite_pragmas(conn: Connection) -> Iterator[None]:
    """Faster, less durable SQLite settings while the block runs (outside a transaction)."""
    if conn.dialect.name != "sqlite":
        yield
        return
    before = {name: conn.exec_driver_sql(f"PRAGMA {name}").scalar() for name in SQLITE_BULK_PRAGMAS}
    for name, value in SQLITE_BULK_PRAGMAS.items():
        conn.exec_driver_sql(f"PRAGMA {name}={value}")
    try:
        yield
    finally:
        # A failed load leaves its transaction open, and SQLite ignores some of these inside
        # one: end it first, or the pooled connection would keep the unsafe settings.
        conn.rollback()
        for name, value in before.items():
            conn.exec_driver_sql(f"PRAGMA {name}={value}")


def vacuum_analyze(engine: Engine, tables: Sequence[str]) -> None:
    """PostgreSQL, after a bulk load: ``VACUUM ANALYZE`` ``tables`` (outside a transaction).

    Autovacuum would, on its own schedule; until then the planner guesses (and a guess about
    how many rows a search matches decides between an index and a scan, see
    backoffice.domain.search), and no page of the new rows is marked all-visible, so every
    index-only scan of a list still reads the table. SQLite keeps no statistics unless
    asked, and its plans here do not depend on them.
    """
    if engine.dialect.name != "postgresql":
        return
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        for table in tables:
            conn.exec_driver_sql(f"VACUUM ANALYZE {table}")


@contextmanager
def deferred_indexes(
    conn: Connection, tables: Sequence[str], max_id: dict[str, int]
) -> Iterator[None]:
    """Drop the secondary indexes (and, on SQLite, the search triggers) of ``tables`` while
    the block inserts, then build them in one pass each. The counting triggers are suspended
    meanwhile (:func:`backoffice.models.counts.triggers_suspended`), which recounts once at
    the end, when the indexes are back.

    ``max_id`` is each table's largest id before the load: only rows above it are added to
    the SQLite search tables (the triggers would have added them one by one).
    """
    # On an exception the caller rolls back, which restores whatever was dropped.
    with counts.triggers_suspended(conn):
        saved = _drop_secondary(conn, tables)
        yield
        if conn.dialect.name == "postgresql":
            conn.exec_driver_sql("SET LOCAL maintenance_work_mem = '256MB'")
        for statement in saved:
            conn.exec_driver_sql(statement)
    if conn.dialect.name == "sqlite":
        for table in tables:
            spec = SEARCHABLE.get(table)
            if spec is not None:
                cols = ", ".join(spec.columns)
                conn.execute(
                    text(
                        f"INSERT INTO {spec.fts_table}(rowid, {cols}) "
                        f"SELECT id, {cols} FROM {table} WHERE id > :after"
                    ),
                    {"after": max_id.get(table, 0)},
                )


def _drop_secondary(conn: Connection, tables: Sequence[str]) -> list[str]:
    """Drop indexes not backing a primary key or unique constraint; their DDL to rebuild."""
    saved: list[str] = []
    if conn.dialect.name == "sqlite":
        rows = conn.execute(
            text(
                "SELECT type, name, sql FROM sqlite_master WHERE tbl_name IN :tables "
                "AND type IN ('index', 'trigger') AND sql IS NOT NULL"
            ).bindparams(_expanding("tables")),
            {"tables": list(tables)},
        ).all()
        for kind, name, sql in rows:
            conn.exec_driver_sql(f'DROP {kind.upper()} "{name}"')
            saved.append(sql)
        return saved
    if conn.dialect.name == "postgresql":
        rows = conn.execute(
            text(
                "SELECT i.indexname, i.indexdef FROM pg_indexes i "
                "WHERE i.schemaname = current_schema() AND i.tablename IN :tables "
                "AND NOT EXISTS (SELECT 1 FROM pg_constraint c "
                "WHERE c.conname = i.indexname AND c.connamespace = "
                "(SELECT oid FROM pg_namespace WHERE nspname = i.schemaname))"
            ).bindparams(_expanding("tables")),
            {"tables": list(tables)},
        ).all()
        for name, definition in rows:
            conn.exec_driver_sql(f'DROP INDEX "{name}"')
            saved.append(definition)
    return saved


def _expanding(name: str) -> Any:
    return bindparam(name, expanding=True)
