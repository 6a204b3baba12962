"""The date picker's texts in the reader's language.

Flask-Admin's date fields and filters use bootstrap-daterangepicker 1.3, which shows English
month and weekday names and buttons unless it is given a ``locale``. static/js/app.js hands
it this data, taken from Babel's locale data and Flask-Admin's own catalog.
"""

from __future__ import annotations

from typing import Any

from flask_admin.babel import gettext as admin_gettext
from flask_babel import get_locale, pgettext

from backoffice.i18n.selectors import text_direction


def picker_locale() -> dict[str, Any]:
    """Options for daterangepicker's ``locale`` (and which side it opens to)."""
    locale = get_locale()
    short_days = locale.days["format"]["short"]  # 0 = Monday ... 6 = Sunday
    months = locale.months["format"]["abbreviated"]  # 1 ... 12
    return {
        "opens": "left" if text_direction() == "rtl" else "right",
        "locale": {
            "applyLabel": admin_gettext("Apply"),
            "cancelLabel": admin_gettext("Cancel"),
            "fromLabel": pgettext("date range", "From"),
            "toLabel": pgettext("date range", "To"),
            "daysOfWeek": [short_days[(index + 6) % 7] for index in range(7)],  # Sunday first
            "monthNames": [months[number] for number in range(1, 13)],
            "firstDay": (locale.first_week_day + 1) % 7,  # Babel: Monday = 0; picker: Sunday
        },
    }
