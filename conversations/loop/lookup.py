"""The closed round a chair's `/pulse commit` or `/pulse share` names."""

from __future__ import annotations

import difflib

from conversations.context import Deps
from conversations.messages import Message
from conversations.ports import UnitOfWork
from conversations.results.summary import clip
from storage.models import Person, Round


async def closed_round(deps: Deps, tx: UnitOfWork, person: Person, typed: str) -> Round | Message:
    """The closed round `typed` names, or what to say instead: a question set nobody started,
    a round not closed yet, or no such round (with the closed round nearest to what was typed,
    when one is close: a typo such as "listeningtour")."""
    wanted = typed.lower()[:64]
    rnd = await tx.rounds.get(wanted)
    if rnd is None:
        if wanted in deps.templates:
            return deps.reply(person, "rounds.not_started", round=wanted)
        closed = [r.id for r in await tx.rounds.all() if r.status == "closed"]
        near = difflib.get_close_matches(wanted, closed, n=1, cutoff=0.6)
        if near:
            return deps.reply(person, "rounds.no_such_near", round=clip(typed, 64), near=near[0])
        return deps.reply(person, "rounds.no_such", round=clip(typed, 64))
    if rnd.status != "closed":
        return deps.reply(person, "loop.not_closed", round=rnd.id,
                          status=deps.text(person, f"rounds.state.{rnd.status}"))
    return rnd
