"""Exact row counts kept by the database itself: ``row_counts(name, n)``.

Counting a million comments on every admin page (the queue tabs, the menu badge, the
dashboard) costs tens of milliseconds each time; these counters cost one primary-key lookup.
Triggers on ``posts`` and ``comments`` keep, per table,

- ``<table>.status.<status>``: rows in each status, and
- ``<table>.month.<YYYY-MM>``: rows created in each calendar month (UTC);

and, in tables of their own, ``author_counts(email, status, n)``: each comment author's
comments per status, by e-mail (the queue shows them beside every comment); and
``tag_counts(tag_id, n)``: the posts of each tag (the tag list's usage column and its sort).

Because the database maintains them (SQLite row triggers; PostgreSQL statement triggers over
the transition tables), fired by ORM writes, bulk ``UPDATE``/``DELETE``, cascades and raw SQL
alike, they are exact across processes and never stale: they cannot drift the way an
application-side cache can, and they commit or roll back with the change they count.
``TRUNCATE`` (tests) bypasses triggers, so it must truncate ``row_counts`` too, which the test
fixtures do.

The triggers are attached to the metadata (so ``db.create_all()`` builds them, as the SQLite
tests do) and created by migrations 0005, 0011 and 0012 (which also fill the counters from
existing rows).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import TypeVar

from sqlalchemy import (
    BigInteger,
    Column,
    ForeignKey,
    String,
    Table,
    bindparam,
    event,
    or_,
    select,
    text,
)
from sqlalchemy.engine import Connection
from sqlalchemy.orm import ORMExecuteState, Session, scoped_session

from backoffice.extensions import db

#: The tables whose rows are counted by status and by month of ``created_at``.
COUNTED_TABLES: tuple[str, ...] = ("posts", "comments")

row_counts = Table(
    "row_counts",
    db.metadata,
    Column("name", String(64), primary_key=True),
    Column("n", BigInteger, nullable=False),
)
#: Comments per author (e-mail) and status; comments without an e-mail are not counted.
author_counts = Table(
    "author_counts",
    db.metadata,
    Column("email", String(255), primary_key=True),
    Column("status", String(16), primary_key=True),
    Column("n", BigInteger, nullable=False),
)
#: Posts per tag: rows of ``post_tags`` per tag (a tag no post uses may have no row). Goes with
#: its tag; the counting triggers leave a deleted tag's count alone (see _apply_tags).
tag_counts = Table(
    "tag_counts",
    db.metadata,
    Column("tag_id", ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True),
    Column("n", BigInteger, nullable=False),
)
#: The tables the triggers write: emptied after the rows they count (test fixtures).
COUNTER_TABLES: tuple[str, ...] = ("row_counts", "author_counts", "tag_counts")


def _sqlite_triggers(table: str) -> list[str]:
    """Insert, delete and update triggers for one table (SQLite has no trigger functions)."""
    status = f"'{table}.status.' || {{row}}.status"
    month = f"'{table}.month.' || strftime('%Y-%m', {{row}}.created_at)"

    def add(row: str) -> str:
        return "".join(
            f"INSERT INTO row_counts (name, n) VALUES ({key.format(row=row)}, 1) "
            "ON CONFLICT (name) DO UPDATE SET n = n + 1; "
            for key in (month, status)
        )

    def remove(row: str) -> str:
        return "".join(
            f"UPDATE row_counts SET n = n - 1 WHERE name = {key.format(row=row)}; "
            for key in (month, status)
        )

    changed = "OLD.status IS NOT NEW.status OR OLD.created_at IS NOT NEW.created_at"
    return [
        f"CREATE TRIGGER row_counts_{table}_insert AFTER INSERT ON {table} BEGIN {add('NEW')}END",
        f"CREATE TRIGGER row_counts_{table}_delete AFTER DELETE ON {table} "
        f"BEGIN {remove('OLD')}END",
        f"CREATE TRIGGER row_counts_{table}_update AFTER UPDATE OF status, created_at "
        f"ON {table} WHEN {changed} BEGIN {remove('OLD')}{add('NEW')}END",
    ]


def _sqlite_author_triggers() -> list[str]:
    """The author counters' triggers on comments (named ``row_counts_…`` like the others)."""
    add = (
        "INSERT INTO author_counts (email, status, n) SELECT NEW.email, NEW.status, 1 "
        "WHERE NEW.email IS NOT NULL ON CONFLICT (email, status) DO UPDATE SET n = n + 1; "
    )
    remove = "UPDATE author_counts SET n = n - 1 WHERE email = OLD.email AND status = OLD.status; "
    changed = "OLD.status IS NOT NEW.status OR OLD.email IS NOT NEW.email"
    return [
        f"CREATE TRIGGER row_counts_authors_insert AFTER INSERT ON comments BEGIN {add}END",
        f"CREATE TRIGGER row_counts_authors_delete AFTER DELETE ON comments BEGIN {remove}END",
        "CREATE TRIGGER row_counts_authors_update AFTER UPDATE OF status, email ON comments "
        f"WHEN {changed} BEGIN {remove}{add}END",
    ]


