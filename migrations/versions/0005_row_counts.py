"""row_counts: exact per-status and per-month counts of posts and comments, kept by triggers

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-21 10:00:00

The lists, the queue tabs, the menu badge and the dashboard read these counters instead of
counting a million rows per page (see backoffice/models/counts.py). The trigger SQL is
written out here as that module had it at this revision (a later change to the module needs
a migration of its own); the counters are filled from the existing rows.
"""
from alembic import op
import sqlalchemy as sa


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

POSTGRESQL_FUNCTION = """
CREATE OR REPLACE FUNCTION row_counts_track() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO row_counts (name, n) SELECT name, sum(d) FROM (SELECT TG_TABLE_NAME || '.month.' || to_char(created_at, 'YYYY-MM') AS name, 1 AS d FROM new_rows UNION ALL SELECT TG_TABLE_NAME || '.status.' || status, 1 FROM new_rows) AS k GROUP BY name HAVING sum(d) <> 0 ORDER BY name ON CONFLICT (name) DO UPDATE SET n = row_counts.n + EXCLUDED.n;
  ELSIF TG_OP = 'DELETE' THEN
    INSERT INTO row_counts (name, n) SELECT name, sum(d) FROM (SELECT TG_TABLE_NAME || '.month.' || to_char(created_at, 'YYYY-MM') AS name, -1 AS d FROM old_rows UNION ALL SELECT TG_TABLE_NAME || '.status.' || status, -1 FROM old_rows) AS k GROUP BY name HAVING sum(d) <> 0 ORDER BY name ON CONFLICT (name) DO UPDATE SET n = row_counts.n + EXCLUDED.n;
  ELSE
    INSERT INTO row_counts (name, n) SELECT name, sum(d) FROM (SELECT TG_TABLE_NAME || '.month.' || to_char(created_at, 'YYYY-MM') AS name, 1 AS d FROM new_rows UNION ALL SELECT TG_TABLE_NAME || '.status.' || status, 1 FROM new_rows UNION ALL SELECT TG_TABLE_NAME || '.month.' || to_char(created_at, 'YYYY-MM') AS name, -1 AS d FROM old_rows UNION ALL SELECT TG_TABLE_NAME || '.status.' || status, -1 FROM old_rows) AS k GROUP BY name HAVING sum(d) <> 0 ORDER BY name ON CONFLICT (name) DO UPDATE SET n = row_counts.n + EXCLUDED.n;
  END IF;
  RETURN NULL;
END $$
"""
TRIGGERS = {
    'sqlite': [
        "CREATE TRIGGER row_counts_posts_insert AFTER INSERT ON posts BEGIN INSERT INTO row_counts (name, n) VALUES ('posts.month.' || strftime('%Y-%m', NEW.created_at), 1) ON CONFLICT (name) DO UPDATE SET n = n + 1; INSERT INTO row_counts (name, n) VALUES ('posts.status.' || NEW.status, 1) ON CONFLICT (name) DO UPDATE SET n = n + 1; END",
        "CREATE TRIGGER row_counts_posts_delete AFTER DELETE ON posts BEGIN UPDATE row_counts SET n = n - 1 WHERE name = 'posts.month.' || strftime('%Y-%m', OLD.created_at); UPDATE row_counts SET n = n - 1 WHERE name = 'posts.status.' || OLD.status; END",
        "CREATE TRIGGER row_counts_posts_update AFTER UPDATE OF status, created_at ON posts WHEN OLD.status IS NOT NEW.status OR OLD.created_at IS NOT NEW.created_at BEGIN UPDATE row_counts SET n = n - 1 WHERE name = 'posts.month.' || strftime('%Y-%m', OLD.created_at); UPDATE row_counts SET n = n - 1 WHERE name = 'posts.status.' || OLD.status; INSERT INTO row_counts (name, n) VALUES ('posts.month.' || strftime('%Y-%m', NEW.created_at), 1) ON CONFLICT (name) DO UPDATE SET n = n + 1; INSERT INTO row_counts (name, n) VALUES ('posts.status.' || NEW.status, 1) ON CONFLICT (name) DO UPDATE SET n = n + 1; END",
        "CREATE TRIGGER row_counts_comments_insert AFTER INSERT ON comments BEGIN INSERT INTO row_counts (name, n) VALUES ('comments.month.' || strftime('%Y-%m', NEW.created_at), 1) ON CONFLICT (name) DO UPDATE SET n = n + 1; INSERT INTO row_counts (name, n) VALUES ('comments.status.' || NEW.status, 1) ON CONFLICT (name) DO UPDATE SET n = n + 1; END",
        "CREATE TRIGGER row_counts_comments_delete AFTER DELETE ON comments BEGIN UPDATE row_counts SET n = n - 1 WHERE name = 'comments.month.' || strftime('%Y-%m', OLD.created_at); UPDATE row_counts SET n = n - 1 WHERE name = 'comments.status.' || OLD.status; END",
        "CREATE TRIGGER row_counts_comments_update AFTER UPDATE OF status, created_at ON comments WHEN OLD.status IS NOT NEW.status OR OLD.created_at IS NOT NEW.created_at BEGIN UPDATE row_counts SET n = n - 1 WHERE name = 'comments.month.' || strftime('%Y-%m', OLD.created_at); UPDATE row_counts SET n = n - 1 WHERE name = 'comments.status.' || OLD.status; INSERT INTO row_counts (name, n) VALUES ('comments.month.' || strftime('%Y-%m', NEW.created_at), 1) ON CONFLICT (name) DO UPDATE SET n = n + 1; INSERT INTO row_counts (name, n) VALUES ('comments.status.' || NEW.status, 1) ON CONFLICT (name) DO UPDATE SET n = n + 1; END",
    ],
    'postgresql': [
        POSTGRESQL_FUNCTION,
        'CREATE TRIGGER row_counts_posts_insert AFTER INSERT ON posts REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION row_counts_track()',
        'CREATE TRIGGER row_counts_posts_delete AFTER DELETE ON posts REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION row_counts_track()',
        'CREATE TRIGGER row_counts_posts_update AFTER UPDATE ON posts REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION row_counts_track()',
        'CREATE TRIGGER row_counts_comments_insert AFTER INSERT ON comments REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION row_counts_track()',
        'CREATE TRIGGER row_counts_comments_delete AFTER DELETE ON comments REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION row_counts_track()',
        'CREATE TRIGGER row_counts_comments_update AFTER UPDATE ON comments REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION row_counts_track()',
    ],
}
DROP_TRIGGERS = {
    'sqlite': [
        'DROP TRIGGER IF EXISTS row_counts_posts_insert',
        'DROP TRIGGER IF EXISTS row_counts_posts_delete',
        'DROP TRIGGER IF EXISTS row_counts_posts_update',
        'DROP TRIGGER IF EXISTS row_counts_comments_insert',
        'DROP TRIGGER IF EXISTS row_counts_comments_delete',
        'DROP TRIGGER IF EXISTS row_counts_comments_update',
    ],
    'postgresql': [
        'DROP TRIGGER IF EXISTS row_counts_posts_insert ON posts',
        'DROP TRIGGER IF EXISTS row_counts_posts_delete ON posts',
        'DROP TRIGGER IF EXISTS row_counts_posts_update ON posts',
        'DROP TRIGGER IF EXISTS row_counts_comments_insert ON comments',
        'DROP TRIGGER IF EXISTS row_counts_comments_delete ON comments',
        'DROP TRIGGER IF EXISTS row_counts_comments_update ON comments',
        'DROP FUNCTION IF EXISTS row_counts_track()',
    ],
}
RECOUNT = {
    'sqlite': [
        'DELETE FROM row_counts',
        "INSERT INTO row_counts (name, n) SELECT 'posts.status.' || status, count(*) FROM posts GROUP BY status",
        "INSERT INTO row_counts (name, n) SELECT 'posts.month.' || strftime('%Y-%m', created_at), count(*) FROM posts GROUP BY strftime('%Y-%m', created_at)",
        "INSERT INTO row_counts (name, n) SELECT 'comments.status.' || status, count(*) FROM comments GROUP BY status",
        "INSERT INTO row_counts (name, n) SELECT 'comments.month.' || strftime('%Y-%m', created_at), count(*) FROM comments GROUP BY strftime('%Y-%m', created_at)",
    ],
    'postgresql': [
        'DELETE FROM row_counts',
        "INSERT INTO row_counts (name, n) SELECT 'posts.status.' || status, count(*) FROM posts GROUP BY status",
        "INSERT INTO row_counts (name, n) SELECT 'posts.month.' || to_char(created_at, 'YYYY-MM'), count(*) FROM posts GROUP BY to_char(created_at, 'YYYY-MM')",
        "INSERT INTO row_counts (name, n) SELECT 'comments.status.' || status, count(*) FROM comments GROUP BY status",
        "INSERT INTO row_counts (name, n) SELECT 'comments.month.' || to_char(created_at, 'YYYY-MM'), count(*) FROM comments GROUP BY to_char(created_at, 'YYYY-MM')",
    ],
}


def upgrade():
    op.create_table(
        'row_counts',
        sa.Column('name', sa.String(length=64), nullable=False),
        sa.Column('n', sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint('name', name=op.f('pk_row_counts')),
    )
    dialect = op.get_bind().dialect.name
    for statement in TRIGGERS[dialect] + RECOUNT[dialect]:
        op.execute(sa.text(statement))


def downgrade():
    for statement in DROP_TRIGGERS[op.get_bind().dialect.name]:
        op.execute(sa.text(statement))
    op.drop_table('row_counts')
