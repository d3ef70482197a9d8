"""A front-line staff member reads the share-back of the second and third rounds of a series
(listening-tour -> lt-2 -> lt-3) with /results (/resultados): each statement says how it
changed since the round before in plain words ("50% agree, up from 0% in lt-2"), progress on
each commitment is split in the question's words (parts under k named, never counted), and a
carried-over commitment says how the progress people saw changed since it was last asked.
Never a figure the chair's whole-round view hides: a share is compared only where both rounds
show it. English and Spanish, as the console, Slack and Teams show it."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from adapters.slack.convert import render
from adapters.teams.convert import render_card
from bot.clock import FakeClock
from conversations.loop.results import ResultsCommand
from tests.support import Console, FakeOutward, in_memory

LT = "listening-tour"
TEXTS = ["Story times in three languages", "Not enough staff time", "Paid time for training",
         "That nothing changes"]
TEN = ["dana", "tom", "sam", "mei", "noah", "luis", "kwame", "rosa", "grace", "fatima"]
PLEDGE = "Interpreters for story times by March"
TIME = "I have enough time during my paid hours to take part in equity training"
SAFE = "I feel safe raising concerns about bias or racism at work"
ACT = "I believe leadership will act on what staff say in this listening tour"


async def answered(console: Console, round_id: str, start: str,
                   ratings: Callable[[int], tuple[str, str, str]],
                   progress: Callable[[int], list[str]] | None = None,
                   who: tuple[str, ...] | list[str] = TEN) -> None:
    """Start a round, have ten people (or `who`) answer it (person i rates `ratings(i)`, then
    gives the `progress(i)` answers), close it and be jordan (a chair)."""
    await console.say(":as amara", start)
    for i, handle in enumerate(who):
        time, safe, act = ratings(i)
        out = await console.say(f":as {handle}", "1", "1", *TEXTS, time, "skip", safe, "skip",
                                act, "Hiring and promotion", *(progress(i) if progress else []))
        assert "everything" in out or "Gracias" in out, out
    await console.say(":as amara", f"/pulse close {round_id}", ":as jordan")


@pytest.fixture
async def series(clock: FakeClock) -> tuple[FakeOutward, Console]:
    """Three rounds of ten answers, each shared. Agree shares: time 0% -> 0% -> 50%; safe
    50% -> hidden (8 of 10) -> 0%; act hidden -> hidden -> 100%. listening-tour's commitments:
    paid training time, and the interpreters (in progress); lt-2 saw clear progress on the
    first and none on the second, which the committee carried over, with a new one on
    mentoring; lt-3 saw clear progress on the interpreters, and 3 'some' and 7 'clear' on
    mentoring (so neither part can be shown: only '0 no progress')."""
    app = await in_memory(clock)
    console = Console(app, clock)
    await answered(console, LT, f"/pulse start {LT}",
                   lambda i: ("2", "4" if i < 5 else "2", "4" if i < 3 else "2"))
    await console.say(f"/pulse commit {LT} Paid training time", f"/pulse commit {LT} {PLEDGE}",
                      f"/pulse commit {LT} 2 started Two interpreters hired",
                      f"/pulse share {LT} send", ":clock +7d")
    await answered(console, "lt-2", f"/pulse start {LT} as lt-2",
                   lambda i: ("2", "4" if i < 8 else "2", "4" if i < 4 else "2"),
                   lambda i: ["4", "1"])
    await console.say("/pulse commit lt-2 carry 2", "/pulse commit lt-2 Mentoring for pages",
                      "/pulse share lt-2 send", ":clock +7d")
    await answered(console, "lt-3", "/pulse start lt-2 as lt-3",
                   lambda i: ("4" if i < 5 else "2", "2", "4"),
                   lambda i: ["5" if i % 2 else "4", "3" if i < 3 else "4"])
    await console.say("/pulse share lt-3 send")
    return app, console


def line(out: str, start: str) -> str:
    return next(x.strip() for x in out.splitlines() if x.strip().startswith(start))


def lines(out: str) -> str:
    """What was said, each line without the console's indentation."""
    return "\n".join(x.strip() for x in out.splitlines())