def _sqlite_tag_triggers() -> list[str]:
    """The tag counters' triggers on post_tags (named ``row_counts_tags_…``)."""
    add = (
        "INSERT INTO tag_counts (tag_id, n) VALUES (NEW.tag_id, 1) "
        "ON CONFLICT (tag_id) DO UPDATE SET n = n + 1; "
    )
    remove = "UPDATE tag_counts SET n = n - 1 WHERE tag_id = OLD.tag_id; "
    return [
        f"CREATE TRIGGER row_counts_tags_insert AFTER INSERT ON post_tags BEGIN {add}END",
        f"CREATE TRIGGER row_counts_tags_delete AFTER DELETE ON post_tags BEGIN {remove}END",
        "CREATE TRIGGER row_counts_tags_update AFTER UPDATE OF tag_id ON post_tags "
        f"WHEN OLD.tag_id IS NOT NEW.tag_id BEGIN {remove}{add}END",
    ]


def _author_rows(rows: str, sign: str) -> str:
    return f"SELECT email, status, {sign}1 AS d FROM {rows} WHERE email IS NOT NULL"


def _apply_authors(changes: str) -> str:
    # In key order, like _apply: concurrent statements lock the counters in one order.
    return (
        f"INSERT INTO author_counts (email, status, n) SELECT email, status, sum(d) "
        f"FROM ({changes}) AS k GROUP BY email, status HAVING sum(d) <> 0 "
        "ORDER BY email, status "
        "ON CONFLICT (email, status) DO UPDATE SET n = author_counts.n + EXCLUDED.n;"
    )


def _tag_rows(rows: str, sign: str) -> str:
    return f"SELECT tag_id, {sign}1 AS d FROM {rows}"


def _apply_tags(changes: str) -> str:
    # A tag deleted in this transaction (its links go by cascade) keeps no count: inserting one
    # would break the foreign key. In key order, like _apply.
    return (
        f"INSERT INTO tag_counts (tag_id, n) SELECT tag_id, sum(d) FROM ({changes}) AS k "
        "WHERE EXISTS (SELECT 1 FROM tags WHERE tags.id = k.tag_id) "
        "GROUP BY tag_id HAVING sum(d) <> 0 ORDER BY tag_id "
        "ON CONFLICT (tag_id) DO UPDATE SET n = tag_counts.n + EXCLUDED.n;"
    )


def _postgresql_tag_triggers() -> list[str]:
    return [
        "CREATE TRIGGER row_counts_tags_insert AFTER INSERT ON post_tags "
        "REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION tag_counts_track()",
        "CREATE TRIGGER row_counts_tags_delete AFTER DELETE ON post_tags "
        "REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION tag_counts_track()",
        "CREATE TRIGGER row_counts_tags_update AFTER UPDATE ON post_tags "
        "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows "
        "FOR EACH STATEMENT EXECUTE FUNCTION tag_counts_track()",
    ]


