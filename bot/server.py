"""The aiohttp application: the health check plus whatever routes the platform adapters add.

`GET /healthz` answers 200 when the database answers a `SELECT 1` within `DB_TIMEOUT` and no
worker or clock has gone quiet: each writes a heartbeat after every successful run
(bot.scheduler), and a role whose newest beat is older than `STALE_AFTER` is a 503 with the
reason. A role that has never beaten is not expected (a web-only deployment, or a clock run
by cron that has not run yet), so it is healthy. The body is small JSON, for people and for a
platform's health check alike."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from aiohttp import web
from sqlalchemy import text

from bot.bootstrap import Outward
from bot.report_page import report_page

log = logging.getLogger(__name__)

OUTWARD_KEY = web.AppKey("outward", Outward)

DB_TIMEOUT = 2.0  # seconds for the database to answer
# No beat for three of the role's intervals: the clock plans each minute; a worker polls
# every few seconds, but one delivery run may wait on a platform's rate limit for a while, so
# its interval counts as a minute too.
STALE_AFTER = {"clock": 3 * 60.0, "worker": 3 * 60.0}


async def healthz(request: web.Request) -> web.Response:
    outward = request.app[OUTWARD_KEY]
    try:
        async with asyncio.timeout(DB_TIMEOUT):
            async with outward.engine.connect() as conn:
                await conn.execute(text("SELECT 1"))
            async with outward.deps.uow() as tx:
                beats = await tx.heartbeats.latest()
    except TimeoutError:
        return _unavailable(f"the database did not answer within {DB_TIMEOUT:g} s")
    except Exception as exc:  # the type only: a driver's message may name hosts or users
        log.warning("health check: the database failed (%s)", type(exc).__name__)
        return _unavailable(f"the database failed ({type(exc).__name__})")
    now = outward.deps.clock.now()
    roles: dict[str, Any] = {}
    stale: list[str] = []
    for role, (process, at) in sorted(beats.items()):
        age = max(0.0, (now - at).total_seconds())
        roles[role] = {"last_run": at.isoformat(), "seconds_ago": round(age), "process": process}
        limit = STALE_AFTER.get(role)
        if limit is not None and age > limit:
            stale.append(f"no {role} has finished a run for {round(age)} s "
                         f"(last: {process})")
    body: dict[str, Any] = {"status": "ok", "database": "ok", "roles": roles}
    if stale:
        body.update(status="unavailable", reason="; ".join(stale))
        return web.json_response(body, status=503)
    return web.json_response(body)


def _unavailable(reason: str) -> web.Response:
    return web.json_response({"status": "unavailable", "database": "failed", "reason": reason},
                             status=503)


def web_app(outward: Outward) -> web.Application:
    app = web.Application(client_max_size=1024 * 1024)
    app[OUTWARD_KEY] = outward
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/report/{round_id}", report_page(outward))
    return app


async def start_site(app: web.Application, host: str, port: int) -> web.AppRunner:
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, host, port)
    try:
        await site.start()
    except OSError as exc:
        await runner.cleanup()
        msg = f"cannot listen on {host}:{port} ({exc.strerror}); set PORT to a free port"
        raise OSError(msg) from None
    return runner
