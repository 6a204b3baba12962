"""Which revision of each language's catalog is current, known cheaply by every process.

Every change of a catalog in the database adds one to its ``catalogs.revision``. A process
compiles each revision once (backoffice/i18n/reload.py) and must learn of a newer one on
its next request, whichever instance made it:

- SQLite (one machine): the revision is read from the database once per request and
  language, a primary-key lookup in the request's own connection (about 10 µs).
- PostgreSQL (one or many machines): a thread of each process listens on the channel
  ``backoffice_catalogs`` (``LISTEN``; every change sends ``NOTIFY`` when it commits) and
  keeps the revisions in memory, so a request reads a dictionary. Notifications are lost
  while the listening connection is down, so the thread also reads the table every
  :data:`POLL_SECONDS` and whenever it (re)connects. A process that changed a catalog knows
  it at once (:func:`announce` records it locally too).
"""

from __future__ import annotations

import logging
import os
import secrets
import threading
from typing import Any

from flask import current_app
from sqlalchemy import bindparam, select, text
from sqlalchemy.orm import Session

from backoffice.models.catalog import TranslationCatalog

log = logging.getLogger(__name__)
CHANNEL = "backoffice_catalogs"
POLL_SECONDS = 5.0
RECONNECT_SECONDS = 1.0


def current(session: Session, lang: str) -> str | None:
    """The stamp of the current revision of ``lang``'s catalog, or None if the database
    holds no catalog of ``lang``."""
    listener = _listener()
    if listener is not None and listener.ready.is_set():
        stamp = listener.stamps.get(lang)
        if stamp is not None:
            return stamp
    connection = session.connection()
    if connection.dialect.name == "sqlite":
        # Every request in a translated language asks: one indexed read on the request's own
        # connection, without the ORM's statement machinery (6 µs instead of about 100).
        row = connection.connection.dbapi_connection.execute(_SQLITE_CURRENT, (lang,)).fetchone()
        return row[0] if row else None
    return session.execute(_CURRENT, {"lang": lang}).scalar()


_SQLITE_CURRENT = "SELECT stamp FROM catalogs WHERE lang = ?"
_CURRENT = select(TranslationCatalog.stamp).where(TranslationCatalog.lang == bindparam("lang"))


def refresh(session: Session) -> None:
    """Read every catalog's revision now (after catalogs were changed without a revision, as
    a test's ``TRUNCATE`` does): the listener's memory otherwise waits for its next poll."""
    listener = _listener()
    if listener is not None:
        rows = session.execute(select(TranslationCatalog.lang, TranslationCatalog.stamp)).all()
        listener.replace(dict(rows))


def wait_until_listening(timeout: float) -> bool:
    """Wait until this process's listener has read the revisions and listens (PostgreSQL);
    True at once where there is none. For tests and benchmarks that time what follows."""
    listener = _listener()
    return listener is None or listener.ready.wait(timeout)


def new_revision(session: Session, catalog: TranslationCatalog) -> None:
    """Give ``catalog`` its next revision, and tell every process once the transaction
    commits."""
    catalog.revision = (catalog.revision or 0) + 1
    catalog.stamp = secrets.token_hex(8)
    if session.get_bind().dialect.name == "postgresql":
        session.execute(
            text("SELECT pg_notify(:channel, :payload)"),
            {"channel": CHANNEL, "payload": f"{catalog.lang}:{catalog.stamp}"},
        )
    listener = _listener()
    if listener is not None:
        listener.pending(session, catalog.lang, catalog.stamp)


# -- PostgreSQL: one listening thread per process ----------------------------------------------
class _Listener:
    def __init__(self, url: str) -> None:
        self.url = url
        self.stamps: dict[str, str] = {}
        self.ready = threading.Event()
        self._guard = threading.Lock()
        self.thread = threading.Thread(target=self._run, name="catalog-revisions", daemon=True)
        self.thread.start()

    def pending(self, session: Session, lang: str, stamp: str) -> None:
        """Known here as soon as the session that made it commits."""
        from sqlalchemy import event
        from sqlalchemy.orm import scoped_session

        def committed(_session: Session) -> None:
            self._remember(lang, stamp)

        # The session itself: a listener on a scoped_session (db.session) listens to every
        # session of its class, in every thread, and stays there for good (once=True only
        # mutes it): another request's commit would announce this revision before it exists.
        target = session() if isinstance(session, scoped_session) else session
        event.listen(target, "after_commit", committed, once=True)

    def _remember(self, lang: str, stamp: str) -> None:
        # Changes of one catalog are serialised by its row lock, so notifications arrive in
        # the order of their commits: the last one is the current revision.
        with self._guard:
            self.stamps[lang] = stamp

    def _run(self) -> None:
        import psycopg

        while True:
            try:
                with psycopg.connect(self.url, autocommit=True) as connection:
                    connection.execute(f"LISTEN {CHANNEL}")
                    while True:
                        self._read_all(connection)
                        self.ready.set()
                        for note in connection.notifies(timeout=POLL_SECONDS):
                            lang, _sep, stamp = note.payload.partition(":")
                            self._remember(lang, stamp)
            except Exception:  # connection lost or refused: requests read the table meanwhile
                self.ready.clear()
                log.warning("catalog revision listener lost its connection", exc_info=True)
                threading.Event().wait(RECONNECT_SECONDS)

    def _read_all(self, connection: Any) -> None:
        self.replace(dict(connection.execute("SELECT lang, stamp FROM catalogs").fetchall()))

    def replace(self, stamps: dict[str, str]) -> None:
        with self._guard:
            self.stamps = stamps


_listeners: dict[tuple[int, str], _Listener] = {}
_listeners_lock = threading.Lock()


def _listener() -> _Listener | None:
    """This process's listener for the app's PostgreSQL database (started on first use, so
    after a fork); None on SQLite or with ``CATALOG_LISTEN`` off."""
    known = current_app.extensions.get("catalog_listener")
    if known is not None and known[0] == os.getpid():
        return known[1]
    listener = None
    engine = current_app.extensions["sqlalchemy"].engine
    if engine.dialect.name == "postgresql" and current_app.config.get("CATALOG_LISTEN", True):
        url = engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
        key = (os.getpid(), url)
        with _listeners_lock:
            listener = _listeners.get(key)
            if listener is None:
                listener = _listeners[key] = _Listener(url)
    current_app.extensions["catalog_listener"] = (os.getpid(), listener)
    return listener
