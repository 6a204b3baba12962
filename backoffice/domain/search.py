"""Full-text search behind one interface: :func:`matching` (SQLite FTS5, PostgreSQL tsvector).

What a search term means, on both databases:

* it is split at whitespace into words; every word must occur (words are ANDed);
* a word containing punctuation (``e-mail``, ``ana@example.org``) is a phrase of its parts;
* the last word is a prefix, so results appear while typing (``flas`` finds "Flask");
* matching ignores case but not accents ("café" is not "cafe");
* a term without letters or digits is no search at all (every row).

Nothing in a term is syntax: quotes, ``*``, ``NEAR(``, ``AND``, ``-x`` are plain text, so a
user can never produce a query error.

SQLite keeps an external-content FTS5 table per searchable table (``posts_fts``), filled by
triggers (the posts' one also indexes the prefixes of 2 to 6 characters of every word, so a
prefix query reads one list instead of merging every word that starts with it); PostgreSQL
stores each row's words in a generated column with a GIN index (:meth:`FullText.pg_ddl`).
Both use no
stemming ('simple' configuration, ``unicode61`` tokenizer): the content is multilingual and
stemming with one language's rules would mangle the others.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Hashable
from dataclasses import dataclass
from functools import reduce
from typing import Any

from sqlalchemy import (
    DDL,
    ColumnElement,
    Table,
    bindparam,
    cast,
    column,
    event,
    func,
    literal,
    literal_column,
    select,
    table,
    text,
)
from sqlalchemy.dialects.postgresql import TSQUERY, TSVECTOR
from sqlalchemy.sql.elements import TextClause

from backoffice.core.caches import ProcessCache
from backoffice.core.database import numbered, table_of

#: At most this many words of a term are used, each cut to this many characters.
MAX_WORDS = 16
MAX_WORD_LENGTH = 64
#: PostgreSQL text search configuration: no stemming, no stop words, lower case.
PG_CONFIG = "simple"
#: PostgreSQL: the generated column holding each row's words (not part of the models: the
#: database computes it, and SQLite has no such type).
PG_COLUMN = "search_document"
#: The name of the parameters that hold a term's words in a search's statements.
TERM_PARAMETER = "search_term"


#: How a list finds the rows matching a term (chosen per request by the admin's search box).
#: RARE: fetch the matches by id, then sort them. COMMON: walk the list's sort index and test
#: each row against the matches, read once into a temporary set. PROBE: walk the sort index
#: and look each row up in the search index (only where one lookup is cheap: see probes_cheaply).
RARE, COMMON, PROBE = "rare", "common", "probe"


@dataclass(frozen=True)
class FullText:
    """The searchable text columns of one table."""

    table: str
    columns: tuple[str, ...]
    #: SQLite: prefix lengths (in characters) that get an index of their own. A prefix query
    #: of another length merges the lists of every word it matches: milliseconds for a prefix
    #: of a common word, paid again on each lookup of one row.
    prefixes: tuple[int, ...] = ()

    @property
    def fts_table(self) -> str:
        """The SQLite FTS5 table (its shadow tables are named ``<fts_table>_*``)."""
        return f"{self.table}_fts"

    @property
    def pg_index(self) -> str:
        """The PostgreSQL GIN index over the stored document."""
        return f"ix_{self.table}_search"

    def sqlite_ddl(self) -> list[str]:
        """Statements creating the FTS5 table and the triggers that keep it in sync."""
        return [self.sqlite_table_ddl(), *self.sqlite_trigger_ddl()]

    def sqlite_table_ddl(self) -> str:
        """The statement creating the FTS5 table (the triggers are separate)."""
        prefix = f", prefix='{' '.join(map(str, self.prefixes))}'" if self.prefixes else ""
        return (
            f"CREATE VIRTUAL TABLE IF NOT EXISTS {self.fts_table} USING fts5("
            f"{', '.join(self.columns)}, content='{self.table}', content_rowid='id', "
            f"tokenize='unicode61 remove_diacritics 0'{prefix})"
        )

    def sqlite_trigger_ddl(self) -> list[str]:
        """The three sync triggers; only changes of the searched columns touch the index."""
        cols = ", ".join(self.columns)
        fts, src = self.fts_table, self.table
        new = ", ".join(f"new.{c}" for c in self.columns)
        old = ", ".join(f"old.{c}" for c in self.columns)
        add = f"INSERT INTO {fts}(rowid, {cols}) VALUES (new.id, {new});"
        remove = f"INSERT INTO {fts}({fts}, rowid, {cols}) VALUES ('delete', old.id, {old});"
        return [
            f"CREATE TRIGGER IF NOT EXISTS {fts}_ai AFTER INSERT ON {src} BEGIN {add} END",
            f"CREATE TRIGGER IF NOT EXISTS {fts}_ad AFTER DELETE ON {src} BEGIN {remove} END",
            f"CREATE TRIGGER IF NOT EXISTS {fts}_au AFTER UPDATE OF {cols} ON {src} "
            f"BEGIN {remove} {add} END",
        ]

    def pg_ddl(self) -> list[str]:
        """PostgreSQL: the stored document column (kept by the database itself) and its GIN
        index. Checking a row against a query then reads the stored words instead of parsing
        the row's text again (about 40 µs a post), which a count or a walk of the list does
        for every row it visits."""
        return [
            f"ALTER TABLE {self.table} ADD COLUMN {PG_COLUMN} tsvector "
            f"GENERATED ALWAYS AS ({document_sql(self)}) STORED",
            f"CREATE INDEX {self.pg_index} ON {self.table} USING gin ({PG_COLUMN})",
        ]


# Comments have no prefix index: for a million comments it would almost double the time of
# `flask seed` (measured 29 s -> 53 s, limit 60 s), and the comment list's search has no
# speed target; its common words are read into a temporary set (COMMON), 0.1-0.2 s.
POSTS = FullText("posts", ("title", "body"), prefixes=(2, 3, 4, 5, 6))
COMMENTS = FullText("comments", ("author_name", "email", "text"))
SEARCHABLE: dict[str, FullText] = {spec.table: spec for spec in (POSTS, COMMENTS)}


def document_sql(spec: FullText) -> str:
    """PostgreSQL's ``to_tsvector('simple', a || ' ' || b …)`` over ``spec``'s columns: the
    expression of the stored ``search_document`` column."""
    # "@" becomes a space: PostgreSQL's parser would keep an e-mail address as one token, and
    # then neither its name nor its domain would be found on their own.
    joined = " || ' ' || ".join(f"replace(coalesce({c}, ''), '@', ' ')" for c in spec.columns)
    return f"to_tsvector('{PG_CONFIG}'::regconfig, {joined})"


def document(spec: FullText) -> ColumnElement[Any]:
    """The stored ``search_document`` column of ``spec``'s table (PostgreSQL)."""
    return literal_column(f"{spec.table}.{PG_COLUMN}", type_=TSVECTOR)


