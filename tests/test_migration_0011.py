"""Upgrading to 0011 keeps every answer and its kept theme; comments purged before it have no
codebook code, and are still read, named by their English name (both engines)."""

from __future__ import annotations

from sqlalchemy import text

from bot.bootstrap import sql_storage
from conversations.results.names import theme_name
from storage.db import create_engine, session_factory
from storage.migrate import current, upgrade

NAMES = {"workload": {"en": "Workload & staffing", "es": "Carga de trabajo y personal"}}


async def test_upgrade_keeps_purged_themes_readable(database_url: str) -> None:
    engine = create_engine(database_url)
    try:
        await upgrade(engine, "0010")
        async with engine.begin() as conn:
            await conn.execute(text(
                "INSERT INTO rounds (id, template, title, owner, status, audience, schedule, "
                "k_responses, k_comments, series, results_while_open, counted, waiting) VALUES "
                "('tour', 't', '{}', '{}', 'closed', '{}', '{}', 5, 10, 'tour', false, 0, "
                "'[]')"))
            await conn.execute(text(
                "INSERT INTO responses (id, round_id, occurrence, question_id, value, text, "
                "segments, week, submission, batch, theme) VALUES "
                "('a', 'tour', '2026-11-24', 'q1', '', NULL, '{}', '2026-W48', 's1', 1, "
                "'Workload & staffing'), "
                "('b', 'tour', '2026-11-24', 'q1', '', NULL, '{}', '2026-W48', 's2', 1, "
                "'Parking lot lights')"))
        await upgrade(engine)
        assert await current(engine) == "0011"
        uow = sql_storage(session_factory(engine))
        async with uow() as tx:
            rows = {r.id: r for r in await tx.responses.rows_for_round("tour")}
        assert (rows["a"].theme, rows["a"].theme_code) == ("Workload & staffing", None)
        # an old row: a Spanish reader still gets the codebook name in Spanish; a theme named
        # from the comments' own words stays as written
        assert theme_name(NAMES, rows["a"].theme_code, str(rows["a"].theme), "es") == \
            "Carga de trabajo y personal"
        assert theme_name(NAMES, rows["b"].theme_code, str(rows["b"].theme), "es") == \
            "Parking lot lights"
        async with engine.begin() as conn:
            await conn.execute(text("UPDATE responses SET theme_code = 'workload' "
                                    "WHERE id = 'a'"))
        async with uow() as tx:
            rows = {r.id: r for r in await tx.responses.rows_for_round("tour")}
        assert rows["a"].theme_code == "workload"
    finally:
        await engine.dispose()
