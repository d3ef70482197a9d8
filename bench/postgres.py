"""A throwaway PostgreSQL on 127.0.0.1 for the benches: the tests' server (tests/pg.py) behind
the small interface the benches use. `server()` yields a URL prefix, or None with the reason
printed when PostgreSQL cannot be started here; `each_engine()` runs a bench on SQLite, then on
that PostgreSQL when it starts."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, Iterator, Mapping
from pathlib import Path

from tests.pg import PostgresServer, PostgresUnavailable

REPO = Path(__file__).resolve().parents[1]


def timed_bot(args: list[str], env: Mapping[str, str]) -> float:
    """Run `python -m bot ARGS` as a real process with `env` over this one's; its wall time.
    A failure stops the bench with the command's stderr."""
    t = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "bot", *args], cwd=REPO,
                          env={**os.environ, **env}, capture_output=True, text=True)
    took = time.perf_counter() - t
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(args[:2])} failed ({done.returncode}):\n{done.stderr}")
    return took


@contextlib.contextmanager
def server() -> Iterator[str | None]:
    """Yield `postgresql+asyncpg://outward@127.0.0.1:PORT/` (add a database name), or None."""
    try:
        pg = PostgresServer().start()
    except (PostgresUnavailable, subprocess.CalledProcessError) as exc:
        print(f"PostgreSQL: skipped ({exc})")
        yield None
        return
    try:
        yield pg.url("")
    finally:
        pg.close()


def create_database(prefix: str, name: str) -> str:
    """A new empty database on the server; returns its URL."""
    host, port = prefix.split("@", 1)[1].strip("/").split(":")
    subprocess.run(["psql", "-h", host, "-p", port, "-U", "outward", "-d", "postgres", "-qc",
                    f"CREATE DATABASE {name}"], check=True, capture_output=True)
    return prefix + name


UrlFor = Callable[[str], str]  # a database name -> the URL of a new, empty database


async def each_engine(name: str, run: Callable[[str, UrlFor], Awaitable[None]]) -> None:
    """`run(engine, url_for)` on SQLite (files in a temporary directory, removed afterwards),
    then on a throwaway PostgreSQL when one can start here (else the reason is printed)."""
    with tempfile.TemporaryDirectory(prefix=f"outward-bench-{name}-") as tmp:
        await run("SQLite", lambda db: f"sqlite+aiosqlite:///{tmp}/{db}.db")
    with server() as prefix:
        if prefix is not None:
            await run("PostgreSQL", lambda db: create_database(prefix, db))
