"""`/pulse commit ROUND TEXT` (chairs): record what the committee will do after a closed round;
`/pulse commit ROUND N started|done|dropped [note]`: update it; `/pulse commit ROUND carry N`
(or `carry EARLIER N`): carry commitment N of the earlier round over to ROUND, word for word, so
that the round after ROUND asks about it again and the results show the change since it was
last asked (the earlier round is the one ROUND asked about, else the series' closed round before
it).

Commitment texts are written by chairs, not staff, and are shown to everyone who was asked, by
design naming what leadership will do (a branch, a programme, sometimes who leads it). So they
are not scrubbed like answers (the scrubber would also blank legitimate names such as a
branch's or a partner organisation's); they are cleaned like anything the bot posts: control
and bidirectional characters removed, whitespace and line breaks collapsed, length capped."""

from __future__ import annotations

import difflib
import re

from conversations.context import Deps, roles
from conversations.loop.lookup import closed_round
from conversations.loop.progress import NEVER, asked_here
from conversations.messages import Message, without_bidi
from conversations.ports import UnitOfWork
from conversations.words import split_args
from storage.loop_models import STATUSES, Commitment
from storage.models import Person, Round

MAX_TEXT = 280  # a commitment reads as one line in chat
MAX_NOTE = 200
# status words, with the Spanish ones a chair may type and the words a status is shown as
# ("in progress", "en marcha", "cumplido"), so a chair can type back what they read
STATUS_WORDS = {"planned": "planned", "started": "started", "done": "done",
                "dropped": "dropped", "previsto": "planned", "iniciado": "started",
                "hecho": "done", "descartado": "dropped",
                "in-progress": "started", "finished": "done", "completed": "done",
                "prevista": "planned", "iniciada": "started", "empezado": "started",
                "empezada": "started", "en-marcha": "started", "hecha": "done",
                "cumplido": "done", "cumplida": "done", "terminado": "done",
                "terminada": "done", "completado": "done", "descartada": "dropped"}
# `/pulse commit ROUND carry [EARLIER] N`, in the words chairs may type
CARRY = frozenset({"carry", "mantener"})
# shown in two words: read as one
TWO_WORDS = {("in", "progress"): "in-progress", ("en", "marcha"): "en-marcha"}
# a number as typed, in any script or with a sign (only plain 0-9 name a commitment)
_NUMBERISH = re.compile(r"[-+]?[\d\u00b2\u00b3\u00b9\u2070-\u2079\u2080-\u2089]+")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028\u2029\ufeff]")


def clean_text(text: str) -> str:
    """One line of plain text: no control, zero-width or bidirectional characters, spaces
    collapsed, surrounding quotes removed."""
    text = _CONTROL.sub(" ", without_bidi(text))
    text = " ".join(text.split())
    if len(text) >= 2 and (text[0], text[-1]) in (('"', '"'), ("'", "'"), ("“", "”")):
        text = text[1:-1].strip()
    return text


