"""posts search: an index of every word's prefixes of 2 to 6 characters (SQLite)

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-21 10:00:00

A prefix query ("qui" while typing "quiet") without a prefix index merges the lists of every
word it matches: milliseconds for a common word, paid again each time one row is looked up.
With the index it reads one list, so a common term can be tested row by row as the list walks
its sort index (backoffice.domain.search.PROBE). The FTS5 table is rebuilt from the posts; its sync
triggers (revision 0004) name it and keep working. PostgreSQL is unchanged.

The SQL is written out here, as in 0004; tests/test_migrations.py checks that it matches
what ``create_all`` builds.
"""
from alembic import op


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def _create(prefix):
    option = f", prefix='{prefix}'" if prefix else ''
    return [
        'DROP TABLE IF EXISTS posts_fts',
        "CREATE VIRTUAL TABLE IF NOT EXISTS posts_fts USING fts5(title, body, content='posts', "
        f"content_rowid='id', tokenize='unicode61 remove_diacritics 0'{option})",
        "INSERT INTO posts_fts(posts_fts) VALUES ('rebuild')",
    ]


def upgrade():
    if op.get_bind().dialect.name == 'sqlite':
        for statement in _create('2 3 4 5 6'):
            op.execute(statement)


def downgrade():
    if op.get_bind().dialect.name == 'sqlite':
        for statement in _create(None):
            op.execute(statement)
