"""What a logged field is called: the label its model's admin view (list and form) gives it.

An audit entry keeps column names (``username``, ``roles``); a reader sees the labels of the
forms they edited them in. The labels are read from the views' ``column_labels`` (which
Flask-Admin also uses for the form fields) and the forms' own field labels, so the log and
the forms never disagree. Keys that only explicit entries write have labels here.
"""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from backoffice.admin.links import view_for_model
from backoffice.admin.role_labels import description_text, role_label

#: Fields that no admin form shows: those of explicit entries (merges, the workbench).
OWN_LABELS = {
    "merged_into": _l("Merged into"),
    "merged_tags": _l("Merged tags"),
    "posts_relinked": _l("Posts moved"),
    "msgstr": _l("Translation"),
    "fuzzy": _l("Fuzzy"),  # as the workbench calls it
    "password_hash": _l("Password"),
}


def _view_label(view: Any, column: str) -> Any:
    labels = getattr(view, "column_labels", None) or {}
    if column in labels:
        return labels[column]
    extra = (getattr(view, "form_extra_fields", None) or {}).get(column)
    if extra is not None and getattr(extra, "args", None):
        return extra.args[0]  # an unbound field: its label is the first argument
    label = ((getattr(view, "form_args", None) or {}).get(column) or {}).get("label")
    if label is not None:
        return label
    if column.endswith("_id"):  # a foreign key: the relationship's label
        return labels.get(column[: -len("_id")])
    return None


def field_label(object_type: str | None, column: str) -> str:
    """The label of ``column`` of the model called ``object_type``; the column name itself
    when nothing names it."""
    view = view_for_model(object_type) if object_type else None
    label = _view_label(view, column) if view is not None else None
    if label is None:
        label = OWN_LABELS.get(column)
    return column if label is None else str(label)


def field_value(object_type: str | None, column: str, value: Any) -> Any:
    """A logged value as a reader reads it: role names translated, anything else as it is."""
    if object_type == "User" and column == "roles" and isinstance(value, list | tuple):
        return sorted(role_label(name) for name in value)
    if object_type == "Role" and column == "name" and isinstance(value, str):
        return role_label(value)
    if object_type == "Role" and column == "description" and isinstance(value, str):
        return description_text(value)
    return value
