"""A translation over ``TRANSLATION_MAX_LENGTH`` is refused at once, in the editor and in uploads,
before the checks, the catalog's rows or Babel's writer (whose wrapping cost grows with the
square of a long word) are reached; too large requests get a translated page, never a 500.

Timings are measured in ``bench/``, not here: these tests prove the order of the work.
"""

from __future__ import annotations

import io
import re
from html import unescape

import pytest
from helpers.app import extract_csrf
from helpers.catalog_state import database_state, files_state, translation_rows
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from backoffice.i18n import catalogs, revisions
from backoffice.workbench import checks, limits, store, transfer

SIGN_IN = store.entry_key("Sign in", None)
COMMENTS = store.entry_key("%(num)d comment", None)
HUGE = "x" * 1_900_000  # the size that held a worker for 31 s and ended in a 500
HEADER = (
    'msgid ""\nmsgstr ""\n"Language: de\\n"\n'
    '"Plural-Forms: nplurals=2; plural=(n != 1);\\n"\n'
    '"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
)


@pytest.fixture
def app_config(workbench_config):
    return workbench_config


@pytest.fixture
def unchanged(app):
    """A check that the German catalog (database and files) is as it was when the test began."""
    before = database_state("de"), files_state()

    def check() -> bool:
        return (database_state("de"), files_state()) == before and translation_rows() == 0

    return check


@pytest.fixture
def nothing_further(monkeypatch, unchanged):
    """Fail the test if the checks, Babel's .po writer or a write of the catalog are reached."""

    def reached(*args, **kwargs):
        raise AssertionError("an overlong translation went past the length limit")

    monkeypatch.setattr(checks, "check", reached)
    monkeypatch.setattr(catalogs, "write_po", reached)
    monkeypatch.setattr(store, "set_translation", reached)
    monkeypatch.setattr(revisions, "new_revision", reached)


def save(key: str, strings: list[str], user) -> store.SaveResult:
    return store.save_entry("de", key, strings, False, store.get_entry("de", key).version, user)


# -- the limit ----------------------------------------------------------------------------------
def test_the_default_limit_is_a_thousand_characters(app):
    assert app.config["TRANSLATION_MAX_LENGTH"] == limits.DEFAULT_MAX_LENGTH == 1000


def test_a_translation_of_exactly_the_limit_is_saved(app, translator):
    text = "Anmelden " * 111 + "A"  # 1000 characters
    assert len(text) == 1000
    assert save(SIGN_IN, [text], translator).changed
    assert store.get_entry("de", SIGN_IN).strings == (text,)


def test_the_limit_is_the_configured_one(app, translator):
    app.config["TRANSLATION_MAX_LENGTH"] = 20
    with pytest.raises(store.CheckFailed) as refused:
        save(SIGN_IN, ["Anmelden beim Backoffice"], translator)
    assert refused.value.problems == ["The translation is longer than 20 characters."]
    assert save(SIGN_IN, ["Einloggen"], translator).changed


# -- the editor's path --------------------------------------------------------------------------
def test_an_overlong_translation_is_refused_before_anything_else(
    app, translator, nothing_further, unchanged, monkeypatch
):
    version = store.get_entry("de", SIGN_IN).version

    def reached(*args, **kwargs):
        raise AssertionError("an overlong translation was looked up")

    monkeypatch.setattr(store, "locked_catalog", reached)  # not even a row lock
    with pytest.raises(store.CheckFailed) as refused:
        store.save_entry("de", SIGN_IN, [HUGE], False, version, translator)
    assert refused.value.problems == ["The translation is longer than 1,000 characters."]
    monkeypatch.undo()
    assert unchanged()


def test_an_overlong_plural_form_is_named(app, translator, nothing_further, unchanged):
    with pytest.raises(store.CheckFailed) as refused:
        save(COMMENTS, ["ein Kommentar", HUGE], translator)
    assert refused.value.problems == ["Form 'other' is longer than 1,000 characters."]
    assert unchanged()


