"""A chair's results after a realistic listening-tour round (tests/rounds_data.py), on the real
core: every question with its numbers, the SWOT themes question by question with readable
labels and fitting quotes, sentiment, a chart with labels, `question=` and `theme=`, the CSV
and the headlines for a share-back."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from adapters.console.adapter import address_for
from bot.bootstrap import Core
from bot.clock import FakeClock
from conversations.events import TextReceived
from conversations.messages import Message
from conversations.results.export import COLUMNS, csv_text
from conversations.results.headlines import headlines
from conversations.results.report import Reports
from conversations.results.summary import Summaries
from storage.themes.text import clean
from tests.results_support import ROUND, organisation, realistic_round, tour_fixture
from tests.rounds_data import COMMENTS
from tests.support import Console

N = 150
SWOT = {"Strengths": "strengths", "Weaknesses": "barriers", "Opportunities": "opportunities",
        "Worries": "worries"}


tour = tour_fixture(N)


async def themes(app: Core, args: str = ROUND) -> list[Message]:
    return await app.router(TextReceived(address_for("jordan"), f"/themes {args}".strip()))


def topic_of(quote: str, question: str) -> str | None:
    """Which topic of `question` a quote was written from (None: not from that question)."""
    low = quote.lower()
    for topic, phrases in COMMENTS[question].items():
        if any(p.lower() in low for p in phrases):
            return topic
    return None


def section(replies: list[Message], title: str) -> Message:
    return next(m for m in replies if m.text.startswith(f"*{title}*"))


def theme_lines(text: str) -> list[tuple[str, int, int]]:
    """(label, comments, share %) of every theme line of a section."""
    return [(m[1], int(m[2]), int(m[3])) for m in
            re.finditer(r"^\d+\. \*(.+?)\*: (\d+) comments? \((\d+)%\)", text, re.M)]


async def test_the_chair_sees_every_question_with_its_numbers(tour: Core) -> None:
    replies = await themes(tour)
    text = "\n".join(m.text for m in replies)
    assert f"Participation: {N} of" in text
    # every rating: average, n and the disagree / neutral / agree split with counts
    for statement in ("I have enough time during my paid hours", "I feel safe raising concerns",
                      "I believe leadership will act"):
        line = next(li for li in text.splitlines() if statement in li)
        assert re.search(r"average \d\.\d \(\d+ answers\)", line), line
        parts = re.findall(r"(disagree|neutral|agree) (\d+) \((\d+)%\)", line)
        assert [p[0] for p in parts] == ["disagree", "neutral", "agree"], line
        assert all(int(count) >= 5 for _, count, _ in parts)  # every part shown is 5+ people
    # the priority question, ranked: most chosen first, counts going down
    block = text.split("*Which should the committee work on first?*", 1)[1]
    options = re.findall(r"^\s+(\d+)\. (.+?): (\d+) \((\d+)%\)$", block, re.M)[:5]
    assert options[0][1] == "Training and learning"
    counts = [int(o[2]) for o in options]
    assert counts == sorted(counts, reverse=True) and sum(counts) <= N


async def test_swot_themes_by_question_with_readable_labels_fitting_quotes_and_sentiment(
        tour: Core) -> None:
    replies = await themes(tour)
    for title, qid in SWOT.items():
        msg = section(replies, title)
        lines = theme_lines(msg.text)
        named = [li for li in lines if li[0] != "other"]
        assert 2 <= len(named) <= 12, msg.text
        for label, _, _ in named:  # readable: short, words, a capital, never cut mid-word
            assert 2 <= len(label) <= 40 and label[0].isupper() and "…" not in label, label
        other = sum(share for label, _, share in lines if label == "other")
        assert other <= 25, f"{title}: other is {other}%"
        # each theme's sentiment: its split, or (a part of fewer than k people) in a word
        assert len(re.findall(r"\d+ positive, \d+ neutral, \d+ negative|mostly "
                              r"(?:positive|neutral|negative)|mixed feelings", msg.text)
                   ) == len(lines), msg.text
        # quotes come from this question's answers, one per theme
        assert msg.quotes and all(topic_of(q, qid) for q in msg.quotes), (title, msg.quotes)
    # a worry sounds negative on the whole; a strength positive
    worry = theme_lines(section(replies, "Worries").text)
    assert worry
    strengths = section(replies, "Strengths").text
    pos = sum(int(n) for n in re.findall(r"(\d+) positive", strengths))
    neg = sum(int(n) for n in re.findall(r"(\d+) negative", strengths))
    pos += strengths.count("mostly positive")
    neg += strengths.count("mostly negative")
    assert pos > neg
    # one question in detail: each theme's two quotes are from different people and fit it
    detail = await themes(tour, f"{ROUND} question=barriers")
    quoted = [m for m in detail if m.quotes]
    assert len(quoted) >= 2
    fitting = 0
    for m in quoted:
        assert len(set(m.quotes)) == len(m.quotes)
        topics = {topic_of(q, "barriers") for q in m.quotes}
        assert None not in topics
        fitting += len(topics) == 1
    assert fitting >= len(quoted) - 1, [m.quotes for m in quoted]


async def test_the_overall_themes_come_with_a_chart_of_their_labels(tour: Core) -> None:
    replies = await themes(tour)
    head, overall = replies[0], replies[-1]
    assert overall.text.startswith("*All comments, across questions*")
    lines = theme_lines(overall.text)
    assert [(label, round(100 * share)) for label, share in head.chart] == \
        [(label, share) for label, _, share in lines]
    assert head.chart_title
    assert "Themes were found by grouping comments that use the same words" in head.text
    assert "TF-IDF" not in head.text and "engine" not in head.text
    from adapters.chart import chart_png

    assert chart_png(head.chart, head.chart_title).startswith(b"\x89PNG")


BLOCKS = re.compile("[\u2580-\u259f]")  # block elements: "█", "░" and their kin


async def test_theme_shares_are_data_for_a_bar_never_block_characters_in_the_text(
        tour: Core, clock: FakeClock) -> None:
    """A screen reader reads "████░░░░" aloud character by character (on Slack and Teams,
    20 times a theme): the text says each share as a percent, and the share goes along as
    data, pointing at its theme's line, for a display that draws a bar (the console)."""
    replies = [*await themes(tour), *await themes(tour, f"{ROUND} question=barriers"),
               *await themes(tour, f"{ROUND} question=barriers theme=1")]
    barred = 0
    for m in replies:
        assert not BLOCKS.search(m.text), m.text
        lines = m.text.split("\n")
        themed = [i for i, li in enumerate(lines) if re.match(r"^\d+\. \*.+?\*: \d+ comm", li)]
        assert [i for i, _ in m.bars] == themed, (m.text, m.bars)
        for i, share in m.bars:
            assert f"({round(100 * share)}%)" in lines[i], (lines[i], share)
        barred += len(m.bars)
    assert barred >= 10

    # the console draws each bar on its own line under its theme, as long as its share
    console = Console(tour, clock)
    out = (await console.say(":as jordan", f"/themes {ROUND}")).splitlines()
    drawn = [(before, line.strip()) for before, line in zip(out, out[1:], strict=False)
             if BLOCKS.search(line)]
    assert len(drawn) >= 10
    for before, line in drawn:
        share = int(re.findall(r"\((\d+)%\)", before)[0])
        assert re.fullmatch("█+░*", line) and len(line) == 20, line
        assert line.count("█") == max(1, round(20 * share / 100)), (before, line)


