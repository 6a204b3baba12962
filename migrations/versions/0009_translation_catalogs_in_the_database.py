"""translation catalogs in the database: catalogs (one per language) and catalog_entries

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06 13:52:36

The workbench's catalogs move from the .po files of each checkout into the database, so
every instance edits and serves the same ones. The tables start empty: the first
`flask translate sync` (the release step), or the first use of a language in the workbench,
imports the files as they are, translations saved through the workbench before this
revision included.
"""
from alembic import op
import sqlalchemy as sa


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('catalogs',
    sa.Column('lang', sa.String(length=16), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('stamp', sa.String(length=32), nullable=False),
    sa.Column('plural_forms', sa.String(length=255), nullable=False),
    sa.Column('header', sa.JSON(), nullable=False),
    sa.Column('template_date', sa.DateTime(), nullable=True),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_catalogs_updated_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('lang', name=op.f('pk_catalogs'))
    )
    op.create_table('catalog_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('lang', sa.String(length=16), nullable=False),
    sa.Column('key', sa.String(length=32), nullable=False),
    sa.Column('context', sa.Text(), nullable=True),
    sa.Column('msgid', sa.Text(), nullable=False),
    sa.Column('msgid_plural', sa.Text(), nullable=True),
    sa.Column('strings', sa.JSON(), nullable=False),
    sa.Column('fuzzy', sa.Boolean(), nullable=False),
    sa.Column('version', sa.String(length=16), nullable=False),
    sa.Column('base', sa.JSON(), nullable=True),
    sa.Column('obsolete', sa.Boolean(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('flags', sa.JSON(), nullable=False),
    sa.Column('locations', sa.JSON(), nullable=False),
    sa.Column('auto_comments', sa.JSON(), nullable=False),
    sa.Column('user_comments', sa.JSON(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['lang'], ['catalogs.lang'], name=op.f('fk_catalog_entries_lang_catalogs'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_catalog_entries_updated_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_catalog_entries')),
    sa.UniqueConstraint('lang', 'key', name='uq_catalog_entries_lang_key')
    )
    with op.batch_alter_table('catalog_entries', schema=None) as batch_op:
        batch_op.create_index('ix_catalog_entries_lang_position', ['lang', 'position'], unique=False)



def downgrade():
    with op.batch_alter_table('catalog_entries', schema=None) as batch_op:
        batch_op.drop_index('ix_catalog_entries_lang_position')

    op.drop_table('catalog_entries')
    op.drop_table('catalogs')
