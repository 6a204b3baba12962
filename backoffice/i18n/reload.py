"""Saved translations reach every process on its next request, with no restart.

Our ``messages`` domain is served from the database once a language's catalog is there
(:mod:`backoffice.models.catalog`; ``translate sync`` or the workbench's first use imports
it): each process compiles the revision it sees into a translations object, once, and learns
of a newer revision cheaply on its next request (:mod:`.revisions`: a primary-key read on
SQLite, an in-memory value kept by ``LISTEN`` on PostgreSQL).

A language the database does not hold yet is read from the compiled ``.mo`` files, as before
the database held catalogs: the cache for them follows the files' (mtime_ns, size, inode),
checked once per request and language.

The translations object a request got is remembered on that request (per domain and
language), so the hundred-odd lookups of one page cost a dictionary read each. Flask-Admin's
own ``admin`` domain is left alone: the workbench never edits ``admin.po``.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from babel.support import Translations
from flask import Flask, current_app, has_app_context
from flask_babel import Domain, get_locale

from backoffice.compat.flask_babel import default_domain, replace_default_domain
from backoffice.extensions import babel, db
from backoffice.i18n.catalogs import signature
from backoffice.i18n.lookup import remembered

# Caches of directory sets / languages no longer asked for are dropped beyond this.
MAX_GENERATIONS = 64


class ReloadingDomain(Domain):
    """Flask-Babel's ``Domain`` over the database's catalogs (or, until a language is there,
    the ``.mo`` files on disk, followed as they change)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._generations: dict[tuple[Any, ...], tuple[Any, dict[Any, Any]]] = {}
        self._compiled: dict[tuple[str, str], Translations] = {}
        self._lock = threading.Lock()

    def get_translations(self) -> Any:
        """The request's translations, looked up once per request, domain and language."""
        return remembered(self, self._current_translations)

    def _current_translations(self) -> Any:
        locale = get_locale()
        if locale is not None and has_app_context():
            lang = str(locale)
            if lang != current_app.config.get("BABEL_DEFAULT_LOCALE", "en"):
                from backoffice.i18n import revisions

                stamp = revisions.current(db.session, lang)
                if stamp is not None:
                    return self._from_database(lang, stamp)
        return super().get_translations()

    def _from_database(self, lang: str, stamp: str) -> Translations:
        # A stamp is random and new with every revision: it names one catalog's content, in
        # whichever app or database of the process.
        compiled = self._compiled.get((lang, stamp))
        if compiled is not None:
            return compiled
        from backoffice.i18n import compiled as compiler

        translations = compiler.translations(lang)
        with self._lock:
            if len(self._compiled) >= MAX_GENERATIONS:
                self._compiled.clear()
            self._compiled[(lang, stamp)] = translations
        return translations

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
    if not isinstance(default_domain(babel), ReloadingDomain):
        domain = ReloadingDomain(domain=app.config.get("BABEL_DOMAIN", "messages"))
        replace_default_domain(babel, domain)
