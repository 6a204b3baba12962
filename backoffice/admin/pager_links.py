"""The pager of a list page, as Flask-Admin's ``lib.pager`` / ``lib.simple_pager`` draw it.

The links are worked out here and written by ``templates/admin/model/backoffice_list.html``
in one loop, instead of by Flask-Admin's macros, which the list page would have to import
(with the whole context) on every request.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

#: The href of a link that goes nowhere (Flask-Admin's, for disabled steps).
NOWHERE = "javascript:void(0)"
#: A page number no list reaches: the pager's URLs are made from one built with it.
MARKER = 987_654_321


class PagerLink(NamedTuple):
    """One item of the pager: its text, where it leads, and its state ("", "active",
    "disabled")."""

    text: str
    href: str
    state: str = ""


def pager_links(
    page: int, pages: int | None, url: Callable[[int], str], have_next: bool
) -> list[PagerLink]:
    """The pager of page ``page`` (from 0) of ``pages``, linking with ``url(number)``.

    With a number of pages: first, previous, up to seven numbers around the page, next and
    last; nothing when there is a single page. Without one (``pages`` None): previous and
    next only, next enabled if ``have_next``.
    """
    if pages is None:
        # Flask-Admin's simple pager links its disabled steps to the first and current page.
        return [
            PagerLink("<", url(page - 1)) if page > 0 else PagerLink("<", url(0), "disabled"),
            PagerLink(">", url(page + 1)) if have_next else PagerLink(">", url(page), "disabled"),
        ]
    if pages <= 1:
        return []
    low, high = page - 3, page + 4  # the window of numbers, [low, high)
    if low < 0:
        high -= low
    if high >= pages:
        low -= high - pages
    low, high = max(low, 0), min(high, pages)

    def step(text: str, target: int, enabled: bool) -> PagerLink:
        return PagerLink(text, url(target)) if enabled else PagerLink(text, NOWHERE, "disabled")

    links = [step("«", 0, low > 0), step("<", page - 1, page > 0)]
    for number in range(low, high):
        if number == page:
            links.append(PagerLink(str(number + 1), NOWHERE, "active"))
        else:
            links.append(PagerLink(str(number + 1), url(number)))
    links += [step(">", page + 1, page + 1 < pages), step("»", pages - 1, high < pages)]
    return links


def page_urls(url: Callable[[int], str]) -> Callable[[int], str]:
    """``url`` (a list's page number -> its URL), with the URL of each page after the first
    made from one URL built with :data:`MARKER` as its number: building a list's URL costs
    about 25 µs, and a pager has up to nine. The first page's is built (Flask-Admin writes no
    number for it); so is every page's if the marker shows anywhere but as the number."""
    parts: list[tuple[str, str] | None] = []

    def build(number: int) -> str:
        if number <= 0:
            return url(number)
        if not parts:
            head, found, tail = url(MARKER).partition(f"page={MARKER}")
            clean = found and str(MARKER) not in head + tail and head.endswith(("?", "&"))
            parts.append((head, tail) if clean else None)
        if parts[0] is None:
            return url(number)
        return f"{parts[0][0]}page={number}{parts[0][1]}"

    return build
