"""Language selection, the navbar switcher, and Flask-Admin's own strings in German."""

from __future__ import annotations

import re

import pytest
from flask_admin.babel import gettext as admin_gettext
from flask_babel import force_locale

from backoffice.extensions import db
from backoffice.models import User


def html_lang(html: str) -> str:
    match = re.search(r'<html lang="([^"]+)" dir="(ltr|rtl)"', html)
    assert match, "no <html lang dir>"
    return match.group(1)


def test_english_is_the_fallback(client):
    assert html_lang(client.get("/login").get_data(as_text=True)) == "en"


@pytest.mark.parametrize(("header", "lang"), [("de-AT,de;q=0.9", "de"), ("de-DE", "de"),
                                              ("fr-FR,de;q=0.5", "fr"), ("pt-BR", "pt"),
                                              ("ja", "en")])  # fmt: skip
def test_accept_language_picks_the_base_language(client, header, lang):
    html = client.get("/login", headers={"Accept-Language": header}).get_data(as_text=True)
    assert html_lang(html) == lang


def test_switching_to_german_shows_german_admin_pages(client, login_as, csrf):
    login_as("editor")
    response = client.post("/language", data={"locale": "de", "next": "/admin/posts/?page=0",
                                              "csrf_token": csrf()})  # fmt: skip
    assert response.status_code == 303
    assert response.location == "/admin/posts/?page=0"
    html = client.get("/admin/posts/").get_data(as_text=True)
    assert html_lang(html) == "de"
    assert "Beiträge" in html  # ours
    assert "Abmelden" in html  # ours, in the navbar
    assert "Filter hinzufügen" in html  # Flask-Admin's "Add Filter"
    assert "Erstellen" in html  # Flask-Admin's "Create"


def test_the_choice_is_saved_to_the_signed_in_users_profile(client, login_as, csrf):
    user = login_as("editor")
    client.post("/language", data={"locale": "de", "csrf_token": csrf()})
    db.session.expire_all()
    assert db.session.get(User, user.id).locale == "de"


def test_saved_preference_applies_in_a_new_session(app, make_user):
    user = make_user("gerda", "editor", locale="de")
    fresh = app.test_client()
    token = re.search(
        r'name="csrf_token" value="([^"]+)"', fresh.get("/login").get_data(as_text=True)
    )
    fresh.post("/login", data={"username": user.username, "password": "correct horse battery",
                               "csrf_token": token.group(1)})  # fmt: skip
    assert html_lang(fresh.get("/admin/").get_data(as_text=True)) == "de"


@pytest.mark.parametrize("locale", ["xx", "de_DE_bogus", "", "../../etc", "en;drop", "d" * 500])
def test_unknown_locale_is_refused_clearly(client, csrf, locale):
    response = client.post("/language", data={"locale": locale, "csrf_token": csrf()})
    assert response.status_code == 400
    assert "This language is not available." in response.get_data(as_text=True)
    assert html_lang(client.get("/login").get_data(as_text=True)) == "en"


def test_switcher_is_on_sign_in_error_and_blog_pages(client):
    for url in ("/login", "/", "/no-such-page"):
        html = client.get(url).get_data(as_text=True)
        assert 'action="/language"' in html and 'name="locale"' in html, url


def test_error_pages_are_translated(client, login_as, csrf):
    login_as("translator")
    client.post("/language", data={"locale": "de", "csrf_token": csrf()})
    html = client.get("/admin/users/").get_data(as_text=True)
    assert html_lang(html) == "de"
    assert "Zugriff verweigert" in html


def test_flask_admin_strings_come_from_the_projects_fresh_catalog(app):
    # The .mo shipped with Flask-Admin 2.2.1 lacks this German translation (it lags the .po).
    with app.test_request_context(), force_locale("de"):
        assert (
            admin_gettext("Failed to create record.") == "Der Eintrag konnte nicht erstellt werden."
        )
