"""A realistic closed listening-tour round on the real core (in memory, or SQL at a URL): the
sample organisation plus N staff, answers from tests/rounds_data.py."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Mapping
from typing import Any

import pytest

from bot.bootstrap import Core
from bot.clock import FakeClock
from prompts.loader import sample_roster_csv
from tests.rounds_data import BRANCHES, submissions
from tests.rounds_data import store as store_round
from tests.support import Console, in_memory, load_roster, wired

ROUND = "listening-tour"


async def organisation(clock: FakeClock, n: int, url: str = "",
                       env: Mapping[str, str] | None = None) -> Core:
    app: Core = (await wired(url, clock, sample=False, env=env) if url
                 else await in_memory(clock, sample=False, env=env))
    extra = "".join(
        f"s{i},Staff Member{i},s{i}@example.org,America/Los_Angeles,en,staff,"
        f"{BRANCHES[i % len(BRANCHES)]},Library Assistant,{'FT' if i % 3 else 'PT'}\n"
        for i in range(n))
    await load_roster(app, sample_roster_csv() + extra)
    return app


async def realistic_round(app: Core, clock: FakeClock, n: int, round_id: str = ROUND,
                          seed: int = 11, template: str = "listening-tour") -> None:
    """Start `template` as `round_id`, store n realistic submissions from the extra staff,
    close it."""
    console = Console(app, clock)
    start = f"/pulse start {template}" + (f" as {round_id}" if round_id != template else "")
    out = await console.say(":as amara", start)
    assert "started" in out.lower() or "open" in out.lower(), out
    async with app.deps.uow() as tx:
        rnd = await tx.rounds.get(round_id)
        assert rnd is not None and rnd.opened_on is not None
        people = [p.id for p in await tx.people.all() if p.handle.startswith("s")]
        await store_round(tx, round_id, rnd.opened_on.isoformat(), people[:n],
                          submissions(n, seed), rnd.opened_on)
        await tx.commit()
    out = await console.say(f"/pulse close {round_id}")
    assert "closed" in out.lower(), out


def tour_fixture(n: int) -> Callable[..., Any]:
    """A pytest fixture `tour`: the sample organisation plus n staff and a closed round of
    their realistic answers (`tour = tour_fixture(60)` in a test module)."""

    @pytest.fixture
    async def tour(clock: FakeClock) -> AsyncIterator[Core]:
        app = await organisation(clock, n)
        await realistic_round(app, clock, n)
        yield app
        await app.close()

    return tour


async def report_html(app: Core, round_id: str = ROUND, locale: str = "en") -> str:
    """The HTML report of a round as a chair reading `locale` gets it."""
    async with app.deps.uow() as tx:
        rnd = await tx.rounds.get(round_id)
        assert rnd is not None
        page = await app.reports.html(tx, rnd, locale)
        await tx.commit()
    assert isinstance(page, str), page
    return page
