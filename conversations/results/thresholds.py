"""Where the anonymity thresholds are applied, and the only place: every count, statistic,
theme or quote anyone is shown (chairs' summaries, the report, learning and mentorship
statistics) is checked here. For round results: who counts as how many people, which slices and
items of a round a chair may see, and which earlier view to repeat when a new one would differ
from something already shown by too few people (differencing).

Responses carry no person. Pulse answers share a random submission id, so distinct people are
counted exactly per occurrence; rows without one count by the largest per-(occurrence, question)
group, since a person answers each question once per occurrence. Counting is only ever
conservative: it can hide a group, never show a small one.

A *view* is one item (a question id, "*" for the submissions themselves, "*text" for the
comments) of one slice of a round (the whole round, or `branch=Central`...) as of a release
batch. Every view shown is recorded; a new one is allowed only when, against every recorded view
of the same item, both differences are empty or hold at least k people, its complement in the
round is empty or at least k, and the part of the round left outside every shown value of the
same segment is empty or at least k. When the newest batch fails, the newest view of that slice
already shown is repeated (nothing new is learnt), else the newest earlier batch that passes.
"""

from __future__ import annotations

import copy
import hashlib
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from storage.models import SEGMENTS, Response
from storage.rows import ResponseRow

# The smallest group any figure is ever shown for, whatever an organisation or a round sets:
# with two, either of them reads the other's answer off any total by taking away their own (a
# chair who answered the round themselves, a mentee looking at their cohort's average).
K_FLOOR = 3

Slice = tuple[str, str]  # (segment, value); ("", "") is the whole round
WHOLE: Slice = ("", "")
ALL = "*"  # the item that stands for the submissions themselves
TEXT = "*text"  # the item that stands for every comment of a round


Row = ResponseRow


def as_row(r: Response | Row) -> Row:
    """A plain copy of a stored response (the row itself when it already is one)."""
    if isinstance(r, ResponseRow):
        return r
    return ResponseRow(r.id, r.question_id, r.occurrence, r.value or "", r.text, r.theme,
                       r.segments or {}, r.submission, r.batch, r.theme_code)


AnyRow = Row | Response


def _unit(r: AnyRow) -> tuple[tuple[str, ...], str]:
    """(count group, unit): distinct units in one group are distinct people."""
    if r.submission:
        return (r.occurrence,), r.submission
    return (r.occurrence, r.question_id), r.id


def people_at_least(rows: Iterable[AnyRow]) -> int:
    """A lower bound on the distinct people behind these responses (exact 0 when empty)."""
    groups: dict[tuple[str, ...], set[str]] = {}
    for r in rows:
        group, unit = _unit(r)
        groups.setdefault(group, set()).add(unit)
    return max((len(units) for units in groups.values()), default=0)


def safe_difference(n: int, k: int) -> bool:
    """Two views may differ by no one or by at least k people, never by 1..k-1."""
    return n == 0 or n >= k


def segment_values(r: AnyRow) -> tuple[str, ...]:
    segs = r.segments or {}
    return tuple(str(segs.get(s, "")).lower() for s in SEGMENTS)


def in_slice(r: AnyRow, s: Slice) -> bool:
    return s == WHOLE or str((r.segments or {}).get(s[0], "")).lower() == s[1].lower()


def answered(r: AnyRow) -> bool:
    return bool(r.value) or bool(r.text) or bool(r.theme)


@dataclass(frozen=True)
class Shown:
    """A recorded view: slice, item, batch."""

    slice: Slice
    item: str
    batch: int


# (count group, batch, segment values) -> distinct units
_Cells = dict[tuple[tuple[str, ...], int, tuple[str, ...]], set[str]]


def _matches(s: Slice, segs: tuple[str, ...]) -> bool:
    return s == WHOLE or segs[SEGMENTS.index(s[0])] == s[1].lower()


Keep = Callable[[int, tuple[str, ...]], bool]


def _view(s: Slice, batch: int) -> Keep:
    return lambda b, segs: b <= batch and _matches(s, segs)


def _minus(a: Keep, b: Keep) -> Keep:
    return lambda batch, segs: a(batch, segs) and not b(batch, segs)


