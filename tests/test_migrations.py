"""The migrations build exactly the schema the models describe."""

from __future__ import annotations

import warnings

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import upgrade
from helpers.app import DATABASE_URL, IS_SQLITE
from sqlalchemy import select, text

from backoffice import create_app
from backoffice.domain.search import matching, outside_the_models
from backoffice.extensions import db
from backoffice.models import Post, Role


def _differences() -> list:
    with db.engine.connect() as connection, warnings.catch_warnings():
        warnings.filterwarnings("ignore", ".*expression-based index")
        opts = {"compare_type": True, "include_name": outside_the_models}
        context = MigrationContext.configure(connection, opts=opts)
        diffs = compare_metadata(context, db.metadata)
    # Expression indexes cannot be reflected on SQLite; they are checked by name below.
    return [
        d
        for d in diffs
        if not (d[0] in ("add_index", "remove_index") and d[1].name == "uq_tags_title_lower")
    ]


def _index_names() -> set[str]:
    query = (
        "SELECT name FROM sqlite_master WHERE type = 'index'"
        if IS_SQLITE
        else "SELECT indexname FROM pg_indexes WHERE schemaname = 'public'"
    )
    return set(db.session.scalars(text(query)))


def test_upgrade_creates_the_models_schema_with_the_four_roles(tmp_path):
    url = f"sqlite:///{tmp_path / 'fresh.db'}" if IS_SQLITE else DATABASE_URL
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=url)
    with app.app_context():
        if IS_SQLITE:
            upgrade()
        # (On PostgreSQL the suite's schema was built by the same upgrade() in conftest.)
        assert _differences() == []
        # On PostgreSQL the fixtures re-create the roles between tests, so this proves
        # the migration's inserts only on SQLite; the schema comparison holds on both.
        names = set(db.session.scalars(select(Role.name)))
        assert {"admin", "editor", "author", "translator"} <= names
        assert "uq_tags_title_lower" in _index_names()
        wanted = {"ix_comments_status_created_at_id", "ix_comments_post_id_status_created_at"}
        assert wanted <= _index_names()
        db.session.remove()
        db.engine.dispose()


SEARCH_SCHEMA = "name LIKE '%fts%'"
COUNTING_TRIGGERS = "type = 'trigger' AND name LIKE 'row_counts%'"


def _sqlite_schema(condition: str) -> set[tuple[str, str, str]]:
    """(type, name, sql) of the SQLite schema objects that meet ``condition``."""
    query = f"SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL AND {condition}"
    return {tuple(row) for row in db.session.execute(text(query))}


def _created_schema(tmp_path, condition: str) -> set[tuple[str, str, str]]:
    """What ``db.create_all()`` (the models, without migrations) makes of ``condition``."""
    created = create_app("testing", SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'c.db'}")
    with created.app_context():
        db.create_all()
        found = _sqlite_schema(condition)
        db.session.remove()
        db.engine.dispose()
    return found


@pytest.mark.sqlite_only("FTS5 tables and triggers exist on SQLite only")
def test_0004_indexes_existing_rows_and_matches_create_all(tmp_path):
    from flask_migrate import downgrade

    migrated = create_app("testing", SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'm.db'}")
    with migrated.app_context():
        upgrade(revision="0003")
        db.session.execute(
            text("INSERT INTO posts (title, slug, body, status, created_at, updated_at) "
                 "VALUES ('Older post', 'older', '<p>marmalade</p>', 'draft', "
                 "'2026-01-01 00:00:00.000000', '2026-01-01 00:00:00.000000')")
        )  # fmt: skip
        db.session.commit()
        upgrade()
        condition = matching(Post, "marmalade", "sqlite")
        assert db.session.scalars(select(Post.title).where(condition)).all() == ["Older post"]
        from_migration = _sqlite_schema(SEARCH_SCHEMA)
        downgrade(revision="0003")
        assert _sqlite_schema(SEARCH_SCHEMA) == set()
        db.session.remove()
        db.engine.dispose()
    assert _created_schema(tmp_path, SEARCH_SCHEMA) == from_migration


@pytest.mark.sqlite_only("compares a migrated and a created SQLite file")
def test_the_migrated_counting_triggers_are_the_ones_the_models_create(tmp_path):
    """Migrations 0005 (per status and month), 0011 (per author) and 0012 (per tag) write
    their trigger SQL out: a change to backoffice.models.counts that is not followed by a
    migration shows here."""
    migrated = create_app("testing", SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'm.db'}")
    with migrated.app_context():
        upgrade()
        from_migration = _sqlite_schema(COUNTING_TRIGGERS)
        db.session.remove()
        db.engine.dispose()
    assert len(from_migration) == 12  # insert, delete, update: posts, comments, authors, tags
    assert _created_schema(tmp_path, COUNTING_TRIGGERS) == from_migration
