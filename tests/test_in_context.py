"""Translate in context: the switch, the marks, the panel's JSON, and the pages.

The mode is a per-session flag; while it is on, every translation on an admin page carries
invisible marks (``backoffice.i18n.in_context``) that ``static/js/in-context.js`` turns into
outlined texts. These tests read the HTML the server sends; the browser side is in
``test_browser_in_context.py``.
"""

from __future__ import annotations

import json
import re
from html import unescape

import pytest
from flask import Response, flash, session
from helpers.app import PASSWORD, extract_csrf
from helpers.pages import admin_pages, seed_one_of_everything

from backoffice.extensions import db
from backoffice.i18n import in_context as marks
from backoffice.models import Post
from backoffice.workbench import store

MENU_TEXT = "Translations"  # a menu item every translator sees
HOSTILE = '<img src=x onerror=alert(1)>x" onfocus="alert(2)'
ENTRIES = re.compile(r'<script type="application/json" id="in-context-entries">(.*?)</script>')


@pytest.fixture
def app_config(workbench_config):
    return workbench_config


# -- helpers -----------------------------------------------------------------------------------
def in_language(client, lang: str) -> None:
    with client.session_transaction() as saved:
        saved["locale"] = lang


def switch(client, on: bool, next_path: str = "/admin/") -> Response:
    page = client.get("/admin/").get_data(as_text=True)
    data = {"on": "1" if on else "0", "next": next_path, "csrf_token": extract_csrf(page)}
    return client.post("/admin/in-context/toggle", data=data)


def entries_of(html: str) -> dict:
    match = ENTRIES.search(html)
    assert match, "the page has no table of marked texts"
    return json.loads(unescape(match.group(1)))


MARKED = re.compile("\U000e0001[\U000e0020-\U000e007e]+([^\U000e0000-\U000e007f]*)\U000e007f")


def marked_texts(html: str) -> list[str]:
    """The texts between an opening mark (with its id) and a closing one."""
    return MARKED.findall(html)


def key_of(msgid: str, context: str | None = None) -> str:
    return store.entry_key(msgid, context)


@pytest.fixture
def translating(client, login_as, translator):
    """The German translator, signed in, on German pages, with the mode on."""
    login_as(translator)
    in_language(client, "de")
    assert switch(client, True).status_code == 303
    return translator


# -- the switch ----------------------------------------------------------------------------------
def test_the_mode_is_off_until_switched_on(client, login_as, translator):
    login_as(translator)
    in_language(client, "de")
    html = client.get("/admin/").get_data(as_text=True)
    assert 'data-testid="in-context-toggle"' in html
    assert not marks.MARKS.search(html)
    assert "in-context-entries" not in html


@pytest.mark.parametrize(
    ("roles", "languages", "lang", "shown"),
    [
        (("translator",), ["de"], "de", True),
        (("translator",), ["de"], "fr", False),  # not their language
        (("translator",), [], "de", False),  # no language assigned yet
        (("admin",), [], "fr", True),  # admins edit every catalog
        (("admin",), [], "en", False),  # English is the source: nothing to translate
        (("editor",), [], "de", False),
    ],
)
def test_the_switch_shows_only_to_users_who_may_edit_the_language(
    client, login_as, make_user, roles, languages, lang, shown
):
    user = make_user("someone", *roles, translation_languages=languages)
    login_as(user)
    in_language(client, lang)
    html = client.get("/admin/").get_data(as_text=True)
    assert ('data-testid="in-context-toggle"' in html) is shown


def test_switching_on_needs_the_csrf_token(client, login_as, translator):
    login_as(translator)
    in_language(client, "de")
    response = client.post("/admin/in-context/toggle", data={"on": "1"})
    assert response.status_code == 400
    assert not marks.MARKS.search(client.get("/admin/").get_data(as_text=True))


def test_a_translator_cannot_switch_on_for_a_language_of_someone_else(client, login_as, translator):
    login_as(translator)
    in_language(client, "fr")
    assert switch(client, True).status_code == 403


