"""Menu labels with a live count badge (e.g. pending comments next to "Comments"), and the
menu rendered once per kind of reader instead of on every page."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import request
from flask_admin import Admin
from flask_admin.helpers import get_current_view
from flask_babel import format_number
from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup, escape

from backoffice.compat.flask_admin import menu_children, menu_view, walk_menu
from backoffice.core.caches import CatalogCache, app_cache

#: Flask-Admin's macro library with the menu.
LAYOUT = "admin/layout.html"
#: Rendered menus kept per app; more kinds of reader than this start the cache afresh.
MENU_CACHE_SIZE = 512


class BadgedLabel:
    """A menu label that renders ``label <badge>`` when ``count()`` is above zero.

    Flask-Admin prints a menu item's ``name`` through Jinja's escaping, which honours
    ``__html__``; ``str()`` stays the plain label for titles and breadcrumbs.
    """

    def __init__(self, label: Any, count: Callable[[], int], testid: str) -> None:
        self.label = label
        self.count = count
        self.testid = testid

    def __str__(self) -> str:
        return str(self.label)

    def __html__(self) -> str:
        number = self.count()
        if not number:
            return str(escape(str(self.label)))
        return Markup(
            '{} <span class="badge badge-pill badge-warning" data-testid="{}">{}</span>'
        ).format(str(self.label), self.testid, format_number(number))


@pass_context
def cached_menu(context: Context) -> Markup:
    """Flask-Admin's main menu (its ``layout.menu`` macro), rendered once per state of the
    menu and kept per language and catalog. The state is read off the menu items themselves,
    so it holds whatever an item comes to depend on: whether each item shows to this reader
    (visible and accessible) and is the current page, the application root, the badge counts.
    Only a miss imports the macro library, which an import with context would rebuild on
    every page."""
    view = get_current_view()
    admin = getattr(view, "admin", None)
    if admin is None:
        return Markup("")
    key = (menu_state(admin, view), request.script_root)
    cache: CatalogCache[Markup] = app_cache(
        "backoffice_menus", lambda: CatalogCache("menus", MENU_CACHE_SIZE)
    )

    def render() -> Markup:
        layout = context.environment.get_template(LAYOUT).make_module(context.get_all(), True)
        return Markup(layout.menu())

    return cache.get(key, render)


def menu_state(admin: Admin, view: Any) -> tuple[Any, ...]:
    """What the rendered menu depends on, item by item: shown or not (visible and accessible
    to the reader), current or not, and the badge counts."""
    state: list[Any] = [
        (item.is_visible() and item.is_accessible(), item.is_active(view))
        for item in walk_menu(admin.menu())
    ]
    state += [label.count() for label in vars(admin).get("backoffice_badges", ())]
    return tuple(state)


def add_badge(admin: Admin, endpoint: str, count: Callable[[], int]) -> None:
    """Give the menu item of ``endpoint`` (and its category) a count badge."""
    for item in walk_menu(admin.menu()):
        if item.is_category():
            children = [menu_view(child) for child in menu_children(item)]
            if any(view is not None and view.endpoint == endpoint for view in children):
                item.name = BadgedLabel(item.name, count, f"badge-category-{endpoint}")
                vars(admin).setdefault("backoffice_badges", []).append(item.name)
            continue
        view = menu_view(item)
        if view is not None and view.endpoint == endpoint:
            item.name = BadgedLabel(item.name, count, f"badge-{endpoint}")
            vars(admin).setdefault("backoffice_badges", []).append(item.name)