def _pg_config() -> TextClause:
    return text(f"'{PG_CONFIG}'::regconfig")


def install_pg_search(source: Table, spec: FullText) -> None:
    """Add the stored document and its GIN index whenever ``create_all`` creates ``source``
    on PostgreSQL (migration 0007 does the same)."""
    for statement in spec.pg_ddl():
        event.listen(source, "after_create", DDL(statement).execute_if(dialect="postgresql"))


def install_sqlite_triggers(source: Table, spec: FullText) -> None:
    """Create the FTS5 table and triggers whenever ``create_all`` creates ``source`` on SQLite."""
    for statement in spec.sqlite_ddl():
        event.listen(source, "after_create", DDL(statement).execute_if(dialect="sqlite"))
    drop = DDL(f"DROP TABLE IF EXISTS {spec.fts_table}").execute_if(dialect="sqlite")
    event.listen(source, "after_drop", drop)


def is_search_table(name: str | None) -> bool:
    """True for FTS5 tables and their shadow tables (not part of the models' metadata)."""
    return any(
        name == spec.fts_table or (name or "").startswith(f"{spec.fts_table}_")
        for spec in SEARCHABLE.values()
    )


def outside_the_models(name: str | None, type_: str, parent_names: Any) -> bool:
    """Alembic's ``include_name``: False for the search machinery that lives beside the
    models (SQLite's FTS5 tables, PostgreSQL's stored document column and its GIN index), so
    autogenerate neither drops nor re-creates it."""
    if type_ == "table":
        return not is_search_table(name)
    if type_ == "column":
        return name != PG_COLUMN
    if type_ == "index":
        return name not in {spec.pg_index for spec in SEARCHABLE.values()}
    return True


