"""A committee chair comparing rounds of a series sees, for each agree/disagree statement the
previous round also asked, the change since then: the average ("2.9 → 3.2") and the agree
share in points ("▲ 14 pts"), in chat (also for a group both rounds show), the report (in
words) and the CSV; never worked out from a figure the earlier round hid.

Rounds: listening-tour (tests/results_support.py, the realistic answers of seed 11), then a
week later lt-2 of the same series (seed 12)."""

from __future__ import annotations

import csv
import io
import re

from bot.bootstrap import Core
from bot.clock import FakeClock
from conversations.questions import Question
from conversations.results.export import csv_text
from conversations.results.summary import same_rating
from tests.results_support import ROUND, organisation, realistic_round, report_html, tour_fixture
from tests.support import Console
from tests.test_loop_words import speaks_spanish

tour = tour_fixture(60)

TIME = "I have enough time during my paid hours to take part in equity training"
SAFE = "I feel safe raising concerns about bias or racism at work"
ACT = "I believe leadership will act on what staff say in this listening tour"


async def next_round(app: Core, clock: FakeClock, n: int = 60) -> Console:
    """lt-2, a week after listening-tour, answered by n staff; the console as jordan (chair)."""
    console = Console(app, clock)
    await console.say(":clock +7d")
    await realistic_round(app, clock, n, "lt-2", seed=12)
    await console.say(":as jordan")
    return console



async def csv_rows(app: Core, round_id: str) -> list[dict[str, str]]:
    """The CSV export of a round, as rows."""
    async with app.deps.uow() as tx:
        rnd = await tx.rounds.get(round_id)
        assert rnd is not None
        built = await app.reports.build(tx, rnd)
        assert isinstance(built, tuple)
        text = csv_text(*built, rnd.k_responses, rnd.k_comments)
    return list(csv.DictReader(io.StringIO(text)))


async def test_a_chair_reads_how_each_statement_changed_since_the_last_round(
        tour: Core, clock: FakeClock) -> None:
    console = await next_round(tour, clock)
    out = await console.say("/themes lt-2")
    # was "• …: average 3.2 (60 answers) · … · agree 28 (47%)" and nothing to compare it with
    assert (f"    • {SAFE}: average 3.2 (60 answers) · disagree 18 (30%) · neutral 14 (23%) "
            "· agree 28 (47%)\n"
            "       Since listening-tour: average 2.9 → 3.2 · agree ▲ 14 pts (33% → 47%)") in out
    assert ("       Since listening-tour: average 2.5 → 2.6 · agree ▲ 1 pt (22% → 23%)") in out
    assert ("       Since listening-tour: average 2.9 → 2.9 · agree ▼ 5 pts (38% → 33%)") in out
    # one question, and a group both rounds show (its parts hidden in both: the average only)
    out = await console.say("/themes lt-2 question=safe-to-raise")
    assert "Since listening-tour: average 2.9 → 3.2 · agree ▲ 14 pts (33% → 47%)" in out
    out = await console.say("/themes lt-2 branch=Hillcrest")
    # was "average 3.2 (12 answers) · disagree not shown · neutral not shown · agree 7 (58%)":
    # the other 5 were then split between two hidden parts, each of 1..4 people
    assert f"• {SAFE}:" not in out and "average 3.2" not in out and "Since" not in out
    # the first round of the series has nothing to compare with
    out = await console.say(f"/themes {ROUND}")
    assert "Since" not in out

    await speaks_spanish(tour, "jordan")
    out = await console.say("/temas lt-2")
    assert ("       Desde listening-tour: promedio de 2,9 a 3,2 · de acuerdo ▲ 14 puntos "
            "(del 33% al 47%)") in out
    assert "de acuerdo ▲ 1 punto (del 22% al 23%)" in out


