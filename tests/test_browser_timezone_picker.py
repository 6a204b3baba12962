"""The time-zone picker in a real browser: searchable by the place's name in the language."""

from __future__ import annotations

import shutil
from collections.abc import Iterator

import pytest
from babel.messages.pofile import read_po
from helpers.browser import browser_tab

from backoffice import create_app
from backoffice.domain.accounts import create_user
from backoffice.extensions import db
from backoffice.i18n import catalogs
from backoffice.models import User
from backoffice.web.serving import serving

pytestmark = pytest.mark.browser

USER, PASSWORD = "zoe", "time zone password"


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, object]]:
    folder = tmp_path_factory.mktemp("zones")
    # select2's own words come from our catalog: give German the new one, as the lead will.
    translations = folder / "translations"
    shutil.copytree(catalogs.TRANSLATIONS, translations, ignore=shutil.ignore_patterns("*.lock"))
    po = translations / "de" / "LC_MESSAGES" / "messages.po"
    with po.open("rb") as handle:
        catalog = read_po(handle)
    catalog.add("No matches found", "Keine Treffer")
    po.write_bytes(catalogs.po_bytes(catalog))
    catalogs.compile_all(translations)
    app = create_app(
        "testing",
        SQLALCHEMY_DATABASE_URI=f"sqlite:///{folder / 'browser.db'}",
        BABEL_TRANSLATION_DIRECTORIES=str(translations),
    )
    with app.app_context():
        db.create_all()
        create_user(db.session, USER, PASSWORD, ["admin"]).locale = "de"
        db.session.commit()
    with serving(app) as base:
        yield base, app


def test_a_zone_is_found_by_its_german_name_and_saved(browser, live_server):
    base, app = live_server
    with browser_tab(browser) as page:
        page.goto(f"{base}/login")
        page.fill("input[name=username]", USER)
        page.fill("input[name=password]", PASSWORD)
        with page.expect_navigation():
            page.click("form[data-testid=login-form] button[type=submit]")
        page.goto(f"{base}/admin/profile/")
        assert page.locator("html").get_attribute("lang") == "de"
        page.click("#s2id_timezone a.select2-choice")
        page.keyboard.type("Córdoba")
        results = page.locator(".select2-drop-active .select2-result-selectable")
        assert results.first.inner_text() == "Córdoba (Argentinien)"
        assert (
            page.locator(".select2-drop-active .select2-result-with-children")
            .first.inner_text()
            .startswith("Amerika")
        )
        page.keyboard.type("zzz")
        assert (
            page.locator(".select2-drop-active .select2-no-results").inner_text()
            != "No matches found"
        )
        page.keyboard.press("Backspace")
        page.keyboard.press("Backspace")
        page.keyboard.press("Backspace")
        page.keyboard.press("Enter")
        with page.expect_navigation():
            page.click("form[data-testid=profile-settings] button[type=submit]")
    with app.app_context():
        saved = db.session.scalar(db.select(User).where(User.username == USER))
        assert saved.timezone == "America/Argentina/Cordoba"
