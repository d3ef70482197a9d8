"""The one scheduler of every process (bot.scheduler): the clock process plans, the worker
delivers, `run` does both; jobs take turns with each other and with the console's `:clock`; a
failing job does not stop the clock; stopping lets a running delivery finish."""

from __future__ import annotations

import asyncio
import io

import pytest

from adapters.console import ConsoleAdapter
from bot.bootstrap import Core
from bot.clock import FakeClock
from bot.console import ConsoleControls
from bot.scheduler import OutwardScheduler
from conversations.pulse.admin import RoundAdmin
from tests.support import Console

INVITATION = "is open, and"  # pulse.invite


async def open_round(app: Core) -> None:
    """Start the listening tour without ticking (the console would tick after the command)."""
    async with app.deps.uow() as tx:
        assert (await RoundAdmin(app.deps).start(tx, "listening-tour")).ok
        await tx.commit()


async def outbox(app: Core) -> list[str]:
    async with app.deps.uow() as tx:
        return [r.status for r in await tx.outbox.rows()]


async def until(condition: object, what: str) -> None:
    """Wait for a scheduled run to have happened (bounded, not a timing assertion)."""
    for _ in range(500):
        if await condition():  # type: ignore[operator]
            return
        await asyncio.sleep(0.02)
    raise AssertionError(f"never happened: {what}")


async def test_the_clock_plans_and_the_worker_delivers(app: Core, console: Console) -> None:
    assert OutwardScheduler(app, "run").jobs() == {"tick": 60, "housekeeping": 3600}
    assert OutwardScheduler(app, "clock").jobs() == {"rounds": 60, "plan": 60,
                                                     "housekeeping": 3600}
    assert OutwardScheduler(app, "worker").jobs() == {"deliver": 5}
    assert OutwardScheduler(app, "serve").jobs() == {"roster": 60}
    await open_round(app)
    assert await OutwardScheduler(app, "clock").run_job("plan")
    planned = await outbox(app)
    assert planned and set(planned) == {"pending"}, "planned, not sent: delivery is the worker's"
    assert INVITATION not in console.out.getvalue()

    assert await OutwardScheduler(app, "worker").run_job("deliver")
    assert set(await outbox(app)) == {"sent"} and len(await outbox(app)) == len(planned)
    assert INVITATION in console.out.getvalue()


async def test_run_ticks_at_start_and_stops_cleanly(app: Core, console: Console) -> None:
    await open_round(app)
    async with OutwardScheduler(app, "run") as scheduler:
        async def delivered() -> bool:
            return bool(await outbox(app)) and set(await outbox(app)) == {"sent"}

        await until(delivered, "the first tick planned and delivered the invitations")
    assert not scheduler.running
    assert INVITATION in console.out.getvalue()


async def test_jobs_and_console_ticks_take_turns(
    app: Core, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    order: list[str] = []
    entered, release = asyncio.Event(), asyncio.Event()

    async def slow_plan() -> int:
        order.append("plan starts")
        entered.set()
        await release.wait()
        order.append("plan ends")
        return 0

    async def housekeeping() -> None:
        order.append("housekeeping")

    async def tick() -> tuple[int, int]:
        order.append("console tick")
        return 0, 0

    monkeypatch.setattr(app, "plan_all", slow_plan)
    monkeypatch.setattr(app, "housekeeping", housekeeping)
    monkeypatch.setattr(app, "tick", tick)
    scheduler = OutwardScheduler(app, "clock")
    out = io.StringIO()
    adapter = ConsoleAdapter(app.router, ConsoleControls(app, clock, scheduler.tick), out, "amara")

    plan = asyncio.create_task(scheduler.run_job("plan"))
    await asyncio.wait_for(entered.wait(), 30)
    assert await scheduler.run_job("plan") is False, "a run whose previous run is busy is skipped"
    keep = asyncio.create_task(scheduler.run_job("housekeeping"))
    typed = asyncio.create_task(adapter.handle_line(":clock +1d"))
    async def moved() -> bool:
        return "the time is now" in out.getvalue()

    await until(moved, "the console moved the clock (at once; only its tick waits)")
    await asyncio.sleep(0.05)
    assert order == ["plan starts"], "housekeeping and the console's tick wait their turn"
    release.set()
    await asyncio.gather(plan, keep, typed)
    assert order == ["plan starts", "plan ends", "housekeeping", "console tick"]


async def test_a_failing_job_is_logged_and_the_clock_goes_on(
    app: Core, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    real = app.plan_all
    calls = 0

    async def flaky() -> int:
        nonlocal calls
        calls += 1
        if calls == 1:
            raise RuntimeError("database went away")
        return await real()

    monkeypatch.setattr(app, "plan_all", flaky)
    scheduler = OutwardScheduler(app, "clock")
    assert await scheduler.run_job("plan")
    assert "plan failed; trying again at the next run" in caplog.text
    assert "database went away" in caplog.text
    assert await scheduler.run_job("plan") and calls == 2


async def test_stopping_lets_a_running_delivery_finish(
    app: Core, monkeypatch: pytest.MonkeyPatch
) -> None:
    started, release = asyncio.Event(), asyncio.Event()
    finished: list[int] = []

    async def delivering() -> int:
        started.set()
        await release.wait()
        finished.append(1)
        return 1

    monkeypatch.setattr(app.worker, "run_once", delivering)
    scheduler = OutwardScheduler(app, "worker")
    scheduler.start()
    await asyncio.wait_for(started.wait(), 30)  # the first poll runs at once
    stopping = asyncio.create_task(scheduler.stop())
    for _ in range(20):
        await asyncio.sleep(0)
    assert not stopping.done(), "stop waits for the delivery in progress"
    release.set()
    await stopping
    assert finished == [1] and not scheduler.running
