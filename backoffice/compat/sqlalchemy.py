"""SQLAlchemy: what a legacy ``Query`` keeps without a public accessor in 2.x.

Flask-Admin builds its lists as ``Query`` objects; our list pages read the ORDER BY it built
(to seek by it) and the loader options of ``get_query()`` (to load the page's rows with them).

Flask-Admin sorts by a ``column_property`` (a tag's usage count) through a reference to its
label, which :func:`unlabelled` sees through.

Relies on: ``Query._order_by_clauses``, ``Query._with_options`` and a label reference's
``__visit_name__`` and ``element`` (tests/test_compat.py).
"""

from __future__ import annotations

from typing import Any


def order_by_clauses(query: Any) -> list[Any]:
    """The ORDER BY expressions of ``query``, in order."""
    return list(query._order_by_clauses)


def loader_options(query: Any) -> tuple[Any, ...]:
    """The loader options (``joinedload``, ``selectinload``…) given to ``query``."""
    return tuple(query._with_options)


def unlabelled(clause: Any) -> Any:
    """The ORDER BY expression behind ``clause`` when it refers to a label by name."""
    while getattr(clause, "__visit_name__", None) == "label_reference":
        clause = clause.element
    return clause
