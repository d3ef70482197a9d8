"""Anonymised round summaries for chairs: every question its own way (ratings, choices, the
themes of each open question), the overall themes, participation and trend, under the
thresholds and differencing rules of conversations.results.thresholds (the one place k is
applied to what is shown; each question is its own item there, the comments together are
TEXT).

A round's comments are themed once per release batch (conversations.results.themed) and every
slice counts those themes within itself. A round of up to PER_QUESTION_MAX comments themes each
open question on its own (finer themes, quick at that size) and all its comments together for
the overall view; a larger round is themed once, all its comments together, and each question's
section counts those themes among its own comments (the same topic has the same name in every
SWOT section), so a county-sized round stays fast."""

from __future__ import annotations

import asyncio
import hashlib
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from conversations.context import Deps
from conversations.messages import localized
from conversations.ports import UnitOfWork
from conversations.questions import Question, commitment_texts, questions_of
from conversations.results.model import (
    OVERALL,
    ChoiceResult,
    Part,
    ParticipationSince,
    RatingResult,
    RatingSince,
    Refusal,
    Result,
    Section,
    Summary,
    ThemeLine,
    Withheld,
    percents,
)
from conversations.results.names import theme_name
from conversations.results.release import participation
from conversations.results.themed import Themed, section_lines, shares
from conversations.results.thresholds import (
    ALL,
    TEXT,
    WHOLE,
    Ledger,
    Row,
    Shown,
    Slice,
    choices_pinned,
    enough,
    enough_people,
    mean_gives_away,
    people_at_least,
    safe_difference,
    shown_parts,
    small_part,
    theming_order,
)
from storage.models import SEGMENTS, Round

__all__ = ["Refusal", "Summaries", "Summary", "ThemeLine", "parse_slice", "section_title"]

RATING_PARTS = (("disagree", ("1", "2")), ("neutral", ("3",)), ("agree", ("4", "5")))
_CACHE = 48  # themed items, and summaries, kept per process (a round has a handful)
_LEDGERS = 4  # rounds' responses kept per process
PER_QUESTION_MAX = 2_000  # comments in a round up to which each question is themed on its own


def section_title(text: str, limit: int = 48) -> str:
    """A question's short name: "Strengths" for "Strengths: what is ...", else its text cut at
    a word (never mid-word)."""
    head, sep, _ = text.partition(":")
    if sep and 0 < len(head.split()) <= 4 and len(head) <= 40:
        return head.strip()
    return clip(text, limit)


