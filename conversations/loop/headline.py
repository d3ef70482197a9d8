"""The headline results a share-back carries: participation, each rating question's average
and the themes, exactly as a chair's summary shows them, so under the same thresholds and
differencing (conversations.results.thresholds). Kept to this one function so it can move to
the results package's per-question headline when that lands.

The result is plain, locale-neutral data (question ids, not texts), stored with the share-back
and rendered in each reader's language."""

from __future__ import annotations

from typing import Any

from conversations.context import Deps
from conversations.ports import UnitOfWork
from conversations.results.summary import Refusal, Summaries
from conversations.results.thresholds import WHOLE
from storage.models import Round

MAX_THEMES = 5


async def headline(deps: Deps, tx: UnitOfWork, rnd: Round) -> dict[str, Any]:
    """`{"shown": False, "reason": KEY}` when nothing passes the thresholds, else
    `{"shown": True, "invited", "completed", "ratings": [{"question", "mean", "answers"}],
    "themes": [{"label", "share"}], "themes_shown": bool}`."""
    summary = await Summaries(deps).build(tx, rnd, WHOLE, "en")
    if isinstance(summary, Refusal):
        return {"shown": False, "reason": summary.key}
    themes = [t for t in summary.themes if t.code != "other"][:MAX_THEMES]
    return {
        "shown": True,
        "invited": summary.invited,
        "completed": summary.completed,
        "ratings": [{"question": r.question_id, "mean": r.mean, "answers": r.answers}
                    for r in summary.ratings],
        "themes": [{"label": t.label, "share": round(t.share, 3)} for t in themes],
        "themes_shown": summary.enough_comments,
    }
