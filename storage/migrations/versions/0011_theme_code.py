"""The codebook theme a purged comment was counted under, by code

Revision ID: 0011
Revises: 0010

Retention keeps each comment's theme as text (the codebook's English name). The code is kept
beside it, so each reader sees a codebook theme's name in their own language. Comments purged
before this have no code: their English name is looked up in the codebook when shown.
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("responses") as batch:
        batch.add_column(sa.Column("theme_code", sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("responses") as batch:
        batch.drop_column("theme_code")
