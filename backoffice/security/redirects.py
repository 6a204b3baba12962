"""The one place that decides whether a user-supplied return address may be followed."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import request


def is_safe_path(target: str | None) -> bool:
    """True only for a same-site absolute path such as ``/admin/post/?page=2``."""
    if not target or len(target) > 2048:
        return False
    # Browsers ignore tabs and newlines and read "\" as "/", so "/\t/evil" means "//evil".
    if any(ch in target for ch in "\\") or any(ord(ch) < 0x21 or ord(ch) == 0x7F for ch in target):
        return False
    if not target.startswith("/") or target.startswith("//"):
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc


def safe_next(target: str | None, fallback: str) -> str:
    """``target`` if it is a safe same-site path, else ``fallback``."""
    return target if is_safe_path(target) else fallback


def current_path() -> str:
    """The current request's path and query string, for use as a ``next`` value."""
    path = request.full_path
    return path[:-1] if path.endswith("?") else path
