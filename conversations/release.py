"""Releasing held answers into the results, and marking who finished, without a link between
the two (DESIGN.md, "Anonymity model").

A finished survey is held with no person (`held_submissions`) and the person is remembered only
by a keyed-hash mark. The clock releases a round's held answers once at least k people are
waiting, or when the round closes. In that one transaction the answers join `responses` as the
round's next release batch, shuffled, with fresh random submission ids, and the participation
rows of the people who finished are marked complete: at least k of them at once, or, at close,
every participation row of the round rewritten together. So a participation row's transaction id
(PostgreSQL `xmin`) is always shared by at least k people (or by everyone invited), and no answer
is ever written next to a person-linked row.

Held rows that are not released yet are rewritten together on every clock tick, so within a
minute their transaction id no longer sits next to their author's other activity.

Learning reflections are held with a keyed author tag and released once at least
max(k, k_comments) different people are waiting, as one occurrence per batch, with no step id.
"""

from __future__ import annotations

import logging
import uuid

from conversations.context import Deps
from conversations.pulse import done_mark
from storage.models import Round
from storage.repositories import UnitOfWork

log = logging.getLogger(__name__)


async def release_round(deps: Deps, tx: UnitOfWork, rnd: Round, closing: bool = False) -> int:
    """Release what is due for one round inside the caller's transaction (the caller commits).
    `closing`: the round has just closed, so every held submission goes now. Returns how many
    submissions were released."""
    await tx.rounds.lock(rnd.id)  # one release at a time per round, across processes
    if rnd.status == "ongoing":
        return await _release_reflections(tx, rnd)
    done = await tx.marks.keys(rnd.id, "done")
    if not closing and len(done) < rnd.k_responses:
        return 0
    held = await tx.responses.held_for(rnd.id)
    if held:
        batch = await tx.responses.next_batch(rnd.id)
        await tx.responses.release([(h, h.occurrence, str(uuid.uuid4())) for h in held], batch)
    parts = await tx.participation.for_round(rnd.id)
    finished = [p.id for p in parts.values()
                if not p.completed and done_mark(deps, rnd.id, p.occurrence, p.person_id) in done]
    # Fewer than k rows would share this transaction id: rewrite the whole round's rows instead.
    whole = closing or len(finished) < rnd.k_responses
    await tx.participation.complete_many(finished, round_id=rnd.id if whole else None)
    await tx.marks.delete(rnd.id, "done", None if closing else done)
    return len(held)


async def _release_reflections(tx: UnitOfWork, rnd: Round) -> int:
    held = await tx.responses.held_for(rnd.id)
    authors = {h.author for h in held if h.author}
    if len(authors) < max(rnd.k_responses, rnd.k_comments):
        return 0
    batch = await tx.responses.next_batch(rnd.id)
    ids = {a: str(uuid.uuid4()) for a in authors}
    rows = [(h, f"r{batch}", ids[h.author]) if h.author else
            (h, "x" + uuid.uuid4().hex[:9], None) for h in held]
    await tx.responses.release(rows, batch)
    return len(held)


class Releaser:
    """The clock's release step: every round with held answers or waiting marks, each in a
    transaction of its own."""

    def __init__(self, deps: Deps) -> None:
        self.deps = deps

    async def release(self, round_id: str | None = None) -> int:
        async with self.deps.uow() as tx:
            waiting = await tx.responses.held_rounds() | await tx.marks.rounds("done")
        released = 0
        for rid in sorted(waiting):
            if round_id is not None and rid != round_id:
                continue
            async with self.deps.uow() as tx:
                rnd = await tx.rounds.get(rid)
                if rnd is None:
                    continue
                released += await release_round(self.deps, tx, rnd,
                                                closing=rnd.status == "closed")
                await tx.commit()
        # What is still held is rewritten together, so a held row's transaction id stops
        # pointing at the moment (and so at the activity) of the person who wrote it.
        async with self.deps.uow() as tx:
            await tx.responses.reseal()
            await tx.commit()
        return released
