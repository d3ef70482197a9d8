"""Delivery under faults, with the processes of the Procfile: a round's invitations to 500 people
are planned (by `python -m bot clock` in the crash test, here in the test process elsewhere) and
`python -m bot worker` delivers them, each a separate process with its environment pointing at
a throwaway PostgreSQL (tests/pg.py) and at the mock Slack Web API this test serves on 127.0.0.1
(tests/slack_mock.py), which counts the messages each DM channel receives. The outbox lease is
2 seconds (OUTWARD_OUTBOX_LEASE_SECONDS) so that a dead worker's rows come back quickly. Skipped
where PostgreSQL cannot be started.

What the worker guarantees (bot/worker.py): an outbox row is written "sent" only after Slack
accepted its message, and a row leased to a worker is sent by no other until that lease runs out
(the worker renews it for as long as it holds the row). Slack's chat.postMessage takes no
idempotency key, so a message accepted by Slack whose "sent" was not yet written when its worker
died cannot be told from one never sent: it is sent again. Hence, per crash, the people who get
a duplicate are exactly those whose message was accepted but not yet recorded at that moment (at
most the sends in flight plus two groups of outcomes being gathered and written), and everyone
else gets exactly one. A 429 or a database outage is no crash: the worker knows what happened
to each message, so nothing is lost or repeated."""

from __future__ import annotations

import asyncio
import inspect
import os
import signal
import sys
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.worker import DeliveryWorker
from storage.db import create_engine
from tests.delivery_support import TEAM, content_dir, dm, environment, oauth, populate, token
from tests.pg import PostgresServer
from tests.slack_mock import MockSlack

N = 500
LEASE = 2  # seconds
WAIT = 90.0  # seconds: a generous deadline for what takes a few seconds
REPO = Path(__file__).resolve().parents[1]
# The messages a crash can repeat: the sends in flight (one lane per message, `per_workspace`
# lanes in one workspace) and the outcomes not yet written: the group being written and the one
# gathering behind it, each at most `flush` plus one more per lane.
_WORKER = inspect.signature(DeliveryWorker).parameters
PER_WORKSPACE, FLUSH = _WORKER["per_workspace"].default, _WORKER["flush"].default
AT_MOST_TWICE = PER_WORKSPACE + 2 * (FLUSH + PER_WORKSPACE)


@dataclass
class Fanout:
    env: dict[str, str]
    mock: MockSlack
    engine: AsyncEngine
    logs: Path
    procs: list[asyncio.subprocess.Process] = field(default_factory=list)

    async def start(self, role: str) -> asyncio.subprocess.Process:
        """`python -m bot ROLE`, as the Procfile starts it."""
        with (self.logs / f"{role}-{len(self.procs)}.log").open("wb") as log:
            proc = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "bot", role, cwd=REPO, env=self.env,
                stdin=asyncio.subprocess.DEVNULL, stdout=log, stderr=log)
        self.procs.append(proc)
        return proc

    def logged(self) -> str:
        return "\n".join(p.read_text() for p in sorted(self.logs.glob("*.log")))

    def output(self) -> str:
        return "\n".join(f"--- {p.name}\n{p.read_text()[-3000:]}"
                         for p in sorted(self.logs.glob("*.log")))

    async def query(self, sql: str) -> list[tuple[object, ...]]:
        async with self.engine.connect() as conn:
            return [tuple(r) for r in (await conn.execute(text(sql))).all()]

    async def outbox(self) -> Counter[str]:
        rows = await self.query("SELECT status, count(*) FROM outbox GROUP BY status")
        return Counter({str(s): int(str(n)) for s, n in rows})

    async def recorded_sent(self) -> set[str]:
        """The DM channels of the people whose invitation is written "sent"."""
        rows = await self.query("SELECT i.conversation_id FROM outbox o JOIN identities i "
                                "ON i.person_id = o.person_id WHERE o.status = 'sent'")
        return {str(r[0]) for r in rows}

    async def until(self, what: str, check: Callable[[], Awaitable[bool]]) -> None:
        """Wait for `check()` (the database may be restarting meanwhile), WAIT seconds at most."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + WAIT
        while True:
            try:
                if await check():
                    return
            except Exception:  # the database is restarting
                pass
            if loop.time() > deadline:
                raise AssertionError(f"{what}: not after {WAIT}s; outbox "
                                     f"{await self.outbox()}\n{self.output()}")
            await asyncio.sleep(0.1)

    async def all_sent(self) -> None:
        async def check() -> bool:
            return (await self.outbox())["sent"] >= N
        await self.until(f"{N} rows sent", check)

    async def planned(self) -> None:
        """Start the clock process and wait for it to plan the round's N invitations."""
        await self.start("clock")

        async def check() -> bool:
            return sum((await self.outbox()).values()) >= N
        await self.until(f"{N} invitations planned", check)

    def received(self) -> Counter[str]:
        return Counter(self.mock.posted)


Factory = Callable[..., AbstractAsyncContextManager[Fanout]]


