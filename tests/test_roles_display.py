"""Roles read in the reader's language wherever they are shown; the stored names stay."""

from __future__ import annotations

import re
from html import unescape

from backoffice.admin.audit_fields import field_value
from backoffice.admin.role_labels import ROLE_DESCRIPTION_TEXTS, ROLE_LABELS
from backoffice.domain.accounts import ROLE_DESCRIPTIONS
from backoffice.extensions import db
from backoffice.models import ROLE_NAMES, Role


def text(html: str) -> str:
    return unescape(re.sub(r"<[^>]+>", " ", html))


def test_every_shipped_role_has_a_name_and_its_stored_description_marked_for_translation(app):
    assert set(ROLE_LABELS) == set(ROLE_NAMES) == set(ROLE_DESCRIPTION_TEXTS)
    with app.test_request_context():  # English: the msgid itself
        for name, stored in ROLE_DESCRIPTIONS.items():
            assert str(ROLE_DESCRIPTION_TEXTS[name]) == stored


def test_the_audit_log_shows_a_shipped_description_translated_and_an_edited_one_as_is(app):
    with app.test_request_context(headers={"Accept-Language": "de"}):
        shipped = field_value("Role", "description", ROLE_DESCRIPTIONS["author"])
        assert shipped == "Nur eigene Beiträge, Hochladen von Medien"
        assert field_value("Role", "description", "Our own words") == "Our own words"
        assert (
            field_value("Post", "description", ROLE_DESCRIPTIONS["author"])
            == (ROLE_DESCRIPTIONS["author"])
        )


def test_the_users_list_its_filter_and_form_show_display_names(client, login_as, make_user):
    login_as("admin")
    make_user("tina", "translator", "author")
    listing = client.get("/admin/users/").get_data(as_text=True)
    row = re.search(r"<tr>(?:(?!</tr>).)*tina.*?</tr>", listing, re.S).group(0)
    assert re.search(r'<td class="col-roles">\s*Author and Translator\s*</td>', row)
    options = re.search(r'id="filter-groups-data"[^>]*>(.*?)</div>', listing, re.S).group(1)
    assert '["translator", "Translator"]' in unescape(options)
    form = client.get("/admin/users/new/").get_data(as_text=True)
    roles = re.search(r'<select[^>]*name="roles".*?</select>', form, re.S).group(0)
    assert re.findall(r">([^<]+)</option>", roles) == [
        "Administrator", "Editor", "Author", "Translator"
    ]  # fmt: skip


def test_the_roles_list_shows_names_and_descriptions_and_keeps_edited_ones(client, login_as):
    login_as("admin")
    editor = db.session.query(Role).filter_by(name="editor").one()
    editor.description = "Our own words"
    db.session.commit()
    page = text(client.get("/admin/roles/").get_data(as_text=True))
    assert "Administrator" in page and "Our own words" in page
    assert ROLE_DESCRIPTIONS["admin"] in page


def test_role_names_follow_the_language(client, login_as, make_user, csrf):
    login_as("admin")
    make_user("otto", "author")
    client.post("/language", data={"locale": "de", "csrf_token": csrf()})
    listing = client.get("/admin/users/").get_data(as_text=True)
    row = re.search(r"<tr>(?:(?!</tr>).)*otto.*?</tr>", listing, re.S).group(0)
    assert re.search(r'<td class="col-roles">\s*Autor\s*</td>', row)
