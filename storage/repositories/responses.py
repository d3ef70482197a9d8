"""Answers: held submissions (no person) and released responses (no person, no time)."""

from __future__ import annotations

import json
import random
import uuid
from collections.abc import Collection, Mapping, Sequence
from typing import Any

from sqlalchemy import Text, func, select, type_coerce
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import HeldSubmission, Opened, Response
from storage.repositories._sql import rewrite_in_key_order
from storage.rows import ResponseRow


class Responses:
    def __init__(self, session: AsyncSession) -> None:
        self.s = session

    async def add(
        self,
        round_id: str,
        occurrence: str,
        answers: Sequence[tuple[str, str, str | None]],
        segments: Mapping[str, str],
        week: str,
        submission: str | None = None,
        batch: int = 1,
    ) -> None:
        """Store one submission's answers: (question id, value, scrubbed text) each, the shared
        segments and week, the submission id grouping them, and their release batch."""
        for question_id, value, text in answers:
            self.s.add(
                Response(
                    id=str(uuid.uuid4()),
                    round_id=round_id,
                    occurrence=occurrence,
                    question_id=question_id,
                    value=value,
                    text=text,
                    segments=dict(segments),
                    week=week,
                    submission=submission,
                    batch=batch,
                )
            )
        await self.s.flush()

    async def for_round(self, round_id: str) -> list[Response]:
        q = select(Response).where(Response.round_id == round_id).order_by(Response.id)
        return list(await self.s.scalars(q))

    async def rows_for_round(self, round_id: str) -> list[ResponseRow]:
        """The round's responses as plain rows, by id: read as columns, not ORM objects, and
        each distinct segments document decoded once (a round has a handful), which is most of
        the time a large round's results take to read."""
        c = Response.__table__.c
        q = (select(c.id, c.question_id, c.occurrence, c.value, c.text, c.theme,
                    type_coerce(c.segments, Text), c.submission, c.batch, c.theme_code)
             .where(c.round_id == round_id).order_by(c.id))
        decoded: dict[str, Mapping[str, Any]] = {}
        out: list[ResponseRow] = []
        for rid, qid, occurrence, value, text, theme, raw, submission, batch, code in (
                await self.s.execute(q)):
            if isinstance(raw, str):
                segments = decoded.get(raw)
                if segments is None:
                    segments = decoded[raw] = json.loads(raw) or {}
            else:  # a driver that decodes JSON itself
                segments = raw or {}
            out.append(ResponseRow(rid, qid, occurrence, value or "", text, theme, segments,
                                   submission, batch, code))
        return out

    async def fingerprint(self, round_id: str) -> tuple[int, int, int, int]:
        """(responses, latest batch, with text, with a kept theme) of a round: one indexed
        aggregate, changed by every release and by retention, so results computed from the
        round's responses can be kept until it changes."""
        q = select(func.count(), func.coalesce(func.max(Response.batch), 0),
                   func.count(Response.text), func.count(Response.theme)
                   ).where(Response.round_id == round_id)
        row = (await self.s.execute(q)).one()
        return int(row[0]), int(row[1]), int(row[2]), int(row[3])

    async def hold(
        self,
        round_id: str,
        occurrence: str,
        answers: Sequence[tuple[str, str, str | None]],
        segments: Mapping[str, str],
        week: str,
        counted: bool = True,
        author: str | None = None,
        sealed: str | None = None,
    ) -> None:
        """Keep a finished submission, with no person, until it is released into responses.
        `sealed`: the answers and segments sealed by the core (stored instead of them)."""
        self.s.add(
            HeldSubmission(
                id=str(uuid.uuid4()),
                round_id=round_id,
                occurrence=occurrence,
                answers={"sealed": sealed} if sealed else [list(a) for a in answers],
                segments={} if sealed else dict(segments),
                week=week,
                counted=counted,
                author=author,
            )
        )
        await self.s.flush()

    async def held_rounds(self) -> set[str]:
        """Rounds with held submissions."""
        q = select(HeldSubmission.round_id).distinct()
        return {str(r) for r in await self.s.scalars(q)}

    async def held_for(self, round_id: str) -> list[HeldSubmission]:
        q = select(HeldSubmission).where(HeldSubmission.round_id == round_id)
        return list(await self.s.scalars(q))

    async def reseal(self, round_ids: Collection[str]) -> None:
        """Rewrite the held rows of these rounds at once, in the order of their random ids (new
        row versions, one transaction id, a storage order that is not the order people
        finished in). The caller holds the rounds' locks, so no release runs meanwhile."""
        await rewrite_in_key_order(self.s, HeldSubmission.__table__, "id",
                                   HeldSubmission.round_id.in_(sorted(round_ids)))

    async def next_batch(self, round_id: str) -> int:
        q = select(func.max(Response.batch)).where(Response.round_id == round_id)
        return int(await self.s.scalar(q) or 0) + 1

    async def release(self, held: Sequence[tuple[HeldSubmission, str, str | None]],
                      batch: int, opened: Mapping[str, Opened] | None = None) -> None:
        """Move held submissions into responses as release `batch`, in random order; each
        given as (held row, occurrence to store, submission id). `opened`: held id -> the
        answers and segments of a sealed row, as the core opened them."""
        rows = list(held)
        random.SystemRandom().shuffle(rows)
        for h, occurrence, submission in rows:
            answers, segments = (opened or {}).get(h.id) or (h.answers, h.segments)
            await self.add(h.round_id, occurrence, [tuple(a) for a in answers],
                           segments, h.week, submission=submission, batch=batch)
            await self.s.delete(h)
        await self.s.flush()
