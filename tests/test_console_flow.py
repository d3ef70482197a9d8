"""The walking skeleton end to end through the real console adapter: on SQLite, reading every
stored row as someone with the database would; and the send window on the in-memory storage."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import text

from bot.bootstrap import Outward
from bot.clock import FakeClock
from tests.support import Console, statements


async def answer_everything(console: Console) -> str:
    out = await console.say(":as dana", "1")  # press Start on the invitation
    out += await console.say("1")  # share branch and role
    out += await console.say(
        "Our branch librarian Mei Tanaka runs great bilingual story times",  # strengths
        "Not enough staff time; call me at 555-123-4567",  # barriers
        "Paid time for training",  # opportunities
        "That nothing changes",  # worries
        "2",  # training-time rating
        "We are always short staffed at the desk",  # why
        "4",  # safe-to-raise
        "skip",  # why (optional)
        "3",  # will-act
        "Hiring and promotion",  # first-priority, by label
    )
    return out


async def test_admin_starts_round_and_staff_answers_every_question(
    sql_app: Outward, sql_console: Console
) -> None:
    app, console = sql_app, sql_console
    out = await console.say("/pulse start listening-tour")
    assert "Started" in out and "listening-tour" in out
    out = await answer_everything(console)
    assert "Question 8 of 8" in out
    assert "Thank you, that's everything" in out
    assert "without your name" in out
    assert "only for groups of 5+ people" in out

    async with app.engine.connect() as conn:
        held = (await conn.execute(text("SELECT * FROM held_submissions"))).mappings().all()
        early = (await conn.execute(text("SELECT count(*) FROM responses"))).scalar()
    # one submission is held (no person) until at least 5 are waiting or the round closes
    assert len(held) == 1 and early == 0
    assert not set(held[0].keys()) & {"person_id", "user_id", "handle"}
    out = await console.say(":as amara", "/pulse close listening-tour")
    assert "1 of 14 invited people finished" in out

    async with app.engine.connect() as conn:
        rows = (await conn.execute(text("SELECT * FROM responses"))).mappings().all()
        assert (await conn.execute(text("SELECT count(*) FROM held_submissions"))).scalar() == 0
        people = (await conn.execute(text("SELECT * FROM people WHERE handle='dana'"))).mappings()
        dana = dict(people.one())
        idents = (await conn.execute(text("SELECT user_id FROM identities"))).scalars().all()
        states = (await conn.execute(text("SELECT count(*) FROM conversation_state"))).scalar()
        part = (
            await conn.execute(
                text("SELECT completed FROM participation WHERE person_id=:p"), {"p": dana["id"]}
            )
        ).scalar()
    # one of fourteen finished: a flag on her row would make every stored answer hers
    assert part in (0, False), "who finished is never recorded per person"
    assert states == 0, "the draft is deleted once submitted"
    assert len(rows) == 9  # 8 questions + 1 "why" (the other "why" was skipped)
    columns = set(rows[0].keys())
    assert not columns & {"person_id", "user_id", "created_at", "handle"}
    for row in rows:
        blob = " ".join(str(v) for v in row.values()).lower()
        for needle in ("dana", "whitfield", dana["email"], *idents):
            assert needle.lower() not in blob
        assert row["week"] == "2026-W48"
    by_q = {r["question_id"]: r for r in rows}
    assert "Mei Tanaka" not in by_q["strengths"]["text"] and "[NAME]" in by_q["strengths"]["text"]
    assert "555-123-4567" not in by_q["barriers"]["text"]
    assert by_q["training-time"]["value"] == "2"
    assert by_q["first-priority"]["value"] == "hiring"
    assert "safe-to-raise.why" not in by_q
    assert '"branch": "Central"' in str(by_q["will-act"]["segments"]).replace("'", '"')


async def test_invitations_wait_for_each_persons_send_window(
    console: Console, clock: FakeClock
) -> None:
    clock.set(clock.now().replace(hour=5))  # 21:00 Monday in Los Angeles
    out = await console.say("/pulse start listening-tour")
    assert "(to dana)" not in out
    clock.advance(timedelta(hours=12))  # 09:00 Tuesday in Los Angeles
    out = await console.say(":clock +1m")
    assert "(to dana)" in out


async def test_a_typed_answer_reads_the_rounds_questions_once(
    sql_app: Outward, sql_console: Console
) -> None:
    """An answer typed into the card's box (a form) or into the chat (text) reads the round's
    questions once, counted at the database driver."""
    from adapters.console.adapter import address_for
    from conversations.events import FormSubmitted, TextReceived

    def reads(seen: list[str]) -> int:
        return sum("FROM round_questions" in s for s in seen)

    await sql_console.say("/pulse start listening-tour")
    await sql_console.say(":as dana", "1", "1")  # Start, share branch and role
    key = sql_console.adapter.pending["dana"].key
    with statements(sql_app) as seen:
        replies = await sql_app.router(FormSubmitted(address_for("dana"), "pulse:text",
                                                     {"answer": "More staff at the desk"}, key))
    assert "Question 2 of 8" in replies[-1].text
    assert reads(seen) == 1, "a form answer"
    with statements(sql_app) as seen:
        replies = await sql_app.router(TextReceived(address_for("dana"), "Paid training"))
    assert "Question 3 of 8" in replies[-1].text
    assert reads(seen) == 1, "an open answer typed in chat"
    await sql_console.say("c", "d")
    with statements(sql_app) as seen:  # a rating typed, not pressed
        replies = await sql_app.router(TextReceived(address_for("dana"), "4"))
    assert "Why did you choose that?" in replies[-1].text
    assert reads(seen) == 1, "a rating typed in chat"
