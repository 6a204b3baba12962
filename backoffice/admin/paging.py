"""List paging that stays fast on large tables, and counts that stay cheap.

Stock Flask-Admin answers a list page with ``SELECT count(*)`` over every matching row and
``SELECT <whole rows + joins> … ORDER BY … LIMIT 20 OFFSET n``: both grow with the table,
and the second reads (and joins) ``n`` whole rows only to throw them away.
:class:`FastListMixin` replaces :meth:`get_list` with three cheap steps, keeping Flask-Admin's
own search, filters and sorting (it calls the same ``_apply_search``, ``_apply_filters`` and
``_apply_sorting``, so a view's custom filters or a search backend plug in unchanged):

1. **Count.** The unfiltered list asks :meth:`exact_count` (views answer from the
   trigger-kept ``row_counts``, one primary-key lookup). Otherwise the rows are counted up to
   ``count_cap + 1`` only: below the cap the count is exact, above it the list says
   "10,000+" and offers pages up to the cap (a deeper page is still served by URL).
2. **Page the ids (deferred join).** ``SELECT id … ORDER BY key, id LIMIT 20 OFFSET n`` with
   the view's row rules, search, filters and sort: with an index on ``(filter, key, id)`` this
   walks the index only, never a table row. The primary key is always the last sort key (in
   the direction of the one before it), so rows with equal keys keep a stable order and
   appear on exactly one page. Past the middle of a list whose count is exact, the page is
   read from the other end with the order reversed, so the last page is as cheap as the first.
3. **Load those rows** and put them in page order: by default as ORM objects with the eager
   loads of the view's ``get_query()`` (they name exactly the columns shown), by primary key.
   A view on a hot path declares :meth:`~FastListMixin.list_row_select` instead: one Core
   ``SELECT`` of the shown values, joined to step 2 as a subquery (with its sort keys), so the
   page is one statement read into plain :class:`ListRow` records, a third of the cost of ORM
   objects and their relationships. Row rules (an author's own posts, the queue tab) must be
   in ``get_count_query()``, as they already are.

Keyset ("older/newer") paging would make every depth constant, but loses numbered pages and
Flask-Admin's pager; with the reverse scan the worst case is the middle of the unfiltered
list, an index-only scan of half its entries.
"""

from __future__ import annotations

from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

from flask import g
from flask_babel import format_number
from flask_babel import gettext as _
from sqlalchemy import Select, func, inspect, select
from sqlalchemy.sql import operators
from sqlalchemy.sql.elements import UnaryExpression

#: Filtered and searched lists are counted up to this many rows.
COUNT_CAP = 10_000
_CAPPED = "list_count_capped"
#: Where on ``g`` the list being read says how far down it reads (offset + size of the page;
#: None while it counts, which reads to the end): a search plan depends on it
#: (backoffice.admin.search), so a page and its count may be planned differently.
LIST_WINDOW_END = "list_window_end"


def _is_desc(clause: Any) -> bool:
    return isinstance(clause, UnaryExpression) and clause.modifier is operators.desc_op


def _sort_key(clause: Any) -> Any:
    """The expression an ORDER BY clause sorts by (``x`` of ``x DESC``)."""
    if isinstance(clause, UnaryExpression) and clause.modifier in (
        operators.desc_op,
        operators.asc_op,
    ):
        return clause.element
    return clause


def _directed(key: Any, clause: Any) -> Any:
    """``key`` sorted the way ``clause`` sorts."""
    return key.desc() if _is_desc(clause) else key.asc()


def _reversed(clause: Any) -> Any:
    """``x DESC`` -> ``x ASC`` and vice versa; NULLs move to the other end on both dialects,
    exactly mirroring the original order."""
    if isinstance(clause, UnaryExpression) and clause.modifier in (
        operators.desc_op,
        operators.asc_op,
    ):
        return clause.element.asc() if _is_desc(clause) else clause.element.desc()
    return clause.desc()


class ListRow(SimpleNamespace):
    """One row of a list page read without the ORM: the shown values as attributes.

    A label with a dot nests (``"post.title"`` becomes ``row.post.title``), so column
    formatters written for the model read a record the same way.
    """

    @classmethod
    def from_mapping(cls, values: Any) -> ListRow:
        row = cls()
        for label, value in values.items():
            target = row
            *path, name = label.split(".")
            for part in path:
                target = target.__dict__.setdefault(part, ListRow())
            setattr(target, name, value)
        return row