def test_an_editor_cannot_switch_on(client, login_as):
    login_as("editor")
    in_language(client, "de")
    assert switch(client, True).status_code == 403


def test_switching_returns_to_the_page_and_never_elsewhere(client, translating):
    assert switch(client, False, "/admin/translations/").headers["Location"] == (
        "/admin/translations/"
    )
    assert switch(client, True, "https://evil.example/").headers["Location"] == "/admin/"


def test_switching_off_removes_the_marks(client, translating):
    assert marks.MARKS.search(client.get("/admin/").get_data(as_text=True))
    switch(client, False)
    html = client.get("/admin/").get_data(as_text=True)
    assert not marks.MARKS.search(html)
    assert "in-context-entries" not in html


# -- the marks -----------------------------------------------------------------------------------
def test_menu_texts_are_marked_with_their_entry(client, translating):
    html = client.get("/admin/").get_data(as_text=True)
    assert "Übersetzungen" in marked_texts(html)
    table = entries_of(html)["entries"]
    entry = table["m" + key_of(MENU_TEXT)]
    assert entry["domain"] == "messages"
    assert entry["msgid"] == MENU_TEXT
    assert entry["text"] == "Übersetzungen"
    script = re.search(r'<script src="[^"]*/in-context\.[^"]*\.js">', html)
    assert script and script.start() < html.index("<body")  # before any other script
    assert html.rindex("<script") == html.index('<script type="application/json" id="in-cont')


def test_flask_admin_texts_are_marked_as_its_own_domain(client, login_as, make_user):
    login_as(make_user("chief", "admin"))
    in_language(client, "de")
    switch(client, True)
    table = entries_of(client.get("/admin/tags/new/").get_data(as_text=True))["entries"]
    admin_texts = [entry for entry in table.values() if entry["domain"] == "admin"]
    assert any(entry["msgid"] == "Save" for entry in admin_texts)
    assert any(entry["domain"] == "messages" for entry in table.values())


def test_the_table_names_no_panel_text(client, translating):
    table = entries_of(client.get("/admin/").get_data(as_text=True))["entries"]
    assert not any(entry["msgid"] == "Other texts on this page" for entry in table.values())


def test_another_session_sees_no_mode_at_the_same_time(app, client, translating, login_as):
    other = app.test_client()
    page = other.get("/login").get_data(as_text=True)
    # A second translator of German, with the same roles (the menu is cached per roles).
    from backoffice.domain.accounts import create_user

    colleague = create_user(db.session, "grete", PASSWORD, ["translator"])
    colleague.translation_languages = ["de"]
    db.session.commit()
    other.post(
        "/login",
        data={"username": "grete", "password": PASSWORD, "csrf_token": extract_csrf(page)},
    )
    in_language(other, "de")
    for url in ("/admin/", "/admin/translations/"):
        assert marks.MARKS.search(client.get(url).get_data(as_text=True))
        html = other.get(url).get_data(as_text=True)
        assert "Übersetzungen" in html
        assert not marks.MARKS.search(html), url
        assert "in-context-entries" not in html


def test_the_mode_keeps_nothing_marked_in_shared_caches(app, client, translating):
    client.get("/admin/")
    client.get("/admin/posts/")
    menus = app.extensions["backoffice_menus"].values()
    assert menus, "no menu was kept"
    assert not any(marks.MARKS.search(str(menu)) for menu in menus)


@pytest.mark.parametrize("path", ["/admin/no-such-page", "/admin/users/"])
def test_error_pages_without_the_script_keep_no_mark(client, translating, path):
    response = client.get(path)
    assert response.status_code in (403, 404)
    assert not marks.MARKS.search(response.get_data(as_text=True))


def test_public_pages_stay_unmarked(client, translating):
    assert not marks.MARKS.search(client.get("/").get_data(as_text=True))


