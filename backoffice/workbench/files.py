"""Where the workbench's catalogs live, and how they are read, locked and written safely.

Only our ``messages`` domain is edited: ``<dir>/<lang>/LC_MESSAGES/messages.po``, where
``<dir>`` is the first entry of ``BABEL_TRANSLATION_DIRECTORIES``.
"""

from __future__ import annotations

import io
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po
from filelock import FileLock
from flask import Flask, current_app

from backoffice.i18n import atomic, catalogs

# Long enough for a compile under load, short enough that a stuck lock becomes an error page.
LOCK_TIMEOUT = 30.0
Signature = tuple[int, int, int]

_parsed: dict[Path, tuple[Signature, Catalog]] = {}
_parsed_lock = threading.Lock()


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
    only names of our temporary files (:func:`backoffice.i18n.atomic.is_temporary`) older
    than :data:`~backoffice.i18n.atomic.STALE_AFTER`, which no live write still holds.
    """
    directories = []
    for entry in app.config["BABEL_TRANSLATION_DIRECTORIES"].split(";"):
        if entry.strip():
            root = Path(entry.strip())
            root = root if root.is_absolute() else Path(app.root_path) / root
            directories.extend(root.glob("*/LC_MESSAGES"))
    template = app.config.get("TRANSLATION_TEMPLATE") or catalogs.TEMPLATE
    directories.append(Path(template).parent)
    return atomic.remove_stale(directories)


def signature(path: Path) -> Signature | None:
    """What identifies one version of a file: (mtime_ns, size, inode); None if it is missing."""
    try:
        stat = os.stat(path)
    except FileNotFoundError:
        return None
    return (stat.st_mtime_ns, stat.st_size, stat.st_ino)


def parse(data: bytes, lang: str) -> Catalog:
    """A catalog from ``.po`` bytes (strict: a malformed file raises ``PoFileError``)."""
    return read_po(io.BytesIO(data), locale=lang, abort_invalid=True)


def read_catalog(lang: str) -> Catalog:
    """The current catalog of ``lang``, parsed once per version of the file. Do not modify it."""
    path = po_path(lang)
    with _parsed_lock:
        cached = _parsed.get(path)
    current = signature(path)
    if cached is not None and cached[0] == current:
        return cached[1]
    data = path.read_bytes()
    catalog = parse(data, lang)
    # The signature taken before reading may be older than the bytes: at worst a re-parse.
    if current is not None:
        with _parsed_lock:
            _parsed[path] = (current, catalog)
    return catalog


@contextmanager
def locked(path: Path) -> Iterator[None]:
    """Hold ``<path>.lock`` (between threads and processes) for a read-modify-write of ``path``."""
    with FileLock(f"{path}.lock", timeout=LOCK_TIMEOUT):
        yield


def write_catalog(po: Path, catalog: Catalog) -> None:
    """Write ``catalog`` to ``po`` and its compiled ``.mo`` beside it, both atomically."""
    write_po_bytes(po, catalogs.po_bytes(catalog))


def write_po_bytes(po: Path, data: bytes) -> None:
    """Write ``.po`` contents ``data`` to ``po`` and compile them to the ``.mo``, atomically.

    Everything that can fail for a reason of the catalog (parsing, compiling) happens in
    memory and in temporary files first. Then the ``.mo`` is renamed into place and the
    ``.po`` last: the ``.po`` is the record, so it only changes once the ``.mo`` matching it
    is in place; if renaming the ``.po`` fails, the previous ``.mo`` is put back. Also used
    to put earlier bytes back when recording a change failed.
    """
    # Compile exactly what will be on disk, so a .po that would not read back is never written.
    compiled = catalogs.mo_bytes(read_po(io.BytesIO(data), abort_invalid=True))
    mo = po.with_suffix(".mo")
    previous_mo = mo.read_bytes() if mo.exists() else None
    temporaries: list[Path] = []
    try:
        temporaries.append(_temporary(mo, compiled))
        temporaries.append(_temporary(po, data))
        os.replace(temporaries[0], mo)
        try:
            os.replace(temporaries[1], po)
        except BaseException:
            _put_back(mo, previous_mo)
            raise
    finally:
        for temporary in temporaries:
            temporary.unlink(missing_ok=True)


def _put_back(mo: Path, data: bytes | None) -> None:
    if data is None:
        mo.unlink(missing_ok=True)
        return
    temporary = _temporary(mo, data)
    try:
        os.replace(temporary, mo)
    finally:
        temporary.unlink(missing_ok=True)


def _temporary(path: Path, data: bytes) -> Path:
    """``data`` in a synced temporary file beside ``path``, newer than ``path`` is now.

    Processes notice a new ``.mo`` by its (mtime_ns, size, inode). Inode numbers are reused
    and the clock may not move between two quick saves, so the mtime is forced forward.
    """
    temporary = atomic.temporary_beside(path, data)  # with the mode ``path`` has
    try:
        before = signature(path)
        written = os.stat(temporary).st_mtime_ns
        if before is not None and written <= before[0]:
            os.utime(temporary, ns=(before[0] + 1, before[0] + 1))
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return temporary
