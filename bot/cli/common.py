"""What the command modules share: the context a command runs in, opening the app, stdin."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import logging
import signal
import sys
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from bot.bootstrap import Outward, build
from bot.clock import ShiftableClock
from bot.settings import Settings
from prompts.files import MB, TooLarge, read_at_most
from prompts.loader import sample_roster_csv
from storage.roster import parse_roster, save_roster


class UserError(Exception):
    """Something the user can fix; printed as one line."""


# The most a file named on the command line may hold (README: "Loading your organisation",
# "Theme summaries for chairs"). A roster CSV of 50,000 people is about 5 MB (measured with
# bench/roster_import.py's rows); 50 MB of comments is 100,000 comments of 500 characters.
ROSTER_CSV_BYTES = 50 * MB
COMMENTS_CSV_BYTES = 50 * MB


async def read_file(name: str, limit: int, what: str) -> bytes:
    """The bytes of the file `name` the user gave, read off the event loop, up to `limit`:
    a bigger file, or one that never ends (/dev/zero), is a UserError naming the file and the
    limit; a pipe (/dev/stdin) within the limit is read like a file."""
    try:
        return await asyncio.to_thread(read_at_most, name, limit)
    except TooLarge as exc:
        raise UserError(f"{name} {exc}, the most a {what} may be") from None
    except OSError as exc:
        raise UserError(f"cannot read {name}: {exc.strerror}") from None


async def write_text(path: Path, text: str) -> None:
    """Write `text` (UTF-8) to the file the user named; a folder that does not exist, or one
    not writable, is a UserError naming the file."""
    try:
        await asyncio.to_thread(path.write_text, text, "utf-8")
    except OSError as exc:
        raise UserError(f"cannot write {path}: {exc.strerror}") from None


@dataclass(frozen=True)
class Context:
    """One command's settings and environment (never read from os.environ behind its back)."""

    settings: Settings
    env: Mapping[str, str]
    clock: ShiftableClock = field(default_factory=ShiftableClock)


Handler = Callable[[Context, argparse.Namespace], Awaitable[int]]
Subparsers = argparse._SubParsersAction  # what `add_subparsers()` returns


@contextlib.asynccontextmanager
async def opened(ctx: Context) -> AsyncIterator[Outward]:
    """The wired app on the configured database (migrated), closed on the way out."""
    with database_problems():
        app = await build(ctx.settings, clock=ctx.clock)
    try:
        yield app
    finally:
        await app.close()


@contextlib.contextmanager
def database_problems() -> Iterator[None]:
    """What goes wrong reaching the database in OUTWARD_DATABASE_URL (no such folder or file,
    not a database, a server not there, a database or user it does not have) as one UserError
    line, never a traceback. asyncpg raises its own errors while connecting, not SQLAlchemy's.
    """
    try:
        yield
    except OSError as exc:
        raise UserError(f"cannot open the database in OUTWARD_DATABASE_URL: {exc}") from None
    except Exception as exc:
        from sqlalchemy.exc import SQLAlchemyError

        if not isinstance(exc, SQLAlchemyError) and not _asyncpg_error(exc):
            raise
        raise UserError(
            f"cannot open the database in OUTWARD_DATABASE_URL: {type(exc).__name__}: "
            f"{(str(exc).splitlines() or [''])[0][:200]}"
        ) from None


def _asyncpg_error(exc: Exception) -> bool:
    try:
        import asyncpg
    except ImportError:  # pragma: no cover - a dependency of Outward
        return False
    return isinstance(exc, asyncpg.PostgresError | asyncpg.InterfaceError)


@contextlib.contextmanager
def frozen_heap() -> Iterator[None]:
    """While a long-running process runs, once it has started: what start-up built (modules,
    the text catalog, the SDK clients) is left out of the garbage collector's passes, which
    otherwise walk all of it again and again while the worker makes many short-lived objects
    (about a tenth of a worker's CPU at full speed, bench/fanout.py). Given back to the
    collector on the way out (a test runs commands in its own process).
    https://docs.python.org/3/library/gc.html#gc.freeze"""
    gc.collect()
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


async def load_sample_if_empty(app: Outward) -> None:
    """`--sample`: the bundled sample organisation, only into an empty roster."""
    async with app.deps.uow() as tx:
        if await tx.people.count() > 0:
            return
        rows = parse_roster(sample_roster_csv(), "sample organisation", app.settings.timezone)
        added, _ = await save_roster(tx, rows)
        await tx.commit()
    await app.roster_changed()
    # a log line (JSON with OUTWARD_LOG_FORMAT=json), as the process's other start-up notices
    logging.getLogger(__name__).info("Loaded the sample organisation (%d people).", added)


async def stdin_lines() -> AsyncIterator[str]:
    """Lines of standard input, read off the event loop."""
    while True:
        line = await asyncio.to_thread(sys.stdin.readline)
        if not line:
            return
        yield line


@contextlib.asynccontextmanager
async def stop_signals() -> AsyncIterator[asyncio.Event]:
    """An event set by SIGINT or SIGTERM (Heroku stops a dyno with SIGTERM). The handlers are
    removed on the way out, so a second Ctrl-C while shutting down interrupts as usual."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    installed = []
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):  # Windows; not main thread
            loop.add_signal_handler(sig, stop.set)
            installed.append(sig)
    try:
        yield stop
    finally:
        for sig in installed:
            loop.remove_signal_handler(sig)
