"""What the media library accepts, and how files get in and change: allow-listed types, checked
content, a size limit, safe names, nothing ever replaced. The same rules for every storage
backend (:mod:`backoffice.media.storage`): they only store."""

from __future__ import annotations

import heapq
import logging
import os
import posixpath
import tempfile
from collections.abc import Collection, Iterator
from typing import IO, TYPE_CHECKING

from babel.units import format_unit
from flask import current_app
from flask_babel import get_locale
from flask_babel import gettext as _
from werkzeug.utils import secure_filename

from backoffice.media.paths import clean_key

if TYPE_CHECKING:
    from backoffice.media.storage import MediaStorage

log = logging.getLogger(__name__)

#: Accepted extension -> the content type it is served with. Nothing that a browser would run
#: (HTML, SVG, JS) is listed.
ALLOWED_TYPES: dict[str, str] = {
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "png": "image/png",
    "gif": "image/gif",
    "webp": "image/webp",
    "pdf": "application/pdf",
}
IMAGE_EXTENSIONS: frozenset[str] = frozenset(
    ext for ext, mime in ALLOWED_TYPES.items() if mime.startswith("image/")
)
DEFAULT_MAX_UPLOAD_BYTES = 10 * 1024 * 1024
_HEAD_BYTES = 16
_CHUNK = 64 * 1024
_SPOOL_IN_MEMORY = 1024 * 1024
_MAX_STEM = 100
_MAX_NAME_ATTEMPTS = 1000


class MediaError(Exception):
    """A refused media operation; ``str()`` is the translated message for the user."""


def extension(filename: str) -> str:
    """The final extension of ``filename``, lower-case, without the dot ("" if none)."""
    return os.path.splitext(filename)[1].lower().lstrip(".")


def content_type(filename: str) -> str | None:
    """The content type an accepted file is served with, or None if the name is not accepted."""
    return ALLOWED_TYPES.get(extension(filename))


def sniff(head: bytes) -> str | None:
    """The content type announced by a file's first bytes (its magic number), if accepted."""
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "image/gif"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    return None


def human_size(size: int) -> str:
    """``size`` bytes in the reader's language, e.g. "10 MB"."""
    for unit, factor in (("megabyte", 1024**2), ("kilobyte", 1024)):
        if size >= factor:
            value = round(size / factor, 1)
            return format_unit(
                int(value) if value.is_integer() else value,
                f"digital-{unit}",
                length="short",
                locale=get_locale(),
            )
    return format_unit(size, "digital-byte", length="short", locale=get_locale())


def max_upload_bytes() -> int:
    """The configured size limit of one upload."""
    return current_app.config["MEDIA_MAX_UPLOAD_BYTES"]


def describe_types(allowed: Collection[str]) -> str:
    """The accepted extensions as shown to users: "JPG, JPEG, PNG…"."""
    return ", ".join(ext.upper() for ext in ALLOWED_TYPES if ext in allowed)


def check_name(filename: str, allowed: Collection[str]) -> str:
    """The accepted extension of an uploaded file's name; raise MediaError if it is refused."""
    if not filename:
        raise MediaError(_("Choose a file to upload."))
    ext = extension(filename)
    if ext not in allowed:
        raise MediaError(
            _(
                "“%(name)s” is not an accepted file type. Accepted types: %(types)s.",
                name=filename,
                types=describe_types(allowed),
            )
        )
    return ext


def safe_stem(filename: str) -> str:
    """A safe base name for a stored file; "upload" when nothing usable is left."""
    base = filename.replace("\\", "/").rsplit("/", 1)[-1]
    stem = secure_filename(os.path.splitext(base)[0])[:_MAX_STEM].strip("._")
    return stem or "upload"


def save_upload(
    storage: MediaStorage, upload: object, folder: str, allowed: Collection[str]
) -> str:
    """Store an uploaded file (a Werkzeug ``FileStorage``) in the folder ``folder`` (a key; ""
    is the top) of ``storage``; return the stored name.

    The name's extension must be allowed and the content must start with that type's magic
    bytes, so an HTML page renamed to ``.png`` is refused. The content is streamed to the
    storage in chunks, never read whole into memory. An existing file is never replaced: the
    storage takes the first free name of ``photo.png``, ``photo-1.png``, … (on the local
    folder a complete temporary file is linked into place; on S3 a conditional put).
    """
    filename = getattr(upload, "filename", None) or ""
    stream: IO[bytes] | None = getattr(upload, "stream", None)
    ext = check_name(filename, allowed)
    if stream is None:
        raise MediaError(_("Choose a file to upload."))
    if not storage.is_dir(folder):
        raise MediaError(_("This folder does not exist in the media library."))
    body, size = _sized_body(stream, filename)
    try:
        head = body.read(_HEAD_BYTES)
        if sniff(head) != ALLOWED_TYPES[ext]:
            raise MediaError(
                _(
                    "The content of “%(name)s” is not a %(type)s file.",
                    name=filename,
                    type=ext.upper(),
                )
            )
        body.seek(0)
        stored = storage.put_new(folder, safe_stem(filename), ext, body, size, ALLOWED_TYPES[ext])
    except OSError:
        log.exception("could not store an upload in %r", folder)
        raise MediaError(_("The file could not be saved. Please try again.")) from None
    finally:
        if body is not stream:
            body.close()
    if stored is None:
        raise MediaError(_("Too many files with this name; rename the file and try again."))
    return stored