async def test_the_report_and_the_csv_say_the_change_in_words(
        tour: Core, clock: FakeClock) -> None:
    await next_round(tour, clock)
    page = await report_html(tour, "lt-2")
    assert '<th scope="col" role="columnheader">Since listening-tour</th>' in page
    since = '<td class="since" role="cell" data-label="Since listening-tour">'
    assert (since + 'Average from 2.9 to 3.2<br>agree: up 14 points, from 33% to '
            "47%</td>") in page
    assert since + 'Average from 2.9 to 2.9<br>agree: down 5 points, from 38% to 33%' \
        in page
    # each group's average, with what it was (the groups both rounds show)
    hillcrest = page.split('<th scope="row" class="label">Hillcrest</th>')[-1].split("</tr>")[0]
    # withheld: 7 of its 12 agreed, the other 5 in two hidden parts of 1..4 people each
    assert "3.2" not in hillcrest and "was 2.6" not in hillcrest
    spanish = await report_html(tour, "lt-2", "es")
    assert ('<td class="since" role="cell" data-label="Desde listening-tour">'
            "Promedio de 2,9 a 3,2<br>de acuerdo: sube 14 puntos, del 33% al 47%</td>") in spanish
    assert "era 2,6 en listening-tour" not in spanish

    rows = await csv_rows(tour, "lt-2")
    mine = {(r["segment"], r["value"], r["item"]): r for r in rows
            if r["question_id"] == "safe-to-raise"}
    everyone = mine["", "", "all answers"]
    assert (everyone["average"], everyone["since"], everyone["average_before"]) == (
        "3.2", "listening-tour", "2.9")
    agree = mine["", "", "agree"]
    assert (agree["share"], agree["change_pts"], agree["since"]) == ("0.4667", "+14.0",
                                                                     "listening-tour")
    assert ("branch", "Hillcrest", "all answers") not in mine  # withheld, as in the report
    # a group's agree share hidden in listening-tour: no points
    assert all(r["change_pts"] == "" for key, r in mine.items() if key[0] == "branch")
    assert all(len(r) == len(rows[0]) for r in rows)


async def test_a_chair_reads_participation_next_to_the_last_rounds(
        tour: Core, clock: FakeClock) -> None:
    """listening-tour: 60 of 74 finished (81%); lt-2: 45 of 74 (61%). The comparison is the
    round the ratings' "Since" lines name; a group's view compares the whole rounds, and
    says so."""
    console = await next_round(tour, clock, 45)
    out = await console.say("/themes lt-2")
    # was "Participation: 45 of 74 invited people finished (61%)." with nothing to compare
    assert "Participation: 45 of 74 invited people finished (61%; 81% in listening-tour)." \
        in out
    assert "Since listening-tour: average" in out  # the same round as the ratings compare
    out = await console.say("/themes lt-2 branch=Hillcrest")
    assert ("Participation in the whole round: 45 of 74 invited people finished (61%; 81% in "
            "the whole of listening-tour).") in out
    out = await console.say(f"/themes {ROUND}")  # the first round of the series
    assert "Participation: 60 of 74 invited people finished (81%).\n" in out
    page = await report_html(tour, "lt-2")
    assert "<p>45 of 74 invited people finished (61%; 81% in listening-tour).</p>" in page
    assert "<p>60 of 74 invited people finished (81%).</p>" in await report_html(tour, ROUND)
    rows = await csv_rows(tour, "lt-2")
    took = [r for r in rows if r["kind"] == "participation"]
    assert [(r["segment"], r["item"], r["count"], r["answers"], r["share"], r["since"],
             r["share_before"], r["change_pts"]) for r in took] == [
        ("", "finished", "45", "74", "0.6081", "listening-tour", "0.8108", "-20.0")]

    await speaks_spanish(tour, "jordan")
    out = await console.say("/temas lt-2")
    assert ("Participación: 45 de 74 personas invitadas terminaron (61%; 81% en "
            "listening-tour).") in out
    out = await console.say("/temas lt-2 sucursal=Hillcrest")
    assert ("Participación en toda la ronda: 45 de 74 personas invitadas terminaron (61%; 81% "
            "en toda la ronda listening-tour).") in out
    spanish = await report_html(tour, "lt-2", "es")
    assert ("<p>45 de 74 personas invitadas terminaron (61%; 81% en listening-tour).</p>"
            in spanish)


