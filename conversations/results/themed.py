"""A round's comments themed once, and counted for any view of them.

The comments of one item (an open question, a rating's "why", or every comment of the round;
conversations.results.summary says which a large round uses) are themed once per release batch
(`Themed`); every slice, every question of a large round and the report then count the themes
of the comments in their own view (`section_lines`), instead of theming each view again.
Counting goes through the thresholds (a theme of fewer than k_comments people in the view is
folded into "other"; quotes come only from themes above it)."""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from itertools import islice
from typing import Any

from conversations.results.model import SubThemeLine, ThemeLine, percents
from conversations.results.thresholds import (
    Row,
    enough_people,
    fold_small,
    split_parts_shown,
)

SENTIMENT_INDEX = {"positive": 0, "neutral": 1, "negative": 2}


@dataclass
class Themed:
    """One item's comments (rows with text, in `Ledger.commented`'s order: by a digest of
    each text, so the same comments always theme the same way) and the engine's result for
    them. `result` is None after retention purged the text: the stored theme labels are used
    instead."""

    rows: list[Row]
    result: Any
    index: dict[str, int] = field(default_factory=dict)
    sub_of: list[int] = field(default_factory=list)
    aligned: str = ""  # the previous round whose topics the labels were aligned to
    texts: list[str] = field(default_factory=list)  # for quotes
    groups: list[str] = field(default_factory=list)  # each comment's submission, for quotes

    def __post_init__(self) -> None:
        self.index = {r.id: i for i, r in enumerate(self.rows)}
        self.texts = [str(r.text or "") for r in self.rows]
        self.groups = [r.submission or r.id for r in self.rows]
        self.sub_of = [-1] * len(self.rows)
        if self.result is None:
            return
        for theme in self.result.themes:
            for j, sub in enumerate(theme.subthemes):
                for i in sub.members:
                    self.sub_of[i] = j

    @property
    def engine(self) -> str:
        return str(getattr(self.result, "engine", "") or "")

    def align_to(self, previous: Themed, name: str, k_comments: int) -> None:
        """Give the same topics the labels and codes they had in `previous` (once): only
        topics of at least k_comments people there, the ones its summaries could show (a
        smaller one's name would tell what a few people wrote in the previous round)."""
        if self.aligned == name or self.result is None or previous.result is None:
            return
        from storage.themes import align

        before = previous.result
        named = tuple(t for t in before.themes if t.is_other or enough_people(
            [previous.rows[i] for i in t.members], k_comments))
        self.result = align(self.result, replace(before, themes=named))
        self.aligned = name


def _quotes(themed: Themed, members: Sequence[int], order: Sequence[int], n: int,
            seed: str) -> tuple[str, ...]:
    """Up to n quotes from `members` (the view's comments of a theme): closest to the theme's
    centre first (the engine's `order`), each from a different submission."""
    from storage.themes import quotes as pick_quotes

    inside = set(members)
    shortlist = tuple(islice((i for i in order if i in inside), 20 * n))
    theme = themed.result.themes[0]
    picked = pick_quotes(themed.texts,
                         replace(theme, representatives=shortlist, members=shortlist), n=n,
                         seed=zlib.crc32(seed.encode()), groups=themed.groups)
    return tuple(picked)


def section_lines(themed: Themed | None, view: Sequence[Row], k_comments: int, seed: str,
                  old_share: dict[str, float] | None = None
                  ) -> tuple[list[ThemeLine], int, bool]:
    """(theme lines, comments behind them, enough commenters) for the comments of one view.

    Themes with fewer than k_comments people in the view, and the engine's "other", are
    shown together as "other"; when that "other" would hold 1..k_comments-1 people (its count
    shown, or the section's total minus its themes), the smallest themes join it until it
    holds none or at least k_comments. A theme's sentiment split is shown only when each
    part is empty or of k_comments people, else in a word (`ThemeLine.mood`)."""
    commented = [r for r in view if r.text or r.theme]
    if not enough_people(commented, k_comments):
        return [], 0, False
    if themed is None or themed.result is None or not any(r.text for r in commented):
        lines, total = _purged_lines(commented, k_comments)
    else:
        lines, total = _live_lines(themed, commented, k_comments, seed)
    if old_share is not None:
        lines = [replace(t, change=round(100 * (t.share - old_share[t.code or t.label]), 1)
                         if (t.code or t.label) in old_share and t.code != "other" else None)
                 for t in lines]
    shown = percents([t.share for t in lines])
    return [replace(t, pct=p) for t, p in zip(lines, shown, strict=True)], total, True


