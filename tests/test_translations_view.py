"""The translation workbench's admin pages: who may open what, and what each page does.

Every test works on a private copy of the catalogs (``catalog_copy``), which a language's
first use imports into the database; no page writes a file. The engine behind the pages
(``backoffice.workbench``) has its own tests.
"""

from __future__ import annotations

import io
import re
from html import unescape
from pathlib import Path

import pytest
from babel.messages.pofile import read_po, write_po
from helpers.app import extract_csrf
from helpers.catalog_state import database_state, files_state
from helpers.catalogs import PENDING, blank, edit_url, form_of, key_of, refused, rewrite
from sqlalchemy import select

from backoffice.extensions import db
from backoffice.models import AuditEntry, User
from backoffice.workbench import files, store, transfer

SINGULAR = "Choose a language from the list."  # a singular entry, a profile form error
ZONE = "Site default (%(zone)s)"  # a singular entry with a placeholder


@pytest.fixture
def app_config(workbench_config):
    return workbench_config


# -- helpers -----------------------------------------------------------------------------------
def translator_of(make_user, *languages: str) -> User:
    return make_user("tina", "translator", translation_languages=list(languages))


@pytest.fixture
def as_german_translator(client, make_user, login_as) -> User:
    return login_as(translator_of(make_user, "de"))


# -- permissions -------------------------------------------------------------------------------
FRENCH_GETS = ["/admin/translations/fr/", "/admin/translations/fr/?state=fuzzy",
               "/admin/translations/fr/download", "/admin/translations/fr/upload"]  # fmt: skip


@pytest.mark.parametrize("url", FRENCH_GETS + ["edit"])
def test_translator_for_german_cannot_open_french_pages(client, as_german_translator, url):
    url = edit_url("fr", SINGULAR) if url == "edit" else url
    assert client.get(url).status_code == 403


@pytest.mark.parametrize("action", ["edit", "restore", "upload"])
def test_translator_for_german_cannot_write_french(client, as_german_translator, csrf, action):
    key = key_of("fr", SINGULAR)
    url = {
        "edit": f"/admin/translations/fr/edit/?key={key}",
        "restore": f"/admin/translations/fr/restore/?key={key}",
        "upload": "/admin/translations/fr/upload",
    }[action]
    before = database_state("fr"), files_state()
    data = {"csrf_token": csrf(), "string-0": "Piraté", "base_version": "x", "audit_id": "1"}
    assert client.post(url, data=data).status_code == 403
    assert (database_state("fr"), files_state()) == before


def test_translator_for_german_may_open_german_pages(client, as_german_translator):
    for url in [
        "/admin/translations/de/",
        edit_url("de", SINGULAR),
        "/admin/translations/de/upload",
    ]:
        assert client.get(url).status_code == 200, url


def test_catalog_list_shows_only_the_translators_languages(client, as_german_translator):
    html = client.get("/admin/translations/").get_data(as_text=True)
    assert 'data-testid="catalog-de"' in html
    assert 'data-testid="catalog-fr"' not in html


@pytest.mark.parametrize("url", ["/admin/translations/", "/admin/translations/de/"])
def test_editor_cannot_open_the_workbench(client, login_as, url):
    login_as("editor")
    assert client.get(url).status_code == 403


def test_anonymous_visitor_is_sent_to_sign_in(client):
    response = client.get("/admin/translations/de/?state=fuzzy")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


def test_admin_may_open_every_language(client, login_as):
    login_as("admin")
    for lang in store.languages():
        assert client.get(f"/admin/translations/{lang}/").status_code == 200, lang


@pytest.mark.parametrize("lang", ["xx", "en", "de-DE", "..", "DE"])
def test_unknown_language_is_not_found(client, login_as, lang):
    login_as("admin")
    assert client.get(f"/admin/translations/{lang}/").status_code == 404


def test_unknown_entry_is_not_found(client, login_as):
    login_as("admin")
    assert client.get("/admin/translations/de/edit/?key=nope").status_code == 404
    assert client.get("/admin/translations/de/edit/").status_code == 404


def test_translators_menu_has_the_workbench_and_editors_do_not(client, make_user, login_as):
    login_as(translator_of(make_user, "de"))
    assert 'href="/admin/translations/"' in client.get("/admin/").get_data(as_text=True)


