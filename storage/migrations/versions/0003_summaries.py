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
        "held_submissions",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("round_id", sa.String(length=64), nullable=False),
        sa.Column("occurrence", sa.String(length=10), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("segments", sa.JSON(), nullable=False),
        sa.Column("week", sa.String(length=8), nullable=False),
        sa.Column("counted", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["round_id"], ["rounds.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sqlite_with_rowid=False,
    )
    op.create_index("ix_held_submissions_round_id", "held_submissions", ["round_id"])
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
    op.drop_index("ix_held_submissions_round_id", table_name="held_submissions")
    op.drop_table("held_submissions")
    with op.batch_alter_table("responses") as batch:
        batch.drop_column("submission")
        batch.drop_column("theme")
    with op.batch_alter_table("rounds") as batch:
        batch.drop_column("purged_on")
        batch.drop_column("results_while_open")