def _purged_lines(commented: Sequence[Row], k_comments: int) -> tuple[list[ThemeLine], int]:
    """After retention: the stored theme label of each comment (and its codebook code, when
    kept: comments purged before codes were kept have none), no quotes, no sentiment."""
    groups: dict[str, list[Row]] = {}
    for r in commented:
        groups.setdefault(r.theme or "other", []).append(r)
    named = sorted(((label, rs) for label, rs in groups.items()
                    if label != "other" and enough_people(rs, k_comments)),
                   key=lambda kv: (-len(kv[1]), kv[0]))
    rest = [r for label, rs in groups.items() if label == "other"
            or not enough_people(rs, k_comments) for r in rs]
    kept, folded = fold_small([rs for _, rs in named], rest, k_comments)
    total = len(commented)
    lines = [ThemeLine(label, next((r.theme_code for r in rs if r.theme_code), None), len(rs),
                       len(rs) / total, None, (), None)
             for label, rs in (named[i] for i in kept)]
    if folded:
        lines.append(ThemeLine("other", "other", len(folded), len(folded) / total, None, (),
                               None))
    return lines, total


def _live_lines(themed: Themed, commented: Sequence[Row], k_comments: int, seed: str
                ) -> tuple[list[ThemeLine], int]:
    result = themed.result
    positions = [themed.index[r.id] for r in commented if r.id in themed.index]
    total = len(positions)
    buckets: dict[int, list[int]] = {}
    for i in positions:
        buckets.setdefault(result.assignments[i], []).append(i)
    named: list[tuple[int, list[int]]] = []
    other: list[int] = []
    for tid, members in buckets.items():
        theme = result.themes[tid]
        if theme.is_other or not enough_people([themed.rows[i] for i in members], k_comments):
            other.extend(members)
        else:
            named.append((tid, members))
    kept, _ = fold_small([[themed.rows[i] for i in members] for _, members in named],
                         [themed.rows[i] for i in other], k_comments)
    other += [i for j, (_, members) in enumerate(named) if j not in kept for i in members]
    lines = [_line(themed, result.themes[tid], members, total, k_comments,
                   f"{seed}:{result.themes[tid].code}")
             for tid, members in (named[j] for j in kept)]
    lines.sort(key=lambda t: (-t.comments, t.label))
    if other:
        sentiment, mood = _sentiment(themed, other, k_comments)
        lines.append(ThemeLine("other", "other", len(other), len(other) / total, sentiment,
                               (), None, mood=mood))
    return lines, total


def _sentiment(themed: Themed, members: Sequence[int], k_comments: int
               ) -> tuple[tuple[int, int, int] | None, str]:
    """(positive, neutral, negative) of `members`, when each part is empty or of k_comments
    people (a "1 negative" would single someone out; so would the comments minus the other
    two); else None and the split in a word: the part holding more than half of the comments,
    or "mixed"."""
    result = themed.result
    if not result.sentiments:
        return (0, 0, 0), ""
    parts: list[list[Row]] = [[], [], []]
    for i in members:
        parts[SENTIMENT_INDEX.get(result.sentiments[i], 1)].append(themed.rows[i])
    counts = (len(parts[0]), len(parts[1]), len(parts[2]))
    if split_parts_shown(parts, k_comments):
        return counts, ""
    most = max(range(3), key=lambda j: counts[j])
    return None, (tuple(SENTIMENT_INDEX)[most] if 2 * counts[most] > len(members) else "mixed")


def _line(themed: Themed, theme: Any, members: list[int], total: int, k_comments: int,
          seed: str) -> ThemeLine:
    subs: dict[int, list[int]] = {}
    for i in members:
        subs.setdefault(themed.sub_of[i], []).append(i)
    big = [(j, sub_members) for j, sub_members in subs.items()
           if j >= 0 and enough_people([themed.rows[i] for i in sub_members], k_comments)]
    small = [i for j, sub_members in subs.items() if (j, sub_members) not in big
             for i in sub_members]
    # the comments of sub-themes too small to show are counted as one: never 1..k-1 people
    kept, folded = fold_small([[themed.rows[i] for i in m] for _, m in big],
                              [themed.rows[i] for i in small], k_comments)
    sub_lines: list[SubThemeLine] = []
    for j, sub_members in (big[n] for n in kept):
        sub = theme.subthemes[j]
        quote = _quotes(themed, sub_members, sub.representatives or sub.members, 1,
                        f"{seed}:{sub.code}")
        sub_lines.append(SubThemeLine(sub.label, len(sub_members), quote[0] if quote else None))
    sub_lines.sort(key=lambda s: (-s.comments, s.label))
    sentiment, mood = _sentiment(themed, members, k_comments)
    return ThemeLine(
        label=theme.label, code=theme.code, comments=len(members), share=len(members) / total,
        sentiment=sentiment,
        quotes=_quotes(themed, members, theme.representatives or theme.members, 2, seed),
        change=None, subthemes=tuple(sub_lines) if len(sub_lines) > 1 else (),
        other_in_theme=len(folded) if len(sub_lines) > 1 else 0, mood=mood)


def shares(lines: Sequence[ThemeLine]) -> dict[str, float]:
    """Each theme's share by code (or label), for the trend of the next round."""
    return {t.code or t.label: t.share for t in lines}