# -- catalog list ------------------------------------------------------------------------------
def test_catalog_list_counts_match_the_catalog(client, login_as, catalog_copy):
    blank(catalog_copy, "de", PENDING)
    login_as("admin")
    html = client.get("/admin/translations/").get_data(as_text=True)
    summary = store.summary("de")
    row = html.split('data-testid="catalog-de"')[1].split("</tr>")[0]
    assert summary.untranslated == 1
    assert f'data-testid="untranslated">{summary.untranslated}<' in row
    assert f'data-testid="translated">{summary.translated}<' in row
    percent = 100 * summary.translated // summary.total
    assert f'aria-valuenow="{percent}"' in row
    assert "?state=untranslated" in row


# -- entry list --------------------------------------------------------------------------------
def listed(client, url: str) -> list[str]:
    html = client.get(url).get_data(as_text=True)
    return re.findall(r'data-testid="entry" data-key="([^"]+)"', html)


def test_untranslated_filter_lists_exactly_the_untranslated_entries(client, login_as, catalog_copy):
    blank(catalog_copy, "de", PENDING)
    login_as("admin")
    assert listed(client, "/admin/translations/de/?state=untranslated") == [key_of("de", PENDING)]


def test_unknown_state_falls_back_to_all(client, login_as):
    login_as("admin")
    response = client.get("/admin/translations/de/?state=bogus")
    assert response.status_code == 200
    assert re.search(r'data-state="all"\s+aria-current="page"', response.get_data(as_text=True))


@pytest.mark.parametrize(
    "query",
    ["choose a LANGUAGE", "Wählen Sie eine Sprache", "backoffice/admin/profile.py"],
    ids=["msgid, any case", "msgstr", "location"],
)
def test_search_finds_entries_by_source_translation_or_location(client, login_as, query):
    login_as("admin")
    assert key_of("de", SINGULAR) in listed(client, f"/admin/translations/de/?q={query}")


def test_search_without_a_match_lists_nothing(client, login_as):
    login_as("admin")
    assert listed(client, "/admin/translations/de/?q=zzzz-no-such-text") == []


def test_entries_come_a_page_at_a_time_and_far_pages_show_the_last(client, login_as):
    login_as("admin")
    first = listed(client, "/admin/translations/de/")
    second = listed(client, "/admin/translations/de/?page=2")
    total = len(store.entries("de"))
    assert len(first) == 25 and second and not set(first) & set(second)
    last_page = -(-total // 25)
    assert listed(client, "/admin/translations/de/?page=99999") == listed(
        client, f"/admin/translations/de/?page={last_page}"
    )


# -- the editor --------------------------------------------------------------------------------
def test_editor_has_a_labelled_field_per_arabic_plural_form(client, login_as):
    login_as("admin")
    html = client.get(edit_url("ar", PENDING)).get_data(as_text=True)
    labels = re.findall(r'<label for="string-\d+">([^<]*)</label>', html)
    assert len(labels) == 6
    assert labels[3].startswith("few (3, 4")
    assert html.count('dir="rtl"') >= 6 and 'lang="ar"' in html


def test_saving_a_translation_writes_it_and_says_so(client, as_german_translator, catalog_copy):
    blank(catalog_copy, "de", SINGULAR)
    page = client.get(edit_url("de", SINGULAR)).get_data(as_text=True)
    before = files_state()
    response = client.post(
        edit_url("de", SINGULAR), data={**form_of(page), "string-0": "Sprache wählen."}
    )
    assert response.status_code == 303
    assert store.get_entry("de", key_of("de", SINGULAR)).strings == ("Sprache wählen.",)
    assert "The translation has been saved." in client.get(response.headers["Location"]).get_data(
        as_text=True
    )
    assert files_state() == before  # in the database only: no .po or .mo written


def test_the_pages_show_the_database_not_the_files(client, as_german_translator):
    page = client.get(edit_url("de", SINGULAR)).get_data(as_text=True)
    client.post(edit_url("de", SINGULAR), data={**form_of(page), "string-0": "Sprache wählen."})
    # The file is as the repository has it.
    assert "Wählen Sie eine Sprache" in files.po_path("de").read_text(encoding="utf-8")
    listed_page = client.get("/admin/translations/de/?q=Choose+a+language").get_data(as_text=True)
    assert "Sprache wählen." in listed_page
    assert ">Sprache wählen.</textarea>" in client.get(edit_url("de", SINGULAR)).get_data(
        as_text=True
    )
    download = client.get("/admin/translations/de/download").get_data(as_text=True)
    assert 'msgid "Choose a language from the list."\nmsgstr "Sprache wählen."' in download


def test_save_and_next_opens_the_next_untranslated_entry(client, login_as, catalog_copy):
    blank(catalog_copy, "de", SINGULAR)
    blank(catalog_copy, "de", PENDING)
    login_as("admin")
    page = client.get(edit_url("de", PENDING)).get_data(as_text=True)
    data = {**form_of(page), "string-0": "%(num)d offen", "string-1": "%(num)d offen"}
    response = client.post(edit_url("de", PENDING), data={**data, "action": "save_next"})
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"key={key_of('de', SINGULAR)}")


