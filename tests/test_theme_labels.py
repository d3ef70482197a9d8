"""Theme labels as a committee chair reads them: a word the comments write in capitals (ATM, PTO,
HR) keeps its capitals, an ordinary word keeps sentence case, and casing never changes which
themes are found."""

from __future__ import annotations

import itertools

from storage.themes import TfidfThemer, ThemeResult

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


# ---- a theme that holds every comment ----------------------------------------------------------

LANGUAGE = ["Oromo and Tigrinya speakers wait weeks for interpreters",
            "We lack Somali and Amharic materials",
            "Interpreters for Somali families are never available",
            "Colleagues who speak Mam are not paid for interpreting",
            "Interpreters for Vietnamese take too long",
            "Translated forms in Dari would help families"]
STAFFING = ["Short staffed at the desk every Saturday",
            "Desk coverage is impossible with two people",
            "Not enough staff to cover the desk during programs",
            "Kronos scheduling broke again and nobody fixed it",
            "Scheduling in Kronos ignores prayer times",
            "We are always short staffed on weekends",
            "Burnout from covering the desk alone",
            "Overtime every week because of vacancies"]


def _one_theme(texts: list[str]) -> tuple[str, str | None]:
    """The label and code of the one theme a summary's k_comments (10) leaves room for."""
    from storage.themes import load_codebook
    from tests.test_codebook import WORKPLACE

    result = TfidfThemer().theme(texts, load_codebook(WORKPLACE), min_theme_size=10)
    themes = [t for t in result.themes if not t.is_other]
    assert len(themes) == 1 and len(themes[0].members) == len(texts)
    return themes[0].label, themes[0].code


def test_one_theme_of_mixed_comments_is_named_by_what_they_mention_not_a_minority_code() -> None:
    """Half the comments are about interpreters, half about staffing: "Workload & staffing"
    for all twelve would tell a committee that staffing is all they said."""
    label, code = _one_theme(LANGUAGE + STAFFING[:6])
    assert label != "Workload & staffing" and code != "workload"
    assert label.startswith("Interpreters, ") and label.count(", ") == 2


def test_one_theme_that_mostly_says_one_codebook_thing_takes_its_name() -> None:
    assert _one_theme(STAFFING + LANGUAGE[:4])[0] == "Workload & staffing"


def test_a_word_only_seen_starting_a_sentence_does_not_outvote_its_capitals() -> None:
    """"Kronos scheduling broke" says nothing about how "Kronos" is written; "in Kronos" does.
    ("desk" is written in lower case where it tells, and keeps it.)"""
    from storage.themes.labels import PhraseIndex

    texts = ["Kronos scheduling broke again", "Kronos scheduling is slow",
             "Kronos scheduling forgets holidays", "Scheduling in Kronos ignores the desk",
             "Nobody fixed the Kronos scheduling", "Desk coverage is thin"]
    index = PhraseIndex(texts)
    assert index.written(list(range(len(texts))), "kronos scheduling") == "Kronos scheduling"
    assert index.written(list(range(len(texts))), "desk coverage") == "desk coverage"
    label, _ = _one_theme(LANGUAGE + STAFFING[:6])
    assert "Kronos" in label.split(", ")


def test_a_word_many_comments_share_but_that_names_no_topic_never_labels_alone() -> None:
    """"History Month", "Heritage Month" and "Pride Month" share "month": "Month" would tell a
    committee nothing."""
    texts = ["Black History Month displays got great feedback",
             "Hispanic Heritage Month displays were well attended",
             "Pride Month display survived this year", "Women's History Month reading list",
             "Asian Heritage Month display in the lobby", "Native American Heritage Month talks",
             "Arab American Heritage Month displays", "Jewish American Heritage Month events",
             "Disability Pride Month display", "Deaf Awareness Month display"]
    labels = [t.label for t in TfidfThemer().theme(texts, min_theme_size=10).themes]
    assert labels and not any(label.split(",")[0].strip().lower() == "month"
                              for label in labels), labels


