"""The clock of every long-running process: one APScheduler ``AsyncIOScheduler`` per process.

What it runs depends on the process (the `python -m bot` command, see the Procfile):

- ``run`` (web + clock + worker in one process): each minute the tick (open and close rounds
  on their dates, release held submissions, plan what is due, deliver it), and hourly
  housekeeping;
- ``clock``: each minute the round calendar (rounds open and close on their dates), release
  and plan (delivery is the worker's), and hourly housekeeping;
- ``worker``: deliver due outbox rows, polling every few seconds;
- ``serve`` (web only): rebuild the scrubber each minute when another process changed the
  roster (the clock process does this as part of planning).

A successful `plan`, `deliver` or `tick` writes a heartbeat for its role (`clock`, `worker`;
`tick` both) with this process's host and pid, which `GET /healthz` reports (bot.health).
`clock --once` runs the clock's jobs once, for cron or a platform scheduler (`once`).

The jobs of each role are the `JOBS` table and what they do is `_work`: a new job is a row in
each.

Every job starts at once and then runs at its interval. Jobs run one at a time: a job waits
for another to finish, and a run that finds its own previous run still busy is skipped (the
next one catches up: planning and delivery work from what is due, not from what was missed).
The console's `:clock` ticks through `tick()`, which waits its turn the same way, so a console
tick and a scheduled one never interleave. Stopping lets a running job finish (a delivery is
not cut between being sent and being marked sent).
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Literal

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.bootstrap import Core

log = logging.getLogger(__name__)

Role = Literal["run", "clock", "worker", "serve"]

MINUTE = 60.0
HOUR = 3600.0
WORKER_POLL = 5.0

# What each process runs: role -> job -> interval in seconds (the worker's poll is set per
# scheduler).
JOBS: dict[Role, dict[str, float]] = {
    "run": {"tick": MINUTE, "housekeeping": HOUR},
    "clock": {"rounds": MINUTE, "plan": MINUTE, "housekeeping": HOUR},
    "worker": {"deliver": WORKER_POLL},
    "serve": {"roster": MINUTE},
}
# The roles a successful run of a job shows alive (heartbeats, reported by GET /healthz).
BEATS: dict[str, tuple[str, ...]] = {
    "tick": ("clock", "worker"), "plan": ("clock",), "deliver": ("worker",)}


def process_id() -> str:
    """This process, as heartbeats name it: host and pid."""
    return f"{socket.gethostname()}:{os.getpid()}"


class OutwardScheduler:
    """Schedules the jobs of one process (``role``) on the running event loop."""

    def __init__(self, app: Core, role: Role, poll: float = WORKER_POLL) -> None:
        self.app = app
        self.role = role
        self.poll = poll
        self._busy = asyncio.Lock()  # one job at a time, console ticks included
        self._running: set[str] = set()
        self._stopping = False
        self.process = process_id()
        self._scheduler = AsyncIOScheduler(
            timezone="UTC",
            # coalesce: after a stall, run once, not once per missed interval; no grace limit,
            # so a late run still happens (the loop may be busy answering people).
            job_defaults={"coalesce": True, "misfire_grace_time": None, "max_instances": 2},
        )

    def jobs(self) -> dict[str, float]:
        """What this process runs: job id -> interval in seconds."""
        jobs = dict(JOBS[self.role])
        if "deliver" in jobs:
            jobs["deliver"] = self.poll
        return jobs

    def _work(self, job: str) -> Callable[[], Awaitable[object]]:
        app = self.app
        return {
            "tick": app.tick,  # rounds, plan (with release and roster refresh), deliver
            "rounds": app.rounds,  # open and close rounds on their dates
            "plan": app.plan_all,
            "housekeeping": app.housekeeping,
            "deliver": app.worker.run_once,
            "roster": lambda: app.scrub.refresh_if_changed(app.deps.uow),
        }[job]

    async def run_job(self, job: str) -> bool:
        """Run one job after any other that is running; False when skipped (its previous run
        is still going, or the scheduler is stopping). Errors are logged, never raised: the
        next run tries again."""
        return await self._run(job) is not None

    async def once(self) -> bool:
        """Every job of this role once, in order (`clock --once`); True when all succeeded."""
        results = [await self._run(job) for job in self.jobs()]
        return all(results)

    async def _run(self, job: str) -> bool | None:
        """None when skipped; else whether the job succeeded (a success beats)."""
        if job in self._running:
            log.debug("%s skipped: its previous run is still going", job)
            return None
        self._running.add(job)
        try:
            async with self._busy:
                if self._stopping:
                    return None
                started = asyncio.get_running_loop().time()
                try:
                    await self._work(job)()
                except Exception:
                    log.exception("%s failed; trying again at the next run", job)
                    return False
                log.debug("%s done", job, extra={
                    "job": job, "seconds": round(asyncio.get_running_loop().time() - started, 3)})
                await self._beat(job)
                return True
        finally:
            self._running.discard(job)

    async def _beat(self, job: str) -> None:
        roles = BEATS.get(job, ())
        if not roles:
            return
        try:
            async with self.app.deps.uow() as tx:
                for role in roles:
                    await tx.heartbeats.beat(role, self.process, self.app.deps.clock.now())
                await tx.commit()
        except Exception as exc:  # the job itself went fine; the next one beats again
            log.warning("could not record the %s heartbeat (%s)", job, type(exc).__name__)

    async def tick(self) -> tuple[int, int]:
        """Plan and deliver now, after any running job (the console's clock controls)."""
        async with self._busy:
            return await self.app.tick()

    def start(self) -> None:
        """Add this role's jobs (each runs at once, then at its interval) and start."""
        now = datetime.now(UTC)
        for job, seconds in self.jobs().items():
            self._scheduler.add_job(self.run_job, "interval", seconds=seconds, args=[job],
                                    id=job, name=job, next_run_time=now)
        self._scheduler.start()
        log.info("%s scheduler: %s", self.role,
                 ", ".join(f"{job} every {seconds:g} s" for job, seconds in self.jobs().items()))

    @property
    def running(self) -> bool:
        return bool(self._scheduler.running)

    async def stop(self) -> None:
        """No new runs; wait for a running job to finish; shut the scheduler down."""
        if not self._scheduler.running:
            return
        self._stopping = True
        self._scheduler.pause()
        async with self._busy:
            self._scheduler.shutdown(wait=False)
            await asyncio.sleep(0)  # AsyncIOScheduler shuts down on the loop's next turn

    async def __aenter__(self) -> OutwardScheduler:
        self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()
