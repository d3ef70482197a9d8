"""Finishing a survey. In one transaction: the answers are held with no person
(`held_submissions`) and only with segments at least k invited people share
(conversations.results.segments), a keyed-hash mark records that this person finished
(conversations.keyed), and the draft is deleted. Nothing naming the person is written then:
their participation row is marked complete only when the round closes, with everyone else's,
and the held answers join the results in batches of at least k
(conversations.results.release)."""

from __future__ import annotations

from datetime import date

from conversations.context import Deps
from conversations.keyed import done_mark, seal_held
from conversations.messages import Message, localized
from conversations.ports import UnitOfWork
from conversations.pulse.draft import CONSENT_STEP, Draft
from conversations.pulse.invitations import Invitations
from conversations.pulse.render import capital, segment_words
from conversations.results.segments import Combo, stored_segments
from conversations.schedule import iso_week
from storage.models import Person


async def submit(deps: Deps, tx: UnitOfWork, person: Person, draft: Draft) -> list[Message]:
    """Hold the answers anonymously, mark (keyed) that this person finished, delete the
    draft, give a receipt."""
    loc = person.locale
    rnd = await tx.rounds.get(draft.round_id)
    if rnd is None or await Invitations(deps).expired(tx, person, draft):
        await tx.states.clear(person.id)
        return [Message(deps.text(person, "pulse.expired", until=draft.until))]
    answers = [(key, a.value, a.text) for key, a in draft.answers.items() if key != CONSENT_STEP]
    own = (person.branch or "", person.classification or "", person.employment or "")
    # only a combination at least k invited people share (conversations.results.segments)
    segments = stored_segments(await tx.participation.segment_counts(rnd.id),
                               rnd.k_responses, own) if draft.share and any(own) else {}
    occ = draft.occurrence
    week = iso_week(date.fromisoformat(occ))
    # exactly once, even if the last answer arrives twice at the same moment
    part = await tx.participation.get(rnd.id, occ, person.id)
    if (part is None or part.completed
            or not await tx.marks.add_once(done_mark(deps.keyed, rnd.id, occ, person.id),
                                           rnd.id, "done")):
        await tx.states.clear(person.id)
        return [Message(deps.text(person, "pulse.already_done"))]
    if answers:  # held with no person; released to responses in batches (see release)
        await tx.responses.hold(rnd.id, occ, [], {}, week,
                                sealed=seal_held(deps.keyed, rnd.id, answers, segments))
    await tx.states.clear(person.id)
    receipt = deps.text(
        person,
        "pulse.receipt",
        count=len(answers),
        owner=capital(localized(rnd.owner, loc)),
        k=deps.policy.k_responses,
        k_comments=deps.policy.k_comments,
        shared=_shared(deps, person, bool(draft.share and any(own)), segments, own,
                       rnd.k_responses),
    )
    return [Message(receipt)]


def _shared(deps: Deps, person: Person, asked: bool, segments: dict[str, str], own: Combo,
            k: int) -> str:
    """The receipt's line about segments: left out by choice, all kept, or some or all left
    out because too few people asked share them."""
    if not asked:
        return deps.text(person, "pulse.receipt.notshared")
    if not segments:
        return deps.text(person, "pulse.receipt.too_few", k=k)
    if len(segments) == sum(1 for v in own if v):
        return deps.text(person, "pulse.receipt.shared")
    kept = segment_words(deps.catalog, person.locale, segments.get("branch", ""),
                         segments.get("classification", ""), segments.get("employment", ""))
    return deps.text(person, "pulse.receipt.partly", kept=", ".join(kept), k=k)
