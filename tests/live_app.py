"""The app as ``tests/test_workbench_live.py`` serves it under gunicorn (not a test module).

Settings come from ``LIVE_*`` environment variables set by that test; each response names
the worker that answered it, so the test can tell that every worker saw a change, and
a request with ``X-Hold`` keeps its worker busy for a moment, so that the next request goes to
another one.
"""

from __future__ import annotations

import os
import time

from flask import Response, request

from backoffice import create_app
from backoffice.extensions import db

app = create_app(
    "testing",
    SQLALCHEMY_DATABASE_URI=os.environ["LIVE_DATABASE_URL"],
    BABEL_TRANSLATION_DIRECTORIES=os.environ["LIVE_TRANSLATIONS"],
    TRANSLATION_TEMPLATE=os.environ["LIVE_TEMPLATE"],
    UPLOADS_DIR=os.environ["LIVE_UPLOADS"],
)


@app.after_request
def _name_the_worker(response: Response) -> Response:
    response.headers["X-Worker-Pid"] = str(os.getpid())
    return response


@app.before_request
def _hold() -> None:
    """``X-Hold: 1`` keeps this worker busy for a second before it answers: a request sent
    meanwhile goes to another worker."""
    if request.headers.get("X-Hold"):
        # End the request's transaction first: on SQLite an open read would keep the other
        # worker from writing (its first-use import of the catalogs) while this one sleeps.
        db.session.remove()
        time.sleep(1.0)
