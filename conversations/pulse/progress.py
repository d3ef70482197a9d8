"""The next round of a series asks whether people see progress on what the committee committed
to after the previous one: one 1-5 question per commitment ("Have you seen progress on: ...?"),
appended to the round's questions when it opens. They are ordinary rating questions: answered,
held and released in batches, and shown only under the thresholds, like every other answer.

Each such question keeps which commitment it asks about (`commitment` in its stored
definition), so results can show the ratings next to the commitment."""

from __future__ import annotations

from datetime import date
from typing import Any

from conversations.context import Deps
from conversations.ports import UnitOfWork
from conversations.questions import commitment_of
from prompts.loader import LOCALES
from storage.models import Round

PREFIX = "progress-"


async def previous_round(tx: UnitOfWork, rnd: Round) -> Round | None:
    """The latest closed round of the same series before `rnd`."""
    same = [r for r in await tx.rounds.all()
            if r.id != rnd.id and r.status == "closed" and r.series
            and r.series == rnd.series]
    return max(same, key=lambda r: (r.closed_on or date.min, r.opened_on or date.min, r.id),
               default=None)


async def progress_questions(deps: Deps, tx: UnitOfWork, rnd: Round) -> list[dict[str, Any]]:
    """One question per commitment of the previous round of the series that was not dropped,
    in the languages of the interface; none already in the round."""
    previous = await previous_round(tx, rnd)
    if previous is None:
        return []
    have = await tx.rounds.questions(rnd.id)
    ids = {str(q.get("id")) for q in have}
    asked = {commitment_of(q) for q in have} - {None}
    out: list[dict[str, Any]] = []
    for c in await tx.commitments.for_round(previous.id):
        qid = f"{PREFIX}{c.number}"
        if c.status == "dropped" or qid in ids or (previous.id, c.number) in asked:
            continue
        text = {loc: deps.catalog.text(loc, "loop.progress_q", text=c.text) for loc in LOCALES}
        scale = {loc: [deps.catalog.text(loc, "loop.progress_low"),
                       deps.catalog.text(loc, "loop.progress_high")] for loc in LOCALES}
        out.append({"id": qid, "kind": "rating", "text": text, "choices": [], "scale": scale,
                    "follow_up": None, "commitment": {"round": previous.id,
                                                      "number": c.number}})
    return out