def test_hostile_translation_is_text_with_the_mode_on(client, translating):
    entry = store.get_entry("de", key_of(MENU_TEXT))
    assert entry is not None
    row = store.locked_row("de", entry.key)
    store.set_translation(row, [HOSTILE], False, None)  # as a hostile file import could
    store.touch(store.locked_catalog("de"), None)
    db.session.commit()
    html = client.get("/admin/").get_data(as_text=True)
    assert "<img src=x" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert 'x" onfocus' not in html


# -- values, not shown texts ----------------------------------------------------------------------
def test_marks_leave_headers_flashes_and_non_html_bodies(app, translating):
    with app.test_request_context("/admin/"):
        session[marks.SESSION_KEY] = True
        session["locale"] = "de"
        from flask_login import login_user

        login_user(translating)
        assert marks.activate()
        from flask_babel import gettext

        text = gettext(MENU_TEXT)
        assert marks.MARKS.search(text)
        flash(text)
        response = Response(json.dumps({"label": text}), mimetype="application/json")
        response.headers["Content-Disposition"] = f"attachment; filename*=UTF-8''{text}.po"
        response.headers["X-Label"] = "%F3%A0%80%81Ü"
        cleaned = marks.clean_response(response)
        assert not marks.MARKS.search(cleaned.get_data(as_text=True))
        assert json.loads(cleaned.get_data(as_text=True)) == {"label": "Übersetzungen"}
        assert cleaned.headers["X-Label"] == "Ü"
        assert "Übersetzungen.po" in cleaned.headers["Content-Disposition"]
        assert session["_flashes"] == [("message", "Übersetzungen")]


def test_every_page_of_every_admin_view_renders_with_the_mode_on(app, client, login_as, make_user):
    user = make_user("chief", "admin")
    seed_one_of_everything(user)
    login_as(user)
    in_language(client, "de")
    assert switch(client, True).status_code == 303
    with app.test_request_context():
        pages = admin_pages(app)
    assert len(pages) > 20
    for label, url in pages:
        response = client.get(url)
        assert response.status_code == 200, (label, url, response.status_code)
        html = response.get_data(as_text=True)
        assert "in-context-entries" in html and marks.MARKS.search(html), label


def test_a_saved_form_flashes_its_message_without_marks(client, login_as, make_user):
    login_as(make_user("chief", "admin"))
    in_language(client, "de")
    switch(client, True)
    form = client.get("/admin/tags/new/").get_data(as_text=True)
    response = client.post(
        "/admin/tags/new/", data={"title": "Neu", "csrf_token": extract_csrf(form)}
    )
    assert response.status_code == 302
    assert not marks.MARKS.search(response.headers["Location"])
    with client.session_transaction() as saved:
        flashes = saved.get("_flashes")
    assert flashes and not any(marks.MARKS.search(message) for _category, message in flashes)


def test_every_admin_page_renders_with_the_mode_on(client, login_as, make_user):
    user = make_user("chief", "admin")
    login_as(user)
    in_language(client, "de")
    assert switch(client, True).status_code == 303
    post = Post(title="A post", slug="a-post", author=user, body="<p>x</p>")
    db.session.add(post)
    db.session.commit()
    pages = [
        "/admin/", "/admin/posts/", "/admin/posts/new/", f"/admin/posts/edit/?id={post.id}",
        f"/admin/posts/details/?id={post.id}", "/admin/comments/", "/admin/tags/",
        "/admin/tags/new/", "/admin/media/", "/admin/reminders/", "/admin/users/",
        f"/admin/users/edit/?id={user.id}", "/admin/roles/", "/admin/audit/",
        "/admin/translations/", "/admin/translations/de/", "/admin/profile/",
        f"/admin/translations/de/edit/?key={key_of(MENU_TEXT)}", "/admin/translations/de/upload",
        "/admin/translations/de/glossary/", "/admin/translations/de/consistency/",
        "/admin/translations/progress/", "/admin/posts/?flt0_0=1&search=x",
        "/admin/comments/?status=pending", "/admin/reminders/new/",
    ]  # fmt: skip
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        assert "in-context-entries" in response.get_data(as_text=True), url
    download = client.get("/admin/translations/de/download")
    assert download.status_code == 200
    assert not marks.MARKS.search(download.get_data(as_text=True))
    assert not any(marks.MARKS.search(value) for value in download.headers.values())


