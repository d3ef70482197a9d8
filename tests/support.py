"""Test helpers: the real core wired on the in-memory storage (fast, for behaviour) or on
SQLite/PostgreSQL (for storage and end-to-end tests), with a fake clock, and a console."""

from __future__ import annotations

import contextlib
import io
import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, fields
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import event

from adapters.console import ConsoleAdapter
from bot.bootstrap import Core, Outward, build, compose
from bot.clock import FakeClock
from bot.console import ConsoleControls
from bot.engines import RosterScrub, name_recogniser, themes_for
from bot.settings import Settings
from conversations.keyed import KeyedHash
from prompts.loader import sample_roster_csv
from storage.roster import parse_roster, save_roster
from tests.fakes import FakeDatabase, fake_storage

TEST_SECRET = "test-secret-" + "0123456789abcdef" * 2

# Tuesday 2026-11-24 09:00 in Los Angeles, where most of the sample organisation works.
TUESDAY_9AM_LA = datetime(2026, 11, 24, 17, 0, tzinfo=UTC)


@contextlib.contextmanager
def statements(app: Outward) -> Iterator[list[str]]:
    """The SQL statements the app sends while the block runs, counted at the database driver
    (executemany counts once)."""
    seen: list[str] = []

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        seen.append(statement)

    event.listen(app.engine.sync_engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(app.engine.sync_engine, "before_cursor_execute", record)


def shared_data() -> Path:
    """../shared/data, or OUTWARD_SHARED_DATA; tests skip with a reason when it is absent."""
    default = Path(__file__).resolve().parent.parent.parent / "shared" / "data"
    return Path(os.environ.get("OUTWARD_SHARED_DATA", str(default)))


def settings_for(database_url: str, env: Mapping[str, str] | None = None) -> Settings:
    # the TF-IDF engine unless a test asks otherwise: fast, and the same on every machine
    return Settings.from_env({"OUTWARD_DATABASE_URL": database_url,
                              "OUTWARD_SECRET": TEST_SECRET, "OUTWARD_THEMES_ENGINE": "tfidf",
                              **(env or {})})


async def load_roster(app: Core, csv: str | None = None) -> None:
    async with app.deps.uow() as tx:
        await save_roster(tx, parse_roster(csv or sample_roster_csv(), "sample", "UTC"))
        await tx.commit()
    await app.roster_changed()


async def wired(
    database_url: str,
    clock: FakeClock | None = None,
    sample: bool = True,
    env: Mapping[str, str] | None = None,
) -> Outward:
    """The app on SQL storage (migrated), as `python -m bot` builds it."""
    app = await build(settings_for(database_url, env), clock=clock or FakeClock(TUESDAY_9AM_LA))
    if sample:
        await load_roster(app)
    return app


@dataclass(kw_only=True)
class FakeOutward(Core):
    """The real core on the in-memory storage; `db` is its tables, to look at."""

    db: FakeDatabase


async def in_memory(
    clock: FakeClock | None = None,
    sample: bool = True,
    env: Mapping[str, str] | None = None,
    db: FakeDatabase | None = None,
) -> FakeOutward:
    """The real core, wired by bot.bootstrap.compose, on the in-memory storage."""
    settings = settings_for("sqlite+aiosqlite:///:memory:", env)
    database, uow = fake_storage(db)
    core = await compose(
        settings,
        uow=uow,
        scrub=RosterScrub(name_recogniser(settings)),
        themer=themes_for(settings)[0],
        keyed=KeyedHash(TEST_SECRET.encode()),
        clock=clock or FakeClock(TUESDAY_9AM_LA),
    )
    app = FakeOutward(**{f.name: getattr(core, f.name) for f in fields(core)}, db=database)
    if sample:
        await load_roster(app)
    return app


class Console:
    """The real console adapter wired to the real app, with output captured."""

    def __init__(self, app: Core, clock: FakeClock, handle: str = "amara") -> None:
        self.out = io.StringIO()
        self.adapter = ConsoleAdapter(app.router, ConsoleControls(app, clock),
                                      self.out, handle)
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
