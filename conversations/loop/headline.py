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
from conversations.ports import UnitOfWork
from conversations.results.headlines import headlines
from conversations.results.summary import Summaries
from storage.models import Round

MAX_THEMES = 5


async def headline(deps: Deps, tx: UnitOfWork, rnd: Round,
                   summaries: Summaries | None = None) -> dict[str, Any]:
    """`{"shown": False, "reason": KEY}` when nothing passes the thresholds, else
    `{"shown": True, "invited", "completed",
    "ratings": [{"question", "mean", "answers", "agree"}],  (agree: 0..1, or None if hidden)
    "choices": [{"question", "option", "count", "share", "answers"}],
    "themes": [{"label", "code", "share"}], "themes_shown": bool}` (a theme's label is in
    English; share-backs sent before codes were kept have none)."""
    got = await headlines(deps, tx, rnd, "en", summaries, top_themes=MAX_THEMES)
    if got is None:
        return {"shown": False, "reason": "themes.too_small"}
    ratings = [h for h in got.items if h.kind == "rating"]
    choices = [h for h in got.items if h.kind == "choice"]
    themes = [h for h in got.items if h.kind == "theme"]
    return {
        "shown": True,
        "invited": got.invited,
        "completed": got.completed,
        "ratings": [{"question": h.question_id, "mean": h.mean, "answers": h.answers,
                     "agree": None if h.share is None else round(h.share, 3)}
                    for h in ratings],
        "choices": [{"question": h.question_id, "option": h.key, "count": h.count,
                     "share": round(h.share or 0.0, 3), "answers": h.answers}
                    for h in choices],
        # the code too: a codebook theme is named in each reader's language when shown
        "themes": [{"label": h.label, "code": h.key, "share": round(h.share or 0.0, 3)}
                   for h in themes],
        "themes_shown": got.themes_shown,
    }
