"""The one path resolver of the media library: which relative paths name a file or folder in it?

Every path from a URL or a form goes through :func:`clean_key` first, whatever the storage: it
must be plainly relative (no ``..``, no absolute path, no backslash, no control character, no
empty component), and what it returns is the *key* every storage backend works with
(``sub/photo.png``). The local folder then also asks :func:`resolve`: Flask-Admin's own check
is a string prefix (``…/uploads_backup`` passes for ``…/uploads``) and ignores symlinks; here the
real path, with every symlink followed, must stay inside the real uploads folder.
"""

from __future__ import annotations

import os

from flask import current_app

MAX_PATH_LENGTH = 1024


def uploads_root() -> str:
    """The real (symlink-free) absolute path of the uploads folder."""
    return os.path.realpath(current_app.config["UPLOADS_DIR"])


def is_inside(base: str, path: str) -> bool:
    """True if ``path``, with every symlink followed, is the real folder ``base`` or below it."""
    return os.path.commonpath([base, os.path.realpath(path)]) == base


def clean_parts(relative: str) -> list[str] | None:
    """The components of a relative path, or None if the path is hostile or malformed.

    Refused: empty paths, absolute paths, backslashes, control characters (NUL included),
    empty, ``.`` and ``..`` components, text that is not valid UTF-8 and paths longer than an
    S3 key may be. Nothing is URL-decoded here: the router did that once.
    """
    if not relative or len(relative) > MAX_PATH_LENGTH:
        return None
    try:
        if len(relative.encode("utf-8")) > MAX_PATH_LENGTH:
            return None
    except UnicodeEncodeError:  # a lone surrogate: no file system or object store names it
        return None
    if relative.startswith("/") or "\\" in relative:
        return None
    if any(ord(char) < 32 or char == "\x7f" for char in relative):
        return None
    parts = relative.split("/")
    if any(part in ("", ".", "..") for part in parts):
        return None
    return parts


def clean_key(relative: str | None) -> str | None:
    """The storage key of ``relative`` ("sub/photo.png"), or None if it may not be used.

    Every backend resolves paths through this; the top folder itself ("") is never a key:
    callers name it explicitly.
    """
    parts = clean_parts(relative or "")
    return None if parts is None else "/".join(parts)


def resolve(relative: str | None, base: str | None = None) -> str | None:
    """The absolute path of ``relative`` below the local uploads folder (``base``, default
    ``UPLOADS_DIR``), or None if it may not be used.

    The path is returned as joined, not resolved, so that an entry which is itself a symlink
    pointing inside is acted on (renamed, deleted) as the link; its real path must stay inside.
    The uploads folder itself is never returned: callers name it explicitly.
    """
    key = clean_key(relative)
    if key is None:
        return None
    base = base or uploads_root()
    candidate = os.path.join(base, key)
    return candidate if is_inside(base, candidate) else None
