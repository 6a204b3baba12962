"""The repository's catalog files: where they are and how they are read.

The workbench edits the catalogs in the database; these files are the developers' side
(``translate sync`` reads them, ``translate export`` writes them). Only our ``messages``
domain: ``<dir>/<lang>/LC_MESSAGES/messages.po``, where ``<dir>`` is the first entry of
``BABEL_TRANSLATION_DIRECTORIES``.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po
from flask import Flask, current_app

from backoffice.core import atomic_files
from backoffice.core.caches import FileCache
from backoffice.i18n import catalogs
from backoffice.i18n.catalogs import signature  # (memory.py asks files.signature)

_parsed: FileCache[Catalog] = FileCache("parsed catalogs", 64)


def catalog_dir() -> Path:
    """The first directory of ``BABEL_TRANSLATION_DIRECTORIES`` (relative to the app's root)."""
    first = Path(current_app.config["BABEL_TRANSLATION_DIRECTORIES"].split(";")[0])
    return first if first.is_absolute() else Path(current_app.root_path) / first


def po_path(lang: str) -> Path:
    """``<dir>/<lang>/LC_MESSAGES/messages.po``."""
    return catalog_dir() / lang / "LC_MESSAGES" / "messages.po"


def mo_path(lang: str) -> Path:
    """``<dir>/<lang>/LC_MESSAGES/messages.mo``."""
    return po_path(lang).with_suffix(".mo")


def template_path() -> Path:
    """The template that "update from code" writes and merges (``TRANSLATION_TEMPLATE``)."""
    return Path(current_app.config.get("TRANSLATION_TEMPLATE") or catalogs.TEMPLATE)


def languages() -> list[str]:
    """The configured ``LANGUAGES`` that have a ``messages.po`` (English, the source, has none)."""
    return [code for code in current_app.config["LANGUAGES"] if po_path(code).is_file()]


def remove_stale_temporaries(app: Flask) -> list[Path]:
    """Delete the temporary files that killed catalog writes left (run once on start).

    Cheap: one directory listing per language and translation directory, and the template's;
    only names of our temporary files (:func:`backoffice.core.atomic_files.is_temporary`) older
    than :data:`~backoffice.core.atomic_files.STALE_AFTER`, which no live write still holds.
    """
    directories = []
    for entry in app.config["BABEL_TRANSLATION_DIRECTORIES"].split(";"):
        if entry.strip():
            root = Path(entry.strip())
            root = root if root.is_absolute() else Path(app.root_path) / root
            directories.extend(root.glob("*/LC_MESSAGES"))
    template = app.config.get("TRANSLATION_TEMPLATE") or catalogs.TEMPLATE
    directories.append(Path(template).parent)
    return atomic_files.remove_stale(directories)


def repository_catalog(lang: str) -> Catalog:
    """``lang``'s ``.po`` file as the repository (this instance's checkout) has it."""
    return parse(po_path(lang).read_bytes(), lang)


def template_catalog() -> Catalog:
    """This instance's template (``TRANSLATION_TEMPLATE``): which entries its code has."""
    with template_path().open("rb") as handle:
        return read_po(handle)


def template_date() -> Any:
    """The ``POT-Creation-Date`` of this instance's template: how new its code's strings are."""
    return template_catalog().creation_date


def parse(data: bytes, lang: str) -> Catalog:
    """A catalog from ``.po`` bytes (strict: a malformed file raises ``PoFileError``)."""
    return read_po(io.BytesIO(data), locale=lang, abort_invalid=True)


def read_catalog(lang: str) -> Catalog:
    """The current catalog of ``lang``, parsed once per version of the file. Do not modify it."""
    path = po_path(lang)
    current = signature(path)
    if current is None:
        return parse(path.read_bytes(), lang)  # (no such file: read_bytes says so)
    # The signature taken before reading may be older than the bytes: at worst a re-parse.
    return _parsed.get(path, current, lambda: parse(path.read_bytes(), lang))
