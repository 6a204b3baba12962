"""Compressed responses (backoffice/web/compression.py): pages the site itself asks for, and
static files compressed once, at build time. The served side of the built files is tested on
a fresh clone under gunicorn (tests/test_deploy.py)."""

from __future__ import annotations

import gzip
import re

import brotli
import pytest

from backoffice.web import compression
from backoffice.web.compression import ADMIN_COPY, precompress

DECOMPRESS = {"br": brotli.decompress, "gzip": gzip.decompress}
TOKEN = re.compile(rb'value="[^"]*"')  # CSRF tokens carry the second they were made


@pytest.mark.parametrize("encoding", ["br", "gzip"])
@pytest.mark.parametrize("site", ["same-origin", "none"])
def test_a_page_the_site_or_the_reader_asks_for_comes_compressed(client, login_as, encoding,
                                                                  site):  # fmt: skip
    login_as("editor")
    headers = {"Sec-Fetch-Site": site}
    sent = client.get("/admin/posts/", headers={**headers, "Accept-Encoding": encoding})
    plain = client.get("/admin/posts/", headers=headers)
    assert sent.headers["Content-Encoding"] == encoding
    assert {"Accept-Encoding", "Sec-Fetch-Site"} <= set(sent.headers["Vary"].split(", "))
    page = DECOMPRESS[encoding](sent.data)
    assert TOKEN.sub(b"", page) == TOKEN.sub(b"", plain.data)
    assert len(sent.data) < len(page) / 3


@pytest.mark.parametrize("site", ["cross-site", "same-site", None])
def test_a_page_another_site_may_have_asked_for_is_sent_as_it_is(client, login_as, site):
    # Compressed, its size would tell that site about the CSRF token beside its search (BREACH).
    login_as("editor")
    headers = {"Accept-Encoding": "br, gzip"} | ({"Sec-Fetch-Site": site} if site else {})
    sent = client.get("/admin/posts/?search=csrf_token", headers=headers)
    assert sent.status_code == 200
    assert "Content-Encoding" not in sent.headers
    assert b"<h1" in sent.data


def test_answers_that_are_not_text_are_not_compressed(client):
    sent = client.get(
        "/static/img/favicon.svg",
        headers={"Accept-Encoding": "br, gzip", "Sec-Fetch-Site": "same-origin"},
    )
    assert sent.status_code == 200 and "Content-Encoding" not in sent.headers  # not built


def test_the_build_writes_smaller_copies_beside_the_bundles_and_flask_admins_files(
    tmp_path, monkeypatch
):
    # A small stand-in for Flask-Admin's static folder (the real one: tests/test_deploy.py).
    package = tmp_path / "flask_admin_static"
    names = ("vendor/jquery.min.js", "vendor/jquery.min.map", "vendor/leaflet/leaflet.js",
             "bootstrap/bootstrap3/css/theme.css", "img/x.png")  # fmt: skip
    for name in names:
        (package / name).parent.mkdir(parents=True, exist_ok=True)
        (package / name).write_text("function jQuery() { return 1; }\n" * 300)
    monkeypatch.setattr(compression, "ADMIN_STATIC", package)
    static = tmp_path / "static"
    bundle = static / "gen" / "app.1234abcd.css"
    bundle.parent.mkdir(parents=True)
    bundle.write_text("body { color: #c25e00; }\n" * 400)

    assert precompress(static, [bundle]) == 4  # .br and .gz of the bundle and of jQuery
    jquery = static / ADMIN_COPY / "vendor" / "jquery.min.js"
    for path in (bundle, jquery):
        for suffix, decompress in ((".br", brotli.decompress), (".gz", gzip.decompress)):
            packed = path.with_name(path.name + suffix).read_bytes()
            assert decompress(packed) == path.read_bytes() and len(packed) < 300
    assert jquery.read_bytes() == (package / "vendor" / "jquery.min.js").read_bytes()
    assert not (static / ADMIN_COPY / "bootstrap").exists()  # a theme no page uses
    assert not (static / ADMIN_COPY / "img").exists()  # images are sent as they are
    assert not (static / ADMIN_COPY / "vendor" / "leaflet").exists()  # no map fields here
    assert not (static / ADMIN_COPY / "vendor" / "jquery.min.map").exists()  # for devtools
    # Built again (an upgrade of Flask-Admin): the copy is made afresh, nothing old stays.
    stale = static / ADMIN_COPY / "vendor" / "gone.js"
    stale.write_text("old")
    precompress(static, [bundle])
    assert not stale.exists()
