"""`/pulse share ROUND` (chairs): preview the share-back of a closed round, the headline
results that pass the thresholds and the committee's commitments; `/pulse share ROUND send`:
send it to everyone who was invited, answered or not (who answered is never looked at), each in
their own language, through the outbox in their working hours, exactly once per person (one
share-back per round, one idempotent outbox key per person). The `loop.share` renderer turns
each outbox row into the message, with every commitment's status as it is when it goes."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from zoneinfo import ZoneInfo

from conversations.context import Deps, roles
from conversations.loop.headline import headline
from conversations.loop.lookup import closed_round
from conversations.loop.progress import carried_over, progress_on, with_before
from conversations.loop.render import shareback_text
from conversations.messages import Message
from conversations.ports import UnitOfWork
from conversations.questions import commitments_asked, questions_of
from conversations.results.summary import Summaries
from conversations.schedule import next_sendable
from conversations.words import split_args
from storage.models import Person, Round

SHARE = "loop.share"  # the outbox kind


async def invited(tx: UnitOfWork, round_id: str) -> list[Person]:
    """Everyone invited to the round who is still on the roster (answered or not)."""
    ids = sorted({pid for _, pid in await tx.participation.for_round(round_id)})
    people = [await tx.people.get(pid) for pid in ids]
    return [p for p in people if p is not None and p.active]


class ShareBackText:
    """A round's share-back in a reader's language, from what was stored when it was sent."""

    def __init__(self, deps: Deps, summaries: Summaries | None = None) -> None:
        self.deps = deps
        self.summaries = summaries or Summaries(deps)  # keeps themed comments between readers

    async def __call__(self, tx: UnitOfWork, person: Person, rnd: Round,
                       data: Mapping[str, Any]) -> str:
        questions = await questions_of(tx, rnd.id)
        commitments = await tx.commitments.for_round(rnd.id)
        # a carried-over commitment with the change since (as /themes and the report show it)
        seen = await progress_on(self.summaries, tx, rnd, person.locale)
        before = await carried_over(self.summaries, tx, rnd, commitments, person.locale)
        asked = await commitments_asked(tx, questions)
        return shareback_text(self.deps.catalog, person.locale, rnd, data, questions,
                              commitments, with_before(seen, before),
                              {qid: c.text for qid, c in asked.items()},
                              self.deps.theme_names, asked)


class Share:
    """The `/pulse share` subcommand and the `loop.share` outbox renderer."""

    def __init__(self, deps: Deps, summaries: Summaries | None = None) -> None:
        self.deps = deps
        self.summaries = summaries or Summaries(deps)
        self.text = ShareBackText(deps, self.summaries)

    async def __call__(self, tx: UnitOfWork, person: Person, args: str) -> list[Message]:
        say = self.deps.reply
        if "chair" not in roles(person):
            return [say(person, "loop.chairs_only")]
        words = split_args(args)
        if not words or len(words) > 2 or (len(words) == 2
                                            and words[1].lower() not in ("send", "enviar")):
            return [say(person, "loop.share_usage")]
        rnd = await closed_round(self.deps, tx, person, words[0])
        if isinstance(rnd, Message):
            return [rnd]
        sent = await tx.sharebacks.get(rnd.id)
        if sent is not None:
            return [say(person, "loop.share_already", round=rnd.id,
                        sent=sent.sent_at.astimezone(ZoneInfo(person.timezone)))]
        people = await invited(tx, rnd.id)
        if not people:
            return [say(person, "loop.share_nobody", round=rnd.id)]
        data = await headline(self.deps, tx, rnd, self.summaries)
        if len(words) == 1:
            preview = await self.text(tx, person, rnd, data)
            return [say(person, "loop.share_preview", round=rnd.id, count=len(people)),
                    Message(preview, private=True),
                    say(person, "loop.share_send_hint", round=rnd.id, count=len(people))]
        now = self.deps.clock.now()
        if not await tx.sharebacks.add_once(rnd.id, now, person.id, data):
            return [say(person, "loop.share_already", round=rnd.id,
                        sent=now.astimezone(ZoneInfo(person.timezone)))]
        for c in await tx.commitments.for_round(rnd.id):
            c.announced = c.status  # the share-back tells everyone where each one stands
        for p in people:
            due = next_sendable(now, p.timezone, quiet_hours=self.deps.policy.quiet_hours)
            await tx.outbox.enqueue_once(f"loop:share:{rnd.id}:{p.id}", p.id, SHARE,
                                         {"round": rnd.id}, due)
        return [say(person, "loop.share_sent", round=rnd.id, count=len(people))]

    async def render(self, tx: UnitOfWork, person: Person, kind: str,
                     payload: Mapping[str, Any]) -> list[Message] | None:
        """A planned share-back (None when its round or share-back is gone)."""
        rnd = await tx.rounds.get(str(payload.get("round", "")))
        sent = await tx.sharebacks.get(rnd.id) if rnd is not None else None
        if rnd is None or sent is None:
            return None
        return [Message(await self.text(tx, person, rnd, sent.headline))]