def _postgresql_author_triggers() -> list[str]:
    return [
        "CREATE TRIGGER row_counts_authors_insert AFTER INSERT ON comments "
        "REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT "
        "EXECUTE FUNCTION author_counts_track()",
        "CREATE TRIGGER row_counts_authors_delete AFTER DELETE ON comments "
        "REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT "
        "EXECUTE FUNCTION author_counts_track()",
        "CREATE TRIGGER row_counts_authors_update AFTER UPDATE ON comments "
        "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows "
        "FOR EACH STATEMENT EXECUTE FUNCTION author_counts_track()",
    ]


def _keys(rows: str, sign: str) -> str:
    return (
        f"SELECT TG_TABLE_NAME || '.month.' || to_char(created_at, 'YYYY-MM') AS name, "
        f"{sign}1 AS d FROM {rows} UNION ALL "
        f"SELECT TG_TABLE_NAME || '.status.' || status, {sign}1 FROM {rows}"
    )


def _apply(changes: str) -> str:
    # One upsert per key and statement, keys in name order: concurrent statements lock the
    # counters in the same order, so they cannot deadlock. That holds per *statement*: a
    # transaction that changes counted rows in several statements locks each statement's
    # counters in turn (pending and approved, then spam), and two such transactions can
    # deadlock (one holds spam and waits for pending, the other the reverse). So a change of
    # many rows is one UPDATE, its rows locked first in id order (backoffice.domain.moderation).
    return (
        f"INSERT INTO row_counts (name, n) SELECT name, sum(d) FROM ({changes}) AS k "
        "GROUP BY name HAVING sum(d) <> 0 ORDER BY name "
        "ON CONFLICT (name) DO UPDATE SET n = row_counts.n + EXCLUDED.n;"
    )


#: PostgreSQL counts per *statement*, from the transition tables: a bulk insert of a million
#: rows updates each counter once, instead of a million times (a row-level trigger would
#: leave a million versions of the same counter row in one transaction). One function serves
#: both tables: keys are built from ``TG_TABLE_NAME``.
def _track_function(name: str, apply: Callable[[str], str], rows: Callable[[str, str], str]) -> str:
    """A PostgreSQL trigger function that applies ``rows`` of the transition tables (+1 for
    new rows, -1 for old ones) to its counters with ``apply``."""
    return f"""
CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    {apply(rows("new_rows", ""))}
  ELSIF TG_OP = 'DELETE' THEN
    {apply(rows("old_rows", "-"))}
  ELSE
    {apply(rows("new_rows", "") + " UNION ALL " + rows("old_rows", "-"))}
  END IF;
  RETURN NULL;
END $$
"""


POSTGRESQL_FUNCTION = _track_function("row_counts_track", _apply, _keys)
#: The author counters per statement, the same way.
POSTGRESQL_AUTHORS_FUNCTION = _track_function("author_counts_track", _apply_authors, _author_rows)
#: And the tag counters.
POSTGRESQL_TAGS_FUNCTION = _track_function("tag_counts_track", _apply_tags, _tag_rows)


def _postgresql_triggers(table: str) -> list[str]:
    # Transition tables allow one event per trigger and no column list.
    return [
        f"CREATE TRIGGER row_counts_{table}_insert AFTER INSERT ON {table} "
        "REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION row_counts_track()",
        f"CREATE TRIGGER row_counts_{table}_delete AFTER DELETE ON {table} "
        "REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION row_counts_track()",
        f"CREATE TRIGGER row_counts_{table}_update AFTER UPDATE ON {table} "
        "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows "
        "FOR EACH STATEMENT EXECUTE FUNCTION row_counts_track()",
    ]


