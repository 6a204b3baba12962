"""Shared fixtures: ``app``, ``client``, ``make_user``, ``login_as``, ``csrf``, ``runner``.

The suite runs on in-memory SQLite by default; with ``TEST_DATABASE_URL`` pointing at a
PostgreSQL server (``scripts/test.sh`` starts one) the same tests run there, on a schema
built by the real migrations. The media tests also run on an S3 bucket (``s3_media_config``): on
the server at ``TEST_S3_ENDPOINT_URL`` (``scripts/test.sh`` starts moto's), or else on moto's
server started in a thread here.

``scripts/test.sh`` runs the suite in two processes (pytest-xdist, ``-n 2``): on PostgreSQL
each worker gets a database of its own (``<name>_gw0``, ``<name>_gw1``), made by
``helpers.app``. Helpers that are not fixtures live in ``tests/helpers/``.
"""

from __future__ import annotations

import contextvars
import functools
import os
import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask, has_app_context, session
from flask.testing import FlaskClient, FlaskCliRunner
from helpers.app import DATABASE_URL, IS_SQLITE, PASSWORD, extract_csrf
from helpers.browser import CHROMIUM, CHROMIUM_ARGS, browser_tab
from helpers.s3 import S3_ENVIRONMENT, empty_buckets, s3_client
from jinja2 import BytecodeCache
from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import make_url

from backoffice import create_app
from backoffice.compat.flask_admin import admin_views
from backoffice.core import caches
from backoffice.domain.accounts import create_user, ensure_roles
from backoffice.extensions import assets, db
from backoffice.i18n import catalogs, revisions
from backoffice.models import User
from backoffice.models.counts import COUNTER_TABLES
from backoffice.security import sessions

_migrated = False
#: One app per configuration, shared by the tests that ask for it (see the ``app`` fixture);
#: the most recently built ones are kept.
_APPS: dict[tuple[Any, ...], Flask] = {}
SHARED_APPS = 8
#: Settings a shared app may have: plain values, so the same ones mean the same app.
_PLAIN = (str, int, float, bool, type(None))


