"""Closing the loop end to end, through the real console adapter on SQLite, with the clock
ticking through the process scheduler: an admin schedules the default round, it opens, people
answer, it closes by itself, a chair records two commitments and sends the share-back, people
who were asked receive it and read it again with /results, a status change is announced, and
the next round of the series asks about progress."""

from __future__ import annotations

from sqlalchemy import text

from bot.bootstrap import Outward
from bot.clock import FakeClock
from bot.console import ConsoleControls
from bot.scheduler import OutwardScheduler
from tests.support import Console

ANSWERS = ["Story times in three languages reach families", "Not enough staff time at the desk",
           "Paid time for training", "That nothing changes", "2", "We are always short staffed",
           "4", "skip", "3", "Hiring and promotion"]
ANSWERING = ["dana", "luis", "mei", "kwame", "rosa", "tom", "sam", "grace", "fatima", "noah",
             "amara"]  # 11 of the 14 people; jordan, will and aiyana do not answer


def scheduled_console(app: Outward, clock: FakeClock) -> Console:
    """The console as `python -m bot run` wires it: `:clock` ticks through the scheduler."""
    console = Console(app, clock)
    console.adapter.hooks = ConsoleControls(app, clock, OutwardScheduler(app, "run").tick)
    return console


async def test_rounds_run_themselves_and_the_loop_closes(sql_app: Outward,
                                                         clock: FakeClock) -> None:
    app, console = sql_app, scheduled_console(sql_app, clock)

    # an admin schedules the default round (Tuesday 09:00 in Los Angeles now)
    out = await console.say("/pulse schedule listening-tour start=2026-11-25T09:00 "
                            "close=2026-12-01")
    assert ("it opens November 25, 2026, 9:00 AM (your time) and accepts answers until "
            "December 1, 2026, then closes by itself") in out
    out = await console.say("/pulse status")
    assert ("listening-tour (Equity listening tour): scheduled, opens November 25, 2026, "
            "9:00 AM, answers until December 1, 2026") in out
    out = await console.say(":clock +1h")
    assert "(to dana)" not in out, "nothing goes out before the start"

    # it opens by itself; the chair asks for results while it is open
    out = await console.say(":as jordan", ":clock 2026-11-25T09:00")
    assert "(to dana) Hi Dana. Equity listening tour is open" in out
    assert "open until December 1, 2026" in out
    out = await console.say("/themes listening-tour")
    assert "still open" in out and "I'll message you when it closes" in out

    for handle in ANSWERING:
        out = await console.say(f":as {handle}", "1", "1", *ANSWERS)
        assert "Thank you, that's everything" in out or "Gracias" in out, handle

    # the day after its last day, in every time zone of the audience, it closes by itself
    out = await console.say(":as jordan", ":clock 2026-12-01T16:00")
    assert "closed on" not in out
    out = await console.say(":clock 2026-12-02T09:00")
    assert ("Equity listening tour (listening-tour) closed on December 2, 2026: 11 of 14 "
            "invited people finished") in out
    assert "/pulse commit listening-tour TEXT" in out
    out = await console.say("/pulse status listening-tour")
    assert "closed on December 2, 2026; 11 of 14 invited people finished (79%)" in out
    out = await console.say("/themes listening-tour")
    assert "Participation: 11 of 14 invited people finished" in out

    # two commitments, a preview, then the share-back to everyone who was asked
    out = await console.say("/pulse commit listening-tour Paid time for equity training at "
                            "every branch")
    assert "Recorded commitment 1 for listening-tour" in out
    out = await console.say('/pulse commit listening-tour "Interpreters for Spanish and '
                            'Vietnamese story times"')
    assert "Recorded commitment 2 for listening-tour: Interpreters for Spanish and " in out
    preview = await console.say("/pulse share listening-tour")
    assert "Preview of the share-back of listening-tour" in preview
    assert "(to dana)" not in preview, "a preview sends nothing"
    assert "I believe leadership will act on what staff say in this listening tour: 3.0" in preview
    assert "I feel safe raising concerns about bias or racism at work: 4.0, 100% agree" in preview
    # the priority question, from the same headlines as the results package's
    assert ("Which should the committee work on first? — Hiring and promotion (100% of 11 "
            "answers)") in preview
    assert "1. Paid time for equity training at every branch — planned" in preview
    out = await console.say("/pulse share listening-tour send")
    assert "goes to the 14 people who were asked" in out
    assert "(to dana) You said, we did: Equity listening tour" in out
    assert "(to will) You said, we did" in out, "answered or not"
    assert "(to luis) Ustedes lo dijeron, esto hicimos: Gira de escucha sobre equidad" in out
    again = await console.say("/pulse share listening-tour send")
    assert "was sent on December 2, 2026; each person gets it once" in again
    assert "(to dana)" not in again

    # someone who answered and someone who did not read the same share-back with /results
    dana = await console.say(":as dana", "/results")
    assert "11 of 14 people asked answered (79%)" in dana
    assert "2. Interpreters for Spanish and Vietnamese story times — planned" in dana
    will = await console.say(":as will", "/results")
    body = dana.split("You said, we did")[1]
    assert body in will, "the share-back never says who answered"
    luis = await console.say(":as luis", "/resultados")
    assert "A qué nos comprometimos" in luis and "previsto" in luis

    # a status change is announced to everyone asked, at most once a week
    out = await console.say(":as jordan", "/pulse commit listening-tour 1 started "
                            "Budget approved for 2027")
    assert "Commitment 1 of listening-tour is now in progress" in out
    assert "next weekly update" in out
    out = await console.say(":clock +1d")
    assert "(to dana) Update" not in out, "the share-back was this week's message"
    out = await console.say(":clock +6d")
    assert "(to dana) Update on what we committed to after Equity listening tour" in out
    dana = await console.say(":as dana", "/results listening-tour")
    assert "1. Paid time for equity training at every branch — in progress" in dana
    assert "(Budget approved for 2027)" in dana

    async with app.engine.connect() as conn:
        shares = (await conn.execute(text(
            "SELECT count(*), count(DISTINCT person_id) FROM outbox WHERE kind = 'loop.share'")
        )).one()
        updates = (await conn.execute(text(
            "SELECT count(*) FROM outbox WHERE kind = 'loop.update'"))).scalar()
    assert tuple(shares) == (14, 14) and updates == 14  # once per person

    # the next round of the series asks whether progress is visible
    out = await console.say(":as amara", "/pulse start listening-tour as listening-tour-2")
    assert "Started Equity listening tour (listening-tour-2)" in out
    assert "10 questions" in out  # 8 + one per commitment
    out = await console.say(":as dana", "1", "1", *["skip"] * 8)
    assert "Question 9 of 10" in out
    assert "Have you seen progress on: Paid time for equity training at every branch?" in out
    assert "1 = no progress … 3 = some progress … 5 = clear progress" in out
    out = await console.say("4")
    assert ("Have you seen progress on: Interpreters for Spanish and Vietnamese story "
            "times?") in out
