"""The list views' search box, answered by the full-text index (:mod:`backoffice.search`)."""

from __future__ import annotations

from typing import Any

from backoffice import search


class FullTextSearch:
    """Mixin for a ModelView whose model is in :data:`backoffice.search.SEARCHABLE`.

    Replaces Flask-Admin's ``ILIKE '%word%'`` per column (a scan of the whole table) with one
    indexed condition on the list query and on its count query, so filters, sorting and
    paging combine with it as before. ``column_searchable_list`` still turns the box on and
    names the searched columns in its placeholder.
    """

    model: Any

    def _apply_search(
        self, query: Any, count_query: Any, joins: Any, count_joins: Any, search_term: str
    ) -> tuple[Any, Any, Any, Any]:
        dialect = query.session.get_bind(mapper=self.model).dialect.name
        condition = search.matching(self.model, search_term, dialect)
        if condition is not None:
            query = query.filter(condition)
            if count_query is not None:
                count_query = count_query.filter(condition)
        return query, count_query, joins, count_joins
