"""Upgrading a database with rounds and answers to the closing-the-loop schema keeps every row
(no table is rebuilt, so nothing cascades) and gives old rounds no schedule (both engines)."""

from __future__ import annotations

from sqlalchemy import text

from storage.db import create_engine
from storage.migrate import current, upgrade


async def test_upgrade_keeps_rounds_and_answers(database_url: str) -> None:
    engine = create_engine(database_url)
    try:
        await upgrade(engine, "0006")
        async with engine.begin() as conn:
            await conn.execute(text(
                "INSERT INTO rounds (id, template, title, owner, status, audience, schedule, "
                "k_responses, k_comments, series, results_while_open, counted) VALUES "
                "('tour', 't', '{}', '{}', 'closed', '{}', '{}', 5, 10, 'tour', false, 0)"))
            await conn.execute(text(
                "INSERT INTO responses (id, round_id, occurrence, question_id, value, text, "
                "segments, week, submission, batch) VALUES "
                "('a', 'tour', '2026-11-24', 'q1', '4', NULL, '{}', '2026-W48', 's1', 1)"))
        await upgrade(engine, "0007")
        assert await current(engine) == "0007"
        async with engine.connect() as conn:
            answers = (await conn.execute(text("SELECT value FROM responses"))).all()
            rnd = (await conn.execute(text(
                "SELECT starts_at, closes_on, waiting FROM rounds"))).one()
            tables = {"commitments", "share_backs"}
            for table in tables:
                assert (await conn.execute(text(f"SELECT count(*) FROM {table}"))).scalar() == 0
        assert answers == [("4",)]
        assert rnd[0] is None and rnd[1] is None and rnd[2] in ("[]", [])
    finally:
        await engine.dispose()
