"""When a pair's liaison is told, privately: someone asked for contact, the pair has not met at
the latest two check-ins, or someone rated their last two meetings 1-2. The rules are pure
functions; `escalate` queues the notices (one per reason and occurrence)."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from conversations.context import Deps
from conversations.ports import UnitOfWork
from storage.mentorship_models import MentorCheckin, MentorPair


@dataclass(frozen=True)
class Answer:
    """One side's check-in answer as the escalation rules see it."""

    occurrence: str
    person_id: int
    met: bool | None
    usefulness: int | None = None
    help: str = ""


def answer_of(c: MentorCheckin) -> Answer:
    return Answer(c.occurrence, c.person_id, c.met, c.usefulness, c.help)


def pair_met(answers: Iterable[Answer]) -> dict[str, bool]:
    """Per occurrence: True if either side met, False if someone said no and nobody yes."""
    out: dict[str, bool] = {}
    for a in answers:
        if a.met is None:
            continue
        out[a.occurrence] = out.get(a.occurrence, False) or a.met
    return out


def escalation_reasons(answers: Sequence[Answer], latest: Answer, paused: bool = False
                       ) -> list[str]:
    """Why the pair's liaison should hear about `latest` (already included in `answers`):
    "asked" (the person asked for contact), "not_met" (no meeting reported at the latest two
    check-ins), "low" (this person's last two usefulness scores were 1-2). A paused pair is
    never flagged for not meeting or low scores."""
    reasons: list[str] = []
    if latest.help == "contact":
        reasons.append("asked")
    if paused:
        return reasons
    met = pair_met(answers)
    occs = sorted(met)
    if (latest.met is False and len(occs) >= 2 and occs[-1] == latest.occurrence
            and not met[occs[-1]] and not met[occs[-2]]):
        reasons.append("not_met")
    scores = [a.usefulness for a in sorted(answers, key=lambda a: a.occurrence)
              if a.person_id == latest.person_id and a.usefulness is not None]
    if latest.usefulness is not None and len(scores) >= 2 and all(s <= 2 for s in scores[-2:]):
        reasons.append("low")
    return reasons


def _plain(text: str) -> str:
    """Lower case, accents and punctuation removed, spaces collapsed."""
    folded = unicodedata.normalize("NFKD", text.casefold())
    kept = "".join(ch if ch.isalnum() or ch.isspace() else " " for ch in folded
                   if not unicodedata.combining(ch))
    return " ".join(kept.split())


_DECLINE_WORDS = frozenset({"no", "nope", "none", "nothing", "nada", "fine", "good", "ok",
                            "okay", "thanks", "thank", "you", "all", "gracias", "todo", "bien",
                            "skip", "omitir", "for", "now", "estoy", "estamos", "im", "i",
                            "am", "were", "we", "are", "its", "it", "is", "need", "not",
                            "right", "thx", "ty", "nah", "muchas", "por", "ahora"})


def help_choice(text: str, labels: Mapping[str, Sequence[str]]) -> str | None:
    """What text typed at "Anything your liaison can help with?" means: "none" (a button's
    label or number, or a short decline such as "no thanks" / "todo bien"), "contact" (the
    contact button's label or number), or None for free text, which is a note for the liaison.
    Only free text that asks for something may alert a liaison."""
    plain = _plain(text)
    if plain in ("1",) or plain in {_plain(x) for x in labels.get("none", ())}:
        return "none"
    if plain in ("2",) or plain in {_plain(x) for x in labels.get("contact", ())}:
        return "contact"
    words = plain.split()
    if not words or (len(words) <= 6 and all(w in _DECLINE_WORDS for w in words)):
        return "none"
    return None


async def paused_pair(tx: UnitOfWork, pair: MentorPair) -> bool:
    """Either side of the pair has paused their check-ins."""
    members = {x.person_id: x for x in await tx.mentorship.members(pair.cohort_id)}
    return any(members[i].paused for i in (pair.mentee_id, pair.mentor_id) if i in members)


async def escalate(deps: Deps, tx: UnitOfWork, pair: MentorPair, c: MentorCheckin) -> list[str]:
    """Queue the liaison's notices that check-in `c` calls for; returns the reasons."""
    if pair.liaison_id is None:
        return []
    answers = [answer_of(x) for x in await tx.mentorship.checkins([pair.id]) if x.met is not None]
    reasons = escalation_reasons(answers, answer_of(c), await paused_pair(tx, pair))
    now = deps.clock.now()
    for reason in reasons:
        who = "" if reason == "not_met" else f":{c.person_id}"
        await tx.outbox.enqueue_once(
            f"mentor:esc:{pair.id}:{reason}:{c.occurrence}{who}", pair.liaison_id,
            "mentor.escalation",
            {"pair": pair.id, "reason": reason, "checkin": c.id, "person": c.person_id},
            now)
    return reasons
