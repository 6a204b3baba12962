"""Parts of every page made once per language and catalog (backoffice/i18n/parts.py): the
language switcher, the sign-out form and the scripts' texts are still the reader's own."""

from __future__ import annotations

import html as html_lib
import re

import pytest
from babel.messages.catalog import Catalog
from flask.testing import FlaskClient
from helpers.app import sign_in_client

from backoffice.core import atomic_files
from backoffice.i18n import catalogs
from backoffice.i18n.parts import RETURN_PATH, TOKEN
from backoffice.workbench import files, store

SIGN_OUT = store.entry_key("Sign out", None)


@pytest.fixture
def app_config(workbench_config):
    return workbench_config


def hidden(page: str, form: str, name: str) -> str:
    """The value of the hidden field ``name`` in the form that has ``form`` in its tag."""
    found = re.search(rf'<form[^>]*{form}[^>]*>.*?name="{name}" value="([^"]*)"', page, re.S)
    assert found, f"no {name} in the form with {form}"
    return html_lib.unescape(found.group(1))


def page_of(client: FlaskClient, path: str, lang: str = "de") -> str:
    return client.get(path, headers={"Accept-Language": lang}).get_data(as_text=True)


def save_sign_out(text: str, user) -> None:
    entry = store.get_entry("de", SIGN_OUT)
    store.save_entry("de", SIGN_OUT, [text], False, entry.version, user)


def test_each_reader_gets_their_own_token_and_each_page_its_own_way_back(
    app, client, login_as, make_user
):
    login_as("editor")
    other = app.test_client()
    sign_in_client(other, make_user("second-editor", "editor"))
    mine = page_of(client, "/admin/tags/?page=0")
    theirs = page_of(other, "/admin/posts/?sort=0")

    token = hidden(mine, "language-switcher", "csrf_token")
    assert token == hidden(mine, "/logout", "csrf_token")
    assert token != hidden(theirs, "language-switcher", "csrf_token")
    assert hidden(mine, "language-switcher", "next") == "/admin/tags/?page=0"
    assert hidden(theirs, "language-switcher", "next") == "/admin/posts/?sort=0"
    # Each token is its session's: it switches the language there, and is refused elsewhere.
    switch = {"locale": "fr", "next": "/admin/tags/", "csrf_token": token}
    assert other.post("/language", data=switch).status_code == 400
    assert client.post("/language", data=switch).status_code == 303
    assert 'lang="fr"' in client.get("/admin/tags/").get_data(as_text=True)


def test_a_saved_translation_shows_in_the_parts_on_the_next_page(client, login_as, translator):
    login_as("editor")
    assert 'data-testid="sign-out">Abmelden</button>' in page_of(client, "/admin/")
    save_sign_out("Tschüss", translator)
    assert 'data-testid="sign-out">Tschüss</button>' in page_of(client, "/admin/")


def test_a_translation_holding_a_marker_is_text_and_gets_no_token(client, login_as):
    # The workbench refuses tags that are not in the source: a .mo file has no such check.
    german = Catalog(locale="de")
    german.add("Sign out", f"{TOKEN} {RETURN_PATH}")
    atomic_files.write(files.mo_path("de"), catalogs.mo_bytes(german))
    login_as("editor")
    page = page_of(client, "/admin/")
    shown = "&lt;csrf-token-here&gt; &lt;return-path-here&gt;"
    assert f'data-testid="sign-out">{shown}</button>' in page
    assert str(TOKEN) not in page and str(RETURN_PATH) not in page


def test_each_part_is_made_once_per_language(app, client, login_as):
    login_as("editor")
    for path in ("/admin/", "/admin/tags/", "/admin/posts/"):
        page_of(client, path)
    kept = app.extensions["backoffice_page_parts"]
    assert len(kept) == 3  # the switcher, the sign-out form, the scripts' texts
    page_of(client, "/admin/tags/", lang="fr")
    assert len(kept) == 6