class Ledger:
    """A round's responses indexed for threshold checks, and the views already shown.

    Counting works on cells of (count group, batch, segment values), so a check costs the
    number of distinct cells, not the number of responses."""

    def __init__(self, rows: Sequence[AnyRow], shown: Iterable[Shown], k: int) -> None:
        self.k = k
        self.rows = [as_row(r) for r in rows]
        self._memo: dict[tuple[Any, ...], Any] = {}
        self.shown = list(shown)
        self.latest = max((r.batch for r in rows), default=0)
        self._cells: dict[str, _Cells] = {}
        # the answered rows of each item by (batch, segment values): a view's rows are
        # gathered from the cells it keeps, so every slice costs its own rows, not the round's
        self._index: dict[str, dict[tuple[int, tuple[str, ...]], list[Row]]] = {}
        for r in self.rows:
            if not answered(r):
                continue
            group, unit = _unit(r)
            segs = segment_values(r)
            key = (group, r.batch, segs)
            items = [ALL, r.question_id] + ([TEXT] if (r.text or r.theme) else [])
            for item in items:
                self._cells.setdefault(item, {}).setdefault(key, set()).add(unit)
            for item in items[1:]:
                self._index.setdefault(item, {}).setdefault((r.batch, segs), []).append(r)

    def with_shown(self, shown: Iterable[Shown]) -> Ledger:
        """The same responses (their indexes shared, not rebuilt) with these views shown."""
        other = copy.copy(self)
        other.shown = list(shown)
        return other

    def people(self, item: str, keep: Keep) -> int:
        per_group: Counter[tuple[str, ...]] = Counter()
        for (group, batch, segs), units in self._cells.get(item, {}).items():
            if keep(batch, segs):
                per_group[group] += len(units)
        return max(per_group.values(), default=0)

    def size(self, item: str, s: Slice, batch: int) -> int:
        return self.people(item, lambda b, segs: b <= batch and _matches(s, segs))

    def problem(self, item: str, s: Slice, batch: int) -> str | None:
        """Why (item, s, batch) may not be shown now (a catalog key), or None."""
        k = self.k
        inside = self.size(item, s, batch)
        if item == ALL and inside < k:
            return "themes.too_small"
        if s != WHOLE:
            outside = self.people(item, lambda b, segs: b <= batch and not _matches(s, segs))
            if not safe_difference(outside, k):
                return "themes.complement_small"
            siblings = {v.slice for v in self.shown if v.item == item and v.slice[0] == s[0]}
            siblings.add(s)
            if len(siblings) > 1:
                rest = self.people(item, lambda b, segs: b <= batch and not any(
                    _matches(x, segs) for x in siblings))
                if not safe_difference(rest, k):
                    return "themes.overlap_small"
        new = _view(s, batch)
        for v in self.shown:
            if v.item != item or (v.slice == s and v.batch == batch):
                continue
            old = _view(v.slice, v.batch)
            only_new = self.people(item, _minus(new, old))
            only_old = self.people(item, _minus(old, new))
            if not (safe_difference(only_new, k) and safe_difference(only_old, k)):
                return "themes.overlap_small"
        return None

    def choose(self, item: str, s: Slice) -> tuple[int | None, str | None]:
        """The batch to show `item` of slice `s` as of: the newest when it is safe; else the
        newest view of it already shown; else the newest earlier batch that is safe. (None,
        reason) when nothing can be shown."""
        if self.latest == 0:
            return None, "themes.too_small"
        first = self.problem(item, s, self.latest)
        if first is None:
            return self.latest, None
        repeat = [v.batch for v in self.shown if v.item == item and v.slice == s]
        if repeat:
            return max(repeat), None
        for batch in range(self.latest - 1, 0, -1):
            if self.problem(item, s, batch) is None:
                return batch, None
        return None, first

    def record(self, item: str, s: Slice, batch: int) -> Shown:
        view = Shown(s, item, batch)
        if view not in self.shown:
            self.shown.append(view)
        return view

    def rows_in(self, s: Slice, batch: int) -> list[Row]:
        return [r for r in self.rows if r.batch <= batch and in_slice(r, s)]

    def rows_of(self, item: str, s: Slice, batch: int) -> list[Row]:
        """The answered rows of one item (a question id, or TEXT for every comment) in slice
        `s` as of `batch`, in the order of the round's rows."""
        out: list[Row] = []
        for (b, segs), rows in self._index.get(item, {}).items():
            if b <= batch and _matches(s, segs):
                out.extend(rows)
        return out

    def commented(self, item: str, batch: int) -> list[Row]:
        """The rows of `item` in the whole round as of `batch` that have a comment (its text,
        or the theme it kept after retention): what is themed, in the order it is themed (kept,
        like every count here, for the life of the ledger). The order follows the comments
        themselves (a digest of each text, then its id), not the random response ids: the same
        comments theme the same way in every process (the web process's /themes and the
        command line's CSV), and it tells nothing about who wrote what."""
        key = ("commented", item, batch)
        if key not in self._memo:
            self._memo[key] = sorted((r for r in self.rows_of(item, WHOLE, batch)
                                      if r.text or r.theme), key=theming_order)
        rows: list[Row] = self._memo[key]
        return rows

    def commented_ids(self, item: str, batch: int) -> frozenset[str]:
        """The ids of `commented(item, batch)`."""
        key = ("commented_ids", item, batch)
        if key not in self._memo:
            self._memo[key] = frozenset(r.id for r in self.commented(item, batch))
        ids: frozenset[str] = self._memo[key]
        return ids

    def live(self, item: str, batch: int) -> list[Row]:
        """`commented(item, batch)` that still have their text (not purged by retention)."""
        key = ("live", item, batch)
        if key not in self._memo:
            self._memo[key] = [r for r in self.commented(item, batch) if r.text]
        rows: list[Row] = self._memo[key]
        return rows

    def comments(self, batch: int) -> int:
        """How many comments (with text) the whole round has as of `batch`."""
        key = ("comments", batch)
        if key not in self._memo:
            self._memo[key] = len(self.live(TEXT, batch))
        return int(self._memo[key])

    def items(self) -> set[str]:
        """The items (question ids, TEXT) that have answers."""
        return set(self._index)


