"""A realistic listening-tour round, generated deterministically: what staff of a county library
system might answer to its SWOT questions, ratings (with an optional "why") and the priority
choice, with branch / classification / employment shared by most people.

Used by the behaviour tests (tests/test_results.py) and the benches (bench/results_speed.py).
Answers are stored directly through the unit of work (as released submissions, batch 1) and
participation is recorded, so a round of thousands of submissions loads in seconds."""

from __future__ import annotations

import random
import uuid
from collections.abc import Sequence
from datetime import date

from conversations.ports import UnitOfWork

BRANCHES = ["Central", "Eastside", "Westside", "Northgate", "Riverside", "Hillcrest"]
CLASSES = ["Library Assistant", "Librarian", "Page", "Clerk", "Manager"]

# question id -> {topic: phrases}; a comment is an opener + phrase + qualifier
COMMENTS: dict[str, dict[str, list[str]]] = {
    "strengths": {
        "multilingual": [
            "our story times in Spanish and Vietnamese bring in families who never came before",
            "bilingual staff at the desk make patrons feel welcome",
            "the multilingual programs for new immigrants are really strong",
            "we translate flyers and signs into the languages our community speaks",
        ],
        "partners": [
            "our partnerships with community groups and tribal partners are growing",
            "outreach to schools and community organisations reaches people we missed",
            "the community partners we work with trust us more every year",
            "joint programs with local nonprofits bring in new patrons",
        ],
        "leadership": [
            "leadership talks openly about racial equity now",
            "the director made equity part of the strategic plan",
            "managers support staff who raise concerns about bias",
            "our supervisors back us up when patrons are racist",
        ],
    },
    "barriers": {
        "staffing": [
            "we are short staffed at the desk so nobody has time for this work",
            "there is no coverage when someone goes to training",
            "staffing is too thin to step away from the desk",
            "workload keeps growing and equity work comes last",
        ],
        "training": [
            "training is only offered during shifts we cannot leave",
            "part-time staff are not paid for training time",
            "equity training feels like a one-time box to check",
            "there is no follow-up after the bias training",
        ],
        "policy": [
            "the behaviour policy is enforced unevenly depending on who the patron is",
            "hiring and promotion policies keep the same people in leadership",
            "our policies on ID and fines hit low-income patrons hardest",
            "nobody explains how policies are decided",
        ],
    },
    "opportunities": {
        "paid-time": [
            "give everyone paid time for equity training, part-time staff included",
            "schedule training during paid hours with desk coverage",
            "protect an hour a month of paid time for learning",
            "pay part-time staff to attend the equity workshops",
        ],
        "hiring": [
            "recruit and promote more staff of color into leadership",
            "make hiring panels diverse and the criteria public",
            "create a paid internship pipeline from our own community",
            "mentor front-line staff into librarian roles",
        ],
        "language": [
            "offer language access at every branch, not just Central",
            "hire more bilingual staff and pay the language differential",
            "translate the website and the catalog into Spanish",
            "provide interpretation for programs and meetings",
        ],
    },
    "worries": {
        "nothing-changes": [
            "I worry this survey will be filed away and nothing will change",
            "we have done listening sessions before and nothing changed",
            "leadership will announce a plan and then forget it",
            "the committee has no budget to act on any of this",
        ],
        "retaliation": [
            "people are afraid of retaliation if they speak up",
            "staff who raise concerns get labelled as difficult",
            "I am afraid my manager will know what I said",
            "speaking up about racism has cost people their promotions",
        ],
        "burnout": [
            "staff of color are asked to do all the equity work on top of their jobs",
            "the same few people carry this work and they are burning out",
            "equity work is unpaid extra labour for the people most affected",
            "we will burn out the volunteers on the committee",
        ],
    },
    "training-time.why": {
        "coverage": [
            "there is nobody to cover the desk when I go",
            "my shifts are always at the desk with no coverage",
            "we are too short staffed to leave",
        ],
        "pay": [
            "part-time hours do not include training",
            "training happens on my day off and is not paid",
            "I am not paid for the time the workshops take",
        ],
    },
    "safe-to-raise.why": {
        "trust": [
            "my manager listens and acts when I raise something",
            "our supervisor takes bias reports seriously",
            "I trust my branch manager with concerns",
        ],
        "fear": [
            "people who complain are seen as troublemakers",
            "I have seen retaliation after a complaint",
            "reports go to the same people the complaint is about",
        ],
    },
}
OPENERS = ["", "Honestly, ", "I think ", "In my branch ", "From the desk: ", "Frankly, ",
           "For me, ", "Overall "]
CLOSERS = ["", ".", ". It matters.", ". Thanks for asking.", " most weeks.", " at my branch.",
           ". Please act on this."]
CHOICES = ["training", "hiring", "services", "policies", "culture"]
CHOICE_WEIGHTS = [38, 22, 10, 12, 18]
OPEN_RATE = {"strengths": 0.85, "barriers": 0.9, "opportunities": 0.8, "worries": 0.7,
             "training-time.why": 0.35, "safe-to-raise.why": 0.3}


def _comment(rng: random.Random, question: str) -> str:
    topics = COMMENTS[question]
    phrase = rng.choice(topics[rng.choice(list(topics))])
    text = rng.choice(OPENERS) + phrase + rng.choice(CLOSERS)
    return text[0].upper() + text[1:]


def submissions(n: int, seed: int = 11
                ) -> list[tuple[dict[str, str], list[tuple[str, str, str | None]]]]:
    """n submissions: (segments shared, answers as (question id, value, text))."""
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        segments: dict[str, str] = {}
        if rng.random() < 0.85:  # most people share their segments
            segments = {"branch": rng.choice(BRANCHES), "classification": rng.choice(CLASSES),
                        "employment": "FT" if rng.random() < 0.65 else "PT"}
        answers: list[tuple[str, str, str | None]] = []
        for q in ("strengths", "barriers", "opportunities", "worries"):
            if rng.random() < OPEN_RATE[q]:
                answers.append((q, "", _comment(rng, q)))
        mood = rng.gauss(0, 1)
        for q, bias in (("training-time", -0.6), ("safe-to-raise", 0.2), ("will-act", -0.2)):
            score = max(1, min(5, round(3 + bias + mood + rng.gauss(0, 1))))
            answers.append((q, str(score), None))
            why = f"{q}.why"
            if why in OPEN_RATE and rng.random() < OPEN_RATE[why]:
                answers.append((why, "", _comment(rng, why)))
        answers.append(("first-priority", rng.choices(CHOICES, CHOICE_WEIGHTS)[0], None))
        out.append((segments, answers))
    return out


async def store(tx: UnitOfWork, round_id: str, occurrence: str, person_ids: Sequence[int],
                subs: Sequence[tuple[dict[str, str], list[tuple[str, str, str | None]]]],
                today: date, batch: int = 1) -> None:
    """Store submissions as released answers (one random submission id each, no person) and
    record everyone in `person_ids` as invited and len(subs) finishes on the round."""
    for segments, answers in subs:
        await tx.responses.add(round_id, occurrence, answers, segments, "2026-W48",
                               submission=str(uuid.uuid4()), batch=batch)
    for pid in person_ids:
        await tx.participation.ensure(round_id, occurrence, pid, today)
    rnd = await tx.rounds.get(round_id)
    assert rnd is not None
    rnd.counted += len(subs)  # who finished is never stored: the round counts them
