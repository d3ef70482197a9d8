"""Anonymised round summaries for chairs: thresholds, differencing, themes, trends.

Responses carry no person. Pulse answers share a random submission id, so distinct people are
counted exactly; rows without one fall back to a safe lower bound (a person answers a question at
most once per occurrence). Every threshold compares that count with k, and the count is exactly
0 only for an empty set: being conservative only ever hides a group, never shows a small one.
"""

from __future__ import annotations

import asyncio
import zlib
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from conversations.context import Deps
from storage.models import Response, Round
from storage.repositories import SEGMENTS, UnitOfWork

Slice = tuple[str, str]  # (segment, value); ("", "") is the whole round
WHOLE: Slice = ("", "")


def people_at_least(responses: Iterable[Response]) -> int:
    """A lower bound on the distinct people behind these responses (exact 0 when empty).

    Pulse answers carry a random submission id: distinct submissions are distinct people (per
    occurrence). Rows without one (learning reflections) count by the largest
    per-(occurrence, question) group, since a person answers each question once."""
    rows = list(responses)
    per_occurrence = Counter(
        occ for occ, _ in {(r.occurrence, r.submission) for r in rows if r.submission}
    )
    submissions = max(per_occurrence.values(), default=0)  # the same people may answer again
    counts = Counter((r.occurrence, r.question_id) for r in rows if not r.submission)
    return max(submissions, max(counts.values(), default=0))


def in_slice(r: Response, s: Slice) -> bool:
    return s == WHOLE or str((r.segments or {}).get(s[0], "")).lower() == s[1].lower()


def slice_refusal(responses: Sequence[Response], wanted: Slice, released: Iterable[Slice],
                  k: int) -> str | None:
    """Why `wanted` may not be shown (a catalog key), or None if it is safe.

    Refused when the slice or its complement inside the round is below k, or when it differs
    from a slice already shown by fewer than k people (either way round)."""
    inside = [r for r in responses if in_slice(r, wanted)]
    if people_at_least(inside) < k:
        return "themes.too_small"
    if wanted == WHOLE:
        return None
    outside = people_at_least(r for r in responses if not in_slice(r, wanted))
    if 0 < outside < k:
        return "themes.complement_small"
    for other in released:
        if other == wanted or other == WHOLE:
            continue
        only_new = people_at_least(r for r in inside if not in_slice(r, other))
        only_old = people_at_least(
            r for r in responses if in_slice(r, other) and not in_slice(r, wanted))
        if 0 < only_new < k or 0 < only_old < k:
            return "themes.overlap_small"
    return None


@dataclass(frozen=True)
class ThemeLine:
    label: str
    code: str | None
    comments: int
    share: float  # of all comments shown
    sentiment: tuple[int, int, int]
    quotes: tuple[str, ...]
    change: float | None  # share points since the previous round of the series


@dataclass(frozen=True)
class RatingLine:
    question_id: str
    text: str
    mean: float
    answers: int


@dataclass(frozen=True)
class Summary:
    round_id: str
    title: str
    status: str
    scope: str  # "" for everyone, else "branch=Central"
    invited: int
    completed: int
    ratings: tuple[RatingLine, ...]
    themes: tuple[ThemeLine, ...]
    comments: int  # comments behind the themes shown ("other" included)
    enough_comments: bool
    previous: str | None


@dataclass(frozen=True)
class Refusal:
    key: str
    values: Mapping[str, Any]


def _loc(texts: Mapping[str, Any], locale: str) -> str:
    return str(texts.get(locale) or texts.get("en") or "")