def trigger_statements(dialect: str) -> list[str]:
    """The DDL that creates the counting triggers on ``dialect`` (sqlite or postgresql)."""
    if dialect == "sqlite":
        return [
            *(ddl for table in COUNTED_TABLES for ddl in _sqlite_triggers(table)),
            *_sqlite_author_triggers(),
            *_sqlite_tag_triggers(),
        ]
    if dialect == "postgresql":
        return [
            POSTGRESQL_FUNCTION,
            *(ddl for table in COUNTED_TABLES for ddl in _postgresql_triggers(table)),
            POSTGRESQL_AUTHORS_FUNCTION,
            *_postgresql_author_triggers(),
            POSTGRESQL_TAGS_FUNCTION,
            *_postgresql_tag_triggers(),
        ]
    raise NotImplementedError(f"no row-count triggers for the {dialect} dialect")


def drop_trigger_statements(dialect: str) -> list[str]:
    """The DDL that removes the counting triggers (and PostgreSQL's trigger function)."""
    triggers = [
        (f"row_counts_{name}_{kind}", table)
        for name, table in (
            *((t, t) for t in COUNTED_TABLES),
            ("authors", "comments"),
            ("tags", "post_tags"),
        )
        for kind in ("insert", "delete", "update")
    ]
    if dialect == "postgresql":
        return [f"DROP TRIGGER IF EXISTS {name} ON {table}" for name, table in triggers] + [
            "DROP FUNCTION IF EXISTS row_counts_track()",
            "DROP FUNCTION IF EXISTS author_counts_track()",
            "DROP FUNCTION IF EXISTS tag_counts_track()",
        ]
    return [f"DROP TRIGGER IF EXISTS {name}" for name, _table in triggers]


@contextmanager
def triggers_suspended(connection: Connection) -> Iterator[None]:
    """Bulk-load without per-row counting, then recount once (``flask seed`` of a million
    rows: two upserts per row would double its time). Runs in the caller's transaction."""
    dialect = connection.dialect.name
    for statement in drop_trigger_statements(dialect):
        connection.execute(text(statement))
    yield
    for statement in trigger_statements(dialect):
        connection.execute(text(statement))
    rebuild(connection)


def rebuild_statements(dialect: str) -> list[str]:
    """SQL that recomputes every counter from the rows (after a bulk load, or to check)."""
    month = "strftime('%Y-%m', created_at)" if dialect == "sqlite" else (
        "to_char(created_at, 'YYYY-MM')"
    )  # fmt: skip
    statements = ["DELETE FROM row_counts"]
    for table in COUNTED_TABLES:
        for kind, expression in (("status", "status"), ("month", month)):
            statements.append(
                f"INSERT INTO row_counts (name, n) SELECT '{table}.{kind}.' || {expression}, "
                f"count(*) FROM {table} GROUP BY {expression}"
            )
    return [*statements, *AUTHOR_REBUILD, *TAG_REBUILD]


#: SQL that recomputes the author counters (every dialect).
AUTHOR_REBUILD = (
    "DELETE FROM author_counts",
    "INSERT INTO author_counts (email, status, n) SELECT email, status, count(*) FROM comments "
    "WHERE email IS NOT NULL GROUP BY email, status",
)

#: SQL that recomputes the tag counters (every dialect).
TAG_REBUILD = (
    "DELETE FROM tag_counts",
    "INSERT INTO tag_counts (tag_id, n) SELECT tag_id, count(*) FROM post_tags GROUP BY tag_id",
)


def rebuild(connection: Connection) -> None:
    """Recompute every counter from the rows, in the caller's transaction."""
    for statement in rebuild_statements(connection.dialect.name):
        connection.execute(text(statement))


@event.listens_for(db.metadata, "after_create")
def _create_triggers(metadata: object, connection: Connection, **kw: object) -> None:
    # After every table exists (the triggers name both ``row_counts`` and the counted tables).
    if connection.dialect.name in ("sqlite", "postgresql"):
        for statement in trigger_statements(connection.dialect.name):
            connection.execute(text(statement))


