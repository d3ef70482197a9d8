"""`/themes [ROUND] [segment=VALUE]`: a round's anonymised summary, for chairs only. Other
features add sections after the summary (closing the loop: the round's commitments), passed in
by the composition root. A chair who asks while the round is still open is told when it
closes (`Round.waiting`)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence

from conversations.context import Deps, roles
from conversations.messages import Message
from conversations.ports import UnitOfWork
from conversations.results.render import render_summary
from conversations.results.summary import Refusal, Summaries, parse_slice
from conversations.words import split_args
from storage.models import Person, Round

# more messages about a round, after its summary
Section = Callable[[UnitOfWork, Person, Round], Awaitable[list[Message]]]


class ThemesCommand:
    def __init__(self, deps: Deps, sections: Sequence[Section] = ()) -> None:
        self.deps = deps
        self.summaries = Summaries(deps)
        self.sections = tuple(sections)

    async def __call__(self, tx: UnitOfWork, person: Person, args: str) -> list[Message]:
        loc = person.locale
        if "chair" not in roles(person):
            admin = "admin" in roles(person)
            return [self.deps.reply(person, "themes.admin_not_chair" if admin
                                    else "themes.chair_only")]
        round_id, wanted, error = parse_slice(split_args(args))
        if error is not None:
            return [self.deps.reply(person, error)]
        rnd = await tx.rounds.get(round_id) if round_id else await self.summaries.latest_round(tx)
        if rnd is None or rnd.status in ("draft", "scheduled"):
            return [self.deps.reply(person, "themes.no_round", round=(round_id or "")[:64])]
        result = await self.summaries.build(tx, rnd, wanted, loc)
        if isinstance(result, Refusal):
            if result.key == "themes.still_open" and person.id not in (rnd.waiting or []):
                rnd.waiting = [*(rnd.waiting or []), person.id]  # told when it closes
            return [self.deps.reply(person, result.key, **result.values)]
        out = render_summary(self.deps.catalog, loc, result, rnd.k_comments, rnd.k_responses)
        for section in self.sections:
            out += await section(tx, person, rnd)
        return out
