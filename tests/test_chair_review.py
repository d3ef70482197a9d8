"""What a committee chair noticed, reading a finished round's results in chat, in the report
and in the CSV (a fresh-eyes review): each test asserts what the chair would see."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from datetime import timedelta
from html import unescape

import pytest

from adapters.console.adapter import address_for
from bot.bootstrap import Core
from bot.clock import FakeClock
from conversations.events import TextReceived
from conversations.results.model import Summary
from tests.results_support import ROUND, organisation, realistic_round, report_html, tour_fixture
from tests.support import TUESDAY_9AM_LA, Console


async def chat(app: Core, args: str, handle: str = "jordan") -> str:
    replies = await app.router(TextReceived(address_for(handle), f"/themes {args}"))
    return "\n".join(m.text for m in replies)


async def whole_round(app: Core, round_id: str = ROUND) -> Summary:
    """The whole round as the report and the CSV count it."""
    async with app.deps.uow() as tx:
        rnd = await tx.rounds.get(round_id)
        assert rnd is not None
        built = await app.reports.build(tx, rnd)
        await tx.commit()
    assert isinstance(built, tuple), built
    return built[0]


def ids(start: int, step: int) -> Callable[[], uuid.UUID]:
    state = {"n": start}

    def next_id() -> uuid.UUID:
        state["n"] += step
        return uuid.UUID(int=state["n"])
    return next_id


async def test_the_same_answers_give_the_same_themes_in_every_process(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The web process answers /themes, the command line writes the CSV: both read the same
    round, whose response ids are random. Before, comments were themed in the order of those
    ids, so the chair's chat and the CSV named different themes with different counts."""
    seen = []
    for next_id in (ids(0, 1), ids(2**100, -1)):  # the same answers, ids in opposite orders
        monkeypatch.setattr(uuid, "uuid4", next_id)
        clock = FakeClock(TUESDAY_9AM_LA)
        app = await organisation(clock, 60)
        await realistic_round(app, clock, 60)
        s = await whole_round(app)
        seen.append([(sec.question_id, [(t.label, t.comments, t.sentiment) for t in sec.themes])
                     for sec in (*s.sections, s.overall)])
        await app.close()
    assert seen[0] == seen[1]


tour = tour_fixture(60)


THEME_LINE = re.compile(r"^\d+\. \*(.+?)\*: (\d+) comments? \(\d+%\) · (.*)$", re.M)


async def test_a_themes_sentiment_adds_up_to_its_comments_or_says_it_is_not_shown(
        tour: Core) -> None:
    """"other: 27 comments · 0 positive, 0 neutral, 0 negative": the split of an "other" of
    fewer than k_comments people is withheld, and it read as 27 comments with no sentiment
    at all. Every theme's split now adds up to its comments, or is said in a word (a part of
    fewer than k_comments people: tests/test_small_cells.py)."""
    moods = ("mostly positive", "mostly neutral", "mostly negative", "mixed feelings")
    whole = await whole_round(tour)
    async with tour.deps.uow() as tx:
        built = await tour.reports.build(tx, await tx.rounds.get(ROUND))  # type: ignore[arg-type]
        await tx.commit()
    assert isinstance(built, tuple)
    lines: list[tuple[str, int, str]] = []
    for args in [ROUND] + [f"{ROUND} {seg}={val}" for (seg, val), _ in built[1]]:
        text = await chat(tour, args)
        lines += [(m[1], int(m[2]), m[3]) for m in THEME_LINE.finditer(text)]
    hidden = 0
    for label, comments, split in lines:
        counts = re.fullmatch(r"(\d+) positive, (\d+) neutral, (\d+) negative", split)
        if counts is None:
            assert split in moods, (label, split)
            hidden += 1
        else:
            assert sum(int(c) for c in counts.groups()) == comments, (label, comments, split)
    assert hidden, "some theme's split has a part of fewer than 10 people"
    # the report: the same rule, in its theme tables
    page = unescape(await report_html(tour))
    cells = re.findall(r'<span class="value">(\d+) \(\d+%\)</span></td>\s*<td class="tone">'
                       r"([^<]*)</td>", page)
    assert cells and any(c[1].strip() in moods for c in cells) == any(
        t.sentiment is None for sec in (*whole.sections, whole.overall) for t in sec.themes)
    for comments, split in cells:
        if split.strip() not in moods and split.strip() != "not shown":
            # labelled, as in chat ("57 positive, 15 neutral, 11 negative"), never "57 / 15 / 11"
            counts = re.fullmatch(r"(\d+) positive, (\d+) neutral, (\d+) negative", split)
            assert counts is not None, split
            assert sum(int(x) for x in counts.groups()) == int(comments), (comments, split)


