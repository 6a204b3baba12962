"""The audit log: read-only, admins only."""

from __future__ import annotations

import json
from typing import Any

from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from sqlalchemy.orm import joinedload

from backoffice.admin.base import GatedModelView
from backoffice.admin.formatting import datetime_formatter


def _changes_formatter(view: Any, context: Any, model: Any, name: str) -> Markup:
    text = json.dumps(model.changes or {}, ensure_ascii=False, indent=1, sort_keys=True)
    return Markup('<pre class="audit-changes mb-0">{}</pre>').format(text)


class AuditView(GatedModelView):
    access_key = "audit"

    can_create = False
    can_edit = False
    column_list = ["created_at", "user", "action", "object_type", "object_id", "object_label"]
    column_details_list = column_list + ["changes"]
    column_default_sort = ("created_at", True)
    column_filters = ["user.username", "action", "object_type", "object_id", "created_at"]
    column_searchable_list = ["object_label"]
    column_labels = {
        "created_at": _l("Time"),
        "user": _l("User"),
        "user.username": _l("User"),
        "action": _l("Action"),
        "object_type": _l("Object type"),
        "object_id": _l("Object ID"),
        "object_label": _l("Object"),
        "changes": _l("Changes"),
    }
    # Stored in English for machines; shown in the reader's language (unknown values as stored).
    column_choices = {
        "action": [("create", _l("Created")), ("update", _l("Updated")), ("delete", _l("Deleted"))],
        "object_type": [("Post", _l("Post")), ("Comment", _l("Comment")), ("Tag", _l("Tag")),
                        ("Reminder", _l("Reminder")), ("User", _l("User")), ("Role", _l("Role"))],
    }  # fmt: skip
    column_formatters = {"created_at": datetime_formatter, "changes": _changes_formatter}

    @property
    def can_delete(self) -> bool:  # type: ignore[override]
        return False

    def get_query(self) -> Any:
        return super().get_query().options(joinedload(self.model.user))
