"""Reference 1: a classic Flask-Admin back-office over the same models, default options.

Plain ``ModelView``s for posts, comments and tags, the same Bootstrap 4 theme, no sign-in;
posts are searchable by title and body as a tutorial app would make them.
``gunicorn bench.stock_app:app`` with ``DATABASE_URL`` set.
"""

from __future__ import annotations

import os

from flask import Flask
from flask_admin import Admin
from flask_admin.contrib.sqla import ModelView
from flask_admin.theme import Bootstrap4Theme
from flask_babel import Babel

from backoffice.extensions import db
from backoffice.models import Comment, Post, Tag


class PostView(ModelView):
    """The tutorial's post view: search over title and body."""

    column_searchable_list = ["title", "body"]


def create_app() -> Flask:
    """The stock app on ``DATABASE_URL``."""
    app = Flask(__name__)
    app.config["SECRET_KEY"] = os.environ.get("SECRET_KEY", "stock")
    app.config["SQLALCHEMY_DATABASE_URI"] = os.environ["DATABASE_URL"]
    db.init_app(app)
    Babel(app)  # Flask-Admin's pages fail without an initialised Flask-Babel
    admin = Admin(app, name="Stock", theme=Bootstrap4Theme())
    admin.add_view(PostView(Post, db))
    admin.add_view(ModelView(Comment, db))
    admin.add_view(ModelView(Tag, db))
    return app


app = create_app()
