"""Time helpers shared by the models.

Times are stored as naive UTC on every backend (SQLite has no time zones); they are
converted to the reader's zone only when displayed.
"""

from datetime import UTC, datetime


def utcnow() -> datetime:
    """The current time as naive UTC (a callable default, evaluated per row)."""
    return datetime.now(UTC).replace(tzinfo=None)