async def test_staff_read_how_each_statement_changed_since_the_round_before(
        series: tuple[FakeOutward, Console]) -> None:
    _, console = series
    out = await console.say(":as grace", "/results")
    assert "You said, we did: Equity listening tour (lt-3)" in out
    # was "• …: 3.0, 50% agree (10 answers)", nothing to compare it with
    assert line(out, f"• {TIME}:") == (f"• {TIME}: 50% agree, up from 0% in lt-2; average 3.0, "
                                       "up from 2.0 (10 answers)")
    # lt-2 withholds it (its 3.6 of 10 would pin the 1-4 who disagreed): nothing compared
    assert line(out, f"• {SAFE}:") == f"• {SAFE}: 2.0, 0% agree (10 answers)"
    assert line(out, f"• {ACT}:") == (f"• {ACT}: 100% agree; average 4.0, up from 2.8 in lt-2 "
                                      "(10 answers)")
    out = await console.say("/results lt-2")
    assert line(out, f"• {TIME}:") == (f"• {TIME}: 0% agree, the same as in listening-tour; "
                                       "average 2.0, the same as then (10 answers)")
    # 50% agreed in listening-tour, but lt-2 withholds the statement (8 of 10): never "up
    # from 50%", nor its average
    assert f"• {SAFE}:" not in out
    assert "50%" not in out and "3.6" not in out
    # the first round of the series has nothing to compare with
    out = await console.say(f"/results {LT}")
    assert line(out, f"• {SAFE}:") == f"• {SAFE}: 3.0, 50% agree (10 answers)"
    assert "up from" not in out and "the same as" not in out

    # the chair's view compares the same figures, and no others
    out = await console.say(":as jordan", "/themes lt-3")
    assert "3.6" not in out
    assert "Since lt-2: average 2.0 → 3.0 · agree ▲ 50 pts (0% → 50%)" in out

    out = await console.say(":as luis", "/resultados")
    safe = "En el trabajo, siento que puedo plantear inquietudes sobre prejuicios o racismo sin"
    time = "Tengo suficiente tiempo durante mis horas pagadas para participar en capacitaciones"
    assert line(out, f"• {time}") == (f"• {time} sobre equidad: 50% de acuerdo, más que en lt-2 "
                                      "(0%); promedio 3,0, más que entonces (2,0) · "
                                      "10 respuestas")
    assert line(out, f"• {safe}") == f"• {safe} riesgo: 2,0, 0% de acuerdo (10 respuestas)"
    out = await console.say("/resultados lt-2")
    assert f"{time} sobre equidad: 0% de acuerdo, igual que en listening-tour; promedio 2,0, " \
           "igual que entonces · 10 respuestas" in out


async def test_staff_read_how_many_answered_then_and_now(clock: FakeClock) -> None:
    """listening-tour: 10 of the 14 people asked answered (71%); lt-2: 7 of 14 (50%)."""
    app = await in_memory(clock)
    console = Console(app, clock)
    await answered(console, LT, f"/pulse start {LT}", lambda i: ("2", "4", "2"))
    await console.say(f"/pulse share {LT} send", ":clock +7d")
    await answered(console, "lt-2", f"/pulse start {LT} as lt-2", lambda i: ("4", "4", "2"),
                   who=TEN[:7])
    # the chair's preview reads as staff will, from the same round
    out = lines(await console.say("/pulse share lt-2"))
    assert "7 of 14 people asked answered (50%; 71% in listening-tour)." in out
    await console.say("/pulse share lt-2 send")
    out = lines(await console.say(":as grace", "/results"))
    # was "7 of 14 people asked answered (50%). Thank you." with nothing to compare it with
    assert "7 of 14 people asked answered (50%; 71% in listening-tour). Thank you." in out
    out = lines(await console.say(f"/results {LT}"))  # the first round of the series
    assert "10 of 14 people asked answered (71%). Thank you." in out
    out = lines(await console.say(":as luis", "/resultados lt-2"))
    assert "Respondieron 7 de 14 personas consultadas (50%; 71% en listening-tour). Gracias." \
        in out


