"""A throwaway PostgreSQL on 127.0.0.1 for the benches: the tests' server (tests/pg.py) behind
the small interface the benches use. `server()` yields a URL prefix, or None with the reason
printed when PostgreSQL cannot be started here."""

from __future__ import annotations

import contextlib
import subprocess
from collections.abc import Iterator

from tests.pg import PostgresServer, PostgresUnavailable


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
