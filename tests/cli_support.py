"""Running `python -m bot` commands in the test process, through `bot.cli` itself: the same
parsing, settings, dispatch and error handling as the real program, without paying for a new
interpreter (and a new spaCy load) per command. tests/test_cli.py keeps one real-process run."""

from __future__ import annotations

import asyncio
import contextlib
import io
import socket
import sys
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass

import aiohttp
import pytest

from bot.cli import execute, main


@dataclass(frozen=True)
class Ran:
    code: int
    out: str
    err: str


class Cli:
    """`cli("pulse", "status")` runs a command with this environment, stdout/stderr captured."""

    def __init__(self, env: Mapping[str, str], capsys: pytest.CaptureFixture[str],
                 monkeypatch: pytest.MonkeyPatch) -> None:
        self.env = dict(env)
        self.capsys = capsys
        self.monkeypatch = monkeypatch

    def __call__(self, *argv: str, stdin: str = "") -> Ran:
        self.capsys.readouterr()  # forget what came before
        self.monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
        code = main(list(argv), env=self.env)
        out, err = self.capsys.readouterr()
        return Ran(code, out, err)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.asynccontextmanager
async def serving(argv: list[str], env: Mapping[str, str]) -> AsyncIterator[str]:
    """Run a long-lived command (`serve`, `run --no-console`) on this event loop until /healthz
    answers on env's PORT; yield its base URL; then stop it as a signal would (its task is
    cancelled: the scheduler, the site and the database close on the way out)."""
    base = f"http://127.0.0.1:{env['PORT']}"
    task = asyncio.create_task(execute(argv, env))
    try:
        async with aiohttp.ClientSession() as http:
            for _ in range(300):  # bounded: up to about a minute on a loaded machine
                if task.done():
                    raise AssertionError(f"{argv} ended early with {task.result()}")
                with contextlib.suppress(aiohttp.ClientError):
                    async with http.get(base + "/healthz") as r:
                        if r.status == 200:
                            break
                await asyncio.sleep(0.2)
            else:
                raise AssertionError(f"{argv} did not serve /healthz")
        yield base
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