async def test_staff_read_how_people_saw_progress_and_its_change(
        series: tuple[FakeOutward, Console]) -> None:
    _, console = series
    out = lines(await console.say(":as grace", "/results lt-3"))
    # was "• Interpreters…: 4.5 of 5 (10 answers), 100% clear progress (4-5)" alone
    assert (f"• {PLEDGE}: 100% see clear progress, up from 0% in lt-2; average 4.5 of 5, up "
            "from 1.0 (10 answers)\n"
            "10 of 10 see clear progress, 0 some progress, 0 no progress\n") in out
    # 3 saw some progress and 7 clear: neither part is shown, nor counted
    assert ("• Mentoring for pages: 3.7 of 5 (10 answers)\n"
            "0 of 10 see no progress; clear progress and some progress not shown "
            "separately, to keep people anonymous\n") in out
    assert "7 of 10" not in out and "3 some" not in out
    # asked for the first time: the split, nothing to compare with
    out = lines(await console.say("/results lt-2"))
    assert ("• Paid training time: 4.0 of 5 (10 answers), 100% clear progress (4-5)\n"
            "10 of 10 see clear progress, 0 some progress, 0 no progress\n") in out
    # the carried-over commitment, as lt-3 saw it, with the change since lt-2 asked
    assert (f"1. {PLEDGE} — in progress\n"
            "Progress seen, asked in lt-3: 10 of 10 see clear progress, 0 some progress, "
            "0 no progress (average 4.5 of 5)\n"
            "Since lt-2: 0% → 100% see clear progress; average 1.0 → 4.5") in out

    out = lines(await console.say(":as luis", "/resultados lt-3"))
    assert (f"• {PLEDGE}: 100% ve avances claros, más que en lt-2 (0%); promedio 4,5 de 5, más "
            "que entonces (1,0) · 10 respuestas\n"
            "avances claros: 10 de 10, algunos avances: 0, ningún avance: 0\n") in out
    assert ("ningún avance: 0 de 10; avances claros y algunos avances no se muestran por "
            "separado, para mantener el anonimato") in out


async def test_a_round_with_no_commitments_yet_says_what_happens_next(
        series: tuple[FakeOutward, Console]) -> None:
    _, console = series
    out = await console.say(":as grace", "/results lt-3")
    assert ("The committee has not recorded commitments yet. When it does, you will hear what "
            "they are (at most once a week).") in out
    out = await console.say(":as luis", "/resultados lt-3")
    assert "Cuando lo haga, recibirá un aviso con cuáles son" in out


async def test_slack_and_teams_show_the_change_as_written(
        series: tuple[FakeOutward, Console]) -> None:
    app, _ = series
    async with app.deps.uow() as tx:
        grace = await tx.people.by_handle("grace")
        assert grace is not None
        message, *_ = await ResultsCommand(app.deps)(tx, grace, "lt-3")
    change = f"• {TIME}: 50% agree, up from 0% in lt-2; average 3.0, up from 2.0 (10 answers)"
    split = "   10 of 10 see clear progress, 0 some progress, 0 no progress"
    blocks = "\n".join(b["text"]["text"] for b in render(message)["blocks"]
                       if b.get("type") == "section")
    assert change in blocks and split in blocks
    card = str(render_card(message))
    assert change in card and "10 of 10 see clear progress, 0 some progress" in card


async def test_staff_read_where_each_commitment_asked_about_stands_now(
        series: tuple[FakeOutward, Console]) -> None:
    """The progress people saw on an earlier round's commitment is followed by where that
    commitment stands now, with the chair's note: staff read both in one place."""
    _, console = series
    out = lines(await console.say(":as grace", "/results lt-2"))
    progress = out.split("Progress people have seen")[1].split("What people chose")[0]
    assert ("10 of 10 see clear progress, 0 some progress, 0 no progress\n"
            "Where it stands now: planned\n") in progress
    assert ("0 of 10 see clear progress, 0 some progress, 10 no progress\n"
            "Where it stands now: in progress (Two interpreters hired)\n") in progress
    out = lines(await console.say(":as luis", "/resultados lt-2"))
    assert "En qué punto está ahora: en marcha (Two interpreters hired)" in out