async def test_question_and_theme_arguments_are_checked(tour: Core, clock: FakeClock) -> None:
    console = Console(tour, clock)
    await console.say(":as jordan")
    out = await console.say(f"/themes {ROUND} question=barriers theme=1")
    assert "Weaknesses" in out
    assert ("1.1 " in out and "Quotes, one for each sub-theme" in out) or "no sub-themes" in out
    out = await console.say(f"/themes {ROUND} theme=1")  # the overall themes' first
    assert "All comments, across questions" in out
    for args, expected in (
        ("theme=0", "numbered 1 to"), ("theme=99", "numbered 1 to"),
        ("theme=two", "theme= takes a theme's number"), ("theme=1 theme=2", "theme= takes"),
        ("question=nope", "There is no question nope"),
        ("question=first-priority theme=1", "not an open question"),
        ("question=", "Usage: /themes"),
        ("question=strengths shoe=9", "“shoe” is not a group I can show. Groups are branch=NAME"),
    ):
        out = await console.say(f"/themes {ROUND} {args}")
        assert expected in out, (args, out)
        assert "Traceback" not in out
    out = await console.say(f"/themes {ROUND} question=first-priority")
    assert "1. Training and learning" in out and "Strengths" not in out


async def test_the_csv_holds_aggregates_of_k_or_more_and_never_a_quote(tour: Core) -> None:
    summaries = Summaries(tour.deps)
    async with tour.deps.uow() as tx:
        rnd = await tx.rounds.get(ROUND)
        assert rnd is not None
        built = await Reports(tour.deps, summaries).build(tx, rnd)
        assert not isinstance(built, Exception) and isinstance(built, tuple)
        whole, groups = built
        text = csv_text(whole, groups, rnd.k_responses, rnd.k_comments)
    rows = list(csv.DictReader(io.StringIO(text)))
    assert tuple(rows[0]) == COLUMNS
    assert groups and {r["segment"] for r in rows} >= {"", "branch"}
    kinds = {r["kind"] for r in rows}
    assert kinds == {"participation", "rating", "choice", "theme"}  # participation: one row
    assert all(int(r["count"]) >= rnd.k_responses for r in rows), "no row below k"
    assert all(int(r["count"]) >= rnd.k_comments for r in rows if r["kind"] == "theme")
    quotes = {q for m in await themes(tour, f"{ROUND} question=barriers") for q in m.quotes}
    phrases = [p for topics in COMMENTS.values() for ps in topics.values() for p in ps]
    for phrase in phrases:  # no comment, nor any phrase people wrote, is in the CSV
        assert phrase.lower() not in text.lower()
    assert quotes and not any(q in text for q in quotes)
    one = [(r["question_id"], r["item"], r["segment"], r["value"]) for r in rows]
    assert len(one) == len(set(one)), "one row per question x option/theme x group"
    # every choice question a view shows has its answers row, like a rating, even when each
    # of its options is held back (the chat then still says "(12 answers)")
    for view in (whole, *(g for _, g in groups)):
        for c in view.choices:
            segment, value = (view.scope.split("=", 1) if view.scope else ("", ""))
            got = [r for r in rows if (r["question_id"], r["item"], r["segment"], r["value"])
                   == (c.question_id, "all answers", segment, value)]
            assert [r["count"] for r in got] == [str(c.answers)], (view.scope, c.question_id)


