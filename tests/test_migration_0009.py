"""Upgrading to 0009 keeps how many people finished each closed round and forgets who did
(both engines)."""

from __future__ import annotations

from sqlalchemy import text

from storage.db import create_engine
from storage.migrate import current, upgrade


async def test_upgrade_keeps_the_count_and_drops_who_finished(database_url: str) -> None:
    engine = create_engine(database_url)
    try:
        await upgrade(engine, "0008")
        async with engine.begin() as conn:
            for rid, status in (("tour", "closed"), ("open-one", "open")):
                await conn.execute(text(
                    "INSERT INTO rounds (id, template, title, owner, status, audience, schedule, "
                    "k_responses, k_comments, series, results_while_open, counted, waiting) "
                    f"VALUES ('{rid}', 't', '{{}}', '{{}}', '{status}', '{{}}', '{{}}', 5, 10, "
                    f"'t', false, {5 if status == 'open' else 0}, '[]')"))
            for pid, handle in ((1, "ana"), (2, "ben"), (3, "cy")):
                await conn.execute(text(
                    "INSERT INTO people (id, handle, display_name, email, timezone, locale, "
                    f"roles, branch, classification, employment, active) VALUES ({pid}, "
                    f"'{handle}', '{handle}', '', 'UTC', 'en', 'staff', '', '', '', true)"))
                await conn.execute(text(
                    "INSERT INTO participation (round_id, occurrence, person_id, invited_on, "
                    f"reminders, completed) VALUES ('tour', '2026-11-24', {pid}, '2026-11-24', "
                    f"0, {'true' if pid < 3 else 'false'})"))
        await upgrade(engine)
        assert await current(engine) >= "0009"
        async with engine.connect() as conn:
            marked = (await conn.execute(text(
                "SELECT count(*) FROM participation WHERE completed"))).scalar()
            counted = dict((await conn.execute(text("SELECT id, counted FROM rounds"))).all())
            rows = (await conn.execute(text("SELECT count(*) FROM participation"))).scalar()
        assert marked == 0 and rows == 3
        assert counted == {"tour": 2, "open-one": 5}
    finally:
        await engine.dispose()
