"""A round's questions as the core reads them: the content's `Question` (prompts.model), built
from the JSON definitions stored with the round (a snapshot, so editing the YAML never changes
an open round)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from conversations.ports import UnitOfWork
from prompts.model import Choice, Question
from storage.loop_models import Commitment

__all__ = ["Choice", "Question", "commitment_of", "commitment_texts", "commitments_asked",
           "questions_of"]


def commitment_of(definition: Mapping[str, Any]) -> tuple[str, int] | None:
    """(round, number) of the commitment a stored question asks about ("Have you seen progress
    on ...?", added when a round opens), or None for every other question."""
    ref = definition.get("commitment")
    if isinstance(ref, Mapping) and isinstance(ref.get("number"), int):
        return str(ref.get("round", "")), int(ref["number"])
    return None


async def questions_of(tx: UnitOfWork, round_id: str) -> list[Question]:
    """A round's questions, in order."""
    return [Question.from_definition(d) for d in await tx.rounds.questions(round_id)]


async def commitments_asked(tx: UnitOfWork, questions: Sequence[Question]
                            ) -> dict[str, Commitment]:
    """Question id -> the commitment a progress question asks about (as it stands now: its
    text, status and note); none for a commitment that is gone."""
    out: dict[str, Commitment] = {}
    rounds: dict[str, dict[int, Commitment]] = {}  # a round's commitments, read once
    for q in questions:
        if q.commitment is not None:
            committed, number = q.commitment
            if committed not in rounds:
                rounds[committed] = {c.number: c
                                     for c in await tx.commitments.for_round(committed)}
            if number in rounds[committed]:
                out[q.id] = rounds[committed][number]
    return out


async def commitment_texts(tx: UnitOfWork, questions: Sequence[Question]) -> dict[str, str]:
    """Question id -> the text of the commitment a progress question asks about (a progress
    question is named by it in results: "Hire interpreters by March", not "Have you seen
    progress on: Hire interpreters by March?"); none for a commitment that is gone."""
    return {qid: c.text for qid, c in (await commitments_asked(tx, questions)).items()}
