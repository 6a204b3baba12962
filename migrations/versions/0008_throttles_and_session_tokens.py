"""throttles (sign-in and comment attempt counters) and users.session_token (revocable sessions)

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-22 09:00:00

``throttles`` holds the attempt counters of backoffice/security/throttle.py in the database,
so every worker and every instance counts the same attempts. ``users.session_token`` is the
value every session of a user carries (``User.get_id()``); replacing it ends them all.
Existing users each get a random token: sessions made before this revision (which hold only
the user id) no longer load, so everyone signs in once more.
"""
import secrets

from alembic import op
import sqlalchemy as sa


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'throttles',
        sa.Column('key', sa.String(length=100), nullable=False),
        sa.Column('hits', sa.Integer(), nullable=False),
        sa.Column('blocked_until', sa.Double(), nullable=False),
        sa.Column('expires_at', sa.Double(), nullable=False),
        sa.PrimaryKeyConstraint('key', name=op.f('pk_throttles')),
    )
    op.create_index(op.f('ix_throttles_expires_at'), 'throttles', ['expires_at'], unique=False)

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_token', sa.String(length=64), nullable=True))
    connection = op.get_bind()
    users = sa.table('users', sa.column('id', sa.Integer), sa.column('session_token', sa.String))
    for (user_id,) in connection.execute(sa.select(users.c.id)).all():
        connection.execute(
            users.update()
            .where(users.c.id == user_id)
            .values(session_token=secrets.token_urlsafe(16))
        )
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.alter_column('session_token', existing_type=sa.String(length=64), nullable=False)


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('session_token')
    op.drop_index(op.f('ix_throttles_expires_at'), table_name='throttles')
    op.drop_table('throttles')
