"""The list views' search box, answered by the full-text index (:mod:`backoffice.domain.search`)."""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

from backoffice.admin.list_paging import list_page
from backoffice.core.caches import request_memo
from backoffice.core.database import table_of
from backoffice.domain import search
from backoffice.i18n.lists import join_labels


class FullTextSearch:
    """Mixin for a ModelView whose model is in :data:`backoffice.domain.search.SEARCHABLE`.

    Replaces Flask-Admin's ``ILIKE '%word%'`` per column (a scan of the whole table) with one
    indexed condition on the list query and on its count query, so filters, sorting and
    paging combine with it as before. ``column_searchable_list`` still turns the box on and
    names the searched columns in its placeholder.
    """

    model: Any
    #: From this many matches on, a term is "common": the list walks its sort index instead of
    #: fetching every match by id and sorting them (see ``search.matching``).
    common_from: int = 1000
    #: SQLite: a common term is tested row by row in the search index (``search.PROBE``, about
    #: 25 µs a row) when the page's last row is expected within this many rows of the sort
    #: index; otherwise its matches are read into a temporary set first (about 0.1 µs a match).
    probe_budget: int = 1000

    def match_cap(self, session: Any) -> int:
        """How far the matches of a search are counted (the list then shows "N+").

        SQLite counts in its search index alone, so as far as the list counts anything
        (``count_cap``). PostgreSQL visits each matching row (about 1 µs with the stored
        document, but 10 ms for 10,000 rows of a common word): it stops at :attr:`common_from`.
        """
        if session.get_bind(mapper=self.model).dialect.name == "postgresql":
            return self.common_from
        return max(self.common_from, getattr(self, "count_cap", 0))

    def search_count(self, session: Any, search: str, cap: int) -> tuple[int, bool] | None:
        """(rows, capped) for a list whose only condition is the search: the index counts them,
        as far as the search's plan needed (but no further than the list's ``cap``)."""
        probe = self.match_cap(session)
        matches = self.search_matches(session, search, probe)
        if matches is None:
            return None
        cap = min(probe, cap)
        return min(matches, cap), matches > cap

    def search_matches(self, session: Any, term: str, cap: int) -> int | None:
        """Rows matching ``term`` (up to ``cap + 1``), counted once per request and term."""
        cache = request_memo("search matches")
        key = (self.model.__name__, term, cap)
        if key not in cache:
            cache[key] = search.match_count(session, self.model, term, cap)
        return cache[key]

    def search_plan(self, session: Any, term: str, matches: int | None, dialect: str) -> str:
        """How the list finds the rows matching ``term`` (see ``search.matching``).

        PROBE when the rows of the page being read are expected within :attr:`probe_budget`
        rows of the walk, i.e. when at least ``rows × end ÷ budget`` rows match. A count that
        stopped at its cap below that is continued in the search index (cheap: no table).
        """
        if matches is None or matches < self.common_from:
            return search.RARE
        spec = search.SEARCHABLE[table_of(self.model).name]
        rows = self.exact_count() if dialect == "sqlite" else None  # type: ignore[attr-defined]
        end = list_page(self.endpoint).window_end  # None: a count, walking the whole index
        if rows and end and search.probes_cheaply(spec, term):
            needed = -(-rows * end // self.probe_budget)  # ceiling
            if matches < needed < rows and matches > self.match_cap(session):
                matches = self.search_matches(session, term, needed) or 0
            if matches >= needed:
                return search.PROBE
        return search.COMMON

    def kept_search(self, session: Any, term: str) -> tuple[Hashable, dict[str, Any]] | None:
        """The search's plan and the shape of its words, and the words as parameters (see
        ``FastListMixin.kept_search``): the statements of one plan and shape differ only in
        the words."""
        dialect = session.get_bind(mapper=self.model).dialect.name
        matches = self.search_matches(session, term, self.match_cap(session))
        plan = self.search_plan(session, term, matches, dialect)
        shape, values = search.term_statement_key(term, dialect)
        return (plan, shape), values

    def search_rows(
        self, query: Any, count_query: Any, joins: Any, count_joins: Any, search_term: str
    ) -> tuple[Any, Any, Any, Any]:
        session = query.session
        dialect = session.get_bind(mapper=self.model).dialect.name
        # One count serves both this choice and the list's count (FastListMixin.count_cap).
        matches = self.search_matches(session, search_term, self.match_cap(session))
        plan = self.search_plan(session, search_term, matches, dialect)
        condition = search.matching(self.model, search_term, dialect, plan)
        if condition is not None:
            query = query.filter(condition)
            if count_query is not None:
                count_query = count_query.filter(condition)
        return query, count_query, joins, count_joins


def search_placeholder(view: Any) -> str | None:
    """The search box's placeholder: the searched columns' labels as a list in the reader's
    language ("Username or E-mail", "اسم المستخدم أو البريد"), not joined with a Latin comma."""
    searchable = getattr(view, "column_searchable_list", None)
    if not searchable:
        return None
    labels = view.column_labels or {}
    names = [getattr(column, "key", column) for column in searchable]
    return join_labels((labels.get(name, name) for name in names), style="or")
