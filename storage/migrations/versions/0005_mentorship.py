"""Mentorship: programmes, cohorts, members, pairs and check-ins

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "mentor_programmes",
        sa.Column("id", sa.String(length=64), primary_key=True),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("lead_id", sa.Integer(), nullable=True),
        sa.Column("definition", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["lead_id"], ["people.id"], ondelete="SET NULL"),
    )
    op.create_table(
        "mentor_cohorts",
        sa.Column("id", sa.String(length=64), primary_key=True),
        sa.Column("programme_id", sa.String(length=64), nullable=False),
        sa.Column("start_on", sa.Date(), nullable=False),
        sa.Column("weeks", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.ForeignKeyConstraint(["programme_id"], ["mentor_programmes.id"], ondelete="CASCADE"),
    )
    op.create_index("ix_mentor_cohorts_programme_id", "mentor_cohorts", ["programme_id"])
    op.create_table(
        "mentor_members",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("cohort_id", sa.String(length=64), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=12), nullable=False),
        sa.Column("goals", sa.Text(), nullable=False),
        sa.Column("availability", sa.String(length=200), nullable=False),
        sa.Column("manager", sa.String(length=64), nullable=False),
        sa.Column("priority", sa.String(length=200), nullable=False),
        sa.Column("prefers", sa.String(length=200), nullable=False),
        sa.Column("paused", sa.Boolean(), nullable=False),
        sa.Column("left", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["cohort_id"], ["mentor_cohorts.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"], ondelete="CASCADE"),
        sa.UniqueConstraint("cohort_id", "person_id"),
    )
    op.create_index("ix_mentor_members_cohort_id", "mentor_members", ["cohort_id"])
    op.create_index("ix_mentor_members_person_id", "mentor_members", ["person_id"])
    op.create_table(
        "mentor_pairs",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("cohort_id", sa.String(length=64), nullable=False),
        sa.Column("mentee_id", sa.Integer(), nullable=False),
        sa.Column("mentor_id", sa.Integer(), nullable=False),
        sa.Column("liaison_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("started_on", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(["cohort_id"], ["mentor_cohorts.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["mentee_id"], ["people.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["mentor_id"], ["people.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["liaison_id"], ["people.id"], ondelete="SET NULL"),
    )
    op.create_index("ix_mentor_pairs_cohort_id", "mentor_pairs", ["cohort_id"])
    op.create_table(
        "mentor_checkins",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("pair_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("occurrence", sa.String(length=10), nullable=False),
        sa.Column("closes_on", sa.Date(), nullable=False),
        sa.Column("met", sa.Boolean(), nullable=True),
        sa.Column("usefulness", sa.Integer(), nullable=True),
        sa.Column("topic", sa.String(length=64), nullable=False),
        sa.Column("help", sa.String(length=12), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("done", sa.Boolean(), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["pair_id"], ["mentor_pairs.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"], ondelete="CASCADE"),
        sa.UniqueConstraint("pair_id", "person_id", "occurrence"),
    )
    op.create_index("ix_mentor_checkins_pair_id", "mentor_checkins", ["pair_id"])


def downgrade() -> None:
    op.drop_table("mentor_checkins")
    op.drop_table("mentor_pairs")
    op.drop_table("mentor_members")
    op.drop_table("mentor_cohorts")
    op.drop_table("mentor_programmes")
