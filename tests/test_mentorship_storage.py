"""Mentorship tables on both engines: the migration matches the models, and a cohort runs."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy.engine import Connection

from bot.clock import FakeClock
from storage.models import Base
from tests.support import TUESDAY_9AM_LA, Console, wired
from tests.test_mentorship_console import answer, make_cohort


async def test_mentorship_migration_matches_models_and_a_cohort_runs(database_url: str) -> None:
    clock = FakeClock(TUESDAY_9AM_LA)
    app = await wired(database_url, clock)
    try:

        def diff(sync_conn: Connection) -> list[object]:
            ctx = MigrationContext.configure(sync_conn)
            return [d for d in compare_metadata(ctx, Base.metadata)
                    if "mentor_" in repr(d)]

        async with app.engine.connect() as conn:
            assert await conn.run_sync(diff) == []
        console = Console(app, clock)
        await make_cohort(console)
        await console.say(":clock +14d")
        out = await answer(console, "fatima", "Yes, we met", "4", "Goals", "No, all good")
        assert "Thanks, your check-in is saved." in out
        async with app.deps.uow() as tx:
            m = tx.mentorship
            pairs = await m.pairs("lib", "active")
            checkins = await m.checkins([p.id for p in pairs])
        assert len(pairs) == 2 and len(checkins) == 4
        assert [c.usefulness for c in checkins if c.done] == [4]
    finally:
        await app.close()
