"""The media library's folder, its public read-only route and how its files are served.

The admin view (``backoffice/admin/media.py``) manages the files; posts link to them under
``/media/<path>``. Both go through one resolver (:mod:`backoffice.media.paths`) and one
set of upload rules (:mod:`backoffice.media.files`).
"""

from __future__ import annotations

import os
from pathlib import Path

from flask import Blueprint, Flask, abort, send_file
from werkzeug.wrappers import Response

from backoffice.media.files import DEFAULT_MAX_UPLOAD_BYTES, content_type
from backoffice.media.paths import resolve

bp = Blueprint("media_files", __name__)

# Images never need to run anything. PDFs get no ``sandbox``: Chrome refuses to start its
# PDF viewer in a sandboxed document (and drops the response's CSP for the viewer anyway).
IMAGE_CSP = "default-src 'none'; sandbox"
PDF_CSP = "default-src 'none'"


@bp.route("/media/<path:filename>")
def serve(filename: str) -> Response:
    """A stored image or PDF, for anyone (post bodies link here); 404 for everything else."""
    path = resolve(filename)
    if path is None or content_type(path) is None:
        abort(404)
    return send_media(path)


def send_media(path: str) -> Response:
    """Send the stored file ``path`` (already resolved) with headers that stop browsers from
    running it: accepted types inline with their own content type, anything else as a download.
    """
    if not os.path.isfile(path):
        abort(404)
    mimetype = content_type(path)
    if mimetype is None:
        response = send_file(path, mimetype="application/octet-stream", as_attachment=True)
    else:
        response = send_file(path, mimetype=mimetype)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = (
        PDF_CSP if mimetype == "application/pdf" else IMAGE_CSP
    )
    return response


def init_app(app: Flask) -> None:
    """Check the media settings, create the uploads folder and register ``/media/``."""
    uploads = Path(os.path.realpath(app.config["UPLOADS_DIR"]))
    _refuse_unsafe_folder(app, uploads)
    uploads.mkdir(parents=True, exist_ok=True)
    limit = _size_limit(app.config.get("MEDIA_MAX_UPLOAD_BYTES"))
    app.config["MEDIA_MAX_UPLOAD_BYTES"] = limit
    # Requests carry a little more than the file (form fields, multipart boundaries).
    body_limit = app.config.get("MAX_CONTENT_LENGTH")
    if body_limit is not None and body_limit < limit + 64 * 1024:
        app.config["MAX_CONTENT_LENGTH"] = limit + 64 * 1024
    app.register_blueprint(bp)


def _size_limit(value: object) -> int:
    if value in (None, ""):
        return DEFAULT_MAX_UPLOAD_BYTES
    try:
        limit = int(value)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        limit = 0
    if limit <= 0:
        raise RuntimeError(
            f"MEDIA_MAX_UPLOAD_BYTES={value!r} is not a positive number of bytes "
            f"(default {DEFAULT_MAX_UPLOAD_BYTES})."
        )
    return limit


def _refuse_unsafe_folder(app: Flask, uploads: Path) -> None:
    """The uploads folder must not hold or sit in the code, templates, static files or the
    instance folder (the SQLite database): its files are listed, downloaded and deleted."""
    root = Path(app.root_path).parent
    code = [root / name for name in ("backoffice", "templates", "static", "migrations")]
    code += [root / "translations", Path(app.static_folder or root / "static")]
    protected = [Path(os.path.realpath(path)) for path in code]
    instance = Path(os.path.realpath(app.instance_path))
    for folder in [*protected, instance, Path(os.path.realpath(root))]:
        if folder == uploads or uploads in folder.parents:
            raise RuntimeError(f"UPLOADS_DIR={uploads} contains the application's {folder}.")
    for folder in protected:
        if folder in uploads.parents:
            raise RuntimeError(f"UPLOADS_DIR={uploads} lies inside the application's {folder}.")
