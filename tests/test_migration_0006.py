"""Upgrading a database with data from before the unlinkable-completion change keeps the data
and drops what linked reflections to people (both engines)."""

from __future__ import annotations

from sqlalchemy import text

from storage.db import create_engine
from storage.migrate import upgrade


async def test_upgrade_keeps_answers_and_shown_slices_and_unlinks_reflections(
    database_url: str,
) -> None:
    engine = create_engine(database_url)
    try:
        await upgrade(engine, "0005")
        async with engine.begin() as conn:
            await conn.execute(text(
                "INSERT INTO people (id, handle, display_name, email, timezone, locale, roles, "
                "branch, classification, employment, active) VALUES "
                "(1, 'dana', 'Dana W', 'd@x.org', 'UTC', 'en', 'staff', '', '', '', true)"))
            for rid, status in (("tour", "closed"), ("learn-bias", "ongoing")):
                await conn.execute(text(
                    "INSERT INTO rounds (id, template, title, owner, status, audience, schedule, "
                    "k_responses, k_comments, series, results_while_open) VALUES "
                    f"('{rid}', 't', '{{}}', '{{}}', '{status}', '{{}}', '{{}}', 5, 10, '', "
                    "false)"))
            await conn.execute(text(
                "INSERT INTO round_questions (round_id, question_id, position, definition) "
                "VALUES ('tour', 'q1', 0, '{}'), ('learn-bias', 'step-1', 0, '{}'), "
                "('learn-bias', 'step-2', 1, '{}')"))
            await conn.execute(text(
                "INSERT INTO responses (id, round_id, occurrence, question_id, value, text, "
                "segments, week, submission) VALUES "
                "('a', 'tour', '2026-11-24', 'q1', '4', NULL, '{}', '2026-W48', 's1'), "
                "('b', 'learn-bias', 'ongoing', 'step-2', '', 'I noticed', '{}', '', NULL), "
                "('c', 'learn-bias', 'ongoing', 'step-2', '', 'Me too', '{}', '', NULL)"))
            await conn.execute(text(
                "INSERT INTO released_slices VALUES ('tour', 'branch', 'Central')"))
            await conn.execute(text(
                "INSERT INTO enrolments (person_id, track_id, status, enrolled_on, source, sent, "
                "done, skipped, reflected) VALUES (1, 'bias', 'active', '2026-11-01', 'self', "
                "'[\"step-1\", \"step-2\"]', '[]', '[]', '[\"step-2\"]')"))
        await upgrade(engine)
        async with engine.connect() as conn:
            tour = (await conn.execute(text(
                "SELECT value, batch FROM responses WHERE round_id = 'tour'"))).all()
            views = set((await conn.execute(text(
                "SELECT segment, value, item, batch FROM shown_views"))).all())
            refl = (await conn.execute(text(
                "SELECT question_id, occurrence, text FROM responses "
                "WHERE round_id = 'learn-bias' ORDER BY text"))).all()
            questions = (await conn.execute(text(
                "SELECT question_id FROM round_questions WHERE round_id = 'learn-bias'"))).all()
            enrolment = (await conn.execute(text("SELECT * FROM enrolments"))).mappings().one()
        assert tour == [("4", 1)]
        assert views == {("branch", "Central", "*", 1), ("branch", "Central", "q1", 1)}
        assert [r[2] for r in refl] == ["I noticed", "Me too"]  # kept
        assert {r[0] for r in refl} == {"reflection"}  # no step
        assert len({r[1] for r in refl}) == 2  # each its own occurrence: counts as one person
        assert questions == [("reflection",)]
        assert "reflected" not in enrolment and enrolment["sent"] is not None
    finally:
        await engine.dispose()
