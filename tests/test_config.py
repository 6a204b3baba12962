"""Configuration: environment selection, the production guard, the development secret key
and the debug toolbar (loopback only, collapsed at first, working SQL links, no secrets shown)."""

from __future__ import annotations

import html
import re
import stat

import pytest

from backoffice import create_app
from backoffice.web.devtools import redact
from config import DevelopmentConfig, ProductionConfig, TestingConfig, select_config


@pytest.fixture(scope="module")
def built_assets(tmp_path_factory) -> None:
    """The bundles built into static/gen/ as `flask assets build` builds them: a production app
    refuses to start without them."""
    from backoffice.cli.assets import build_bundles

    uploads = tmp_path_factory.mktemp("uploads")
    app = create_app("testing", SQLALCHEMY_DATABASE_URI="sqlite://", UPLOADS_DIR=str(uploads))
    with app.app_context():
        build_bundles()


@pytest.mark.parametrize(
    ("name", "expected"),
    [("development", DevelopmentConfig), ("testing", TestingConfig),
     ("production", ProductionConfig), (" Production ", ProductionConfig)],
)  # fmt: skip
def test_config_is_chosen_by_name(name, expected):
    assert select_config(name) is expected


def test_development_is_the_default(monkeypatch):
    monkeypatch.delenv("BACKOFFICE_CONFIG", raising=False)
    assert select_config() is DevelopmentConfig


def test_unknown_config_name_is_a_clear_error():
    with pytest.raises(RuntimeError, match="BACKOFFICE_CONFIG='staging' is unknown"):
        select_config("staging")


@pytest.mark.parametrize("key", [None, "", "short", "dev-insecure-secret-key"])
def test_production_refuses_to_start_without_a_real_secret_key(key):
    with pytest.raises(RuntimeError, match="set SECRET_KEY"):
        create_app("production", SECRET_KEY=key, SQLALCHEMY_DATABASE_URI="sqlite://")


def test_production_never_uses_a_development_key_file(tmp_path):
    (tmp_path / "dev-secret-key").write_text("k" * 64)
    with pytest.raises(RuntimeError, match="set SECRET_KEY"):
        create_app(
            "production",
            SECRET_KEY=None,
            DEV_SECRET_KEY_FILE=str(tmp_path / "dev-secret-key"),
            SQLALCHEMY_DATABASE_URI="sqlite://",
        )


def test_production_starts_with_a_real_secret_key(built_assets):
    app = create_app("production", SECRET_KEY="x" * 40, SQLALCHEMY_DATABASE_URI="sqlite://")
    assert not app.debug
    assert "debugtoolbar" not in app.blueprints


def test_default_database_is_sqlite_in_the_instance_folder(tmp_path):
    app = dev_app(tmp_path, SQLALCHEMY_DATABASE_URI=None)
    assert app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///")
    assert app.config["SQLALCHEMY_DATABASE_URI"].endswith("instance/backoffice.db")


def test_templates_and_static_are_the_top_level_folders():
    app = create_app("testing")
    assert app.template_folder.endswith("/templates")
    assert app.static_folder.endswith("/static")
    assert not app.static_folder.endswith("backoffice/static")


def dev_app(tmp_path, **overrides: object):
    """A development app whose generated secret key and uploads stay in ``tmp_path``."""
    settings = {
        "SECRET_KEY": None,  # as on a developer's machine, whatever this shell exports
        "DEV_SECRET_KEY_FILE": str(tmp_path / "instance" / "dev-secret-key"),
        "UPLOADS_DIR": str(tmp_path / "uploads"),
        "SQLALCHEMY_DATABASE_URI": "sqlite://",
        **overrides,
    }
    return create_app("development", **settings)


@pytest.fixture
def dev_client(tmp_path):
    """A client of a development app with its tables, on an in-memory database."""
    from backoffice.extensions import db

    app = dev_app(tmp_path)
    with app.app_context():
        db.create_all()
        yield app.test_client()


LOOPBACK = ["127.0.0.1", "::1", "::ffff:127.0.0.1"]
ELSEWHERE = ["10.0.0.5", "192.168.1.20", "2001:db8::7", "127.0.0.1.example.org"]


def _page_with_toolbar(config: str, tmp_path, **overrides: object) -> str:
    from backoffice.extensions import db

    app = create_app(
        config, SQLALCHEMY_DATABASE_URI="sqlite://", UPLOADS_DIR=str(tmp_path / "up"), **overrides
    )
    with app.app_context():
        db.create_all()
        return app.test_client().get("/login").get_data(as_text=True)


def test_debug_toolbar_appears_in_development_even_without_debug_mode(dev_client):
    # `flask run` without --debug leaves app.debug False; the toolbar follows the config.
    page = dev_client.get("/login").get_data(as_text=True)
    assert 'id="flDebug"' in page
    assert "SQLAlchemy" in page


