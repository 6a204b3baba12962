"""How the app is reached: HSTS when served over HTTPS, the client address behind trusted
proxies (the throttles count per address)."""

from __future__ import annotations

import pytest

from backoffice import create_app
from backoffice.security.throttle import client_address

HSTS = "Strict-Transport-Security"


def production(**overrides: object):
    """A production app that needs no built bundles (nothing here renders a page)."""
    settings = {
        "SECRET_KEY": "x" * 40,
        "SQLALCHEMY_DATABASE_URI": "sqlite://",
        "REQUIRE_BUILT_FILES": False,
        **overrides,
    }
    app = create_app("production", **settings)
    app.add_url_rule("/probe", "probe", lambda: client_address())
    return app


def test_production_over_https_tells_browsers_to_use_only_https():
    app = production(PREFERRED_URL_SCHEME="https")
    response = app.test_client().get("/probe")
    assert response.headers[HSTS] == "max-age=31536000"


def test_the_hsts_max_age_is_a_setting():
    app = production(PREFERRED_URL_SCHEME="https", HSTS_MAX_AGE="600")
    assert app.test_client().get("/probe").headers[HSTS] == "max-age=600"


@pytest.mark.parametrize(
    "overrides",
    [{}, {"PREFERRED_URL_SCHEME": "http"}, {"PREFERRED_URL_SCHEME": "https", "HSTS_MAX_AGE": 0}],
)
def test_no_hsts_unless_told_the_site_is_served_over_https(overrides):
    app = production(**overrides)
    assert HSTS not in app.test_client().get("/probe").headers


def test_development_never_sends_hsts_by_default(tmp_path):
    app = create_app(
        "development",
        SECRET_KEY="x" * 40,
        SQLALCHEMY_DATABASE_URI="sqlite://",
        UPLOADS_DIR=str(tmp_path / "uploads"),
    )
    app.add_url_rule("/probe", "probe", lambda: "ok")
    assert HSTS not in app.test_client().get("/probe").headers


@pytest.mark.parametrize(
    ("name", "value"),
    [("TRUSTED_PROXIES", "-1"), ("TRUSTED_PROXIES", "one"), ("TRUSTED_PROXIES", "1.5"),
     ("HSTS_MAX_AGE", "a year"), ("PREFERRED_URL_SCHEME", "ftp")],
)  # fmt: skip
def test_a_bad_setting_stops_the_app_with_its_name(name, value):
    with pytest.raises(RuntimeError, match=name):
        production(**{name: value})


def address_seen(app, remote: str, forwarded: str | None = None) -> str:
    headers = {"X-Forwarded-For": forwarded} if forwarded else {}
    client = app.test_client()
    return client.get("/probe", headers=headers, environ_base={"REMOTE_ADDR": remote}).text


def test_without_trusted_proxies_a_forwarded_address_is_ignored():
    app = production()
    assert address_seen(app, "203.0.113.9", forwarded="198.51.100.7") == "203.0.113.9"


def test_behind_one_trusted_proxy_the_client_is_the_address_it_forwarded():
    app = production(TRUSTED_PROXIES="1")
    assert address_seen(app, "10.0.0.2", forwarded="198.51.100.7") == "198.51.100.7"
    # A client's own X-Forwarded-For entry is not believed: only the proxy's last one.
    spoofed = address_seen(app, "10.0.0.2", forwarded="1.2.3.4, 198.51.100.7")
    assert spoofed == "198.51.100.7"


@pytest.mark.parametrize(
    ("remote", "counted"),
    [("2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64"), ("2001:db8:1:2::ffff", "2001:db8:1:2::/64"),
     ("::ffff:203.0.113.9", "203.0.113.9"), ("203.0.113.9", "203.0.113.9")],
)  # fmt: skip
def test_an_ipv6_client_counts_as_its_64_network(remote, counted):
    assert address_seen(production(), remote) == counted