#: Fixtures through which a test reaches the database of the run (SQLite or PostgreSQL).
DATABASE_FIXTURES = {"app", "separate_database"}
#: A test module that names these chooses what it does by the database of the run.
READS_THE_RUN_DATABASE = re.compile(
    r"\bIS_SQLITE\b|\bTEST_DATABASE_URL\b|import[^\n]*\bDATABASE_URL\b"
)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Leave out what does not apply to the run's database, as deselected (never skipped):

    - ``sqlite_only`` / ``postgresql_only`` tests in the other database's run;
    - on PostgreSQL, the tests that never reach the database (catalog checks, the markup's
      parity, servers on files of their own, ...): they would repeat the SQLite run exactly.
    """
    other = "postgresql_only" if IS_SQLITE else "sqlite_only"
    kept, left_out = [], []
    for item in items:
        if item.get_closest_marker(other):
            left_out.append(item)
        elif (
            IS_SQLITE
            or item.get_closest_marker("browser")
            or item.get_closest_marker("postgresql_only")
        ):  # browser tests have servers of their own
            kept.append(item)
        elif DATABASE_FIXTURES & set(getattr(item, "fixturenames", ())) or (
            READS_THE_RUN_DATABASE.search(_source(Path(str(item.fspath))))
        ):
            kept.append(item)
        else:
            left_out.append(item)
    if left_out:
        config.hook.pytest_deselected(items=left_out)
        items[:] = kept


@functools.cache
def _source(path: Path) -> str:
    return path.read_text(encoding="utf-8")


@pytest.fixture(scope="session", autouse=True)
def compiled_catalogs() -> None:
    """The suite sees translations exactly as a fresh setup does: compiled from the .po files."""
    catalogs.compile_all()


@pytest.fixture(scope="session", autouse=True)
def built_bundles(tmp_path_factory: pytest.TempPathFactory) -> None:
    """The asset bundles current with their sources, as a deploy's build leaves them: the
    suite's apps do not build on the fly (``TestingConfig.ASSETS_AUTO_BUILD``), so a bundle
    whose sources changed since the last build is built here, once."""
    uploads = tmp_path_factory.mktemp("bundles")
    builder = create_app("testing", ASSETS_AUTO_BUILD=True, UPLOADS_DIR=str(uploads))
    with builder.test_request_context():
        for bundle in assets:
            bundle.urls()  # builds it if its sources are newer


def _prepare_database(app: Flask) -> None:
    """An empty database with the schema: made on the app's first test, emptied before each
    later one (on PostgreSQL, the real migrations once, then one round trip of DELETEs)."""
    global _migrated
    if IS_SQLITE:
        if not app.extensions.get("test_schema_made"):
            db.create_all()
            app.extensions["test_schema_made"] = True
            return
        for table in reversed(db.metadata.sorted_tables):
            db.session.execute(table.delete())
        db.session.commit()
        revisions.refresh(db.session)
        return
    if not _migrated:
        from flask_migrate import upgrade

        with db.engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        upgrade()
        _migrated = True
    db.session.connection().exec_driver_sql(_emptying_statements())
    db.session.commit()
    revisions.refresh(db.session)  # the catalogs just emptied: no process may serve old ones


def _emptying_statements() -> str:
    """One round trip that empties every table and restarts its ids. DELETE, not TRUNCATE:
    on tables of a few rows TRUNCATE costs fifty times as much (it makes new files). The
    counters the triggers keep (``COUNTER_TABLES``) are emptied after the rows they count."""
    tables = [t for t in reversed(db.metadata.sorted_tables) if t.name not in COUNTER_TABLES]
    statements = [f"DELETE FROM {t.name}" for t in tables]
    statements += [f"DELETE FROM {name}" for name in COUNTER_TABLES]
    statements += [
        f"SELECT setval(pg_get_serial_sequence('{t.name}', 'id'), 1, false)"
        for t in tables
        if "id" in t.c and t.c.id.autoincrement is not False and t.c.id.primary_key
    ]
    return "; ".join(statements)


class ServedClient(FlaskClient):
    """The test client, with each request in an app context of its own, as a server serves it
    (its own ``g``, its own database session), not in the test's.

    Before a request, what the test changed in its session is committed (the request's session
    would not see it); after it, the test's session starts a new transaction, so the test reads
    what the request committed (its objects are expired, as after any commit)."""

    def open(self, *args: Any, **kwargs: Any) -> Any:
        held = has_app_context()  # the test's own, if any
        if held and (db.session.new or db.session.dirty or db.session.deleted):
            db.session.commit()
        context = contextvars.Context()
        response = context.run(super().open, *args, **kwargs)
        if not kwargs.get("buffered") and response.is_streamed:
            _STREAMED.append((context, response))
        if held:
            db.session.commit()  # a new transaction: the test reads what the request did
        return response


#: Streamed responses keep their request's context (and database connection) until they are
#: closed; the ``app`` fixture closes those a test left open, in the context they ran in.
_STREAMED: list[tuple[contextvars.Context, Any]] = []


def _close_streamed() -> None:
    while _STREAMED:
        context, response = _STREAMED.pop()
        context.run(response.close)


@pytest.fixture
def separate_database(tmp_path: Path) -> Iterator[str]:
    """An empty database of its own, for servers or commands a test starts: a SQLite file, or
    a fresh PostgreSQL database on the suite's server (dropped afterwards)."""
    if IS_SQLITE:
        yield f"sqlite:///{tmp_path / 'separate.db'}"
        return
    import uuid

    base = make_url(DATABASE_URL)
    name = f"{base.database}_{uuid.uuid4().hex[:8]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield base.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def app_config() -> dict[str, Any]:
    """Extra config for the ``app`` fixture; a test module overrides this fixture to change it."""
    return {}


