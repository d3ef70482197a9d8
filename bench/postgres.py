"""A throwaway PostgreSQL on 127.0.0.1 in a temporary directory, for the benches (as
tests/conftest.py starts one for the tests). `server()` yields a URL prefix, or None with the
reason printed when PostgreSQL is not installed."""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def server() -> Iterator[str | None]:
    """Yield `postgresql+asyncpg://outward@127.0.0.1:PORT/` (add a database name), or None."""
    bins = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    initdb = bins[-1] if bins else shutil.which("initdb")
    if not initdb:
        print("PostgreSQL: skipped (not installed; `make postgres` installs it as root)")
        yield None
        return
    bindir = os.path.dirname(initdb)
    tmp = tempfile.mkdtemp(prefix="outward-bench-pg-")
    prefix: list[str] = []
    if os.geteuid() == 0:  # initdb refuses to run as root
        shutil.chown(tmp, "postgres")
        os.chmod(tmp, 0o700)
        prefix = ["runuser", "-u", "postgres", "--"]
    data, port = os.path.join(tmp, "data"), _free_port()
    subprocess.run(prefix + [initdb, "-D", data, "-U", "outward", "-A", "trust", "--no-sync",
                             "-E", "UTF8"], check=True, capture_output=True)
    subprocess.run(prefix + [os.path.join(bindir, "pg_ctl"), "-D", data, "-l",
                             os.path.join(tmp, "pg.log"), "-w", "-t", "60", "-o",
                             f"-h 127.0.0.1 -p {port} -k {tmp} -F -c fsync=off", "start"],
                   check=True, capture_output=True)
    try:
        for _ in range(50):
            if subprocess.run(prefix + [os.path.join(bindir, "pg_isready"), "-h", "127.0.0.1",
                                        "-p", str(port)], capture_output=True).returncode == 0:
                break
            time.sleep(0.2)
        yield f"postgresql+asyncpg://outward@127.0.0.1:{port}/"
    finally:
        subprocess.run(prefix + [os.path.join(bindir, "pg_ctl"), "-D", data, "-m", "immediate",
                                 "stop"], capture_output=True)
        shutil.rmtree(tmp, ignore_errors=True)


def create_database(prefix: str, name: str) -> str:
    """A new empty database on the server; returns its URL."""
    host_port = prefix.split("@", 1)[1].strip("/")
    host, port = host_port.split(":")
    subprocess.run(["psql", "-h", host, "-p", port, "-U", "outward", "-d", "postgres", "-qc",
                    f"CREATE DATABASE {name}"], check=True, capture_output=True)
    return prefix + name
