"""Development only: a secret key of its own, and the debug toolbar for this machine alone.

The toolbar shows the configuration, every query and the request, and runs SELECTs on
request, so it (its own pages and files included) answers only clients whose address is in
``DEBUG_TB_HOSTS`` (loopback). Our copies of two of its templates (``templates/debugtoolbar/``)
load it without inline script, so it works under the site's script policy, and hide secrets in
its config panel.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import tempfile
from pathlib import Path

from flask import Flask, Response, abort, current_app, g, request, url_for
from flask_debugtoolbar.panels.sqlalchemy import load_query
from flask_debugtoolbar.utils import format_sql
from jinja2 import ChoiceLoader, Environment, FileSystemLoader
from sqlalchemy.engine import make_url

from backoffice.extensions import csrf, db, toolbar

TEMPLATES = Path(__file__).resolve().parents[2] / "templates" / "debugtoolbar"
SETUP_ENDPOINT = "backoffice_toolbar_setup"
# The toolbar's own cookie: "hide" shows it collapsed to a small handle.
COLLAPSED_COOKIE = "fldt"
# Set with the first collapsed page: once the developer opens the toolbar (its script then
# deletes "fldt"), it stays open for the rest of the browser session.
SEEN_COOKIE = "backoffice_toolbar_seen"
SECRET_NAME = re.compile(r"(SECRET|PASSWORD|TOKEN)(_KEY)?$")


def dev_secret_key(path: Path) -> str:
    """The development ``SECRET_KEY``: random, written once to ``path`` (mode 0600), then read.

    The file appears complete or not at all (written aside, then linked into place), and a
    second process starting at the same moment keeps the first one's key.
    """
    if not path.exists():
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)  # 0600
            try:
                with os.fdopen(fd, "w") as file:
                    file.write(secrets.token_hex(32) + "\n")
                    file.flush()
                    os.fsync(file.fileno())
                try:
                    os.link(temp, path)
                except FileExistsError:
                    pass  # another process was first: use its key
            finally:
                os.unlink(temp)
        except OSError as error:
            raise RuntimeError(
                f"Cannot create the development secret key {path}: {error.strerror}. "
                "Set SECRET_KEY instead."
            ) from None
    key = path.read_text(encoding="utf-8").strip()
    if len(key) < 32:
        raise RuntimeError(f"The development secret key {path} is damaged; delete it.")
    return key


def init_toolbar(app: Flask) -> None:
    """Bind the toolbar to ``app`` if ``DEBUG_TB_ENABLED``: loopback only, collapsed at first,
    and a SQL panel whose SELECT and EXPLAIN links work on SQLAlchemy 2."""
    if not app.config["DEBUG_TB_ENABLED"]:
        return
    toolbar.init_app(app)
    env: Environment = toolbar.jinja_env  # one per process, shared by every app
    if env.loader and not isinstance(env.loader, ChoiceLoader):
        env.loader = ChoiceLoader([FileSystemLoader(str(TEMPLATES)), env.loader])
    env.filters["redact"] = redact
    # Upstream's view calls Engine.execute, which SQLAlchemy 2 removed (a 500 on every link);
    # its script posts without a CSRF token. The query is signed with SECRET_KEY and must be
    # a SELECT, so nothing else can be run through it.
    app.view_functions["debugtoolbar.sql_select"] = csrf.exempt(sql_select)
    app.add_url_rule("/_debug_toolbar/setup.js", SETUP_ENDPOINT, _setup_script)
    app.before_request(_only_for_this_machine)
    app.after_request(_start_collapsed)


def for_this_machine() -> bool:
    """True if the request comes from an address in ``DEBUG_TB_HOSTS`` (or that list is empty,
    as upstream)."""
    hosts = current_app.config["DEBUG_TB_HOSTS"]
    return not hosts or request.remote_addr in hosts


def _only_for_this_machine() -> None:
    # Upstream only hides the toolbar from other clients; its pages still answer them.
    own = request.blueprint == "debugtoolbar" or request.endpoint in (
        "_debug_toolbar.static",
        SETUP_ENDPOINT,
    )
    if own and not for_this_machine():
        abort(404)


def _start_collapsed(response: Response) -> Response:
    if (
        response.mimetype == "text/html"
        and SEEN_COOKIE not in request.cookies
        and for_this_machine()
    ):
        response.set_cookie(COLLAPSED_COOKIE, "hide", samesite="Lax")  # its script reads it
        response.set_cookie(SEEN_COOKIE, "1", samesite="Lax", httponly=True)
    return response


def _setup_script() -> Response:
    """What upstream writes as an inline script, which the site's script policy blocks."""
    path = json.dumps(url_for("_debug_toolbar.static", filename=""))
    return Response(f"var DEBUG_TOOLBAR_STATIC_PATH = {path};\n", mimetype="text/javascript")


def sql_select(explain: bool = False) -> str:
    """The SQL panel's SELECT and EXPLAIN links: run the signed query again, then roll back."""
    statement, params = load_query(request.args["query"])
    if explain:
        prefix = "EXPLAIN QUERY PLAN" if db.engine.dialect.name == "sqlite" else "EXPLAIN"
        statement = f"{prefix}\n{statement}"
    # Recorded as a list of parameter sets (one for a SELECT); tuples come back as lists.
    if isinstance(params, list) and len(params) == 1 and isinstance(params[0], list | dict):
        params = params[0]
    if isinstance(params, list):
        params = tuple(params)
    with db.engine.connect() as connection:
        result = connection.exec_driver_sql(statement, params)
        rows, headers = result.fetchall(), list(result.keys())
    return g.debug_toolbar.render(
        "panels/sqlalchemy_select.html",
        {
            "result": rows,
            "headers": headers,
            "sql": format_sql(statement, params),
            "duration": float(request.args.get("duration", 0)),
        },
    )


class _Hidden:
    def __repr__(self) -> str:
        return "<hidden>"


def redact(value: object, key: str) -> object:
    """A config value as the toolbar may show it: no secret keys or passwords."""
    if value and SECRET_NAME.search(key):
        return _Hidden()
    if isinstance(value, str) and "://" in value and "@" in value:
        try:
            return make_url(value).render_as_string(hide_password=True)
        except Exception:  # not a URL after all
            return _Hidden()
    return value