def read(session: Session, names: Iterable[str]) -> dict[str, int]:
    """``{name: count}`` for ``names`` (0 for a counter that does not exist yet).

    The status counters are read together once per transaction (a page
    shows several: the list's count, the queue tabs, the menu badge, the dashboard's cards);
    a flush or any statement but a SELECT through the session reads them again. (Writing on
    the session's connection directly, bypassing the session, is not seen until the
    transaction ends.)
    """
    wanted = list(names)
    statuses = _status_counters(session) if all(_is_status(n) for n in wanted) else None
    if statuses is not None:
        return {name: statuses.get(name, 0) for name in wanted}
    rows = session.execute(
        select(row_counts.c.name, row_counts.c.n).where(row_counts.c.name.in_(wanted))
    )
    found = {name: int(n) for name, n in rows}
    return {name: found.get(name, 0) for name in wanted}


def read_authors(session: Session, emails: Iterable[str]) -> dict[str, dict[str, int]]:
    """``{email: {status: count}}`` for ``emails`` (statuses without comments absent): one
    primary-key range per e-mail, whatever the number of comments. On the session's
    connection, past the ORM (a queue page asks on every request; the ORM's own work per
    statement would cost twice the query)."""
    wanted = sorted(set(emails))
    found: dict[str, dict[str, int]] = {email: {} for email in wanted}
    if wanted:
        for email, status, n in session.connection().execute(_AUTHORS, {"emails": wanted}):
            found[email][status] = int(n)
    return found


_AUTHORS = select(author_counts.c.email, author_counts.c.status, author_counts.c.n).where(
    author_counts.c.email.in_(bindparam("emails", expanding=True))
)


Key = TypeVar("Key", bound=Hashable)


def read_named(session: Session, names: Mapping[Key, str]) -> dict[Key, int]:
    """:func:`read` for counters named by the caller's own keys: ``{key: counter name}`` ->
    ``{key: count}`` (the tabs by status, the chart by (table, month), the dashboard's cards)."""
    numbers = read(session, names.values())
    return {key: numbers[name] for key, name in names.items()}


_MEMO = "row_counts_statuses"
# Every status counter; built once (nearly every page reads them).
_STATUS_COUNTERS = select(row_counts.c.name, row_counts.c.n).where(
    or_(*(row_counts.c.name.like(f"{table}.status.%") for table in COUNTED_TABLES))
)


def _is_status(name: str) -> bool:
    return any(name.startswith(f"{table}.status.") for table in COUNTED_TABLES)


def _status_counters(session: Session) -> dict[str, int]:
    """Every status counter, from the session's memo if the transaction has not written.

    The memo lives in the session's ``info`` (a request's session ends with the request),
    so the model reads no request state."""
    if isinstance(session, scoped_session):
        session = session()  # the request's own session (the proxy has no get_transaction)
    transaction = session.get_transaction()
    memo = session.info.get(_MEMO)
    if memo is not None and transaction is not None and memo[0] is transaction:
        return memo[1]
    rows = session.execute(_STATUS_COUNTERS)
    values = {name: int(n) for name, n in rows}
    session.info[_MEMO] = (session.get_transaction(), values)
    return values


@event.listens_for(Session, "after_flush")
def _forget_after_flush(session: Session, flush_context: object) -> None:
    session.info.pop(_MEMO, None)


@event.listens_for(Session, "after_soft_rollback")
def _forget_after_rollback(session: Session, previous_transaction: object) -> None:
    # A savepoint rolled back keeps the transaction, but not what was written inside it.
    session.info.pop(_MEMO, None)


@event.listens_for(Session, "do_orm_execute")
def _forget_after_write(state: ORMExecuteState) -> None:
    # Anything but a SELECT (raw SQL included) may have fired the counting triggers.
    if not state.is_select:
        state.session.info.pop(_MEMO, None)


def status_key(table: str, status: str) -> str:
    """The counter of ``table`` rows in ``status``: ``"comments.status.pending"``."""
    return f"{table}.status.{status}"


def month_key(table: str, month: str) -> str:
    """The counter of ``table`` rows created in ``month`` (``"YYYY-MM"``)."""
    return f"{table}.month.{month}"
