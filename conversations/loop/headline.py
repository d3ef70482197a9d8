"""The headline results a share-back carries, from the results package's `headlines()`:
participation, each rating item's average and share agreeing, the most chosen option of each
choice question (the priority question among them) and the biggest themes, exactly as a
chair's summary shows them, so under the same thresholds and differencing
(conversations.results.thresholds).

The result is plain, locale-neutral data (question ids and option values, not texts), stored
with the share-back and rendered in each reader's language."""

from __future__ import annotations

from typing import Any

from conversations.context import Deps
from conversations.loop.progress import asked_here, carried_over
from conversations.ports import UnitOfWork
from conversations.results.headlines import headlines
from conversations.results.model import Headline, Part
from conversations.results.summary import Summaries
from storage.models import Round

MAX_THEMES = 5


async def headline(deps: Deps, tx: UnitOfWork, rnd: Round,
                   summaries: Summaries | None = None) -> dict[str, Any]:
    """`{"shown": False, "reason": KEY}` when nothing passes the thresholds, else
    `{"shown": True, "invited", "completed",
    "participation_since": {"round", "invited", "completed"} the previous round of the series
      (the one the ratings' since name), or None,
    "ratings": [{"question", "mean", "answers", "agree", "pct", "parts", "since"}],
      (agree: 0..1, or None if hidden; pct: it in whole percent as shown; parts: [{"key",
      "count", "pct"}] low to high, count and pct None where hidden; since: {"round", "mean",
      "pct"} the previous round of the series (for a progress question: the round that last
      asked about the same, carried-over, commitment), pct None unless both rounds show it)
    "choices": [{"question", "option", "count", "share", "answers"}],
    "themes": [{"label", "code", "share"}], "themes_shown": bool}` (a theme's label is in
    English; share-backs sent before codes were kept have none)."""
    got = await headlines(deps, tx, rnd, "en", summaries, top_themes=MAX_THEMES)
    if got is None:
        return {"shown": False, "reason": "themes.too_small"}
    ratings = [h for h in got.items if h.kind == "rating"]
    before = await _progress_before(deps, tx, rnd, summaries)
    choices = [h for h in got.items if h.kind == "choice"]
    themes = [h for h in got.items if h.kind == "theme"]
    return {
        "shown": True,
        "invited": got.invited,
        "completed": got.completed,
        "participation_since": None if got.participation_since is None else {
            "round": got.participation_since.round_id,
            "invited": got.participation_since.invited,
            "completed": got.participation_since.completed},
        "ratings": [{"question": h.question_id, "mean": h.mean, "answers": h.answers,
                     "agree": None if h.share is None else round(h.share, 3),
                     "pct": _pct(h.parts[-1]) if h.parts else None,
                     "parts": [{"key": p.key, "count": p.count, "pct": _pct(p)}
                               for p in h.parts],
                     "since": _since(h, before.get(h.question_id))}
                    for h in ratings],
        "choices": [{"question": h.question_id, "option": h.key, "count": h.count,
                     "share": round(h.share or 0.0, 3), "answers": h.answers}
                    for h in choices],
        # the code too: a codebook theme is named in each reader's language when shown
        "themes": [{"label": h.label, "code": h.key, "share": round(h.share or 0.0, 3)}
                   for h in themes],
        "themes_shown": got.themes_shown,
    }


def _pct(part: Part | None) -> int | None:
    """A part's share in whole percent as the chair's view shows it; None when hidden."""
    return None if part is None or part.share is None else int(part.percent)


def _since(h: Headline, progress: tuple[str, float, Part | None] | None
           ) -> dict[str, Any] | None:
    """The figures of the round before, as that round showed them: (round, average, the
    high part) for a carried-over commitment's progress question, else the rating's own
    previous round. Its share only where both rounds show theirs (as a chair reads it)."""
    if progress is None and h.since is None:
        return None
    then_round, then_mean, then_high = (progress if progress is not None else
                                        (h.since.round_id, h.since.mean, h.since.high)
                                        if h.since is not None else ("", 0.0, None))
    now_high = h.parts[-1] if h.parts else None
    both = _pct(now_high) is not None and _pct(then_high) is not None
    return {"round": then_round, "mean": then_mean, "pct": _pct(then_high) if both else None}


async def _progress_before(deps: Deps, tx: UnitOfWork, rnd: Round,
                           summaries: Summaries | None) -> dict[str, tuple[str, float,
                                                                          Part | None]]:
    """Question id of a progress question `rnd` asked -> (the round that asked about the same
    commitment before, its average, its high part) where the committee carried the
    commitment over (see conversations.loop.progress.carried_over)."""
    found = await asked_here(tx, rnd)
    earlier = await tx.rounds.get(found[0]) if found is not None else None
    if found is None or earlier is None:
        return {}
    items = await tx.commitments.for_round(earlier.id)
    seen = await carried_over(summaries or Summaries(deps), tx, earlier, items, "en")
    out: dict[str, tuple[str, float, Part | None]] = {}
    for qid, number in found[1].items():
        p = seen.get(number)
        if p is not None and p.mean is not None:
            out[qid] = (p.asked_in, p.mean, p.parts[-1] if p.parts else None)
    return out
