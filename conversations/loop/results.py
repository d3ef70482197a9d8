"""`/results [ROUND]` (`/resultados`): anyone who was asked in a round reads its share-back,
the headline results as sent and where each commitment stands now (chairs and admins read
every share-back). Without a round: the latest one shared with the person."""

from __future__ import annotations

from conversations.context import Deps, roles
from conversations.loop.share import ShareBackText
from conversations.messages import Message
from conversations.ports import UnitOfWork
from conversations.words import split_args
from storage.loop_models import ShareBack
from storage.models import Person


class ResultsCommand:
    def __init__(self, deps: Deps) -> None:
        self.deps = deps
        self.text = ShareBackText(deps)

    async def _readable(self, tx: UnitOfWork, person: Person) -> list[ShareBack]:
        """The share-backs this person may read, the newest first."""
        everything = await tx.sharebacks.all()
        if roles(person) & {"chair", "admin"}:
            return everything
        return [s for s in everything
                if any(pid == person.id for _, pid in await tx.participation.for_round(
                    s.round_id))]

    async def __call__(self, tx: UnitOfWork, person: Person, args: str) -> list[Message]:
        words = split_args(args)
        if len(words) > 1:
            return [self.deps.reply(person, "loop.results_usage")]
        readable = await self._readable(tx, person)
        if words:
            wanted = words[0].lower()[:64]
            chosen = next((s for s in readable if s.round_id == wanted), None)
            if chosen is None:
                return [self.deps.reply(person, "loop.results_no_such", round=wanted)]
        elif readable:
            chosen = readable[0]
        else:
            return [self.deps.reply(person, "loop.results_none")]
        rnd = await tx.rounds.get(chosen.round_id)
        if rnd is None:
            return [self.deps.reply(person, "loop.results_none")]
        out = [Message(await self.text(tx, person, rnd, chosen.headline), private=True)]
        others = [s.round_id for s in readable if s.round_id != chosen.round_id]
        if others:
            out.append(self.deps.reply(person, "loop.results_others",
                                       rounds=", ".join(others[:10])))
        return out