def test_csv_cells_keep_numbers_as_numbers_and_formulas_as_text() -> None:
    from conversations.results.export import _cell

    # a fall of 1.5 points opens as a number in a spreadsheet, not as the text '-1.5
    assert [_cell(v) for v in ("-1.5", "+2", "-3", "0.25", 4)] == ["-1.5", "+2", "-3", "0.25", "4"]
    # what a spreadsheet would run stays text (a question or theme label someone wrote)
    assert [_cell(v) for v in ("=HYPERLINK(\"x\")", "-1+cmd|' /C calc'!A0", "@SUM(A1)",
                               "+1-2", "-")] == [
        "'=HYPERLINK(\"x\")", "'-1+cmd|' /C calc'!A0", "'@SUM(A1)", "'+1-2", "'-"]


async def test_headlines_for_a_share_back_pass_the_thresholds(tour: Core) -> None:
    async with tour.deps.uow() as tx:
        rnd = await tx.rounds.get(ROUND)
        assert rnd is not None
        got = await headlines(tour.deps, tx, rnd)
        await tx.commit()
    assert got is not None and got.completed == N
    kinds = [h.kind for h in got.items]
    assert kinds.count("rating") == 3 and kinds.count("choice") == 1
    assert 1 <= kinds.count("theme") <= 3
    assert all(h.count is None or h.count >= rnd.k_responses for h in got.items)
    ratings = [h for h in got.items if h.kind == "rating"]
    assert all(h.mean is not None and h.answers >= rnd.k_responses for h in ratings)
    top = next(h for h in got.items if h.kind == "choice")
    assert top.label == "Training and learning"


async def test_the_semantic_engine_encodes_a_rounds_comments_once_in_one_pass(
        clock: FakeClock, tmp_path: Path) -> None:
    from tests.test_clustering import hashed_words

    app = await organisation(clock, N, env={"OUTWARD_THEMES_MODEL": str(tmp_path),
                                            "OUTWARD_THEMES_ENGINE": "",
                                            "OUTWARD_SEMANTIC_MAX_COMMENTS": "5000"})
    try:
        await realistic_round(app, clock, N)
        themer = app.deps.themer
        themer.load()
        calls: list[list[str]] = []
        themer._engine._encoder = lambda texts: calls.append(list(texts)) or hashed_words(texts)
        replies = await themes(app)
        assert "grouping comments that say similar things" in replies[0].text, replies[0].text
        async with app.deps.uow() as tx:
            rnd = await tx.rounds.get(ROUND)
            assert rnd is not None
            comments = {r.text for r in await tx.responses.rows_for_round(rnd.id) if r.text}
        # the overall view first: every comment of the round in one call, each once; every
        # question's theming then reads its comments from the cache
        assert len(calls) == 1, [len(c) for c in calls]
        assert len(calls[0]) == len(set(calls[0]))
        assert set(calls[0]) == {" ".join(clean(c).split()) for c in comments}
    finally:
        await app.close()