def clip(text: str, limit: int) -> str:
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:-–(")
    return (cut or text[: limit - 1]) + "…"


class Summaries:
    """Builds summaries with the round's thresholds; records the views it releases. Themes of
    the same comments are the same: a round is themed once per release batch, not on every
    /themes. Kept for the life of the process, keyed by what they were computed from: the
    round's responses as read (keyed by `responses.fingerprint`, which every release and
    retention changes), the themings, and whole summaries (also keyed by the views shown of
    the round and of the one before it, the thresholds and the language), so a chair who asks
    again gets the same summary without the round being read or counted again."""

    def __init__(self, deps: Deps) -> None:
        self.deps = deps
        self._themed: OrderedDict[tuple[Any, ...], Themed] = OrderedDict()
        self._ledgers: OrderedDict[tuple[Any, ...], Ledger] = OrderedDict()
        self._built: OrderedDict[tuple[Any, ...], Summary] = OrderedDict()

    def forget(self) -> None:
        """Drop everything kept (as a new process starts); for benchmarks."""
        self._themed.clear()
        self._ledgers.clear()
        self._built.clear()

    async def latest_round(self, tx: UnitOfWork) -> Round | None:
        rounds = [r for r in await tx.rounds.all() if r.status not in ("draft", "scheduled")]
        closed = sorted((r for r in rounds if r.status == "closed"),
                        key=lambda r: (r.closed_on or r.opened_on, r.id))
        if closed:
            return closed[-1]
        return rounds[-1] if rounds else None

    async def ledger(self, tx: UnitOfWork, rnd: Round) -> Ledger:
        """The round's responses and the views of it already shown."""
        shown = [Shown((seg, val), item, batch)
                 for seg, val, item, batch in await tx.views.shown(rnd.id)]
        key = (rnd.id, rnd.k_responses, await tx.responses.fingerprint(rnd.id))
        found = self._ledgers.get(key)
        if found is None:
            found = Ledger(await tx.responses.rows_for_round(rnd.id), [], rnd.k_responses)
            _keep(self._ledgers, key, found, _LEDGERS)
        return found.with_shown(shown)

    async def _state(self, tx: UnitOfWork, rnd: Round | None) -> tuple[Any, ...]:
        """What a round's summaries are computed from, besides its comments' themes."""
        if rnd is None:
            return ()
        return (rnd.id, repr(rnd.title), rnd.status, rnd.results_while_open, rnd.k_responses,
                rnd.k_comments, await tx.responses.fingerprint(rnd.id),
                frozenset(await tx.views.shown(rnd.id)))

    async def build(self, tx: UnitOfWork, rnd: Round, wanted: Slice, locale: str = "en",
                    record: bool = True, ledger: Ledger | None = None) -> Summary | Refusal:
        """The summary of slice `wanted` (WHOLE: everyone), or why it cannot be shown. Pass
        `ledger` to build many slices of one round from one reading of it (the report).

        A summary already built from the same responses, views shown and thresholds is
        returned again (with today's participation counts): building it again would give the
        same summary and record no new view."""
        if ledger is not None or not record:
            return await self._build(tx, rnd, wanted, locale, record, ledger)
        previous = await self._previous(tx, rnd)
        key = (wanted, locale, await self._state(tx, rnd), await self._state(tx, previous))
        found = self._built.get(key)
        if found is not None:
            self._built.move_to_end(key)
            invited, completed = await participation(tx, rnd)
            return replace(found, invited=invited, completed=completed,
                           participation_since=await participation_since(tx, previous))
        got = await self._build(tx, rnd, wanted, locale, record, None)
        if isinstance(got, Summary):  # as the views now stand, this is what it shows
            after = (wanted, locale, await self._state(tx, rnd), await self._state(tx, previous))
            _keep(self._built, after, got, _CACHE)
        return got

    async def _build(self, tx: UnitOfWork, rnd: Round, wanted: Slice, locale: str,
                     record: bool, ledger: Ledger | None) -> Summary | Refusal:
        if rnd.status not in ("closed", "ongoing") and not rnd.results_while_open:
            return Refusal("themes.still_open", {"round": rnd.id})
        ledger = ledger or await self.ledger(tx, rnd)
        where = f"{wanted[0]}={wanted[1]}" if wanted != WHOLE else rnd.id
        b_all, reason = ledger.choose(ALL, wanted)
        if b_all is None:
            key = reason or "themes.too_small"
            if wanted == WHOLE and key == "themes.too_small":  # the round is no "group"; a
                # closed one will not get more answers (chat, the report link and the CLI alike)
                key = "themes.too_small_closed" if rnd.status == "closed" \
                    else "themes.too_small_round"
            return Refusal(key, {"round": rnd.id, "k": rnd.k_responses, "slice": where})
        views: list[tuple[str, int]] = [(ALL, b_all)]
        # the whole-round views whose comments the themes shown here come from (their names
        # show something of them): recorded as shown too
        named: list[Shown] = []
        previous = await self._previous(tx, rnd)
        prior = await self.ledger(tx, previous) if previous is not None else None
        # every comment across questions first: the semantic engine then encodes the round's
        # comments in one pass (its batches sorted by length), and each question's theming
        # reads them from its cache (a 700-comment /themes: 0.4 s less than question by question)
        b_text, _ = ledger.choose(TEXT, wanted)
        overall_title = self.deps.catalog.text(locale, "themes.overall_title")
        overall = Section(OVERALL, overall_title, overall_title, 0, False, ())
        questions = await questions_of(tx, rnd.id)
        if b_text is not None:
            rows = self._overall_rows(rnd, ledger, wanted, b_text, questions)
            every = await self._section(tx, rnd, ledger, TEXT, overall_title, overall_title,
                                        rows, b_text, previous, prior, wanted, named)
            if every is not None:
                overall = every
                if every.enough:
                    views.append((TEXT, b_text))
        results: list[Result] = []
        withheld: list[Withheld] = []
        asked_before = await questions_of(tx, previous.id) if previous is not None else []
        about = await commitment_texts(tx, questions)
        for q in questions:
            title = section_title(localized(q.text, locale))
            if q.id in about:  # named by its commitment: "Progress seen on: X", not "X?."
                title = self.deps.catalog.text(locale, "themes.progress_title",
                                               text=clip(about[q.id], 48))
            items = [(q.id, localized(q.text, locale), title)]
            if q.follow_up:
                why = self.deps.catalog.text(locale, "themes.why_title",
                                             question=section_title(localized(q.text, locale),
                                                                    40))
                items.append((f"{q.id}.why", localized(q.follow_up, locale), why))
            for item, text, title in items:
                batch, _ = ledger.choose(item, wanted)
                if batch is None:  # nobody answered it, or too few here to show it safely
                    withheld.append(Withheld(item, title))
                    continue
                rows = ledger.rows_of(item, wanted, batch)
                got: Result | None
                if item == q.id and q.kind == "rating":
                    got = _rating(q, text, rows, rnd.k_responses,
                                  self._words(q, locale),
                                  None if q.commitment is None else about.get(q.id, ""))
                    if got is not None and previous is not None and prior is not None:
                        got = await self._since(tx, rnd, previous, prior, q, got,
                                                asked_before, wanted, locale, record)
                elif item == q.id and q.kind == "choice":
                    got = _choice(q, text, rows, rnd.k_responses, locale)
                else:
                    got = await self._section(tx, rnd, ledger, item, title, text, rows, batch,
                                              previous, prior, wanted, named)
                    if got is not None and not got.enough:
                        results.append(got)  # shown as "too few comments", nothing released
                        continue
                if got is not None:
                    results.append(got)
                    views.append((item, batch))
                else:  # no comments here; or too few ratings or choices to show
                    withheld.append(Withheld(item, title))
        invited, completed = await participation(tx, rnd)
        before = await participation_since(tx, previous)
        if record:
            for item, batch in views:
                ledger.record(item, wanted, batch)
                await tx.views.record(rnd.id, wanted[0], wanted[1], item, batch)
            for view in dict.fromkeys(named):
                if view not in ledger.shown:
                    ledger.record(view.item, view.slice, view.batch)
                    await tx.views.record(rnd.id, *view.slice, view.item, view.batch)
        engines = sorted({s.engine for s in (*results, overall)
                          if isinstance(s, Section) and s.engine})
        return Summary(
            round_id=rnd.id,
            title=localized(rnd.title, locale),
            status=rnd.status,
            scope="" if wanted == WHOLE else f"{wanted[0]}={wanted[1]}",
            invited=invited,
            completed=completed,
            questions=tuple(self._named(r, locale) if isinstance(r, Section) else r
                            for r in results),
            overall=self._named(overall, locale),
            previous=previous.id if previous is not None else None,
            earlier=any(batch < ledger.latest for _, batch in views),
            engine=", ".join(engines),
            withheld=tuple(withheld),
            participation_since=before,
        )

    def _overall_rows(self, rnd: Round, ledger: Ledger, wanted: Slice, batch: int,
                      questions: Sequence[Question]) -> list[Row]:
        """The comments "All comments, across questions" counts in view `wanted`: every
        comment, unless the comments of the questions this view does not show (too few people
        there) come from 1..k_comments-1 people: the total minus the sections shown would
        count them, and the themes could quote them. Those are then left out."""
        rows = ledger.rows_of(TEXT, wanted, batch)
        items = [q.id for q in questions if q.kind not in ("rating", "choice")]
        items += [f"{q.id}.why" for q in questions if q.follow_up]
        shown = {item for item in items if self._shows(rnd, ledger, item, wanted)}
        hidden = [r for r in rows if r.question_id not in shown]
        if small_part(hidden, rnd.k_comments):
            return [r for r in rows if r.question_id in shown]
        return rows

    def _shows(self, rnd: Round, ledger: Ledger, item: str, wanted: Slice) -> bool:
        """Whether the themes of open item `item` are shown in view `wanted` (`_section`'s
        tests, without theming)."""
        batch, _ = ledger.choose(item, wanted)
        if batch is None:
            return False
        commented = [r for r in ledger.rows_of(item, wanted, batch) if r.text or r.theme]
        if not commented or not enough_people(commented, rnd.k_comments):
            return False
        return self._newer(ledger, self._source(ledger, item, batch), commented) is not None

    @staticmethod
    def _source(ledger: Ledger, item: str, batch: int) -> str:
        """What an item's themes come from: the item itself, or every comment of a large
        round."""
        whole, _ = ledger.choose(item, WHOLE)
        at = max(whole or batch, batch)
        return item if ledger.comments(at) <= PER_QUESTION_MAX else TEXT

    @staticmethod
    def _newer(ledger: Ledger, source: str, commented: Sequence[Row]) -> list[Row] | None:
        """A view's comments newer than the whole-round view of `source` it is themed with;
        None when they are too few people to add safely."""
        whole, _ = ledger.choose(source, WHOLE)
        base = ledger.commented_ids(source, whole) if whole is not None else frozenset()
        newer = [r for r in commented if r.id not in base]
        return newer if safe_difference(people_at_least(newer), ledger.k) else None

    def _named(self, section: Section, locale: str) -> Section:
        """A section with its codebook themes named in the reader's language."""
        names = self.deps.theme_names
        return replace(section, themes=tuple(
            t if t.code == "other" else replace(t, label=theme_name(names, t.code, t.label,
                                                                    locale))
            for t in section.themes))

    def _words(self, q: Question, locale: str) -> tuple[str, str, str]:
        """A rating's parts (1-2, 3, 4-5) in the reader's words: a progress question's own
        scale, as staff were offered it ("no progress" ... "clear progress"), else
        disagree / neutral / agree."""
        cat = self.deps.catalog
        if q.commitment is None:
            low, mid, high = (cat.text(locale, f"themes.part.{key}") for key, _ in RATING_PARTS)
            return low, mid, high
        low, high = (q.scale_labels.get(locale) or q.scale_labels.get("en")
                     or (cat.text(locale, "loop.progress_low"),
                         cat.text(locale, "loop.progress_high")))
        return low, cat.text(locale, "loop.progress_mid"), high

    async def _section(self, tx: UnitOfWork, rnd: Round, ledger: Ledger, item: str, title: str,
                       text: str, rows: Sequence[Row], batch: int, previous: Round | None,
                       prior: Ledger | None, wanted: Slice = WHOLE,
                       named: list[Shown] | None = None) -> Section | None:
        """The themes of one open item in one view (slice `wanted`): the item is themed once
        (as of the batch its whole-round view shows, with this view's own comments where it
        is newer: `_themed_view`), then counted here; the trend compares it with the same
        slice of the previous round. The whole-round views the themes come from are added to
        `named`."""
        k = rnd.k_comments
        commented = [r for r in rows if r.text or r.theme]
        if not commented:
            return None
        if not enough_people(commented, k):
            return Section(item if item != TEXT else OVERALL, title, text, 0, False, ())
        source = self._source(ledger, item, batch)
        themed = await self._themed_view(rnd, ledger, source, commented, named)
        if themed is None:  # its themes would tell what too few people wrote
            return Section(item if item != TEXT else OVERALL, title, text, 0, False, ())
        old_share = None
        if previous is not None and prior is not None and themed.result is not None:
            old_share = await self._old_shares(tx, previous, prior, item, source, themed, k,
                                               wanted)
        lines, total, ok = section_lines(themed, commented, k, seed=f"{rnd.id}:{item}",
                                         old_share=old_share)
        return Section(item if item != TEXT else OVERALL, title, text, total, ok, tuple(lines),
                       engine=themed.engine)

    async def _themed_view(self, rnd: Round, ledger: Ledger, source: str,
                           commented: Sequence[Row], named: list[Shown] | None
                           ) -> Themed | None:
        """The themes a view of `commented` (its comments) is counted in: every comment of
        `source` as of the batch its whole-round view shows (added to `named`: the theme names
        say something of those comments), with the view's own comments that are newer (a
        group's view may be newer when the answers a batch adds outside the group may not
        be shown). Never the comments of answers no view shows, such as the few that come in
        at the close after early results: a theme's name or grouping would say what they
        wrote. None when the view's newer comments are too few people to add safely."""
        newer = self._newer(ledger, source, commented)
        if newer is None:
            return None
        whole, _ = ledger.choose(source, WHOLE)
        if whole is not None and named is not None:
            named.append(Shown(WHOLE, source, whole))
        return await self._themed_item(rnd, ledger, source, whole or 0, newer)

    async def _themed_item(self, rnd: Round, ledger: Ledger, item: str, batch: int,
                           newer: Sequence[Row] = ()) -> Themed:
        """`item`'s comments in the whole round as of `batch`, and `newer` ones, themed."""
        rows: list[Row] = ledger.commented(item, batch) if batch else []
        live: list[Row] = ledger.live(item, batch) if batch else []
        if newer:
            rows = sorted([*rows, *newer], key=theming_order)
            live = [r for r in rows if r.text]
        at = max([batch, *(r.batch for r in newer)])
        which = hashlib.blake2b("\n".join(sorted(r.id for r in newer)).encode(),
                                digest_size=8).digest() if newer else b""
        key = (rnd.id, item, batch, which, rnd.k_comments, len(rows), len(live))
        found = self._themed.get(key)
        if found is not None:
            self._themed.move_to_end(key)
            return found
        if not live:
            themed = Themed(list(rows), None)
        else:
            result = await asyncio.to_thread(self._theme, [str(r.text) for r in live],
                                             [r.submission or r.id for r in live],
                                             rnd.k_comments, ledger.comments(at))
            themed = Themed(live, result)
        _keep(self._themed, key, themed, _CACHE)
        return themed

    def _theme(self, texts: Sequence[str], groups: Sequence[str], k_comments: int,
               round_size: int) -> Any:
        # themes under k comments could never be shown: ask for none that small; who wrote
        # each comment, so no label is one person's words
        assert self.deps.themer is not None, "no theming engine wired"
        return self.deps.themer.theme(texts, min_theme_size=k_comments, round_size=round_size,
                                      groups=groups)

    async def _since(self, tx: UnitOfWork, rnd: Round, previous: Round, prior: Ledger,
                     q: Question, now: RatingResult, asked_before: Sequence[Question],
                     wanted: Slice, locale: str, record: bool) -> RatingResult:
        """`now` with the same item as the previous round of the series showed it to the same
        group (`same_rating` says which item is the same), for the change since then. Only
        what that round would show itself: its view of the group as its own thresholds and
        differencing choose it (recorded as shown, like the themes' trend), the group passing
        there too, counted with the stricter of the two rounds' k; nothing when that figure
        was hidden."""
        old = same_rating(q, asked_before)
        if old is None:
            return now
        batch, _ = prior.choose(old.id, wanted)
        if batch is None or (wanted != WHOLE and prior.choose(ALL, wanted)[0] is None):
            return now
        k = max(rnd.k_responses, previous.k_responses)
        then = _rating(old, "", prior.rows_of(old.id, wanted, batch), k,
                       self._words(q, locale))
        if then is None:
            return now
        if record:
            await tx.views.record(previous.id, wanted[0], wanted[1], old.id, batch)
        high = then.parts[-1] if then.parts[-1].share is not None else None
        return replace(now, since=RatingSince(previous.id, then.mean, then.answers, high))

    async def _previous(self, tx: UnitOfWork, rnd: Round) -> Round | None:
        same = [r for r in await tx.rounds.all()
                if r.id != rnd.id and r.series == rnd.series and r.status == "closed"
                and r.opened_at is not None and rnd.opened_at is not None
                and r.opened_at < rnd.opened_at]
        return max(same, key=lambda r: r.opened_at or 0, default=None)  # type: ignore[arg-type]

    async def _old_shares(self, tx: UnitOfWork, previous: Round, prior: Ledger, item: str,
                          source: str, themed: Themed, k_comments: int, wanted: Slice = WHOLE
                          ) -> dict[str, float] | None:
        """The previous round's theme shares for the same item in the same slice (its view
        under the previous round's own thresholds and differencing, recorded as shown), with
        this round's themes aligned to its topics so the same topic keeps its label and code.
        A group is compared with itself, never with the whole previous round. `source`: what
        this round's themes come from (the item, or every comment); the previous round's are
        taken the same way, so the two align."""
        batch, _ = prior.choose(item, wanted)
        if batch is None or (wanted != WHOLE and prior.choose(ALL, wanted)[0] is None):
            return None
        rows = (self._overall_rows(previous, prior, wanted, batch,
                                   await questions_of(tx, previous.id)) if item == TEXT
                else prior.rows_of(item, wanted, batch))  # counted as its own view counts
        before = [r for r in rows if r.text or r.theme]
        k = max(k_comments, previous.k_comments)
        if not enough_people(before, k):
            return None
        named: list[Shown] = []
        old = await self._themed_view(previous, prior, source, before, named)
        if old is None:
            return None
        themed.align_to(old, previous.id, k)
        old_lines, _, ok = section_lines(old, before, k, seed=f"{previous.id}:{item}")
        if not ok:
            return None
        await tx.views.record(previous.id, wanted[0], wanted[1], item, batch)
        for view in named:
            await tx.views.record(previous.id, *view.slice, view.item, view.batch)
        return shares(old_lines)


async def participation_since(tx: UnitOfWork, previous: Round | None
                              ) -> ParticipationSince | None:
    """The participation of `previous` (the round `Summaries._previous` found: the one the
    ratings' "since" compare with), whole round; None when there is none or nobody was
    invited to it (no share to compare)."""
    if previous is None:
        return None
    invited, completed = await participation(tx, previous)
    return ParticipationSince(previous.id, invited, completed) if invited else None


def _keep(cache: OrderedDict[tuple[Any, ...], Any], key: tuple[Any, ...], value: Any,
          size: int) -> None:
    cache[key] = value
    cache.move_to_end(key)
    while len(cache) > size:
        cache.popitem(last=False)


def _said(text: str) -> str:
    return " ".join(text.casefold().split()).rstrip(" .!?")


def same_rating(q: Question, earlier: Sequence[Question]) -> Question | None:
    """The rating item of an earlier round that is the same as `q`: the one with the same id,
    else (an organisation that re-imported its questions under new ids) the only one with the
    same text in some language (case, spacing and a final full stop aside). None when there
    is none, when the id now names another kind of question, or for a progress question: its
    id ("progress-1") names another commitment in every round, and the change on a carried-over
    commitment is told with the commitments (conversations.loop)."""
    if q.kind != "rating" or q.commitment is not None:
        return None
    ratings = [e for e in earlier if e.kind == "rating" and e.commitment is None]
    if any(e.id == q.id for e in earlier):
        return next((e for e in ratings if e.id == q.id), None)
    texts = {_said(t) for t in q.text.values() if t.strip()}
    same = [e for e in ratings if texts & {_said(t) for t in e.text.values()}]
    return same[0] if len(same) == 1 else None


def _rating(q: Question, text: str, rows: Sequence[Row], k: int, words: Sequence[str],
            about: str | None = None) -> RatingResult | None:
    """A rating's numbers; `words` name its parts; `about`: a progress question's commitment
    (None: not a progress question)."""
    values = [r.value for r in rows if r.value in ("1", "2", "3", "4", "5")]
    if not enough(len(values), k):  # one value per person
        return None
    counts = {key: sum(1 for v in values if v in scores) for key, scores in RATING_PARTS}
    shown = shown_parts(counts, k)
    n = len(values)
    mean = round(sum(int(v) for v in values) / n, 1)
    if mean_gives_away(shown, n, mean, k):  # the average would pin a hidden part down
        shown = {key: None for key in shown}
        if mean_gives_away(shown, n, mean, k, counts):
            return None
    counted = [(key, shown[key]) for key, _ in RATING_PARTS]
    shares = [None if c is None else c / n for _, c in counted]
    parts = tuple(Part(key, word, c, share, pct) for (key, c), word, share, pct in
                  zip(counted, words, shares, percents(shares), strict=True))
    return RatingResult(q.id, text, n, mean, parts, progress=about is not None,
                        about=about or "")


def _choice(q: Question, text: str, rows: Sequence[Row], k: int, locale: str
            ) -> ChoiceResult | None:
    values = [r.value for r in rows if r.value]
    if not enough(len(values), k):
        return None
    order = [c.value for c in q.choices]
    counts = {value: 0 for value in order}
    for v in values:
        counts[v] = counts.get(v, 0) + 1
    shown = shown_parts(counts, k)
    n = len(values)
    chosen = [(v, c) for v, c in shown.items() if c]
    options = sorted(
        (Part(v, q.choice_label(v, locale), c, c / n, pct) for (v, c), pct in
         zip(chosen, percents([c / n for _, c in chosen]), strict=True)),
        key=lambda p: (-(p.count or 0), order.index(p.key) if p.key in order else len(order)))
    held = [v for v, c in shown.items() if c is None]
    zero = [v for v, c in shown.items() if c == 0]
    if held and choices_pinned(n - sum(c for c in shown.values() if c), len(held), k):
        # named apart from the options nobody chose, each hidden option is known to hold
        # 1..k-1 people: named together with them, any of them may hold none
        if len(held) + len(zero) < 2:
            return None
        held, zero = [v for v in shown if v in held or v in zero], []
    hidden = tuple(q.choice_label(v, locale) for v in held)
    nobody = tuple(q.choice_label(v, locale) for v in zero)
    return ChoiceResult(q.id, text, n, tuple(options), hidden, nobody=nobody)


# group names a chair may type besides branch= classification= employment= (Spanish)
SLICE_WORDS = {"sucursal": "branch", "puesto": "classification",
               "clasificacion": "classification", "clasificación": "classification",
               "jornada": "employment"}
EMPLOYMENT_WORDS = {"full-time": "FT", "fulltime": "FT", "full": "FT", "completa": "FT",
                    "part-time": "PT", "parttime": "PT", "part": "PT", "parcial": "PT"}


def parse_slice(args: Sequence[str]) -> tuple[str | None, Slice, str | None]:
    """`[ROUND] [segment=VALUE]` -> (round id or None, slice, error key or None)."""
    round_id: str | None = None
    wanted = WHOLE
    for word in args:
        if "=" in word:
            key, _, value = word.partition("=")
            key = SLICE_WORDS.get(key.strip().lower(), key.strip().lower())
            if key == "employment":  # "part-time", "parcial": the stored FT / PT
                value = EMPLOYMENT_WORDS.get(value.strip().lower(), value)
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
