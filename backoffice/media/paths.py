"""The one path resolver of the media library: is a relative path inside the uploads folder?

Flask-Admin's own check is a string prefix (``…/uploads_backup`` passes for ``…/uploads``) and
ignores symlinks. Here a path is accepted only if it is plainly relative and its real path, with
every symlink followed, stays inside the real uploads folder. The admin view and the public
``/media/`` route both ask :func:`resolve`.
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
    empty, ``.`` and ``..`` components. Nothing is URL-decoded here: the router did that once.
    """
    if not relative or len(relative) > MAX_PATH_LENGTH:
        return None
    if relative.startswith("/") or "\\" in relative:
        return None
    if any(ord(char) < 32 or char == "\x7f" for char in relative):
        return None
    parts = relative.split("/")
    if any(part in ("", ".", "..") for part in parts):
        return None
    return parts


def resolve(relative: str | None, base: str | None = None) -> str | None:
    """The absolute path of ``relative`` below the uploads folder, or None if it may not be used.

    The path is returned as joined, not resolved, so that an entry which is itself a symlink
    pointing inside is acted on (renamed, deleted) as the link; its real path must stay inside.
    The uploads folder itself is never returned: callers name it explicitly.
    """
    parts = clean_parts(relative or "")
    if parts is None:
        return None
    base = base or uploads_root()
    candidate = os.path.join(base, *parts)
    return candidate if is_inside(base, candidate) else None