class Summaries:
    """Builds summaries with the round's thresholds; records the slices it releases."""

    def __init__(self, deps: Deps) -> None:
        self.deps = deps
        # themes of the same comments are the same: a closed round is themed once, not on
        # every /themes (keyed by the exact set of comments, so new answers re-theme)
        self._cache: dict[tuple[Any, ...], tuple[list[ThemeLine], int, bool]] = {}

    async def latest_round(self, tx: UnitOfWork) -> Round | None:
        rounds = [r for r in await tx.rounds.all() if r.status != "draft"]
        closed = sorted((r for r in rounds if r.status == "closed"),
                        key=lambda r: (r.closed_on or r.opened_on, r.id))
        if closed:
            return closed[-1]
        return rounds[-1] if rounds else None

    async def build(self, tx: UnitOfWork, rnd: Round, wanted: Slice, locale: str = "en",
                    record: bool = True) -> Summary | Refusal:
        if rnd.status not in ("closed",) and not rnd.results_while_open:
            return Refusal("themes.still_open", {"round": rnd.id})
        responses = await tx.responses.for_round(rnd.id)
        released = await tx.slices.released(rnd.id)
        reason = slice_refusal(responses, wanted, released, rnd.k_responses)
        if reason is not None:
            where = f"{wanted[0]}={wanted[1]}" if wanted != WHOLE else rnd.id
            return Refusal(reason, {"round": rnd.id, "k": rnd.k_responses, "slice": where})
        inside = [r for r in responses if in_slice(r, wanted)]
        questions = {q["id"]: q for q in await tx.rounds.questions(rnd.id)}
        outside = [] if wanted == WHOLE else [r for r in responses if not in_slice(r, wanted)]
        ratings = self._ratings(inside, questions, rnd.k_responses, locale, outside)
        themes, comments, enough = await self._themes(inside, rnd.k_comments, seed=rnd.id)
        previous = await self._previous(tx, rnd)
        if previous is not None and themes:
            themes = await self._with_trend(tx, previous, themes, rnd.k_comments)
        invited, completed = await tx.participation.counts(rnd.id)
        if record:
            await tx.slices.release(rnd.id, *wanted)
        return Summary(
            round_id=rnd.id,
            title=_loc(rnd.title, locale),
            status=rnd.status,
            scope="" if wanted == WHOLE else f"{wanted[0]}={wanted[1]}",
            invited=invited,
            completed=completed,
            ratings=ratings,
            themes=tuple(themes),
            comments=comments,
            enough_comments=enough,
            previous=previous.id if previous is not None else None,
        )

    def _ratings(self, responses: Sequence[Response], questions: Mapping[str, Any], k: int,
                 locale: str, outside: Sequence[Response] = ()) -> tuple[RatingLine, ...]:
        """Averages with at least k answers; for a slice, also only when the answers outside
        it are none or at least k, so whole-minus-slice never gives away a few ratings."""
        out = []
        for qid, q in questions.items():
            if q.get("kind") != "rating":
                continue
            values = [int(r.value) for r in responses
                      if r.question_id == qid and r.value in ("1", "2", "3", "4", "5")]
            rest = sum(1 for r in outside if r.question_id == qid and r.value)
            if len(values) >= k and not 0 < rest < k:
                out.append(RatingLine(qid, _loc(q["text"], locale),
                                      round(sum(values) / len(values), 1), len(values)))
        return tuple(out)

    async def _themes(self, responses: Sequence[Response], k_comments: int, seed: str
                      ) -> tuple[list[ThemeLine], int, bool]:
        commented = [r for r in responses if r.text or r.theme]
        if people_at_least(commented) < k_comments:
            return [], 0, False
        key = (seed, k_comments, frozenset((r.id, r.text, r.theme) for r in commented))
        if key not in self._cache:
            if len(self._cache) >= 64:
                self._cache.pop(next(iter(self._cache)))
            self._cache[key] = await self._theme_comments(commented, k_comments, seed)
        return self._cache[key]

    async def _theme_comments(self, commented: Sequence[Response], k_comments: int, seed: str
                              ) -> tuple[list[ThemeLine], int, bool]:
        purged = all(r.text is None for r in commented)
        if purged:  # raw text is gone after retention: group by the stored theme labels
            groups: dict[str, list[Response]] = {}
            for r in commented:
                groups.setdefault(r.theme or "other", []).append(r)
            kept = [
                ThemeLine(label, "other" if label == "other" else None, len(rs), 0.0,
                          (0, 0, 0), (), None)
                for label, rs in groups.items() if people_at_least(rs) >= k_comments
            ]
            shown = sum(line.comments for line in kept)
            return ([ThemeLine(t.label, t.code, t.comments, t.comments / max(shown, 1),
                               t.sentiment, (), None) for t in
                     sorted(kept, key=lambda t: -t.comments)], shown, True)
        live = [r for r in commented if r.text]
        texts = [str(r.text) for r in live]
        result = await asyncio.to_thread(self._theme, texts, k_comments)
        from storage.themes import quotes as pick_quotes

        lines: list[ThemeLine] = []
        other: list[int] = []
        other_sentiment = [0, 0, 0]
        for theme in result.themes:
            members = [live[i] for i in theme.members]
            if theme.code == "other" or people_at_least(members) < k_comments:
                other.extend(theme.members)
                other_sentiment = [a + b for a, b in zip(other_sentiment, theme.sentiment,
                                                         strict=True)]
                continue
            picked = pick_quotes(texts, theme, n=2, seed=zlib.crc32(seed.encode()),
                                 groups=[r.submission for r in live])  # two submissions
            lines.append(ThemeLine(theme.label, theme.code, len(theme.members), 0.0,
                                   theme.sentiment, tuple(picked[:2]), None))
        total = len(texts)
        lines = [ThemeLine(t.label, t.code, t.comments, t.comments / total, t.sentiment,
                           t.quotes, None) for t in sorted(lines, key=lambda t: -t.comments)]
        if other:
            big = people_at_least([live[i] for i in other]) >= k_comments
            pos, neu, neg = other_sentiment if big else (0, 0, 0)
            lines.append(ThemeLine("other", "other", len(other), len(other) / total,
                                   (pos, neu, neg), (), None))
        return lines, total, True

    def _theme(self, texts: Sequence[str], k_comments: int) -> Any:
        # themes under k comments could never be shown: ask for none that small
        return self.deps.themer.theme(texts, self.deps.codebook, min_theme_size=k_comments)

    async def _previous(self, tx: UnitOfWork, rnd: Round) -> Round | None:
        same = [r for r in await tx.rounds.all()
                if r.id != rnd.id and r.series == rnd.series and r.status == "closed"
                and r.opened_at is not None and rnd.opened_at is not None
                and r.opened_at < rnd.opened_at]
        return max(same, key=lambda r: r.opened_at or 0, default=None)  # type: ignore[arg-type]

    async def _with_trend(self, tx: UnitOfWork, previous: Round, themes: list[ThemeLine],
                          k_comments: int) -> list[ThemeLine]:
        before = [r for r in await tx.responses.for_round(previous.id) if r.text or r.theme]
        if people_at_least(before) < max(k_comments, previous.k_comments):
            return themes
        old, _, enough = await self._themes(before, max(k_comments, previous.k_comments),
                                            seed=previous.id)
        if not enough:
            return themes
        old_share = {t.code or t.label: t.share for t in old}
        return [
            ThemeLine(t.label, t.code, t.comments, t.share, t.sentiment, t.quotes,
                      round(100 * (t.share - old_share[t.code or t.label]), 1)
                      if (t.code or t.label) in old_share else None)
            for t in themes
        ]


