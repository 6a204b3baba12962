"""Flask-Admin: what it keeps without a public accessor, reached here and only here.

- The views an ``Admin`` holds (``_views``) and the menu's children (``_children``, ``_view``):
  the badges (``admin/menu.py``) and every place that looks a view up by its model.
- A model view's filters (``_filters``) and its search, filter and sort steps
  (``_apply_search``, ``_apply_filters``, ``_apply_sorting``): our list pages run them on an
  id query of their own (``admin/list_paging.py``).
- An action's title (``_actions_data``): the queue's one-click buttons.
- How a list cell's value is made (``_get_list_value``, ``_get_field_value``, and the choices
  it reads, ``_column_choices_map``): our rows make it the same way, faster, unless a view
  overrides it (:func:`changes_list_values`; ``admin/rows.py``).
- Protected hooks, given public names by two mixins (:class:`ModelViewHooks`,
  :class:`FileAdminHooks`), and the edited object a form keeps for ``Unique`` (``_obj``).
- What a model view works out from its settings once (``_refresh_cache``), worked out again
  after a setting changes (:func:`rework_settings`).
- The page's Jinja context it leaves on ``g`` (``_admin_render_ctx``), dropped at the end of
  each request (:func:`forget_render_context`).

Relies on all of the above keeping their names and signatures (tests/test_compat.py).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any


def admin_views(admin: Any) -> list[Any]:
    """Every view added to ``admin``, in order."""
    return list(admin._views)


def default_endpoint(view: Any) -> str:
    """The endpoint of ``view``'s page (``"<endpoint>.<default view>"``)."""
    return f"{view.endpoint}.{view._default_view}"


def menu_children(item: Any) -> list[Any]:
    """The items of a menu category."""
    return list(item._children)


def menu_view(item: Any) -> Any:
    """The view a menu item opens, or None (links, categories)."""
    return getattr(item, "_view", None)


def walk_menu(items: Sequence[Any]) -> Iterator[Any]:
    """Every item of the menu, categories before their children."""
    for item in items:
        yield item
        if item.is_category():
            yield from walk_menu(menu_children(item))


def view_filters(view: Any) -> Sequence[Any]:
    """The filters of a model view, indexed as its ``flt<N>_…`` arguments number them."""
    return view._filters or ()


def apply_search(view: Any, query: Any, joins: dict, search: str) -> tuple[Any, dict]:
    """``query`` narrowed by the view's search (unchanged if the view has none)."""
    if not (view._search_supported and search):
        return query, joins
    query, _count, joins, _count_joins = view._apply_search(query, None, joins, {}, search)
    return query, joins


def apply_filters(view: Any, query: Any, joins: dict, filters: Any) -> tuple[Any, dict]:
    """``query`` narrowed by the active ``filters`` of the view's list arguments."""
    if not (filters and view._filters):
        return query, joins
    query, _count, joins, _count_joins = view._apply_filters(query, None, joins, {}, filters)
    return query, joins


def apply_sorting(view: Any, query: Any, joins: dict, column: Any, desc: Any) -> tuple[Any, dict]:
    """``query`` ordered as the view's list would order it."""
    return view._apply_sorting(query, joins, column, desc)


def rework_settings(view: Any) -> None:
    """Work out again what ``view`` derives from its settings (columns, filters, row actions,
    forms) once one of them has changed after the view was made."""
    view._refresh_cache()


#: Flask-Admin's methods that make a list cell's value; a view may override any of them.
LIST_VALUE_HOOKS = ("get_list_value", "_get_list_value", "_get_field_value")


def changes_list_values(view: Any) -> bool:
    """True if ``view``'s class overrides how Flask-Admin makes a list cell's value."""
    from flask_admin.model import BaseModelView

    return any(
        getattr(type(view), hook) is not getattr(BaseModelView, hook) for hook in LIST_VALUE_HOOKS
    )


def action_title(view: Any, name: str) -> str:
    """The title of the view's action ``name`` (its button text in the actions menu)."""
    return str(view._actions_data[name][1])


class ModelViewHooks:
    """Public names for the model view's protected hooks that our views adapt:

    - ``list_args(args)``: the arguments a list page reads (``_get_list_extra_args``);
    - ``filter_groups(upstream)``: the filter menu's data (``_get_filter_groups``);
    - ``search_rows(query, count_query, joins, count_joins, term)``: the search step
      (``_apply_search``).
    """

    def _get_list_extra_args(self) -> Any:
        return self.list_args(super()._get_list_extra_args())  # type: ignore[misc]

    def list_args(self, args: Any) -> Any:
        return args

    def _get_filter_groups(self) -> Any:
        return self.filter_groups(super()._get_filter_groups)  # type: ignore[misc]

    def filter_groups(self, upstream: Callable[[], Any]) -> Any:
        return upstream()

    def _apply_search(
        self, query: Any, count_query: Any, joins: Any, count_joins: Any, search_term: str
    ) -> tuple[Any, Any, Any, Any]:
        return self.search_rows(query, count_query, joins, count_joins, search_term)

    def search_rows(
        self, query: Any, count_query: Any, joins: Any, count_joins: Any, search_term: str
    ) -> tuple[Any, Any, Any, Any]:
        upstream = super()._apply_search  # type: ignore[misc]
        return upstream(query, count_query, joins, count_joins, search_term)


class FileAdminHooks:
    """Public names for the file admin's protected hooks that our media library adapts:

    - ``handle_view(name, upstream, **kwargs)``: check a request before (and after) the file
      admin's own check, ``upstream()``, which answers a refusal or None (``_handle_view``);
    - ``normalize_path(path)``: (base, directory, path) of a URL's path (``_normalize_path``);
    - ``save_form_files(directory, path, form)``: store an upload (``_save_form_files``);
    - ``dir_url(endpoint, path)``: the URL of a folder's page (``_get_dir_url``).
    """

    def dir_url(self, endpoint: str, path: str | None) -> str:
        return str(self._get_dir_url(endpoint, path))  # type: ignore[attr-defined]

    def _handle_view(self, name: str, **kwargs: Any) -> Any:
        def upstream() -> Any:
            return super(FileAdminHooks, self)._handle_view(name, **kwargs)  # type: ignore[misc]

        return self.handle_view(name, upstream, **kwargs)

    def handle_view(self, name: str, upstream: Callable[[], Any], **kwargs: Any) -> Any:
        return upstream()

    def _normalize_path(self, path: str | None) -> tuple[str, str, str]:
        return self.normalize_path(path)

    def normalize_path(self, path: str | None) -> tuple[str, str, str]:
        return super()._normalize_path(path)  # type: ignore[misc]

    def _save_form_files(self, directory: str, path: str, form: Any) -> None:
        self.save_form_files(directory, path, form)

    def save_form_files(self, directory: str, path: str, form: Any) -> None:
        super()._save_form_files(directory, path, form)  # type: ignore[misc]


def remember_edited_object(form: Any, obj: Any) -> None:
    """What Flask-Admin's ``BaseForm`` does: its ``Unique`` validator reads ``form._obj``."""
    form._obj = obj


def forget_render_context(_error: BaseException | None = None) -> None:
    """Drop the page context Flask-Admin keeps on ``g`` for its form rules (``h.resolve_ctx``).

    The context holds ``g`` itself: a reference cycle that kept each page (its rows too) for
    the garbage collector, which then ran about every other request. A teardown hook.
    """
    from flask import g

    g.pop("_admin_render_ctx", None)
