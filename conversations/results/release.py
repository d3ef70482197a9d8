"""Releasing held answers into the results, and counting who finished, without a link between
the two (DESIGN.md, "Anonymity model").

A finished survey is held with no person (`held_submissions`) and the person is remembered only
by a keyed-hash mark (`private_marks`, HMAC with OUTWARD_SECRET). While the round is open no
person-linked row records completion at all: once at least k finishes are waiting, the clock
releases the held answers into `responses` as the round's next batch (shuffled, fresh random
submission ids) and raises the round's count of finishes (`rounds.counted`), so the numbers a
chair sees move in steps of at least k. When the round closes, what is still held is released,
the round counts every finish and the marks are deleted: who finished is never written down
per person, so nothing stored says who finished, when, or in which batch.

Held rows and marks not yet settled are rewritten together on every clock tick, so within a
minute their transaction id no longer sits next to their author's other activity.

Learning reflections are held with a keyed tag of their author and step (different for each
of a person's reflections, so none can be grouped by a database reader) and released once at
least max(k, k_comments) different people are waiting: one reflection per person per batch,
each with a submission id of its own, as one occurrence per batch, with no step id. A person's
other reflections wait for later batches, so nothing released says how many one person wrote.
"""

from __future__ import annotations

import logging
import random
import uuid

from conversations.context import Deps
from conversations.keyed import author_tag, open_held
from conversations.ports import UnitOfWork
from storage.models import HeldSubmission, Opened, Round

log = logging.getLogger(__name__)


async def release_round(deps: Deps, tx: UnitOfWork, rnd: Round, closing: bool = False) -> int:
    """Release what is due for one round inside the caller's transaction (the caller commits).
    `closing`: the round has just closed, so every held submission goes now. Returns how many
    submissions were released."""
    await tx.rounds.lock(rnd.id)  # one release at a time per round, across processes
    if rnd.status == "ongoing":
        return await _release_reflections(deps, tx, rnd)
    done = await tx.marks.keys(rnd.id, "done")
    if not closing and len(done) - rnd.counted < rnd.k_responses:
        return 0
    held, opened = _opened(deps, rnd, await tx.responses.held_for(rnd.id))
    if held:
        batch = await tx.responses.next_batch(rnd.id)
        await tx.responses.release([(h, h.occurrence, str(uuid.uuid4())) for h in held], batch,
                                   opened)
    # Who finished is never written down per person, not even once the round has closed: the
    # round keeps how many did. A flag on each finisher's participation row would tie the
    # round's answers to them whenever fewer than k finished, and every stored segment
    # combination to its finished members, however many were invited.
    rnd.counted = max(rnd.counted, len(done))
    if closing:
        await tx.marks.delete(rnd.id, "done")
    return len(held)


async def participation(tx: UnitOfWork, rnd: Round) -> tuple[int, int]:
    """(invited, finished) as chairs may see them: finishes are counted in release batches
    while the round is open, and all of them once it has closed (participation rows of rounds
    closed before completion stopped being recorded per person may still say it)."""
    invited, completed = await tx.participation.counts(rnd.id)
    return invited, completed + rnd.counted


async def _authors(deps: Deps, tx: UnitOfWork, rnd: Round) -> dict[str, int]:
    """Held reflection tag -> person, for everyone enrolled in the round's track: each
    person's tag for every step of the track and every step they were sent (a step since
    removed included), and the per-person tag reflections were held with before."""
    track = deps.tracks.get(rnd.template)
    steps = {s.id for s in track.steps} if track is not None else set()
    owners: dict[str, int] = {}
    for e in await tx.enrolments.for_track(rnd.template):
        for step in steps | {str(s) for s in (e.sent or [])}:
            owners[author_tag(deps.keyed, rnd.id, e.person_id, step)] = e.person_id
        owners[deps.keyed("author", rnd.id, e.person_id)] = e.person_id
    return owners


def _opened(deps: Deps, rnd: Round, held: list[HeldSubmission]
            ) -> tuple[list[HeldSubmission], dict[str, Opened]]:
    """The held rows this secret can open, and their answers and segments. A row sealed under
    another OUTWARD_SECRET (changed while it was held) stays held: it cannot be read, by the
    app or anyone else (logged, without its content)."""
    opened: dict[str, Opened] = {}
    for h in held:
        got = open_held(deps.keyed, rnd.id, h.answers, h.segments or {})
        if got is not None:
            opened[h.id] = got
    if len(opened) < len(held):
        log.warning("%d held submission(s) of %s were sealed with another OUTWARD_SECRET and "
                    "cannot be released", len(held) - len(opened), rnd.id)
    return [h for h in held if h.id in opened], opened


async def _release_reflections(deps: Deps, tx: UnitOfWork, rnd: Round) -> int:
    held, opened = _opened(deps, rnd, await tx.responses.held_for(rnd.id))
    need = max(rnd.k_responses, rnd.k_comments)
    tagged = [h for h in held if h.author]
    if len(tagged) < need:  # (cheap: fewer reflections than people needed)
        return 0
    owners = await _authors(deps, tx, rnd)
    by_person: dict[int | None, list[HeldSubmission]] = {}
    for h in tagged:  # tags nobody enrolled owns (a person deleted since): one person at most
        by_person.setdefault(owners.get(str(h.author)), []).append(h)
    if len(by_person) < need:
        return 0
    batch = await tx.responses.next_batch(rnd.id)
    pick = random.SystemRandom().choice
    rows: list[tuple[HeldSubmission, str, str | None]] = [
        (pick(hs), f"r{batch}", str(uuid.uuid4())) for hs in by_person.values()]
    rows += [(h, "x" + uuid.uuid4().hex[:9], None) for h in held if not h.author]
    await tx.responses.release(rows, batch, opened)
    return len(rows)


class Releaser:
    """The clock's release step: every round with held answers or waiting marks, each in a
    transaction of its own."""

    def __init__(self, deps: Deps) -> None:
        self.deps = deps

    async def __call__(self) -> int:
        return await self.release()

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
        # pointing at the moment (and so at the activity) of the person who wrote it, and its
        # storage order at the order people finished in. Under the rounds' locks: a release
        # or a close deleting held rows or marks meanwhile would miss the rewritten ones.
        async with self.deps.uow() as tx:
            rounds = sorted(await tx.responses.held_rounds() | await tx.marks.rounds("done")
                            | await tx.marks.rounds("reflected"))
            for rid in rounds:
                await tx.rounds.lock(rid)
            await tx.responses.reseal(rounds)
            await tx.marks.reseal(rounds)
            await tx.commit()
        return released
