"""`console [--sample] [--as HANDLE]`: a terminal chat on the configured database; also the
console that `run` opens when stdin is a terminal."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Awaitable, Callable

from bot.bootstrap import Outward
from bot.cli.common import Context, Subparsers, load_sample_if_empty, opened, stdin_lines
from bot.clock import ShiftableClock
from bot.console import ConsoleControls


def add_parsers(sub: Subparsers) -> None:
    con = sub.add_parser("console", help="a terminal chat on the configured database")
    con.add_argument(
        "--sample", action="store_true", help="load the sample organisation if the roster is empty"
    )
    con.add_argument("--as", dest="handle", default="", help="start as this roster handle")


async def console(ctx: Context, args: argparse.Namespace) -> int:
    async with opened(ctx) as app:
        if args.sample:
            await load_sample_if_empty(app)
        await chat(app, ctx.clock, args.handle)
    return 0


async def chat(app: Outward, clock: ShiftableClock, handle: str = "",
               tick: Callable[[], Awaitable[object]] | None = None) -> None:
    """Chat on stdin/stdout until end of input or `:quit`. `tick` plans and delivers (by default
    `app.tick`; under `run`, the scheduler's, so console and scheduled ticks take turns)."""
    from adapters.console import ConsoleAdapter

    controls = ConsoleControls(app, clock, tick)
    warm = asyncio.create_task(app.scrub.warm_up())  # while the person reads the greeting
    if not handle:
        async with app.deps.uow() as tx:
            people = await tx.people.all()
        admins = [p.handle for p in people if "admin" in p.roles.split(";")]
        handle = admins[0] if admins else (people[0].handle if people else "")
    adapter = ConsoleAdapter(app.router, controls, sys.stdout, handle, color=sys.stdout.isatty())
    app.senders["console"] = adapter
    app.platforms.add("console")
    print("Outward console. Type /help for commands, :help for console controls, :quit to end.")
    if handle:
        print(f"console> you are {await controls.describe(handle) or handle}")
    else:
        print(
            "console> the roster is empty: load one with `python -m bot roster import "
            "FILE.csv` or start with --sample"
        )
    try:
        await controls.tick()
        await adapter.run(stdin_lines())
    finally:
        if not warm.done():
            warm.cancel()
