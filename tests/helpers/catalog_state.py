"""What the workbench's tests compare before and after.

- :func:`files_state`: the bytes and mtimes of the configured catalog files (every language's
  ``.po`` and ``.mo``, and the template): no save, upload or update may write one.
- :func:`database_state`: one language's catalog in the database (its revision and every
  entry's translation), for "nothing was written".
- :func:`shared_database` and :func:`instance`: a database that several apps or processes
  open at once (the PostgreSQL test database, or a SQLite file), and an app on it with its
  own catalog directory, like another instance of the site.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask
from sqlalchemy import select

from backoffice import create_app
from backoffice.domain.accounts import ensure_roles
from backoffice.extensions import db
from backoffice.models import AuditEntry, TranslationCatalog, TranslationEntry
from backoffice.workbench import files
from helpers.app import DATABASE_URL, IS_SQLITE


def files_state() -> dict[Path, tuple[bytes, int]]:
    """(bytes, mtime_ns) of every configured ``messages.po``/``.mo`` and of the template."""
    paths = [files.template_path()]
    for lang in files.languages():
        paths += [files.po_path(lang), files.mo_path(lang)]
    return {path: (path.read_bytes(), path.stat().st_mtime_ns) for path in paths}


def database_state(lang: str) -> tuple[int | None, dict[str, tuple[Any, ...]]]:
    """(revision, {key: (strings, fuzzy, obsolete, version)}) of ``lang`` in the database
    (imported first, if it is not there yet)."""
    from backoffice.workbench import store

    store.ensure(lang)
    db.session.expire_all()
    revision = db.session.scalar(
        select(TranslationCatalog.revision).where(TranslationCatalog.lang == lang)
    )
    rows = db.session.scalars(select(TranslationEntry).where(TranslationEntry.lang == lang))
    return revision, {
        row.key: (tuple(row.strings), row.fuzzy, row.obsolete, row.version) for row in rows
    }


def translation_rows() -> int:
    """How many audit entries of translations there are."""
    return db.session.query(AuditEntry).filter_by(object_type="Translation").count()


def row(lang: str, msgid: str, context: str | None = None) -> TranslationEntry | None:
    """The database's row of ``msgid`` in ``lang`` (obsolete or not), read afresh."""
    from backoffice.workbench import store

    db.session.expire_all()
    return db.session.scalar(
        select(TranslationEntry).where(
            TranslationEntry.lang == lang, TranslationEntry.key == store.entry_key(msgid, context)
        )
    )


def shared_database(tmp_path: Path) -> str:
    """A database URL that other apps and processes can open too, with the schema and roles:
    the PostgreSQL test database (use the ``app`` fixture, which empties it), or else a
    SQLite file in ``tmp_path`` (an in-memory one belongs to one engine)."""
    if not IS_SQLITE:
        return DATABASE_URL
    url = f"sqlite:///{tmp_path / 'shared.db'}"
    setup = create_app("testing", SQLALCHEMY_DATABASE_URI=url, UPLOADS_DIR=str(tmp_path))
    with setup.app_context():
        db.create_all()
        ensure_roles(db.session)
        db.session.commit()
        db.engine.dispose()
    return url


def instance(url: str, translations: Path, **config: Any) -> Flask:
    """An app on the database ``url`` whose checkout has the catalogs ``translations``
    (and the template beside that folder, as ``catalog_copy`` makes them)."""
    settings = {
        "SQLALCHEMY_DATABASE_URI": url,
        "BABEL_TRANSLATION_DIRECTORIES": str(translations),
        "TRANSLATION_TEMPLATE": str(translations.parent / "messages.pot"),
        "UPLOADS_DIR": str(translations.parent / "uploads"),
        **config,
    }
    return create_app("testing", **settings)