async def test_an_option_nobody_chose_is_never_ranked_above_hidden_ones(
        clock: FakeClock) -> None:
    """Five people answered: two options are hidden (small groups), three were chosen by
    nobody. "Most chosen first: 1. Services to patrons: 0 (0%)" ranked an option nobody chose
    first, above options people did choose. Nor are the hidden two named apart from the three
    nobody chose: that said each was chosen by 1 to 4 of the 5; all five are named together,
    any of them possibly chosen by none."""
    app = await organisation(clock, 40)
    await realistic_round(app, clock, 5)
    text = await chat(app, ROUND)
    block = text.split("*Which should the committee work on first?*", 1)[1]
    ranked = re.findall(r"^\s+\d+\. (.+?): (\d+) \(\d+%\)$", block, re.M)
    assert all(int(count) > 0 for _, count in ranked), ranked
    hidden = re.search(r"^\s+Not shown, to protect small groups: (.+)$", block, re.M)
    assert hidden and len(hidden[1].split(", ")) == 5, block
    assert "Chosen by nobody" not in block
    page = unescape(await report_html(app))
    choice = page.split("Which should the committee work on first?", 1)[1].split("</section>")[0]
    assert not re.search(r'<span class="value">0 \(', choice), choice
    assert "Chosen by nobody" not in choice
    await app.close()


async def test_a_groups_trend_compares_it_with_the_same_group_last_round(
        clock: FakeClock) -> None:
    """`/themes listening-tour-2 classification=Librarian` said "▲ 25 pts since
    listening-tour" against every comment of the previous round, not the Librarians' own: a
    group's change now compares it with the same group's share last round (under that round's
    checks), and says nothing where that group's theme could not be shown then."""
    app = await organisation(clock, 80)
    await realistic_round(app, clock, 80, seed=1)
    clock.advance(timedelta(days=90))
    await realistic_round(app, clock, 80, "listening-tour-2", seed=2)
    async with app.deps.uow() as tx:
        second = await tx.rounds.get("listening-tour-2")
        assert second is not None
        now = await app.reports.build(tx, second)
        await tx.commit()
    assert isinstance(now, tuple)
    checked = 0
    for wanted, group in now[1]:
        async with app.deps.uow() as tx:
            first = await tx.rounds.get(ROUND)
            assert first is not None
            then = await app.reports.summaries.build(tx, first, wanted, record=False)
        for sec in (*group.sections, group.overall):
            before = {}
            if isinstance(then, Summary):
                old = then.question(sec.question_id)
                before = {t.code: t.share for t in getattr(old, "themes", ())
                          if t.code != "other"}
            for t in sec.themes:
                if t.code in before:
                    assert t.change == round(100 * (t.share - before[t.code]), 1), (wanted, t)
                    checked += 1
                else:
                    assert t.change is None, (wanted, sec.question_id, t.label, t.change)
    assert checked, "some group's theme was shown in both rounds"
    await app.close()


async def test_a_groups_view_says_its_participation_line_is_the_whole_rounds(
        tour: Core) -> None:
    """Under "· Eastside branch", "Participation: 60 of 74 invited people finished (81%)" read
    as Eastside's own turnout: the line now says it is the whole round's (a group's turnout is
    never shown: nothing counts who was invited per group)."""
    whole = await chat(tour, ROUND)
    assert re.search(r"^Participation: 60 of \d+ invited people finished", whole, re.M)
    group = await chat(tour, f"{ROUND} branch=Eastside")
    assert group.splitlines()[0].endswith("· Eastside branch"), group
    line = next(li for li in group.splitlines() if "60 of" in li)
    assert line.startswith("Participation in the whole round: 60 of"), line


async def test_a_spanish_chair_reads_the_rounds_status_in_spanish(tour: Core) -> None:
    """"Gira de escucha sobre equidad (listening-tour, closed)": the round's status was the
    stored English word in a Spanish reply and report."""
    async with tour.deps.uow() as tx:
        person = await tx.people.by_handle("jordan")
        assert person is not None
        person.locale = "es"
        await tx.commit()
    first = (await chat(tour, ROUND)).splitlines()[0]
    assert f"({ROUND}, cerrada)" in first, first
    page = unescape(await report_html(tour, locale="es"))
    meta = re.search(r'<p class="meta">.*?</p>', page, re.S)
    # the status once, with its date: "cerrada el 24 de noviembre de 2026"
    assert meta and "· cerrada el " in meta[0] and "closed" not in meta[0], meta
    assert meta[0].count("cerrada") == 1, meta


