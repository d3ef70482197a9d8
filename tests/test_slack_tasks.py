"""Work after Slack's ack runs a bounded number at a time, in arrival order, so that a burst of
presses cannot crowd out the acks still to be sent; work with its own deadline goes at once."""

from __future__ import annotations

import asyncio

from adapters.slack.tasks import SlackTasks


async def test_a_burst_runs_a_few_at_a_time_in_arrival_order() -> None:
    tasks = SlackTasks(running=4)
    release = asyncio.Event()
    started: list[int] = []

    async def press(i: int) -> int:
        started.append(i)
        await release.wait()
        return i

    spawned = [tasks.spawn(press(i)) for i in range(30)]
    for _ in range(5):
        await asyncio.sleep(0)
    assert started == [0, 1, 2, 3]  # the rest wait their turn

    release.set()
    await tasks.drain()
    assert started == list(range(30))
    assert [t.result() for t in spawned] == list(range(30))
    assert not tasks.running


async def test_urgent_work_is_not_queued_behind_a_full_house() -> None:
    tasks = SlackTasks(running=2)
    release = asyncio.Event()

    async def stuck() -> None:
        await release.wait()

    for _ in range(10):
        tasks.spawn(stuck())
    opened = asyncio.Event()

    async def open_form() -> None:  # views.open must happen within 3 s of the press
        opened.set()

    tasks.spawn(open_form(), urgent=True)
    await asyncio.wait_for(opened.wait(), 5)
    release.set()
    await tasks.drain()


async def test_a_failure_is_logged_and_frees_its_turn(caplog) -> None:  # type: ignore[no-untyped-def]
    tasks = SlackTasks(running=1)

    async def broken() -> None:
        raise ValueError("adapter bug")

    async def fine() -> str:
        return "done"

    tasks.spawn(broken())
    after = tasks.spawn(fine())
    await tasks.drain()
    assert after.result() == "done"
    assert "Slack background work failed" in caplog.text
