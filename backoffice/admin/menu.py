"""Menu labels with a live count badge (e.g. pending comments next to "Comments")."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask_admin import Admin
from flask_babel import format_number
from markupsafe import Markup, escape


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


def add_badge(admin: Admin, endpoint: str, count: Callable[[], int]) -> None:
    """Give the menu item of ``endpoint`` (and its category) a count badge."""
    for item in _walk(admin.menu()):
        if item.is_category():
            children = [getattr(child, "_view", None) for child in item._children]
            if any(view is not None and view.endpoint == endpoint for view in children):
                item.name = BadgedLabel(item.name, count, f"badge-category-{endpoint}")
            continue
        view = getattr(item, "_view", None)
        if view is not None and view.endpoint == endpoint:
            item.name = BadgedLabel(item.name, count, f"badge-{endpoint}")


def _walk(items: list[Any]) -> Any:
    for item in items:
        yield item
        if item.is_category():
            yield from _walk(item._children)
