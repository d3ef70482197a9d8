"""`/themes [ROUND] [segment=VALUE]`: a round's anonymised summary, for chairs only."""

from __future__ import annotations

from conversations.context import Deps, roles
from conversations.messages import Message
from conversations.ports import UnitOfWork
from conversations.results.render import render_summary
from conversations.results.summary import Refusal, Summaries, parse_slice
from conversations.words import split_args
from storage.models import Person


class ThemesCommand:
    def __init__(self, deps: Deps) -> None:
        self.deps = deps
        self.summaries = Summaries(deps)

    async def __call__(self, tx: UnitOfWork, person: Person, args: str) -> list[Message]:
        loc = person.locale
        if "chair" not in roles(person):
            return [self.deps.reply(person, "themes.chair_only")]
        round_id, wanted, error = parse_slice(split_args(args))
        if error is not None:
            return [self.deps.reply(person, error)]
        rnd = await tx.rounds.get(round_id) if round_id else await self.summaries.latest_round(tx)
        if rnd is None or rnd.status == "draft":
            return [self.deps.reply(person, "themes.no_round", round=(round_id or "")[:64])]
        result = await self.summaries.build(tx, rnd, wanted, loc)
        if isinstance(result, Refusal):
            return [self.deps.reply(person, result.key, **result.values)]
        return render_summary(self.deps.catalog, loc, result, rnd.k_comments, rnd.k_responses)
