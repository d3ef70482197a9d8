"""Theme labels as a committee chair reads them: a word the comments write in capitals (ATM, PTO,
HR) keeps its capitals, an ordinary word keeps sentence case, and casing never changes which
themes are found."""

from __future__ import annotations

import itertools

from storage.themes import TfidfThemer

TOPICS = {
    "atm": (
        ["The ATM in the lobby", "Our lobby ATM", "That ATM by the entrance", "The lobby ATM",
         "ATM at the main branch", "the ATM in the lobby"],
        ["keeps eating cards", "is out of order again", "runs out of cash", "was broken all week",
         "has no receipt paper"],
    ),
    "pto": (
        ["The PTO policy", "Our PTO policy", "PTO policy for part-timers", "The new PTO policy",
         "This PTO policy", "the PTO policy"],
        ["is confusing", "punishes part-time staff", "changed without notice",
         "needs a plain summary", "is applied unevenly"],
    ),
    "hr": (
        ["The HR response to complaints", "HR response times", "Every HR response",
         "The slow HR response", "HR response to grievances", "Our HR response"],
        ["takes months", "feels defensive", "never reaches the branch", "is a form letter",
         "ignores what happened"],
    ),
    "desk": (
        ["Desk coverage", "Our desk coverage", "Weekend desk coverage", "DESK COVERAGE",
         "The desk coverage", "Evening desk coverage"],
        ["is thin on weekends", "falls apart at lunch", "depends on volunteers",
         "leaves one person alone", "needs a rota"],
    ),
}


def _round() -> tuple[list[str], list[str]]:
    texts, topics = [], []
    for topic, (starts, ends) in TOPICS.items():
        for start, end in itertools.islice(itertools.product(starts, ends), 24):
            texts.append(f"{start} {end}.")
            topics.append(topic)
    return texts, topics


def _labels(texts: list[str], topics: list[str]) -> dict[str, str]:
    result = TfidfThemer().theme(texts)
    out = {}
    for topic in TOPICS:
        first = topics.index(topic)
        out[topic] = result.theme_of(first).label
    return out


def test_acronyms_keep_their_capitals_and_ordinary_words_sentence_case() -> None:
    texts, topics = _round()
    labels = _labels(texts, topics)
    assert "ATM" in labels["atm"].split(), labels
    assert labels["pto"] == "PTO policy", labels
    assert labels["hr"] == "HR response", labels
    # one comment shouting "DESK COVERAGE" does not outvote the others
    assert labels["desk"] == "Desk coverage", labels
    # sub-theme labels and key phrases too: "Slow HR", never "Slow hr"
    result = TfidfThemer().theme(texts)
    shown = [p for t in result.themes for s in (t, *t.subthemes) for p in (s.label, *s.key_phrases)]
    words = [w for p in shown for w in p.split()]
    assert {"ATM", "PTO", "HR"} <= set(words), shown
    assert not {"Atm", "atm", "Pto", "pto", "Hr", "hr"} & set(words), shown


def test_casing_changes_labels_only_never_the_themes() -> None:
    texts, _ = _round()
    written = TfidfThemer().theme(texts)
    lowered = TfidfThemer().theme([t.lower() for t in texts])
    assert written.assignments == lowered.assignments
    assert [t.label.lower() for t in written.themes] == [t.label.lower() for t in lowered.themes]
    assert [t.code for t in written.themes] == [t.code for t in lowered.themes]
    # comments written in lower case give sentence-case labels
    assert all(t.label[:1].isupper() and t.label[1:] == t.label[1:].lower()
               for t in lowered.themes), [t.label for t in lowered.themes]


def test_a_sentence_ending_in_an_ellipsis_or_emoji_ends_its_phrases() -> None:
    """Chat apps write "..." as one character (…) and Teams sends emoji as characters: a new
    sentence starts after either. Before, "staff… Parking" read as the key phrase "staff
    parking", and the new sentence's capital as how the comments write "Parking"."""
    from storage.themes.labels import read

    for text in ("We need more staff… Parking is awful", "We need more staff 🙂 Parking is awful",
                 "Great team ❤ Parking is awful", "Gracias al equipo ¿Horario del mostrador?"):
        phrases, capitals = read(text)
        assert not any(len(key) > 1 and key[-1] in ("park", "horario") for key in phrases), (
            text, phrases)
        assert capitals == {}, (text, capitals)
