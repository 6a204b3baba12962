"""Reference 2: the bare Flask floor. Each page reads the signed session cookie, runs one
indexed SELECT on a kept connection (the engine's pool) and renders a 20-row Jinja table.

``gunicorn bench.floor_app:app`` with ``DATABASE_URL`` and ``SECRET_KEY`` set; ``GET /``
gives a client its session cookie (bench/run.py asks for it before measuring).
"""

from __future__ import annotations

import os

from flask import Flask, render_template, session
from sqlalchemy import create_engine, text

COMMENTS = text(
    "SELECT id, author_name, text, status, created_at FROM comments "
    "ORDER BY created_at DESC LIMIT 20"
)
POSTS = text(
    "SELECT id, title, status, published_at, created_at FROM posts ORDER BY id DESC LIMIT 20"
)


def create_app() -> Flask:
    """The floor app on ``DATABASE_URL``."""
    app = Flask(__name__)
    app.secret_key = os.environ["SECRET_KEY"]
    engine = create_engine(os.environ["DATABASE_URL"])

    @app.get("/")
    def index() -> str:
        session["reader"] = "bench"
        return "floor"

    def page(title: str, query: object) -> str:
        with engine.connect() as conn:
            rows = conn.execute(query).all()
        return render_template("floor.html", title=title, rows=rows, reader=session["reader"])

    @app.get("/comments")
    def comments() -> str:
        return page("Comments", COMMENTS)

    @app.get("/posts")
    def posts() -> str:
        return page("Posts", POSTS)

    return app


app = create_app()
