"""List filters on date-time columns read the typed value in the user's time zone."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask_admin.contrib.sqla import filters as sqla

from backoffice.i18n.timezones import local_to_utc


class _LocalTime:
    """Mixin: Flask-Admin parses the text; we shift it from local time to stored UTC."""

    def clean(self, value: str) -> Any:
        parsed = super().clean(value)  # type: ignore[misc]
        if isinstance(parsed, datetime):
            return local_to_utc(parsed)
        return [local_to_utc(item) for item in parsed]

    def validate(self, value: str) -> bool:
        try:
            cleaned = self.clean(value)
        except (ValueError, OverflowError):  # also a time skipped by a clock change
            return False
        return not isinstance(cleaned, list) or (len(cleaned) == 2 and cleaned[0] <= cleaned[1])


class DateTimeEqual(_LocalTime, sqla.DateTimeEqualFilter):
    pass


class DateTimeNotEqual(_LocalTime, sqla.DateTimeNotEqualFilter):
    pass


class DateTimeGreater(_LocalTime, sqla.DateTimeGreaterFilter):
    pass


class DateTimeSmaller(_LocalTime, sqla.DateTimeSmallerFilter):
    pass


class DateTimeBetween(_LocalTime, sqla.DateTimeBetweenFilter):
    pass


class DateTimeNotBetween(_LocalTime, sqla.DateTimeNotBetweenFilter):
    pass


class LocalTimeFilterConverter(sqla.FilterConverter):
    """Flask-Admin's converter with time-zone-aware date-time filters."""

    datetime_filters = (DateTimeEqual, DateTimeNotEqual, DateTimeGreater, DateTimeSmaller,
                        DateTimeBetween, DateTimeNotBetween)  # fmt: skip
