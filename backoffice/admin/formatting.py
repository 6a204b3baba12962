"""Column formatters: dates in the reader's locale and time zone, numbers with the locale's
grouping, translated status names and yes/no icons, for list and details views alike."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from flask_admin.babel import gettext as admin_gettext
from flask_admin.model import typefmt
from flask_babel import (
    format_date,
    format_number,
)
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape

from babel import Locale, dates
from backoffice.core.caches import CatalogCache, memoized
from backoffice.i18n.lookup import current_locale, current_timezone

STATUS_LABELS = {
    "draft": _l("Draft"),
    "published": _l("Published"),
    "pending": _l("Pending"),
    "approved": _l("Approved"),
    "spam": _l("Spam"),
    "rejected": _l("Rejected"),
}


def format_stored_datetime(value: datetime | None) -> str:
    """A stored naive-UTC time in the reader's locale and time zone ("" for none).

    The same text as Babel's ``format_datetime(value, "medium")``, from the locale's patterns
    parsed once per process instead of on every call; the text of a time is kept for the
    process too (a pure function of the time, locale and zone): list pages show the same
    rows again and again.
    """
    if not value:
        return ""
    return _formatted(current_locale(), current_timezone(), value)


@memoized(8192)
def _formatted(locale: Locale, tzinfo: Any, value: datetime) -> str:
    frame, _date_pattern, time_pattern = _medium_patterns(locale)
    moment = value.replace(tzinfo=UTC).astimezone(tzinfo)
    if hasattr(tzinfo, "normalize"):  # pytz zones, as Babel does
        moment = tzinfo.normalize(moment)
    day = moment.date()
    time_text = time_pattern.apply(moment.timetz(), locale, reference_date=day)
    return frame.replace("{0}", time_text).replace("{1}", _date_text(locale, day))


@memoized(4096)
def _date_text(locale: Locale, day: date) -> str:
    # A list's rows share a few days: a day is formatted once per locale, not once per row.
    return _medium_patterns(locale)[1].apply(day, locale)


@memoized(64)
def _medium_patterns(locale: Locale) -> tuple[str, Any, Any]:
    """The locale's medium date-time frame ("{1}, {0}") and its date and time patterns."""
    frame = dates.get_datetime_format("medium", locale=locale).replace("'", "")
    date_pattern = dates.parse_pattern(dates.get_date_format("medium", locale=locale))
    time_pattern = dates.parse_pattern(dates.get_time_format("medium", locale=locale))
    return frame, date_pattern, time_pattern


def format_count(number: int) -> str:
    """A count with the locale's grouping; below 1,000 every locale writes the plain digits
    (Babel's default Latin digits), so no locale lookup is needed for most counts."""
    return str(number) if 0 <= number < 1000 else format_number(number)


def datetime_formatter(view: Any, context: Any, model: Any, name: str) -> str:
    """Column formatter: a stored UTC time in the reader's locale and time zone."""
    return format_stored_datetime(getattr(model, name))


def status_formatter(view: Any, context: Any, model: Any, name: str) -> Markup:
    """A status as a translated badge, made once per status, language and catalog: a list
    repeats a handful of statuses on every row."""
    value = getattr(model, name)
    return _BADGES.get(value, lambda: _badge(value))


_BADGES: CatalogCache[Markup] = CatalogCache("status badges", 64)


def _badge(status: str) -> Markup:
    label = STATUS_LABELS.get(status, status)
    return Markup('<span class="badge badge-status badge-{}">{}</span>').format(
        escape(status), escape(str(label))
    )


def _bool(view: Any, value: bool, name: str) -> Markup:
    # Flask-Admin's own icon carries an English title ("active: true"); its catalogs have these.
    icon, label = (
        ("fa-check-circle", admin_gettext("Yes"))
        if value
        else ("fa-minus-circle", admin_gettext("No"))
    )
    return Markup('<span class="fa {}" role="img" title="{}" aria-label="{}"></span>').format(
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