# -- the panel's JSON ------------------------------------------------------------------------------
def test_the_panel_reads_an_entry(client, translating):
    data = client.get(f"/admin/in-context/entry/de/{key_of(MENU_TEXT)}").get_json()
    assert data["msgid"] == MENU_TEXT
    assert data["strings"] == ["Übersetzungen"]
    assert data["version"]
    assert data["history"] == []
    assert data["workbench"].startswith("/admin/translations/de/")


def test_the_panel_reads_plural_forms_and_checks(client, translating):
    data = client.get(f"/admin/in-context/entry/de/{key_of('%(num)d pending')}").get_json()
    assert data["msgid_plural"] == "%(num)d pending"
    assert len(data["strings"]) == len(data["forms"]) == 2
    assert data["errors"] == []


@pytest.mark.parametrize(("lang", "status"), [("fr", 403), ("de", 404)])
def test_the_panel_reads_only_entries_of_the_users_languages(client, translating, lang, status):
    key = key_of(MENU_TEXT) if lang == "fr" else "no-such-key"
    assert client.get(f"/admin/in-context/entry/{lang}/{key}").status_code == status


def save(client, key: str, strings: list[str], version: str, token: str | None = None):
    headers = {"X-CSRFToken": token} if token else {}
    body = {"strings": strings, "fuzzy": False, "version": version}
    return client.post(f"/admin/in-context/entry/de/{key}", json=body, headers=headers)


def token_of(client) -> str:
    return entries_of(client.get("/admin/").get_data(as_text=True))["csrf"]


def test_saving_from_the_panel_shows_the_new_text_on_every_page(client, translating):
    key = key_of(MENU_TEXT)
    version = store.get_entry("de", key).version
    response = save(client, key, ["Übersetzen"], version, token_of(client))
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.get_json()["entry"]["strings"] == ["Übersetzen"]
    assert response.get_json()["entry"]["history"][0]["new"] == "Übersetzen"
    assert "Übersetzen" in marked_texts(client.get("/admin/").get_data(as_text=True))


def test_saving_needs_the_csrf_token(client, translating):
    key = key_of(MENU_TEXT)
    response = save(client, key, ["Übersetzen"], store.get_entry("de", key).version)
    assert response.status_code == 400
    assert store.get_entry("de", key).strings == ("Übersetzungen",)


def test_a_conflict_shows_as_a_conflict(client, translating):
    key = key_of(MENU_TEXT)
    old = store.get_entry("de", key).version
    token = token_of(client)
    assert save(client, key, ["Erste"], old, token).status_code == 200
    response = save(client, key, ["Zweite"], old, token)
    assert response.status_code == 409
    assert response.get_json()["entry"]["strings"] == ["Erste"]
    assert store.get_entry("de", key).strings == ("Erste",)


def test_a_failed_check_is_refused_with_its_problems(client, translating):
    key = key_of(MENU_TEXT)
    version = store.get_entry("de", key).version
    response = save(client, key, ["<img src=x onerror=alert(1)>"], version, token_of(client))
    assert response.status_code == 422
    assert any("img" in problem for problem in response.get_json()["problems"])
    assert store.get_entry("de", key).strings == ("Übersetzungen",)


def test_a_translator_cannot_save_a_language_of_someone_else(client, translating):
    key = key_of(MENU_TEXT)
    body = {"strings": ["Traductions"], "fuzzy": False, "version": "x"}
    response = client.post(
        f"/admin/in-context/entry/fr/{key}", json=body, headers={"X-CSRFToken": token_of(client)}
    )
    assert response.status_code == 403
