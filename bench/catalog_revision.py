"""What serving the catalogs from the database adds to a page: the revision check.

Every request in a translated language asks once which revision of its catalog is current
(backoffice/i18n/revisions.py) and, when it is the one already compiled, uses it. This
times that check, in a request context of the real app, and the first page after a save
(the compile of the new revision) for comparison:

    python bench/catalog_revision.py                                   # SQLite in memory
    python bench/catalog_revision.py --database-url postgresql+psycopg://…/bench_catalogs

On PostgreSQL it times both the in-memory read kept by the LISTEN thread (what a request
does) and the table read that replaces it while the listener is (re)connecting.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask_babel import gettext  # noqa: E402

from backoffice import create_app  # noqa: E402
from backoffice.domain.accounts import create_user  # noqa: E402
from backoffice.extensions import db  # noqa: E402
from backoffice.i18n import revisions  # noqa: E402
from backoffice.workbench import store  # noqa: E402
from bench.schema import create_schema  # noqa: E402


def per_call(function, rounds: int = 7, calls: int = 2000) -> float:
    """Median over ``rounds`` of the time of one call, in microseconds."""
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        for _ in range(calls):
            function()
        times.append((time.perf_counter() - start) / calls * 1e6)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default="sqlite://")
    options = parser.parse_args()
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=options.database_url)
    with app.app_context():
        create_schema(options.database_url)
        store.ensure("de")
        user = create_user(db.session, f"bench-{time.time_ns()}", "bench password", ["admin"])
        db.session.commit()
        with app.test_request_context(headers={"Accept-Language": "de"}):
            gettext("Sign out")  # the first compile
            if db.engine.dialect.name == "postgresql":
                revisions.wait_until_listening(10)
            check = per_call(lambda: revisions.current(db.session, "de"))
            print(f"revision check, per request:      {check:7.1f} µs ({db.engine.dialect.name})")
            if db.engine.dialect.name == "postgresql":
                from sqlalchemy import select

                from backoffice.models import TranslationCatalog

                query = select(TranslationCatalog.stamp).where(TranslationCatalog.lang == "de")
                fallback = per_call(lambda: db.session.scalar(query), calls=500)
                print(f"table read while reconnecting:    {fallback:7.1f} µs")
            entry = store.entries("de")[0]
            start = time.perf_counter()
            store.save_entry("de", entry.key, list(entry.strings), not entry.fuzzy,
                             entry.version, user)  # fmt: skip
            saved = time.perf_counter() - start
    with app.app_context(), app.test_request_context(headers={"Accept-Language": "de"}):
        start = time.perf_counter()
        gettext("Sign out")  # a new request (its own application context): a new revision
        compiled = time.perf_counter() - start
    print(f"a save:                           {saved * 1000:7.1f} ms")
    print(f"first request after a save:       {compiled * 1000:7.1f} ms (compiles it)")


if __name__ == "__main__":
    main()
