"""What people said about progress on a round's commitments: the ratings of the questions a
later round of the same series asked about them ("Have you seen progress on ...?"), taken from
that round's summary, so under the same thresholds and differencing as every rating."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from conversations.ports import UnitOfWork
from conversations.questions import commitment_of
from conversations.results.summary import Summaries, Summary
from conversations.results.thresholds import WHOLE
from storage.models import Round

NEVER = datetime.min.replace(tzinfo=UTC)


@dataclass(frozen=True)
class Progress:
    """Progress seen on one commitment, as asked in `asked_in`: the average (1-5) and how many
    answered, or `mean` None when too few did for it to be shown."""

    asked_in: str
    mean: float | None
    answers: int = 0


def readable(rnd: Round) -> bool:
    return rnd.status == "closed" or (rnd.status in ("open", "paused") and rnd.results_while_open)


async def progress_on(summaries: Summaries, tx: UnitOfWork, rnd: Round) -> dict[int, Progress]:
    """Commitment number -> progress seen, from the latest readable round that asked about
    `rnd`'s commitments (none when no round has yet)."""
    later = [r for r in await tx.rounds.all()
             if r.id != rnd.id and r.series == rnd.series and readable(r)]
    for other in sorted(later, key=lambda r: r.opened_at or NEVER, reverse=True):
        asked = {str(d["id"]): ref[1] for d in await tx.rounds.questions(other.id)
                 if (ref := commitment_of(d)) is not None and ref[0] == rnd.id}
        if asked:
            return await ratings_for(summaries, tx, other, asked)
    return {}


async def ratings_for(summaries: Summaries, tx: UnitOfWork, asking: Round,
                      asked: dict[str, int]) -> dict[int, Progress]:
    """Question id -> commitment number (`asked`) -> the progress each question shows."""
    summary = await summaries.build(tx, asking, WHOLE, "en")
    ratings = {r.question_id: r for r in summary.ratings} if isinstance(summary, Summary) else {}
    out: dict[int, Progress] = {}
    for qid, number in asked.items():
        line = ratings.get(qid)
        out[number] = (Progress(asking.id, line.mean, line.answers) if line is not None
                       else Progress(asking.id, None))
    return out


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
