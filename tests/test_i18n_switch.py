"""The navbar language switcher: own names, the current one marked, back to the same page."""

from __future__ import annotations

import html as html_lib
import re

import pytest

from backoffice.extensions import db
from backoffice.models import User


def switcher_next(page: str) -> str:
    match = re.search(
        r'data-testid="language-switcher">.*?name="next" value="([^"]*)"', page, re.DOTALL
    )
    assert match, "no switcher with a next field"
    return html_lib.unescape(match.group(1))


def options(page: str) -> list[str]:
    select = re.search(r'<select id="language-select".*?</select>', page, re.DOTALL).group(0)
    return re.findall(r"<option [^>]*>[^<]*</option>", select)


def html_lang_dir(page: str) -> tuple[str, str]:
    match = re.search(r'<html lang="([^"]+)" dir="(ltr|rtl)"', page)
    return match.group(1), match.group(2)


def test_each_language_is_offered_in_its_own_name(client):
    names = [re.sub(r"<[^>]+>", "", o) for o in options(client.get("/").get_data(as_text=True))]
    assert names == ["English", "Deutsch", "Français", "Español", "Português", "العربية"]


@pytest.mark.parametrize("lang", ["en", "de", "ar"])
def test_the_current_language_and_only_it_is_marked(client, csrf, lang):
    client.post("/language", data={"locale": lang, "csrf_token": csrf()})
    marked = [o for o in options(client.get("/").get_data(as_text=True)) if "aria-current" in o]
    assert len(marked) == 1
    assert f'value="{lang}"' in marked[0] and "selected" in marked[0]


@pytest.mark.parametrize(
    "url", ["/admin/posts/?sort=1&desc=1", "/admin/posts/?search=caf%C3%A9+au+lait&page=2",
            "/admin/comments/?flt0_0=pending", "/admin/", "/admin/profile/"],
)  # fmt: skip
def test_switcher_returns_to_the_same_admin_page_with_its_query(client, login_as, csrf, url):
    login_as("admin")
    page = client.get(url).get_data(as_text=True)
    assert switcher_next(page) == url
    response = client.post(
        "/language", data={"locale": "de", "next": switcher_next(page), "csrf_token": csrf()}
    )
    assert response.status_code == 303
    assert response.location == url
    assert html_lang_dir(client.get(response.location).get_data(as_text=True)) == ("de", "ltr")


@pytest.mark.parametrize(
    ("url", "expected"),
    [("/", "/"), ("/login?next=/admin/posts/", "/login?next=/admin/posts/"),
     ("/no-such-page?x=1", "/no-such-page?x=1"),  # the 404 page
     ("/post/caf%C3%A9 au lait", "/post/caf%C3%A9%20au%20lait")],
)  # fmt: skip
def test_switcher_on_public_and_error_pages_keeps_the_address(client, url, expected):
    assert switcher_next(client.get(url).get_data(as_text=True)) == expected


def test_after_a_refused_form_post_the_switcher_returns_to_the_form(client, login_as, csrf):
    login_as("editor")
    page = client.post(
        "/admin/profile/", data={"locale": "xx", "timezone": "", "csrf_token": csrf()}
    ).get_data(as_text=True)
    assert switcher_next(page) == "/admin/profile/"
    login_page = client.post("/login", data={}).get_data(as_text=True)
    assert switcher_next(login_page) == "/login"


def test_a_post_only_address_is_not_offered_as_return_address(client, csrf):
    page = client.post("/language", data={"locale": "xx", "csrf_token": csrf()})
    assert page.status_code == 400
    assert switcher_next(page.get_data(as_text=True)) == ""


@pytest.mark.parametrize(
    "hostile", ["//evil.example/admin/", "https://evil.example/", "/\\evil.example",
                "/\r\nLocation: http://evil.example", "javascript:alert(1)",
                "/admin/\t/evil", "\\\\evil.example", "http://localhost.evil.example/"],
)  # fmt: skip
def test_hostile_return_addresses_are_still_refused(client, csrf, hostile):
    response = client.post(
        "/language", data={"locale": "de", "next": hostile, "csrf_token": csrf()}
    )
    assert response.status_code == 303
    assert response.location == "/"


def test_the_switch_is_saved_to_the_signed_in_users_profile(client, login_as, csrf):
    user = login_as("author")
    client.post("/language", data={"locale": "ar", "csrf_token": csrf()})
    db.session.expire_all()
    assert db.session.get(User, user.id).locale == "ar"


# -- Accept-Language ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("header", "lang", "direction"),
    [("pt-BR", "pt", "ltr"), ("pt-PT,pt;q=0.9", "pt", "ltr"), ("de-AT", "de", "ltr"),
     ("de-CH;q=0.8,en;q=0.5", "de", "ltr"), ("ar-EG", "ar", "rtl"), ("ar-SA,ar;q=0.9", "ar", "rtl"),
     ("es-419", "es", "ltr"), ("fr-CA", "fr", "ltr"), ("zh-Hant-TW,ja;q=0.5", "en", "ltr"),
     ("fr;q=0, es", "es", "ltr"), ("fr;q=0", "en", "ltr"), ("*", "en", "ltr"),
     ("", "en", "ltr")],
)  # fmt: skip
def test_accept_language_regional_variants_pick_the_base_language(client, header, lang, direction):
    page = client.get("/login", headers={"Accept-Language": header}).get_data(as_text=True)
    assert html_lang_dir(page) == (lang, direction)
