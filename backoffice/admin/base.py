"""Access control shared by every admin view: each view names its row in the roles table."""

from __future__ import annotations

import logging
from typing import Any

from flask import abort, flash, redirect, url_for
from flask_admin import AdminIndexView, BaseView
from flask_admin.actions import action
from flask_admin.babel import lazy_gettext as admin_lazy_gettext
from flask_admin.contrib.sqla import ModelView
from flask_babel import format_number
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy.exc import IntegrityError
from werkzeug.wrappers import Response

from backoffice.admin.filters import LocalTimeFilterConverter
from backoffice.admin.formatting import DETAIL_TYPE_FORMATTERS, LIST_TYPE_FORMATTERS
from backoffice.admin.links import history_url
from backoffice.extensions import db
from backoffice.ids import parse_id, parse_ids
from backoffice.security.redirects import current_path
from backoffice.security.roles import can

log = logging.getLogger(__name__)
#: No list has more pages than this (10 million rows at 100 a page).
MAX_PAGE = 100_000


class RoleGated:
    """Mixin: open the view only to the roles listed for ``access_key`` in the roles table."""

    access_key: str = ""

    def is_accessible(self) -> bool:
        return can(current_user, self.access_key)

    def inaccessible_callback(self, name: str, **kwargs: Any) -> Response:
        if not current_user.is_authenticated:
            return redirect(url_for("auth.login", next=current_path()))
        abort(403)

    def may(self, action: str) -> bool:
        """True if the current user may perform ``action`` in this view."""
        return can(current_user, self.access_key, action)


class AdminForm(FlaskForm):
    """FlaskForm (CSRF) that, like Flask-Admin's BaseForm, remembers the edited object.

    Flask-Admin's ``Unique`` validator reads ``form._obj``; without it every edit of a row
    with a unique column fails with "Already exists."
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._obj = kwargs.get("obj")


class GatedIndexView(RoleGated, AdminIndexView):
    """Base for the dashboard (the admin index)."""


class GatedView(RoleGated, BaseView):
    """Base for custom pages (profile, translations…)."""


class GatedModelView(RoleGated, ModelView):
    """Base for model views: CSRF-protected forms, gated actions, sensible paging."""

    form_base_class = AdminForm
    # Flask-Admin's edit page plus a "History" button (views may extend it further).
    edit_template = "admin/model/backoffice_edit.html"
    page_size = 20
    can_set_page_size = True
    page_size_options = (20, 50, 100)
    can_view_details = True
    column_display_pk = False
    # Each view eager-loads exactly what it shows (see get_query); no automatic joins.
    column_auto_select_related = False
    # Dates in the reader's time zone and locale, numbers with locale grouping, everywhere.
    column_type_formatters = LIST_TYPE_FORMATTERS
    column_type_formatters_detail = DETAIL_TYPE_FORMATTERS
    filter_converter = LocalTimeFilterConverter()

    def __init__(self, model: type, **kwargs: Any) -> None:
        super().__init__(model, db, **kwargs)

    @property
    def can_delete(self) -> bool:  # type: ignore[override]
        return self.may("delete")

    def handle_view_exception(self, exc: Exception) -> bool:
        if isinstance(exc, IntegrityError):
            # Flask-Admin would show the raw SQL; say what happened instead, and log the rest.
            log.warning("integrity error in %s: %s", self.endpoint, exc)
            flash(
                _("This change conflicts with existing data (for example a duplicate name)."),
                "error",
            )
            return True
        return super().handle_view_exception(exc)

    def _get_list_extra_args(self) -> Any:
        # ?page= becomes an OFFSET: negative ones are refused by PostgreSQL, huge ones overflow
        # the database's integers. Past the last page simply shows an empty page.
        args = super()._get_list_extra_args()
        args.page = min(max(args.page or 0, 0), MAX_PAGE)
        args.page_size = max(args.page_size or 0, 0)
        return args

    def render(self, template: str, **kwargs: Any) -> str:
        # The list's "List (12345)" prints the raw number: give it the locale's grouping.
        if isinstance(kwargs.get("count"), int) and kwargs["count"]:
            kwargs["count"] = format_number(kwargs["count"])
        return super().render(template, **kwargs)

    def history_url(self, obj: Any) -> str | None:
        """The audit log filtered to ``obj``, if the current user may read the audit log."""
        return history_url(obj) if can(current_user, "audit") else None

    def authorize_rows(self, ids: list[int]) -> None:
        """Abort with 403 if the user may not act on some of these rows (row-level rules)."""

    def get_one(self, id: Any) -> Any:
        # Anything that cannot be a row id (``?id=abc``, huge numbers) is simply not found,
        # instead of a database error.
        row_id = parse_id(id)
        return None if row_id is None else super().get_one(str(row_id))

    @action(
        "delete",
        admin_lazy_gettext("Delete"),
        admin_lazy_gettext("Are you sure you want to delete selected records?"),
    )
    def action_delete(self, ids: list[str]) -> None:
        # Row ids arrive as strings; PostgreSQL refuses "integer IN (varchar)" comparisons.
        row_ids = parse_ids(ids)
        self.authorize_rows(row_ids)
        return super().action_delete(tuple(row_ids))

    def is_action_allowed(self, name: str) -> bool:
        return self.may(name) and super().is_action_allowed(name)