class Commit:
    """The `/pulse commit` subcommand."""

    def __init__(self, deps: Deps) -> None:
        self.deps = deps

    async def __call__(self, tx: UnitOfWork, person: Person, args: str) -> list[Message]:
        say = self.deps.reply
        if "chair" not in roles(person):
            return [say(person, "loop.chairs_only")]
        round_word, _, rest = args.strip().partition(" ")
        rest = rest.strip()
        if not round_word or not rest:
            return [say(person, "loop.commit_usage")]
        rnd = await closed_round(self.deps, tx, person, round_word)
        if isinstance(rnd, Message):
            return [rnd]
        await tx.rounds.lock(rnd.id)  # one numbering at a time
        existing = await tx.commitments.for_round(rnd.id)
        words = split_args(rest)
        if len(words) > 2 and (words[1].lower(), words[2].lower()) in TWO_WORDS:
            words = [words[0], TWO_WORDS[(words[1].lower(), words[2].lower())], *words[3:]]
        first = words[0] if words else ""
        if first.lower() in CARRY and len(words) in (2, 3) and words[-1].isascii() \
                and words[-1].isdigit():
            return [await self._carry(tx, person, rnd, existing, words[1:])]
        if first.lower() in CARRY and (len(words) == 1 or len(words) <= 3
                                       and _NUMBERISH.fullmatch(words[-1])):
            # "carry ٢", "carry ²", "carry EARLIER -1": a carry mistyped, not a commitment
            # to show everyone asked (and to ask the next round about)
            return [say(person, "loop.commit_usage")]
        if first.isascii() and first.isdigit() and (
                len(words) <= 2 or words[1].lower() in STATUS_WORDS
                or difflib.get_close_matches(words[1].lower(), STATUS_WORDS, 1, 0.8)
                or int(first) in {c.number for c in existing}):
            # "N status", or "N" and one word ("1 maybe", "2 strated"): an update, never a
            # commitment that reads "1 maybe"
            return [await self._update(tx, person, rnd.id, existing, words)]
        text = clean_text(rest)
        if not text:
            return [say(person, "loop.commit_usage")]
        if len(text) > MAX_TEXT:
            return [say(person, "loop.too_long", length=len(text), limit=MAX_TEXT)]
        if any(c.text.casefold() == text.casefold() for c in existing):
            return [say(person, "loop.duplicate", round=rnd.id)]
        c = await tx.commitments.add(rnd.id, text, person.id, self.deps.org_today())
        shared = await tx.sharebacks.get(rnd.id) is not None
        return [say(person, "loop.committed", number=c.number, round=rnd.id, text=c.text,
                    shared=int(shared))]

    async def _update(self, tx: UnitOfWork, person: Person, round_id: str,
                      existing: list[Commitment], words: list[str]) -> Message:
        say = self.deps.reply
        number = int(words[0]) if len(words[0]) < 6 else 0
        found = next((c for c in existing if c.number == number), None)
        if found is None:
            return say(person, "loop.no_commitment", round=round_id, number=words[0][:6],
                       count=len(existing))
        if len(words) < 2 or words[1].lower() not in STATUS_WORDS:
            return say(person, "loop.bad_status", word=(words[1] if len(words) > 1 else "")[:20],
                       number=found.number, round=round_id)
        status = STATUS_WORDS[words[1].lower()]
        assert status in STATUSES
        note = clean_text(" ".join(words[2:]))
        if len(note) > MAX_NOTE:
            return say(person, "loop.too_long", length=len(note), limit=MAX_NOTE)
        if status == found.status and note == found.note:
            return say(person, "loop.unchanged", number=found.number, round=round_id,
                       status=self.deps.text(person, f"loop.status.{status}"))
        found.status, found.note = status, note
        found.updated_on = self.deps.org_today()
        shared = await tx.sharebacks.get(round_id) is not None
        return say(person, "loop.updated", number=found.number, round=round_id,
                   status=self.deps.text(person, f"loop.status.{status}"), shared=int(shared))

    async def _carry(self, tx: UnitOfWork, person: Person, rnd: Round,
                     existing: list[Commitment], words: list[str]) -> Message:
        """Commitment N of the earlier round (named, or the one `rnd` asked about, or the
        series' closed round before it) recorded again for `rnd`, word for word, with its
        status: still planned or started (a done or dropped one is not carried)."""
        say = self.deps.reply
        if len(words) == 2:
            earlier = await closed_round(self.deps, tx, person, words[0])
            if isinstance(earlier, Message):
                return earlier
        else:
            found = await _earlier(tx, rnd)
            if found is None:
                return say(person, "loop.carry_none", round=rnd.id)
            earlier = found
        if earlier.id == rnd.id:
            return say(person, "loop.carry_same", round=rnd.id)
        if earlier.opened_at is not None and rnd.opened_at is not None \
                and earlier.opened_at > rnd.opened_at:  # commitments go forward, not back
            return say(person, "loop.carry_later", round=rnd.id, earlier=earlier.id)
        number = int(words[-1]) if len(words[-1]) < 6 else 0
        theirs = await tx.commitments.for_round(earlier.id)
        old = next((c for c in theirs if c.number == number), None)
        if old is None:
            return say(person, "loop.no_commitment", round=earlier.id, number=words[-1][:6],
                       count=len(theirs))
        if old.status in ("done", "dropped"):
            return say(person, "loop.carry_ended", round=earlier.id, number=old.number,
                       status=self.deps.text(person, f"loop.status.{old.status}"), to=rnd.id)
        if any(c.text.casefold() == old.text.casefold() for c in existing):
            return say(person, "loop.duplicate", round=rnd.id)
        c = await tx.commitments.add(rnd.id, old.text, person.id, self.deps.org_today())
        c.status = old.status
        shared = await tx.sharebacks.get(rnd.id) is not None
        # the change since is shown only where `rnd` itself asked about the earlier round's
        # commitment (loop.progress.carried_over): promise it only then
        asked = await asked_here(tx, rnd)
        compared = asked is not None and asked[0] == earlier.id
        return say(person, "loop.carried", number=c.number, round=rnd.id, text=c.text,
                   earlier=earlier.id, was=old.number, shared=int(shared),
                   compared=int(compared),
                   status=self.deps.text(person, f"loop.status.{c.status}"))


async def _earlier(tx: UnitOfWork, rnd: Round) -> Round | None:
    """The round whose commitments `rnd` asked about; else the closed round of the same series
    opened last before `rnd`."""
    asked = await asked_here(tx, rnd)
    if asked is not None:
        return await tx.rounds.get(asked[0])
    before = [r for r in await tx.rounds.all()
              if r.id != rnd.id and r.series == rnd.series and r.status == "closed"
              and r.opened_at is not None and rnd.opened_at is not None
              and r.opened_at < rnd.opened_at]
    return max(before, key=lambda r: r.opened_at or NEVER, default=None)
