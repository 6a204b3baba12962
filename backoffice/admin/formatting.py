"""Column formatters: dates in the reader's locale and time zone, numbers with the locale's
grouping, translated status names and yes/no icons, for list and details views alike."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from flask_admin.babel import gettext as admin_gettext
from flask_admin.model import typefmt
from flask_babel import (
    format_date,
    format_number,
    get_locale,
    get_timezone,
)
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape

from babel import dates

STATUS_LABELS = {
    "draft": _l("Draft"),
    "published": _l("Published"),
    "pending": _l("Pending"),
    "approved": _l("Approved"),
    "spam": _l("Spam"),
    "rejected": _l("Rejected"),
}


def format_stored_datetime(value: datetime | None) -> str:
    """A stored naive-UTC time in the reader's locale and time zone ("" for none)."""
    if not value:
        return ""
    # Babel itself, not Flask-Babel's wrapper: the same text (naive means UTC to both) for a
    # third less work, and lists format a date per row.
    return dates.format_datetime(value, "medium", tzinfo=get_timezone(), locale=get_locale())


def format_count(number: int) -> str:
    """A count with the locale's grouping; below 1,000 every locale writes the plain digits
    (Babel's default Latin digits), so no locale lookup is needed for most counts."""
    return str(number) if 0 <= number < 1000 else format_number(number)


def datetime_formatter(view: Any, context: Any, model: Any, name: str) -> str:
    """Column formatter: a stored UTC time in the reader's locale and time zone."""
    return format_stored_datetime(getattr(model, name))


def status_formatter(view: Any, context: Any, model: Any, name: str) -> Markup:
    """A status as a translated badge."""
    value = getattr(model, name)
    label = STATUS_LABELS.get(value, value)
    return Markup('<span class="badge badge-status badge-{}">{}</span>').format(
        escape(value), escape(str(label))
    )


def _bool(view: Any, value: bool, name: str) -> Markup:
    # Flask-Admin's own icon carries an English title ("active: true"); its catalogs have these.
    icon, label = (
        ("fa-check-circle", admin_gettext("Yes"))
        if value
        else ("fa-minus-circle", admin_gettext("No"))
    )
    return Markup('<span class="fa {}" title="{}" aria-label="{}"></span>').format(
        icon, label, label
    )


def _datetime(view: Any, value: datetime, name: str) -> str:
    return format_stored_datetime(value)


def _date(view: Any, value: date, name: str) -> str:
    return format_date(value, "medium")


def _number(view: Any, value: int | float | Decimal, name: str) -> str:
    return format_number(value)


# Flask-Admin takes the first isinstance match: bool (an int) and datetime (a date) come first.
_LOCALIZED = {bool: _bool, datetime: _datetime, date: _date, int: _number, float: _number,
              Decimal: _number}  # fmt: skip
LIST_TYPE_FORMATTERS = {**typefmt.BASE_FORMATTERS, **_LOCALIZED}
DETAIL_TYPE_FORMATTERS = {**typefmt.DETAIL_FORMATTERS, **_LOCALIZED}
