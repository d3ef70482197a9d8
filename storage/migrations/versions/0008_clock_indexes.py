"""A clock whose cost follows what is due: indexes for the planners' and the directory's
queries, process heartbeats for /healthz, and a roster revision

Revision ID: 0008
Revises: 0007

- `people.timezone`: the planners find the time zones inside a send window, then only the
  people in those zones; `lower(people.email)`: directory sync looks accounts up by email, one
  query per page.
- `participation (person_id)`: a person's open invitations without scanning every round.
- `enrolments (status, track_id, last_sent_on)`: learning steps due today, without reading
  every enrolment.
- `heartbeats`: the last successful run of each `worker` and `clock` process (role, process,
  time), which `GET /healthz` reports.
- `revisions`: counters bumped when something other processes cache changes (the roster's
  names, which the scrubber is built from), so a clock tick asks one row instead of reading
  the roster.
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_people_timezone", "people", ["timezone"])
    op.create_index("ix_people_email_lower", "people", [sa.text("lower(email)")])
    op.create_index("ix_participation_person_id", "participation", ["person_id"])
    op.create_index("ix_enrolments_due", "enrolments", ["status", "track_id", "last_sent_on"])
    op.create_table(
        "heartbeats",
        sa.Column("role", sa.String(length=12), nullable=False),
        sa.Column("process", sa.String(length=200), nullable=False),
        sa.Column("beat_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("role", "process"),
    )
    op.create_table(
        "revisions",
        sa.Column("name", sa.String(length=32), nullable=False),
        sa.Column("value", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("name"),
    )


def downgrade() -> None:
    op.drop_table("revisions")
    op.drop_table("heartbeats")
    op.drop_index("ix_enrolments_due", table_name="enrolments")
    op.drop_index("ix_participation_person_id", table_name="participation")
    op.drop_index("ix_people_email_lower", table_name="people")
    op.drop_index("ix_people_timezone", table_name="people")
