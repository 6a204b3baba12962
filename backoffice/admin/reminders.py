"""Reminders: a real e-mail address and a date that is not in the past."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms.validators import DataRequired, Email, InputRequired, Length, ValidationError

from backoffice.admin.base import GatedModelView
from backoffice.admin.fields import LocalDateTimeField
from backoffice.admin.formatting import datetime_formatter
from backoffice.models.clock import utcnow


def not_in_past(form: Any, field: Any) -> None:
    """Refuse a date before now (the field has already turned local input into UTC)."""
    if field.data is not None and field.data < utcnow():
        raise ValidationError(_("The date must not be in the past."))


class ReminderView(GatedModelView):
    access_key = "reminders"

    column_list = ["date", "email", "text"]
    column_default_sort = "date"
    column_searchable_list = ["email", "text"]
    column_filters = ["date", "email"]
    column_labels = {"date": _l("Date"), "email": _l("E-mail"), "text": _l("Text")}
    column_formatters = {"date": datetime_formatter}
    form_columns = ["date", "email", "text"]
    form_overrides = {"date": LocalDateTimeField}
    form_args = {
        # InputRequired, not DataRequired: that one would replace "not a valid date" by "required".
        "date": {"validators": [InputRequired(), not_in_past]},
        "email": {"validators": [DataRequired(), Email(), Length(max=255)]},
        "text": {"validators": [DataRequired()]},
    }
