"""Closing the loop, rule by rule (the real core on the in-memory storage): who may record
commitments and send share-backs, every bad input, the thresholds on what is shared, exactly
once per person, weekly batching of status changes, progress ratings next to the commitment in
/themes, /results and the report."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from bot.clock import FakeClock
from conversations.pulse.admin import RoundAdmin
from tests.support import Console, FakeOutward, in_memory

LT = "listening-tour"
ANSWERS = ["Story times in three languages", "Not enough staff time", "Paid time for training",
           "That nothing changes", "2", "skip", "4", "skip", "3", "Hiring and promotion"]
FIVE = ["dana", "tom", "sam", "mei", "noah"]


def person(app: FakeOutward, handle: str) -> object:
    return next(p for p in app.db.people.values() if p.handle == handle)


async def closed_round(console: Console, who: list[str] = FIVE, round_id: str = LT,
                       start: str = f"/pulse start {LT}",
                       progress: Sequence[Sequence[str]] = ()) -> None:
    """`start` a round, have `who` answer it (each then giving their `progress` answers, for a
    round that asks about commitments), close it, and be jordan (a chair)."""
    await console.say(":as amara", start)
    for i, handle in enumerate(who):
        extra = progress[i] if progress else ()
        out = await console.say(f":as {handle}", "1", "1", *ANSWERS, *extra)
        assert "everything" in out or "Gracias" in out, out
    await console.say(":as amara", f"/pulse close {round_id}", ":as jordan")



async def asked_about(clock: FakeClock, commands: Sequence[str],
                      progress: Sequence[Sequence[str]]) -> tuple[FakeOutward, Console]:
    """listening-tour closed, jordan (a chair) then typed `commands` (its commitments), and
    lt-2, started from it, asked about them: each of FIVE gave their `progress` answers; lt-2
    closed, and jordan is the one typing."""
    app = await in_memory(clock)
    console = Console(app, clock)
    await closed_round(console)
    await console.say(*commands)
    await closed_round(console, round_id="lt-2", start=f"/pulse start {LT} as lt-2",
                       progress=progress)
    return app, console

async def test_commitments_are_for_chairs_after_the_round_closes(app: FakeOutward,
                                                                 console: Console) -> None:
    await console.say("/pulse start listening-tour")
    out = await console.say("/pulse commit listening-tour Do better")
    assert "Commitments and share-backs are for committee chairs" in out  # an admin
    out = await console.say(":as dana", "/pulse share listening-tour")
    assert "for committee chairs" in out
    out = await console.say(":as jordan", "/pulse commit listening-tour Do better")
    assert "listening-tour is open: commitments and share-backs come after it closes" in out
    out = await console.say("/pulse commit nope Do better")
    assert "There is no round called nope" in out
    out = await console.say("/pulse commit", "/pulse commit listening-tour")
    assert out.count("Usage: /pulse commit ROUND TEXT") == 2
    assert not app.db.commitments
    # a typo of a closed round: its name is offered (an open one is not: nothing to commit to)
    out = await console.say("/pulse commit listeningtour Do better")
    assert "Did you mean" not in out
    await console.say(":as amara", "/pulse close listening-tour", ":as jordan")
    for typed in ("/pulse commit listeningtour Do better", "/pulse share listening-tuor"):
        out = await console.say(typed)
        assert "Did you mean listening-tour?" in out, typed
    assert not app.db.commitments and not app.db.sharebacks


async def test_commitment_text_and_updates_are_validated(app: FakeOutward,
                                                         console: Console) -> None:
    await closed_round(console)
    out = await console.say(f"/pulse commit {LT} {'x' * 281}")
    assert "That is 281 characters; the limit is 280" in out
    out = await console.say(f"/pulse commit {LT} Hire \u202eeno\u202c interpreters\x07 at "
                            "Eastside\u200b   and   Central")
    assert "Recorded commitment 1" in out
    [c] = app.db.commitments.values()
    assert c.text == "Hire eno interpreters at Eastside and Central"  # no bidi, no controls
    out = await console.say(f"/pulse commit {LT} hire eno interpreters at eastside and central")
    assert "already has that commitment" in out
    cases = {
        f"/pulse commit {LT} 2 done": "has no commitment 2 (it has 1 commitment)",
        f"/pulse commit {LT} 1": '"" is not a status',
        f"/pulse commit {LT} 1 maybe": '"maybe" is not a status. Use /pulse commit',
        f"/pulse commit {LT} 1 done {'n' * 201}": "the limit is 200",
        f"/pulse commit {LT} 99999999 done": "has no commitment 999999",
    }
    for command, expected in cases.items():
        assert expected in await console.say(command), command
    out = await console.say(f"/pulse commit {LT} 1 hecho Contratadas en enero")
    assert "Commitment 1 of listening-tour is now done" in out
    assert (c.status, c.note) == ("done", "Contratadas en enero")
    out = await console.say(f"/pulse commit {LT} 1 done Contratadas en enero")
    assert "is already done" in out
    # a commitment that starts with a number is still a commitment
    out = await console.say(f'/pulse commit {LT} "3 more bilingual story times"')
    assert "Recorded commitment 2 for listening-tour: 3 more bilingual story times" in out


async def test_share_back_goes_once_to_everyone_asked_in_their_working_hours(
    app: FakeOutward, console: Console, clock: FakeClock
) -> None:
    out = await console.say("/pulse start branch-equity-checkin")
    await console.say(":as jordan")
    out = await console.say("/pulse share branch-equity-checkin")
    assert "branch-equity-checkin is open" in out
    await closed_round(console)
    await console.say(f"/pulse commit {LT} Paid training time")
    clock.set(datetime(2026, 11, 25, 4, 30, tzinfo=UTC))  # 20:30 in Los Angeles
    out = await console.say(f"/pulse share {LT}")
    assert "Preview" in out and not [r for r in app.db.outbox.values() if r.kind == "loop.share"]
    out = await console.say(f"/pulse share {LT} now")
    assert "Usage: /pulse share ROUND" in out
    out = await console.say(f"/pulse share {LT} send")
    assert "goes to the 14 people who were asked" in out and "(to dana)" not in out
    shares = [r for r in app.db.outbox.values() if r.kind == "loop.share"]
    assert len(shares) == 14 == len({r.person_id for r in shares})
    due = {r.person_id: r.due_at for r in shares}
    will, dana = person(app, "will"), person(app, "dana")
    assert due[dana.id] == datetime(2026, 11, 25, 17, tzinfo=UTC)  # type: ignore[attr-defined]
    assert due[will.id] == datetime(2026, 11, 25, 14, tzinfo=UTC)  # type: ignore[attr-defined]
    await console.say(f"/pulse share {LT} send")
    assert len([r for r in app.db.outbox.values() if r.kind == "loop.share"]) == 14
    out = await console.say(":clock 2026-11-25T09:00")
    assert "(to dana) You said, we did" in out


async def test_only_what_passes_the_thresholds_is_shared(app: FakeOutward,
                                                         console: Console) -> None:
    await closed_round(console, FIVE[:4])  # four finished: fewer than k = 5
    await console.say(f"/pulse commit {LT} Paid training time")
    out = await console.say(f"/pulse share {LT}")
    assert "Too few people answered for results to be shared" in out
    assert "4 of 14" not in out and "What people rated" not in out and "2.0" not in out
    assert "1. Paid training time — planned" in out
    await console.say(f"/pulse share {LT} send", ":as dana")
    out = await console.say("/results")
    assert "Too few people answered" in out and "What people rated" not in out


async def test_results_are_for_the_people_who_were_asked(app: FakeOutward,
                                                         console: Console) -> None:
    out = await console.say(":as dana", "/results")
    assert "Nothing has been shared with you yet" in out
    async with app.deps.uow() as tx:  # a round for one branch: only Central is asked
        await RoundAdmin(app.deps).start(tx, LT, "lt-central", {"branch": "Central"})
        await tx.commit()
    await closed_round(console, start="/pulse status", round_id="lt-central",
                       who=["dana", "mei", "jordan", "amara", "luis"])
    await console.say(":as jordan", "/pulse share lt-central send")
    out = await console.say(":as tom", "/results", "/results lt-central")
    assert "Nothing has been shared with you yet" in out
    assert "There is no share-back of lt-central for you" in out and "You said" not in out
    out = await console.say(":as dana", "/results")
    assert "You said, we did: Equity listening tour (lt-central)" in out
    out = await console.say(":as jordan", "/results nope", "/results a b")
    assert "There is no share-back of nope for you" in out and "Usage: /results [ROUND]" in out


async def test_status_changes_are_batched_into_one_message_a_week(
    app: FakeOutward, console: Console, clock: FakeClock
) -> None:
    await closed_round(console)
    await console.say(f"/pulse commit {LT} Paid training time",
                      f"/pulse commit {LT} Interpreters", f"/pulse share {LT} send")
    await console.say(f"/pulse commit {LT} 1 started", ":clock +2d",
                      f"/pulse commit {LT} 2 dropped No budget", f"/pulse commit {LT} Mentoring")
    out = await console.say(":clock +4d")
    assert "Update on what we committed" not in out
    out = await console.say(":as dana", ":clock 2026-12-01T09:00")
    assert out.count("outward> Update on what we committed to after Equity listening") == 1
    assert "1. Paid training time: now in progress" in out
    assert "2. Interpreters: now dropped" in out and "(No budget)" in out
    assert "3. Mentoring: now planned" in out  # added after the share-back
    await console.say(":as jordan", f"/pulse commit {LT} 1 done", ":as dana")
    out = await console.say(":clock +6d")
    assert "Update on what we committed" not in out, "at most once a week"
    out = await console.say(":clock +1d")
    assert "1. Paid training time: now done" in out and "Interpreters" not in out
    updates = [r for r in app.db.outbox.values() if r.kind == "loop.update"]
    assert len(updates) == 2 * 14


async def test_progress_is_asked_next_round_and_shown_next_to_the_commitment(
    app: FakeOutward, console: Console
) -> None:
    await closed_round(console)
    await console.say(f"/pulse commit {LT} Paid training time",
                      f"/pulse commit {LT} Interpreters", f"/pulse commit {LT} Mentoring",
                      f"/pulse commit {LT} 3 dropped", f"/pulse share {LT} send")
    await console.say(":as amara", f"/pulse start {LT} as lt-2")
    questions = [q["id"] for q in app.db.questions["lt-2"]]
    assert questions[-2:] == ["progress-1", "progress-2"], "dropped commitments are not asked"
    for i, handle in enumerate(FIVE):  # everyone rates the first, only four the second
        second = "skip" if i == 0 else "2"
        await console.say(f":as {handle}", "1", "1", *ANSWERS[:-1], "Hiring and promotion",
                          "4" if i % 2 else "5", second)
        progress = [r for r in app.db.responses.values() if r.question_id == "progress-1"]
        # progress ratings are answers like any other: held until k people have finished
        assert len(progress) == (5 if i == 4 else 0)
    await console.say(":as amara", "/pulse close lt-2", ":as jordan")
    out = await console.say("/themes lt-2")
    assert "Progress on what we committed to after listening-tour (asked in this round)" in out
    assert "1. Paid training time — planned" in out
    seen = ("Progress seen, asked in lt-2: 5 of 5 see clear progress, 0 some progress, "
            "0 no progress (average 4.6 of 5)")
    assert seen in out
    assert "too few answers to show without identifying anyone" in out  # 4 < k
    out = await console.say("/themes listening-tour")
    assert "What we committed to after listening-tour" in out and seen in out
    out = await console.say(":as dana", f"/results {LT}")
    assert seen in out
    assert "3. Mentoring — dropped" in out
    # a third round asks about lt-2's commitments, never again about listening-tour's
    await console.say(":as jordan", "/pulse commit lt-2 Quarterly updates")
    await console.say(":as amara", "/pulse start lt-2 as lt-3")
    asked = [q.get("commitment") for q in app.db.questions["lt-3"] if q.get("commitment")]
    assert asked == [{"round": "lt-2", "number": 1}]


async def test_the_report_has_what_we_committed_to(clock: FakeClock) -> None:
    app = await in_memory(clock, env={"OUTWARD_ORGANISATION": "Harbor County Library"})
    console = Console(app, clock)
    await closed_round(console)
    await console.say(f"/pulse commit {LT} Paid <b>training</b> time",
                      f"/pulse commit {LT} 1 started Budget approved")
    async with app.deps.uow() as tx:
        page = await app.reports.html(tx, app.db.rounds[LT])
    assert isinstance(page, str)
    assert "Harbor County Library" in page
    assert '<h2 id="commitments">What we committed to</h2>' in page
    assert "<caption>After listening-tour</caption>" in page
    assert "Paid &lt;b&gt;training&lt;/b&gt; time" in page and "<b>training" not in page
    assert "in progress" in page and "Budget approved" in page and "not asked yet" in page
    await app.close()


async def test_an_admin_who_is_not_a_chair_is_told_how_chairs_are_named(
    console: Console,
) -> None:
    out = await console.say("/themes")
    assert "you are an admin without the chair role" in out
    assert "add chair to the person's roles column" in out and "ask an admin" not in out
    out = await console.say(":as dana", "/themes")
    assert "ask an admin to give you the chair role" in out