def words(term: str | None, limit: int = MAX_WORDS) -> list[str]:
    """The words of a search term that can match something (see the module docstring)."""
    text = unicodedata.normalize("NFC", term or "")
    text = "".join(ch if ch.isprintable() else " " for ch in text)
    kept = [w[:MAX_WORD_LENGTH] for w in text.split() if any(ch.isalnum() for ch in w)]
    return kept[:limit]


def fts5_query(parts: list[str]) -> str:
    """An FTS5 MATCH expression: every word a quoted string (a phrase), the last a prefix."""
    quoted = ['"' + word.replace('"', '""') + '"' for word in parts]
    return " AND ".join(quoted) + "*"


def tsquery_operand(word: str, prefix: bool) -> str:
    """``word`` as one quoted operand of PostgreSQL's tsquery syntax."""
    quoted = "'" + word.replace("\\", "\\\\").replace("'", "''") + "'"
    return quoted + (":*" if prefix else "")


def _quoted_when_run(name: str, text_value: str) -> ColumnElement[Any]:
    # literal_execute: SQLAlchemy quotes the value into the statement when it runs (and keeps
    # caching the statement's shape). Named, so that a kept statement runs with other words.
    return bindparam(name, text_value, literal_execute=True)


def _pg_operands(parts: list[str]) -> list[tuple[str, str | None]]:
    """Each word's tsquery operand, and its whole-lexeme operand if the word has punctuation
    (see :func:`_pg_tsquery`)."""
    operands = []
    for i, word in enumerate(part.replace("@", " ") for part in parts):  # as document_sql()
        last = i == len(parts) - 1
        whole = None if word.isalnum() else tsquery_operand(word.lower(), last)
        operands.append((tsquery_operand(word, last), whole))
    return operands


def _pg_tsquery(parts: list[str]) -> ColumnElement[Any]:
    """Every word, the last as a prefix, ANDed.

    PostgreSQL's parser keeps host names, URLs and file names as one token, so a word with
    punctuation also matches as a whole (lower-cased, unparsed) lexeme: "example.o" finds
    "example.org" as a prefix, as well as the words "example" "o…" in sequence.

    The words are rendered into the SQL as quoted literals, not sent as parameters: a
    statement the driver has prepared (after five runs) may get a generic plan, which cannot
    know whether the word is common, and then reads a whole index instead of a few rows.
    """
    terms: list[ColumnElement[Any]] = []
    for i, (operand, whole) in enumerate(_pg_operands(parts)):
        term = func.to_tsquery(_pg_config(), _quoted_when_run(f"{TERM_PARAMETER}_{i}", operand))
        if whole is not None:
            lexeme = cast(_quoted_when_run(f"{TERM_PARAMETER}_{i}_whole", whole), TSQUERY)
            term = term.op("||")(lexeme)
        terms.append(term)
    return reduce(lambda left, right: left.op("&&")(right), terms)


def term_statement_key(term: str | None, dialect: str) -> tuple[Hashable, dict[str, str]]:
    """What the statements of :func:`matching` for ``term`` look like, and the values of their
    parameters: two terms with the same key make the same statements, which run with each
    term's values (so a statement built for one term may be kept and run for another)."""
    parts = words(term)
    if not parts:
        return ("no words",), {}
    if dialect == "sqlite":
        return ("sqlite",), {TERM_PARAMETER: fts5_query(parts)}
    operands = _pg_operands(parts)
    values: dict[str, str] = {}
    for i, (operand, whole) in enumerate(operands):
        values[f"{TERM_PARAMETER}_{i}"] = operand
        if whole is not None:
            values[f"{TERM_PARAMETER}_{i}_whole"] = whole
    return (dialect, tuple(whole is None for _operand, whole in operands)), values