@pytest.mark.parametrize("config", ["testing", "production"])
def test_debug_toolbar_never_appears_outside_development(config, tmp_path, built_assets):
    page = _page_with_toolbar(config, tmp_path, SECRET_KEY="y" * 40)
    assert "flDebug" not in page


def test_development_toolbar_records_queries_and_lets_redirects_through(tmp_path):
    app = dev_app(tmp_path)
    assert app.config["SQLALCHEMY_RECORD_QUERIES"] is True
    assert app.config["DEBUG_TB_INTERCEPT_REDIRECTS"] is False


@pytest.mark.parametrize("zone", ["Mars/Olympus", "", "../etc/localtime", "localtime"])
def test_an_unknown_default_time_zone_stops_the_app_with_a_clear_error(zone):
    with pytest.raises(RuntimeError, match="not an IANA time zone name"):
        create_app("testing", BABEL_DEFAULT_TIMEZONE=zone, SQLALCHEMY_DATABASE_URI="sqlite://")


def test_the_default_time_zone_is_shown_to_users_without_their_own(app):
    from datetime import datetime

    from flask_babel import format_datetime

    app.config["BABEL_DEFAULT_TIMEZONE"] = "Asia/Tokyo"
    with app.test_request_context():
        shown = format_datetime(datetime(2026, 1, 1, 0, 0), "HH:mm")
    assert shown == "09:00"


# -- the development secret key ------------------------------------------------------------------
def test_development_generates_a_random_secret_key_once_into_the_instance_folder(tmp_path):
    first = dev_app(tmp_path).config["SECRET_KEY"]
    key_file = tmp_path / "instance" / "dev-secret-key"
    assert re.fullmatch(r"[0-9a-f]{64}", first)
    assert key_file.read_text().strip() == first
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert dev_app(tmp_path).config["SECRET_KEY"] == first  # read, not made again
    assert sorted(p.name for p in key_file.parent.iterdir()) == ["dev-secret-key"]  # no temp file


def test_each_development_checkout_gets_its_own_key(tmp_path):
    one, other = (dev_app(tmp_path / name).config["SECRET_KEY"] for name in ("a", "b"))
    assert one != other


def test_a_secret_key_from_the_environment_wins_over_the_generated_one(tmp_path):
    app = dev_app(tmp_path, SECRET_KEY="chosen-by-the-developer-0123456789")
    assert app.config["SECRET_KEY"] == "chosen-by-the-developer-0123456789"
    assert not (tmp_path / "instance" / "dev-secret-key").exists()


def test_a_damaged_development_key_file_is_a_clear_error(tmp_path):
    (tmp_path / "instance").mkdir()
    (tmp_path / "instance" / "dev-secret-key").write_text("\n")
    with pytest.raises(RuntimeError, match="dev-secret-key is damaged; delete it"):
        dev_app(tmp_path)


def test_testing_keeps_its_fixed_key_and_writes_no_key_file(tmp_path):
    app = create_app("testing", DEV_SECRET_KEY_FILE=None, UPLOADS_DIR=str(tmp_path / "up"))
    assert app.config["SECRET_KEY"] == "testing-secret-key"


# -- the debug toolbar: this machine only ------------------------------------------------------
@pytest.mark.parametrize("address", LOOPBACK)
def test_toolbar_is_shown_to_clients_on_this_machine(dev_client, address):
    page = dev_client.get("/login", environ_base={"REMOTE_ADDR": address})
    assert 'id="flDebug"' in page.get_data(as_text=True)


@pytest.mark.parametrize("address", ELSEWHERE)
def test_toolbar_and_its_pages_are_hidden_from_other_clients(dev_client, address):
    home = dev_client.get("/", environ_base={"REMOTE_ADDR": "127.0.0.1"}).get_data(as_text=True)
    own_urls = [
        "/_debug_toolbar/setup.js",
        "/_debug_toolbar/static/js/toolbar.js",
        *(html.unescape(url) for url in SQL_LINK.findall(home)),
    ]
    assert len(own_urls) == 4
    elsewhere = {"REMOTE_ADDR": address}
    page = dev_client.get("/login", environ_base=elsewhere)
    assert page.status_code == 200 and "flDebug" not in page.get_data(as_text=True)
    assert "fldt" not in str(page.headers.getlist("Set-Cookie"))
    for url in own_urls:
        assert dev_client.get(url, environ_base=elsewhere).status_code == 404, url


def test_toolbar_starts_collapsed_and_stays_open_once_opened(dev_client):
    first = dev_client.get("/login")
    cookies = first.headers.getlist("Set-Cookie")
    assert any(c.startswith("fldt=hide;") and "Path=/" in c for c in cookies)  # its own cookie
    # Its script deletes "fldt" when the developer opens it; the next page leaves it open.
    dev_client.delete_cookie("fldt")
    later = dev_client.get("/login")
    assert not any(c.startswith("fldt=") for c in later.headers.getlist("Set-Cookie"))


