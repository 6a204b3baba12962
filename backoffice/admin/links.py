"""URLs into admin lists with Flask-Admin's own filter arguments, and object history links.

Flask-Admin names a filter argument ``flt<position>_<key>``, where ``<key>`` is the filter's
index in the view's filter list (or a name, with ``named_filter_urls``). Both change when
someone edits ``column_filters``, so links are computed from the view, never written by hand.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import current_app, request, url_for
from flask_admin.contrib.sqla import tools
from flask_admin.contrib.sqla.filters import FilterEqual
from flask_admin.model import BaseModelView
from flask_admin.model.filters import BaseFilter
from sqlalchemy import inspect

from backoffice.admin.rows import ROW_ID
from backoffice.compat.flask_admin import admin_views, view_filters
from backoffice.compat.flask_babel import lazy_texts
from backoffice.core.caches import ProcessCache, app_cache, request_memo

#: A filter class, or its operation's English name ("equals", "between").
Operation = type[BaseFilter] | str
#: (column path on the view's model, operation, value)
Condition = tuple[str, Operation, Any]


def row_url(key: str, build: Callable[[], str], row_id: Any) -> str:
    """``build()`` (a URL with :data:`ROW_ID` in it) once per request, then ``row_id`` in its
    place: building a URL costs far more than replacing a word, and list cells ask per row."""
    cache = request_memo("row URLs")
    if key not in cache:
        cache[key] = build()
    return cache[key].replace(ROW_ID, str(row_id))


def fixed_url(endpoint: str, **args: Any) -> str:
    """``url_for(endpoint, **args)`` for a URL that depends on nothing of the request but its
    blueprint (for ``.endpoint``) and the application root: built once per process and root.
    A page of the comment queue names ten (its tabs, the forms of its buttons), at about
    25 µs each. Not for URLs that a view's ``get_url`` would change."""
    if endpoint.startswith("."):
        endpoint = f"{request.blueprint}{endpoint}"
    urls: ProcessCache[str] = app_cache(
        "backoffice_fixed_urls", lambda: ProcessCache("fixed URLs", 256)
    )
    key = (endpoint, tuple(sorted(args.items())), request.script_root)
    return urls.get(key, lambda: url_for(endpoint, **args))


def model_views() -> list[BaseModelView]:
    """Every model view of the current app's admin."""
    admins = current_app.extensions.get("admin", [])
    return [v for admin in admins for v in admin_views(admin) if isinstance(v, BaseModelView)]


def find_view(endpoint: str) -> BaseModelView:
    """The model view registered under ``endpoint``."""
    for view in model_views():
        if view.endpoint == endpoint:
            return view
    raise LookupError(f"no model view with endpoint {endpoint!r}")


def view_for_model(type_name: str) -> BaseModelView | None:
    """The model view whose model class is called ``type_name`` (``"Post"``), if any."""
    for view in model_views():
        if getattr(view.model, "__name__", None) == type_name:
            return view
    return None


def _base_column(column: Any) -> Any:
    prop = getattr(column, "property", None)  # an ORM attribute -> its table column
    return prop.columns[0] if prop is not None and hasattr(prop, "columns") else column


def _operation_name(flt: BaseFilter) -> str:
    operation = flt.operation()
    # The English msgid of the lazy string, as Flask-Admin's get_filter_arg reads it.
    texts = lazy_texts(operation)
    return texts[0] if texts else str(operation)


def _matches(flt: BaseFilter, operation: Operation, exact: bool) -> bool:
    if isinstance(operation, str):
        return _operation_name(flt) == operation
    return type(flt) is operation if exact else isinstance(flt, operation)


def filter_key(view: BaseModelView, column: str, operation: Operation) -> str:
    """The ``<key>`` part of ``flt<n>_<key>`` for the filter on ``column`` with ``operation``.

    A class matches its exact type first, then its subclasses (a view may refine a filter).
    Remembered per view: list pages ask for the same key on every row.
    """
    keys: ProcessCache[str] = view.__dict__.setdefault("_filter_keys", ProcessCache("filter keys"))
    return keys.get((column, operation), lambda: _filter_key(view, column, operation))


def _filter_key(view: BaseModelView, column: str, operation: Operation) -> str:
    attr = tools.get_field_with_path(view.model, column)[0]
    if attr is None:
        raise LookupError(f"{view.model.__name__} has no column {column!r}")
    target = _base_column(attr)
    on_column = [
        (index, flt)
        for index, flt in enumerate(view_filters(view))
        if _base_column(getattr(flt, "column", None)) is target
    ]
    found = [pair for pair in on_column if _matches(pair[1], operation, exact=True)]
    if not found:
        found = [pair for pair in on_column if _matches(pair[1], operation, exact=False)]
    if len(found) != 1:
        raise LookupError(
            f"{len(found)} filters in {view.endpoint!r} match {column!r} / {operation!r}"
        )
    index, flt = found[0]
    return view.get_filter_arg(index, flt)


def list_url(endpoint: str, *conditions: Condition, **args: Any) -> str:
    """The list of ``endpoint`` filtered by ``conditions`` (ANDed), plus plain ``args``."""
    view = find_view(endpoint)
    for position, (column, operation, value) in enumerate(conditions):
        args[f"flt{position}_{filter_key(view, column, operation)}"] = value
    return url_for(f"{endpoint}.index_view", **args)


def filtered_list_url(endpoint: str, column: str, operation: Operation, value: Any) -> str:
    """The list of ``endpoint`` showing the rows where ``column`` ``operation`` ``value``."""
    return list_url(endpoint, (column, operation, value))


def history_url(obj: Any) -> str | None:
    """The audit log showing only ``obj``'s entries (None for an object not yet saved)."""
    identity = inspect(obj).identity
    if not identity:
        return None
    return list_url(
        "audit",
        ("object_type", FilterEqual, type(obj).__name__),
        ("object_id", FilterEqual, str(identity[0])),
    )
