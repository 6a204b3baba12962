"""row_counts: exact per-status and per-month counts of posts and comments, kept by triggers

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-21 10:00:00

The lists, the queue tabs, the menu badge and the dashboard read these counters instead of
counting a million rows per page (see backoffice/models/counts.py). The trigger SQL is the
one in that module at this revision; the counters are filled from the existing rows.
"""
from alembic import op
import sqlalchemy as sa

from backoffice.models.counts import drop_trigger_statements, rebuild, trigger_statements


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'row_counts',
        sa.Column('name', sa.String(length=64), nullable=False),
        sa.Column('n', sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint('name', name=op.f('pk_row_counts')),
    )
    connection = op.get_bind()
    for statement in trigger_statements(connection.dialect.name):
        op.execute(sa.text(statement))
    rebuild(connection)


def downgrade():
    for statement in drop_trigger_statements(op.get_bind().dialect.name):
        op.execute(sa.text(statement))
    op.drop_table('row_counts')
