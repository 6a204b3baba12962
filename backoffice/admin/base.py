"""Access control shared by every admin view: each view names its row in the roles table."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs, urlsplit

from flask import abort, flash, redirect, request, url_for
from flask_admin import AdminIndexView, BaseView
from flask_admin.actions import action
from flask_admin.babel import gettext as admin_gettext
from flask_admin.babel import lazy_gettext as admin_lazy_gettext
from flask_admin.contrib.sqla import ModelView
from flask_admin.model.template import DeleteRowAction, EditRowAction, ViewRowAction
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy.exc import IntegrityError
from werkzeug.wrappers import Response

from backoffice.admin.filters import LocalTimeFilterConverter
from backoffice.admin.formatting import DETAIL_TYPE_FORMATTERS, LIST_TYPE_FORMATTERS
from backoffice.admin.links import fixed_url, history_url
from backoffice.admin.list_paging import FastListMixin
from backoffice.admin.pager_links import page_urls, pager_links
from backoffice.admin.rows import ROW_ID, ROW_SLOT, render_rows
from backoffice.admin.search import search_placeholder
from backoffice.compat.flask_admin import remember_edited_object
from backoffice.core.caches import CatalogCache, request_memo
from backoffice.core.ids import parse_id, parse_ids
from backoffice.extensions import db
from backoffice.i18n.text import InertText
from backoffice.security.redirects import current_path
from backoffice.security.roles import can

log = logging.getLogger(__name__)
#: Flask-Admin's list template, for lists the light one does not draw (GatedModelView.render).
UPSTREAM_LIST = "admin/model/list.html"
#: No list has more pages than this (10 million rows at 100 a page).
MAX_PAGE = 100_000


def row_action_kind(action: Any) -> str | None:
    """ "view", "edit" or "delete" for Flask-Admin's plain row actions (the light list template
    draws those itself); None for any other action, which renders as upstream."""
    kinds = {ViewRowAction: "view", EditRowAction: "edit", DeleteRowAction: "delete"}
    return kinds.get(type(action))


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

    Flask-Admin's ``Unique`` validator reads the edited object from the form (kept by
    ``compat.flask_admin.remember_edited_object``); without it every edit of a row with a
    unique column fails with "Already exists."
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        remember_edited_object(self, kwargs.get("obj"))


class GatedIndexView(RoleGated, AdminIndexView):
    """Base for the dashboard (the admin index)."""


class GatedView(RoleGated, BaseView):
    """Base for custom pages (profile, translations…)."""


class GatedModelView(RoleGated, FastListMixin, ModelView):
    """Base for model views: CSRF-protected forms, gated actions, paging fast at depth
    (deferred join, cheap counts: see :mod:`backoffice.admin.list_paging`)."""

    form_base_class = AdminForm
    # Flask-Admin's edit page plus a "History" button (views may extend it further).
    create_template = "admin/model/backoffice_create.html"
    edit_template = "admin/model/backoffice_edit.html"
    # Light rows: shared delete form, links built once a page (at most 30 KB of HTML a page).
    list_template = "admin/model/backoffice_list.html"
    #: A column whose cells link to the details page (replacing the row's eye icon).
    row_link_column: str | None = None
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
        #: Translated parts of the view's pages, per language and catalog.
        self._translated: CatalogCache[Any] = CatalogCache("view texts", 64)
        super().__init__(model, db, **kwargs)

    def get_filters(self) -> Any:
        # Flask-Admin's filter script inserts a filter's name as HTML (and looks the filter up
        # by it): a translated name must not be able to start a tag there.
        filters = super().get_filters()
        for flt in filters or ():
            if not isinstance(flt.name, InertText):
                flt.name = InertText(flt.name)
        return filters

    def filter_groups(self, upstream: Callable[[], Any]) -> Any:
        # Flask-Admin translates every filter's name, operation and options on every list page
        # (a few dozen lazy strings), though they change only with the language or catalog.
        return self._translated.get("filters", upstream)

    @property
    def can_delete(self) -> bool:  # type: ignore[override]
        return self.may("delete")

    def search_placeholder(self) -> str | None:
        return search_placeholder(self)  # the labels as a list in the reader's language

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

    def list_args(self, args: Any) -> Any:
        # ?page= becomes an OFFSET: negative ones are refused by PostgreSQL, huge ones overflow
        # the database's integers. Past the last page simply shows an empty page.
        args = super().list_args(args)
        args.page = min(max(args.page or 0, 0), MAX_PAGE)
        args.page_size = max(args.page_size or 0, 0)
        return args

    def render(self, template: str, **kwargs: Any) -> str:
        # The list's "List (12345)" prints the raw number: give it the locale's grouping,
        # and a "+" when counting stopped at the cap.
        if isinstance(kwargs.get("count"), int) and kwargs["count"]:
            kwargs["count"] = self.list_count_label(kwargs["count"])
        if "list_row_actions" not in kwargs:
            return super().render(template, **kwargs)
        kwargs["pager_url"], kwargs["return_url"] = self.seek_links(
            page_urls(kwargs["pager_url"]), kwargs["return_url"], kwargs["page"], kwargs["data"]
        )
        if not self._light_rows():
            # Editable cells, row actions of other kinds: Flask-Admin's own list draws them.
            # It loads Flask-Admin's list scripts one by one, without the two they need that
            # Flask-Admin's base template loads and ours leaves to the picker bundles.
            return super().render(UPSTREAM_LIST, base_needs_pickers=True, **kwargs)
        buttons = [(row_action_kind(a), a) for a in kwargs["list_row_actions"]]
        kwargs.update(
            row_links=self._row_links(kwargs.get("return_url")),
            row_buttons=buttons,
            row_id_slot=ROW_SLOT,
            render_rows=render_rows,
            pager_links=pager_links,
            fixed_url=fixed_url,
        )
        return super().render(template, **kwargs)

    def _light_rows(self) -> bool:
        """True if the light list template can draw the list (backoffice_list.html); editable
        cells and row actions of other kinds render with Flask-Admin's list template. Worked
        out once a request."""
        memo = request_memo("light rows")
        if self.endpoint not in memo:
            kinds = [row_action_kind(a) for a in self.get_list_row_actions()]
            memo[self.endpoint] = not self.column_editable_list and all(kinds)
        return bool(memo[self.endpoint])

    def _writes_its_forms(self) -> bool:
        """True on a light list page, which writes its action and delete forms itself
        (backoffice_list.html): form objects would cost a CSRF token and translations each."""
        return request.endpoint == f"{self.endpoint}.index_view" and self._light_rows()

    def action_form(self, obj: Any = None) -> Any:
        return None if self._writes_its_forms() else super().action_form(obj)

    def delete_form(self) -> Any:
        return None if self._writes_its_forms() else super().delete_form()

    def _row_links(self, return_url: str | None) -> dict[str, Any]:
        """What every row of a list page repeats, computed once a page: the view and edit URLs
        as (before id, after id), and the translated titles of the row's controls.

        The way back (``url=``) is left out when it is the list's first page, where
        Flask-Admin returns by default."""
        if return_url and self._is_default_list_url(return_url):
            return_url = None
        links: dict[str, Any] = {}
        for kind, endpoint in (("details", ".details_view"), ("edit", ".edit_view")):
            url = self.get_url(endpoint, id=ROW_SLOT, url=return_url)
            before, _sep, after = url.partition(ROW_ID)
            links[kind] = (before, after)
        links["titles"] = {
            "select": admin_gettext("Select record"),
            "view": admin_gettext("View Record"),
            "edit": admin_gettext("Edit Record"),
            "delete": admin_gettext("Delete Record"),
        }
        return links

    def _is_default_list_url(self, url: str) -> bool:
        parts = urlsplit(url)
        args = parse_qs(parts.query)
        default = {"page_size": [str(self.page_size)]}
        return parts.path == self.get_url(".index_view") and args in ({}, default)

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
