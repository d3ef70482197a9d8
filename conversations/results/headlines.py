"""Headline results of a round for a share-back to everyone who was asked: participation, the
share agreeing with each rating item, the most chosen option of each choice question and the
biggest themes of all comments. Only what passes the thresholds for the whole round (and is
recorded as shown, like every view); never a quote, never a group."""

from __future__ import annotations

from conversations.context import Deps
from conversations.ports import UnitOfWork
from conversations.results.model import Headline, Headlines, Summary
from conversations.results.summary import Summaries
from conversations.results.thresholds import WHOLE
from storage.models import Round

TOP_THEMES = 3


async def headlines(deps: Deps, tx: UnitOfWork, rnd: Round, locale: str = "en",
                    summaries: Summaries | None = None) -> Headlines | None:
    """The round's headline results in `locale`, or None when nothing about it may be shown
    (too few people, or still open without early results). The caller commits `tx`."""
    got = await (summaries or Summaries(deps)).build(tx, rnd, WHOLE, locale)
    if not isinstance(got, Summary):
        return None
    items: list[Headline] = []
    for r in got.ratings:
        agree = next((p for p in r.parts if p.key == "agree"), None)
        if agree is not None and agree.count is not None and agree.share is not None:
            items.append(Headline(r.question_id, r.text, "rating", "", agree.count,
                                  agree.share))
    for q in got.choices:
        if q.options:
            top = q.options[0]
            if top.count is not None and top.share is not None:
                items.append(Headline(q.question_id, q.text, "choice", top.label, top.count,
                                      top.share))
    if got.overall.enough:
        for t in [t for t in got.overall.themes if t.code != "other"][:TOP_THEMES]:
            items.append(Headline(got.overall.question_id, t.label, "theme", t.label,
                                  t.comments, t.share))
    return Headlines(got.round_id, got.title, got.invited, got.completed, tuple(items))
