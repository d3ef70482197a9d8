"""Shared fixtures: the real core on the in-memory storage (`app`, `console`: behaviour tests,
milliseconds per event), the same on SQLite (`sql_app`, `sql_console`: storage and end-to-end
tests), and a throwaway PostgreSQL on loopback when available."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator

import pytest

from bot.bootstrap import Outward
from bot.clock import FakeClock
from tests.pg import PostgresServer, PostgresUnavailable
from tests.support import TUESDAY_9AM_LA, Console, FakeOutward, in_memory, wired
from tests.teams_mock import TeamsHarness


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(TUESDAY_9AM_LA)


@pytest.fixture
def sqlite_url(tmp_path: os.PathLike[str]) -> str:
    return f"sqlite+aiosqlite:///{tmp_path}/outward.db"


@pytest.fixture
async def app(clock: FakeClock) -> AsyncIterator[FakeOutward]:
    """The real core with the sample organisation, on the in-memory storage."""
    outward = await in_memory(clock)
    yield outward
    await outward.close()


@pytest.fixture
def console(app: FakeOutward, clock: FakeClock) -> Console:
    return Console(app, clock)


@pytest.fixture
async def sql_app(sqlite_url: str, clock: FakeClock) -> AsyncIterator[Outward]:
    """The app as `python -m bot` builds it, on a migrated SQLite file."""
    outward = await wired(sqlite_url, clock)
    yield outward
    await outward.close()


@pytest.fixture
def sql_console(sql_app: Outward, clock: FakeClock) -> Console:
    return Console(sql_app, clock)


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer]:
    """PostgreSQL on 127.0.0.1 in a temporary data directory (tests/pg.py), stopped at the end;
    `restart()` stops it as if it crashed and starts it again (the delivery fault tests).

    Skips with a reason where PostgreSQL is not installed (`make test` installs it via apt when
    it can)."""
    try:
        server = PostgresServer()
    except PostgresUnavailable as exc:
        pytest.skip(str(exc))
    server.start()
    try:
        yield server
    finally:
        server.close()


@pytest.fixture(scope="session")
def postgres_server(postgres: PostgresServer) -> str:
    """The test server's host:port."""
    return postgres.address


@pytest.fixture
def postgres_url(postgres: PostgresServer) -> str:
    """A fresh, empty database on the test server."""
    return postgres.create_database()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: os.PathLike[str]) -> str:
    """Both engines: storage tests run on SQLite and on PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite+aiosqlite:///{tmp_path}/outward.db"
    return str(request.getfixturevalue("postgres_url"))


@pytest.fixture
async def teams(sqlite_url: str, clock: FakeClock) -> AsyncIterator[TeamsHarness]:
    """Outward wired on SQLite with Teams attached, against the local Bot Connector mock."""
    harness = await TeamsHarness.start(sqlite_url, clock)
    yield harness
    await harness.close()
