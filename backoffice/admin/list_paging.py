"""Reading a list page in named steps: fast at any depth, with counts that stay cheap.

Stock Flask-Admin answers a list page with ``SELECT count(*)`` over every matching row and
``SELECT <whole rows + joins> … ORDER BY … LIMIT 20 OFFSET n``: both grow with the table,
and the second reads (and joins) ``n`` whole rows only to throw them away.
:class:`FastListMixin` replaces :meth:`get_list` with named steps, keeping Flask-Admin's own
search, filters and sorting (it calls the same steps, through
:mod:`backoffice.compat.flask_admin`, so a view's custom filters or a search backend plug in
unchanged):

1. **Count** (:meth:`~FastListMixin.count_rows`). The unfiltered list asks
   :meth:`exact_count` (views answer from the trigger-kept ``row_counts``, one primary-key
   lookup). Otherwise the rows are counted up to ``count_cap + 1`` only: below the cap the
   count is exact, above it the list says "10,000+" and offers pages up to the cap (a deeper
   page is still served by URL).
2. **Page the ids** (deferred join,
   :meth:`~FastListMixin.page_ids`). ``SELECT id … ORDER BY key, id LIMIT 20 OFFSET n`` with
   the view's row rules, search, filters and sort: with an index on ``(filter, key, id)``
   this walks the index only, never a table row. The primary key is always the last sort key
   (in the direction of the one before it), so rows with equal keys keep a stable order and
   appear on exactly one page. Past the middle of a list whose count is exact, the page is
   read from the other end with the order reversed, so the last page is as cheap as the
   first.
3. **Read the rows** (:meth:`~FastListMixin.read_rows`) and put them in page
   order: by default as ORM objects with the eager loads of the view's ``get_query()`` (they
   name exactly the columns shown), by primary key. A view on a hot path declares
   :meth:`~FastListMixin.list_row_select` instead: one Core ``SELECT`` of the shown values,
   joined to step 2 as a subquery (with its sort keys), so the page is one statement read
   into plain :class:`ListRow` records, a third of the cost of ORM objects and their
   relationships. Row rules (an author's own posts, the queue tab) must be in
   ``get_count_query()``, as they already are.

**Seek** (keyset paging, :meth:`~FastListMixin.seek_ids`) keeps the numbered pager and makes
stepping through a list constant at any depth: the pager's "next" link carries
``after=<id>`` (the last row shown) and its "previous" link ``before=<id>`` (the first row
shown). Such a page is read as the rows past that row's place in the order, ``(key, id) <
(its key, its id)``, which the same index answers without walking the rows in between; and
stepping on after moderating a page skips nothing, where an offset would skip as many rows
as left the list. The way back to a page (the return URL of its actions, edits and quick
buttons) carries ``from=<id>`` (its first row, included), so comments arriving at the top of
the queue meanwhile do not push the page down. It applies when the list is sorted by a
non-null column of its own table (every sortable column of the big lists); a jump to a page by
number, a cursor row that was deleted, or any other sort read by offset as before.

**Kept statements** (:meth:`~FastListMixin.row_scope`). A list without filters, the page
most asked for, runs statements that depend only on the view, the reader's row rules, the
sort, the shape of its search (:meth:`~FastListMixin.kept_search`: its plan and kind of words,
the words themselves parameters) and the row window (or the seek cursor's argument, its row
id a parameter): they are built once per app and used again (building them cost more than
running them). A view says what its row rules depend on ("all", the queue's tab) or None for
a reader whose rules are their own (an author), whose lists are built on each request.

What the steps found is one :class:`ListPage` per list and request, which the list template
and the pager read (``list_page`` in the template)."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

from flask_babel import format_number
from flask_babel import gettext as _
from sqlalchemy import Column, Select, bindparam, func, inspect, select, tuple_
from sqlalchemy.sql import operators
from sqlalchemy.sql.elements import UnaryExpression

from backoffice.compat import flask_admin
from backoffice.compat.flask_admin import ModelViewHooks
from backoffice.compat.sqlalchemy import loader_options, order_by_clauses, unlabelled
from backoffice.core.caches import ProcessCache, app_cache, request_memo
from backoffice.core.database import numbered
from backoffice.core.ids import parse_id
from backoffice.extensions import db

#: Filtered and searched lists are counted up to this many rows.
COUNT_CAP = 10_000
#: The URL arguments of seek paging: the id of the row a page follows (the pager's "next"
#: link), precedes ("previous") or starts with (the way back to a page).
SEEK_ARGS = ("after", "before", "from")
#: The parameter of a seek statement that holds the cursor row's id.
CURSOR = "cursor_id"


@dataclass
class ListPage:
    """One list page as its steps found it: what the template, the pager and a search plan
    read, kept for the request (one per view)."""

    #: The seek cursor asked for in the URL: (argument, id), or None.
    seek: tuple[str, int] | None = None
    #: How far down the list the rows are being read (offset + page size), None while
    #: counting (which reads to the end): a search may plan a page and its count differently.
    window_end: int | None = None
    count: int = 0
    #: True when counting stopped at the cap ("10,000+").
    capped: bool = False
    #: True when the list may be stepped through by seek (sorted by a non-null own column).
    seekable: bool = False
    rows: list[Any] = field(default_factory=list)

    def count_label(self) -> str:
        """The count after "List": "1,234", or "10,000+" when counting stopped at the cap."""
        if self.capped:
            return _("%(num)s+", num=format_number(self.count))
        return format_number(self.count)


def list_page(endpoint: str) -> ListPage:
    """The :class:`ListPage` of the view ``endpoint`` in this request."""
    pages = request_memo("list pages")
    if endpoint not in pages:
        pages[endpoint] = ListPage()
    page: ListPage = pages[endpoint]
    return page


def _is_desc(clause: Any) -> bool:
    clause = unlabelled(clause)
    return isinstance(clause, UnaryExpression) and clause.modifier is operators.desc_op


def _sort_expression(clause: Any) -> Any:
    """The expression an ORDER BY clause sorts by (``x`` of ``x DESC``)."""
    clause = unlabelled(clause)
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
    key = _sort_expression(clause)
    return key.asc() if _is_desc(clause) else key.desc()


def _seekable(order: list[Any], pk: Any) -> bool:
    """True if ``order`` (sort key, then the id) can be stepped through by seek: the key is a
    column of the list's own table that is never NULL (a row comparison skips NULLs)."""
    key = _sort_expression(order[0]) if len(order) == 2 else None
    return isinstance(key, Column) and key.table is pk.table and not key.nullable


