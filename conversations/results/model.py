"""What a chair may see of a round, as small frozen values: every question its own way (ratings
as a distribution with average and n, choices ranked, open questions as themes), the overall
cross-question themes, participation and the trend. Built by conversations.results.summary
under the thresholds; rendered for chat (render.py), HTML (report.py) and CSV (export.py)."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

OVERALL = "*text"  # the id of the overall (cross-question) theme view: thresholds.TEXT


@dataclass(frozen=True)
class Part:
    """One part of a total: an option of a choice, or disagree/neutral/agree of a rating.
    `count` is None when it is hidden (a group of fewer than k, or needed to keep one
    hidden); `key` is the option value or "disagree" / "neutral" / "agree" (1-2, 3, 4-5);
    `label` is how the reader names it: the option's label, or a rating part's words (a
    progress question's own: "no progress", "some progress", "clear progress")."""

    key: str
    label: str
    count: int | None
    share: float | None  # of the question's answers, 0..1
    pct: int | None = None  # the share as shown, in whole percent (see `percents`)

    @property
    def percent(self) -> str:
        """The share as shown ("42"), "-" when hidden."""
        return "-" if self.share is None else str(_shown(self.pct, self.share))


@dataclass(frozen=True)
class RatingSince:
    """The same rating item as the previous round of the series showed it, for the same
    group (see Summaries._since): that round's average, and its agree part (`high`) only
    when both rounds show their agree counts. Every figure here was itself shown under that
    round's thresholds; a change is never worked out from a hidden one."""

    round_id: str
    mean: float
    answers: int
    high: Part | None = None


@dataclass(frozen=True)
class ParticipationSince:
    """The previous round of the series' participation (the round Summaries._previous finds,
    as the ratings' `since`): the whole round's invitations and finishes, as that round shows
    them itself (counts of people, never an answer, so no threshold beyond its own)."""

    round_id: str
    invited: int
    completed: int

    @property
    def rate(self) -> int | None:
        """Its share finishing in whole percent, as its own participation line shows it."""
        return rate(self.completed, self.invited)


def rate(completed: int, invited: int) -> int | None:
    """Finished of invited in whole percent, as participation lines show it; None: nobody
    invited."""
    return round(100 * completed / invited) if invited else None


@dataclass(frozen=True)
class RatingResult:
    """A 1-5 item: its answers, average and distribution. A progress question ("Have you
    seen progress on: ...?", `progress`) is about a commitment (`about`, its text): its parts
    carry the question's own words, not disagree/neutral/agree."""

    question_id: str
    text: str
    answers: int
    mean: float
    parts: tuple[Part, ...]  # disagree (1-2), neutral (3), agree (4-5)
    kind: str = "rating"
    progress: bool = False
    about: str = ""  # the commitment a progress question asks about ("" if unknown)
    since: RatingSince | None = None  # the previous round of the series, where comparable

    @property
    def points(self) -> int | None:
        """The change in the agree share since `since`, in points of the percents as shown
        (30% then, 38% now: 8); None when either round hides it."""
        if self.since is None or self.since.high is None or self.parts[-1].share is None:
            return None
        return int(self.parts[-1].percent) - int(self.since.high.percent)

    @property
    def name(self) -> str:
        """What the item is called on a line of results: a statement without its full stop,
        a progress question by its commitment (never "…by March?: average")."""
        return self.about or self.text.rstrip(". ")

    @property
    def words(self) -> tuple[str, str, str]:
        """The parts' words, for a legend (1-2, 3, 4-5)."""
        labels = (*(p.label for p in self.parts), "", "", "")
        return labels[0], labels[1], labels[2]


@dataclass(frozen=True)
class ChoiceResult:
    """A choice question: the options chosen by people and shown, most chosen first; `hidden`
    are the labels of the options held back (small groups) and `nobody` those nobody chose,
    each in the question's order, never ranked (an option nobody chose is not "most chosen"
    when a hidden one was chosen by some)."""

    question_id: str
    text: str
    answers: int
    options: tuple[Part, ...]
    hidden: tuple[str, ...]
    kind: str = "choice"
    nobody: tuple[str, ...] = ()


@dataclass(frozen=True)
class SubThemeLine:
    label: str
    comments: int
    quote: str | None


@dataclass(frozen=True)
class ThemeLine:
    label: str
    code: str | None
    comments: int
    share: float  # of all comments shown in its section
    # positive, neutral, negative; None: not shown (a part of 1..k_comments-1 people: then
    # `mood` says it in a word; or comments whose text retention removed)
    sentiment: tuple[int, int, int] | None
    quotes: tuple[str, ...]
    change: float | None  # share points since the previous round of the series
    subthemes: tuple[SubThemeLine, ...] = ()
    other_in_theme: int = 0  # comments of sub-themes too small to show
    pct: int | None = None  # the share as shown, in whole percent (see `percents`)
    # when `sentiment` is withheld for a small part: "positive", "neutral" or "negative" (more
    # than half of its comments), else "mixed"; "" when there is no sentiment to tell
    mood: str = ""

    @property
    def percent(self) -> str:
        """The share as shown ("42")."""
        return str(_shown(self.pct, self.share))

    @property
    def shown_share(self) -> float:
        """The share as the text shows it (0.42 for "42%"), for a chart's bar."""
        return _shown(self.pct, self.share) / 100


@dataclass(frozen=True)
class Section:
    """The themes of one open question (or of every comment: `question_id == OVERALL`)."""

    question_id: str
    title: str  # "Strengths", or the question's text cut at a word
    text: str
    comments: int  # comments behind the themes shown ("other" included)
    enough: bool  # False: fewer than k_comments people commented here
    themes: tuple[ThemeLine, ...]
    engine: str = ""
    kind: str = "open"


Result = RatingResult | ChoiceResult | Section


def _shown(pct: int | None, share: float) -> int:
    return pct if pct is not None else _half_up(share)


def _half_up(share: float) -> int:
    # 12.5% shows as 13%, as a chair rounds it (Python's round() would make it 12, to even)
    return math.floor(100 * share + 0.5 + 1e-9)


def percents(shares: Sequence[float | None]) -> list[int | None]:
    """Whole percentages of shares that make up a whole, adding up to 100 where they can (a
    chair adding up "34% + 33% + 34%" should not find 101%): each is rounded down, then the
    largest remainders are rounded up. Equal shares always show equal: where the points left
    would split a tie (7 and 7 of 40 answers, 17.5% each), the tie stays down and the whole
    shows 99%. Shares that do not make up a whole (some hidden) are each rounded half up;
    None stays None."""
    known = [s for s in shares if s is not None]
    if len(known) != len(shares) or not known or abs(sum(known) - 1.0) > 1e-9:
        return [None if s is None else _half_up(s) for s in shares]
    floors = [math.floor(100 * s + 1e-9) for s in known]
    spare = 100 - sum(floors)
    equal: dict[float, list[int]] = {}  # the parts of each share: rounded up together or not
    for i, share in enumerate(known):
        equal.setdefault(round(share, 9), []).append(i)
    # (remainder, share, parts): the largest remainder first, the larger share first on a tie
    ranked = sorted(((round(100 * share - floors[tied[0]], 9), share, tied)
                     for share, tied in equal.items()), key=lambda g: (-g[0], -g[1]))
    for remainder, _, tied in ranked:
        if remainder <= 0 or len(tied) > spare:
            break
        for i in tied:
            floors[i] += 1
        spare -= len(tied)
    return list(floors)


@dataclass(frozen=True)
class Withheld:
    """A question a view leaves out: nobody in the view answered it, too few did, or showing
    it would single someone out. Which of these is never said: a question that read "nobody
    answered" in one release and "too few" in the next would tell that 1 to k-1 people
    answered it in between."""

    question_id: str
    title: str


@dataclass(frozen=True)
class Summary:
    round_id: str
    title: str
    status: str
    scope: str  # "" for everyone, else "branch=Central"
    invited: int
    completed: int
    questions: tuple[Result, ...]  # in the round's order; a question not shown is left out
    overall: Section
    previous: str | None
    # True when some numbers are repeated from an earlier view, because the newest answers
    # would differ from what was already shown by fewer than k people
    earlier: bool = False
    engine: str = ""  # the theming engine(s) used, e.g. "tfidf"
    withheld: tuple[Withheld, ...] = ()  # the questions left out of this view
    # the previous round of the series' participation (the whole round's, also in a group's
    # view, whose participation is the whole round's too); None: no previous round, or nobody
    # was invited to it
    participation_since: ParticipationSince | None = None

    @property
    def themes(self) -> tuple[ThemeLine, ...]:
        return self.overall.themes

    @property
    def comments(self) -> int:
        return self.overall.comments

    @property
    def enough_comments(self) -> bool:
        return self.overall.enough

    @property
    def ratings(self) -> tuple[RatingResult, ...]:
        return tuple(q for q in self.questions if isinstance(q, RatingResult))

    @property
    def choices(self) -> tuple[ChoiceResult, ...]:
        return tuple(q for q in self.questions if isinstance(q, ChoiceResult))

    @property
    def sections(self) -> tuple[Section, ...]:
        return tuple(q for q in self.questions if isinstance(q, Section))

    def question(self, question_id: str) -> Result | None:
        if question_id == OVERALL:
            return self.overall
        return next((q for q in self.questions if q.question_id == question_id), None)


@dataclass(frozen=True)
class Refusal:
    key: str
    values: Mapping[str, Any]


@dataclass(frozen=True)
class Headline:
    """One headline result: what it is about and its figure as text-free numbers."""

    question_id: str
    text: str  # the question, or a theme's label
    kind: str  # "rating" (share agreeing), "choice" (top option), "theme" (overall share)
    label: str  # the option or theme label ("" for a rating)
    count: int | None  # people agreeing / choosing it / comments; None: hidden (under k)
    share: float | None  # 0..1; None: hidden
    key: str = ""  # the option's stored value (a choice), the theme's code (a theme)
    answers: int = 0  # the question's answers (a rating or choice)
    mean: float | None = None  # a rating's average (1-5)
    parts: tuple[Part, ...] = ()  # a rating's parts as the whole-round view shows them
    since: RatingSince | None = None  # a rating's previous round, as RatingResult.since


@dataclass(frozen=True)
class Headlines:
    """The round's headline results that pass the thresholds, for a share-back to staff:
    participation, the share agreeing with each rating item, the top option of each choice
    question and the biggest overall themes (never quotes, never a slice)."""

    round_id: str
    title: str
    invited: int
    completed: int
    items: tuple[Headline, ...]
    themes_shown: bool = False  # enough people commented for themes (maybe none but "other")
    participation_since: ParticipationSince | None = None  # as Summary.participation_since
