"""Lists of words joined for a reader, by the rules of the reader's language."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from babel.lists import format_list
from flask_babel import get_locale


def join_labels(items: Iterable[Any], style: str = "standard") -> str:
    """``items`` as one phrase in the current locale: "A, B and C", "A وB وC".

    ``style`` is CLDR's list style: ``"standard"`` (and), ``"or"`` (a choice).
    """
    texts = [str(item) for item in items]
    if not texts:
        return ""
    return format_list(texts, style=style, locale=get_locale() or "en")
