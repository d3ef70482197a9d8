"""The survey in progress as a value: pure transitions, no storage, no clock."""

from __future__ import annotations

from datetime import date

import pytest

from conversations.pulse.draft import CONSENT_STEP, Answer, Draft, steps_of
from conversations.questions import Choice, Question

QUESTIONS = [
    Question("strengths", "open", {"en": "Strengths?"}),
    Question("training", "rating", {"en": "Paid time?"}, follow_up={"en": "Why?"}),
    Question("priority", "choice", {"en": "First?"},
             choices=(Choice("hiring", {"en": "Hiring"}), Choice("training", {"en": "Training"}))),
]
STEPS = steps_of(QUESTIONS)


def draft() -> Draft:
    return Draft.start("listening-tour", "2026-11-24", date(2026, 12, 3))


def test_steps_are_consent_then_each_question_with_its_why() -> None:
    assert [(s.key, s.number) for s in STEPS] == [
        (CONSENT_STEP, 0), ("strengths", 1), ("training", 2), ("training.why", 2),
        ("priority", 3)]
    assert [s.why for s in STEPS] == [False, False, False, True, False]


def test_answering_moves_on_and_a_why_follows_only_an_answered_question() -> None:
    d = draft().consent(True).advance(STEPS)
    assert d.current(STEPS).key == "strengths" and d.share is True
    d = d.answer(d.current(STEPS), Answer(text="Story times")).advance(STEPS)
    assert d.current(STEPS).key == "training"
    asked = d.answer(d.current(STEPS), Answer(value="2")).advance(STEPS)
    assert asked.current(STEPS).key == "training.why"
    skipped = d.skip(STEPS)
    assert skipped.current(STEPS).key == "priority", "no why for a skipped question"
    assert "training" not in skipped.answers
    done = skipped.answer(skipped.current(STEPS), Answer(value="hiring")).advance(STEPS)
    assert done.finished(STEPS)
    assert dict(done.answers) == {"strengths": Answer(text="Story times"),
                                  "priority": Answer(value="hiring")}


def test_back_skips_the_why_of_an_unanswered_question_and_stops_at_the_start() -> None:
    at_start = draft()
    assert at_start.back(STEPS) == at_start
    d = draft().consent(False).advance(STEPS)
    d = d.answer(d.current(STEPS), Answer(text="x")).advance(STEPS)  # -> training
    d = d.skip(STEPS)  # -> priority
    assert d.back(STEPS).current(STEPS).key == "training"
    answered = Draft("r", "o", "2026-12-03", pos=4, answers={"training": Answer(value="3")})
    assert answered.back(STEPS).current(STEPS).key == "training.why"


def test_skipping_a_question_drops_its_why_and_skipping_consent_shares_nothing() -> None:
    d = Draft("r", "o", "2026-12-03", pos=2, share=True,
              answers={"training": Answer(value="4"), "training.why": Answer(text="time")})
    assert dict(d.skip(STEPS).answers) == {}
    assert draft().skip(STEPS).share is False
    why = Draft("r", "o", "2026-12-03", pos=3,
                answers={"training": Answer(value="4"), "training.why": Answer(text="t")})
    assert dict(why.skip(STEPS).answers) == {"training": Answer(value="4")}


def test_stop_and_resume() -> None:
    stopped = draft().stop()
    assert stopped.paused and not stopped.resume().paused and not draft().paused


def test_a_draft_is_immutable() -> None:
    d = draft()
    with pytest.raises(TypeError):
        d.answers["x"] = Answer(value="1")  # type: ignore[index]
    with pytest.raises(AttributeError):
        d.pos = 3  # type: ignore[misc]
    d.answer(STEPS[1], Answer(text="x"))
    assert dict(d.answers) == {}


def test_stored_drafts_round_trip_and_old_ones_still_load() -> None:
    d = Draft("r", "2026-11-24", "2026-12-03", pos=3, share=True,
              answers={"strengths": Answer(text="Story times"), "training": Answer(value="2")})
    assert Draft.from_data(d.to_data()) == d
    assert d.to_data()["answers"] == {"strengths": {"t": "Story times"},
                                      "training": {"v": "2"}}
    # as stored before drafts were typed: no "paused", share not yet asked
    old = {"round": "listening-tour", "occurrence": "2026-11-24", "until": "2026-12-03",
           "pos": 1, "answers": {"strengths": {"t": "Our desk"}}, "share": None}
    loaded = Draft.from_data(old)
    assert loaded.current(STEPS).key == "strengths" and loaded.share is None
    assert loaded.answers["strengths"] == Answer(text="Our desk") and not loaded.paused
    assert loaded.message_key("strengths") == "pulse:listening-tour:2026-11-24:strengths"


def test_questions_keep_their_stored_definition() -> None:
    for q in QUESTIONS:
        assert Question.from_definition(q.definition()) == q
    assert QUESTIONS[2].choice_label("hiring", "es") == "Hiring"
    assert QUESTIONS[2].choice_label("unknown", "en") == "unknown"


def test_a_stored_draft_is_sealed_for_its_person_and_still_reads_old_drafts() -> None:
    from conversations.keyed import KeyedHash

    keyed = KeyedHash(b"k" * 32)
    d = draft().consent(True).advance(STEPS).answer(STEPS[1], Answer(text="The rota")) \
        .advance(STEPS)
    stored = d.sealed(keyed, 7)
    assert "The rota" not in str(stored) and "answers" not in stored and "share" not in stored
    assert {k: stored[k] for k in ("round", "occurrence", "until", "paused")} == {
        "round": "listening-tour", "occurrence": "2026-11-24", "until": "2026-12-03",
        "paused": False}  # what the clock needs to find drafts
    assert Draft.opened(keyed, 7, stored) == d
    # another person's key (or another secret) opens nothing: that draft starts over
    assert Draft.opened(keyed, 8, stored) == draft()
    assert Draft.opened(KeyedHash(b"x" * 32), 7, stored) == draft()
    # a draft stored before drafts were sealed
    assert Draft.opened(keyed, 7, d.to_data()) == d


def test_sealed_text_does_not_tell_how_much_was_written() -> None:
    """A sealed draft or held submission is padded to SEAL_BLOCK bytes: its length no longer
    says how much a person wrote (which, for a held submission seen appearing as someone
    finished, would pick theirs out of the released batch by the length of its answers)."""
    from conversations.keyed import SEAL_BLOCK, KeyedHash, open_held, seal_held

    keyed = KeyedHash(b"k" * 32)
    short = seal_held(keyed, "r", [("q1", "4", None)], {})
    longer = seal_held(keyed, "r", [("q1", "", "A much longer comment " * 40)], {"branch": "A"})
    very = seal_held(keyed, "r", [("q1", "", "x" * (SEAL_BLOCK + 10))], {})
    assert len(short) == len(longer) < len(very)
    assert open_held(keyed, "r", {"sealed": longer}, {}) == (
        [["q1", "", "A much longer comment " * 40]], {"branch": "A"})
    assert open_held(KeyedHash(b"other" * 8), "r", {"sealed": short}, {}) is None
    assert open_held(keyed, "other-round", {"sealed": short}, {}) is None
    # held before sealing began: read as stored
    assert open_held(keyed, "r", [["q1", "4", None]], {"branch": "A"}) == (
        [["q1", "4", None]], {"branch": "A"})
