"""The one place that turns user-supplied row ids into integers the database accepts."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

# Primary keys are INTEGER columns: 32-bit on PostgreSQL, which refuses anything larger.
MAX_ID = 2**31 - 1


def parse_id(value: Any) -> int | None:
    """``"42"`` -> 42; anything that cannot be a row id (``"abc"``, ``"-1"``, huge) -> None."""
    text = str(value).strip() if value is not None else ""
    if not text.isascii() or not text.isdigit() or len(text) > 10:
        return None
    number = int(text)
    return number if 0 < number <= MAX_ID else None


def parse_ids(values: Iterable[Any]) -> list[int]:
    """The valid row ids among ``values``, in order, without duplicates."""
    return list(dict.fromkeys(i for i in map(parse_id, values) if i is not None))
