"""Leaks found by attacking the scrubber with staff comments: names that are also words at a
sentence start, two-letter names, places and brands used as a colleague's name, a comment that
is only names, lower-case first name and surname pairs, ids that look like years.

Each case left a person's name (or id) in what a committee chair reads; the ordinary sentences
beside them must come back unchanged.
"""

from __future__ import annotations

import pytest

from storage.anonymise import Scrubber


@pytest.fixture(scope="module")
def scrubber() -> Scrubber:
    return Scrubber([])


def _same(scrubber: Scrubber, texts: list[str]) -> None:
    assert [scrubber.scrub(t) for t in texts] == texts


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a given name that is also a word, opening a sentence, before what people do or are
        ("Lee is rude to the pages.", "[NAME] is rude to the pages."),
        ("Lee never answers my emails.", "[NAME] never answers my emails."),
        ("Rose is rude to the pages.", "[NAME] is rude to the pages."),
        ("Mark is always late.", "[NAME] is always late."),
        ("Bill yelled at a patron.", "[NAME] yelled at a patron."),
        ("Hope refused to cover.", "[NAME] refused to cover."),
        # a lower-case first name and a surname that is also a word
        ("tom hanks visited", "[NAME] visited"),
        # two-letter names after a cue
        ("ask for mo at the desk", "ask for [NAME] at the desk"),
        ("ask mo about it", "ask [NAME] about it"),
        ("thanks to jo for covering", "thanks to [NAME] for covering"),
        ("ask ed about it", "ask [NAME] about it"),
        ("ask for ty", "ask for [NAME]"),
        # a place or a brand after a word for a colleague, a relative or a patron
        ("My coworker Paris is moving", "My coworker [NAME] is moving"),
        ("Our coworker Chevy", "Our coworker [NAME]"),
        ("my sister Hope works at the branch.", "my sister [NAME] works at the branch."),
        # a comment that is only given names
        ("Milagros y Consuelo", "[NAME] y [NAME]"),
        ("Milagros y Consuelo.", "[NAME] y [NAME]."),
        ("Rosa, Pilar y Consuelo", "[NAME], [NAME] y [NAME]"),
        # a year-like number labelled as an id or a badge
        ("ID 2024", "ID [NUMBER]"),
        ("my badge 1999 stopped working", "my badge [NUMBER] stopped working"),
    ],
)
def test_a_name_or_id_the_rules_missed_is_replaced(
        scrubber: Scrubber, text: str, expected: str) -> None:
    assert scrubber.scrub(text) == expected


def test_the_english_pipeline_alone_reads_a_comment_of_names() -> None:
    english_only = Scrubber([], recogniser="es:none")
    assert english_only.scrub("Milagros y Consuelo") == "[NAME] y [NAME]"


def test_the_ordinary_sentences_beside_those_names_are_kept(scrubber: Scrubber) -> None:
    _same(scrubber, [
        "Hope is all we have.",
        "Love is kind.",
        "Change is hard.",
        "May is a busy month.",
        "Patience is key.",
        "Will you answer me?",
        "Mark the date.",
        "Rose to the occasion.",
        "rose bushes died",
        "will power helps",
        "the library closed",
        "ask for Help if needed",
        "ask for HR",
        "ask for an ID",
        "Pregunta al sindicato por el contrato.",
        "I met the director Friday about it.",
        "Our librarian Spanish storytime is great.",
        "the supervisor Eastside branch",
        "My husband and I visit.",
        "May and June",
        "Paz y Justicia",
        "the staff 2024 retreat",
        "The 2024 budget was cut.",
        "In 2024 we got new chairs.",
    ])
