"""A saved translation is served on the next request, in this process and in others."""

from __future__ import annotations

import multiprocessing

import pytest

from backoffice import create_app
from backoffice.workbench import store

SIGN_IN = store.entry_key("Sign in", None)
GERMAN = {"Accept-Language": "de"}


@pytest.fixture
def app_config(workbench_config):
    return workbench_config


def sign_in_page(client) -> str:
    return client.get("/login", headers=GERMAN).get_data(as_text=True)


def save_sign_in(text: str, user) -> None:
    entry = store.get_entry("de", SIGN_IN)
    store.save_entry("de", SIGN_IN, [text], False, entry.version, user)


def test_the_next_request_shows_a_saved_translation(client, translator):
    assert "Anmelden" in sign_in_page(client)  # loaded and cached by this process
    save_sign_in("Einloggen jetzt", translator)
    assert "Einloggen jetzt" in sign_in_page(client)
    save_sign_in("Wieder anmelden", translator)
    assert "Wieder anmelden" in sign_in_page(client)


def test_another_app_of_the_process_sees_it_too(app, client, translator):
    directory = app.config["BABEL_TRANSLATION_DIRECTORIES"]
    other = create_app("testing", BABEL_TRANSLATION_DIRECTORIES=directory)
    assert "Anmelden" in sign_in_page(other.test_client())
    save_sign_in("Einloggen jetzt", translator)
    assert "Einloggen jetzt" in sign_in_page(other.test_client())


def test_an_app_on_another_directory_is_not_served_this_catalog(app, client, translator):
    save_sign_in("Einloggen jetzt", translator)
    assert "Einloggen jetzt" in sign_in_page(client)
    repository = create_app("testing")  # the repository's own, unchanged catalogs
    assert "Anmelden" in sign_in_page(repository.test_client())


def _serve_twice(directory: str, connection) -> None:
    """Another process: answer a request, wait for the parent's save, answer again."""
    app = create_app("testing", BABEL_TRANSLATION_DIRECTORIES=directory)
    client = app.test_client()
    connection.send(sign_in_page(client))
    connection.recv()
    connection.send(sign_in_page(client))


def test_another_process_shows_it_on_its_next_request(app, translator):
    spawn = multiprocessing.get_context("spawn")
    ours, theirs = spawn.Pipe()
    process = spawn.Process(target=_serve_twice, args=(str(store.catalog_dir()), theirs))
    process.start()
    try:
        assert ours.poll(60)
        assert "Anmelden" in ours.recv()  # the other process has cached the old text
        save_sign_in("Einloggen jetzt", translator)
        ours.send("saved")
        assert ours.poll(60)
        assert "Einloggen jetzt" in ours.recv()
    finally:
        process.join(30)
    assert process.exitcode == 0


def test_a_request_stats_the_catalog_once_not_per_text(app, client, monkeypatch):
    from backoffice.workbench import reload

    calls = []
    real = reload.catalog_signature

    def counting(*args):
        calls.append(args)
        return real(*args)

    monkeypatch.setattr(reload, "catalog_signature", counting)
    sign_in_page(client)
    assert len(calls) == 1


def test_a_list_pages_remembered_menu_and_filters_follow_a_saved_translation(
    client, login_as, make_user, translator
):
    # The menu and the filters' names are kept between requests (per language and catalog).
    login_as(make_user("erika", "editor", locale="de"))

    def page() -> tuple[str, str]:
        html = client.get("/admin/comments/").get_data(as_text=True)
        menu = html.split('id="admin-navbar-collapse"', 1)[1].split("</ul>", 1)[0]
        filters = html.split('id="filter-groups-data"', 1)[1].split("</div>", 1)[0]
        return menu, filters

    menu, filters = page()
    assert "Beiträge" in menu and '"Beitrag"' in filters
    for msgid, text in (("Posts", "Artikelliste"), ("Post", "Artikel")):
        key = store.entry_key(msgid, None)
        store.save_entry("de", key, [text], False, store.get_entry("de", key).version, translator)
    menu, filters = page()
    assert "Artikelliste" in menu and "Beiträge" not in menu
    assert '"Artikel"' in filters and '"Beitrag"' not in filters
