"""The rows of a list page, rendered in one pass (templates/admin/model/backoffice_list.html).

A Jinja loop pays for every expression it evaluates (a lookup, a call, an escape); a list
page evaluates a few hundred per page in its rows alone. Here the template writes what every
row repeats (checkbox, buttons) once, with :data:`ROW_SLOT` for the row's id, and the rows are
joined in Python: the id put in, then each cell as Flask-Admin formats it.

:data:`ROW_SLOT` is the one row-id placeholder of list pages: the markup every row repeats
has it, and so has every URL built once for all rows (``url_for(..., id=ROW_SLOT)``), where
it reads :data:`ROW_ID` (``links.row_url``, the view and edit links of ``base``).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from flask_admin.tools import rec_getattr
from jinja2 import pass_context
from markupsafe import Markup, escape

from backoffice.compat.flask_admin import changes_list_values

#: Where the template writes a row's id. Unescaped markup: text from users (a search term in
#: a return URL) reaches the page escaped, so it can never contain this.
ROW_SLOT = Markup("<row-id>")
#: ROW_SLOT as a URL spells it, once ``url_for`` has quoted it ("%3Crow-id%3E"). Text from
#: users in such a URL (a search term in its return URL) is quoted twice ("%253C..."), so it
#: can never contain this either.
ROW_ID = quote(ROW_SLOT, safe="")


@pass_context
def render_rows(
    context: Any,
    rows: list[Any],
    start: Markup,
    end: Markup,
    extras: Any = None,
    link: tuple[str, Markup] | None = None,
) -> Markup:
    """``<tr>`` per row: ``start`` (the row's checkbox and buttons), the view's ``extras(row,
    id)``, ``end`` (closing the buttons' cell), then the cells of ``list_columns``; the cell
    of the column ``link[0]`` links to ``link[1]`` (both with ROW_SLOT for the id)."""
    view = context["admin_view"]
    columns = context["list_columns"]
    value = cell_reader(view)
    link_column, link_url = (link[0], escape(link[1])) if link else (None, Markup())
    parts: list[str] = []
    for row in rows:
        pk = escape(view.get_pk_value(row))
        parts.append("<tr>")
        parts.append(start.replace(ROW_SLOT, pk))
        if extras is not None:
            parts.append(extras(row, pk))
        parts.append(end)
        for name, _heading in columns:
            cell = escape(value(context, row, name))
            if name == link_column:
                cell = Markup(f'<a href="{link_url.replace(ROW_SLOT, pk)}">{cell}</a>')
            parts.append(f'<td class="col-{escape(name)}">{cell}</td>')
        parts.append("</tr>")
    return Markup("".join(parts))


def cell_reader(view: Any) -> Any:
    """``view.get_list_value`` (context, row, name) -> the cell's value, as Flask-Admin makes
    it: the column's formatter or the row's attribute, the column's choices, then the first
    type formatter whose type the value is an instance of. That type is looked up once per
    type of value, not tried in turn for every cell (eight ``isinstance`` calls for a text).
    A view that overrides how a value is made gets Flask-Admin's own method."""
    if changes_list_values(view):
        return view.get_list_value
    formatters = view.column_formatters
    choices = {name: dict(pairs) for name, pairs in (view.column_choices or {}).items()}
    by_type = view.column_type_formatters
    chosen: dict[type, Any] = {}

    def type_formatter(kind: type) -> Any:
        for typeobj, formatter in by_type.items():
            if issubclass(kind, typeobj):
                return formatter
        return None

    def read(context: Any, row: Any, name: str) -> Any:
        formatter = formatters.get(name)
        value = rec_getattr(row, name) if formatter is None else formatter(view, context, row, name)
        if name in choices and choices[name]:
            return choices[name].get(value) or value
        kind = type(value)
        if kind not in chosen:
            chosen[kind] = type_formatter(kind)
        if chosen[kind] is None:
            return value
        return chosen[kind](view, value, name)

    return read
