"""audit entries: batch id of a bulk operation

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-21 06:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('audit_entries', schema=None) as batch_op:
        batch_op.add_column(sa.Column('batch', sa.String(length=32), nullable=True))
        batch_op.create_index(batch_op.f('ix_audit_entries_batch'), ['batch'], unique=False)


def downgrade():
    with op.batch_alter_table('audit_entries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_entries_batch'))
        batch_op.drop_column('batch')
