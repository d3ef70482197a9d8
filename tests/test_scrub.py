"""What the scrubber promises respondents: no names, contacts, links or mentions survive."""

from __future__ import annotations

import json

import pytest

from storage.anonymise import NameRecogniser, Scrubber
from tests.support import shared_data

ROSTER = [
    "Maria Lopez-Garcia",
    "Will Brown",
    "Grace O'Neil",
    "Dr. Hope Young",
    "Krisztián Szöllösy",
    "Tomasz Kowalczyk",
]


@pytest.fixture(scope="module")
def scrubber() -> Scrubber:
    return Scrubber(ROSTER)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Maria was great at the desk.", "[NAME] was great at the desk."),
        ("maria lopez-garcia covered my shift", "[NAME] covered my shift"),
        ("Maria's supervisor agreed.", "[NAME]'s supervisor agreed."),
        ("I asked Tomasz Kowalczyk twice", "I asked [NAME] twice"),
        ("Ask KOWALCZYK about it", "Ask [NAME] about it"),
        ("Krisztian Szollosy wrote the memo", "[NAME] wrote the memo"),
        ("I told Will about it", "I told [NAME] about it"),
        ("Grace O'Neil runs the branch", "[NAME] runs the branch"),
        ("Grace said no.", "[NAME] said no."),
        ("Heather and Hope Young met", "Heather and [NAME] met"),
    ],
)
def test_roster_names_are_replaced(scrubber: Scrubber, text: str, expected: str) -> None:
    assert scrubber.scrub(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Will you help me with the schedule?",
        "Hope this helps.",
        "I hope for some grace from management.",
        "We will long remember the young volunteers.",
        "The brown paper bags are in the back room.",
        "Maybe the branch could add weekend hours.",
        "The training was useful and the workload is high.",
        "Parking near the main library is impossible after 5pm.",
        "We had 3 new hires in 2024, up from 2 in 2023.",
    ],
)
def test_sentences_without_personal_data_are_unchanged(scrubber: Scrubber, text: str) -> None:
    assert scrubber.scrub(text) == text


def test_names_inside_words_are_not_touched(scrubber: Scrubber) -> None:
    assert scrubber.scrub("Mariachi night was fun") == "Mariachi night was fun"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("write to jane.doe@county.gov please", "write to [EMAIL] please"),
        ("or j_smith+hr@library.example.org", "or [EMAIL]"),
        ("call me at (206) 555-0143", "call me at [PHONE]"),
        ("my cell is +44 20 7946 0958", "my cell is [PHONE]"),
        ("extension 555-0143 works", "extension [PHONE] works"),
        ("see https://intranet.county.local/hr/policy?id=7", "see [URL]"),
        ("see www.kcls.org for hours", "see [URL] for hours"),
        ("card 4111 1111 1111 1111 was charged", "card [NUMBER] was charged"),
        ("employee id 00451234 on file", "employee id [NUMBER] on file"),
        ("ssn 536-22-8726", "ssn [NUMBER]"),
    ],
)
def test_contacts_links_and_numbers_are_replaced(
    scrubber: Scrubber, text: str, expected: str
) -> None:
    assert scrubber.scrub(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("thanks <@U024BE7LH> for covering", "thanks [MENTION] for covering"),
        ("<@U024BE7LH|maria> said so", "[MENTION] said so"),
        ("<!here> the van is late", "[MENTION] the van is late"),
        ("<!channel> heads up", "[MENTION] heads up"),
        ("ping <!subteam^SAZ94GDB8|@branch-leads>", "ping [MENTION]"),
        ("posted in <#C024BE7LR|general>", "posted in [CHANNEL]"),
        ("ask @jsmith or @branch-leads", "ask [MENTION] or [MENTION]"),
        ("<at>Someone Else</at> can you approve?", "[MENTION] can you approve?"),
        ("see <https://example.com/a|this page>", "see [URL]"),
        ("mail <mailto:a@b.org|a@b.org>", "mail [EMAIL]"),
    ],
)
def test_chat_mentions_and_channels_are_replaced(
    scrubber: Scrubber, text: str, expected: str
) -> None:
    assert scrubber.scrub(text) == expected


def test_without_ner_only_the_roster_and_contacts_are_scrubbed() -> None:
    plain = Scrubber(recogniser=None)
    assert plain.scrub("Maria at maria@x.org") == "Maria at [EMAIL]"
    assert plain.scrub("") == ""
    assert Scrubber(recogniser="none").recogniser is None


def test_no_roster_still_scrubs_names_by_default() -> None:
    assert Scrubber().scrub("Maria at maria@x.org") == "[NAME] at [EMAIL]"


def test_unknown_spacy_model_is_a_clear_error_never_a_download(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import spacy.cli

    def no_download(*args: object, **kwargs: object) -> None:
        raise AssertionError("a model download was attempted")

    monkeypatch.setattr(spacy.cli, "download", no_download)
    recogniser = NameRecogniser({"en": "en_core_web_nonexistent"})
    with pytest.raises(ValueError, match="en_core_web_nonexistent"):
        recogniser.check()
    with pytest.raises(ValueError, match="en_core_web_nonexistent"):
        Scrubber(["A Person"], recogniser=recogniser).scrub("A Person was here")


def test_recall_on_presidio_synthetic_data() -> None:
    path = shared_data() / "presidio_research_pii" / "synth_dataset_v2.json"
    if not path.exists():
        pytest.skip(f"shared data not found at {path} (set OUTWARD_SHARED_DATA)")
    rows = json.loads(path.read_text(encoding="utf-8"))[:400]
    roster = {s["entity_value"] for r in rows for s in r["spans"] if s["entity_type"] == "PERSON"}
    scrubber = Scrubber(roster)
    found = total = 0
    for row in rows:
        out = scrubber.scrub(row["full_text"])
        for span in row["spans"]:
            if span["entity_type"] in ("EMAIL_ADDRESS", "PHONE_NUMBER", "CREDIT_CARD", "PERSON"):
                total += 1
                found += span["entity_value"] not in out
        if not row["spans"]:
            assert out == row["full_text"]
    assert total > 50
    assert found / total >= 0.95