def parse_slice(args: Sequence[str]) -> tuple[str | None, Slice, str | None]:
    """`[ROUND] [segment=VALUE]` -> (round id or None, slice, error key or None)."""
    round_id: str | None = None
    wanted = WHOLE
    for word in args:
        if "=" in word:
            key, _, value = word.partition("=")
            key = key.strip().lower()
            if key == "segment" or key not in SEGMENTS:
                return None, WHOLE, "themes.bad_segment"
            if wanted != WHOLE:
                return None, WHOLE, "themes.one_segment"
            if not value.strip() or len(value) > 100:
                return None, WHOLE, "themes.bad_segment"
            wanted = (key, value.strip())
        elif round_id is None:
            round_id = word.lower()
        else:
            return None, WHOLE, "themes.usage"
    return round_id, wanted, None


class Releaser:
    """Moves held submissions into responses once a round has at least k of them waiting (or
    has closed), shuffled, in a transaction of their own."""

    def __init__(self, deps: Deps) -> None:
        self.deps = deps

    async def release(self, round_id: str | None = None) -> int:
        released = 0
        async with self.deps.uow() as tx:
            for rid, count in (await tx.responses.held()).items():
                if round_id is not None and rid != round_id:
                    continue
                rnd = await tx.rounds.get(rid)
                if rnd is None:
                    continue
                if rnd.status == "closed" or count >= rnd.k_responses:
                    released += await tx.responses.release(rid)
            await tx.commit()
        return released
