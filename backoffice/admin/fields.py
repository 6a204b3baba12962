"""Form fields that speak the user's time zone while the database keeps naive UTC."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask_admin.form import DateTimeField
from flask_babel import gettext as _
from flask_babel.speaklater import LazyString

from backoffice.i18n.timezones import NonexistentLocalTime, current_zone, local_to_utc, utc_to_local

#: What the date picker writes first; the others are accepted when typed by hand.
INPUT_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M")
#: Accepted years: shifting year 1 or 9999 by a zone offset leaves datetime's range.
YEARS = (1900, 9998)


def _zone_hint() -> str:
    return _("Your time zone: %(zone)s", zone=current_zone().key)


class LocalDateTimeField(DateTimeField):
    """A date and time shown and typed in the user's time zone, held as naive UTC.

    ``data`` is always naive UTC (what the model stores); only the text in the input box is
    local. Unparseable input and times skipped by a clock change are refused with a message.
    """

    def __init__(self, label: Any = None, validators: Any = None, **kwargs: Any) -> None:
        if not kwargs.get("description"):  # Flask-Admin passes the column's doc, often None
            kwargs["description"] = LazyString(_zone_hint)
        kwargs.pop("format", None)
        super().__init__(label, validators, format=INPUT_FORMATS[0], **kwargs)
        self.format = list(INPUT_FORMATS)

    def _value(self) -> str:
        if self.raw_data:
            return " ".join(self.raw_data)
        if self.data is None:
            return ""
        return utc_to_local(self.data).strftime(INPUT_FORMATS[0])

    def process_formdata(self, valuelist: list[str]) -> None:
        if not valuelist:
            return
        text = " ".join(valuelist).strip()
        self.data = None
        if not text:
            return
        local = _parse(text)
        if local is None:
            raise ValueError(
                _("Enter a date and time like %(example)s.", example="2030-01-31 14:30:00")
            )
        try:
            self.data = local_to_utc(local)
        except NonexistentLocalTime:
            raise ValueError(
                _("This time does not exist in your time zone (the clocks change then).")
            ) from None


def _parse(text: str) -> datetime | None:
    if len(text) > 40:
        return None
    for fmt in INPUT_FORMATS:
        try:
            value = datetime.strptime(text, fmt)
        except ValueError:
            continue
        # Far-off years would overflow when shifted between time zones.
        return value if YEARS[0] <= value.year <= YEARS[1] else None
    return None