class FastListMixin:
    """Deferred-join paging and capped counts for a Flask-Admin SQLAlchemy ``ModelView``."""

    count_cap: int = COUNT_CAP

    def exact_count(self) -> int | None:
        """Rows in the list without search or filters, if known without counting them.

        ``None`` (the default) means "count them", capped at :attr:`count_cap`.
        """
        return None

    def search_count(self, session: Any, search: str, cap: int) -> tuple[int, bool] | None:
        """(rows, capped) matching ``search`` alone, if a search index can tell without the
        table; ``None`` (the default) means "count the rows"."""
        return None

    def list_row_select(self) -> Select[Any] | None:
        """A Core ``SELECT`` of the values the list shows, labelled as the attributes the list
        reads (the primary key under its own name); the rows of a page are read with it into
        :class:`ListRow` records. ``None`` (the default) loads ORM objects."""
        return None

    def get_list(  # type: ignore[override]
        self,
        page: int | None,
        sort_column: Any,
        sort_desc: bool,
        search: str | None,
        filters: Any,
        execute: bool = True,
        page_size: int | None = None,
    ) -> tuple[int | None, list[Any]]:
        view: Any = self
        pk_columns = inspect(view.model).primary_key
        if not execute or len(pk_columns) != 1:
            # Exports stream the query themselves; composite keys keep the stock paging.
            return super().get_list(  # type: ignore[misc]
                page, sort_column, sort_desc, search, filters, execute, page_size
            )
        pk = getattr(view.model, inspect(view.model).get_property_by_column(pk_columns[0]).key)
        # The count query carries the view's row rules (own posts, the queue tab): page its ids.
        size = view.page_size if page_size is None else page_size
        start = (page or 0) * size if size else 0
        base = view.get_count_query()

        def narrowed(window_end: int | None) -> tuple[Any, dict[Any, Any]]:
            """The ids with the search and filters; a search may plan for how far down the
            list the rows are read (``window_end``, None: to the end, as a count does)."""
            setattr(g, LIST_WINDOW_END, window_end)
            query, joins = base.with_entities(pk), {}
            if view._search_supported and search:
                query, _unused, joins, _joins = view._apply_search(query, None, joins, {}, search)
            if filters and view._filters:
                query, _unused, joins, _joins = view._apply_filters(query, None, joins, {}, filters)
            return query, joins

        counted = None
        if search and not filters and base.whereclause is None:
            # The search is the only condition: its index may count the rows by itself.
            counted = self.search_count(base.session, search, self.count_cap)
        if counted is not None:
            count, capped = counted
        else:
            count, capped = self._count(lambda: narrowed(None)[0], plain=not search and not filters)
        setattr(g, _CAPPED, capped)

        ids, joins = narrowed(start + size if size else None)
        ids, joins = view._apply_sorting(ids, joins, sort_column, sort_desc)
        order = list(ids._order_by_clauses)
        order.append(pk.desc() if order and _is_desc(order[-1]) else pk.asc())

        if size and start >= count and not capped:
            return count, []  # past the last page: nothing to read
        reverse = bool(size and not capped and start > count // 2)
        if reverse:
            # The back half: read from the other end, then restore the order.
            take = min(size, count - start)
            page_ids = ids.order_by(None).order_by(*map(_reversed, order))
            page_ids = page_ids.limit(take).offset(count - start - take)
        else:
            page_ids = ids.order_by(None).order_by(*order)
            if size:
                page_ids = page_ids.limit(size).offset(start)
        records = self.list_row_select()
        if records is not None:
            return count, self._records(ids.session, records, page_ids, pk, order)
        wanted = [row[0] for row in page_ids]
        if reverse:
            wanted.reverse()
        wanted = list(dict.fromkeys(wanted))  # a to-many join may repeat an id
        if not wanted:
            return count, []
        loaded = {getattr(row, pk.key): row for row in self._rows(ids.session, pk, wanted)}
        return count, [loaded[key] for key in wanted if key in loaded]

    @staticmethod
    def _records(session: Any, records: Any, page_ids: Any, pk: Any, order: list[Any]) -> list[Any]:
        """The page's rows in one statement: its ids (with their sort keys) as a subquery,
        joined to the columns shown and sorted by those keys, so the page costs one round trip
        to the database instead of two. The join adds no condition to the rows: the ids
        already passed the row rules, search and filters."""
        keys = [_sort_key(clause).label(f"_key{i}") for i, clause in enumerate(order)]
        page = page_ids.add_columns(*keys).subquery("page")
        first = list(page.c)[0]  # the id
        sort = [_directed(page.c[f"_key{i}"], clause) for i, clause in enumerate(order)]
        result = session.execute(records.join(page, first == pk).order_by(*sort))
        rows: dict[Any, ListRow] = {}
        for values in result.mappings():
            row = ListRow.from_mapping(values)
            rows.setdefault(getattr(row, pk.key), row)  # a to-many join may repeat an id
        return list(rows.values())

    def _rows(self, session: Any, pk: Any, wanted: list[Any]) -> Any:
        """The ORM rows ``wanted``, without the WHERE of ``get_query()``: the ids already passed
        the row rules, and a second ``status = ?`` next to ``id IN (…)`` can lead SQLite's
        planner to scan the status index instead of fetching 20 rows."""
        base = self.get_query()  # type: ignore[attr-defined]
        # Query keeps its loader options in _with_options (no public accessor in 2.x).
        query = base.session.query(base.column_descriptions[0]["entity"])
        return query.options(*base._with_options).filter(pk.in_(wanted))

    def _count(self, ids: Callable[[], Any], plain: bool) -> tuple[int, bool]:
        """(rows, capped): the exact count if known, else the rows of ``ids()`` up to the cap."""
        if plain:
            known = self.exact_count()
            if known is not None:
                return known, False
        query = ids()
        limited = query.order_by(None).limit(self.count_cap + 1).subquery()
        counted = query.session.scalar(select(func.count()).select_from(limited))
        if counted > self.count_cap:
            return self.count_cap, True
        return int(counted), False

    def list_count_label(self, count: int) -> str:
        """The count after "List": "1,234", or "10,000+" when counting stopped at the cap."""
        if g.get(_CAPPED):
            return _("%(num)s+", num=format_number(count))
        return format_number(count)
