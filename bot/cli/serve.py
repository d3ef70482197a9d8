"""The long-running commands (see the Procfile): `run` (HTTP + clock + worker, and the console
when stdin is a terminal), `serve` (web), `worker` and `clock`. Their clock is
``bot.scheduler.OutwardScheduler``, one for each process."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import sys
from collections.abc import AsyncIterator

from bot.bootstrap import Outward
from bot.cli.common import (
    Context,
    Subparsers,
    frozen_heap,
    load_sample_if_empty,
    opened,
    stop_signals,
)
from bot.cli.console import chat
from bot.scheduler import OutwardScheduler

log = logging.getLogger(__name__)


def add_parsers(sub: Subparsers) -> None:
    run = sub.add_parser(
        "run", help="serve HTTP + clock + worker; console when stdin is a terminal"
    )
    run.add_argument(
        "--sample", action="store_true", help="load the sample organisation if the roster is empty"
    )
    run.add_argument("--no-console", action="store_true", help="never open the console")
    sub.add_parser("serve", help="serve HTTP only (Procfile: web)")
    sub.add_parser("worker", help="deliver due outbox messages (Procfile: worker)")
    clock_ = sub.add_parser("clock", help="plan due messages every minute (Procfile: clock)")
    clock_.add_argument(
        "--once", action="store_true",
        help="run the clock's jobs once (release and plan, housekeeping) and exit: for cron "
        "or a platform scheduler instead of a long-running clock")


async def run(ctx: Context, args: argparse.Namespace) -> int:
    """Everything in one process (the default command, and `make run`)."""
    async with opened(ctx) as app:
        if args.sample:
            await load_sample_if_empty(app)
        async with _site(app), OutwardScheduler(app, "run") as scheduler:
            with frozen_heap():
                if sys.stdin.isatty() and not args.no_console:
                    await chat(app, ctx.clock, tick=scheduler.tick)
                else:
                    await _until_stopped()
    return 0


async def serve(ctx: Context, args: argparse.Namespace) -> int:
    """HTTP only; another process runs the clock and the worker."""
    async with opened(ctx) as app, _site(app), OutwardScheduler(app, "serve"):
        with frozen_heap():
            await _until_stopped()
    return 0


async def worker(ctx: Context, args: argparse.Namespace) -> int:
    """Delivery only: no HTTP, but the platform senders."""
    async with opened(ctx) as app, _senders(app), OutwardScheduler(app, "worker"):
        with frozen_heap():
            await _until_stopped()
    return 0


async def clock(ctx: Context, args: argparse.Namespace) -> int:
    """Planning and housekeeping only (no sender: delivery is the worker's). `--once`: one
    run of each job, then exit (status 1 when one failed; the error is logged)."""
    async with opened(ctx) as app:
        if args.once:
            return 0 if await OutwardScheduler(app, "clock").once() else 1
        async with OutwardScheduler(app, "clock"):
            with frozen_heap():
                await _until_stopped()
    return 0


async def _until_stopped() -> None:
    async with stop_signals() as stop:
        await stop.wait()


@contextlib.asynccontextmanager
async def _site(app: Outward) -> AsyncIterator[None]:
    """Serve /healthz and the configured platforms' routes on HOST:PORT."""
    from bot.platforms import attach_platforms
    from bot.server import start_site, web_app

    # Load the NER pipelines in the background: /healthz answers meanwhile, and an answer
    # that arrives first waits for the load instead of racing it.
    warm = asyncio.create_task(app.scrub.warm_up())
    # the theming engine's imports (scikit-learn, SciPy; the semantic model when installed)
    # likewise, so a chair's first /themes does not pay for them
    themer = app.deps.themer
    warm_up = getattr(themer, "warm_up", None)
    if warm_up is not None:
        warm_themes = asyncio.create_task(asyncio.to_thread(warm_up))
        warm_themes.add_done_callback(lambda t: t.cancelled() or t.exception())
    web = web_app(app)
    try:
        platforms = await attach_platforms(app, web)
        runner = await start_site(web, app.settings.host, app.settings.port)
    except BaseException:
        warm.cancel()
        raise
    # logged, not printed: with OUTWARD_LOG_FORMAT=json every line on stderr is a JSON object
    log.info(
        "Outward is serving on http://%s:%s (GET /healthz); database %s.", app.settings.host,
        app.settings.port, app.engine.url.render_as_string(hide_password=True))
    if not platforms:
        log.warning("No Slack or Teams credentials set: serving the console and /healthz only "
                    "(see README: Configuration).")
    try:
        yield
    finally:
        await runner.cleanup()
        if not warm.done():
            warm.cancel()


@contextlib.asynccontextmanager
async def _senders(app: Outward) -> AsyncIterator[None]:
    """The platform adapters as senders, without opening a socket."""
    from aiohttp import web as aioweb

    from bot.platforms import attach_platforms
    from bot.server import web_app

    holder = web_app(app)
    await attach_platforms(app, holder)
    runner = aioweb.AppRunner(holder)
    await runner.setup()  # runs the adapters' start-up hooks; no socket is opened
    try:
        yield
    finally:
        await runner.cleanup()
