"""What people said about progress on a round's commitments: the ratings of the questions a
later round of the same series asked about them ("Have you seen progress on ...?"), taken from
that round's summary, so under the same thresholds and differencing as every rating."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from conversations.ports import UnitOfWork
from conversations.questions import commitment_of
from conversations.results.model import Part
from conversations.results.summary import Summaries, Summary
from conversations.results.thresholds import WHOLE
from storage.loop_models import Commitment
from storage.models import Round

NEVER = datetime.min.replace(tzinfo=UTC)


@dataclass(frozen=True)
class Progress:
    """Progress seen on one commitment, as asked in `asked_in`: the average (1-5), how many
    answered and how they split (`parts`: no progress 1-2, some 3, clear 4-5, each hidden as
    the thresholds say), or `mean` None when too few answered for it to be shown. `before`:
    what the round before saw of the same commitment, when the committee carried it over (the
    same text) and that round asked about it."""

    asked_in: str
    mean: float | None
    answers: int = 0
    parts: tuple[Part, ...] = ()
    before: Progress | None = None


def readable(rnd: Round) -> bool:
    return rnd.status == "closed" or (rnd.status in ("open", "paused") and rnd.results_while_open)


async def progress_on(summaries: Summaries, tx: UnitOfWork, rnd: Round, locale: str = "en"
                      ) -> dict[int, Progress]:
    """Commitment number -> progress seen, from the latest readable round that asked about
    `rnd`'s commitments (none when no round has yet); the parts named in `locale`."""
    later = [r for r in await tx.rounds.all()
             if r.id != rnd.id and r.series == rnd.series and readable(r)]
    for other in sorted(later, key=lambda r: r.opened_at or NEVER, reverse=True):
        asked = {str(d["id"]): ref[1] for d in await tx.rounds.questions(other.id)
                 if (ref := commitment_of(d)) is not None and ref[0] == rnd.id}
        if asked:
            return await ratings_for(summaries, tx, other, asked, locale)
    return {}


async def ratings_for(summaries: Summaries, tx: UnitOfWork, asking: Round,
                      asked: dict[str, int], locale: str = "en") -> dict[int, Progress]:
    """Question id -> commitment number (`asked`) -> the progress each question shows (its
    parts named in `locale`)."""
    summary = await summaries.build(tx, asking, WHOLE, locale)
    ratings = {r.question_id: r for r in summary.ratings} if isinstance(summary, Summary) else {}
    out: dict[int, Progress] = {}
    for qid, number in asked.items():
        line = ratings.get(qid)
        out[number] = (Progress(asking.id, line.mean, line.answers, line.parts)
                       if line is not None else Progress(asking.id, None))
    return out


def _same(text: str) -> str:
    return " ".join(text.casefold().split()).rstrip(" .!?")


async def carried_over(summaries: Summaries, tx: UnitOfWork, committed: Round,
                       commitments: Sequence[Commitment], locale: str = "en"
                       ) -> dict[int, Progress]:
    """Commitment number (of `committed`) -> the progress `committed` itself saw on the same
    commitment (same text, case and spacing aside) of the round before it: the committee
    carried it over, so the change since then can be shown. None for a new commitment."""
    found = await asked_here(tx, committed)
    if found is None or not readable(committed):
        return {}
    earlier_id, asked = found
    texts = {c.number: _same(c.text) for c in await tx.commitments.for_round(earlier_id)}
    seen = await ratings_for(summaries, tx, committed, asked, locale)
    by_text = {texts[n]: p for n, p in seen.items() if n in texts and p.mean is not None}
    return {c.number: by_text[_same(c.text)] for c in commitments
            if _same(c.text) in by_text}


def with_before(progress: dict[int, Progress], before: dict[int, Progress]
                ) -> dict[int, Progress]:
    """`progress` with what the round before saw of each carried-over commitment."""
    return {n: replace(p, before=before.get(n)) for n, p in progress.items()}


async def asked_here(tx: UnitOfWork, rnd: Round) -> tuple[str, dict[str, int]] | None:
    """(the earlier round, question id -> commitment number) when `rnd` asked about progress
    on an earlier round's commitments."""
    found: dict[str, int] = {}
    earlier = ""
    for d in await tx.rounds.questions(rnd.id):
        ref = commitment_of(d)
        if ref is not None:
            earlier = ref[0]
            found[str(d["id"])] = ref[1]
    return (earlier, found) if found else None
