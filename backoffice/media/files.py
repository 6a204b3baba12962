"""What the media library accepts, and how files get in: allow-listed types, checked content,
a size limit, safe names, atomic writes that never overwrite."""

from __future__ import annotations

import errno
import heapq
import logging
import os
import tempfile
from collections.abc import Collection, Iterator
from typing import IO

from babel.units import format_unit
from flask import current_app
from flask_babel import get_locale
from flask_babel import gettext as _
from werkzeug.utils import secure_filename

from backoffice.media.paths import is_inside, uploads_root

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


def sniff_file(path: str) -> str | None:
    """:func:`sniff` applied to a stored file."""
    with open(path, "rb") as handle:
        return sniff(handle.read(_HEAD_BYTES))


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


def save_upload(upload: object, directory: str, allowed: Collection[str]) -> str:
    """Store an uploaded file (a Werkzeug ``FileStorage``) in ``directory``; return its name.

    The name's extension must be allowed and the content must start with that type's magic
    bytes, so an HTML page renamed to ``.png`` is refused. The file is written to a temporary
    file in the same folder and linked into place only when complete: no half-written file is
    ever visible, and an existing file is never overwritten — a free name (``photo-1.png``)
    is picked instead.
    """
    filename = getattr(upload, "filename", None) or ""
    stream: IO[bytes] | None = getattr(upload, "stream", None)
    ext = check_name(filename, allowed)
    if stream is None:
        raise MediaError(_("Choose a file to upload."))
    if not os.path.isdir(directory) or not is_inside(uploads_root(), directory):
        raise MediaError(_("This folder does not exist in the media library."))
    head = stream.read(_HEAD_BYTES)
    if sniff(head) != ALLOWED_TYPES[ext]:
        raise MediaError(
            _(
                "The content of “%(name)s” is not a %(type)s file.",
                name=filename,
                type=ext.upper(),
            )
        )
    limit = max_upload_bytes()
    fd, temp_path = tempfile.mkstemp(dir=directory, prefix=".upload-", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as out:
            size, data = 0, head
            while data:
                size += len(data)
                if size > limit:
                    raise MediaError(
                        _(
                            "“%(name)s” is larger than the limit of %(limit)s.",
                            name=filename,
                            limit=human_size(limit),
                        )
                    )
                out.write(data)
                data = stream.read(_CHUNK)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temp_path, 0o644)  # mkstemp creates 0600; the web server may serve these
        return _publish(temp_path, directory, safe_stem(filename), ext)
    except OSError:
        log.exception("could not store an upload in %s", directory)
        raise MediaError(_("The file could not be saved. Please try again.")) from None
    finally:
        _remove_quietly(temp_path)


def _publish(temp_path: str, directory: str, stem: str, ext: str) -> str:
    """Give the complete temporary file its final, free name (never replacing a file)."""
    for name in _candidate_names(stem, ext):
        target = os.path.join(directory, name)
        try:
            os.link(temp_path, target)  # atomic, and fails if the name is taken
        except FileExistsError:
            continue
        except OSError as error:
            if error.errno not in (errno.EPERM, errno.EOPNOTSUPP, errno.ENOTSUP):
                raise
            # A filesystem without hard links: rename instead (a tiny race, but still atomic).
            if os.path.lexists(target):
                continue
            os.replace(temp_path, target)
        return name
    raise MediaError(_("Too many files with this name; rename the file and try again."))


def _candidate_names(stem: str, ext: str) -> Iterator[str]:
    yield f"{stem}.{ext}"
    for number in range(1, _MAX_NAME_ATTEMPTS):
        yield f"{stem}-{number}.{ext}"


def _remove_quietly(path: str) -> None:
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass


def check_new_name(name: str) -> str:
    """``name`` if it is a plain, safe file or folder name; raise MediaError otherwise."""
    if not name or secure_filename(name) != name or len(name) > _MAX_STEM + 10:
        raise MediaError(
            _("Use only Latin letters, digits, dots, dashes and underscores (no leading dot).")
        )
    return name


def rename_entry(source: str, new_name: str) -> None:
    """Rename a file or folder within its folder.

    Files keep an accepted type that matches their content (``photo.png`` cannot become
    ``photo.html``); nothing is ever replaced.
    """
    check_new_name(new_name)
    target = os.path.join(os.path.dirname(source), new_name)
    if os.path.lexists(target):
        raise MediaError(_("“%(name)s” already exists.", name=new_name))
    if not os.path.isdir(source):
        wanted = content_type(new_name)
        if wanted is None or wanted != sniff_file(source):
            raise MediaError(
                _(
                    "A file keeps its type: “%(name)s” needs an extension that matches its "
                    "content (accepted types: %(types)s).",
                    name=new_name,
                    types=describe_types(ALLOWED_TYPES),
                )
            )
    try:
        os.rename(source, target)
    except OSError:
        log.exception("could not rename %s", source)
        raise MediaError(_("“%(name)s” could not be renamed.", name=new_name)) from None


def make_folder(parent: str, name: str) -> None:
    """Create the folder ``name`` inside ``parent``."""
    check_new_name(name)
    try:
        os.mkdir(os.path.join(parent, name))
    except FileExistsError:
        raise MediaError(_("“%(name)s” already exists.", name=name)) from None
    except OSError:
        log.exception("could not create folder %s in %s", name, parent)
        raise MediaError(_("The folder “%(name)s” could not be created.", name=name)) from None


def list_images(limit: int) -> list[str]:
    """Relative paths of the newest ``limit`` images in the uploads folder (any depth)."""
    base = uploads_root()
    found: list[tuple[float, str]] = []
    for folder, subfolders, filenames in os.walk(base):  # never follows symlinked folders
        subfolders[:] = [name for name in subfolders if not name.startswith(".")]
        for name in filenames:
            if name.startswith(".") or extension(name) not in IMAGE_EXTENSIONS:
                continue
            path = os.path.join(folder, name)
            if not is_inside(base, path):
                continue
            try:
                modified = os.stat(path).st_mtime
            except OSError:
                continue  # a dangling symlink
            found.append((modified, os.path.relpath(path, base).replace(os.sep, "/")))
    return [path for _, path in heapq.nlargest(limit, found)]
