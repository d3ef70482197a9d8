"""Headline results of a round for a share-back to everyone who was asked (closing the loop's
share-back is built from these): participation, each rating item's average and the share
agreeing, the most chosen option of each choice question and the biggest themes of all
comments. Only what passes the thresholds for the whole round (and is
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
                    summaries: Summaries | None = None, top_themes: int = TOP_THEMES
                    ) -> Headlines | None:
    """The round's headline results in `locale`, or None when nothing about it may be shown
    (too few people, or still open without early results). A rating's share agreeing is None
    when the thresholds hide it (its average still shows). The caller commits `tx`."""
    got = await (summaries or Summaries(deps)).build(tx, rnd, WHOLE, locale)
    if not isinstance(got, Summary):
        return None
    items: list[Headline] = []
    for r in got.ratings:
        agree = next((p for p in r.parts if p.key == "agree"), None)
        items.append(Headline(r.question_id, r.text, "rating", "",
                              agree.count if agree is not None else None,
                              agree.share if agree is not None and agree.count is not None
                              else None, answers=r.answers, mean=r.mean, parts=r.parts,
                              since=r.since))
    for q in got.choices:
        if q.options:
            top = q.options[0]
            if top.count is not None and top.share is not None:
                items.append(Headline(q.question_id, q.text, "choice", top.label, top.count,
                                      top.share, key=top.key, answers=q.answers))
    if got.overall.enough:
        for t in [t for t in got.overall.themes if t.code != "other"][:top_themes]:
            items.append(Headline(got.overall.question_id, t.label, "theme", t.label,
                                  t.comments, t.share, key=t.code or ""))
    return Headlines(got.round_id, got.title, got.invited, got.completed, tuple(items),
                     got.overall.enough, got.participation_since)
