"""The media library's storage, its public read-only route and how its files are served.

The admin view (``backoffice/admin/media.py``) manages the files; posts link to them under
``/media/<path>``. Both go through one storage (:mod:`backoffice.media.storage`: the local
``UPLOADS_DIR`` folder, or an S3-compatible bucket with ``MEDIA_STORAGE=s3``), one resolver
(:mod:`backoffice.media.paths`) and one set of rules (:mod:`backoffice.media.files`).
"""

from __future__ import annotations

import os
from pathlib import Path

from flask import Blueprint, Flask, abort, current_app
from werkzeug.wrappers import Response

from backoffice.media.files import DEFAULT_MAX_UPLOAD_BYTES, content_type
from backoffice.media.storage import LocalStorage, MediaStorage

bp = Blueprint("media_files", __name__)
STORAGES = ("local", "s3")


@bp.route("/media/<path:filename>")
def serve(filename: str) -> Response:
    """A stored image or PDF, for anyone (post bodies link here); 404 for everything else."""
    storage = current_storage()
    key = storage.resolve(filename)
    if key is None or content_type(key) is None:
        abort(404)
    return storage.send_file(key)


def current_storage() -> MediaStorage:
    """The current app's media storage."""
    return storage_of(current_app)


def storage_of(app: Flask) -> MediaStorage:
    """``app``'s media storage (made by :func:`init_app`)."""
    return app.extensions["media_storage"]


def init_app(app: Flask) -> None:
    """Check the media settings, open the storage and register ``/media/``."""
    limit = _size_limit(app.config.get("MEDIA_MAX_UPLOAD_BYTES"))
    app.config["MEDIA_MAX_UPLOAD_BYTES"] = limit
    # Requests carry a little more than the file (form fields, multipart boundaries).
    body_limit = app.config.get("MAX_CONTENT_LENGTH")
    if body_limit is not None and body_limit < limit + 64 * 1024:
        app.config["MAX_CONTENT_LENGTH"] = limit + 64 * 1024
    app.extensions["media_storage"] = _open_storage(app)
    app.register_blueprint(bp)


def _open_storage(app: Flask) -> MediaStorage:
    kind = str(app.config.get("MEDIA_STORAGE") or "local").strip().lower()
    if kind == "s3":
        from backoffice.media.s3 import connect  # boto3 is imported only when it is used

        return connect(app)
    if kind != "local":
        raise RuntimeError(
            f"Refusing to start: MEDIA_STORAGE={kind!r} is unknown; choose {' or '.join(STORAGES)}."
        )
    uploads = Path(os.path.realpath(app.config["UPLOADS_DIR"]))
    _refuse_unsafe_folder(app, uploads)
    uploads.mkdir(parents=True, exist_ok=True)
    return LocalStorage(str(app.config["UPLOADS_DIR"]))


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