def add_entry(catalogs: Path, lang: str, msgid: str) -> None:
    """Give ``lang``'s catalog copy a new, untranslated entry (as ``translate update`` would)."""
    rewrite(catalogs, lang, lambda catalog: catalog.add(msgid, "", [("templates/x.html", 1)]))


def test_missing_placeholder_is_refused_and_the_typed_text_kept(client, login_as):
    login_as("admin")
    html, errors = refused(client, "de", ZONE, **{"string-0": "Website-Standard (Zone)"})
    assert errors == ["The translation lacks the placeholder %(zone)s."]
    assert ">Website-Standard (Zone)</textarea>" in html


def test_extra_placeholder_in_a_plural_form_is_refused_naming_the_form(client, login_as):
    login_as("admin")
    typed = {"string-0": "%(num)d von %(name)s", "string-1": "%(num)d offen"}
    html, errors = refused(client, "de", PENDING, **typed)
    assert errors == [
        "Form 'one' has the placeholder %(name)s, which the source text does not have."
    ]
    assert unescape(">%(num)d von %(name)s</textarea>") in unescape(html)


def test_mismatched_html_tags_are_refused(client, login_as, catalog_copy):
    add_entry(catalog_copy, "de", "Read the <strong>guide</strong>.")
    login_as("admin")
    typed = {"string-0": "Lesen Sie den Leitfaden."}
    html, errors = refused(client, "de", "Read the <strong>guide</strong>.", **typed)
    assert sorted(errors) == ["The tag </strong> is missing.", "The tag <strong> is missing."]
    assert ">Lesen Sie den Leitfaden.</textarea>" in html


def test_a_warning_allows_the_save_and_is_shown(client, login_as):
    login_as("admin")
    page = client.get(edit_url("de", SINGULAR)).get_data(as_text=True)
    data = {**form_of(page), "string-0": "Wählen Sie eine Sprache aus der Liste aus. "}
    response = client.post(edit_url("de", SINGULAR), data=data)
    assert response.status_code == 303
    shown = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "alert-warning" in shown
    assert store.get_entry("de", key_of("de", SINGULAR)).strings[0].endswith(" ")


def test_two_translators_saving_the_same_entry_get_a_conflict(app, client, login_as, make_user):
    login_as("admin")
    other = app.test_client()
    second = make_user("second", "translator", translation_languages=["de"])
    token = extract_csrf(other.get("/login").get_data(as_text=True))
    other.post("/login", data={"username": second.username, "password": "correct horse battery",
                               "csrf_token": token})  # fmt: skip
    mine = form_of(client.get(edit_url("de", SINGULAR)).get_data(as_text=True))
    theirs = form_of(other.get(edit_url("de", SINGULAR)).get_data(as_text=True))

    assert (
        client.post(edit_url("de", SINGULAR), data={**mine, "string-0": "Erste."}).status_code
        == 303
    )
    response = other.post(edit_url("de", SINGULAR), data={**theirs, "string-0": "Zweite."})
    html = response.get_data(as_text=True)

    assert response.status_code == 409
    assert "Erste." in html.split('data-testid="their-version"')[1].split("</div>")[0]
    assert "Zweite." in html.split('data-testid="your-version"')[1].split("</div>")[0]
    assert store.get_entry("de", key_of("de", SINGULAR)).strings == ("Erste.",)
    # Saving again from the conflict page is a deliberate choice, and it goes through.
    again = other.post(edit_url("de", SINGULAR), data=form_of(html))
    assert again.status_code == 303
    assert store.get_entry("de", key_of("de", SINGULAR)).strings == ("Zweite.",)


