"""The profile page: every signed-in user sets language, time zone and password."""

from __future__ import annotations

import re

import pytest
from flask import g
from helpers.app import PASSWORD

from backoffice.extensions import db
from backoffice.models import User

NEW_PASSWORD = "a much better secret"


def saved(user: User) -> User:
    db.session.expire_all()
    return db.session.get(User, user.id)


def html_lang(html: str) -> str:
    return re.search(r'<html lang="([^"]+)"', html).group(1)


@pytest.mark.parametrize("role", ["admin", "editor", "author", "translator", "nobody"])
def test_every_signed_in_user_has_a_profile_linked_from_their_name(client, login_as, role):
    user = login_as(role)
    html = client.get("/admin/").get_data(as_text=True)
    assert re.search(r'<a [^>]*href="/admin/profile/"[^>]*>' + re.escape(user.username), html)
    page = client.get("/admin/profile/")
    assert page.status_code == 200
    assert 'data-testid="profile-settings"' in page.get_data(as_text=True)


def test_profile_is_not_in_the_main_menu(client, login_as):
    login_as("admin")
    html = client.get("/admin/").get_data(as_text=True)
    menu = html.split('class="nav navbar-nav mr-auto"', 1)[1]
    depth, end = 1, 0
    for tag in re.finditer(r"<(/?)ul\b", menu):  # up to the </ul> that closes the main menu
        depth += -1 if tag.group(1) else 1
        if depth == 0:
            end = tag.start()
            break
    assert end and "/admin/posts/" in menu[:end]  # the menu was found
    assert "/admin/profile/" not in menu[:end]


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get("/admin/profile/")
    assert response.status_code == 302
    assert response.location.startswith("/login?next=/admin/profile/")


def test_languages_are_offered_in_their_own_names(client, login_as):
    login_as("editor")
    html = client.get("/admin/profile/").get_data(as_text=True)
    for name in ("English", "Deutsch", "Français", "Español", "Português", "العربية"):
        assert f">{name}</option>" in html
    assert '<option value="Europe/Berlin">Berlin (Germany)</option>' in html
    assert "localtime" not in html and ">Factory<" not in html


def test_language_and_time_zone_are_saved_and_apply_on_the_next_request(client, login_as, csrf):
    user = login_as("editor")
    response = client.post(
        "/admin/profile/",
        data={"locale": "de", "timezone": "Asia/Tokyo", "csrf_token": csrf()},
    )
    assert response.status_code == 303
    assert response.location == "/admin/profile/"
    assert (saved(user).locale, saved(user).timezone) == ("de", "Asia/Tokyo")
    html = client.get("/admin/profile/").get_data(as_text=True)
    assert html_lang(html) == "de"
    assert '<option value="Asia/Tokyo" selected>Tokio (Japan)</option>' in html


def test_the_profile_language_wins_over_an_earlier_switcher_choice(client, login_as, csrf):
    login_as("editor")
    client.post("/language", data={"locale": "fr", "csrf_token": csrf()})
    client.post("/admin/profile/", data={"locale": "de", "timezone": "", "csrf_token": csrf()})
    assert html_lang(client.get("/admin/").get_data(as_text=True)) == "de"


def test_empty_choices_mean_browser_language_and_site_time_zone(client, make_user, login_as, csrf):
    user = login_as(make_user("gerda", "editor", locale="de", timezone="Europe/Berlin"))
    client.post("/admin/profile/", data={"locale": "", "timezone": "", "csrf_token": csrf()})
    assert (saved(user).locale, saved(user).timezone) == (None, None)
    html = client.get("/admin/", headers={"Accept-Language": "pt-BR"}).get_data(as_text=True)
    assert html_lang(html) == "pt"


@pytest.mark.parametrize(
    "zone", ["Mars/Olympus_Mons", "localtime", "Factory", "../../etc/passwd", "europe/berlin",
             "Europe/Berlin\n", "x" * 500, "UTC; DROP TABLE users"],
)  # fmt: skip
def test_a_time_zone_not_on_the_list_is_refused_with_a_message(client, login_as, csrf, zone):
    user = login_as("editor")
    response = client.post(
        "/admin/profile/", data={"locale": "en", "timezone": zone, "csrf_token": csrf()}
    )
    assert response.status_code == 400
    assert "Choose a time zone from the list." in response.get_data(as_text=True)
    assert saved(user).timezone is None


@pytest.mark.parametrize("locale", ["xx", "de-DE", "EN", "../de"])
def test_a_language_not_on_the_list_is_refused_with_a_message(client, login_as, csrf, locale):
    user = login_as("editor")
    response = client.post(
        "/admin/profile/", data={"locale": locale, "timezone": "", "csrf_token": csrf()}
    )
    assert response.status_code == 400
    assert "Choose a language from the list." in response.get_data(as_text=True)
    assert saved(user).locale is None


