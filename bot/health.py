"""Is this deployment healthy: the database answers a `SELECT 1` within `DB_TIMEOUT` and no
worker or clock has gone quiet. Each writes a heartbeat after every successful run
(bot.scheduler); a role whose newest beat is older than `STALE_AFTER` is unhealthy, with the
reason. A role that has never beaten is not expected (a web-only deployment, or a clock run by
cron that has not run yet), so it is healthy. `GET /healthz` (bot.server) serves the answer."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from sqlalchemy import text

from bot.bootstrap import Outward

log = logging.getLogger(__name__)

DB_TIMEOUT = 2.0  # seconds for the database to answer
# No beat for three of the role's intervals: the clock plans each minute; a worker polls
# every few seconds, but one delivery run may wait on a platform's rate limit for a while, so
# its interval counts as a minute too.
STALE_AFTER = {"clock": 3 * 60.0, "worker": 3 * 60.0}


async def check(outward: Outward) -> tuple[bool, dict[str, Any]]:
    """(healthy, a small JSON-able body for people and a platform's health check alike)."""
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
        return False, body
    return True, body


def _unavailable(reason: str) -> tuple[bool, dict[str, Any]]:
    return False, {"status": "unavailable", "database": "failed", "reason": reason}
