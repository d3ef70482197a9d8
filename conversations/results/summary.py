"""Anonymised round summaries for chairs: themes, ratings and trends, under the thresholds and
differencing rules of conversations.results.thresholds (the one place k is applied to what is
shown)."""

from __future__ import annotations

import asyncio
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from conversations.context import Deps
from conversations.messages import localized
from conversations.ports import UnitOfWork
from conversations.questions import questions_of
from conversations.results.release import participation
from conversations.results.thresholds import (
    ALL,
    TEXT,
    WHOLE,
    Ledger,
    Shown,
    Slice,
    enough,
    enough_people,
)
from storage.models import SEGMENTS, Response, Round


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
    # True when some numbers are repeated from an earlier view, because the newest answers
    # would differ from what was already shown by fewer than k people
    earlier: bool = False


@dataclass(frozen=True)
class Refusal:
    key: str
    values: Mapping[str, Any]


class Summaries:
    """Builds summaries with the round's thresholds; records the slices it releases."""

    def __init__(self, deps: Deps) -> None:
        self.deps = deps
        # themes of the same comments are the same: a closed round is themed once, not on
        # every /themes (keyed by the exact set of comments, so new answers re-theme)
        self._cache: dict[tuple[Any, ...], tuple[list[ThemeLine], int, bool]] = {}

    async def latest_round(self, tx: UnitOfWork) -> Round | None:
        rounds = [r for r in await tx.rounds.all() if r.status not in ("draft", "scheduled")]
        closed = sorted((r for r in rounds if r.status == "closed"),
                        key=lambda r: (r.closed_on or r.opened_on, r.id))
        if closed:
            return closed[-1]
        return rounds[-1] if rounds else None

    async def ledger(self, tx: UnitOfWork, rnd: Round) -> Ledger:
        """The round's responses and the views of it already shown."""
        responses = await tx.responses.for_round(rnd.id)
        shown = [Shown((seg, val), item, batch)
                 for seg, val, item, batch in await tx.views.shown(rnd.id)]
        return Ledger(responses, shown, rnd.k_responses)

    async def build(self, tx: UnitOfWork, rnd: Round, wanted: Slice, locale: str = "en",
                    record: bool = True) -> Summary | Refusal:
        if rnd.status not in ("closed", "ongoing") and not rnd.results_while_open:
            return Refusal("themes.still_open", {"round": rnd.id})
        ledger = await self.ledger(tx, rnd)
        where = f"{wanted[0]}={wanted[1]}" if wanted != WHOLE else rnd.id
        b_all, reason = ledger.choose(ALL, wanted)
        if b_all is None:
            return Refusal(reason or "themes.too_small",
                           {"round": rnd.id, "k": rnd.k_responses, "slice": where})
        views = [(ALL, b_all)]
        ratings: list[RatingLine] = []
        for q in await questions_of(tx, rnd.id):
            qid = q.id
            if q.kind != "rating":
                continue
            batch, _ = ledger.choose(qid, wanted)
            if batch is None:
                continue
            values = [int(r.value) for r in ledger.rows_in(wanted, batch)
                      if r.question_id == qid and r.value in ("1", "2", "3", "4", "5")]
            if enough(len(values), rnd.k_responses):  # one value per person
                ratings.append(RatingLine(qid, localized(q.text, locale),
                                          round(sum(values) / len(values), 1), len(values)))
                views.append((qid, batch))
        b_text, _ = ledger.choose(TEXT, wanted)
        commented = ([r for r in ledger.rows_in(wanted, b_text) if r.text or r.theme]
                     if b_text is not None else [])
        themes, comments, commented_enough = await self._themes(commented, rnd.k_comments,
                                                                seed=rnd.id)
        if commented_enough and b_text is not None:
            views.append((TEXT, b_text))
        previous = await self._previous(tx, rnd)
        if previous is not None and themes:
            themes = await self._with_trend(tx, previous, themes, rnd.k_comments)
        invited, completed = await participation(tx, rnd)
        if record:
            for item, batch in views:
                ledger.record(item, wanted, batch)
                await tx.views.record(rnd.id, wanted[0], wanted[1], item, batch)
        return Summary(
            round_id=rnd.id,
            title=localized(rnd.title, locale),
            status=rnd.status,
            scope="" if wanted == WHOLE else f"{wanted[0]}={wanted[1]}",
            invited=invited,
            completed=completed,
            ratings=tuple(ratings),
            themes=tuple(themes),
            comments=comments,
            enough_comments=commented_enough,
            previous=previous.id if previous is not None else None,
            earlier=any(batch < ledger.latest for _, batch in views),
        )

    async def _themes(self, responses: Sequence[Response], k_comments: int, seed: str
                      ) -> tuple[list[ThemeLine], int, bool]:
        commented = [r for r in responses if r.text or r.theme]
        if not enough_people(commented, k_comments):
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
                for label, rs in groups.items() if enough_people(rs, k_comments)
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
            if theme.code == "other" or not enough_people(members, k_comments):
                other.extend(theme.members)
                other_sentiment = [a + b for a, b in zip(other_sentiment, theme.sentiment,
                                                         strict=True)]
                continue
            picked = pick_quotes(texts, theme, n=2, seed=zlib.crc32(seed.encode()),
                                 groups=[r.submission or r.id for r in live])  # two submissions
            lines.append(ThemeLine(theme.label, theme.code, len(theme.members), 0.0,
                                   theme.sentiment, tuple(picked), None))
        total = len(texts)
        lines = [ThemeLine(t.label, t.code, t.comments, t.comments / total, t.sentiment,
                           t.quotes, None) for t in sorted(lines, key=lambda t: -t.comments)]
        if other:
            big = enough_people([live[i] for i in other], k_comments)
            pos, neu, neg = other_sentiment if big else (0, 0, 0)
            lines.append(ThemeLine("other", "other", len(other), len(other) / total,
                                   (pos, neu, neg), (), None))
        return lines, total, True

    def _theme(self, texts: Sequence[str], k_comments: int) -> Any:
        # themes under k comments could never be shown: ask for none that small
        assert self.deps.themer is not None, "no theming engine wired"
        return self.deps.themer.theme(texts, min_theme_size=k_comments)

    async def _previous(self, tx: UnitOfWork, rnd: Round) -> Round | None:
        same = [r for r in await tx.rounds.all()
                if r.id != rnd.id and r.series == rnd.series and r.status == "closed"
                and r.opened_at is not None and rnd.opened_at is not None
                and r.opened_at < rnd.opened_at]
        return max(same, key=lambda r: r.opened_at or 0, default=None)  # type: ignore[arg-type]

    async def _with_trend(self, tx: UnitOfWork, previous: Round, themes: list[ThemeLine],
                          k_comments: int) -> list[ThemeLine]:
        prior = await self.ledger(tx, previous)
        batch, _ = prior.choose(TEXT, WHOLE)
        if batch is None:
            return themes
        before = [r for r in prior.rows_in(WHOLE, batch) if r.text or r.theme]
        if not enough_people(before, max(k_comments, previous.k_comments)):
            return themes
        await tx.views.record(previous.id, "", "", TEXT, batch)
        old, _, old_enough = await self._themes(before, max(k_comments, previous.k_comments),
                                            seed=previous.id)
        if not old_enough:
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
