"""Bad and unusual input in chat: clear replies, nothing stored wrongly, the flow continues
(the real core on the in-memory storage)."""

from __future__ import annotations

from datetime import timedelta

from bot.clock import FakeClock
from tests.support import Console, FakeOutward


def _count(app: FakeOutward, table: str) -> int:
    return len(app.db.table(table))


async def _start_as_dana(console: Console) -> str:
    await console.say("/pulse start listening-tour")
    return await console.say(":as dana", "1", "1")  # Start, share segments


async def test_rating_out_of_range_empty_and_too_long_answers(app: FakeOutward, console: Console
                                                              ) -> None:
    out = await _start_as_dana(console)
    assert "Question 1 of 8" in out
    out = await console.say("x" * 4001)
    assert "4,001 characters" in out and "limit is 4,000" in out
    out = await console.say("   ")  # blank lines are ignored by the console
    assert out == ""
    out = await console.say("ok", "ok", "ok", "ok")  # four open answers
    assert "Question 5 of 8" in out
    out = await console.say("7")
    assert "number from 1 to 5" in out
    out = await console.say("0")
    assert "number from 1 to 5" in out
    out = await console.say("three")
    assert "number from 1 to 5" in out
    out = await console.say("3")
    assert "Why did you choose that?" in out
    assert _count(app, "responses") == 0, "nothing is stored before the end"


async def test_the_core_rejects_an_empty_open_answer(app: FakeOutward, console: Console) -> None:
    from adapters.console.adapter import address_for as console_address
    from conversations.events import FormSubmitted

    await _start_as_dana(console)
    key = console.adapter.pending["dana"].key
    replies = await app.router(FormSubmitted(console_address("dana"), "pulse:text",
                                             {"answer": "  "}, key))
    assert "empty" in replies[0].text
    replies = await app.router(FormSubmitted(console_address("dana"), "pulse:text",
                                             {"answer": "Good"}, key))
    assert "Question 2 of 8" in replies[-1].text


async def test_skip_back_stop_and_resume(app: FakeOutward, console: Console) -> None:
    await _start_as_dana(console)
    out = await console.say("skip", "skip")
    assert "Question 3 of 8" in out
    out = await console.say("back")
    assert "Question 2 of 8" in out
    out = await console.say("Staffing", "stop")
    assert "Paused" in out
    out = await console.say("hello")
    assert "continue" in out.lower()
    out = await console.say("/pulse")
    assert "Welcome back" in out and "Question 3 of 8" in out
    out = await console.say("back")
    assert "Question 2 of 8" in out
    assert "already wrote something" in out


async def test_old_buttons_cannot_answer_twice(app: FakeOutward, console: Console) -> None:
    from adapters.console.adapter import address_for as console_address
    from conversations.events import ButtonPressed

    await _start_as_dana(console)
    await console.say("a", "b", "c", "d")
    q5 = console.adapter.pending["dana"].key
    await console.say("4")  # rating for question 5 -> now on its "why"
    replies = await app.router(
        ButtonPressed(console_address("dana"), "pulse:answer", "training-time=1", q5))
    assert "isn't the current one" in replies[0].text
    out = await console.say("skip", "skip", "skip", "skip")
    assert "Thank you" in out
    replies = await app.router(
        ButtonPressed(console_address("dana"), "pulse:answer", "will-act=5", q5))
    assert "isn't in progress" in replies[0].text
    await console.say(":as amara", "/pulse close listening-tour")  # releases what is held
    values = [r.value for r in app.db.responses.values() if r.question_id == "training-time"]
    assert values == ["4"]


async def test_person_not_on_roster_is_told_how_to_get_added(console: Console) -> None:
    out = await console.say(":as stranger", "hello")
    assert "not on the roster" in out
    assert "roster import" in out


async def test_unknown_commands_and_refusals(console: Console) -> None:
    out = await console.say("/frobnicate now")
    assert 'don\'t know the command "frobnicate"' in out and "/pulse" in out
    out = await console.say("/pulse start")
    assert "Which round?" in out
    out = await console.say("/pulse start nope")
    assert "no round or question set called nope" in out and "listening-tour" in out
    out = await console.say("/pulse start ../../etc")
    assert "is not a round id" in out
    out = await console.say(":as dana", "/pulse start listening-tour")
    assert "Only Outward admins" in out
    out = await console.say("/pulse status")
    assert "Only committee chairs and admins" in out
    out = await console.say("/themes")
    assert "for committee chairs" in out
    out = await console.say("/pulse")
    assert "no survey open" in out


async def test_closing_a_round_deletes_unfinished_drafts(app: FakeOutward, console: Console,
                                                         clock: FakeClock) -> None:
    await _start_as_dana(console)
    await console.say("A draft answer")
    assert _count(app, "states") == 1
    out = await console.say(":as amara", "/pulse close listening-tour")
    assert "is closed" in out and "1 unfinished draft" in out
    assert _count(app, "states") == 0
    assert _count(app, "responses") == 0
    await console.say(":as dana")
    out = await console.say("more text")
    assert "Question" not in out


async def test_answers_after_the_window_are_refused_and_the_draft_deleted(
    app: FakeOutward, console: Console, clock: FakeClock
) -> None:
    await _start_as_dana(console)
    await console.say("First answer")
    clock.advance(timedelta(days=11))
    out = await console.say("Second answer")
    assert "closed on December 3, 2026" in out
    assert _count(app, "states") == 0
    assert _count(app, "responses") == 0


async def test_reminders_reach_only_people_who_have_not_finished(
    app: FakeOutward, console: Console, clock: FakeClock
) -> None:
    await console.say("/pulse start listening-tour")
    await console.say(":as dana", "1", "1", *["skip"] * 8)
    out = await console.say(":clock +3d")  # Friday 09:00 in Los Angeles: first reminder day
    assert "(to dana)" not in out
    assert "(to jordan) A reminder" in out
    async with app.deps.uow() as tx:
        rows = await tx.outbox.rows()
    reminders = {r.person_id: r.status for r in rows if r.kind == "pulse.reminder"}
    # her row is planned and settled like everyone's (the outbox must not say who finished)
    assert reminders[3] == reminders[2] == "sent"
    out = await console.say(":clock +1h")
    assert "A reminder" not in out, "the same reminder is never sent twice"


async def test_bidirectional_overrides_are_never_stored_or_posted(
    app: FakeOutward, console: Console
) -> None:
    from adapters.console.adapter import address_for as console_address
    from conversations.events import TextReceived
    from conversations.messages import Message

    await _start_as_dana(console)
    sneaky = "The desk \u202eevah ew\u202c needs \u2066cover\u2069"
    replies = await app.router(TextReceived(console_address("dana"), sneaky))
    assert all("\u202e" not in m.text for m in replies)
    [state] = app.db.states.values()
    from conversations.pulse.draft import Draft

    draft = Draft.opened(app.deps.keyed, state.person_id, state.data).to_data()  # (sealed)
    assert "evah ew" in str(draft)
    assert not any(ch in str(draft) for ch in "\u202a\u202b\u202c\u202d\u202e\u2066\u2069")
    # a quote already stored with an override (from before this rule) is posted without it
    m = Message("*Theme* \u202etxet", quotes=("a \u2067quote\u2069",), chart=(("\u202ex", 1.0),))
    assert m.text == "*Theme* txet" and m.quotes == ("a quote",) and m.chart == (("x", 1.0),)