def test_counts_read_as_words_in_english_and_spanish() -> None:
    from conversations.results.model import Section, ThemeLine
    from conversations.results.render import section_message, theme_line
    from prompts.catalog import load_catalog

    cat = load_catalog()
    one = ThemeLine("Desk coverage", "workload", 1, 1.0, (1, 0, 1), (), change=-1.2)
    line = theme_line(cat, "en", 1, one, "tour-1")
    # the change is said on the theme's own line (no bar line of block characters under it)
    assert line.endswith("· ▼ 1 pt since tour-1") and "\n" not in line, line
    assert "▲ 3 pts since" in theme_line(cat, "en", 1, one.__class__(
        **{**one.__dict__, "change": 3.4}), "tour-1")
    assert "= 0 pts since" in theme_line(cat, "en", 1, one.__class__(
        **{**one.__dict__, "change": 0.3}), "tour-1")  # not "▲ 0 pts"
    spanish = theme_line(cat, "es", 1, one, "tour-1")
    assert "1 positivo, 0 neutros, 1 negativo" in spanish and "1 punto desde" in spanish
    # every comment in "other": no "in 0 themes"
    other = ThemeLine("other", "other", 12, 1.0, (2, 5, 5), (), None)
    alone = section_message(cat, "en", Section("q", "Strengths", "", 12, True, (other,)), 10,
                            None).text
    assert alone.startswith("*Strengths*: 12 comments, none in a theme"), alone
    assert "0 themes" not in alone
    assert "ninguno en un tema" in section_message(
        cat, "es", Section("q", "Fortalezas", "", 12, True, (other,)), 10, None).text


async def close_with(app: Core, console: Console,
                     subs: list[tuple[dict[str, str], list[tuple[str, str, str | None]]]]
                     ) -> None:
    """Store `subs` as the answers of the open round (from the extra staff), then close it."""
    from tests.rounds_data import store as store_round

    async with app.deps.uow() as tx:
        rnd = await tx.rounds.get(ROUND)
        assert rnd is not None and rnd.opened_on is not None
        people = [p.id for p in await tx.people.all() if p.handle.startswith("s")]
        await store_round(tx, ROUND, rnd.opened_on.isoformat(), people[:len(subs)], subs,
                          rnd.opened_on)
        await tx.commit()
    await console.say(f"/pulse close {ROUND}")


async def test_no_question_goes_missing_from_a_view_without_a_word(clock: FakeClock) -> None:
    """A question a view could not show (nobody answered it, or too few people there) used to
    drop out of /themes and the report with nothing said: the chair was left to wonder where
    "Worries" went."""
    from tests.rounds_data import submissions

    app = await organisation(clock, 40)
    try:
        console = Console(app, clock)
        await console.say(":as amara", f"/pulse start {ROUND}")
        subs = [(segments, [a for a in answers if a[0] != "worries"])  # nobody worried
                for segments, answers in submissions(40, 11)]
        await close_with(app, console, subs)
        s = await whole_round(app)
        assert [w.question_id for w in s.withheld] == ["worries"]
        assert "worries" not in {q.question_id for q in s.questions}
        out = await chat(app, ROUND)
        held = ("These are left out here because too few people answered them (or nobody did), "
                "and showing them could identify someone: Worries.")
        assert held in out, out
        one = await chat(app, f"{ROUND} question=worries")
        assert one.startswith("“Worries” is left out here because too few people answered it "
                              "(or nobody did), and showing it could identify someone."), one
        assert "identify someone: Worries." in unescape(await report_html(app))
        async with app.deps.uow() as tx:
            chair = await tx.people.by_handle("jordan")
            assert chair is not None
            chair.locale = "es"
            await tx.commit()
        spanish = await chat(app, ROUND)
        assert ("Esto no se muestra aquí porque muy pocas personas lo respondieron (o nadie lo "
                "hizo), y mostrarlo podría identificar a alguien: Preocupaciones.") in spanish
    finally:
        await app.close()


