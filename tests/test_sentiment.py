"""Per-comment sentiment a chair can trust: workplace complaints, requests, Spanish."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from storage.themes import TfidfThemer, sentiment_scores, sentiments
from storage.themes.sentiment import is_spanish

REPO = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize(
    "text",
    [
        "No coverage at the desk",
        "Part-time staff are not paid for training time",
        "We are short staffed every weekend",
        "There is not enough time to finish shelving",
        "I can't take my lunch break when I am alone at the branch",
        "Too few pages for the number of returns",
        "Nobody listens to the evening shift",
        "The training was not helpful at all",
        # a request for more or better is about what is missing, not praise of "more"
        "We need more staff at the desk.",
        "We need better training.",
        "Need more hours for training",
        # what is asked for more of is missing too, however good a word it is
        "We need more support from management.",
        "Staff need more help on weekends",
        "We want better support for new hires",
    ],
)
def test_workplace_complaints_are_negative(text: str) -> None:
    assert sentiments([text]) == ["negative"]


@pytest.mark.parametrize(
    "text",
    [
        "Thank you for listening to the front desk team",
        "The de-escalation workshop was really helpful",
        "I appreciate the flexible schedule this year",
        "No problems with the new scheduling app, it works great",
        "Training is better now",
        "The team is great, we need more of this",
    ],
)
def test_praise_is_positive(text: str) -> None:
    assert sentiments([text]) == ["positive"]


def test_outreach_news_is_not_negative() -> None:
    assert sentiments(["Our story times reach families in three languages"]) != ["negative"]
    assert sentiments(["The staff meeting is on the second Tuesday of the month"]) == ["neutral"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("No hay suficiente personal en la biblioteca los fines de semana", "negative"),
        ("No nos pagan el tiempo de capacitación", "negative"),
        ("Falta de intérpretes para las familias", "negative"),
        ("Necesitamos más apoyo de la administración", "negative"),
        ("La capacitación fue excelente y muy útil", "positive"),
        ("Gracias por escuchar a los empleados", "positive"),
        ("La reunión es el martes a las diez", "neutral"),
    ],
)
def test_spanish_comments_are_scored_without_translation(text: str, expected: str) -> None:
    assert is_spanish(text)
    assert sentiments([text]) == [expected]


def test_english_is_not_mistaken_for_spanish() -> None:
    assert not is_spanish("No coverage at the desk")
    assert not is_spanish("The patrons come in from the library de la raza program")


def test_labels_align_with_input_and_scores_are_bounded() -> None:
    texts = ["", "Great team", "No coverage at the desk", "n/a", "Great team"]
    assert sentiments(texts) == ["neutral", "positive", "negative", "neutral", "positive"]
    assert all(-1.0 <= s <= 1.0 for s in sentiment_scores(texts))


def test_hand_labelled_workplace_comments_mostly_right() -> None:
    rows = list(csv.DictReader((REPO / "bench" / "data" / "workplace_sentiment.csv").open()))
    got = sentiments([r["text"] for r in rows])
    right = sum(g == r["sentiment"] for g, r in zip(got, rows, strict=True))
    assert right >= 0.75 * len(rows)
    # never the opposite polarity on a clearly negative Spanish or English complaint
    for g, r in zip(got, rows, strict=True):
        if r["text"] in ("No coverage at the desk", "No nos pagan el tiempo de capacitación"):
            assert g == "negative"


def test_theme_sentiment_counts_come_from_the_comment_labels() -> None:
    texts = (
        ["The training was great and very helpful."] * 6
        + ["Parking is terrible and awful."] * 4
        + ["The heating was fixed on Monday."] * 2
    )
    result = TfidfThemer().theme(texts)
    totals = [sum(t.sentiment[i] for t in result.themes) for i in range(3)]
    assert totals == [6, 2, 4]
    assert list(result.sentiments) == sentiments(texts)


def test_cues_tried_at_word_starts_are_the_cues_a_full_scan_finds() -> None:
    from storage.themes import sentiment as sentiment_module
    from tests.rounds_data import submissions

    texts = [t for _, answers in submissions(300, seed=3) for _, _, t in answers if t]
    texts += ["We don't get paid, nobody listens", "no problems at all", "Need more staff",
              "isn't it", "x2no coverage", "No coverage no coverage!", "too good, too slow",
              "No hay cobertura, falta de personal", "sin apoyo", "can't, cannot, couldn't"]
    for text in texts:
        lower = text.lower().replace("’", "'")
        for combined in (sentiment_module._EN_ANY, sentiment_module._ES_ANY):
            full = [(m.lastgroup, m.span()) for m in combined.finditer(lower)]
            fast = [(m.lastgroup, m.span())
                    for m in sentiment_module._cue_matches(combined, lower)]
            assert fast == full, text
