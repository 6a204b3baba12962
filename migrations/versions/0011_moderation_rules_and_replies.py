"""moderation rules, why a comment is held, replies from the queue, authors' counts

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07 00:30:00

On SQLite the comments table is rebuilt (a foreign key cannot be added otherwise), which
drops its full-text and counting triggers (see 0004): they are made again from what the
database held. Existing comments have no hold reason; the rules start as WordPress's
defaults (hold at two links) when first read.

The author counters (``author_counts``: comments per e-mail and status) are kept by
triggers, written out here as backoffice/models/counts.py has them at this revision, and
filled from the existing comments.
"""
from alembic import op
import sqlalchemy as sa


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


# (column, table it refers to, ON DELETE)
FOREIGN_KEYS = [('parent_id', 'comments', 'CASCADE'), ('author_id', 'users', 'SET NULL')]

# The author counters (backoffice/models/counts.py as it is at this revision): comments per
# e-mail and status, kept by triggers named like the other counters'.
AUTHORS_FUNCTION = """
CREATE OR REPLACE FUNCTION author_counts_track() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO author_counts (email, status, n) SELECT email, status, sum(d) FROM (SELECT email, status, 1 AS d FROM new_rows WHERE email IS NOT NULL) AS k GROUP BY email, status HAVING sum(d) <> 0 ORDER BY email, status ON CONFLICT (email, status) DO UPDATE SET n = author_counts.n + EXCLUDED.n;
  ELSIF TG_OP = 'DELETE' THEN
    INSERT INTO author_counts (email, status, n) SELECT email, status, sum(d) FROM (SELECT email, status, -1 AS d FROM old_rows WHERE email IS NOT NULL) AS k GROUP BY email, status HAVING sum(d) <> 0 ORDER BY email, status ON CONFLICT (email, status) DO UPDATE SET n = author_counts.n + EXCLUDED.n;
  ELSE
    INSERT INTO author_counts (email, status, n) SELECT email, status, sum(d) FROM (SELECT email, status, 1 AS d FROM new_rows WHERE email IS NOT NULL UNION ALL SELECT email, status, -1 AS d FROM old_rows WHERE email IS NOT NULL) AS k GROUP BY email, status HAVING sum(d) <> 0 ORDER BY email, status ON CONFLICT (email, status) DO UPDATE SET n = author_counts.n + EXCLUDED.n;
  END IF;
  RETURN NULL;
END $$
"""
AUTHOR_TRIGGERS = {
    'sqlite': [
        'CREATE TRIGGER row_counts_authors_insert AFTER INSERT ON comments BEGIN INSERT INTO author_counts (email, status, n) SELECT NEW.email, NEW.status, 1 WHERE NEW.email IS NOT NULL ON CONFLICT (email, status) DO UPDATE SET n = n + 1; END',
        'CREATE TRIGGER row_counts_authors_delete AFTER DELETE ON comments BEGIN UPDATE author_counts SET n = n - 1 WHERE email = OLD.email AND status = OLD.status; END',
        'CREATE TRIGGER row_counts_authors_update AFTER UPDATE OF status, email ON comments WHEN OLD.status IS NOT NEW.status OR OLD.email IS NOT NEW.email BEGIN UPDATE author_counts SET n = n - 1 WHERE email = OLD.email AND status = OLD.status; INSERT INTO author_counts (email, status, n) SELECT NEW.email, NEW.status, 1 WHERE NEW.email IS NOT NULL ON CONFLICT (email, status) DO UPDATE SET n = n + 1; END',
    ],
    'postgresql': [
        AUTHORS_FUNCTION,
        'CREATE TRIGGER row_counts_authors_insert AFTER INSERT ON comments REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION author_counts_track()',
        'CREATE TRIGGER row_counts_authors_delete AFTER DELETE ON comments REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION author_counts_track()',
        'CREATE TRIGGER row_counts_authors_update AFTER UPDATE ON comments REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION author_counts_track()',
    ],
}


def _comments_triggers():
    """SQLite: the comments table's triggers (full-text search, row counts), which a batch
    rebuild of the table drops: read before, made again after."""
    if op.get_bind().dialect.name != 'sqlite':
        return []
    query = "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'comments'"
    return op.get_bind().execute(sa.text(query)).scalars().all()


def upgrade():
    op.create_table('moderation_rules',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('link_limit', sa.Integer(), nullable=False),
    sa.Column('hold_words', sa.Text(), nullable=False),
    sa.Column('spam_words', sa.Text(), nullable=False),
    sa.Column('approve_known', sa.Boolean(), nullable=False),
    sa.Column('known_count', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_moderation_rules_updated_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_moderation_rules'))
    )
    triggers = _comments_triggers()
    with op.batch_alter_table('comments', schema=None) as batch_op:
        for column, target, on_delete in FOREIGN_KEYS:
            batch_op.add_column(sa.Column(column, sa.Integer(), nullable=True))
            batch_op.create_foreign_key(
                batch_op.f(f'fk_comments_{column}_{target}'), target, [column], ['id'],
                ondelete=on_delete,
            )
    for statement in triggers:
        op.execute(statement)
    op.create_table('author_counts',
    sa.Column('email', sa.String(length=255), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('n', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('email', 'status', name=op.f('pk_author_counts'))
    )
    for statement in AUTHOR_TRIGGERS[op.get_bind().dialect.name]:
        op.execute(statement)
    op.execute(
        "INSERT INTO author_counts (email, status, n) SELECT email, status, count(*) "
        "FROM comments WHERE email IS NOT NULL GROUP BY email, status"
    )
    op.add_column('comments', sa.Column('hold_reason', sa.String(length=16), nullable=True))
    op.add_column('comments', sa.Column('hold_detail', sa.String(length=200), nullable=True))
    op.create_index(op.f('ix_comments_parent_id'), 'comments', ['parent_id'], unique=False)
    op.create_index(op.f('ix_comments_author_id'), 'comments', ['author_id'], unique=False)
    op.create_index('ix_comments_email_status', 'comments', ['email', 'status'], unique=False)
    op.create_index(
        'ix_comments_hold_reason_status_created_at_id', 'comments',
        ['hold_reason', 'status', 'created_at', 'id'], unique=False,
        sqlite_where=sa.text('hold_reason IS NOT NULL'),
        postgresql_where=sa.text('hold_reason IS NOT NULL'),
    )


def downgrade():
    for name in ('insert', 'delete', 'update'):
        if op.get_bind().dialect.name == 'postgresql':
            op.execute(f'DROP TRIGGER IF EXISTS row_counts_authors_{name} ON comments')
        else:
            op.execute(f'DROP TRIGGER IF EXISTS row_counts_authors_{name}')
    if op.get_bind().dialect.name == 'postgresql':
        op.execute('DROP FUNCTION IF EXISTS author_counts_track()')
    op.drop_table('author_counts')
    op.drop_index('ix_comments_hold_reason_status_created_at_id', table_name='comments')
    op.drop_index('ix_comments_email_status', table_name='comments')
    op.drop_index(op.f('ix_comments_author_id'), table_name='comments')
    op.drop_index(op.f('ix_comments_parent_id'), table_name='comments')
    triggers = _comments_triggers()
    with op.batch_alter_table('comments', schema=None) as batch_op:
        batch_op.drop_column('hold_detail')
        batch_op.drop_column('hold_reason')
        batch_op.drop_column('author_id')
        batch_op.drop_column('parent_id')
    for statement in triggers:
        op.execute(statement)
    op.drop_table('moderation_rules')
