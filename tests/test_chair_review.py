"""What a committee chair noticed, reading a finished round's results in chat, in the report
and in the CSV (a fresh-eyes review): each test asserts what the chair would see."""

from __future__ import annotations

import uuid
from collections.abc import Callable

import pytest

from adapters.console.adapter import address_for
from bot.bootstrap import Core
from bot.clock import FakeClock
from conversations.events import TextReceived
from conversations.results.model import Summary
from conversations.results.thresholds import WHOLE
from tests.results_support import ROUND, organisation, realistic_round
from tests.support import TUESDAY_9AM_LA


async def chat(app: Core, args: str, handle: str = "jordan") -> str:
    replies = await app.router(TextReceived(address_for(handle), f"/themes {args}"))
    return "\n".join(m.text for m in replies)


async def whole_round(app: Core, round_id: str = ROUND) -> Summary:
    """The whole round as the report and the CSV count it."""
    async with app.deps.uow() as tx:
        rnd = await tx.rounds.get(round_id)
        assert rnd is not None
        built = await app.reports.build(tx, rnd)
        await tx.commit()
    assert isinstance(built, tuple), built
    return built[0]


def ids(start: int, step: int) -> Callable[[], uuid.UUID]:
    state = {"n": start}

    def next_id() -> uuid.UUID:
        state["n"] += step
        return uuid.UUID(int=state["n"])
    return next_id


async def test_the_same_answers_give_the_same_themes_in_every_process(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The web process answers /themes, the command line writes the CSV: both read the same
    round, whose response ids are random. Before, comments were themed in the order of those
    ids, so the chair's chat and the CSV named different themes with different counts."""
    seen = []
    for next_id in (ids(0, 1), ids(2**100, -1)):  # the same answers, ids in opposite orders
        monkeypatch.setattr(uuid, "uuid4", next_id)
        clock = FakeClock(TUESDAY_9AM_LA)
        app = await organisation(clock, 60)
        await realistic_round(app, clock, 60)
        s = await whole_round(app)
        seen.append([(sec.question_id, [(t.label, t.comments, t.sentiment) for t in sec.themes])
                     for sec in (*s.sections, s.overall)])
        await app.close()
    assert seen[0] == seen[1]
