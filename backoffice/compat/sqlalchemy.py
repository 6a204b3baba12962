"""SQLAlchemy: what a legacy ``Query`` keeps without a public accessor in 2.x.

Flask-Admin builds its lists as ``Query`` objects; our list pages read the ORDER BY it built
(to seek by it) and the loader options of ``get_query()`` (to load the page's rows with them).

Relies on: ``Query._order_by_clauses`` and ``Query._with_options`` (tests/test_compat.py).
"""

from __future__ import annotations

from typing import Any


def order_by_clauses(query: Any) -> list[Any]:
    """The ORDER BY expressions of ``query``, in order."""
    return list(query._order_by_clauses)


def loader_options(query: Any) -> tuple[Any, ...]:
    """The loader options (``joinedload``, ``selectinload``…) given to ``query``."""
    return tuple(query._with_options)