# -- the upload's path --------------------------------------------------------------------------
def test_an_overlong_translation_in_an_upload_is_refused(
    app, translator, nothing_further, unchanged
):
    data = (HEADER + f'msgid "Sign in"\nmsgstr "{HUGE}"\n').encode("utf-8")
    assert len(data) <= app.config["TRANSLATION_UPLOAD_MAX_BYTES"]
    report = transfer.import_po("de", data, translator)
    assert report.problems == [("Sign in", "The translation is longer than 1,000 characters.")]
    assert unchanged()


def test_an_overlong_plural_form_in_an_upload_is_named(app, translator, nothing_further, unchanged):
    data = HEADER + (
        'msgid "%(num)d comment"\nmsgid_plural "%(num)d comments"\n'
        f'msgstr[0] "{"x" * 1001}"\nmsgstr[1] "%(num)d Kommentare"\n'
    )
    report = transfer.import_po("de", data.encode("utf-8"), translator)
    assert report.problems == [("%(num)d comment", "Form 'one' is longer than 1,000 characters.")]
    assert unchanged()


# -- through the pages: a clear message, never a 500 --------------------------------------------
def edit(client, key: str, text: str, **headers: str):
    url = f"/admin/translations/de/edit/?key={key}"
    page = client.get(url).get_data(as_text=True)
    version = re.search(r'name="base_version" value="([^"]*)"', page).group(1)
    data = {"csrf_token": extract_csrf(page), "base_version": version, "string-0": text}
    return client.post(url, data=data, headers=headers)


def upload(client, csrf, data: bytes, **headers: str):
    # Encoded here: the test client would spool a large body to a file it never closes.
    file = FileStorage(io.BytesIO(data), filename="de.po")
    boundary, body = encode_multipart({"csrf_token": csrf(), "file": file})
    return client.post(
        "/admin/translations/de/upload",
        data=body,
        content_type=f"multipart/form-data; boundary={boundary}",
        headers=headers,
    )


def test_the_editor_names_the_limit(client, as_translator, unchanged):
    response = edit(client, SIGN_IN, "x" * 1001)
    assert response.status_code == 400
    html = unescape(response.get_data(as_text=True))
    assert "The translation is longer than 1,000 characters." in html
    assert unchanged()


def test_a_huge_text_in_the_editor_is_refused_with_the_limit(client, as_translator, unchanged):
    # Werkzeug applies no per-field limit to urlencoded forms: up to MAX_CONTENT_LENGTH,
    # the text reaches the save, which refuses it first thing.
    response = edit(client, SIGN_IN, HUGE)
    assert response.status_code == 400
    assert "The translation is longer than 1,000 characters." in response.get_data(as_text=True)
    assert unchanged()


def test_an_editor_post_over_the_request_limit_gets_the_translated_too_large_page(
    app, client, as_translator, unchanged
):
    app.config["MAX_CONTENT_LENGTH"] = 64 * 1024
    response = edit(client, SIGN_IN, "x" * 100_000, **{"Accept-Language": "de"})
    assert response.status_code == 413
    html = response.get_data(as_text=True)
    assert "Datei zu groß" in html and "Die hochgeladene Datei ist größer" in html
    assert unchanged()


def test_an_upload_over_the_upload_limit_is_refused_on_the_upload_page(
    client, as_translator, csrf, unchanged
):
    limit = transfer.max_upload_bytes()
    response = upload(client, csrf, HEADER.encode() + b"#" * limit)
    assert response.status_code == 400
    assert f"The file is larger than {limit // 1024} kB." in response.get_data(as_text=True)
    assert unchanged()


def test_an_upload_over_the_request_limit_gets_the_translated_too_large_page(
    app, client, as_translator, csrf, unchanged
):
    token = csrf()
    app.config["MAX_CONTENT_LENGTH"] = 64 * 1024
    response = upload(client, lambda: token, b"#" * 100_000, **{"Accept-Language": "de"})
    assert response.status_code == 413
    html = response.get_data(as_text=True)
    assert "Datei zu groß" in html and "Die hochgeladene Datei ist größer" in html
    assert unchanged()


@pytest.fixture
def as_translator(login_as, translator):
    return login_as(translator)