def page_window(start: int, size: int, count: int, capped: bool) -> tuple[int, int, bool] | None:
    """The rows of the page that starts at row ``start``, as (limit, offset, reversed), or
    None past the last page. Past the middle of a list whose count is exact, the page is read
    from the other end: (its rows, the rows after it, True)."""
    if start >= count and not capped:
        return None
    if not capped and start > count // 2:
        take = min(size, count - start)
        return take, count - start - take, True
    return size, start, False


def with_window(ids: Any, order: list[Any], limit: int, offset: int, reverse: bool) -> Any:
    """``ids`` (unsorted) sorted by ``order`` (or its reverse) and cut to the window."""
    return numbered(ids.order_by(*(map(_reversed, order) if reverse else order)), limit, offset)


def _seek(
    ids: Any, scope: Any, order: list[Any], pk: Any, size: int, argument: str, key: int
) -> Any:
    """(page ids, reversed): the ``size`` ids in ``order`` right after the row ``key``
    (``argument`` "after"), from it on ("from", the row itself included) or right before it
    ("before"), compared as ``(sort key, id)`` rows, which an index on the two answers
    directly. Before is read backwards, like the back half of a list.

    The cursor row is looked up in ``scope`` (the rows the reader may see): a row outside it
    reads nothing, so a cursor cannot tell where a hidden row sorts.
    """
    sort_key = _sort_expression(order[0])
    # One named parameter: a kept statement is run again with another cursor (CURSOR).
    cursor_id = bindparam(CURSOR, key, type_=pk.type)
    # correlate(None): the cursor row is looked up on its own, not taken from the outer row.
    cursor = scope.with_entities(sort_key).filter(pk == cursor_id).order_by(None).statement
    there = cursor.correlate(None).scalar_subquery()
    here, place = tuple_(sort_key, pk), tuple_(there, cursor_id)
    forward = argument != "before"
    if forward == _is_desc(order[0]):  # the rows wanted sort below the cursor row
        past = here <= place if argument == "from" else here < place
    else:
        past = here > place
    sort = order if forward else [_reversed(clause) for clause in order]
    return numbered(ids.filter(past).order_by(None).order_by(*sort), size), not forward


def _with_arg(url: str, name: str, value: Any) -> str:
    return f"{url}{'&' if '?' in url else '?'}{name}={value}"


