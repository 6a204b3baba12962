"""Every cache of the app, one facility per lifetime.

A cache here is only ever a shortcut: what it holds can be made again from the database, the
catalogs or the files, and each one goes stale in exactly one of four ways.

- **request** (:func:`request_memo`, kept on ``flask.g``): search match counts, row URLs;
  gone when the request ends.
- **catalog** (:class:`CatalogCache`): translated menus, status badges, quick buttons, page
  parts (the language switcher, the sign-out form), the dashboard's chart and its
  recent-activity lines (keyed by what they show too); made
  again when the reader's catalog changes (another language, or a saved translation, which
  brings a new catalog object).
- **file** (:class:`FileCache`): parsed ``.po`` files; made again when the file's signature
  (mtime, size, inode) changes.
- **process** (:class:`ProcessCache`, :func:`memoized`): catalog entries by revision stamp,
  time-zone names, the statements of lists without search or filters, pure look-ups; each
  is bounded and emptied whole when full, and a :class:`ProcessCache` given ``seconds`` lets
  its entries expire.

A value that depends on a catalog *revision* (the database's catalogs) keeps the revision's
stamp in its key, in a :class:`ProcessCache`: a new revision brings a new key.

The models keep no cache of their own beyond the SQLAlchemy session's ``info`` (the session
lives as long as the request). :func:`clear_all` empties every cache of the process, for tests
that share one app between many tests.
"""

from __future__ import annotations

import functools
import threading
import time
import weakref
from collections.abc import Callable, Hashable
from typing import Any, Generic, TypeVar

from flask import current_app, g

V = TypeVar("V")
F = TypeVar("F", bound=Callable[..., Any])
C = TypeVar("C")

#: Every process-level cache alive, for clear_all(); a cache kept on an app or a view goes
#: with it.
_ALL: weakref.WeakSet[Any] = weakref.WeakSet()
_MEMOIZED: list[Callable[[], None]] = []
#: The caches inside :class:`FileCache` objects (see :func:`clear_all`).
_FILES: weakref.WeakSet[Any] = weakref.WeakSet()


class ProcessCache(Generic[V]):
    """Values kept for the process, at most ``size`` of them (full: emptied whole, since every
    value is cheap to make again), and for at most ``seconds`` each if given."""

    def __init__(self, name: str, size: int = 256, seconds: float | None = None) -> None:
        self.name, self.size, self.seconds = name, size, seconds
        self._kept: dict[Hashable, tuple[float, V]] = {}
        self._guard = threading.Lock()  # served from several threads: one change at a time
        _ALL.add(self)

    def __len__(self) -> int:
        return len(self._kept)

    def get(self, key: Hashable, make: Callable[[], V]) -> V:
        """The value for ``key``, made with ``make()`` if missing or expired."""
        found = self.peek(key)
        if found is not None:
            return found[0]
        value = make()
        self.put(key, value)
        return value

    def peek(self, key: Hashable) -> tuple[V] | None:
        """``(value,)`` if ``key`` is kept and not expired, else None."""
        with self._guard:
            kept = self._kept.get(key)
        if kept is None:
            return None
        if self.seconds is not None and time.monotonic() - kept[0] >= self.seconds:
            return None
        return (kept[1],)

    def values(self) -> list[V]:
        """The values kept (to look at them)."""
        with self._guard:
            return [value for _stamp, value in self._kept.values()]

    def put(self, key: Hashable, value: V) -> None:
        stamp = time.monotonic() if self.seconds is not None else 0.0
        with self._guard:
            if len(self._kept) >= self.size and key not in self._kept:
                self._kept.clear()
            self._kept[key] = (stamp, value)

    def clear(self) -> None:
        with self._guard:
            self._kept.clear()


class CatalogCache(Generic[V]):
    """Translated values, kept per key and language while the reader's catalog object stays
    the same (a saved translation or another language brings another one). Pages shown in the
    translate-in-context mode get a catalog of their own, and nothing made with it is kept."""

    def __init__(self, name: str, size: int = 256) -> None:
        self._kept: ProcessCache[tuple[Any, V]] = ProcessCache(name, size)

    def __len__(self) -> int:
        return len(self._kept)

    def get(self, key: Hashable, make: Callable[[], V]) -> V:
        from backoffice.i18n.lookup import current_locale, translations

        catalog = translations()
        full_key = (key, str(current_locale()))
        kept = self._kept.peek(full_key)
        if kept is not None and kept[0][0] is catalog:
            return kept[0][1]
        value = make()
        if not getattr(catalog, "per_request", False):
            self._kept.put(full_key, (catalog, value))
        return value

    def values(self) -> list[V]:
        """The values kept (to look at them)."""
        return [value for _catalog, value in self._kept.values()]

    def clear(self) -> None:
        self._kept.clear()


class FileCache(Generic[V]):
    """Values made from a file, kept while the file's signature is the same."""

    def __init__(self, name: str, size: int = 64) -> None:
        self._kept: ProcessCache[tuple[Hashable, V]] = ProcessCache(name, size)
        _FILES.add(self._kept)

    def get(self, path: Hashable, signature: Hashable, make: Callable[[], V]) -> V:
        kept = self._kept.peek(path)
        if kept is not None and kept[0][0] == signature:
            return kept[0][1]
        value = make()
        self._kept.put(path, (signature, value))
        return value

    def clear(self) -> None:
        self._kept.clear()


def app_cache(name: str, make: Callable[[], C]) -> C:
    """The current app's cache ``name``, made with ``make()`` the first time: a cache kept on
    the app goes with it. (``extensions.setdefault(name, Cache(...))`` would make a cache on
    every call, only to throw it away.)"""
    kept = current_app.extensions.get(name)
    if kept is None:
        kept = current_app.extensions[name] = make()
    return kept  # type: ignore[no-any-return]


def request_memo(name: str) -> dict[Hashable, Any]:
    """A dict for this request only (on ``flask.g``): gone when the request ends."""
    memo: dict[Hashable, Any] = g.setdefault(f"_memo_{name}", {})
    return memo


def memoized(size: int = 64) -> Callable[[F], F]:
    """``functools.lru_cache`` for a pure function of hashable arguments, for the process;
    emptied by :func:`clear_all` like every other cache."""

    def decorate(function: F) -> F:
        cached = functools.lru_cache(maxsize=size)(function)
        _MEMOIZED.append(cached.cache_clear)
        return cached  # type: ignore[return-value]

    return decorate


def clear_all(files: bool = True) -> None:
    """Empty every process-level cache (tests that share one app between tests); with
    ``files=False`` the :class:`FileCache` values stay: each is the file's own content,
    kept under the file's signature, so a file written since is read again anyway."""
    for cache in list(_ALL):
        if files or cache not in _FILES:
            cache.clear()
    for clear in _MEMOIZED:
        clear()
