"""The workbench, tried as an attacker who is a translator: markup is refused (found by parsing,
as a browser would read it), and what the checks allow reaches every page as text."""

from __future__ import annotations

import pytest
from helpers.catalog_state import database_state, files_state
from helpers.catalogs import edit_url, form_of, key_of, po, refused
from helpers.hostile import injections

from backoffice.workbench import store, transfer

SIGN_OUT = "Sign out"  # on every signed-in page (the navbar)


@pytest.fixture
def app_config(workbench_config):
    return workbench_config


@pytest.mark.parametrize(
    "typed, problem",
    [
        ("Abmelden<img/src=x onerror=alert(1)>", '<img onerror="alert(1)" src="x">'),
        ("Abmelden<svg/onload=alert(1)>", '<svg onload="alert(1)">'),
        ("<a href=javascript:alert(1)>Abmelden</a>", '<a href="javascript:alert(1)">'),
    ],
)
def test_a_translator_cannot_save_markup_the_source_does_not_have(
    client, login_as, translator, typed, problem
):
    login_as(translator)
    _html, errors = refused(client, "de", SIGN_OUT, **{"string-0": typed})
    assert f"The tag {problem} is not in the source text." in errors


def test_an_attribute_breakout_is_saved_but_every_page_shows_it_as_text(
    client, login_as, translator
):
    breakout = 'Abmelden" autofocus onfocus="alert(document.cookie)'
    login_as(translator)
    page = client.get(edit_url("de", SIGN_OUT)).get_data(as_text=True)
    response = client.post(edit_url("de", SIGN_OUT), data={**form_of(page), "string-0": breakout})
    assert response.status_code == 303
    assert store.get_entry("de", key_of("de", SIGN_OUT)).strings == (breakout,)

    client.post("/language", data={"locale": "de", "csrf_token": form_of(page)["csrf_token"]})
    for url in ("/admin/", "/admin/profile/", "/admin/translations/de/"):
        html = client.get(url).get_data(as_text=True)
        assert "Abmelden&#34; autofocus onfocus=&#34;alert(document.cookie)" in html
        assert injections(html) == []


def test_an_uploaded_catalog_with_markup_is_refused_and_nothing_is_merged(app, translator):
    original = database_state("de"), files_state()
    data = po(
        'msgid "Sign in"\nmsgstr "Anmelden"\n\n'
        'msgid "Sign out"\nmsgstr "Abmelden<img/src=x onerror=alert(1)>"\n'
    )
    report = transfer.import_po("de", data, translator)
    assert not report.ok and report.merged == 0
    assert (database_state("de"), files_state()) == original
    assert (
        "Sign out",
        'The tag <img onerror="alert(1)" src="x"> is not in the source text.',
    ) in report.problems
