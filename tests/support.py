"""Test helpers: a wired Outward on SQLite (or PostgreSQL) with a fake clock, and a console."""

from __future__ import annotations

import io
import os
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path

from adapters.console import ConsoleAdapter
from bot.bootstrap import Outward, build
from bot.clock import FakeClock
from bot.console import ConsoleControls
from bot.settings import Settings
from prompts.loader import sample_roster_csv
from storage.roster import parse_roster, save_roster

TEST_SECRET = "test-secret-" + "0123456789abcdef" * 2

# Tuesday 2026-11-24 09:00 in Los Angeles, where most of the sample organisation works.
TUESDAY_9AM_LA = datetime(2026, 11, 24, 17, 0, tzinfo=UTC)


def shared_data() -> Path:
    """../shared/data, or OUTWARD_SHARED_DATA; tests skip with a reason when it is absent."""
    default = Path(__file__).resolve().parent.parent.parent / "shared" / "data"
    return Path(os.environ.get("OUTWARD_SHARED_DATA", str(default)))


async def wired(
    database_url: str,
    clock: FakeClock | None = None,
    sample: bool = True,
    env: Mapping[str, str] | None = None,
) -> Outward:
    # the TF-IDF engine unless a test asks otherwise: fast, and the same on every machine
    settings = Settings.from_env({"OUTWARD_DATABASE_URL": database_url,
                                  "OUTWARD_SECRET": TEST_SECRET, "OUTWARD_THEMES_ENGINE": "tfidf",
                                  **(env or {})})
    app = await build(settings, clock=clock or FakeClock(TUESDAY_9AM_LA))
    if sample:
        async with app.deps.uow() as tx:
            await save_roster(tx, parse_roster(sample_roster_csv(), "sample", "UTC"))
            await tx.commit()
        await app.roster_changed()
    return app


class Console:
    """The real console adapter wired to the real app, with output captured."""

    def __init__(self, app: Outward, clock: FakeClock, handle: str = "amara") -> None:
        self.out = io.StringIO()
        self.adapter = ConsoleAdapter(app.router, ConsoleControls(app, clock), self.out, handle)
        app.senders["console"] = self.adapter
        app.platforms.add("console")

    async def say(self, *lines: str) -> str:
        """Feed lines; return what the console printed for them."""
        start = self.out.tell()
        for line in lines:
            await self.adapter.handle_line(line)
        self.out.seek(start)
        text = self.out.read()
        self.out.seek(0, io.SEEK_END)
        return text