def test_history_shows_changes_and_restores_an_old_value(client, login_as):
    login_as("admin")
    original = store.get_entry("de", key_of("de", SINGULAR)).strings
    page = client.get(edit_url("de", SINGULAR)).get_data(as_text=True)
    client.post(edit_url("de", SINGULAR), data={**form_of(page), "string-0": "Neu."})
    page = client.get(edit_url("de", SINGULAR)).get_data(as_text=True)
    history = page.split('data-testid="history"')[1]
    assert "Neu." in history and original[0] in history
    audit_id = re.search(r'name="audit_id" value="(\d+)"', history).group(1)
    rows_before = db.session.scalar(select(db.func.count(AuditEntry.id)))

    response = client.post(
        f"/admin/translations/de/restore/?key={key_of('de', SINGULAR)}",
        data={"csrf_token": extract_csrf(page), "audit_id": audit_id,
              "base_version": form_of(page)["base_version"]},
    )  # fmt: skip

    assert response.status_code == 303
    assert store.get_entry("de", key_of("de", SINGULAR)).strings == original
    assert db.session.scalar(select(db.func.count(AuditEntry.id))) == rows_before + 1


def test_restoring_an_unknown_history_row_changes_nothing(client, login_as, csrf):
    login_as("admin")
    before = database_state("de")
    response = client.post(
        f"/admin/translations/de/restore/?key={key_of('de', SINGULAR)}",
        data={"csrf_token": csrf(), "audit_id": "999999", "base_version": "x"},
    )
    assert response.status_code == 303
    assert database_state("de") == before


# -- download and upload -----------------------------------------------------------------------
def test_download_is_the_catalog_as_an_attachment(client, login_as):
    login_as("admin")
    response = client.get("/admin/translations/de/download")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == 'attachment; filename="messages-de.po"'
    assert response.headers["Cache-Control"] == "no-store"
    assert b'"Language: de\\n"' in response.data


def upload(client, csrf, lang: str, data: bytes):
    return client.post(
        f"/admin/translations/{lang}/upload",
        data={"csrf_token": csrf(), "file": (io.BytesIO(data), f"{lang}.po")},
        content_type="multipart/form-data",
    )


def german_po(change) -> bytes:
    """The German catalog as downloaded, with ``change`` applied (as a translator's tool would)."""
    catalog = read_po(io.BytesIO(transfer.export_po("de")), locale="de")
    change(catalog)
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=100)
    return buffer.getvalue()


def _break_placeholder(catalog) -> None:
    catalog[ZONE].string = "Website-Standard"


def _say(text: str):
    def change(catalog) -> None:
        catalog[SINGULAR].string = text

    return change


@pytest.mark.parametrize(
    "data",
    [
        b'msgid "unterminated\nmsgstr ',
        "french",
        "broken placeholder",
    ],
    ids=["malformed", "wrong language", "broken placeholder"],
)
def test_a_bad_upload_is_refused_per_entry_and_nothing_is_written(client, login_as, csrf, data):
    login_as("admin")
    if data == "french":
        data = transfer.export_po("fr")
    elif data == "broken placeholder":
        data = german_po(_break_placeholder)
    before = database_state("de"), files_state()

    response = upload(client, csrf, "de", data)

    assert response.status_code == 400
    assert 'data-testid="problem"' in response.get_data(as_text=True)
    assert (database_state("de"), files_state()) == before


def test_a_malformed_upload_names_each_line_and_quotes_it_as_text(client, login_as, csrf):
    login_as("admin")
    before = database_state("de")
    data = german_po(_say("Bitte.")).replace(
        b'msgid "Choose a language from the list."\nmsgstr "Bitte."',
        b'msgid "Choose a language from the list."\nmsgstr <img src=x onerror=alert(1)>',
    )
    response = upload(client, csrf, "de", data)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    rows = re.findall(
        r'<tr data-testid="problem"><td><code>([^<]*)</code></td><td>(.*?)</td>', html
    )
    assert len(rows) == 1 and re.fullmatch(r"line \d+", rows[0][0])
    assert rows[0][1] == (
        "A text must be in double quotes: msgstr &lt;img src=x onerror=alert(1)&gt;"
    )
    assert database_state("de") == before


def test_a_valid_upload_is_merged(client, login_as, csrf):
    login_as("admin")
    data, before = german_po(_say("Bitte eine Sprache wählen.")), files_state()
    response = upload(client, csrf, "de", data)
    assert response.status_code == 303
    assert store.get_entry("de", key_of("de", SINGULAR)).strings == ("Bitte eine Sprache wählen.",)
    assert files_state() == before


def test_an_empty_or_too_large_upload_is_refused(app, client, login_as, csrf):
    login_as("admin")
    assert upload(client, csrf, "de", b"").status_code == 400
    app.config["TRANSLATION_UPLOAD_MAX_BYTES"] = 10
    response = upload(client, csrf, "de", german_po(_say("x")))
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert 'data-testid="upload-problems"' in html and "The file is larger than 0 kB." in html


