"""Chairs' theme summaries, the committee report and retention, on a realistic closed round."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

from adapters.console.adapter import address_for as console_address
from bot.bootstrap import Core
from bot.clock import FakeClock
from conversations.events import TextReceived
from tests.summaries_support import answer, big_org
from tests.support import Console


async def closed_round(app: Core, clock: FakeClock, console: Console, n: int = 24) -> None:
    await console.say("/pulse start listening-tour")
    for i in range(n):
        await answer(app, f"p{i}", i)
    await console.say("/pulse close listening-tour")


async def test_chair_gets_themes_staff_is_refused_and_small_slices_are_refused(
    tmp_path: Path, clock: FakeClock
) -> None:
    app = await big_org(tmp_path, clock)
    try:
        console = Console(app, clock)
        out = await console.say(":as jordan", "/themes listening-tour")
        assert "no round listening-tour" in out
        await console.say(":as amara", "/pulse start listening-tour")
        await answer(app, "p1", 1)
        out = await console.say(":as jordan", "/themes listening-tour")
        assert "still open" in out  # not before it closes
        for i in range(2, 24):
            await answer(app, f"p{i}", i)
        await console.say(":as amara", "/pulse close listening-tour")

        out = await console.say(":as jordan", "/themes")
        assert "Equity listening tour" in out and "closed" in out
        assert "Participation: 23 of" in out
        assert "comments in" in out
        assert "positive" in out and "%" in out
        assert "    > " in out  # anonymised quotes
        themes = [line for line in out.splitlines() if re.match(r"\s+\d+\. ", line)]
        assert any("Workload & staffing" in line for line in themes), themes
        assert any("Management support" in line for line in themes), themes
        assert "Person Number" not in out

        out = await console.say("/themes listening-tour branch=Central")
        # Central's 24 comments: no theme reaches 10 of them, so all are counted as "other"
        assert "· Central branch" in out and "24 comments, none in a theme" in out
        out = await console.say("/themes listening-tour employment=PT")
        assert "Not shown" in out  # 7 people: enough for totals, but see below
        out = await console.say("/themes listening-tour branch=Riverside")
        assert "too few people" in out and "Riverside" in out
        assert "0" not in out.split("Not shown")[1].split("(")[0]  # no count revealed
        out = await console.say("/themes listening-tour shoe=9")
        assert "“shoe” is not a group" in out and "branch=NAME" in out

        out = await console.say(":as dana", "/themes")
        assert "for committee chairs" in out and "comments" not in out
        # platforms that show images get the same shares as a chart (Teams: inline PNG)
        replies = await app.router(TextReceived(console_address("jordan"), "/themes"))
        chart = replies[0].chart
        overall = replies[-1].text
        # the shares as the text shows them: 100%, or 99% where a tie stays rounded down
        assert chart and 1 - 0.01 * len(chart) < sum(s for _, s in chart) <= 1 + 1e-9
        assert all(label in overall for label, _ in chart)  # the same themes as the text
        from adapters.chart import chart_png

        png = chart_png(chart, replies[0].chart_title)
        assert png.startswith(b"\x89PNG\r\n\x1a\n") and b"IDAT" in png
    finally:
        await app.close()


async def test_report_html_and_retention(tmp_path: Path, clock: FakeClock) -> None:
    app = await big_org(tmp_path, clock)
    try:
        console = Console(app, clock)
        await closed_round(app, clock, console)
        from conversations.results.report import Reports
        from conversations.results.retention import Retention

        async with app.deps.uow() as tx:
            rnd = await tx.rounds.get("listening-tour")
            assert rnd is not None
            html = await Reports(app.deps).html(tx, rnd)
            await tx.commit()
        assert isinstance(html, str)
        assert html.startswith("<!doctype html>") and "<caption>" in html
        assert ">Branch</th>" in html and ">Central</th>" in html and "Riverside" not in html
        assert "<script" not in html and "Person Number" not in html

        assert await Retention(app.deps, days=30).purge() == []
        before = await console.say(":as jordan", "/themes listening-tour")
        assert "    > " in before  # quotes, until retention purges the text
        clock.advance(timedelta(days=31))
        assert await Retention(app.deps, days=30).purge() == ["listening-tour"]
        texts = sum(1 for r in app.db.responses.values() if r.text is not None)
        themed = sum(1 for r in app.db.responses.values() if r.theme is not None)
        assert texts == 0 and themed == 48
        out = await console.say(":as jordan", "/themes listening-tour")
        assert "comments in" in out and "    > " not in out  # themes and counts, no quotes
    finally:
        await app.close()


async def test_thresholds_can_be_raised_but_not_lowered_once_open(console: Console) -> None:
    await console.say("/pulse start listening-tour")
    out = await console.say("/pulse thresholds listening-tour k=3")
    assert "can only go up" in out
    out = await console.say("/pulse thresholds listening-tour k=8 comments=12")
    assert "groups of 8+" in out and "12+" in out
    out = await console.say("/pulse thresholds listening-tour k=lots")
    assert "Usage" in out


async def test_a_closed_round_is_themed_once_not_on_every_request(
    tmp_path: Path, clock: FakeClock
) -> None:
    app = await big_org(tmp_path, clock)
    try:
        console = Console(app, clock)
        await closed_round(app, clock, console)
        calls = 0
        engine = app.deps.themer.theme

        def counting(texts, codebook=None, **options):  # type: ignore[no-untyped-def]
            nonlocal calls
            calls += 1
            return engine(texts, codebook, **options)

        app.deps.themer.theme = counting  # type: ignore[method-assign]
        await console.say(":as jordan")
        first = await console.say("/themes listening-tour")
        themed = calls  # each open question once, and every comment together once
        assert 1 < themed <= 3
        second = await console.say("/themes listening-tour branch=Central")
        third = await console.say("/themes listening-tour")
        assert calls == themed, "slices and repeats count the round's themes, no re-theming"
        assert first == third and "comments in" in first and "· Central branch" in second
    finally:
        await app.close()


async def test_a_round_never_goes_below_the_thresholds_staff_are_promised(
    console: Console
) -> None:
    """Before a round opens an admin may change its thresholds, but never below the
    organisation's (what /privacy, the consent question and the receipt tell staff)."""
    out = await console.say("/pulse schedule listening-tour start=2026-12-01")
    assert "opens" in out
    out = await console.say("/pulse thresholds listening-tour k=4 comments=4")
    assert "groups of 4+" not in out
    assert "Staff are promised totals only for groups of 5+ and themes only for 10+" in out
    # two, in any organisation: either person would read the other's answers off a total
    out = await console.say("/pulse thresholds listening-tour k=2 comments=2")
    assert "groups of 2+" not in out
    assert "between 3 and 1000: with fewer, people could read each other's answers" in out
    out = await console.say("/pulse thresholds listening-tour k=7 comments=12")
    assert "groups of 7+" in out and "12+" in out
    out = await console.say("/pulse thresholds listening-tour k=6")
    assert "groups of 6+" in out  # lowered before it opens, still above the promise


async def test_a_round_for_fewer_than_k_people_is_never_started(clock: FakeClock) -> None:
    """Three people on the roster: whatever they answered would be tied to one of three by
    anyone who can read who was asked."""
    from tests.support import in_memory, load_roster

    app = await in_memory(clock, sample=False)
    try:
        await load_roster(app, "handle,name,email,timezone,locale,roles,branch,"
                               "classification,employment\n"
                               "amara,Amara Okafor,a@example.org,America/Los_Angeles,en,"
                               "admin;staff,Central,Manager,FT\n"
                               "dana,Dana Whitfield,d@example.org,America/Los_Angeles,en,staff,"
                               "Central,Page,PT\n"
                               "tom,Tom Becker,t@example.org,America/Los_Angeles,en,staff,"
                               "Central,Clerk,FT\n")
        console = Console(app, clock)
        out = await console.say("/pulse start listening-tour")
        assert "was not started: its audience has 3 people, fewer than 5" in out
        assert "(to dana)" not in out and not app.db.participation
        out = await console.say("/pulse schedule listening-tour start=2026-12-01")
        assert "was not started: its audience has 3 people" in out
        assert app.db.rounds["listening-tour"].status == "draft"
    finally:
        await app.close()
