"""The consistency page: source texts a language translates in more than one way, in the real
catalogs (ours and Flask-Admin's), with links to the entries."""

from __future__ import annotations

import html

import pytest
from helpers.catalogs import key_of, rewrite

from backoffice.workbench import consistency, memory

CONSISTENCY = "/admin/translations/{lang}/consistency/"


@pytest.fixture
def app_config(workbench_config):
    return workbench_config


def by_msgid(lang: str) -> dict[str, list[tuple[str, str | None, bool, str]]]:
    return {
        item.msgid: [(p.domain, p.context, p.plural, p.translation) for p in item.places]
        for item in consistency.inconsistencies(lang)
    }


def test_french_created_differs_with_and_without_its_context(app):
    """The real French catalog: "Created" is "Créé le" as a column, "Créé" as an audit action."""
    assert by_msgid("fr")["Created"] == [
        (memory.OURS, None, False, "Créé le"),
        (memory.OURS, "audit action", False, "Créé"),
    ]


def test_arabic_singular_and_the_singular_of_a_plural_differ(app):
    """The real Arabic catalog: "Tag" alone and the form for 1 of the dashboard card's plural."""
    assert by_msgid("ar")["Tag"] == [
        (memory.OURS, None, False, "الوسم"),
        (memory.OURS, "dashboard card", True, "وسم"),
    ]


def test_the_german_catalogs_are_consistent(app):
    assert consistency.inconsistencies("de") == []


def test_ours_against_flask_admins_catalog(app, catalog_copy):
    """A text both catalogs have, translated differently in ours, is listed with both."""
    admin = memory.admin_catalog("de")
    shared = admin["Save and Add Another"].string  # Flask-Admin's German

    def change(catalog) -> None:
        catalog.add("Save and Add Another", "Speichern und noch einen")

    rewrite(catalog_copy, "de", change)
    assert by_msgid("de")["Save and Add Another"] == [
        (memory.OURS, None, False, "Speichern und noch einen"),
        (memory.FLASK_ADMIN, None, False, shared),
    ]


def test_the_same_translation_everywhere_is_not_listed(app, catalog_copy):
    def change(catalog) -> None:
        catalog["Created"].string = "Créé"

    rewrite(catalog_copy, "fr", change)
    assert "Created" not in by_msgid("fr")


def test_untranslated_places_are_left_out(app, catalog_copy):
    def change(catalog) -> None:
        catalog["Created"].string = ""

    rewrite(catalog_copy, "fr", change)
    assert "Created" not in by_msgid("fr")


def test_the_page_links_to_each_entry(client, login_as):
    login_as("admin")
    page = client.get(CONSISTENCY.format(lang="fr")).get_data(as_text=True)
    assert page.count('data-testid="inconsistency"') == len(consistency.inconsistencies("fr"))
    for key in (key_of("fr", "Created"),):
        assert f"/admin/translations/fr/edit/?key={key}" in html.unescape(page)
    assert "Créé le" in page


def test_a_german_translator_cannot_open_the_french_page(client, login_as, make_user):
    login_as(make_user("tina", "translator", translation_languages=["de"]))
    assert client.get(CONSISTENCY.format(lang="fr")).status_code == 403
    assert client.get(CONSISTENCY.format(lang="de")).status_code == 200
