"""Commitments next to a round's results: in `/themes` (chat) and in the committee report
("What we committed to": variables for the report's autoescaped Jinja2 templates, never HTML).
For a round, its own commitments with their status and the progress a later round of the
series saw; for a round that asked about progress, the earlier round's commitments with what
this round's answers say. Ratings come from the summaries, so
under the same thresholds and differencing as everything else."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from conversations.context import Deps
from conversations.loop.progress import (
    Progress,
    asked_here,
    carried_over,
    progress_on,
    ratings_for,
    with_before,
)
from conversations.loop.render import commitment_lines, progress_change, progress_words, status_word
from conversations.messages import Message
from conversations.ports import UnitOfWork
from conversations.results.summary import Summaries
from storage.loop_models import Commitment
from storage.models import Person, Round


def _progress_cell(deps: Deps, loc: str, seen: Progress | None) -> str:
    cat = deps.catalog
    if seen is None:
        return cat.text(loc, "report.progress_not_asked")
    if seen.mean is None:
        return cat.text(loc, "report.progress_hidden", round=seen.asked_in)
    return cat.text(loc, "report.progress_seen", parts=progress_words(cat, loc, seen),
                    mean=cat.number(loc, seen.mean, 1), round=seen.asked_in)


class CommitmentSections:
    """Builds the commitment blocks of a round for `/themes` and the report."""

    def __init__(self, deps: Deps, summaries: Summaries | None = None) -> None:
        self.deps = deps
        self.summaries = summaries or Summaries(deps)

    async def blocks(self, tx: UnitOfWork, rnd: Round, loc: str = "en"
                     ) -> list[tuple[Round, Sequence[Commitment], dict[int, Progress], bool]]:
        """(round committed after, its commitments, progress seen, asked here) per block,
        the progress in `loc`'s words."""
        out: list[tuple[Round, Sequence[Commitment], dict[int, Progress], bool]] = []
        found = await asked_here(tx, rnd)
        if found is not None:
            earlier = await tx.rounds.get(found[0])
            if earlier is not None:
                items = await tx.commitments.for_round(earlier.id)
                seen = await ratings_for(self.summaries, tx, rnd, found[1], loc)
                before = await carried_over(self.summaries, tx, earlier, items, loc)
                out.append((earlier, items, with_before(seen, before), True))
        own = await tx.commitments.for_round(rnd.id)
        if own:
            seen = await progress_on(self.summaries, tx, rnd, loc)
            before = await carried_over(self.summaries, tx, rnd, own, loc)
            out.append((rnd, own, with_before(seen, before), False))
        return out

    async def chat(self, tx: UnitOfWork, person: Person, rnd: Round) -> list[Message]:
        """The `/themes` messages: one per block."""
        cat, loc = self.deps.catalog, person.locale
        out = []
        for committed, items, progress, here in await self.blocks(tx, rnd, loc):
            key = "loop.section.asked" if here else "loop.section.own"
            lines = [cat.text(loc, key, round=committed.id)]
            lines += commitment_lines(cat, loc, items, progress)
            out.append(Message("\n".join(lines), private=True))
        return out

    async def report(self, tx: UnitOfWork, rnd: Round, loc: str) -> Mapping[str, Any]:
        """The report's variables: `commitments`, the blocks of the "What we committed to"
        section in `loc` (conversations/results/templates/commitments.html.j2 renders them,
        autoescaped); none when the round has nothing to do with commitments."""
        cat = self.deps.catalog
        blocks = []
        for committed, items, progress, here in await self.blocks(tx, rnd, loc):
            title = (cat.text(loc, "report.commitments_asked", asked=rnd.id, round=committed.id)
                     if here else cat.text(loc, "report.commitments_own", round=committed.id))
            blocks.append({"title": title, "entries": [
                {"number": c.number, "text": c.text, "note": c.note,
                 "status": status_word(cat, loc, c.status),
                 "progress": _progress_cell(self.deps, loc, progress.get(c.number)),
                 "change": progress_change(cat, loc, progress.get(c.number))}
                for c in items]})
        return {"commitments": blocks} if blocks else {}