@pytest.fixture(scope="session")
def shared_files(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder whose files every test of this worker may use, put back by the fixture that
    fills it before each test (unlike ``tmp_path``, an app configured with them is shared)."""
    return tmp_path_factory.mktemp("shared")


@pytest.fixture
def catalog_copy(shared_files: Path) -> Path:
    """A private, compiled copy of ``translations/`` (and the template) that tests may edit,
    made afresh for each test.

    Use it as ``BABEL_TRANSLATION_DIRECTORIES`` through ``app_config``; the repository's own
    catalogs are never written by a test. It is always the same folder (emptied and copied
    again), so the tests that edit catalogs share one app.
    """
    target = shared_files / "translations"
    if target.exists():
        shutil.rmtree(target)
    # The .mo files compiled for this run (compiled_catalogs) come along: compiling ten
    # catalogs again for every test that edits one cost half a second each.
    shutil.copytree(catalogs.TRANSLATIONS, target, ignore=shutil.ignore_patterns("*.lock"))
    shutil.copy2(catalogs.TEMPLATE, shared_files / "messages.pot")
    return target


@pytest.fixture
def workbench_config(catalog_copy: Path) -> dict[str, str]:
    """``app_config`` for tests that write catalogs: the private copy and its template."""
    return {
        "BABEL_TRANSLATION_DIRECTORIES": str(catalog_copy),
        "TRANSLATION_TEMPLATE": str(catalog_copy.parent / "messages.pot"),
    }


@pytest.fixture
def live_workbench_app(tmp_path: Path, workbench_config: dict[str, str]) -> Callable[[], Flask]:
    """Builds an app for a live browser server: its own SQLite file, uploads folder and
    private catalogs (the browser tests of the workbench and of translate in context)."""

    def build() -> Flask:
        return create_app(
            "testing",
            SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'browser.db'}",
            UPLOADS_DIR=str(tmp_path / "uploads"),
            **workbench_config,
        )

    return build


@pytest.fixture
def translator(make_user: Callable[..., User]) -> User:
    """A translator assigned German only."""
    return make_user("hans", "translator", email="hans@example.org", translation_languages=["de"])


class SharedBytecode(BytecodeCache):
    """Compiled templates kept for the whole run: every test builds its own app, and each app's
    Jinja environment would otherwise compile every template it renders again (a third of a
    small test's time). Keyed by the template's name and source, so an edit is seen."""

    def __init__(self) -> None:
        self.codes: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Any) -> None:
        code = self.codes.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: Any) -> None:
        self.codes[bucket.key] = bucket.bytecode_to_string()


TEMPLATE_CODE = SharedBytecode()


def _shared_key(
    request: pytest.FixtureRequest, own_files: Path, shared: Path, config: dict[str, Any]
) -> tuple[Any, ...] | None:
    """The key of the shared app for ``config``; None for an app of the test's own: a test
    marked ``fresh_app``, or settings that name a test's own files (in ``own_files`` but not in
    ``shared``) or objects."""
    if request.node.get_closest_marker("fresh_app"):
        return None

    def own(value: Any) -> bool:
        text = str(value)
        return str(own_files) in text and not text.startswith(f"{shared}{os.sep}")

    if any(not isinstance(v, _PLAIN) or own(v) for v in config.values()):
        return None
    return tuple(sorted(config.items()))


def _release(app: Flask) -> None:
    """Close the database connections of a shared app no test will use again."""
    with app.app_context():
        db.engine.dispose()


def _build_app(uploads: Path, app_config: dict[str, Any]) -> Flask:
    # The media library in a folder of the tests' own; never the repository's instance/uploads.
    settings = {"UPLOADS_DIR": str(uploads), **app_config}
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=DATABASE_URL, **settings)
    app.jinja_env.bytecode_cache = TEMPLATE_CODE
    app.test_client_class = ServedClient
    return app


@pytest.fixture
def app(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory,
    shared_files: Path, app_config: dict[str, Any],
) -> Iterator[Flask]:  # fmt: skip
    """The app under test, with an empty database (the roles only) and empty caches.

    Building an app costs more than most tests, so tests with the same ``app_config`` share
    one (built on first use): its database is emptied, its media folder cleared, its caches
    (``backoffice.core.caches``) emptied but for parsed files, and whatever a test changed in
    its config, request hooks or admin views put back, before the next test. A test that adds
    routes is marked ``fresh_app``."""
    key = _shared_key(request, tmp_path_factory.getbasetemp(), shared_files, app_config)
    app = _APPS.get(key) if key is not None else None
    if app is None:
        app = _build_app(tmp_path_factory.mktemp("app") / "uploads", app_config)
        if key is not None:
            _APPS[key] = app
            if len(_APPS) > SHARED_APPS:  # settings seen once (a fresh bucket): let them go
                _release(_APPS.pop(next(iter(_APPS))))
    config = dict(app.config)
    hooks = {name: list(funcs) for name, funcs in app.before_request_funcs.items()}
    views = [
        (view, dict(vars(view))) for admin in app.extensions["admin"] for view in admin_views(admin)
    ]
    # Parsed files stay (keyed by the file's signature): each test importing a language would
    # otherwise parse the repository's unchanged .po again (514 times a run).
    caches.clear_all(files=False)
    try:
        with app.app_context():
            _prepare_database(app)
            ensure_roles(db.session)
            db.session.commit()
            yield app
            _close_streamed()
            db.session.remove()
            if key is None:
                if IS_SQLITE:
                    db.drop_all()
                db.engine.dispose()
    finally:
        app.config.clear()
        app.config.update(config)
        app.before_request_funcs.clear()
        app.before_request_funcs.update(hooks)
        for view, attributes in views:  # a test may tune a view (page size, search budget)
            vars(view).clear()
            vars(view).update(attributes)
        if key is not None:
            uploads = Path(app.config["UPLOADS_DIR"])
            _clear_folder(uploads.parent, keep=uploads)
        caches.clear_all(files=False)


def _clear_folder(folder: Path, keep: Path) -> None:
    """Remove what a test left in ``folder``; the folder ``keep`` stays, emptied (the media
    library, which the app made, and what tests put beside it)."""
    for entry in folder.iterdir():
        if entry == keep:
            _clear_folder(entry, keep=keep / "\0")  # (no entry has that name)
        elif entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry)
        else:
            entry.unlink()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    return app.test_cli_runner()


@pytest.fixture
def csrf(client: FlaskClient) -> Callable[[], str]:
    """A valid CSRF token for ``client``'s session (read from a real form)."""

    def token() -> str:
        return extract_csrf(client.get("/").get_data(as_text=True))

    return token


@pytest.fixture
def make_user(app: Flask) -> Callable[..., User]:
    def make(username: str, *roles: str, **fields: object) -> User:
        user = create_user(db.session, username, PASSWORD, roles)
        for name, value in fields.items():
            setattr(user, name, value)
        db.session.commit()
        return user

    return make


@pytest.fixture
def login_as(
    app: Flask, client: FlaskClient, make_user: Callable[..., User]
) -> Callable[..., User]:
    """Sign ``client`` in as a new user with these roles (``login_as("editor")``) or as a User.

    It starts the session exactly as the sign-in form does once the password is right
    (``sessions.start``), without the form's page, throttle and hash: the sign-in form has
    tests of its own (tests/test_security.py, tests/test_throttle.py, tests/test_sessions.py)."""

    def login(who: str | User, *extra_roles: str) -> User:
        if isinstance(who, User):
            user = who
        else:
            roles = () if who == "nobody" else (who, *extra_roles)
            user = make_user(f"{who}-user", *roles)
        db.session.commit()
        with client.session_transaction() as visitor:
            kept = {name: visitor[name] for name in sessions.KEPT if name in visitor}
        # In a context of its own, as a request: the test's session and g stay as they are.
        data = contextvars.copy_context().run(_session_after_sign_in, app, client, user.id)
        with client.session_transaction() as visitor:
            visitor.clear()
            visitor.update({**data, **kept})
        return user

    return login


def _session_after_sign_in(app: Flask, client: FlaskClient, user_id: int) -> dict[str, Any]:
    with app.test_request_context(environ_base=dict(client.environ_base)):
        sessions.start(db.session.get(User, user_id))
        return dict(session)


@pytest.fixture
def sign_in_by_form(client: FlaskClient, csrf) -> Callable[[User], None]:
    """Sign ``client`` in as ``user`` through the real sign-in form."""

    def sign_in(user: User) -> None:
        response = client.post(
            "/login",
            data={"username": user.username, "password": PASSWORD, "csrf_token": csrf()},
        )
        assert response.status_code == 302, response.get_data(as_text=True)[:500]

    return sign_in


class QueryCounter:
    """Counts the SQL statements sent to the database while it is active."""

    def __init__(self) -> None:
        self.statements: list[str] = []

    def __len__(self) -> int:
        return len(self.statements)

    def _record(self, conn, cursor, statement, parameters, context, executemany) -> None:
        self.statements.append(statement)

    def __enter__(self) -> QueryCounter:
        self.statements.clear()
        event.listen(db.engine, "before_cursor_execute", self._record)
        return self

    def __exit__(self, *exc: object) -> None:
        event.remove(db.engine, "before_cursor_execute", self._record)


@pytest.fixture
def count_queries(app: Flask) -> QueryCounter:
    """``with count_queries as q: client.get(...)``; then ``len(q)`` statements were sent."""
    return QueryCounter()


# -- an S3-compatible server for the media library -------------------------------------------
@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    """The URL of an S3-compatible server on loopback: the one ``scripts/test.sh`` starts
    (``TEST_S3_ENDPOINT_URL``), or else moto's server in a thread of this process."""
    url = os.environ.get("TEST_S3_ENDPOINT_URL")
    if url:
        yield url
        return
    import logging

    from moto.server import ThreadedMotoServer

    requests_log = logging.getLogger("werkzeug")  # moto's server logs every request there
    level = requests_log.level
    requests_log.setLevel(logging.ERROR)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()
    requests_log.setLevel(level)


@pytest.fixture(scope="session")
def shared_bucket(s3_endpoint: str) -> str:
    """The name of this worker's media bucket on the test server (see ``s3_bucket``)."""
    import uuid

    return f"media-{uuid.uuid4().hex[:16]}"


@pytest.fixture
def s3_bucket(s3_endpoint: str, shared_bucket: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """An empty bucket on the test server; the environment holds the fake credentials.

    Always this worker's one bucket, emptied (with any sibling bucket a test made beside it),
    so the tests of the S3 media library share one app."""
    for name, value in S3_ENVIRONMENT.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    empty_buckets(s3_client(s3_endpoint), shared_bucket)
    return shared_bucket


@pytest.fixture
def s3_media_config(s3_endpoint: str, s3_bucket: str) -> dict[str, str]:
    """``app_config`` for an app whose media library is the fresh bucket ``s3_bucket``."""
    return {
        "MEDIA_STORAGE": "s3",
        "MEDIA_S3_BUCKET": s3_bucket,
        "MEDIA_S3_ENDPOINT_URL": s3_endpoint,
    }


# -- browser tests ---------------------------------------------------------------------------
@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """One headless Chromium (Debian's package) for every browser test; missing = failure."""
    import shutil
    from pathlib import Path

    if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
        pytest.fail(
            "Chromium is required for the browser tests: run scripts/test.sh, which installs "
            "Debian's 'chromium' package, or apt-get install chromium."
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A fresh tab of the shared ``browser`` (see ``helpers.browser.browser_tab``)."""
    with browser_tab(browser) as tab:
        yield tab