def test_toolbar_runs_no_inline_script(dev_client):
    page = dev_client.get("/login").get_data(as_text=True)
    toolbar = page[page.index('<div id="flDebug"') :]
    scripts = re.findall(r"<script\b([^>]*)>", toolbar)
    assert scripts and all('src="/_debug_toolbar/' in attributes for attributes in scripts)
    setup = dev_client.get("/_debug_toolbar/setup.js")
    assert setup.mimetype == "text/javascript"
    assert setup.get_data(as_text=True) == (
        'var DEBUG_TOOLBAR_STATIC_PATH = "/_debug_toolbar/static/";\n'
    )


SQL_LINK = re.compile(r'href="(/_debug_toolbar/views/sqlalchemy/sql_(?:select|explain)\?[^"]+)"')


@pytest.mark.parametrize("method", ["get", "post"])  # its script loads them with a POST
def test_sql_panel_select_and_explain_links_work(dev_client, method):
    from datetime import datetime

    from backoffice.extensions import db
    from backoffice.models import Post

    db.session.add(Post(title="Shown twice", slug="shown-twice", status="published",
                        published_at=datetime(2026, 1, 1)))  # fmt: skip
    db.session.commit()
    home = dev_client.get("/").get_data(as_text=True)
    found = [html.unescape(url) for url in SQL_LINK.findall(home)]
    # The first query with parameters is the list of published posts.
    links = {url.split("?")[0].rsplit("_")[-1]: url for url in reversed(found)}
    assert set(links) == {"select", "explain"}
    select = getattr(dev_client, method)(links["select"])
    assert select.status_code == 200
    assert "SQL Details" in select.get_data(as_text=True)
    assert "<td>Shown twice</td>" in select.get_data(as_text=True)  # the row, run again
    explain = getattr(dev_client, method)(links["explain"])
    assert explain.status_code == 200
    assert re.search(r"<td>(SCAN|SEARCH) posts", explain.get_data(as_text=True))  # SQLite's plan


def test_sql_panel_runs_nothing_but_signed_selects(dev_client):
    from itsdangerous import URLSafeSerializer

    forged = URLSafeSerializer("not-the-key", salt="fdt-sql-query").dumps(["SELECT 1", [[]]])
    url = f"/_debug_toolbar/views/sqlalchemy/sql_select?query={forged}&duration=0"
    assert dev_client.get(url).status_code == 406


def test_config_panel_shows_no_secret(dev_client, tmp_path):
    page = dev_client.get("/login").get_data(as_text=True)
    key = (tmp_path / "instance" / "dev-secret-key").read_text().strip()
    assert key not in page
    assert re.search(r"<td>SECRET_KEY</td>\s*<td><code>&lt;hidden&gt;</code>", page)


@pytest.mark.parametrize(
    ("key", "value", "shown"),
    [("SECRET_KEY", "s3cr3t", "<hidden>"), ("WTF_CSRF_SECRET_KEY", "s3cr3t", "<hidden>"),
     ("MAIL_PASSWORD", "s3cr3t", "<hidden>"), ("SECRET_KEY", None, "None"),
     ("SQLALCHEMY_DATABASE_URI", "postgresql+psycopg://bo:s3cr3t@db/bo",
      "'postgresql+psycopg://bo:***@db/bo'"),
     ("DEBUG_TB_HOSTS", ("127.0.0.1",), "('127.0.0.1',)")],
)  # fmt: skip
def test_config_values_are_shown_without_secrets(key, value, shown):
    assert repr(redact(value, key)) == shown


@pytest.mark.browser
def test_toolbar_opens_and_runs_its_sql_links_in_chromium_under_the_site_policy(browser, tmp_path):
    # browser_tab fails the test on any Content-Security-Policy refusal.
    from datetime import datetime

    from helpers.browser import browser_tab

    from backoffice.extensions import db
    from backoffice.models import Post
    from backoffice.web.serving import serving

    app = dev_app(tmp_path)
    with app.app_context():
        db.create_all()
        db.session.add(Post(title="Shown twice", slug="shown-twice", status="published",
                            published_at=datetime(2026, 1, 1)))  # fmt: skip
        db.session.commit()
    with serving(app) as base, browser_tab(browser) as page:
        page.goto(f"{base}/")
        page.locator("#flDebugToolbarHandle").wait_for(state="visible")  # collapsed
        assert page.locator("#flDebugToolbar").is_hidden()
        page.click("#flDebugShowToolBarButton")
        page.click("#flDebugToolbar a.flDebugSQLAlchemyPanel")
        page.locator("#flDebugSQLAlchemyPanel-content a.flDebugRemoteCall").first.click()
        details = page.locator("#flDebugWindow")
        details.get_by_text("Shown twice").wait_for()
        assert "SQL Details" in details.inner_text()
        page.reload()  # opened once, it stays open
        page.locator("#flDebugToolbar").wait_for(state="visible")
        assert page.locator("#flDebugToolbarHandle").is_hidden()
