"""Delivery under faults, with the processes of the Procfile: `python -m bot clock` plans a round's
invitations to 500 people and `python -m bot worker` delivers them, each a separate process with
its environment pointing at a throwaway PostgreSQL (tests/conftest.py) and at the mock Slack Web
API this test serves on 127.0.0.1 (tests/slack_mock.py), which counts the messages each DM
channel receives. The outbox lease is 2 seconds (OUTWARD_OUTBOX_LEASE_SECONDS) so that a dead
worker's rows come back quickly. Skipped where PostgreSQL cannot be started."""

from __future__ import annotations

import asyncio
import inspect
import os
import signal
import sys
from collections import Counter
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.worker import DeliveryWorker
from storage.db import create_engine
from tests.delivery_support import content_dir, dm, environment, populate
from tests.pg import PostgresServer
from tests.slack_mock import MockSlack

N = 500
LEASE = 2  # seconds
REPO = Path(__file__).resolve().parents[1]
# People who can get a message twice when a worker dies: those in flight (per_workspace) and those
# sent but not yet recorded (a group being written and one gathering, each `flush` at most, and
# as many more as there are lanes that may each add one before the next write).
_WORKER = inspect.signature(DeliveryWorker).parameters
PER_WORKSPACE, FLUSH = _WORKER["per_workspace"].default, _WORKER["flush"].default
AT_MOST_TWICE = PER_WORKSPACE + 2 * (FLUSH + PER_WORKSPACE)


def _log_file(path: Path) -> BinaryIO:
    return path.open("wb")


@dataclass
class Fanout:
    env: dict[str, str]
    mock: MockSlack
    engine: AsyncEngine
    logs: Path
    procs: list[asyncio.subprocess.Process] = field(default_factory=list)

    async def start(self, role: str) -> asyncio.subprocess.Process:
        """`python -m bot ROLE`, as the Procfile starts it."""
        log = _log_file(self.logs / f"{role}-{len(self.procs)}.log")
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", role, cwd=REPO, env=self.env,
            stdin=asyncio.subprocess.DEVNULL, stdout=log, stderr=log)
        self.procs.append(proc)
        return proc

    def output(self) -> str:
        return "\n".join(f"--- {p.name}\n{p.read_text()[-3000:]}"
                         for p in sorted(self.logs.glob("*.log")))

    async def outbox(self) -> Counter[str]:
        async with self.engine.connect() as conn:
            rows = (await conn.execute(text("SELECT status, count(*) FROM outbox "
                                            "GROUP BY status"))).all()
        return Counter({str(s): int(n) for s, n in rows})

    async def attempts(self) -> Counter[int]:
        async with self.engine.connect() as conn:
            rows = (await conn.execute(text("SELECT attempts FROM outbox"))).scalars().all()
        return Counter(int(a) for a in rows)

    async def until(self, status: str, n: int, seconds: float) -> None:
        """Wait until `n` outbox rows have `status` (the database may be restarting)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + seconds
        while True:
            try:
                if (await self.outbox())[status] >= n:
                    return
            except Exception:  # the database is restarting: ask again
                pass
            if loop.time() > deadline:
                raise AssertionError(f"not {n} {status} rows after {seconds}s: "
                                     f"{await self.outbox()}\n{self.output()}")
            await asyncio.sleep(0.1)

    def received(self) -> Counter[str]:
        return Counter(self.mock.posted)


@pytest.fixture
async def fanout(postgres: PostgresServer, tmp_path: Path) -> AsyncIterator[Fanout]:
    mock = await MockSlack(lean=True, latency=0.005).start()
    url = postgres.create_database()
    env = environment(url, mock.url, content_dir(tmp_path),
                      OUTWARD_OUTBOX_LEASE_SECONDS=str(LEASE), OUTWARD_LOG_LEVEL="INFO",
                      PYTHONPATH=os.environ.get("PYTHONPATH", ""))
    await populate(env, N, start=False)  # the roster, linked to Slack, and the round started
    engine = create_engine(url)
    logs = tmp_path / "logs"
    logs.mkdir()
    f = Fanout(env, mock, engine, logs)
    try:
        yield f
    finally:
        for proc in f.procs:
            if proc.returncode is None:
                proc.kill()
                await proc.wait()
        await engine.dispose()
        await mock.close()


async def planned(f: Fanout) -> None:
    """Start the clock and wait for it to plan the round's N invitations."""
    await f.start("clock")
    await f.until("pending", N, 60)


