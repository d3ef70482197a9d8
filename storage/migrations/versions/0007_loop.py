"""Closing the loop: scheduled rounds, commitments and share-backs

Revision ID: 0007
Revises: 0006

- `rounds.starts_at`: a scheduled round (status "scheduled") opens by itself at this instant;
  `rounds.closes_on`: the last day answers are accepted, when an admin set one (a recurring
  round closes after it); `rounds.waiting`: chairs who asked for results while the round was
  open, told when it closes.
- `commitments`: what a committee said it would do after a round, numbered per round, with a
  status (planned, started, done, dropped) and the status everyone was last told about.
- `share_backs`: a round's share-back, sent once to everyone who was asked: its headline
  results as they passed the thresholds, and when commitments were last announced.
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # plain ADD COLUMNs (a constant default keeps SQLite from rebuilding the table, which
    # would cascade-delete every row that references a round)
    op.add_column("rounds", sa.Column("starts_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column("rounds", sa.Column("closes_on", sa.Date(), nullable=True))
    op.add_column("rounds", sa.Column("waiting", sa.JSON(), nullable=False, server_default="[]"))
    op.create_table(
        "commitments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.String(length=64), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("note", sa.String(length=300), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("created_on", sa.Date(), nullable=False),
        sa.Column("updated_on", sa.Date(), nullable=False),
        sa.Column("announced", sa.String(length=12), nullable=False),
        sa.ForeignKeyConstraint(["round_id"], ["rounds.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["author_id"], ["people.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("round_id", "number"),
    )
    op.create_index("ix_commitments_round_id", "commitments", ["round_id"])
    op.create_table(
        "share_backs",
        sa.Column("round_id", sa.String(length=64), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_by", sa.Integer(), nullable=True),
        sa.Column("headline", sa.JSON(), nullable=False),
        sa.Column("announced_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("announcements", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["round_id"], ["rounds.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["sent_by"], ["people.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("round_id"),
    )


def downgrade() -> None:
    op.drop_table("share_backs")
    op.drop_index("ix_commitments_round_id", table_name="commitments")
    op.drop_table("commitments")
    for column in ("waiting", "closes_on", "starts_at"):
        op.drop_column("rounds", column)  # SQLite 3.35+ drops a column in place
