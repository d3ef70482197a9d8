"""Small cells a curious chair could read or work out from the results (chat, the report, the
CSV): a theme's sentiment split, a section's "other", the comments of a question too few people
answered, each checked as the chair would see it."""

from __future__ import annotations

import csv
import io
import re
from datetime import date
from html import unescape

from bot.bootstrap import Core
from bot.clock import FakeClock
from conversations.learning.stats import learning_stats_lines
from conversations.results.export import csv_text
from conversations.results.model import Section
from conversations.results.render import section_message
from conversations.results.themed import Themed, section_lines
from prompts.catalog import Catalog, load_catalog
from prompts.loader import builtin_tracks
from storage.learning_models import Enrolment
from storage.rows import ResponseRow
from storage.themes.model import Theme, ThemeResult
from tests.results_support import ROUND, organisation, report_html, tour_fixture
from tests.rounds_data import store, submissions
from tests.support import Console
from tests.test_chair_review import THEME_LINE, chat, whole_round

tour = tour_fixture(60)

SPLIT = re.compile(r"(\d+) positive, (\d+) neutral, (\d+) negative")
MOODS = {"mostly positive", "mostly neutral", "mostly negative", "mixed feelings"}


def _rows(n: int) -> list[ResponseRow]:
    """n comments to one open question, each from its own submission (person)."""
    return [ResponseRow(f"r{i}", "q1", "o1", "", f"comment number {i}", None, {}, f"s{i}", 1)
            for i in range(n)]


def _theme(tid: int, label: str, members: range, code: str = "") -> Theme:
    return Theme(id=tid, label=label, key_phrases=(), code=code or label.lower(),
                 members=tuple(members), sentiment=(0, 0, 0),
                 representatives=tuple(members))


def _section(themed: Themed, rows: list[ResponseRow], k: int) -> str:
    lines, total, ok = section_lines(themed, rows, k, seed="t")
    sec = Section("q1", "Strengths", "Strengths?", total, ok, tuple(lines))
    cat: Catalog = load_catalog()
    return section_message(cat, "en", sec, k, None).text


async def test_a_themes_sentiment_never_shows_a_part_of_fewer_than_k_people(
        tour: Core) -> None:
    """"Community partnerships & patrons: 38 comments · 24 positive, 10 neutral, 4 negative"
    (k_comments 10): four people's comments were negative, a group under k. A split is now
    shown as numbers only when every part is 0 or at least k, else in a word, in chat and
    in the report alike."""
    async with tour.deps.uow() as tx:
        rnd = await tx.rounds.get(ROUND)
        assert rnd is not None
        k = rnd.k_comments
    text = await chat(tour, ROUND)
    splits = [m[3] for m in THEME_LINE.finditer(text)]
    assert splits
    words = 0
    for split in splits:
        counts = SPLIT.fullmatch(split)
        if counts is None:
            assert split in MOODS, split
            words += 1
        else:
            assert all(int(c) == 0 or int(c) >= k for c in counts.groups()), split
    assert words, "this round has themes with small sentiment parts"
    # the report's theme tables, the same rule and the same words
    whole = await whole_round(tour)
    page = unescape(await report_html(tour))
    cells = re.findall(r'<span class="value">\d+ \(\d+%\)</span></td>\s*<td class="tone">'
                       r"([^<]*)</td>", page)
    assert cells
    for cell in (c.strip() for c in cells):
        counts = re.fullmatch(r"(\d+) positive, (\d+) neutral, (\d+) negative", cell)
        if counts is not None:
            assert all(int(c) == 0 or int(c) >= k for c in counts.groups()), cell
        else:
            assert cell in MOODS | {"not shown"}, cell
    assert any(t.mood for sec in (*whole.sections, whole.overall) for t in sec.themes)


def test_other_never_holds_fewer_than_k_people() -> None:
    """A section of 21 comments: "Staffing" 12, "Training" 6, and 3 comments in no theme.
    Shown as they were, "other: 3 comments" (and the 21 minus 12 and 6) told the chair that
    three people wrote about something else. The smallest theme now joins "other" until it
    holds none or at least k people."""
    rows = _rows(21)
    result = ThemeResult(
        themes=(_theme(0, "Staffing", range(0, 12)), _theme(1, "Training", range(12, 18)),
                _theme(2, "other", range(18, 21), code="other")),
        assignments=tuple([0] * 12 + [1] * 6 + [2] * 3),
        sentiments=tuple(["neutral"] * 21), engine="tfidf")
    themed = Themed(list(rows), result)
    text = _section(themed, rows, 5)
    counts = [int(n) for n in re.findall(r": (\d+) comments? \(", text)]
    assert counts == [12, 9], text  # Staffing, then other (Training's 6 and the 3)
    assert "*Training*" not in text
    # a theme that leaves no small rest stays
    rows = _rows(23)
    result = ThemeResult(
        themes=(_theme(0, "Staffing", range(0, 12)), _theme(1, "Training", range(12, 18)),
                _theme(2, "other", range(18, 23), code="other")),
        assignments=tuple([0] * 12 + [1] * 6 + [2] * 5),
        sentiments=tuple(["neutral"] * 23), engine="tfidf")
    text = _section(Themed(list(rows), result), rows, 5)
    assert [int(n) for n in re.findall(r": (\d+) comments? \(", text)] == [12, 6, 5], text


