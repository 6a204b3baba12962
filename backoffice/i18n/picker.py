"""The date picker's texts in the reader's language.

Flask-Admin's date fields and filters use bootstrap-daterangepicker 1.3, which shows English
month and weekday names and buttons unless it is given a ``locale``. static/js/app.js hands
it this data, taken from Babel's locale data and Flask-Admin's own catalog.

The picker writes every one of these texts into its markup as HTML, so each is escaped here:
a translator's "Apply" must show as text.
"""

from __future__ import annotations

from typing import Any

from flask_admin.babel import gettext as admin_gettext
from flask_babel import get_locale, pgettext
from markupsafe import escape

from backoffice.i18n.selectors import text_direction


def picker_locale() -> dict[str, Any]:
    """Options for daterangepicker's ``locale`` (and which side it opens to)."""
    locale = get_locale()
    short_days = locale.days["format"]["short"]  # 0 = Monday ... 6 = Sunday
    months = locale.months["format"]["abbreviated"]  # 1 ... 12
    return {
        "opens": "left" if text_direction() == "rtl" else "right",
        "locale": {
            "applyLabel": _html(admin_gettext("Apply")),
            "cancelLabel": _html(admin_gettext("Cancel")),
            "fromLabel": _html(pgettext("date range", "From")),
            "toLabel": _html(pgettext("date range", "To")),
            # Sunday first
            "daysOfWeek": [_html(short_days[(index + 6) % 7]) for index in range(7)],
            "monthNames": [_html(months[number]) for number in range(1, 13)],
            "firstDay": (locale.first_week_day + 1) % 7,  # Babel: Monday = 0; picker: Sunday
        },
    }


def _html(text: str) -> str:
    """``text`` as the HTML the picker inserts (a plain string: JSON has no markup type)."""
    return str(escape(text))
