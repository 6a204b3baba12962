"""Reference 2: the bare Flask floor, one indexed SELECT and a 20-row Jinja table per page.

``gunicorn bench.floor_app:app`` with ``DATABASE_URL`` set.
"""

from __future__ import annotations

import os

from flask import Flask, render_template
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
    engine = create_engine(os.environ["DATABASE_URL"])

    @app.get("/")
    def index() -> str:
        return "floor"

    @app.get("/comments")
    def comments() -> str:
        with engine.connect() as conn:
            rows = conn.execute(COMMENTS).all()
        return render_template("floor.html", title="Comments", rows=rows)

    @app.get("/posts")
    def posts() -> str:
        with engine.connect() as conn:
            rows = conn.execute(POSTS).all()
        return render_template("floor.html", title="Posts", rows=rows)

    return app


app = create_app()