def test_the_engine_names_themes_only_by_phrases_two_people_wrote() -> None:
    """The engine is told who wrote each comment: "dialysis" in two comments of one person
    names nothing; written by two people it may."""
    from storage.themes import TfidfThemer
    from tests.test_label_privacy import DIALYSIS, NINE_TOPICS

    texts = [*NINE_TOPICS, *DIALYSIS]
    one = [f"s{i}" for i in range(10)] + ["s9"]
    two = [f"s{i}" for i in range(11)]

    def shown(groups: list[str]) -> list[str]:
        result = TfidfThemer().theme(texts, min_theme_size=10, groups=groups)
        return [p for t in result.themes for s in (t, *t.subthemes)
                for p in (s.label, *s.key_phrases)]

    assert not any("dialysis" in p.lower() for p in shown(one))
    assert "Dialysis" in shown(two)


# ---- words only ever seen starting a sentence ---------------------------------------------------

CELEBRATIONS = ["Juneteenth displays in the lobby were lovely", "Juneteenth events drew a crowd",
                "Diwali displays brought the whole branch together",
                "Diwali events should get a budget",
                "Somali interpreters for heritage month were missing",
                "Somali interpreters asked about the events",
                "Displays for every heritage month, please", "Events like these matter to us",
                "Burnout is real but the displays helped", "Onboarding events were skipped"]
SPANISH = ["Falta de personal en la recepción", "Agotamiento del equipo por falta de personal",
           "Falta de personal los fines de semana", "Agotamiento en el turno de noche",
           "Falta capacitación sobre el sistema", "Agotamiento por las horas extra",
           "Falta de apoyo de la gerencia", "Agotamiento y falta de descanso",
           "Mayo fue el peor mes para el turno de noche", "Mayo otra vez sin descanso"]


def test_a_name_only_ever_written_at_a_sentence_start_keeps_its_capital() -> None:
    """Nobody wrote "Juneteenth" or "Diwali" mid-sentence, so how the comments write them says
    nothing: English writes them with a capital ("Displays, events, diwali" read as a typo to
    a chair). Common words at a sentence start ("Burnout", "Events", "Onboarding") stay lower
    case."""
    from storage.themes.labels import PhraseIndex

    index = PhraseIndex(CELEBRATIONS)
    every = list(range(len(CELEBRATIONS)))
    written = {p: index.written(every, p) for p in (
        "juneteenth displays", "diwali events", "somali interpreters", "burnout", "events",
        "onboarding events")}
    assert written == {"juneteenth displays": "Juneteenth displays",
                       "diwali events": "Diwali events",
                       "somali interpreters": "Somali interpreters", "burnout": "burnout",
                       "events": "events", "onboarding events": "onboarding events"}, written
    result = TfidfThemer().theme(CELEBRATIONS, min_theme_size=10)
    assert len(result.themes) == 1, [t.label for t in result.themes]
    mid = _written_mid_label(result)
    assert {"Diwali", "Juneteenth"} <= mid, mid
    assert not {"diwali", "juneteenth", "Events", "Displays", "Burnout"} & mid, mid


def _written_mid_label(result: ThemeResult) -> set[str]:
    """Words as written where a capital is not the start of a label: in key phrases and in
    the later parts of a label that lists several ("Displays, events, Diwali")."""
    return {w for t in result.themes for s in (t, *t.subthemes)
            for p in (*s.key_phrases, *s.label.split(", ")[1:]) for w in p.split(" ")}


def test_spanish_words_only_seen_starting_a_sentence_stay_lower_case() -> None:
    """The English lexicon does not know "falta" or "agotamiento" (and writes "Mayo" as a
    name): in Spanish comments they are common words, never capitalised mid-label, also in a
    round whose English comments have names at sentence starts."""
    texts = [*CELEBRATIONS, *SPANISH]
    result = TfidfThemer().theme(texts, min_theme_size=5)
    shown = {w.lower() for t in result.themes for p in t.key_phrases for w in p.split(" ")}
    mid = _written_mid_label(result)
    assert {"falta", "agotamiento", "mayo"} <= shown, shown
    assert not {"Falta", "Agotamiento", "Mayo"} & mid, mid
    assert {"Juneteenth", "Diwali"} & mid, mid