def theming_order(r: Row) -> tuple[bytes, str]:
    """The order comments are themed in: a digest of each text, then its id."""
    text = str(r.text or r.theme or "")
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=8).digest(), r.id


def shown_parts(counts: Mapping[str, int], k: int) -> dict[str, int | None]:
    """Which parts of a total of at least k people (the options of a choice; disagree, neutral
    and agree of a rating) may be shown as numbers: a part of 1..k-1 people is hidden (None).
    When the hidden parts add up to 1..k-1 people, the total minus the shown parts would give
    that small group away, so the smallest shown parts are hidden too, until what is hidden
    adds up to 0 or at least k (or everything is hidden)."""
    out: dict[str, int | None] = {
        key: (n if show_count(n, k) else None) for key, n in counts.items()}
    while True:
        hidden = sum(counts[key] for key, n in out.items() if n is None)
        if safe_difference(hidden, k):
            return out
        shown = sorted((n, key) for key, n in out.items() if n is not None and n > 0)
        if not shown:
            return {key: None for key in out}
        out[shown[0][1]] = None


def show_count(n: int, k: int) -> bool:
    """Whether a count of people may be shown as a number (0 or at least k)."""
    return safe_difference(n, k)


def split_shown(parts: Sequence[int], k: int) -> bool:
    """Whether the parts of a total (active/finished/left) may be shown: only when every part
    can be, so the total minus the shown parts never gives a hidden one away."""
    return all(show_count(n, k) for n in parts)


def enough(people: int, k: int) -> bool:
    """Whether a statistic over this many distinct people may be shown (never for fewer than
    K_FLOOR, even where a threshold set before the floor was raised says less)."""
    return people >= max(k, K_FLOOR)


def enough_people(rows: Iterable[AnyRow], k: int) -> bool:
    """Whether these responses (a theme's comments, a slice's ratings) come from at least k
    people, counted conservatively (`people_at_least`)."""
    return enough(people_at_least(rows), k)


def small_part(rows: Collection[AnyRow], k: int) -> bool:
    """Whether a part of a shown total (a section's "other", a theme's sentiment cell, the
    comments of questions not shown) holds 1..k-1 people: shown, or left for the total minus
    the shown parts to give away, it would single them out."""
    return bool(rows) and not enough_people(rows, k)


