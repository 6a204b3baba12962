"""The schema for the in-process benches (editor_page, catalog_revision)."""

from __future__ import annotations

from backoffice.extensions import db


def create_schema(database_url: str) -> None:
    """Create the tables in the current app's database: ``create_all`` on SQLite, the
    migrations elsewhere (PostgreSQL gets its triggers and search columns from them)."""
    if database_url.startswith("sqlite"):
        db.create_all()
        return
    from flask_migrate import upgrade

    upgrade()
