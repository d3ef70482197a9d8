"""What the command modules share: the context a command runs in, opening the app, stdin."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import signal
import sys
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from dataclasses import dataclass, field

from bot.bootstrap import Outward, build
from bot.clock import ShiftableClock
from bot.settings import Settings
from prompts.loader import sample_roster_csv
from storage.roster import parse_roster, save_roster


class UserError(Exception):
    """Something the user can fix; printed as one line."""


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
    try:
        app = await build(ctx.settings, clock=ctx.clock)
    except OSError as exc:
        raise UserError(f"cannot open the database in OUTWARD_DATABASE_URL: {exc}") from None
    except Exception as exc:
        from sqlalchemy.exc import SQLAlchemyError

        if isinstance(exc, SQLAlchemyError):
            raise UserError(
                f"cannot open the database in OUTWARD_DATABASE_URL: {type(exc).__name__}: "
                f"{str(exc).splitlines()[0][:200]}"
            ) from None
        raise
    try:
        yield app
    finally:
        await app.close()


async def load_sample_if_empty(app: Outward) -> None:
    """`--sample`: the bundled sample organisation, only into an empty roster."""
    async with app.deps.uow() as tx:
        if await tx.people.count() > 0:
            return
        rows = parse_roster(sample_roster_csv(), "sample organisation", app.settings.timezone)
        added, _ = await save_roster(tx, rows)
        await tx.commit()
    await app.roster_changed()
    print(f"Loaded the sample organisation ({added} people).", file=sys.stderr)


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