def fold_small(parts: Sequence[Collection[AnyRow]], rest: Collection[AnyRow], k: int
               ) -> tuple[list[int], list[AnyRow]]:
    """Which `parts` (themes, sub-themes; each of at least k people) may be shown beside
    `rest` (what is folded together as "other") so that `rest` is empty or of at least k
    people: the smallest parts are folded into it until it is (or every part is). Returns
    the indexes of the parts kept, in order, and the rows of the folded rest."""
    kept = list(range(len(parts)))
    folded = list(rest)
    while kept and small_part(folded, k):
        smallest = min(kept, key=lambda i: (len(parts[i]), i))
        kept.remove(smallest)
        folded.extend(parts[smallest])
    return kept, folded


def split_parts_shown(parts: Sequence[Collection[AnyRow]], k: int) -> bool:
    """Whether a split of a shown total (a theme's positive / neutral / negative) may be shown
    as numbers: only when every part is empty or of at least k people, so no part, and no
    total minus the others, is a group of 1..k-1."""
    return not any(small_part(p, k) for p in parts)


def snapshot_problem(current: Mapping[int, int], earlier: Iterable[Mapping[int, int]],
                     k: int) -> bool:
    """For statistics over per-person records (mentorship check-ins): `current` and each
    earlier snapshot map record id -> person id. True when `current` differs from some earlier
    snapshot by 1..k-1 people in either direction."""
    for old in earlier:
        only_new = {p for rid, p in current.items() if rid not in old}
        only_old = {p for rid, p in old.items() if rid not in current}
        if not (safe_difference(len(only_new), k) and safe_difference(len(only_old), k)):
            return True
    return False


@dataclass(frozen=True)
class SnapshotChoice:
    """Which records per-person statistics may be computed from: `repeat` is the index of the
    earlier snapshot to show again (the latest), or None for the current records; `record`
    says the current records are shown for the first time and must be remembered."""

    repeat: int | None
    record: bool


def choose_snapshot(current: Mapping[int, int], earlier: Sequence[Mapping[int, int]],
                    last_shown: Collection[int] | None, k: int,
                    parts: Sequence[Collection[int]] = ()) -> SnapshotChoice:
    """The current records, unless they differ from statistics already shown by 1..k-1
    people; then the latest snapshot shown is repeated. `last_shown` holds the record ids of
    that latest snapshot (None when nothing was shown yet). `parts`: the record ids behind
    each figure computed over only some records (those with a usefulness score): each part is
    checked like the whole, since a mean over a part that moves by 1..k-1 people gives them
    away just the same. The records must not change once counted (settled)."""

    def within(records: Mapping[int, int], part: Collection[int]) -> dict[int, int]:
        return {rid: p for rid, p in records.items() if rid in part}

    if snapshot_problem(current, earlier, k) or any(
            snapshot_problem(within(current, part), [within(old, part) for old in earlier], k)
            for part in parts):
        return SnapshotChoice(len(earlier) - 1, False)
    fresh = last_shown is None or set(last_shown) != set(current)
    return SnapshotChoice(None, enough(len(set(current.values())), k) and fresh)


_PARTS = ("disagree", "neutral", "agree")


def choices_pinned(rest: int, hidden: int, k: int) -> bool:
    """Whether `hidden` options held back from a single-choice question, known to be chosen by
    someone each and by `rest` people together (the answers less the options shown), are each
    held to 1..k-1 people: even the largest can hold no more than rest - (hidden - 1)."""
    return hidden > 0 and rest - (hidden - 1) < k


