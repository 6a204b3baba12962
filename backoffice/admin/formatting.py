"""Column formatters: localized dates and translated status names in list views."""

from __future__ import annotations

from typing import Any

from flask_babel import format_datetime
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape

STATUS_LABELS = {
    "draft": _l("Draft"),
    "published": _l("Published"),
    "pending": _l("Pending"),
    "approved": _l("Approved"),
    "spam": _l("Spam"),
    "rejected": _l("Rejected"),
}


def datetime_formatter(view: Any, context: Any, model: Any, name: str) -> str:
    """A stored UTC time in the reader's locale and time zone."""
    value = getattr(model, name)
    return format_datetime(value, "medium") if value else ""


def status_formatter(view: Any, context: Any, model: Any, name: str) -> Markup:
    """A status as a translated badge."""
    value = getattr(model, name)
    label = STATUS_LABELS.get(value, value)
    return Markup('<span class="badge badge-status badge-{}">{}</span>').format(
        escape(value), escape(str(label))
    )
