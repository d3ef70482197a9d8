"""A throwaway PostgreSQL server on 127.0.0.1 in a temporary directory, for the tests
(tests/conftest.py) and the benchmarks (bench/): start it, create databases, restart it (the
delivery fault tests), stop it. Nothing here needs pytest."""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class PostgresUnavailable(RuntimeError):
    """PostgreSQL cannot be started here; the message says why."""


class PostgresServer:
    """`start()` runs initdb and the server (fsync off: throwaway data); `address` is
    host:port; `url(name)` a database URL for Outward. Runs as the `postgres` user when this
    process is root (initdb refuses root)."""

    def __init__(self) -> None:
        bins = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
        initdb = bins[-1] if bins else shutil.which("initdb")
        if not initdb:
            raise PostgresUnavailable(
                "PostgreSQL is not installed (make test installs it with apt when run as root)")
        self.bindir = os.path.dirname(initdb)
        self.prefix: list[str] = []
        if os.geteuid() == 0:
            try:
                import pwd

                pwd.getpwnam("postgres")
            except KeyError:
                raise PostgresUnavailable(
                    "running as root and there is no 'postgres' user to run PostgreSQL") from None
            self.prefix = ["runuser", "-u", "postgres", "--"]
        self.tmp = ""
        self.port = 0
        self._counter = 0

    @property
    def data(self) -> str:
        return os.path.join(self.tmp, "data")

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    def _run(self, tool: str, *args: str, check: bool = True) -> subprocess.CompletedProcess[bytes]:
        return subprocess.run(self.prefix + [os.path.join(self.bindir, tool), *args],
                              check=check, capture_output=True)

    def start(self) -> PostgresServer:
        """initdb (the first time) and start the server; returns when it accepts connections."""
        if not self.tmp:
            self.tmp = tempfile.mkdtemp(prefix="outward-pg-")
            if self.prefix:
                shutil.chown(self.tmp, "postgres")
                os.chmod(self.tmp, 0o700)
            self.port = _free_port()
            self._run("initdb", "-D", self.data, "-U", "outward", "-A", "trust", "--no-sync",
                      "-E", "UTF8")
        self._run("pg_ctl", "-D", self.data, "-l", os.path.join(self.tmp, "pg.log"), "-w",
                  "-t", "60", "-o",
                  f"-h 127.0.0.1 -p {self.port} -k {self.tmp} -F -c fsync=off", "start")
        for _ in range(100):
            if self._run("pg_isready", "-h", "127.0.0.1", "-p", str(self.port),
                         check=False).returncode == 0:
                break
            time.sleep(0.1)
        return self

    def stop(self, mode: str = "immediate") -> None:
        """Stop the server (`immediate`: like a crash, no shutdown checkpoint)."""
        self._run("pg_ctl", "-D", self.data, "-m", mode, "-w", "stop", check=False)

    def restart(self, down: float = 0.0) -> None:
        """Stop the server as if it crashed, stay down `down` seconds, start it again."""
        self.stop("immediate")
        time.sleep(down)
        self.start()

    def create_database(self, name: str = "") -> str:
        """A fresh, empty database; returns its Outward URL."""
        self._counter += 1
        name = name or f"t{os.getpid()}_{self._counter}"
        subprocess.run(["psql", "-h", "127.0.0.1", "-p", str(self.port), "-U", "outward", "-d",
                        "postgres", "-qc", f"CREATE DATABASE {name}"],
                       check=True, capture_output=True)
        return self.url(name)

    def url(self, name: str) -> str:
        return f"postgresql+asyncpg://outward@{self.address}/{name}"

    def close(self) -> None:
        """Stop the server and remove its directory."""
        if self.tmp:
            self.stop()
            shutil.rmtree(self.tmp, ignore_errors=True)
            self.tmp = ""