def everyone() -> set[str]:
    return {dm(i) for i in range(N)}


async def test_a_worker_killed_mid_fan_out_loses_no_invitation(fanout: Fanout) -> None:
    """kill -9 of the worker while it delivers 500 invitations, then a new worker: everyone gets
    the invitation, and nobody more than twice.

    Which people may get it twice, and why: those whose message had gone to Slack when the
    worker died but whose "sent" was not yet written to the outbox (the messages in flight, at
    most 10 per workspace, and the outcomes gathered for the next write, a few dozen at most).
    Their rows are still leased to the dead worker; when the lease runs out the new worker sends
    them again. Slack's chat.postMessage takes no idempotency key, so a message whose outcome was
    not recorded cannot be told from one never sent: Outward sends it again rather than risk
    losing it. So: exactly one invitation for everyone else, at most one duplicate per person
    per crash. Rows already recorded as sent are never sent again."""
    await planned(fanout)
    first = await fanout.start("worker")
    await asyncio.wait_for(fanout.mock.when_posted(N // 3).wait(), 60)
    first.send_signal(signal.SIGKILL)
    await first.wait()
    at_kill = sum(fanout.received().values())
    assert at_kill < N, "the worker finished before it was killed"
    await asyncio.sleep(LEASE)  # the dead worker's leases run out
    await fanout.start("worker")
    await fanout.until("sent", N, 60)
    received = fanout.received()
    assert set(received) == everyone(), "every person got the invitation"
    assert max(received.values()) <= 2, "nobody got it more than twice"
    twice = sum(1 for n in received.values() if n == 2)
    assert twice <= AT_MOST_TWICE, f"{twice} duplicates"
    assert await fanout.outbox() == {"sent": N}


async def test_a_429_storm_slows_delivery_but_loses_and_repeats_nothing(fanout: Fanout) -> None:
    """Slack answers every chat.postMessage with 429 and Retry-After: 1 for 3 seconds: the worker
    waits (in place, or by putting rows back until Retry-After), every invitation arrives exactly
    once, and waiting used up no attempt (every row was claimed for one counted attempt)."""
    await planned(fanout)
    fanout.mock.storm("chat.postMessage", seconds=3, retry_after=1)
    await fanout.start("worker")
    await fanout.until("sent", N, 60)
    received = fanout.received()
    assert set(received) == everyone() and set(received.values()) == {1}
    refused = fanout.mock.methods["chat.postMessage"] - N
    assert refused > 0, "the storm was felt"
    assert await fanout.attempts() == {1: N}, fanout.output()


async def test_the_worker_carries_on_when_postgresql_restarts(fanout: Fanout,
                                                              postgres: PostgresServer) -> None:
    """PostgreSQL stops as if it crashed mid-fan-out and comes back a second later: the worker
    keeps the outcomes it could not write, writes them first when the database is back (before
    claiming anything), reconnects and finishes. Nothing is lost or sent twice."""
    await planned(fanout)
    await fanout.start("worker")
    await asyncio.wait_for(fanout.mock.when_posted(N // 4).wait(), 60)
    await asyncio.to_thread(postgres.restart, 1.0)
    assert sum(fanout.received().values()) < N, "the restart came mid-fan-out"
    await fanout.until("sent", N, 60)
    received = fanout.received()
    assert set(received) == everyone() and set(received.values()) == {1}, \
        f"{sum(1 for n in received.values() if n > 1)} duplicates\n{fanout.output()}"
