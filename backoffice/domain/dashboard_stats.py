"""The dashboard's numbers: counts in one statement, posts and comments per month.

Months are calendar months in UTC (times are stored as naive UTC). The window is the
current month and the eleven before it; empty months count zero.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from sqlalchemy import String, func, select
from sqlalchemy.exc import CompileError
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import FunctionElement

from backoffice.extensions import db
from backoffice.models import counts as row_counts

MONTHS = 12


class month_bucket(FunctionElement):  # noqa: N801 (used like a SQL function)
    """``'YYYY-MM'`` of a timestamp column, in each dialect's own words."""

    type = String()
    name = "month_bucket"
    inherit_cache = True


@compiles(month_bucket, "sqlite")
def _month_bucket_sqlite(element: month_bucket, compiler: Any, **kw: Any) -> str:
    return "strftime('%Y-%m', " + compiler.process(element.clauses, **kw) + ")"


@compiles(month_bucket, "postgresql")
def _month_bucket_postgresql(element: month_bucket, compiler: Any, **kw: Any) -> str:
    column = compiler.process(element.clauses, **kw)
    return f"to_char(date_trunc('month', {column}), 'YYYY-MM')"


@compiles(month_bucket)
def _month_bucket_other(element: month_bucket, compiler: Any, **kw: Any) -> str:
    raise CompileError(f"no month bucket for the {compiler.dialect.name} dialect")


def month_starts(today: date, count: int = MONTHS) -> list[date]:
    """The first days of the ``count`` months ending with ``today``'s, oldest first."""
    index = today.year * 12 + today.month - 1
    return [date(i // 12, i % 12 + 1, 1) for i in range(index - count + 1, index + 1)]


def month_key(day: date) -> str:
    """``date(2024, 3, 9)`` -> ``"2024-03"``, the bucket the database returns."""
    return f"{day.year:04d}-{day.month:02d}"


def fill_months(counts: Mapping[str, int], months: list[date]) -> list[int]:
    """The count for each month in ``months``; months without rows count zero."""
    return [int(counts.get(month_key(m), 0)) for m in months]


def monthly_counts(column: Any, since: datetime, *criteria: Any) -> dict[str, int]:
    """``{"YYYY-MM": rows}`` for rows with ``column >= since``: one GROUP BY statement."""
    bucket = month_bucket(column)
    query = select(bucket, func.count()).where(column >= since, *criteria).group_by(bucket)
    return {key: count for key, count in db.session.execute(query)}


def monthly_counters(tables: list[str], months: list[date]) -> dict[str, dict[str, int]]:
    """``{table: {"YYYY-MM": rows}}`` for ``months``, from the trigger-kept counters (one
    statement for all the tables)."""
    keys = {
        (t, month_key(m)): row_counts.month_key(t, month_key(m)) for t in tables for m in months
    }
    found: dict[str, dict[str, int]] = {table: {} for table in tables}
    for (table, month), number in row_counts.read_named(db.session, keys).items():
        found[table][month] = number
    return found


def counts(queries: Mapping[str, Any]) -> dict[str, int]:
    """Several ``SELECT count(*)`` statements as one row: ``{name: number}``."""
    if not queries:
        return {}
    columns = [query.scalar_subquery().label(name) for name, query in queries.items()]
    row = db.session.execute(select(*columns)).mappings().one()
    return {name: int(value or 0) for name, value in row.items()}


def count_of(model: Any, *criteria: Any) -> Any:
    """``SELECT count(*) FROM model WHERE criteria`` for :func:`counts`."""
    return select(func.count()).select_from(model).where(*criteria)
