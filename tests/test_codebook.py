"""Codebooks: the bundled one loads; a broken one is reported as FILE:LINE and stops the start."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cli import main
from bot.settings import Settings, SettingsError
from storage.themes import CodebookError, load_codebook

REPO = Path(__file__).resolve().parents[1]
WORKPLACE = REPO / "prompts" / "codebooks" / "workplace.yaml"


def test_workplace_codebook_loads() -> None:
    codebook = load_codebook(WORKPLACE)
    assert len(codebook.themes) == 10
    for theme in codebook.themes:
        assert 10 <= len(theme.keywords) <= 25, theme.code


@pytest.mark.parametrize(
    ("body", "line", "fragment"),
    [
        ("name: x\nthemes:\n  - code: pay\n    name: Pay\n    keywords: []\n", 5, "keywords"),
        (
            "name: x\nthemes:\n  - code: pay\n    name: Pay\n    keywords: [a]\n"
            "  - code: pay\n    name: Pay again\n    keywords: [b]\n",
            6,
            "theme code 'pay' is used twice (first on line 3)",
        ),
        ("name: x\nthemes:\n  - code: safety\n    keywords: [a]\n", 3, "'name' is missing"),
        ("name: x\nthemes:\n  - name: No code\n    keywords: [a]\n", 3, "'code' is missing"),
        ("name: x\nthemes:\n  - code: a\n    name: A\n    keywords: [a, 7, '']\n", 5,
         "keywords: 2: is empty"),
        ("name: x\nthemes:\n  - code: other\n    name: A\n    keywords: [a]\n", 3, "reserved"),
        ("name: x\nthemes:\n  - code: a\n    name: A\n    colour: red\n    keywords: [a]\n", 5,
         "unknown field 'colour'"),
        ("name: x\nthemes: [\n", 3, "not valid YAML"),
        ("- just\n- a list\n", 1, "must be a mapping"),
    ],
)
def test_codebook_problems_are_reported_with_file_and_line(
    tmp_path: Path, body: str, line: int, fragment: str
) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(CodebookError) as info:
        load_codebook(path)
    problems = [str(p) for p in info.value.problems]  # FILE:LINE: message, as all content
    assert any(p.startswith(f"{path}:{line}: ") and fragment in p for p in problems), problems


def test_a_broken_codebook_stops_settings_with_one_line(tmp_path: Path) -> None:
    path = tmp_path / "codebook.yaml"
    path.write_text("name: x\nthemes:\n  - code: pay\n    name: Pay\n    keywords: []\n")
    with pytest.raises(SettingsError) as info:
        Settings.from_env({"OUTWARD_CODEBOOK": str(path)})
    message = str(info.value)
    assert message.startswith(f"OUTWARD_CODEBOOK: {path}:5: ")
    assert "\n" not in message


def test_a_codebook_with_several_problems_says_where_to_see_them_all(tmp_path: Path) -> None:
    path = tmp_path / "codebook.yaml"
    path.write_text("name: x\nthemes:\n  - code: pay\n    keywords: pay, wages\n")
    with pytest.raises(SettingsError) as info:
        Settings.from_env({"OUTWARD_CODEBOOK": str(path)})
    assert str(info.value).endswith(
        f"(and 1 more problem: `python -m bot rounds validate {path}` lists them)")


def test_the_program_refuses_to_start_on_a_broken_codebook(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "codebook.yaml"
    path.write_text("name: x\nthemes:\n  - code: pay\n    name: Pay\n    keywords: [a\n")
    code = main(["db", "current"], env={
        "OUTWARD_CODEBOOK": str(path),
        "OUTWARD_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/x.db"})
    err = capsys.readouterr().err
    assert code == 2
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"outward: OUTWARD_CODEBOOK: {path}:")
    assert not (tmp_path / "x.db").exists(), "stopped before touching the database"


def test_theming_engine_setting_is_checked(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(SettingsError, match="OUTWARD_THEMES_ENGINE must be tfidf or semantic"):
        Settings.from_env({"OUTWARD_THEMES_ENGINE": "bert"})
    assert Settings.from_env({"OUTWARD_THEMES_ENGINE": "TFIDF"}).themes_engine == "tfidf"
    import storage.themes

    monkeypatch.setattr(storage.themes, "semantic_available", lambda: False)
    with pytest.raises(SettingsError, match="not installed.*outward\\[semantic\\]"):
        Settings.from_env({"OUTWARD_THEMES_ENGINE": "semantic"})


def test_who_covers_the_desk_is_workload_not_furniture() -> None:
    from storage.themes import TfidfThemer

    texts = ([f"{o} there is nobody to cover the desk at lunch or on weekends." for o in
              ("Honestly,", "Frankly,", "For me,", "Overall", "At my branch")] * 4
             + [f"{o} the printers jam and the wifi drops all day." for o in
                ("Honestly,", "Frankly,", "For me,", "Overall", "At my branch")] * 4)
    result = TfidfThemer().theme(texts, load_codebook(WORKPLACE))
    assert result.theme_of(0).label == "Workload & staffing", [t.label for t in result.themes]
    assert result.theme_of(len(texts) - 1).label == "Facilities & tools"


def test_comments_that_only_mention_staff_are_not_about_workload() -> None:
    """In a staff survey "staff" is everywhere: "Muslim staff feel unseen" is about belonging,
    not workload ("staffing" shared its stem with "staff"); "short staffed" still is."""
    from storage.themes.codebook import map_onto, stem_line

    codebook = load_codebook(WORKPLACE)
    belonging = ["Muslim staff feel unseen", "Bilingual staff are never thanked",
                 "Staff of color leave within a year", "Black staff face microaggressions",
                 "Disabled staff wait months for accommodations"]
    workload = ["We are short staffed every Saturday", "Staff shortage on evening shifts",
                "Understaffed again this week", "Staffing levels are too low for programs"]
    lines = [stem_line(t) for t in belonging + workload]
    (code_b, _), (code_w, _) = map_onto(
        lines, [range(len(belonging)), range(len(belonging), len(lines))], codebook, 0.3)
    assert code_b != "workload"
    assert code_w == "workload"
