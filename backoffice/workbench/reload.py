"""Saved translations reach every process on its next request, with no restart.

Flask-Babel keeps the translations it loaded in a per-process cache and never looks at
the disk again. We replace its default domain by one whose cache belongs to one version of
the catalog files: once per request and language, at the first translation lookup, the
``.mo`` files that make up that language are stat-ed (one per translation directory), and if
their (mtime_ns, size, inode) changed, a fresh, empty cache is used. The workbench replaces
``.mo`` files by rename and pushes their mtime forward, so every save changes the signature.

The translations object a request got is also remembered on that request (per domain and
language), so the hundred-odd lookups of one page cost a dictionary read each instead of the
full Flask-Babel path (context, locale, directories, cache, lock) every time.

Swapping in a new cache instead of clearing the old one is what makes this safe with
threads: a request that is still loading the old file fills the old, abandoned cache.
Flask-Admin's own ``admin`` domain is left alone: the workbench never edits ``admin.po``.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from flask import Flask
from flask_babel import Domain, get_locale

from backoffice.extensions import babel
from backoffice.i18n.lookup import remembered
from backoffice.workbench.files import signature

# Caches of directory sets / languages no longer asked for are dropped beyond this.
MAX_GENERATIONS = 64


class ReloadingDomain(Domain):
    """Flask-Babel's ``Domain`` whose translations cache follows the ``.mo`` files on disk."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._generations: dict[tuple[Any, ...], tuple[Any, dict[Any, Any]]] = {}
        self._lock = threading.Lock()

    def get_translations(self) -> Any:
        """The request's translations, looked up once per request, domain and language."""
        return remembered(self, super().get_translations)

    def get_translations_cache(self, ctx: Any) -> dict[Any, Any]:
        locale = str(get_locale())
        directories = tuple(self.translation_directories)
        key = (directories, tuple(self.domain), locale)
        # Reached once per request and language (get_translations remembers the result).
        current = catalog_signature(directories, self.domain, locale)
        with self._lock:
            generation = self._generations.get(key)
            if generation is None or generation[0] != current:
                self._generations.pop(key, None)
                if len(self._generations) >= MAX_GENERATIONS:
                    self._generations.pop(next(iter(self._generations)))
                generation = self._generations[key] = (current, {})
        return generation[1]


def catalog_signature(directories: tuple[str, ...], domains: list[str], locale: str) -> tuple:
    """The signatures of the ``.mo`` files that make up ``locale`` (missing ones too)."""
    names = [locale] + ([locale.split("_")[0]] if "_" in locale else [])
    signatures = []
    for index, directory in enumerate(directories):
        domain = domains[0] if len(domains) == 1 else domains[index]
        for name in names:
            signatures.append(signature(Path(directory) / name / "LC_MESSAGES" / f"{domain}.mo"))
    return tuple(signatures)


def init_app(app: Flask) -> None:
    """Make Flask-Babel's default domain (shared by every app of the process) reload."""
    current = babel.__dict__.get("domain_instance")
    if not isinstance(current, ReloadingDomain):
        # Flask-Babel's domain_instance is a cached_property: assigning it replaces it.
        babel.domain_instance = ReloadingDomain(domain=app.config.get("BABEL_DOMAIN", "messages"))
