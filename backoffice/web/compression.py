"""Responses sent compressed by the app itself, so that it holds with no proxy in front.

**Static files** (``/static/`` and Flask-Admin's ``/admin/static/``) are served by WhiteNoise.
``flask assets build`` (:func:`precompress`) writes a Brotli (``.br``) and a gzip (``.gz``) file
beside each built bundle, and beside a copy of Flask-Admin's text files in
``static/gen/flask-admin/``; WhiteNoise sends the smallest one the client accepts. Nothing is
compressed per request. Files without a compressed copy (a development build, images) are sent
as they are, and anything WhiteNoise does not hold falls through to Flask's own static views.

**Pages** are compressed by Flask-Compress (Brotli, else gzip), but only for requests that the
browser says come from the site itself or from the reader (``Sec-Fetch-Site: same-origin`` or
``none``). A page holds a secret (its CSRF token) beside text a request can put there (a
search); if the responses to requests another site makes the browser send were compressed,
that site could learn the secret from their sizes (BREACH). Those responses, and those to
clients that do not send the header, go uncompressed.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import brotli
import flask_admin
from flask import Flask, Response, request
from flask_compress import Compress
from whitenoise import WhiteNoise
from whitenoise.compress import Compressor

from backoffice.security import SECURITY_HEADERS
from backoffice.web.assets import IMMUTABLE, UNVERSIONED

#: Where ``flask assets build`` copies Flask-Admin's text files (under the static folder).
ADMIN_COPY = Path("gen", "flask-admin")
ADMIN_STATIC = Path(flask_admin.__file__).parent / "static"
#: What pages load. Source maps are left out: only a browser's developer tools ask for them,
#: and they were a third of the build's compression time.
TEXT = (".css", ".js", ".svg", ".json", ".txt")
#: Parts of Flask-Admin's static files no page of ours names (other themes, Font Awesome 5,
#: the map widgets of geographic fields, which no model of ours has), or only browsers from
#: before WOFF (the icon font as SVG): Flask serves them if asked.
ADMIN_UNUSED = (
    "bootstrap/bootstrap2/",
    "bootstrap/bootstrap3/",
    "bootstrap/bootstrap4/swatch/",
    "bootstrap/bootstrap4/fonts/",
    "vendor/fontawesome-free-5.1.0-web/",
    "vendor/leaflet/",
)
#: A file whose name carries its content hash (``fontawesome-subset.0b6b6300.woff2``).
HASHED_NAME = re.compile(r"\.[0-9a-f]{8,}\.\w+$")
#: ``Sec-Fetch-Site`` values of requests no other site made the browser send.
OWN_REQUESTS = frozenset({"same-origin", "none"})

compress = Compress()


class BuildCompressor(Compressor):
    """WhiteNoise's compressor, with Brotli's best quality (11) for files under a megabyte and
    quality 9 above: 11 costs seconds per megabyte (the editor's bundle), 9 is 10 % larger."""

    @staticmethod
    def compress_brotli(data: bytes) -> bytes:
        return brotli.compress(data, quality=11 if len(data) < 1_000_000 else 9)


def init_app(app: Flask) -> None:
    """Compress pages (see the module docstring) and serve static files through WhiteNoise."""
    app.config.setdefault("COMPRESS_REGISTER", False)  # our hook decides (BREACH)
    app.config.setdefault("COMPRESS_ALGORITHM", ["br", "gzip"])
    app.config.setdefault("COMPRESS_BR_LEVEL", 5)
    app.config.setdefault("COMPRESS_STREAMS", False)  # downloads stream as they are made
    app.config.setdefault(
        "COMPRESS_MIMETYPES", ["text/html", "application/json", "text/plain", "text/csv"]
    )
    compress.init_app(app)
    app.after_request(_compress_own_requests)

    static = WhiteNoise(
        app.wsgi_app,
        # Bundles built on the fly (development, tests) appear after start-up.
        autorefresh=bool(app.config.get("ASSETS_AUTO_BUILD")),
        add_headers_function=_static_headers,
    )
    folder = Path(app.static_folder or "")
    static.add_files(str(folder), prefix=app.static_url_path)
    if (folder / ADMIN_COPY).is_dir():
        static.add_files(str(folder / ADMIN_COPY), prefix="/admin/static/")
    app.wsgi_app = static  # type: ignore[method-assign]


def _compress_own_requests(response: Response) -> Response:
    response.vary.add("Sec-Fetch-Site")
    if request.headers.get("Sec-Fetch-Site") in OWN_REQUESTS:
        return compress.after_request(response)
    return response


def _static_headers(headers: dict, path: str, url: str) -> None:
    # Bundles carry a content hash in their names, Flask-Admin's scripts and stylesheets one in
    # their URLs (backoffice.web.assets.admin_static_url); other files are asked again.
    if (
        url.startswith("/static/gen/")
        or HASHED_NAME.search(url)
        or (url.startswith("/admin/static/") and url.endswith((".css", ".js")))
    ):
        headers["Cache-Control"] = IMMUTABLE
    elif url.startswith("/admin/static/"):
        headers["Cache-Control"] = UNVERSIONED
    else:
        headers["Cache-Control"] = "no-cache"
    for name, value in SECURITY_HEADERS.items():  # as Flask's static views send them
        headers.setdefault(name, value)


def precompress(static_folder: Path, built: list[Path]) -> int:
    """Copy Flask-Admin's text files into ``static/gen/flask-admin/`` and write a ``.br`` and a
    ``.gz`` beside each of them and each ``built`` bundle; the number of files written."""
    copy = static_folder / ADMIN_COPY
    if copy.exists():
        shutil.rmtree(copy)
    copied = []
    for source in _text_files(ADMIN_STATIC):
        name = source.relative_to(ADMIN_STATIC).as_posix()
        if name.startswith(ADMIN_UNUSED):
            continue
        target = copy / name
        target.parent.mkdir(parents=True, exist_ok=True)
        copied.append(Path(shutil.copy2(source, target)))
    compressor = BuildCompressor(quiet=True)
    return sum(
        len(list(compressor.compress(str(path))))
        for path in [*copied, *built]
        if path.suffix in TEXT
    )


def _text_files(folder: Path) -> Iterator[Path]:
    return (p for p in sorted(folder.rglob("*")) if p.is_file() and p.suffix in TEXT)