@pytest.fixture
def fanout_for(postgres: PostgresServer, tmp_path: Path) -> Factory:
    """A fan-out set up for `teams` (OAuth installs when more than one): the roster of N people
    linked to Slack, and round ROUND started and its invitations planned (with `plan=False`,
    left for the clock process to plan)."""

    @asynccontextmanager
    async def make(teams: Sequence[str] = (TEAM,), plan: bool = True) -> AsyncIterator[Fanout]:
        mock = await MockSlack(lean=True, latency=0.005).start()
        url = postgres.create_database()
        env = environment(url, mock.url, content_dir(tmp_path),
                          OUTWARD_OUTBOX_LEASE_SECONDS=str(LEASE), OUTWARD_LOG_LEVEL="INFO",
                          PYTHONPATH=os.environ.get("PYTHONPATH", ""),
                          **(oauth() if len(teams) > 1 else {}))
        await populate(env, N, start=plan, teams=teams)
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

    return make


def everyone() -> set[str]:
    return {dm(i) for i in range(N)}


async def test_a_worker_killed_mid_fan_out_repeats_only_what_it_had_not_recorded(
        fanout_for: Factory) -> None:
    """kill -9 of the worker while it delivers 500 invitations, then a new worker: everyone gets
    the invitation; exactly the people whose message Slack had accepted but whose row was not
    yet written "sent" when the worker died get it a second time (a few dozen at most, bounded
    by the worker's lanes and write groups); everyone whose row was written gets it once."""
    async with fanout_for(plan=False) as fanout:
        await fanout.planned()
        first = await fanout.start("worker")
        await asyncio.wait_for(fanout.mock.when_posted(N // 3).wait(), WAIT)
        first.send_signal(signal.SIGKILL)
        await first.wait()
        await asyncio.sleep(0.5)  # its last posts (5 ms each) and commits land
        at_kill, recorded = fanout.received(), await fanout.recorded_sent()
        assert recorded and len(at_kill) < N, "the worker died mid-fan-out"
        assert recorded <= set(at_kill), "a row is written sent only after Slack accepted it"

        await fanout.start("worker")
        await fanout.all_sent()
        received = fanout.received()
        assert set(received) == everyone(), "every person got the invitation"
        assert set(received.values()) <= {1, 2}, "nobody got it more than twice"
        twice = {ch for ch, n in received.items() if n == 2}
        assert twice == set(at_kill) - recorded, "repeated: accepted but not recorded at the kill"
        assert len(twice) <= AT_MOST_TWICE, f"{len(twice)} duplicates"
        assert await fanout.outbox() == {"sent": N}


async def test_a_429_storm_in_one_workspace_slows_it_alone_and_loses_and_repeats_nothing(
        fanout_for: Factory) -> None:
    """Outward is installed in two workspaces, half the people in each. Slack answers every
    chat.postMessage of the first workspace's bot with 429 and Retry-After: 1 until the other
    workspace's invitations have all arrived: they do, while the storm goes on, before the
    stormy workspace's invitations have even all been tried once. When the storm is over, every
    invitation has arrived exactly once, and waiting used up no attempt (every row ends with
    the one attempt that sent it), so a longer storm could not make the worker give up."""
    stormy, calm = "T0STORMY", "T0CALM"
    async with fanout_for((stormy, calm)) as fanout:
        fanout.mock.storm("chat.postMessage", retry_after=1, token=token(stormy))
        await fanout.start("worker")

        async def calm_done() -> bool:
            return fanout.mock.by_token[token(calm)] >= N // 2
        await fanout.until("the calm workspace's invitations, during the storm", calm_done)
        assert fanout.mock.by_token[token(stormy)] == 0
        tried = fanout.mock.tries[("chat.postMessage", token(stormy))]
        # a worker that sent batch by batch would have tried each stormy row of the earlier
        # batches (put back after its 429s) before the calm workspace's last batch went out
        assert 0 < tried < N // 2, "the calm workspace did not wait for the stormy one's rows"
        fanout.mock.calm("chat.postMessage", token=token(stormy))

        await fanout.all_sent()
        received = fanout.received()
        assert set(received) == everyone() and set(received.values()) == {1}
        assert fanout.mock.by_token == {token(stormy): N // 2, token(calm): N // 2}
        attempts = await fanout.query("SELECT attempts, count(*) FROM outbox GROUP BY attempts")
        assert attempts == [(1, N)], fanout.output()


async def test_the_worker_carries_on_when_postgresql_restarts(
        fanout_for: Factory, postgres: PostgresServer) -> None:
    """PostgreSQL stops as if it crashed mid-fan-out and comes back a second later: the worker
    keeps the outcomes it could not write, writes them first when the database is back (before
    claiming anything), reconnects and finishes. Nothing is lost or sent twice."""
    async with fanout_for() as fanout:
        await fanout.start("worker")
        await asyncio.wait_for(fanout.mock.when_posted(N // 4).wait(), WAIT)
        await asyncio.to_thread(postgres.restart, 1.0)
        assert sum(fanout.received().values()) < N, "the restart came mid-fan-out"
        await fanout.all_sent()
        received = fanout.received()
        assert set(received) == everyone() and set(received.values()) == {1}, \
            f"{sum(1 for n in received.values() if n > 1)} duplicates\n{fanout.output()}"
        logged = fanout.logged()
        assert "writing outbox outcomes failed" in logged or \
            "renewing outbox leases failed" in logged, "the outage was felt"