# -- update from code --------------------------------------------------------------------------
def test_admin_updates_from_code_and_sees_the_report(client, login_as, csrf, catalog_copy):
    rewrite(catalog_copy, "de", lambda catalog: catalog.delete(SINGULAR))
    login_as("admin")
    before = files_state()
    response = client.post(
        "/admin/translations/update", data={"csrf_token": csrf(), "confirm": "1"}
    )
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    report = html.split('data-testid="report-de"')[1].split("</section>")[0]
    assert "1 text added." in report and f"<code>{SINGULAR}</code>" in report
    assert store.get_entry("de", key_of("de", SINGULAR)).state == "untranslated"
    assert files_state() == before  # neither the template nor a catalog file is written


def test_update_needs_the_buttons_confirmation(client, login_as, csrf):
    login_as("admin")
    assert client.post("/admin/translations/update", data={"csrf_token": csrf()}).status_code == 400


def test_translator_cannot_update_from_code(client, as_german_translator, csrf):
    response = client.post(
        "/admin/translations/update", data={"csrf_token": csrf(), "confirm": "1"}
    )
    assert response.status_code == 403
    assert 'data-testid="update-form"' not in client.get("/admin/translations/").get_data(
        as_text=True
    )


# -- users: assigned languages -----------------------------------------------------------------
def user_form(client, user: User, **changes) -> dict:
    page = client.get(f"/admin/users/edit/?id={user.id}").get_data(as_text=True)
    data = {"csrf_token": extract_csrf(page), "username": user.username, "email": "",
            "active": "y", "roles": [str(role.id) for role in user.roles], "locale": "",
            "timezone": ""}  # fmt: skip
    return {**data, **changes}


def test_admin_assigns_translation_languages(client, login_as, make_user):
    login_as("admin")
    tina = make_user("tina", "translator")
    response = client.post(
        f"/admin/users/edit/?id={tina.id}",
        data=user_form(client, tina, translation_languages=["de", "ar"]),
    )
    assert response.status_code == 302
    db.session.refresh(tina)
    assert tina.translation_languages == ["de", "ar"]
    details = client.get(f"/admin/users/details/?id={tina.id}").get_data(as_text=True)
    assert "Deutsch and العربية" in details  # joined as the reader's language joins a list


@pytest.mark.parametrize("bad", ["en", "xx"])
def test_translation_languages_outside_the_list_are_refused(client, login_as, make_user, bad):
    login_as("admin")
    tina = make_user("tina", "translator")
    response = client.post(
        f"/admin/users/edit/?id={tina.id}",
        data=user_form(client, tina, translation_languages=["de", bad]),
    )
    assert response.status_code == 200
    assert "Choose languages from the list." in response.get_data(as_text=True)
    db.session.refresh(tina)
    assert tina.translation_languages == []


# -- hostile input -----------------------------------------------------------------------------
HOSTILE = ["", "-1", "9" * 40, "abc", "../../etc/passwd", "<script>", "' OR 1=1 --", "x" * 5000,
           "ä" * 50, "//evil.example", "1e9", "NaN"]  # fmt: skip


def test_hostile_query_strings_on_workbench_pages_are_harmless(client, login_as):
    login_as("admin")
    key = key_of("de", SINGULAR)
    pages = ["/admin/translations/", "/admin/translations/de/", "/admin/translations/de/upload",
             "/admin/translations/de/edit/"]  # fmt: skip
    for url in pages:
        for value in HOSTILE:
            # Every argument hostile at once; the editor also with a real entry.
            for query in ({"state": value, "q": value, "page": value, "key": value},
                          {"state": value, "q": value, "page": value, "key": key}):  # fmt: skip
                assert client.get(url, query_string=query).status_code < 500, (url, value[:20])


def test_hostile_posts_on_workbench_forms_are_harmless(client, login_as, csrf):
    login_as("admin")
    token = csrf()
    key = key_of("de", SINGULAR)
    before = database_state("de"), files_state()
    for value in HOSTILE:
        data = {"csrf_token": token, "base_version": value, "audit_id": value, "action": value,
                "string-0": value, "string-1": value, "fuzzy": value, "file": value}  # fmt: skip
        urls = (
            f"/admin/translations/de/edit/?key={key}",
            f"/admin/translations/de/restore/?key={key}",
            "/admin/translations/de/upload",
        )
        for url in urls:
            assert client.post(url, data=data).status_code < 500, (url, value[:20])
    # Every hostile save was built on a wrong base version: none of them went through.
    assert (database_state("de"), files_state()) == before
