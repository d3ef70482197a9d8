"""Unlinkable completion and views: keyed completion marks, release batches, shown views;
reflections without a step or a per-person record

Revision ID: 0006
Revises: 0005

- `private_marks` remembers "this person finished / reflected" under a keyed hash (HMAC with
  OUTWARD_SECRET), never a person id, so a database reader cannot tie it to anyone. While a round
  is open, `rounds.counted` holds how many finishes have been counted (in release batches);
  participation rows are marked complete only when the round closes.
- `responses.batch` numbers the release batches of a round; `shown_views` records, per slice and
  item, which batches a chair has been shown, replacing `released_slices` (every slice already
  shown is kept, as shown at batch 1 for every item).
- Learning reflections lose their step id (it named the few people who were sent that step) and
  `enrolments.reflected` (a per-person record of reflecting) is dropped. Reflections stored
  before this change get an opaque, unique occurrence each, so each counts as one person at
  most and none can be grouped by step.
"""

import uuid

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "private_marks",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("round_id", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.ForeignKeyConstraint(["round_id"], ["rounds.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("key"),
        sqlite_with_rowid=False,
    )
    op.create_index("ix_private_marks_round_id", "private_marks", ["round_id"])
    with op.batch_alter_table("responses") as batch:
        batch.add_column(sa.Column("batch", sa.Integer(), nullable=False, server_default="1"))
    with op.batch_alter_table("rounds") as batch:
        batch.add_column(sa.Column("counted", sa.Integer(), nullable=False, server_default="0"))
    with op.batch_alter_table("held_submissions") as batch:
        batch.add_column(sa.Column("author", sa.String(length=64), nullable=True))
    op.create_table(
        "shown_views",
        sa.Column("round_id", sa.String(length=64), nullable=False),
        sa.Column("segment", sa.String(length=20), nullable=False),
        sa.Column("value", sa.String(length=100), nullable=False),
        sa.Column("item", sa.String(length=80), nullable=False),
        sa.Column("batch", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["round_id"], ["rounds.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("round_id", "segment", "value", "item", "batch"),
    )
    op.create_table(
        "mentor_shown_stats",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("cohort_id", sa.String(length=64), nullable=False),
        sa.Column("shown_on", sa.Date(), nullable=False),
        sa.Column("checkins", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["cohort_id"], ["mentor_cohorts.id"], ondelete="CASCADE"),
    )
    op.create_index("ix_mentor_shown_stats_cohort_id", "mentor_shown_stats", ["cohort_id"])

    conn = op.get_bind()
    slices = sa.table("released_slices", sa.column("round_id"), sa.column("segment"),
                      sa.column("value"))
    questions = sa.table("round_questions", sa.column("round_id"), sa.column("question_id"))
    views = sa.table("shown_views", sa.column("round_id"), sa.column("segment"),
                     sa.column("value"), sa.column("item"), sa.column("batch"))
    rows = []
    for round_id, segment, value in conn.execute(
            sa.select(slices.c.round_id, slices.c.segment, slices.c.value)).all():
        items = {"*", *(q for (q,) in conn.execute(
            sa.select(questions.c.question_id).where(questions.c.round_id == round_id)))}
        rows += [{"round_id": round_id, "segment": segment, "value": value, "item": item,
                  "batch": 1} for item in sorted(items)]
    if rows:
        op.bulk_insert(views, rows)
    op.drop_table("released_slices")

    # Reflections: no step id, no per-person record; old ones each their own occurrence.
    responses = sa.table("responses", sa.column("id"), sa.column("round_id"),
                         sa.column("question_id"), sa.column("occurrence"),
                         sa.column("submission"))
    learn = [rid for (rid,) in conn.execute(
        sa.text("SELECT id FROM rounds WHERE status = 'ongoing'"))]
    for rid in learn:
        for (response_id,) in conn.execute(
                sa.select(responses.c.id).where(responses.c.round_id == rid)).all():
            conn.execute(sa.update(responses).where(responses.c.id == response_id).values(
                question_id="reflection", occurrence="x" + uuid.uuid4().hex[:9],
                submission=None))
        conn.execute(sa.text("DELETE FROM round_questions WHERE round_id = :r"), {"r": rid})
        conn.execute(sa.text(
            "INSERT INTO round_questions (round_id, question_id, position, definition) "
            "VALUES (:r, 'reflection', 0, :d)"),
            {"r": rid, "d": '{"id": "reflection", "kind": "open", "text": {"en": "Reflections",'
                            ' "es": "Reflexiones"}, "choices": [], "scale": {}, '
                            '"follow_up": null}'})
    held = sa.table("held_submissions", sa.column("id"), sa.column("round_id"),
                    sa.column("answers"), sa.column("counted"))
    for hid, answers in conn.execute(
            sa.select(held.c.id, held.c.answers).where(held.c.counted.is_(False))).all():
        # a held reflection without an author tag is released as its own batch member
        cleaned = [["reflection", "", a[2]] for a in (answers or [])]
        conn.execute(sa.update(held).where(held.c.id == hid).values(answers=cleaned))
    with op.batch_alter_table("enrolments") as batch:
        batch.drop_column("reflected")


def downgrade() -> None:
    with op.batch_alter_table("enrolments") as batch:
        batch.add_column(sa.Column("reflected", sa.JSON(), nullable=False,
                                   server_default="[]"))
    op.create_table(
        "released_slices",
        sa.Column("round_id", sa.String(length=64), nullable=False),
        sa.Column("segment", sa.String(length=20), nullable=False),
        sa.Column("value", sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(["round_id"], ["rounds.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("round_id", "segment", "value"),
    )
    op.execute("INSERT INTO released_slices SELECT DISTINCT round_id, segment, value "
               "FROM shown_views")
    op.drop_index("ix_mentor_shown_stats_cohort_id", table_name="mentor_shown_stats")
    op.drop_table("mentor_shown_stats")
    op.drop_table("shown_views")
    with op.batch_alter_table("held_submissions") as batch:
        batch.drop_column("author")
    with op.batch_alter_table("responses") as batch:
        batch.drop_column("batch")
    with op.batch_alter_table("rounds") as batch:
        batch.drop_column("counted")
    op.drop_index("ix_private_marks_round_id", table_name="private_marks")
    op.drop_table("private_marks")
