"""Summaries: released slices, results opt-in, retention

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("rounds") as batch:
        batch.add_column(
            sa.Column("results_while_open", sa.Boolean(), nullable=False,
                      server_default=sa.false())
        )
        batch.add_column(sa.Column("purged_on", sa.Date(), nullable=True))
    with op.batch_alter_table("responses") as batch:
        batch.add_column(sa.Column("theme", sa.String(length=200), nullable=True))
        batch.add_column(sa.Column("submission", sa.String(length=36), nullable=True))
    op.create_table(
        "released_slices",
        sa.Column("round_id", sa.String(length=64), nullable=False),
        sa.Column("segment", sa.String(length=20), nullable=False),
        sa.Column("value", sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(["round_id"], ["rounds.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("round_id", "segment", "value"),
    )


def downgrade() -> None:
    op.drop_table("released_slices")
    with op.batch_alter_table("responses") as batch:
        batch.drop_column("submission")
        batch.drop_column("theme")
    with op.batch_alter_table("rounds") as batch:
        batch.drop_column("purged_on")
        batch.drop_column("results_while_open")
