"""Time zones: the allow-list users choose from, and conversions for stored naive UTC times.

Times are stored as naive UTC (see ``backoffice/models/clock.py``); people read and type them
in their own zone. Flask-Babel formats through pytz, so the allow-list holds only names both
``zoneinfo`` and pytz know (that drops ``localtime`` and ``Factory``).
"""

from __future__ import annotations

import zoneinfo
from datetime import UTC, datetime

import pytz
from flask_babel import get_timezone

from backoffice.core.caches import memoized


class NonexistentLocalTime(ValueError):
    """A wall-clock time skipped by a daylight-saving change (e.g. 02:30 on a spring night)."""


@memoized(8)
def allowed_timezones() -> tuple[str, ...]:
    """Every selectable time zone name, sorted."""
    return tuple(sorted(zoneinfo.available_timezones() & pytz.all_timezones_set))


def is_allowed_timezone(name: str | None) -> bool:
    """True if ``name`` is on the allow-list."""
    return bool(name) and name in _allowed_set()


@memoized(8)
def _allowed_set() -> frozenset[str]:
    return frozenset(allowed_timezones())


def current_zone() -> zoneinfo.ZoneInfo:
    """The time zone of the current request (the user's, else the configured default)."""
    return zoneinfo.ZoneInfo(str(get_timezone()))


def utc_to_local(value: datetime, zone: zoneinfo.ZoneInfo | None = None) -> datetime:
    """A stored naive UTC time as naive wall-clock time in ``zone`` (default: the user's)."""
    zone = zone or current_zone()
    return value.replace(tzinfo=UTC).astimezone(zone).replace(tzinfo=None)


def local_to_utc(value: datetime, zone: zoneinfo.ZoneInfo | None = None) -> datetime:
    """Naive wall-clock time in ``zone`` as naive UTC for storage.

    An ambiguous time (the repeated hour in autumn) means its first occurrence; a time that
    does not exist (the skipped hour in spring) raises :class:`NonexistentLocalTime`.
    """
    zone = zone or current_zone()
    aware = value.replace(tzinfo=zone, fold=0)
    utc = aware.astimezone(UTC)
    if utc.astimezone(zone).replace(tzinfo=None) != value:
        raise NonexistentLocalTime(value)
    return utc.replace(tzinfo=None)