def test_shares_of_a_whole_add_up_to_100_percent_and_equal_shares_show_equal() -> None:
    from conversations.results.model import percents

    assert percents([0.206, 0.204, 0.59]) == [21, 20, 59]  # not 21 + 20 + 59 ... = 100
    assert percents([0.345, 0.335, 0.32]) == [35, 33, 32]  # rounded one by one: 101
    assert sum(percents([0.2, 0.2, 0.15, 0.14, 0.13, 0.11, 0.07])) == 100  # was 101
    assert percents([0.5, 0.5]) == [50, 50] and percents([1.0]) == [100]
    # a tie is never split: 7 and 7 of 40 answers both read 17%, and the whole 99%
    assert percents([26 / 40, 7 / 40, 7 / 40]) == [65, 17, 17]
    assert percents([1 / 3, 1 / 3, 1 / 3]) == [33, 33, 33]
    # some shares hidden: the rest do not make a whole, each is rounded half up
    assert percents([0.125, None, 0.175]) == [13, None, 18]
    assert percents([]) == []


async def test_every_view_a_chair_reads_adds_up_to_100_percent(tour: Core) -> None:
    """Each share was rounded on its own, so a section could read 20+20+15+14+13+11+8 = 101%,
    and a rating 65+18+18. Now no view adds up to more than 100%, less only where equal
    counts keep equal percentages, and equal counts never show different ones."""
    groups: list[list[tuple[int, int]]] = []  # (count, percent) of each part of a whole
    for args in (f"{ROUND} employment=FT", ROUND):
        replies = await tour.router(TextReceived(address_for("jordan"), f"/themes {args}"))
        for m in replies:
            found = re.findall(r"^\d+\. \*.+?\*: (\d+) comments? \((\d+)%\)", m.text, re.M)
            if found:
                groups.append([(int(c), int(p)) for c, p in found])
            for line in m.text.splitlines():  # a rating with none of its three parts hidden
                if line.startswith("• ") and line.count("%)") == 3:
                    groups.append([(int(c), int(p)) for c, p in
                                   re.findall(r" (\d+) \((\d+)%\)", line)])
    assert len(groups) > 8
    for parts in groups:
        total = sum(p for _, p in parts)
        assert 100 - len(parts) < total <= 100, parts
        assert all(p == q for c, p in parts for d, q in parts if c == d), parts
        if len({c for c, _ in parts}) == len(parts):  # no tie: exactly 100
            assert total == 100, parts


TRAINING_TIME = "I have enough time during my paid hours to…"  # the rating's short title


async def test_a_question_too_few_answered_in_a_group_is_named_as_held_back(
        clock: FakeClock) -> None:
    """The other reason a view leaves a question out: people there answered it, but too few to
    show (Central: 2 of its 20 rated training time), or showing it would give the rest away
    (Eastside: the 2 outside it). The chair reads that it is held back (in the same words as
    for a question nobody answered: which one is never said), and the whole round shows it."""
    from tests.rounds_data import submissions

    app = await organisation(clock, 40)
    try:
        console = Console(app, clock)
        await console.say(":as amara", f"/pulse start {ROUND}")
        subs: list[tuple[dict[str, str], list[tuple[str, str, str | None]]]] = []
        for n, (_, answers) in enumerate(submissions(40, 11)):
            branch = "Central" if n % 2 else "Eastside"
            rated = branch == "Eastside" or n < 4  # two people in Central rated it
            subs.append(({"branch": branch},
                         [a for a in answers if rated or not a[0].startswith("training-time")]))
        await close_with(app, console, subs)
        s = await whole_round(app)
        assert "training-time" in {q.question_id for q in s.questions}
        for branch in ("Central", "Eastside"):
            out = await chat(app, f"{ROUND} branch={branch}")
            held = re.search(r"^These are left out here because too few people answered them "
                             r"\(or nobody did\), and showing them could identify someone: "
                             r"(.*)\.$", out, re.M)
            assert held, out
            assert held[1].split("; ")[0] == TRAINING_TIME, held[1]  # its "Why?" follows
            one = await chat(app, f"{ROUND} branch={branch} question=training-time")
            assert one == (f"“{TRAINING_TIME}” is left out here because too few people "
                           "answered it (or nobody did), and showing it could identify "
                           "someone."), one
    finally:
        await app.close()


async def test_an_unnamed_organisation_is_named_in_the_readers_language(tour: Core) -> None:
    """With OUTWARD_ORGANISATION unset, a Spanish chair's report said "your organisation"."""
    assert '<p class="meta">your organisation · <code>' in await report_html(tour)
    assert '<p class="meta">su organización · <code>' in await report_html(tour, ROUND, "es")
