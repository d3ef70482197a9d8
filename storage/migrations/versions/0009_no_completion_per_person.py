"""Who finished a round is no longer recorded per person

Revision ID: 0009
Revises: 0008

A round now keeps only how many people finished (`rounds.counted`), never who: a completed
flag on each finisher's participation row tied the round's answers to them whenever fewer
than k finished, and each stored segment combination to its finished members. Rounds closed
before this keep their count (added to `counted`) and lose the per-person flags, all in one
statement each.
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(sa.text(
        "UPDATE rounds SET counted = counted + (SELECT count(*) FROM participation p "
        "WHERE p.round_id = rounds.id AND p.completed) "
        "WHERE id IN (SELECT round_id FROM participation WHERE completed)"))
    op.execute(sa.text("UPDATE participation SET completed = false WHERE completed"))


def downgrade() -> None:
    pass  # who finished is gone by design; the counts stay on the rounds
