"""tag_counts: posts per tag, kept by triggers on post_tags

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07 22:30:00

The tag list's usage column and its sort by usage read one counter per tag instead of
counting every link of the tag (a sort by usage counted every link of every tag). The
triggers are written out here as backoffice/models/counts.py has them at this revision; the
counters are filled from the existing links.
"""
from alembic import op
import sqlalchemy as sa


revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None

TAGS_FUNCTION = """
CREATE OR REPLACE FUNCTION tag_counts_track() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO tag_counts (tag_id, n) SELECT tag_id, sum(d) FROM (SELECT tag_id, 1 AS d FROM new_rows) AS k WHERE EXISTS (SELECT 1 FROM tags WHERE tags.id = k.tag_id) GROUP BY tag_id HAVING sum(d) <> 0 ORDER BY tag_id ON CONFLICT (tag_id) DO UPDATE SET n = tag_counts.n + EXCLUDED.n;
  ELSIF TG_OP = 'DELETE' THEN
    INSERT INTO tag_counts (tag_id, n) SELECT tag_id, sum(d) FROM (SELECT tag_id, -1 AS d FROM old_rows) AS k WHERE EXISTS (SELECT 1 FROM tags WHERE tags.id = k.tag_id) GROUP BY tag_id HAVING sum(d) <> 0 ORDER BY tag_id ON CONFLICT (tag_id) DO UPDATE SET n = tag_counts.n + EXCLUDED.n;
  ELSE
    INSERT INTO tag_counts (tag_id, n) SELECT tag_id, sum(d) FROM (SELECT tag_id, 1 AS d FROM new_rows UNION ALL SELECT tag_id, -1 AS d FROM old_rows) AS k WHERE EXISTS (SELECT 1 FROM tags WHERE tags.id = k.tag_id) GROUP BY tag_id HAVING sum(d) <> 0 ORDER BY tag_id ON CONFLICT (tag_id) DO UPDATE SET n = tag_counts.n + EXCLUDED.n;
  END IF;
  RETURN NULL;
END $$
"""
TAG_TRIGGERS = {
    'sqlite': [
        'CREATE TRIGGER row_counts_tags_insert AFTER INSERT ON post_tags BEGIN INSERT INTO tag_counts (tag_id, n) VALUES (NEW.tag_id, 1) ON CONFLICT (tag_id) DO UPDATE SET n = n + 1; END',
        'CREATE TRIGGER row_counts_tags_delete AFTER DELETE ON post_tags BEGIN UPDATE tag_counts SET n = n - 1 WHERE tag_id = OLD.tag_id; END',
        'CREATE TRIGGER row_counts_tags_update AFTER UPDATE OF tag_id ON post_tags WHEN OLD.tag_id IS NOT NEW.tag_id BEGIN UPDATE tag_counts SET n = n - 1 WHERE tag_id = OLD.tag_id; INSERT INTO tag_counts (tag_id, n) VALUES (NEW.tag_id, 1) ON CONFLICT (tag_id) DO UPDATE SET n = n + 1; END',
    ],
    'postgresql': [
        TAGS_FUNCTION,
        'CREATE TRIGGER row_counts_tags_insert AFTER INSERT ON post_tags REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION tag_counts_track()',
        'CREATE TRIGGER row_counts_tags_delete AFTER DELETE ON post_tags REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION tag_counts_track()',
        'CREATE TRIGGER row_counts_tags_update AFTER UPDATE ON post_tags REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION tag_counts_track()',
    ],
}


def upgrade():
    op.create_table('tag_counts',
    sa.Column('tag_id', sa.Integer(), nullable=False),
    sa.Column('n', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['tag_id'], ['tags.id'], name=op.f('fk_tag_counts_tag_id_tags'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('tag_id', name=op.f('pk_tag_counts'))
    )
    op.execute(
        "INSERT INTO tag_counts (tag_id, n) SELECT tag_id, count(*) FROM post_tags GROUP BY tag_id"
    )
    for statement in TAG_TRIGGERS[op.get_bind().dialect.name]:
        op.execute(statement)


def downgrade():
    postgresql = op.get_bind().dialect.name == 'postgresql'
    for name in ('insert', 'delete', 'update'):
        on = ' ON post_tags' if postgresql else ''
        op.execute(f'DROP TRIGGER IF EXISTS row_counts_tags_{name}{on}')
    if postgresql:
        op.execute('DROP FUNCTION IF EXISTS tag_counts_track()')
    op.drop_table('tag_counts')
