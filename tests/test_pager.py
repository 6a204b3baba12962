"""The list pager: the same links, in the same states, as Flask-Admin's own pager macros."""

from __future__ import annotations

import re

import pytest
from flask import render_template_string

from backoffice.admin.pager_links import MARKER, NOWHERE, PagerLink, page_urls, pager_links

UPSTREAM = """{% import 'admin/lib.html' as lib with context %}
{%- if pages is none %}{{ lib.simple_pager(page, have_next, url) }}
{%- else %}{{ lib.pager(page, pages, url) }}{% endif %}"""
ITEM = re.compile(
    r'<li class="page-item ?(\w*)">\s*<a class="page-link" href="([^"]*)">([^<]*)</a>'
)
TEXTS = {"&laquo;": "«", "&raquo;": "»", "&lt;": "<", "&gt;": ">"}


def url(number: int) -> str:
    return f"/list/?page={number}"


def upstream_links(app, page: int, pages: int | None, have_next: bool) -> list[PagerLink]:
    """The pager as Flask-Admin's bootstrap4 ``lib.html`` renders it."""
    view = app.extensions["admin"][0].index_view
    with app.test_request_context("/admin/"):
        html = render_template_string(
            UPSTREAM, admin_view=view, page=page, pages=pages, have_next=have_next, url=url
        )
    return [
        PagerLink(TEXTS.get(text, text), href, state) for state, href, text in ITEM.findall(html)
    ]


@pytest.mark.parametrize("pages", [1, 2, 5, 7, 8, 9, 20, 5000])
def test_numbered_pages_match_flask_admins_pager_on_every_page(app, pages):
    for page in sorted({0, 1, 2, 3, 4, pages // 2, pages - 4, pages - 2, pages - 1} - {-1}):
        if 0 <= page < pages:
            assert pager_links(page, pages, url, False) == upstream_links(app, page, pages, False)


def test_a_long_list_shows_seven_numbers_around_the_page_and_both_ends():
    links = pager_links(100, 5000, url, True)
    assert [link.text for link in links] == ["«", "<", *map(str, range(98, 105)), ">", "»"]
    assert links[0] == PagerLink("«", url(0))
    assert links[-1] == PagerLink("»", url(4999))
    assert PagerLink("101", NOWHERE, "active") in links


def test_first_and_last_pages_disable_the_steps_past_them():
    first = pager_links(0, 3, url, True)
    assert first[:2] == [PagerLink("«", NOWHERE, "disabled"), PagerLink("<", NOWHERE, "disabled")]
    last = pager_links(2, 3, url, False)
    assert last[-2:] == [PagerLink(">", NOWHERE, "disabled"), PagerLink("»", NOWHERE, "disabled")]


def test_a_single_page_has_no_pager():
    assert pager_links(0, 1, url, False) == []
    assert pager_links(0, 0, url, False) == []


@pytest.mark.parametrize(("page", "have_next"), [(0, False), (0, True), (3, True), (3, False)])
def test_without_a_count_previous_and_next_match_flask_admins_simple_pager(app, page, have_next):
    assert pager_links(page, None, url, have_next) == upstream_links(app, page, None, have_next)


@pytest.mark.parametrize(
    "query",
    [
        "status=all",
        "status=all&search=caf%C3%A9+%26+co&sort=1&desc=1&page_size=50",
        "status=spam&flt0_21=a%40example.org&page=3",
        f"status=all&search={MARKER}&sort=0",  # the marker's digits elsewhere: all built
        f"status=all&search=page%3D{MARKER}",  # and as a search for "page=<marker>"
        "status=all&search=%3Crow-id%3E&sort=0",  # the rows' placeholder, as a search
    ],
)
def test_a_pages_url_made_from_the_marked_one_is_the_one_the_view_builds(
    client, login_as, monkeypatch, query
):
    from backoffice.admin import base

    login_as("admin")
    seen = []

    def pager(page, pages, url, more):  # in the request: the view's pager URLs, both ways
        made = page_urls(raw[0])
        seen.append(([made(n) for n in range(12)], [raw[0](n) for n in range(12)]))
        return []

    raw = []
    monkeypatch.setattr(base, "page_urls", lambda url: raw.append(url) or page_urls(url))
    monkeypatch.setattr(base, "pager_links", pager)
    assert client.get(f"/admin/comments/?{query}").status_code == 200
    ((made, built),) = seen
    assert made == built
    assert "page=" not in built[0] and "page=5" in built[5]