def mean_gives_away(shown: Mapping[str, int | None], answers: int, mean: float, k: int,
                    real: Mapping[str, int] | None = None) -> bool:
    """Whether a rating's average (rounded to one decimal, as shown), its number of answers
    and its shown parts (`shown`: disagree 1-2, neutral 3, agree 4-5 -> count, None when
    hidden) together say that a hidden part holds 1..k-1 people. Ten answers averaging 3.6
    with "neutral 0" shown can only be two to four disagreeing (2s) and the rest agreeing
    (4s): hiding the parts was not enough.

    A reader who knows the rules narrows the splits (d, m, a) down to those that give this
    average (a split's sums run over every whole number from d + 3m + 4a, all 1s and 4s, to
    2d + 3m + 5a, all 2s and 5s) and that would be shown exactly so: while some part is
    shown, a hidden part is never empty (`shown_parts` shows every 0) and is of k or more
    only where it hides a small one. When every part is hidden, the splits are those whose
    parts `shown_parts` hides (each of 1 or more) and `real` (the real parts, when
    `summary._rating` hid them all because the average gave its shown ones away)."""
    sums = _sums(answers, mean)
    if sums is None:
        return False
    known = tuple(shown.get(key) for key in _PARTS)
    if any(c is not None for c in known):
        return _pinned(_alike(known, answers, sums, k), known, k)
    hidden = _all_hidden(answers, sums, k)
    # The splits whose own shown parts the average gives away are shown with every part
    # hidden too; they are not listed, but for the real one: leaving them out withholds
    # more, never less (listing them all would make a withheld rating itself tell a small
    # part: at 14 answers, k = 5, only splits with one 3 would be withheld). Those
    # `shown_parts` hides are withheld together when they pin a part.
    if _pinned(hidden, known, k):
        hidden = []
    if real is not None:
        hidden.append((real["disagree"], real["neutral"], real["agree"]))
    return not hidden or _pinned(hidden, known, k)


def _sums(n: int, mean: float) -> tuple[int, int] | None:
    """The lowest and highest sum of n answers (1-5) whose average rounds to `mean`."""
    if n <= 0:
        return None
    sums = [s for s in range(max(n, int((mean - 0.1) * n)), min(5 * n, int((mean + 0.1) * n) + 2)
                             + 1) if round(s / n, 1) == mean]
    return (min(sums), max(sums)) if sums else None


def _fits(split: tuple[int, int, int], sums: tuple[int, int]) -> bool:
    d, m, a = split
    return d + 3 * m + 4 * a <= sums[1] and 2 * d + 3 * m + 5 * a >= sums[0]


def _as_shown(split: tuple[int, int, int], k: int) -> tuple[int | None, ...]:
    out = shown_parts(dict(zip(_PARTS, split, strict=True)), k)
    return tuple(out[key] for key in _PARTS)


def _alike(known: tuple[int | None, ...], n: int, sums: tuple[int, int], k: int
           ) -> list[tuple[int, int, int]]:
    """The splits that give this average and are shown as `known` (some part shown)."""
    free = [i for i, c in enumerate(known) if c is None]
    if not free:
        return []  # nothing hidden
    rest = n - sum(c for c in known if c is not None)
    out = []
    for x in range(rest + 1) if len(free) == 2 else [rest]:  # O(n): cheap checks first
        split = list(known)
        split[free[0]] = x
        if len(free) == 2:
            split[free[1]] = rest - x
        candidate = (int(split[0] or 0), int(split[1] or 0), int(split[2] or 0))
        if rest >= 0 and _fits(candidate, sums) and _as_shown(candidate, k) == known:
            out.append(candidate)
    return out


def _all_hidden(n: int, sums: tuple[int, int], k: int) -> list[tuple[int, int, int]]:
    """The splits that give this average and whose parts `shown_parts` hides, every one
    (two of them of 1..k-1 people, the third hiding them)."""
    out = set()
    for big in range(len(_PARTS)):
        for x in range(1, k):
            for y in range(1, k):
                split = [x, y]
                split.insert(big, n - x - y)
                candidate = (split[0], split[1], split[2])
                if candidate[big] >= 1 and _fits(candidate, sums) and all(
                        c is None for c in _as_shown(candidate, k)):
                    out.add(candidate)
    return sorted(out)


def _pinned(splits: Sequence[tuple[int, int, int]], known: tuple[int | None, ...], k: int
            ) -> bool:
    """Whether, over these splits, some hidden part is always of 1..k-1 people."""
    if not splits:
        return False  # no split gives this average (not a rating's figures)
    return any(known[i] is None and all(0 < split[i] < k for split in splits)
               for i in range(len(_PARTS)))
