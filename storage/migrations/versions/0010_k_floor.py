"""No round's threshold below three

Revision ID: 0010
Revises: 0009

With a threshold of two, either of two people reads the other's answers off any total by taking
away their own; the smallest threshold is now three (OUTWARD_K_RESPONSES, OUTWARD_K_COMMENTS and
each round's own). Rounds saved with two are raised to three: a figure shown before is held back
from now on, never the other way round.
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(sa.text("UPDATE rounds SET k_responses = 3 WHERE k_responses < 3"))
    op.execute(sa.text("UPDATE rounds SET k_comments = 3 WHERE k_comments < 3"))


def downgrade() -> None:
    pass  # the thresholds a round had before are not kept: lower ones are never wanted back