def matching(
    model: Any, term: str | None, dialect: str, plan: str | None = None
) -> ColumnElement[bool] | None:
    """The condition "``model``'s row matches ``term``", or ``None`` if the term is empty.

    ``dialect`` is the database's dialect name (``"sqlite"`` or ``"postgresql"``). The
    condition refers only to ``model``'s own table, so it works in the list query and its
    count query alike.

    ``plan`` (:data:`RARE`, :data:`COMMON`, :data:`PROBE`; ``None``: not known) shapes the
    condition for how many rows match (see :func:`match_count`). On SQLite, ``id IN
    (matches)`` fetches the matches by id and sorts them, right for a rare term; for a common
    one ``id + 0`` keeps the primary key out of the ``IN``, so SQLite walks the list's sort
    index and stops after one page, testing each row against the matches (which it still
    reads in full first: 100,000 of them cost about 10 ms). PROBE tests each row with one
    search-index lookup instead (``EXISTS … rowid = id``), which reads nothing else. On
    PostgreSQL, which misjudges how many rows a prefix query matches and would walk the sort
    index for a rare term too, testing every row, ``OFFSET 0`` keeps a rare term's match a
    subquery of its own, answered by the GIN index first.
    """
    source: Table = table_of(model)
    spec = SEARCHABLE[source.name]
    parts = words(term)
    if not parts:
        return None
    if dialect == "sqlite":
        if plan == PROBE and probes_cheaply(spec, term):
            fts = table(spec.fts_table, column("rowid"))
            match = literal_column(spec.fts_table).op("MATCH")(_fts5_match(parts))
            lookup = select(literal(1)).select_from(fts).where(match, fts.c.rowid == source.c.id)
            return lookup.exists()
        key = (source.c.id + 0) if plan in (COMMON, PROBE) else source.c.id
        return key.in_(_fts_match(spec, parts))
    if dialect == "postgresql":
        condition = document(spec).op("@@")(_pg_tsquery(parts))
        if plan == RARE:
            return source.c.id.in_(select(source.c.id).where(condition).offset(0))
        return condition
    raise NotImplementedError(f"no full-text search for the {dialect} dialect")


def probes_cheaply(spec: FullText, term: str | None) -> bool:
    """True if SQLite can test one row against ``term`` with index lookups only: every word
    is one token (no phrase), and the last word, a prefix, has a length with a prefix index."""
    parts = words(term)
    return bool(parts) and all(part.isalnum() for part in parts) and len(parts[-1]) in spec.prefixes


def match_count(session: Any, model: Any, term: str | None, cap: int) -> int | None:
    """How many rows match ``term``, counting no further than ``cap + 1``; None if no term.

    Reads the search index only (SQLite) or one indexed condition (PostgreSQL), so it is
    cheap even for a word in every row.
    """
    source: Table = table_of(model)
    spec = SEARCHABLE[source.name]
    parts = words(term)
    if not parts:
        return None
    dialect = session.get_bind(mapper=model).dialect.name
    shape, values = term_statement_key(term, dialect)

    def build() -> Any:
        if dialect == "sqlite":
            matches = numbered(_fts_match(spec, parts), cap + 1).subquery()
        else:
            condition = matching(model, term, dialect)
            matches = numbered(select(source.c.id).where(condition), cap + 1).subquery()
        return select(func.count()).select_from(matches)

    # Kept per shape of the words (which are parameters): building it cost more than running
    # it. On the session's connection: a count needs none of the session's ORM steps.
    statement = _COUNTS.get((source.name, shape, cap), build)
    return int(session.connection().scalar(statement, values))


_COUNTS: ProcessCache[Any] = ProcessCache("search counts", 256)


def _fts_match(spec: FullText, parts: list[str]) -> Any:
    """``SELECT rowid FROM <fts> WHERE <fts> MATCH <the words>``."""
    fts = table(spec.fts_table, column("rowid"))
    match = literal_column(spec.fts_table).op("MATCH")(_fts5_match(parts))
    return select(fts.c.rowid).where(match)


def _fts5_match(parts: list[str]) -> ColumnElement[Any]:
    return bindparam(TERM_PARAMETER, fts5_query(parts))
