"""Theming as a committee chair sees it: distinct topics come out as distinct themes."""

from __future__ import annotations

import csv
import os
import random
from pathlib import Path

import pytest
from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

from storage.themes import (
    Codebook,
    CodebookTheme,
    EmbeddingThemer,
    TfidfThemer,
    ThemeResult,
    load_codebook,
    quotes,
)

REPO = Path(__file__).resolve().parents[1]
WORKPLACE = REPO / "prompts" / "codebooks" / "workplace.yaml"

TOPICS: dict[str, tuple[list[str], list[str]]] = {
    "workload": (
        [
            "We are short staffed",
            "The workload is crushing",
            "Nobody covers the desk",
            "Overtime every single week",
            "Too many open shifts",
            "I am exhausted from the workload",
            "Understaffed branches burn people out",
        ],
        [
            "at the desk",
            "since spring",
            "on weekends",
            "and burnout is real",
            "every day",
            "with no relief",
            "during summer reading",
        ],
    ),
    "training": (
        [
            "The training on the new catalog",
            "Our onboarding training",
            "The de-escalation workshop",
            "Online training modules",
            "Training for new pages",
            "The training webinar",
            "Professional development training",
        ],
        [
            "was rushed",
            "was really helpful",
            "needs more practice time",
            "should be repeated",
            "was too short",
            "helped me learn a lot",
            "needs a trainer on site",
        ],
    ),
    "parking": (
        [
            "Parking near the branch",
            "The staff parking lot",
            "Finding parking",
            "The parking garage",
            "Parking for evening shifts",
            "Street parking downtown",
            "Patron parking spaces",
        ],
        [
            "is impossible",
            "costs too much",
            "is unsafe after dark",
            "takes twenty minutes",
            "was cut in half",
            "is always full",
            "needs better lighting",
        ],
    ),
}
MORE_TOPICS: dict[str, tuple[list[str], list[str]]] = {
    "pay": (
        [
            "Our salary",
            "The pay scale",
            "Pay for part-time staff",
            "The last raise",
            "Wages for pages",
            "Health insurance premiums",
            "Our pay",
        ],
        [
            "is below nearby counties",
            "has not kept up with rent",
            "was years ago",
            "keeps getting worse",
            "needs a cost of living increase",
            "is not fair",
            "is too low",
        ],
    ),
    "safety": (
        [
            "Security at the entrance",
            "An aggressive patron",
            "Incident reports",
            "The panic button",
            "Safety after dark",
            "Police response",
            "Security staffing",
        ],
        [
            "made staff feel unsafe",
            "go nowhere",
            "does not work",
            "is a real concern",
            "takes too long",
            "should be reviewed",
            "needs attention",
        ],
    ),
    "communication": (
        [
            "Emails from admin",
            "Announcements about policy",
            "The intranet news",
            "Meeting notes",
            "Updates from leadership",
            "Communication about changes",
            "The staff newsletter",
        ],
        [
            "arrive too late",
            "are unclear",
            "are never shared",
            "come from patrons first",
            "leave us out of the loop",
            "should explain why",
            "are confusing",
        ],
    ),
}


def _comments(
    per_topic: int = 20, seed: int = 3, more: bool = False
) -> tuple[list[str], list[str]]:
    rng = random.Random(seed)
    texts: list[str] = []
    labels: list[str] = []
    topics = {**TOPICS, **MORE_TOPICS} if more else TOPICS
    for topic, (heads, tails) in topics.items():
        for _ in range(per_topic):
            texts.append(f"{rng.choice(heads)} {rng.choice(tails)}.")
            labels.append(topic)
    order = list(range(len(texts)))
    rng.shuffle(order)
    return [texts[i] for i in order], [labels[i] for i in order]


def _shared_data() -> Path:
    return Path(os.environ.get("OUTWARD_SHARED_DATA", REPO.parent / "shared" / "data"))


def _check_consistent(result: ThemeResult, n: int) -> None:
    assert len(result.assignments) == n
    seen: list[int] = []
    for theme in result.themes:
        assert all(result.assignments[i] == theme.id for i in theme.members)
        assert sum(theme.sentiment) == len(theme.members)
        seen.extend(theme.members)
    assert sorted(seen) == list(range(n))
    assert [t.id for t in result.themes] == list(range(len(result.themes)))


def test_distinct_topics_become_distinct_themes() -> None:
    texts, labels = _comments()
    themer = TfidfThemer()
    result = themer.theme(texts)
    _check_consistent(result, len(texts))
    assert adjusted_rand_score(labels, result.assignments) >= 0.8
    assert themer.last_k == 3
    parking = next(t for t in result.themes if any("parking" in p for p in t.key_phrases))
    assert "parking" in parking.label


def test_number_of_themes_comes_from_the_data() -> None:
    themer = TfidfThemer()
    texts, _ = _comments()
    themer.theme(texts)
    assert themer.last_k == 3
    texts, labels = _comments(more=True)
    result = themer.theme(texts)
    assert 5 <= themer.last_k <= 12
    assert normalized_mutual_info_score(labels, result.assignments) >= 0.7


