"""Admin opt-ins and console controls a user can type, including wrong ones."""

from __future__ import annotations

from bot.clock import FakeClock
from tests.support import Console, FakeOutward


async def test_early_results_are_an_admin_opt_in(console: Console) -> None:
    await console.say("/pulse start listening-tour")
    out = await console.say(":as jordan", "/themes listening-tour")
    assert "still open" in out
    out = await console.say("/pulse early-results listening-tour on")
    assert "Only Outward admins" in out
    out = await console.say(":as amara", "/pulse early-results listening-tour maybe")
    assert "Usage: /pulse early-results ROUND on|off" in out
    out = await console.say("/pulse early-results nope on")
    assert "There is no round called nope" in out
    out = await console.say("/pulse early-results listening-tour on")
    assert "while it is open" in out
    out = await console.say(":as jordan", "/themes listening-tour")
    assert "still open" not in out and "too few people" in out  # thresholds still apply
    # the whole round, open: not "the group listening-tour", and more answers may come
    assert "the group" not in out and "once enough people have answered" in out
    await console.say(":as amara", "/pulse close listening-tour")
    out = await console.say(":as jordan", "/themes listening-tour")
    assert "the group" not in out and "once enough" not in out
    assert "The round is closed, so its results will not be shown" in out


async def test_a_question_set_not_started_yet_is_named_as_such(console: Console) -> None:
    """Pausing, closing or sharing listening-tour before anyone started it said "There is no
    round called listening-tour" while /pulse status lists it as ready to start."""
    for command in ("/pulse pause listening-tour", "/pulse close listening-tour",
                    "/pulse status listening-tour"):
        out = await console.say(":as amara", command)
        assert "listening-tour has not been started yet" in out, command
        assert "/pulse start listening-tour" in out and "no round called" not in out
    out = await console.say(":as jordan", "/pulse share listening-tour")
    assert "listening-tour has not been started yet" in out
    out = await console.say(":as luis", ":as amara", "/pulse resume nope")
    assert "There is no round called nope" in out
    out = await console.say(":as amara", "/pulse start listening-tour", "/pulse pause nope")
    assert "no round called nope" in out


async def test_a_second_survey_never_replaces_a_draft_in_progress(
    app: FakeOutward, console: Console
) -> None:
    await console.say("/pulse start listening-tour", "/pulse start listening-tour as second")
    from adapters.console.adapter import address_for as console_address
    from conversations.events import ButtonPressed

    dana, occ = console_address("dana"), "2026-11-24"
    await console.say(":as dana")
    await app.router(ButtonPressed(dana, "pulse:start", f"listening-tour|{occ}"))
    from conversations.events import TextReceived

    await app.router(TextReceived(dana, "yes"))  # share segments
    await app.router(TextReceived(dana, "A draft answer"))  # question 1
    replies = await app.router(ButtonPressed(dana, "pulse:start", f"second|{occ}"))
    assert "partway through another survey" in replies[0].text
    replies = await app.router(ButtonPressed(dana, "pulse:start", f"listening-tour|{occ}"))
    assert "Welcome back" in replies[0].text and "Question 2 of 8" in replies[1].text


async def test_console_controls_explain_themselves(console: Console, clock: FakeClock) -> None:
    out = await console.say(":help")
    assert ":as HANDLE" in out and ":clock +2d" in out and ":quit" in out
    assert "+1w" in out  # as the README's tour uses it
    before = clock.now()
    out = await console.say(":clock yesterday")
    assert "use :clock +2d" in out and clock.now() == before
    out = await console.say(":clock 2020-01-01T10:00")
    assert "time only moves forward" in out and clock.now() == before
    out = await console.say(":clock +3h")
    assert "12:00" in out  # 09:00 + 3h in Los Angeles, amara's zone
    out = await console.say(":clock 09:30")  # Tuesday 12:00 -> the next working day's 09:30
    assert "Wed 2026-11-25 09:30" in out
    clock.set(clock.now().replace(day=27, hour=20))  # Friday 12:00 in Los Angeles
    out = await console.say(":clock 09:30")
    assert "Mon 2026-11-30 09:30" in out
    assert await console.adapter.handle_line(":quit") is False


async def test_the_console_asks_for_a_typed_answer_in_the_readers_language(
        console: Console) -> None:
    await console.say("/pulse start listening-tour", ":clock 09:30")
    out = await console.say(":as luis", "1", "1")
    assert "Pregunta 1 de 8" in out and "✎ Su respuesta" in out
    assert "type your answer" not in out
    out = await console.say(":as dana", "1", "1")
    assert "Question 1 of 8" in out and "✎ Your answer" in out
