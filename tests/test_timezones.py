"""One allow-list of time zones for the profile and the admin's user form, named for the reader."""

from __future__ import annotations

import re

import pytest

from backoffice.extensions import db
from backoffice.i18n import timezone_names
from backoffice.i18n.timezones import allowed_timezones
from backoffice.models import User


def picker(html: str) -> str:
    return re.search(r'<select[^>]*name="timezone".*?</select>', html, re.S).group(0)


def user_form(user: User, csrf: str, **changes: object) -> dict[str, object]:
    """The user form as an admin sends it back unchanged (plus ``changes``)."""
    roles = [str(role.id) for role in user.roles]
    form = {"username": user.username, "email": user.email or "", "password": "",
            "active": "y", "roles": roles, "locale": user.locale or "",
            "timezone": user.timezone or "", "csrf_token": csrf}  # fmt: skip
    form.update(changes)
    return form


def test_an_admin_saves_a_user_whose_profile_zone_is_an_alias(client, login_as, make_user, csrf):
    """America/Buenos_Aires is on the profile's list but not among pytz's common zones: the
    user form used to refuse it ("Not a valid choice")."""
    login_as("admin")
    ana = make_user("ana", "author", timezone="America/Buenos_Aires")
    html = client.get(f"/admin/users/edit/?id={ana.id}").get_data(as_text=True)
    assert '<option value="America/Buenos_Aires" selected>' in picker(html)
    response = client.post(
        f"/admin/users/edit/?id={ana.id}", data=user_form(ana, csrf(), email="ana@example.org")
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    db.session.expire_all()
    saved = db.session.get(User, ana.id)
    assert (saved.email, saved.timezone) == ("ana@example.org", "America/Buenos_Aires")


@pytest.mark.parametrize("form_url", ["/admin/users/new/", "/admin/profile/"])
def test_both_forms_offer_the_same_zones(client, login_as, form_url):
    login_as("admin")
    users = picker(client.get("/admin/users/new/").get_data(as_text=True))
    shown = picker(client.get(form_url).get_data(as_text=True))
    zones = re.findall(r'<option value="([^"]*)"', shown)
    assert zones == re.findall(r'<option value="([^"]*)"', users)
    assert set(zones) - {""} <= set(allowed_timezones())
    assert len(zones) > 400 and "Europe/Berlin" in zones


@pytest.mark.parametrize("zone", ["Mars/Olympus_Mons", "localtime", "europe/berlin"])
def test_the_user_form_refuses_zones_off_the_list(client, login_as, make_user, csrf, zone):
    login_as("admin")
    bea = make_user("bea", "author")
    response = client.post(
        f"/admin/users/edit/?id={bea.id}", data=user_form(bea, csrf(), timezone=zone)
    )
    assert "Choose a time zone from the list." in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, bea.id).timezone is None


def test_every_allowed_zone_has_a_name_in_every_language(app):
    for lang in app.config["LANGUAGES"]:
        names = timezone_names.zone_labels(lang)
        assert set(names) == set(allowed_timezones())
        assert all(names.values())
    assert timezone_names.zone_labels("de")["Etc/GMT+5"] == "GMT-05:00"  # five hours behind
    assert timezone_names.zone_labels("fr")["UTC"] == "temps universel coordonné"


def test_the_choices_are_made_once_per_language(client, login_as, csrf):
    login_as("admin")
    timezone_names._options_markup.cache_clear()
    for _ in range(3):
        client.get("/admin/profile/")
    client.post("/language", data={"locale": "ar", "csrf_token": csrf()})
    html = client.get("/admin/profile/").get_data(as_text=True)
    info = timezone_names._options_markup.cache_info()
    assert (info.misses, info.hits) == (2, 2)
    assert 'Europe/Berlin">برلين (ألمانيا)</option>' in picker(html)