class ListRow(SimpleNamespace):
    """One row of a list page read without the ORM: the shown values as attributes.

    A label with a dot nests (``"post.title"`` becomes ``row.post.title``), so column
    formatters written for the model read a record the same way.
    """

    @classmethod
    def reader(cls, labels: Sequence[str]) -> Callable[[Sequence[Any]], ListRow]:
        """A function from one result row (values in the order of ``labels``) to a record;
        the labels are split into paths once a result, not once a row."""
        paths = [label.split(".") for label in labels]

        def read(values: Sequence[Any]) -> ListRow:
            row = cls()
            for (*path, name), value in zip(paths, values, strict=True):
                target = row
                for part in path:
                    target = target.__dict__.setdefault(part, cls())
                setattr(target, name, value)
            return row

        return read


class FastListMixin(ModelViewHooks):
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

    def kept_search(self, session: Any, search: str) -> tuple[Hashable, dict[str, Any]] | None:
        """For a list searched for ``search``: what its statements look like (two searches
        with the same key make the same statements) and the values of their parameters, so
        that the statements may be kept. ``None`` (the default) builds them per request."""
        return None

    def row_scope(self) -> Hashable | None:
        """What the reader's row rules depend on, when the list's statements may be kept and
        used again: two readers with the same scope see the same rows (``"all"`` when nobody's
        rules narrow the list, the queue's tab). ``None`` (the default) builds them on every
        request: a view with rules that depend on the reader (an author's own posts) says
        None for those readers."""
        return None

    def seek_scope(self) -> Any:
        """The rows a seek cursor may name: the list's rows under the reader's row rules (an
        author's own posts), as ``get_count_query()`` has them. A view whose count query also
        narrows to what the page shows (the queue's tab) widens it here, so that a row that
        left the page (approved out of the tab) still marks where the page ended."""
        view: Any = self
        return view.get_count_query()

    def list_args(self, args: Any) -> Any:
        # A seek cursor is read here and kept out of the arguments every other link of the
        # page repeats (sorting, filters, page size): only next, previous and the way back
        # to this page carry one (seek_links).
        args = super().list_args(args)
        seek = None
        for argument in SEEK_ARGS:
            key = parse_id(args.extra_args.pop(argument, None))
            if key is not None and seek is None:
                seek = (argument, key)
        list_page(self.endpoint).seek = seek  # type: ignore[attr-defined]
        return args

    def seek_links(
        self, pager_url: Callable[[int], str], return_url: str, page: int, rows: list[Any]
    ) -> tuple[Callable[[int], str], str]:
        """Flask-Admin's pager URLs and return URL on a list that may be read by seek: next
        steps on from the last row shown, previous back from the first, and the way back to
        this page (after an action, an edit, a quick approve) starts from its first row, so
        rows added above it meanwhile do not push it down."""
        view: Any = self
        listing = list_page(view.endpoint)
        if not rows or not listing.seekable:
            return pager_url, return_url
        first, last = view.get_pk_value(rows[0]), view.get_pk_value(rows[-1])
        if page or listing.seek:  # the first page by number needs no cursor
            return_url = _with_arg(return_url, "from", first)

        def url(number: int) -> str:
            target = pager_url(number)
            if number == page + 1:
                return _with_arg(target, "after", last)
            if number == page - 1 and number > 0:
                return _with_arg(target, "before", first)
            return target

        return url, return_url

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
        size = view.page_size if page_size is None else page_size
        start = (page or 0) * size if size else 0
        listing = list_page(view.endpoint)
        records = self.list_row_select()
        scope = self.row_scope() if records is not None and size else None
        if scope is not None and not filters:
            if self._kept_page(
                listing, scope, records, pk, (sort_column, sort_desc), search, start, size
            ):
                return listing.count, listing.rows
        # The count query carries the view's row rules (own posts, the queue tab): page its ids.
        base = view.get_count_query()

        def narrowed(window_end: int | None) -> Any:
            """The ids with the search and filters; a search may plan for how far down the
            list the rows are read (``window_end``, None: to the end, as a count does)."""
            listing.window_end = window_end
            query, joins = base.with_entities(pk), {}
            query, joins = flask_admin.apply_search(view, query, joins, search)
            query, joins = flask_admin.apply_filters(view, query, joins, filters)
            return query, joins

        listing.count, listing.capped = self.count_rows(base, narrowed, search, filters)
        ids, order = self.sorted_ids(
            narrowed(start + size if size else None), pk, sort_column, sort_desc
        )
        listing.seekable = bool(size) and _seekable(order, pk)
        listing.rows = []
        if listing.seekable and listing.seek is not None:
            stepped = self.seek_ids(ids, order, pk, size, *listing.seek)
            listing.rows = self.read_rows(ids.session, *stepped, pk, order)
            # Nothing read: the row it steps from is gone, or nothing follows it; by number.
        if not listing.rows:
            paged = self.page_ids(ids, order, start, size, listing.count, listing.capped)
            if paged is not None:
                listing.rows = self.read_rows(ids.session, *paged, pk, order)
        return listing.count, listing.rows

    def _kept_page(
        self,
        listing: ListPage,
        scope: Hashable,
        records: Any,
        pk: Any,
        sort: tuple[Any, bool],
        search: str | None,
        start: int,
        size: int,
    ) -> bool:
        """Steps 1 to 3 of a list without filters, with statements kept per scope, sort, the
        search's shape (:meth:`kept_search`) and row window (or seek cursor argument):
        building them (the view's queries, Flask-Admin's sorting, SQLAlchemy's cache key and
        subquery columns) cost more than running them. False, with nothing read, when the
        page lies past the end or the search cannot be kept."""
        view: Any = self
        kept = app_cache("list statements", lambda: ProcessCache("list statements", 512))
        session = db.session
        connection = session.connection()  # see _total_rows
        listing.window_end = start + size  # before a search plans how to read the page
        shape, values = None, {}
        if search:
            plain = kept.get(
                (view.endpoint, scope, "no condition"),
                lambda: view.get_count_query().whereclause is None,
            )
            counted = self.search_count(session, search, self.count_cap) if plain else None
            keyed = self.kept_search(session, search) if counted is not None else None
            if counted is None or keyed is None:  # built per request, by the steps below
                return False
            (count, capped), (shape, values) = counted, keyed
        elif (known := self.exact_count()) is not None:
            count, capped = known, False
        else:
            counting = kept.get(
                (view.endpoint, scope, "count"),
                lambda: self.count_statement(view.get_count_query().with_entities(pk)),
            )
            count, capped = self._capped(connection.scalar(counting))
        listing.count, listing.capped = count, capped
        sorting = (view.endpoint, scope, sort[0], bool(sort[1]), shape)

        def build(window: tuple[int, int, bool] | None) -> tuple[Any, bool]:
            """The rows of ``window``, or from the seek cursor (None); and if seekable."""
            query = view.get_count_query().with_entities(pk)
            ids, order = self.sorted_ids(
                flask_admin.apply_search(view, query, {}, search), pk, *sort
            )
            ids, seekable = ids.order_by(None).statement, _seekable(order, pk)
            if window is not None:
                page_ids = with_window(ids, order, *window)
            elif seekable and listing.seek is not None:
                page_ids, _reverse = self.seek_ids(ids, order, pk, size, *listing.seek)
            else:
                return None, seekable
            return self.rows_statement(records, page_ids, pk, order), seekable

        if listing.seek is not None:
            argument, key = listing.seek
            statement, listing.seekable = kept.get((*sorting, size, argument), lambda: build(None))
            if statement is not None:
                parameters = {**values, CURSOR: key}
                listing.rows = self.read_records(connection, statement, pk, parameters)
                if listing.rows:
                    return True
            # Nothing read: the row it steps from is gone, or nothing follows it; by number.
        window = page_window(start, size, count, capped)
        if window is None:
            return False
        statement, listing.seekable = kept.get((*sorting, window), lambda: build(window))
        listing.rows = self.read_records(connection, statement, pk, values)
        return True

    def count_rows(
        self, base: Any, narrowed: Callable[[int | None], Any], search: str | None, filters: Any
    ) -> tuple[int, bool]:
        """Step 1, (rows, capped): the search index's count when the search is the only
        condition, the exact count of an unfiltered list, else the rows up to the cap."""
        if search and not filters and base.whereclause is None:
            counted = self.search_count(base.session, search, self.count_cap)
            if counted is not None:
                return counted
        return self._total_rows(lambda: narrowed(None)[0], plain=not search and not filters)

    def sorted_ids(
        self, narrowed: tuple[Any, Any], pk: Any, sort_column: Any, sort_desc: bool
    ) -> tuple[Any, list[Any]]:
        """The ids in the list's order, the id last (in the direction of the key before it),
        so rows with equal keys keep one order and appear on exactly one page; and the order."""
        ids, joins = narrowed
        ids, joins = flask_admin.apply_sorting(self, ids, joins, sort_column, sort_desc)
        order = order_by_clauses(ids)
        order.append(pk.desc() if order and _is_desc(order[-1]) else pk.asc())
        return ids, order

    def seek_ids(
        self, ids: Any, order: list[Any], pk: Any, size: int, argument: str, key: int
    ) -> tuple[Any, bool]:
        """Step 2 by seek, (page ids, reversed): the ids after, from or before row ``key``."""
        return _seek(ids, self.seek_scope(), order, pk, size, argument, key)

    def page_ids(
        self, ids: Any, order: list[Any], start: int, size: int, count: int, capped: bool
    ) -> tuple[Any, bool] | None:
        """Step 2 by number, (page ids, reversed), or None past the last page. Past the middle
        of a list whose count is exact, the page is read from the other end."""
        if not size:
            return ids.order_by(None).order_by(*order), False
        window = page_window(start, size, count, capped)
        if window is None:
            return None
        return with_window(ids.order_by(None), order, *window), window[2]

    def read_rows(
        self, session: Any, page_ids: Any, reverse: bool, pk: Any, order: list[Any]
    ) -> Any:
        """Step 3: the rows of ``page_ids`` (sorted by ``order``, or its reverse if ``reverse``) in
        ``order``: as records if the view declares them, else as ORM objects."""
        records = self.list_row_select()
        if records is not None:
            statement = self.rows_statement(records, page_ids, pk, order)
            return self.read_records(session.connection(), statement, pk)
        wanted = [row[0] for row in page_ids]
        if reverse:
            wanted.reverse()
        wanted = list(dict.fromkeys(wanted))  # a to-many join may repeat an id
        if not wanted:
            return []
        loaded = {getattr(row, pk.key): row for row in self._fetch_rows(session, pk, wanted)}
        return [loaded[key] for key in wanted if key in loaded]

    @staticmethod
    def rows_statement(records: Any, page_ids: Any, pk: Any, order: list[Any]) -> Any:
        """The page's rows in one statement: its ids (with their sort keys) as a subquery,
        joined to the columns shown and sorted by those keys, so the page costs one round trip
        to the database instead of two. The join adds no condition to the rows: the ids
        already passed the row rules, search and filters."""
        keys = [_sort_expression(clause).label(f"key{i}") for i, clause in enumerate(order)]
        page = page_ids.add_columns(*keys).subquery("page")
        first = list(page.c)[0]  # the id
        sort = [_directed(page.c[f"key{i}"], clause) for i, clause in enumerate(order)]
        return records.join(page, first == pk).order_by(*sort)

    @staticmethod
    def read_records(
        connection: Any, statement: Any, pk: Any, parameters: dict[str, Any] | None = None
    ) -> list[Any]:
        """The rows of :meth:`rows_statement` as :class:`ListRow` records, in its order, on
        the session's connection (see _total_rows)."""
        result = connection.execute(statement, parameters)
        read = ListRow.reader(list(result.keys()))
        rows: dict[Any, ListRow] = {}
        for values in result:
            row = read(values)
            rows.setdefault(getattr(row, pk.key), row)  # a to-many join may repeat an id
        return list(rows.values())

    def _fetch_rows(self, session: Any, pk: Any, wanted: list[Any]) -> Any:
        """The ORM rows ``wanted``, without the WHERE of ``get_query()``: the ids already passed
        the row rules, and a second ``status = ?`` next to ``id IN (…)`` can lead SQLite's
        planner to scan the status index instead of fetching 20 rows."""
        base = self.get_query()  # type: ignore[attr-defined]
        query = base.session.query(base.column_descriptions[0]["entity"])
        return query.options(*loader_options(base)).filter(pk.in_(wanted))

    def _total_rows(self, ids: Callable[[], Any], plain: bool) -> tuple[int, bool]:
        """(rows, capped): the exact count if known, else the rows of ``ids()`` up to the cap."""
        if plain:
            known = self.exact_count()
            if known is not None:
                return known, False
        query = ids()
        # On the session's connection, not through the session: a list's reads need none of
        # its ORM steps (objects, autoflush on a GET with nothing to flush), which cost
        # more than running the statement (about 85 µs of 155 for a 20-row read).
        return self._capped(query.session.connection().scalar(self.count_statement(query)))

    def count_statement(self, ids: Any) -> Any:
        """``SELECT count(*)`` of the rows of ``ids``, up to one past the cap."""
        limited = numbered(ids.order_by(None), self.count_cap + 1).subquery()
        return select(func.count()).select_from(limited)

    def _capped(self, counted: int) -> tuple[int, bool]:
        if counted > self.count_cap:
            return self.count_cap, True
        return int(counted), False

    def list_count_label(self, count: int) -> str:
        """The count after "List" (see :meth:`ListPage.count_label`)."""
        listing = list_page(self.endpoint)  # type: ignore[attr-defined]
        return listing.count_label() if listing.count == count else format_number(count)