def _sized_body(stream: IO[bytes], filename: str) -> tuple[IO[bytes], int]:
    """``stream`` at its start with its size, if it is within the limit.

    Werkzeug spools uploads to a temporary file (small ones to memory), so the size is one
    seek away. Anything else is copied, chunk by chunk, into a temporary file of our own.
    """
    limit = max_upload_bytes()
    too_large = MediaError(
        _(
            "“%(name)s” is larger than the limit of %(limit)s.",
            name=filename,
            limit=human_size(limit),
        )
    )
    if _seekable(stream) and stream.tell() == 0:
        size = stream.seek(0, os.SEEK_END)
        stream.seek(0)
        if size > limit:
            raise too_large
        return stream, size
    spool: IO[bytes] = tempfile.SpooledTemporaryFile(max_size=_SPOOL_IN_MEMORY)
    size = 0
    while data := stream.read(_CHUNK):
        size += len(data)
        if size > limit:
            spool.close()
            raise too_large
        spool.write(data)
    spool.seek(0)
    return spool, size


def _seekable(stream: IO[bytes]) -> bool:
    try:
        return stream.seekable()
    except (AttributeError, OSError, ValueError):
        return False


def candidate_names(stem: str, ext: str) -> Iterator[str]:
    """The names an upload may get, in order: ``photo.png``, ``photo-1.png``, …"""
    yield f"{stem}.{ext}"
    for number in range(1, _MAX_NAME_ATTEMPTS):
        yield f"{stem}-{number}.{ext}"


def check_new_name(name: str) -> str:
    """``name`` if it is a plain, safe file or folder name; raise MediaError otherwise."""
    if not name or secure_filename(name) != name or len(name) > _MAX_STEM + 10:
        raise MediaError(
            _("Use only Latin letters, digits, dots, dashes and underscores (no leading dot).")
        )
    return name


def rename_entry(storage: MediaStorage, key: str, new_name: str) -> None:
    """Rename the file or folder ``key`` within its folder.

    Files keep an accepted type that matches their content (``photo.png`` cannot become
    ``photo.html``); nothing is ever replaced.
    """
    check_new_name(new_name)
    target = posixpath.join(posixpath.dirname(key), new_name)
    exists = MediaError(_("“%(name)s” already exists.", name=new_name))
    if storage.path_exists(target):
        raise exists
    try:
        if not storage.is_dir(key):
            wanted = content_type(new_name)
            if wanted is None or wanted != sniff(storage.read_head(key, _HEAD_BYTES)):
                raise MediaError(
                    _(
                        "A file keeps its type: “%(name)s” needs an extension that matches "
                        "its content (accepted types: %(types)s).",
                        name=new_name,
                        types=describe_types(ALLOWED_TYPES),
                    )
                )
        storage.move(key, target)
    except FileExistsError:
        raise exists from None
    except OSError:
        log.exception("could not rename %r", key)
        raise MediaError(_("“%(name)s” could not be renamed.", name=new_name)) from None


def make_folder(storage: MediaStorage, parent: str, name: str) -> None:
    """Create the folder ``name`` inside the folder ``parent`` (a key; "" is the top)."""
    check_new_name(name)
    try:
        storage.create_folder(posixpath.join(parent, name))
    except FileExistsError:
        raise MediaError(_("“%(name)s” already exists.", name=name)) from None
    except OSError:
        log.exception("could not create folder %r in %r", name, parent)
        raise MediaError(_("The folder “%(name)s” could not be created.", name=name)) from None


def delete_file(storage: MediaStorage, key: str) -> None:
    """Delete the file ``key``; folders have their own button (:func:`delete_folder`)."""
    try:
        storage.remove_file(key)
    except IsADirectoryError:
        raise MediaError(_("Folders are deleted with their own delete button.")) from None
    except OSError:
        log.exception("could not delete %r", key)
        name = posixpath.basename(key)
        raise MediaError(_("“%(name)s” could not be deleted.", name=name)) from None


def delete_folder(storage: MediaStorage, key: str) -> None:
    """Delete the folder ``key`` with everything in it (never the top folder)."""
    if not key:
        raise MediaError(_("There is no such file or folder in the media library."))
    try:
        storage.remove_folder(key)
    except OSError:
        log.exception("could not delete the folder %r", key)
        name = posixpath.basename(key)
        raise MediaError(_("“%(name)s” could not be deleted.", name=name)) from None


def is_hidden(key: str) -> bool:
    """True for keys with a component that starts with a dot (temporary uploads, ``.git``)."""
    return any(part.startswith(".") for part in key.split("/"))


def list_images(storage: MediaStorage, limit: int) -> list[str]:
    """Keys of the newest ``limit`` images in the media library (any depth)."""
    found = (
        (modified, key)
        for key, modified in storage.iter_files()
        if extension(key) in IMAGE_EXTENSIONS and not is_hidden(key) and clean_key(key) == key
    )
    return [key for _, key in heapq.nlargest(limit, found)]