# -- password ----------------------------------------------------------------------------------
def change_password(client, csrf, current, new, again):
    return client.post(
        "/admin/profile/password",
        data={"current_password": current, "new_password": new, "confirm_password": again,
              "csrf_token": csrf()},
    )  # fmt: skip


def signs_in(app, user, password) -> bool:
    fresh = app.test_client()
    g.pop("csrf_token", None)  # the tests' shared g caches the first session's token
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', fresh.get("/login").text)
    response = fresh.post(
        "/login",
        data={"username": user.username, "password": password, "csrf_token": token.group(1)},
    )
    return response.status_code == 302


def test_password_change_with_the_current_password(app, client, login_as, csrf):
    user = login_as("author")
    response = change_password(client, csrf, PASSWORD, NEW_PASSWORD, NEW_PASSWORD)
    assert response.status_code == 303
    follow = client.get(response.location).get_data(as_text=True)
    assert "Your password has been changed." in follow
    assert saved(user).check_password(NEW_PASSWORD)
    assert not saved(user).check_password(PASSWORD)
    assert signs_in(app, user, NEW_PASSWORD)


@pytest.mark.parametrize(
    ("current", "new", "again", "message"),
    [("wrong password", NEW_PASSWORD, NEW_PASSWORD, "The current password is not correct."),
     ("", NEW_PASSWORD, NEW_PASSWORD, "Enter your current password."),
     (PASSWORD, "short", "short", "The new password must be 8 to 1024 characters long."),
     (PASSWORD, "x" * 1025, "x" * 1025, "The new password must be 8 to 1024 characters long."),
     (PASSWORD, "", "", "Enter a new password."),
     (PASSWORD, NEW_PASSWORD, NEW_PASSWORD + "!", "The two new passwords do not match."),
     (PASSWORD, NEW_PASSWORD, "", "The two new passwords do not match.")],
)  # fmt: skip
def test_password_change_rules(client, login_as, csrf, current, new, again, message):
    user = login_as("author")
    response = change_password(client, csrf, current, new, again)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert saved(user).check_password(PASSWORD)


def test_password_form_errors_keep_the_settings_form_intact(client, make_user, login_as, csrf):
    login_as(make_user("gerda", "editor", timezone="Europe/Berlin"))
    html = change_password(client, csrf, "wrong", "x", "y").get_data(as_text=True)
    assert '<option value="Europe/Berlin" selected>' in html
    assert 'value="wrong"' not in html  # passwords are never echoed


# -- CSRF --------------------------------------------------------------------------------------
def test_settings_without_a_csrf_token_are_refused(client, login_as):
    user = login_as("editor")
    response = client.post("/admin/profile/", data={"locale": "de", "timezone": "Asia/Tokyo"})
    assert response.status_code == 400
    assert saved(user).locale is None and saved(user).timezone is None


def test_password_change_without_a_csrf_token_is_refused(client, login_as):
    user = login_as("editor")
    response = client.post(
        "/admin/profile/password",
        data={"current_password": PASSWORD, "new_password": NEW_PASSWORD,
              "confirm_password": NEW_PASSWORD},
    )  # fmt: skip
    assert response.status_code == 400
    assert saved(user).check_password(PASSWORD)


def test_a_csrf_token_from_another_session_is_refused(app, client, login_as, csrf):
    user = login_as("editor")
    g.pop("csrf_token", None)
    other = app.test_client()
    foreign = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', other.get("/login").text)
    g.pop("csrf_token", None)
    response = client.post(
        "/admin/profile/",
        data={"locale": "de", "timezone": "", "csrf_token": foreign.group(1)},
    )
    assert response.status_code == 400
    assert saved(user).locale is None


def test_time_zones_are_named_in_the_language_and_grouped_by_region(client, login_as, csrf):
    login_as("editor")
    client.post("/language", data={"locale": "de", "csrf_token": csrf()})
    html = client.get("/admin/profile/").get_data(as_text=True)
    picker = re.search(r'<select[^>]*name="timezone".*?</select>', html, re.S).group(0)
    assert "data-timezone-picker" in picker
    groups = re.findall(r'<optgroup label="([^"]+)">', picker)
    assert groups[:2] == ["Afrika", "Amerika"] and "Europa" in groups
    assert '<option value="America/Argentina/Cordoba">Córdoba (Argentinien)</option>' in picker
    assert ">America/Argentina/Cordoba<" not in picker and "EST5EDT" not in picker


def test_the_profile_lists_the_users_roles_by_their_display_names(client, login_as):
    login_as("editor")
    html = client.get("/admin/profile/").get_data(as_text=True)
    roles = re.search(r'data-testid="profile-roles">(.*?)</div>', html, re.S).group(1)
    assert "<dt>Editor</dt>" in roles and "<dt>editor</dt>" not in roles
    assert "Posts, comment and tag moderation, reminders, media library" in roles