def test_sub_themes_too_small_to_show_are_never_fewer_than_k_people() -> None:
    """Inside a theme of 14: sub-themes of 6 and 6 and 2 comments in none. "other: 2
    comments in sub-themes too small to show" gave two people away; a sub-theme now joins
    them (and with one sub-theme left, none is listed)."""
    rows = _rows(14)
    subs = (_theme(0, "Desk", range(0, 6)), _theme(1, "Shifts", range(6, 12)))
    theme = Theme(id=0, label="Staffing", key_phrases=(), code="staffing",
                  members=tuple(range(14)), sentiment=(0, 14, 0),
                  representatives=tuple(range(14)), subthemes=subs)
    result = ThemeResult(themes=(theme,), assignments=tuple([0] * 14),
                         sentiments=tuple(["neutral"] * 14), engine="tfidf")
    lines, _, ok = section_lines(Themed(list(rows), result), rows, 5, seed="t")
    assert ok and lines[0].label == "Staffing"
    assert lines[0].subthemes == () and lines[0].other_in_theme == 0


async def test_report_page_and_chat_agree_on_the_words_in_spanish(tour: Core) -> None:
    """The split in a word reads in the chair's language."""
    page = unescape(await report_html(tour, locale="es"))
    assert re.search(r"mayormente (positivos|neutros|negativos)|opiniones mixtas", page)


async def test_a_question_too_few_answered_does_not_count_in_all_comments(
        clock: FakeClock) -> None:
    """Three people explained why they feel safe (or not) raising concerns: fewer than k, so
    that section reads "fewer than 10 people wrote comments here". But "All comments, across
    questions" counted them: its total minus the sections shown was 3, and its themes could
    quote them. Their comments now neither show nor change a total, in chat and in the CSV."""
    app = await organisation(clock, 40)
    console = Console(app, clock)
    await console.say(":as amara", "/pulse start listening-tour")
    subs = submissions(40)
    few = 0
    for _, answers in subs:
        for a in list(answers):
            if a[0] == "safe-to-raise.why":
                if few >= 3:
                    answers.remove(a)
                few += 1
    assert few >= 3
    async with app.deps.uow() as tx:
        rnd = await tx.rounds.get(ROUND)
        assert rnd is not None and rnd.opened_on is not None
        people = [p.id for p in await tx.people.all() if p.handle.startswith("s")]
        await store(tx, ROUND, rnd.opened_on.isoformat(), people[:40], subs, rnd.opened_on)
        await tx.commit()
    await console.say(f"/pulse close {ROUND}")
    text = await chat(app, ROUND)
    sections = dict(re.findall(r"^\*(.+?)\*: (\d+) comments? in", text, re.M))
    assert "Why? (I feel safe raising concerns about…)" not in sections, text
    overall = int(sections.pop("All comments, across questions"))
    assert overall == sum(int(n) for n in sections.values()), text
    # the CSV counts the same comments
    whole = await whole_round(app)
    table = list(csv.DictReader(io.StringIO(csv_text(whole, [], 5, 10))))
    totals = {row["question_id"]: int(row["answers"]) for row in table
              if row["kind"] == "theme"}
    assert totals["all-comments"] == overall, totals
    assert "safe-to-raise.why" not in totals
    hidden = {t for _, answers in subs for q, _, t in answers if q == "safe-to-raise.why"}
    quoted = {q for t in whole.overall.themes for q in t.quotes}
    assert not quoted & hidden
    await app.close()


def _enrolment(status: str, sent: int, done: int, steps: list[str]) -> Enrolment:
    return Enrolment(person_id=1, track_id="allyship", status=status,
                     enrolled_on=date(2026, 1, 5), sent=steps[:sent], done=steps[:done])


def test_learning_stats_never_let_two_numbers_give_a_small_group_away() -> None:
    """Fifteen enrolled in a 7-step track: 10 finished, 5 still taking part (2 of them have
    step 7, not done; 1 got step 1 only). "/learn stats" showed "10 finished" and "step 7:
    sent to 12 people, done by hidden": 12 - 10 = the two who have not done it. And step 1
    "sent to 15" beside step 2 "sent to 14": the one who is behind. No two numbers shown now
    differ by 1..k-1, in chat and in the learning report (the same lines)."""
    track = builtin_tracks()["allyship"]
    steps = [s.id for s in track.steps]
    enrolments = ([_enrolment("finished", 7, 7, steps) for _ in range(10)]
                  + [_enrolment("active", 7, 6, steps) for _ in range(2)]
                  + [_enrolment("active", 3, 3, steps) for _ in range(2)]
                  + [_enrolment("active", 1, 0, steps)])
    cat = load_catalog()
    lines = learning_stats_lines(cat, "en", track, enrolments, 5)
    assert "15 people enrolled (5 still taking part, 10 finished, 0 left the track)" in lines[0]
    numbers = [int(n) for n in re.findall(r"\b(\d+)\b(?! \()", " ".join(
        re.sub(r"step \d+ \([^)]*\)", "", line) for line in lines))]
    assert numbers, lines
    for a in numbers:
        for b in numbers:
            assert abs(a - b) == 0 or abs(a - b) >= 5, (a, b, lines)
    assert "step 7 (share-the-load): sent to a hidden number of people" in lines[-1], lines
    assert "step 2 (follow-their-lead): sent to a hidden number of people" in lines[2], lines
    es = learning_stats_lines(cat, "es", track, enrolments, 5)
    assert "enviado a un número oculto de personas" in es[-1], es
