"""The audit log: read-only, admins only, filterable, with links to each object and its history."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from flask import url_for
from flask_admin.contrib.sqla import filters as sqla_filters
from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from backoffice.admin import audit_text
from backoffice.admin.base import GatedModelView
from backoffice.admin.filters import DateTimeBetween, DateTimeGreater, DateTimeSmaller
from backoffice.admin.formatting import datetime_formatter
from backoffice.admin.links import view_for_model
from backoffice.core.ids import parse_ids
from backoffice.extensions import db
from backoffice.models import AuditEntry, User

ACTION_CHOICES = list(audit_text.ACTION_LABELS.items())
OBJECT_TYPE_CHOICES = list(audit_text.OBJECT_TYPE_LABELS.items())


def object_links(entries: Iterable[AuditEntry]) -> dict[tuple[str, str], str]:
    """(type, id) -> edit (or details) URL, for the objects that still exist and may be opened.

    One query per object type on the page, whatever the number of rows.
    """
    wanted: dict[str, set[str]] = defaultdict(set)
    for entry in entries:
        if entry.object_id:
            wanted[entry.object_type].add(entry.object_id)
    links: dict[tuple[str, str], str] = {}
    for type_name, raw_ids in wanted.items():
        view = view_for_model(type_name)
        ids = parse_ids(raw_ids)
        if view is None or not ids or not view.is_accessible():
            continue
        page = ".edit_view" if view.can_edit else ".details_view" if view.can_view_details else None
        if page is None:
            continue
        model = view.model
        existing = db.session.scalars(select(model.id).where(model.id.in_(ids)))
        for row_id in existing:
            links[(type_name, str(row_id))] = url_for(view.endpoint + page, id=row_id)
    return links


#: Objects of which there is one, labelled by their translated type (their stored label is
#: empty) and linked to their page: the moderation rules.
SINGLE_OBJECTS: dict[str, str] = {"ModerationRules": "comment_rules.index"}


def _object_formatter(view: Any, context: Any, model: AuditEntry, name: str) -> Markup:
    single = SINGLE_OBJECTS.get(model.object_type)
    if single is not None:
        return Markup('<a href="{}">{}</a>').format(
            url_for(single), audit_text.object_type_label(model.object_type)
        )
    label = model.object_label or "#%s" % (model.object_id or "?")
    url = (context.get("object_links") or {}).get((model.object_type, model.object_id or ""))
    if url:
        return Markup('<a href="{}">{}</a>').format(url, label)
    return Markup("{}").format(label)


def _action_formatter(view: Any, context: Any, model: AuditEntry, name: str) -> Markup:
    return Markup('<span class="badge badge-light badge-action-{}">{}</span>').format(
        model.action, audit_text.action_label(model.action)
    )


def _type_formatter(view: Any, context: Any, model: AuditEntry, name: str) -> str:
    return audit_text.object_type_label(model.object_type)


def _user_formatter(view: Any, context: Any, model: AuditEntry, name: str) -> str:
    return audit_text.user_name(model)


def _changes_in_list(view: Any, context: Any, model: AuditEntry, name: str) -> Markup:
    return audit_text.format_changes(
        model.changes, audit_text.LIST_VALUE_LIMIT, audit_text.LIST_FIELD_LIMIT, model.object_type
    )


def _changes_in_full(view: Any, context: Any, model: AuditEntry, name: str) -> Markup:
    return audit_text.format_changes(model.changes, object_type=model.object_type)


class AuditView(GatedModelView):
    access_key = "audit"

    can_create = False
    can_edit = False
    column_list = ["created_at", "user", "action", "object_type", "object_label", "changes"]
    column_details_list = [
        "created_at", "user", "action", "object_type", "object_id", "object_label", "changes",
    ]  # fmt: skip
    column_default_sort = ("created_at", True)
    column_sortable_list = ["created_at", "action", "object_type"]
    column_searchable_list = ["object_label"]
    column_filters = [
        "user.username",
        sqla_filters.FilterEqual(AuditEntry.action, _l("Action"), options=ACTION_CHOICES),
        sqla_filters.FilterEqual(
            AuditEntry.object_type, _l("Object type"), options=OBJECT_TYPE_CHOICES
        ),
        sqla_filters.FilterEqual(AuditEntry.object_id, _l("Object ID")),
        DateTimeGreater(AuditEntry.created_at, _l("Time")),
        DateTimeSmaller(AuditEntry.created_at, _l("Time")),
        DateTimeBetween(AuditEntry.created_at, _l("Time")),
    ]
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
    column_formatters = {
        "created_at": datetime_formatter,
        "user": _user_formatter,
        "action": _action_formatter,
        "object_type": _type_formatter,
        "object_label": _object_formatter,
        "changes": _changes_in_list,
    }
    column_formatters_detail = {**column_formatters, "changes": _changes_in_full}

    @property
    def can_delete(self) -> bool:  # type: ignore[override]
        return False

    def get_query(self) -> Any:
        # The user's name is shown; their roles (loaded eagerly elsewhere) are not needed.
        return super().get_query().options(joinedload(AuditEntry.user).lazyload(User.roles))

    def render(self, template: str, **kwargs: Any) -> str:
        # The object links of a whole page are looked up at once, not row by row.
        if "data" in kwargs:
            kwargs["object_links"] = object_links(kwargs["data"] or ())
        elif isinstance(kwargs.get("model"), AuditEntry):
            kwargs["object_links"] = object_links([kwargs["model"]])
        return super().render(template, **kwargs)