def test_deterministic() -> None:
    texts, _ = _comments()
    assert TfidfThemer().theme(texts) == TfidfThemer().theme(texts)


@pytest.mark.parametrize("n", [0, 1, 2, 5])
def test_tiny_inputs(n: int) -> None:
    texts = [
        "The parking lot is full.",
        "Training was great!",
        "More staff please",
        "Heating is broken",
        "ok",
    ][:n]
    result = TfidfThemer().theme(texts)
    _check_consistent(result, n)
    assert len(result.themes) == (1 if n else 0)


def test_empty_and_placeholder_only_comments_go_to_other() -> None:
    texts, _ = _comments()
    texts = texts + ["", "[NAME]", "n/a", "ok"]
    result = TfidfThemer().theme(texts)
    _check_consistent(result, len(texts))
    other = result.themes[-1]
    assert other.code == "other"
    assert {len(texts) - 4, len(texts) - 3} <= set(other.members)


def test_sentiment_counts() -> None:
    texts = (
        ["The training was great and very helpful."] * 6
        + ["Parking is terrible and awful."] * 4
        + ["The heating was fixed on Monday."] * 2
    )
    result = TfidfThemer().theme(texts)
    totals = [sum(t.sentiment[i] for t in result.themes) for i in range(3)]
    assert totals == [6, 2, 4]


def test_codebook_mapping_merges_and_names_themes() -> None:
    codebook = load_codebook(WORKPLACE)
    texts, labels = _comments()
    result = TfidfThemer().theme(texts, codebook)
    _check_consistent(result, len(texts))
    by_code = {t.code: t for t in result.themes}
    assert {"workload", "training", "facilities"} <= set(by_code)
    assert by_code["facilities"].label == "Facilities & tools"
    parking_rows = {i for i, lab in enumerate(labels) if lab == "parking"}
    assert len(parking_rows & set(by_code["facilities"].members)) >= 18


def test_themes_mapping_to_one_code_merge() -> None:
    codebook = Codebook(
        name="tiny",
        themes=(
            CodebookTheme(
                code="ops",
                name="Operations",
                keywords=(
                    "parking",
                    "workload",
                    "staffed",
                    "overtime",
                    "shifts",
                    "desk",
                    "exhausted",
                    "understaffed",
                ),
            ),
        ),
    )
    texts, labels = _comments()
    result = TfidfThemer().theme(texts, codebook)
    ops = [t for t in result.themes if t.code == "ops"]
    assert len(ops) == 1
    training = {i for i, lab in enumerate(labels) if lab == "training"}
    assert not training & set(ops[0].members)


def test_quotes_are_members_and_reproducible() -> None:
    texts, _ = _comments()
    result = TfidfThemer().theme(texts)
    theme = result.themes[0]
    picked = quotes(texts, theme, n=2, seed=1)
    assert len(picked) == 2
    assert all(q in {texts[i] for i in theme.members} for q in picked)
    assert picked == quotes(texts, theme, n=2, seed=1)
    assert sorted(picked) == sorted(quotes(texts, theme, n=2, seed=2))


def test_workplace_codebook_loads() -> None:
    codebook = load_codebook(WORKPLACE)
    assert len(codebook.themes) == 10
    for theme in codebook.themes:
        assert 10 <= len(theme.keywords) <= 25, theme.code


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        ("name: x\nthemes:\n  - code: pay\n    name: Pay\n    keywords: []\n", "'pay'"),
        (
            "name: x\nthemes:\n  - code: pay\n    name: Pay\n    keywords: [a]\n"
            "  - code: pay\n    name: Pay again\n    keywords: [b]\n",
            "duplicate",
        ),
        ("name: x\nthemes:\n  - code: safety\n    keywords: [a]\n", "'safety'"),
        ("name: x\nthemes:\n  - name: No code\n    keywords: [a]\n", "theme #1"),
        ("name: x\nthemes: [\n", "YAML"),
    ],
)
def test_bad_codebook_error_names_file_and_theme(tmp_path: Path, body: str, fragment: str) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(ValueError) as info:
        load_codebook(path)
    assert str(path) in str(info.value)
    assert fragment in str(info.value)


def test_embedding_themer_missing_model_dir_is_clear(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="not-here"):
        EmbeddingThemer(str(tmp_path / "not-here"))


def test_clinc_work_domain_beats_plain_kmeans() -> None:
    path = _shared_data() / "clinc150_oos_eval" / "clinc150_work_domain.csv"
    if not path.exists():
        pytest.skip(f"shared data not found at {path} (set OUTWARD_SHARED_DATA)")
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    texts = [r["text"] for r in rows]
    labels = [r["intent"] for r in rows]
    themer = TfidfThemer()
    result = themer.theme(texts)
    assert 5 <= themer.last_k <= 60
    assert normalized_mutual_info_score(labels, result.assignments) >= 0.65
