"""full-text search (FTS5 / GIN) and indexes for the lists' default sorts and filters

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22 09:00:00

The SQL is written out here (not imported from backoffice.domain.search) so this revision keeps
building the same schema when the application code moves on; tests/test_migrations.py checks
that it matches what ``create_all`` builds.

SQLite: a table rebuilt by a later batch migration (``batch_alter_table`` on posts or
comments) loses its triggers; such a migration must create them again.
"""
from alembic import op
import sqlalchemy as sa


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

# table -> searched columns (backoffice.domain.search.SEARCHABLE at the time of this revision)
SEARCHABLE = {
    'posts': ('title', 'body'),
    'comments': ('author_name', 'email', 'text'),
}
# (name, table, columns) replaced by this revision / their replacements
OLD_INDEXES = [
    ('ix_posts_author_id', 'posts', ['author_id']),
    ('ix_comments_status_created_at', 'comments', ['status', 'created_at']),
    ('ix_comments_created_at', 'comments', ['created_at']),
    ('ix_comments_post_id', 'comments', ['post_id']),
    ('ix_post_tags_tag_id', 'post_tags', ['tag_id']),
]
NEW_INDEXES = [
    ('ix_posts_updated_at_id', 'posts', ['updated_at', 'id']),
    ('ix_posts_status_updated_at_id', 'posts', ['status', 'updated_at', 'id']),
    ('ix_posts_author_id_updated_at_id', 'posts', ['author_id', 'updated_at', 'id']),
    ('ix_comments_status_created_at_id', 'comments', ['status', 'created_at', 'id']),
    ('ix_comments_created_at_id', 'comments', ['created_at', 'id']),
    ('ix_comments_post_id_status_created_at', 'comments', ['post_id', 'status', 'created_at']),
    ('ix_post_tags_tag_id_post_id', 'post_tags', ['tag_id', 'post_id']),
]


def _sqlite_fts(table, columns):
    fts = f'{table}_fts'
    cols = ', '.join(columns)
    new = ', '.join(f'new.{c}' for c in columns)
    old = ', '.join(f'old.{c}' for c in columns)
    add = f'INSERT INTO {fts}(rowid, {cols}) VALUES (new.id, {new});'
    remove = f"INSERT INTO {fts}({fts}, rowid, {cols}) VALUES ('delete', old.id, {old});"
    return [
        f"CREATE VIRTUAL TABLE IF NOT EXISTS {fts} USING fts5({cols}, content='{table}', "
        "content_rowid='id', tokenize='unicode61 remove_diacritics 0')",
        f'CREATE TRIGGER IF NOT EXISTS {fts}_ai AFTER INSERT ON {table} BEGIN {add} END',
        f'CREATE TRIGGER IF NOT EXISTS {fts}_ad AFTER DELETE ON {table} BEGIN {remove} END',
        f'CREATE TRIGGER IF NOT EXISTS {fts}_au AFTER UPDATE OF {cols} ON {table} '
        f'BEGIN {remove} {add} END',
        # index the rows that are already there
        f"INSERT INTO {fts}({fts}) VALUES ('rebuild')",
    ]


def _pg_document(columns):
    # "@" -> " ": e-mail addresses are searchable by name and by domain
    text = " || ' ' || ".join(f"replace(coalesce({c}, ''), '@', ' ')" for c in columns)
    return sa.text(f"to_tsvector('simple'::regconfig, {text})")


def upgrade():
    for name, table, _columns in OLD_INDEXES:
        op.drop_index(name, table_name=table)
    for name, table, columns in NEW_INDEXES:
        op.create_index(name, table, columns, unique=False)

    dialect = op.get_bind().dialect.name
    for table, columns in SEARCHABLE.items():
        if dialect == 'sqlite':
            for statement in _sqlite_fts(table, columns):
                op.execute(statement)
        elif dialect == 'postgresql':
            op.create_index(
                f'ix_{table}_search', table, [_pg_document(columns)], postgresql_using='gin'
            )


def downgrade():
    dialect = op.get_bind().dialect.name
    for table in SEARCHABLE:
        if dialect == 'sqlite':
            for suffix in ('ai', 'ad', 'au'):
                op.execute(f'DROP TRIGGER IF EXISTS {table}_fts_{suffix}')
            op.execute(f'DROP TABLE IF EXISTS {table}_fts')
        elif dialect == 'postgresql':
            op.drop_index(f'ix_{table}_search', table_name=table)

    for name, table, _columns in NEW_INDEXES:
        op.drop_index(name, table_name=table)
    for name, table, columns in OLD_INDEXES:
        op.create_index(name, table, columns, unique=False)
