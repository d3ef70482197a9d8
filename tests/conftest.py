"""Shared fixtures: the real core on the in-memory storage (`app`, `console`: behaviour tests,
milliseconds per event), the same on SQLite (`sql_app`, `sql_console`: storage and end-to-end
tests), and a throwaway PostgreSQL on loopback when available."""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import AsyncIterator, Iterator

import pytest

from bot.bootstrap import Outward
from bot.clock import FakeClock
from tests.support import TUESDAY_9AM_LA, Console, FakeOutward, in_memory, wired


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


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """Start PostgreSQL on 127.0.0.1 in a temporary data directory; stop it at the end.

    Skips with a reason where PostgreSQL is not installed (`make test` installs it via apt when
    it can)."""
    bins = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    initdb = bins[-1] if bins else shutil.which("initdb")
    if not initdb:
        pytest.skip("PostgreSQL is not installed (make test installs it with apt when run as root)")
    bindir = os.path.dirname(initdb)
    tmp = tempfile.mkdtemp(prefix="outward-pg-")
    data = os.path.join(tmp, "data")
    prefix: list[str] = []
    if os.geteuid() == 0:  # initdb refuses to run as root
        try:
            import pwd

            pwd.getpwnam("postgres")
        except KeyError:
            pytest.skip("running as root and there is no 'postgres' user to run PostgreSQL")
        shutil.chown(tmp, "postgres")
        os.chmod(tmp, 0o700)
        prefix = ["runuser", "-u", "postgres", "--"]
    port = _free_port()
    subprocess.run(
        prefix + [initdb, "-D", data, "-U", "outward", "-A", "trust", "--no-sync", "-E", "UTF8"],
        check=True,
        capture_output=True,
    )
    log = os.path.join(tmp, "pg.log")
    subprocess.run(
        prefix
        + [
            os.path.join(bindir, "pg_ctl"),
            "-D",
            data,
            "-l",
            log,
            "-w",
            "-t",
            "60",
            "-o",
            f"-h 127.0.0.1 -p {port} -k {tmp} -F -c fsync=off",
            "start",
        ],
        check=True,
        capture_output=True,
    )
    try:
        for _ in range(50):
            r = subprocess.run(
                prefix + [os.path.join(bindir, "pg_isready"), "-h", "127.0.0.1", "-p", str(port)],
                capture_output=True,
            )
            if r.returncode == 0:
                break
            time.sleep(0.2)
        yield f"127.0.0.1:{port}"
    finally:
        subprocess.run(
            prefix + [os.path.join(bindir, "pg_ctl"), "-D", data, "-m", "immediate", "stop"],
            capture_output=True,
        )
        shutil.rmtree(tmp, ignore_errors=True)


_db_counter = iter(range(1, 10_000))


@pytest.fixture
def postgres_url(postgres_server: str) -> str:
    """A fresh, empty database on the test server."""
    name = f"t{os.getpid()}_{next(_db_counter)}"
    host, port = postgres_server.split(":")
    subprocess.run(
        [
            "psql",
            "-h",
            host,
            "-p",
            port,
            "-U",
            "outward",
            "-d",
            "postgres",
            "-qc",
            f"CREATE DATABASE {name}",
        ],
        check=True,
        capture_output=True,
    )
    return f"postgresql+asyncpg://outward@{postgres_server}/{name}"


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: os.PathLike[str]) -> str:
    """Both engines: storage tests run on SQLite and on PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite+aiosqlite:///{tmp_path}/outward.db"
    return str(request.getfixturevalue("postgres_url"))
