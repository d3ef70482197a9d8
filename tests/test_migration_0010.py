"""Upgrading to 0010 raises every round's thresholds to at least three (both engines)."""

from __future__ import annotations

from sqlalchemy import text

from storage.db import create_engine
from storage.migrate import current, upgrade


async def test_upgrade_raises_thresholds_below_three_and_keeps_the_others(
    database_url: str
) -> None:
    engine = create_engine(database_url)
    try:
        await upgrade(engine, "0009")
        async with engine.begin() as conn:
            for rid, k, kc in (("pair", 2, 2), ("mixed", 2, 10), ("usual", 5, 10)):
                await conn.execute(text(
                    "INSERT INTO rounds (id, template, title, owner, status, audience, schedule, "
                    "k_responses, k_comments, series, results_while_open, counted, waiting) "
                    f"VALUES ('{rid}', 't', '{{}}', '{{}}', 'open', '{{}}', '{{}}', {k}, {kc}, "
                    "'t', false, 0, '[]')"))
        await upgrade(engine, "0010")
        assert await current(engine) == "0010"
        async with engine.connect() as conn:
            got = {r[0]: (r[1], r[2]) for r in (await conn.execute(text(
                "SELECT id, k_responses, k_comments FROM rounds"))).all()}
        assert got == {"pair": (3, 3), "mixed": (3, 10), "usual": (5, 10)}
    finally:
        await engine.dispose()
