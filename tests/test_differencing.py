"""A curious chair asks every command, over time: no two views of the same item differ by
1..k-1 people (early results vs close, status counts, report)."""

from __future__ import annotations

import re
from pathlib import Path

from bot.clock import FakeClock
from tests.summaries_support import answer, big_org
from tests.support import Console


def rating_ns(out: str) -> list[int]:
    return [int(n) for n in re.findall(r"average \d\.\d \((\d+) answers?\)", out)]


async def test_early_results_then_one_more_person_never_reveals_that_person(
    tmp_path: Path, clock: FakeClock, database_url: str
) -> None:
    app = await big_org(tmp_path, clock, database_url)
    console = Console(app, clock)
    try:
        await console.say("/pulse start listening-tour", "/pulse early-results listening-tour on")
        for i in range(10):
            await answer(app, f"p{i}", i)
        await app.tick()  # two batches of five are released
        early = await console.say(":as jordan", "/themes listening-tour")
        assert rating_ns(early) and set(rating_ns(early)) == {10}
        # status counts move with the batches, never one person at a time
        status = await console.say("/pulse status listening-tour")
        assert "completed 10" in status
        await answer(app, "p10", 10)
        await app.tick()
        assert "completed 10" in await console.say("/pulse status listening-tour")
        # the round closes with one more person's answers: they are never added to the totals
        # the chair has already seen, since the difference would be that person's answers
        await console.say(":as amara", "/pulse close listening-tour")
        after = await console.say(":as jordan", "/themes listening-tour")
        assert set(rating_ns(after)) == {10}
        assert "as first shown" in after
        assert "11 of" in after  # participation is counted in full at close
        # the report shows the same view
        from conversations.results.report import Reports

        async with app.deps.uow() as tx:
            rnd = await tx.rounds.get("listening-tour")
            assert rnd is not None
            html = await Reports(app.deps).html(tx, rnd)
            await tx.commit()
        assert isinstance(html, str)
        assert set(re.findall(r'class="answers">(\d+)<', html)) == {"10"}
    finally:
        await app.close()


async def test_without_early_results_everything_is_shown_at_close(
    tmp_path: Path, clock: FakeClock
) -> None:
    app = await big_org(tmp_path, clock)
    console = Console(app, clock)
    try:
        await console.say("/pulse start listening-tour")
        for i in range(11):
            await answer(app, f"p{i}", i)
        await app.tick()
        await console.say("/pulse close listening-tour")
        out = await console.say(":as jordan", "/themes listening-tour")
        assert set(rating_ns(out)) == {11} and "as first shown" not in out
    finally:
        await app.close()