async def test_no_change_is_shown_where_the_earlier_figure_was_hidden(clock: FakeClock) -> None:
    """listening-tour: 20 answers; 3 agreed they have enough time (hidden: under k = 5) and 3
    of the 20 are in Central (too few to show the branch). lt-2: 60 answers, 6 in Central."""
    app = await organisation(clock, 60)
    try:
        await realistic_round(app, clock, 20)
        console = await next_round(app, clock)
        out = await console.say(f"/themes {ROUND}")
        assert f"• {TIME}: average 2.3 (20 answers) · disagree 12 (60%) · neutral not shown " \
               "· agree not shown" in out
        out = await console.say("/themes lt-2")
        # the average was shown in both rounds; the agree share only in lt-2: no points
        assert ("· agree 14 (23%)\n"
                "       Since listening-tour: average 2.3 → 2.6\n") in out
        assert "Since listening-tour: average 2.9 → 3.2 · agree ▲ 17 pts (30% → 47%)" in out
        # Central was too small to show in listening-tour: its view in lt-2 compares nothing
        out = await console.say(f"/themes {ROUND} branch=Central")
        assert "average" not in out
        out = await console.say("/themes lt-2 branch=Central")
        # withheld: the 6 answers' parts cannot be shown with their 2.3 (over-withheld: with
        # every part hidden, only the real split and those shown_parts hides are considered)
        assert f"• {TIME}:" not in out
        assert "Since" not in out and "→" not in out
        page = await report_html(app, "lt-2")
        assert "Average from 2.3 to 2.6</td>" in page  # no points for the hidden share
        assert "Average from 2.9 to 3.2<br>agree: up 17 points, from 30% to 47%" in page
        rows = await csv_rows(app, "lt-2")
        agree = next(r for r in rows if (r["segment"], r["question_id"], r["item"])
                     == ("", "training-time", "agree"))
        assert (agree["count"], agree["change_pts"]) == ("14", "")
        assert not any(r["value"] == "Central" and r["since"] for r in rows)
    finally:
        await app.close()


def _q(qid: str, text: str, kind: str = "rating", **more: object) -> Question:
    return Question.from_definition({"id": qid, "kind": kind, "text": {"en": text}, **more})


def test_the_same_statement_is_found_by_its_id_else_by_its_words() -> None:
    now = _q("safe", "I feel safe raising concerns.")
    # the same id, even reworded: the organisation kept the id for the same question
    found = same_rating(now, [_q("x", "I feel safe raising concerns"),
                              _q("safe", "I feel safe to raise concerns.")])
    assert found is not None and found.id == "safe"
    # new ids (a re-imported bank): the one statement with the same words
    found = same_rating(now, [_q("q7", "i feel SAFE raising  concerns"), _q("q8", "Other.")])
    assert found is not None and found.id == "q7"
    # never a guess: two statements with those words, or the id now an open question
    assert same_rating(now, [_q("a", "I feel safe raising concerns"),
                             _q("b", "I feel safe raising concerns.")]) is None
    assert same_rating(now, [_q("safe", "I feel safe raising concerns.", "open"),
                             _q("q7", "I feel safe raising concerns.")]) is None
    # a progress question's id names another commitment in each round
    progress = _q("progress-1", "Have you seen progress on: X?",
                  commitment={"round": "lt", "number": 1})
    assert same_rating(progress, [_q("progress-1", "Have you seen progress on: X?",
                                     commitment={"round": "lt0", "number": 1})]) is None


async def test_a_group_shown_in_both_rounds_reads_its_own_change(tour: Core,
                                                                 clock: FakeClock) -> None:
    """Full-time staff pass the thresholds in both rounds: their view compares them with
    themselves last round (not with the whole round), in chat, the report's group averages
    and the CSV's group rows."""
    console = await next_round(tour, clock, 45)
    out = await console.say("/themes lt-2 employment=FT")
    assert (f"• {TIME}: average 2.6 (21 answers) · disagree 10 (48%) · neutral 5 (24%) · "
            "agree 6 (28%)\n"
            "       Since listening-tour: average 2.3 → 2.6 · agree ▲ 11 pts (17% → 28%)") in out
    page = await report_html(tour, "lt-2")
    assert re.search(r'<th scope="row" class="label">Full-time</th>\s*<td class="num">2\.6'
                     r"<br><small>was 2\.3 in listening-tour</small>", page)
    rows = {(r["item"]): r for r in await csv_rows(tour, "lt-2")
            if (r["segment"], r["value"], r["question_id"]) == ("employment", "FT",
                                                                 "training-time")}
    assert (rows["all answers"]["since"], rows["all answers"]["average_before"]) == (
        "listening-tour", "2.3")
    assert (rows["agree"]["since"], rows["agree"]["change_pts"]) == ("listening-tour", "+11.0")
