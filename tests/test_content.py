"""Content files: typed schema with FILE:LINE problems, the organisation's own folder
(OUTWARD_CONTENT_DIR), `rounds validate` / `rounds list`, JSON Schema files, mentorship
definitions and codebooks."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from bot.cli import main
from bot.engines import codebook_path
from bot.settings import Settings, SettingsError
from conversations.mentorship.cadence import cadence_of
from conversations.schedule import milestone_dates
from prompts.content import (
    load_content,
    mentorship_definition,
    parse,
    read_codebook,
    validate_files,
)
from prompts.problems import ContentError
from prompts.schema import SCHEMA_DIR, json_schemas

ROUND = """\
id: my-round
title: {en: My round, es: Mi ronda}
languages: [en, es]
questions:
  - id: q1
    kind: rating
    text: {en: "I am heard.", es: "Me escuchan."}
    scale: {en: [Never, Always], es: ["Nunca", "Siempre"]}
  - id: q2
    kind: open
    text: {en: "Anything else?", es: "¿Algo más?"}
"""


def problems(kind: str, text: str, source: str = "rounds/x.yaml") -> list[str]:
    item, found = parse(kind, source, text)
    assert (item is None) == bool(found)
    return [str(p) for p in found]


BAD_ROUNDS = [
    pytest.param(ROUND.replace("kind: open", "kind: text"),
                 "rounds/x.yaml:10: question 'q2': kind: must be 'rating', 'choice' or 'open' "
                 "(got 'text')", id="wrong-literal"),
    pytest.param(ROUND.replace("title: {en: My round, es: Mi ronda}", "title: 3"),
                 "rounds/x.yaml:2: title: must be a text, or a mapping of language to text",
                 id="wrong-type"),
    pytest.param(ROUND.replace("  - id: q2\n", "  - \n"),
                 "rounds/x.yaml:10: question #2: 'id' is missing", id="missing-field"),
    pytest.param(ROUND.replace("    kind: open\n", "    kind: open\n    colour: red\n"),
                 "rounds/x.yaml:11: question 'q2': unknown field 'colour'", id="unknown-field"),
    pytest.param(ROUND.replace("    kind: open\n", "    kind: open\n    folow_up: Why?\n"),
                 "rounds/x.yaml:11: question 'q2': unknown field 'folow_up' (did you mean "
                 "'follow_up'?)", id="typo-suggested"),
    pytest.param(ROUND.replace("id: q2", "id: q1"),
                 "rounds/x.yaml:9: question id 'q1' is used twice (first on line 5)",
                 id="duplicate-id"),
    pytest.param(ROUND.replace("languages:", "schedule: {send_window: '17:00-09:60'}\nlanguages:"),
                 "rounds/x.yaml:3: schedule: send_window: '17:00-09:60' is not a time window "
                 "like 09:00-17:00", id="bad-window"),
    pytest.param(ROUND.replace("kind: open", "kind: choice"),
                 "rounds/x.yaml:10: question 'q2': a choice question needs at least two choices",
                 id="choice-without-choices"),
    pytest.param(ROUND.replace('es: "¿Algo más?"', 'fr: "Autre chose ?"'),
                 "rounds/x.yaml:11: question 'q2': text: unknown language 'fr' (known: en, es)",
                 id="unknown-language"),
    pytest.param(ROUND.replace(', es: "¿Algo más?"', ""),
                 "rounds/x.yaml:11: question 'q2': text has no 'es' text (the file declares "
                 "languages: en, es)", id="missing-declared-language"),
    pytest.param(ROUND.replace('es: ["Nunca", "Siempre"]', 'es: ["Nunca"]'),
                 "rounds/x.yaml:8: question 'q1': scale: es: must have at least 2 items",
                 id="scale-pair"),
    pytest.param(ROUND.replace("kind: open", "kind: open\n    follow_up: Why?"),
                 "rounds/x.yaml:11: question 'q2': an open question cannot have a follow_up",
                 id="follow-up-on-open"),
    pytest.param(ROUND.replace("kind: rating", "kind: open"),
                 "rounds/x.yaml:8: question 'q1': only rating questions have a scale",
                 id="scale-on-open"),
    pytest.param(ROUND + "title: Again\n",
                 "rounds/x.yaml:12: 'title' is given twice (first on line 2)", id="duplicate-key"),
    pytest.param(ROUND.replace("id: my-round", "id: My Round"),
                 "rounds/x.yaml:1: id: must be lowercase letters, digits, - or _",
                 id="bad-id"),
    pytest.param(ROUND.replace("questions:\n", "questions:\n  - [\n"),
                 "rounds/x.yaml:6: not valid YAML", id="yaml-syntax"),
    pytest.param("- just\n- a list\n", "rounds/x.yaml:1: must be a mapping with id, title and "
                 "questions", id="not-a-mapping"),
    # values YAML reads as something else and cannot build: a line, not a traceback
    pytest.param(ROUND.replace("languages:", "opens: 2026-02-30\nlanguages:"),
                 "rounds/x.yaml:3: not valid YAML: '2026-02-30' cannot be read (day is out of "
                 "range for month); put it in quotes if it is meant as text",
                 id="impossible-date"),
    pytest.param(ROUND.replace("languages:", "size: !!int 0xZZ\nlanguages:"),
                 "rounds/x.yaml:3: not valid YAML: '0xZZ' cannot be read",
                 id="bad-tagged-int"),
]


@pytest.mark.parametrize(("text", "expected"), BAD_ROUNDS)
def test_round_problems_name_file_line_and_what_is_wrong(text: str, expected: str) -> None:
    found = problems("round", text)
    assert any(p.startswith(expected) for p in found), found


def test_a_scale_written_once_is_english_like_any_text() -> None:
    """`scale: [Low, High]` is the English pair, as `text: ...` is the English text; a file
    that declares Spanish is then told the Spanish pair is missing."""
    english = ROUND.replace("languages: [en, es]", "languages: [en]").replace(
        ', es: "Me escuchan."', "").replace(', es: "¿Algo más?"', "").replace(
        ", es: Mi ronda", "")
    item, found = parse("round", "rounds/x.yaml",
                        english.replace('scale: {en: [Never, Always], es: ["Nunca", "Siempre"]}',
                                        "scale: [Never, Always]"))
    assert found == [] and item is not None
    assert dict(item.value.questions[0].scale_labels) == {"en": ("Never", "Always")}
    both = ROUND.replace('{en: [Never, Always], es: ["Nunca", "Siempre"]}', "[Never, Always]")
    assert problems("round", ROUND.replace('{en: [Never, Always], es: ["Nunca", "Siempre"]}',
                                           "Never to Always"))[0].startswith(
        "rounds/x.yaml:8: question 'q1': scale: must be [label for 1, label for 5], or that "
        "pair per language (en: [...], es: [...])")
    assert problems("round", both) == [
        "rounds/x.yaml:8: question 'q1': scale has no 'es' text (the file declares languages: "
        "en, es); write it as en: ... and es: ... lines, or take es out of languages"]


def test_yaml_aliases_that_expand_without_end_are_refused_not_expanded() -> None:
    """"Billion laughs": nine aliases of nine aliases ... of a list, a few hundred bytes that
    expand to hundreds of millions of values. Refused from the node tree, before anything
    walks the expansion; a few aliases (a scale written once, reused) are fine."""
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 9)]
    bomb = ROUND.replace("languages:", "\n".join(lines) + "\nlanguages:")
    (found,) = problems("round", bomb)
    assert found == ("rounds/x.yaml:1: its YAML aliases (*name) expand it by more than "
                     "100,000 values: write the repeated part out instead")
    reused = ROUND.replace("scale: {en: [Never, Always], es: [\"Nunca\", \"Siempre\"]}",
                           "scale: &scale {en: [Never, Always], es: [\"Nunca\", \"Siempre\"]}")
    reused += ('  - id: q3\n    kind: rating\n    text: {en: "Fair?", es: "¿Justo?"}\n'
               '    scale: *scale\n')
    assert problems("round", reused) == []


def test_yaml_nested_too_deeply_is_a_problem_not_a_recursion_error() -> None:
    for depth in (150, 5000):  # within libyaml's own limit, and beyond it
        deep = ROUND.replace("languages:", f"extra: {'[' * depth}{']' * depth}\nlanguages:")
        (found,) = problems("round", deep)
        assert found.startswith("rounds/x.yaml:") and "nested" in found, found


def test_every_problem_in_a_file_is_reported_not_just_the_first() -> None:
    text = ROUND.replace("kind: open", "kind: text").replace("title: {en: My round, es: Mi "
                                                             "ronda}", "title: 3")
    assert [p.split(":")[1] for p in problems("round", text)] == ["2", "10"]


def test_yes_and_no_read_as_booleans_get_a_hint_to_quote_them() -> None:
    text = ROUND.replace("kind: open", "kind: choice\n    choices:\n      - {value: yes, label: "
                                       "{en: Y, es: S}}\n      - {value: 'no', label: N}")
    (found,) = [p for p in problems("round", text) if "value" in p]
    assert found.startswith("rounds/x.yaml:12: question 'q2': choice #1: value: must be a valid "
                            "string") and "put the word in quotes" in found


TRACK = """\
id: t
title: T
steps:
  - {id: one, text: One, link: "https://example.org/a"}
  - {id: two, text: Two}
"""
MENTORSHIP = """\
id: pilot
title: {en: Pilot, es: Piloto}
languages: [en, es]
cadence: {every_days: 7}
milestones:
  - {id: start, at: 0, text: {en: Start, es: Inicio}}
topics:
  - {value: goals, label: {en: Goals, es: Metas}}
"""
CODEBOOK = """\
name: Ours
themes:
  - {code: pay, name: Pay, keywords: [Pay,  Wages]}
  - {code: space, name: Space, keywords: [desk]}
"""


@pytest.mark.parametrize(("kind", "text", "expected"), [
    ("track", TRACK.replace("https://example.org/a", "ftp://x"),
     "tracks/x.yaml:4: step 'one': link: must be an http(s) link"),
    ("track", TRACK.replace("id: two", "id: one"),
     "tracks/x.yaml:5: step id 'one' is used twice (first on line 4); give each step its "
     "own id"),
    ("track", TRACK.replace("title: T", "title: T\ncadence_days: 0"),
     "tracks/x.yaml:3: cadence_days: must be at least 1 (got 0)"),
    ("track", TRACK.replace("title: T", "title: T\ncadence_days: weekly"),
     "tracks/x.yaml:3: cadence_days: must be a whole number of days, such as 7 for weekly"),
    ("track", TRACK.replace("  - {id: two", "\t- {id: two"),
     "tracks/x.yaml:5: not valid YAML: a tab character; YAML indents with spaces only, so "
     "replace the tab with spaces"),
    ("track", TRACK.replace("text: Two", "text: " + "Two words. " * 200),
     "tracks/x.yaml:5: step 'two': text (en) is 2,199 characters, more than the 1,500 a chat "
     "message should carry; split it into two steps"),
    ("track", TRACK.replace("title: T", "title: T\nlanguages: [en, es]"),
     "tracks/x.yaml:5: step 'one': text has no 'es' text (the file declares languages: en, es); "
     "write it as en: ... and es: ... lines, or take es out of languages"),
    ("mentorship", MENTORSHIP.replace("at: 0", "at: 2"),
     "mentorship/x.yaml:6: milestone 'start': at: must be at most 1"),
    ("mentorship", MENTORSHIP.replace("cadence: {every_days: 7}\n", ""),
     "mentorship/x.yaml:1: 'cadence' is missing"),
    ("mentorship", MENTORSHIP.replace(", es: Metas", ""),
     "mentorship/x.yaml:8: topic 'goals': label has no 'es' text"),
    ("mentorship", MENTORSHIP.replace("text: {en: Start, es: Inicio}",
                                      "text: {en: Start, es: Inicio}, prepare_days: 3"),
     "mentorship/x.yaml:6: milestone 'start': prepare_days has no effect without a prepare"),
    ("codebook", CODEBOOK.replace("code: space", "code: pay"),
     "codebooks/x.yaml:4: theme code 'pay' is used twice (first on line 3)"),
    ("codebook", CODEBOOK.replace("code: space", "code: other"),
     "codebooks/x.yaml:4: theme code 'other' is reserved"),
    ("codebook", CODEBOOK.replace("keywords: [desk]", "keywords: []"),
     "codebooks/x.yaml:4: theme 'space': keywords: must have at least 1 item"),
])
def test_tracks_mentorship_and_codebooks_have_line_numbered_problems(
        kind: str, text: str, expected: str) -> None:
    folder = {"track": "tracks", "mentorship": "mentorship", "codebook": "codebooks"}[kind]
    found = problems(kind, text, f"{folder}/x.yaml")
    assert any(p.startswith(expected) for p in found), found


MIXED_TRACK = """\
id: t
title: {en: T}
languages: [en, es]
cadence_days: weekly
steps:
  - {id: one, text: {en: One, es: Uno}, link: "ftp://x"}
  - {text: {en: No id, es: Sin id}}
  - {id: three, text: {en: Three}}
  - {id: three, text: {en: Again, es: Otra}, link: 5}
  - {id: five, text: {en: "LONG", es: Cinco}}
"""


def test_one_run_reports_schema_problems_and_later_checks_in_file_order() -> None:
    """A wrong type, a missing id and a bad link (the schema) and a missing language, an id
    used twice and a text too long (the checks after it) are all named at once, by line; the
    step without an id is skipped by the checks, not the whole file."""
    text = MIXED_TRACK.replace("LONG", "Long words. " * 200)
    found = problems("track", text, "tracks/x.yaml")
    assert [p.split(": ", 1)[0] for p in found] == [f"tracks/x.yaml:{n}" for n in
                                                   (2, 4, 6, 7, 8, 9, 9, 10)]
    for expected in (
        "tracks/x.yaml:2: title has no 'es' text (the file declares languages: en, es)",
        "tracks/x.yaml:4: cadence_days: must be a whole number of days",
        "tracks/x.yaml:6: step 'one': link: must be an http(s) link",
        "tracks/x.yaml:7: step #2: 'id' is missing",
        "tracks/x.yaml:8: step 'three': text has no 'es' text",
        "tracks/x.yaml:9: step id 'three' is used twice (first on line 8)",  # its link is wrong
        "tracks/x.yaml:9: step 'three': link: must be a valid string",
        "tracks/x.yaml:10: step 'five': text (en) is 2,399 characters, more than the 1,500",
    ):
        assert sum(p.startswith(expected) for p in found) == 1, (expected, found)


def test_a_round_and_a_programme_with_both_kinds_of_problem_name_them_all() -> None:
    """A question whose kind is misspelt still counts for ids used twice; a choice without a
    label is skipped while its siblings are still compared; an unknown field in a milestone
    does not hide its missing Spanish text."""
    round_text = ROUND.replace("kind: open", "kind: text").replace("id: q2", "id: q1").replace(
        ', es: "Me escuchan."', "").replace("languages: [en, es]", "languages: [en, es]\n"
                                            "schedule: {every_days: -1}")
    round_text += ("  - id: q3\n    kind: choice\n    text: {en: Pick, es: Elige}\n"
                   "    choices:\n      - {value: a, label: {en: A, es: A}}\n"
                   "      - {value: b}\n      - {value: a, label: {en: A2, es: A2}}\n")
    assert [p.split(": ", 1)[1] for p in problems("round", round_text)] == [
        "schedule: every_days: must be at least 0 (got -1)",
        "question 'q1': text has no 'es' text (the file declares languages: en, es); write it "
        "as en: ... and es: ... lines, or take es out of languages",
        "question id 'q1' is used twice (first on line 6); give each question its own id",
        "question 'q1': kind: must be 'rating', 'choice' or 'open' (got 'text')",
        "question 'q3': choice 'b': 'label' is missing",
        "question 'q3': choice value 'a' is used twice (first on line 17); give each choice "
        "its own value",
    ]
    programme = MENTORSHIP.replace("at: 0, text: {en: Start, es: Inicio}",
                                   "at: 0, txt: Start, text: {en: Start}").replace(
        "cadence: {every_days: 7}", "cadence: {every_days: fortnightly}")
    programme += "  - {value: goals, label: {en: Goals again, es: Metas otra vez}}\n"
    found = problems("mentorship", programme, "mentorship/x.yaml")
    assert [p.split(": ", 1)[0] for p in found] == [f"mentorship/x.yaml:{n}" for n in
                                                   (4, 6, 6, 9)]
    assert "unknown field 'txt'" in found[1] and "text has no 'es' text" in found[2], found
    assert "topic value 'goals' is used twice (first on line 8)" in found[3], found


def test_a_file_with_both_kinds_of_problem_is_refused_whole_and_validate_names_all(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = write(tmp_path, "tracks/t.yaml", MIXED_TRACK.replace("LONG", "Five"))
    assert main(["rounds", "validate", str(bad)], env={}) == 1
    out = capsys.readouterr().out.splitlines()
    assert [line.split(": ", 1)[0] for line in out] == [f"{bad}:{n}" for n in
                                                       (2, 4, 6, 7, 8, 9, 9)]
    with pytest.raises(ContentError) as err:
        load_content(tmp_path)
    assert str(err.value).splitlines()[0] == ("OUTWARD_CONTENT_DIR: 7 problems in the content "
                                              "files:")


def test_bundled_content_is_valid_and_complete_in_english_and_spanish() -> None:
    content = load_content()
    assert {"listening-tour", "community-aspirations", "equity-readiness",
            "branch-equity-checkin"} <= set(content.rounds)
    for rid in ("listening-tour", "community-aspirations", "equity-readiness",
                "branch-equity-checkin"):
        tpl = content.rounds[rid]
        assert tpl.languages == ("en", "es")
        assert 6 <= len(tpl.questions) <= 9, rid
        kinds = [q.kind for q in tpl.questions]
        assert kinds.count("choice") == 1 and "rating" in kinds and "open" in kinds, rid
        for q in tpl.questions:
            assert set(q.text) == {"en", "es"}
            if q.kind == "rating":
                assert set(q.scale_labels) == {"en", "es"}, (rid, q.id)
        assert any(q.follow_up for q in tpl.questions), rid
    assert set(content.tracks) and set(content.mentorship) == {"default"}
    assert content.origin("round", "listening-tour") == "bundled"


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_the_content_folder_adds_rounds_and_replaces_bundled_ones_by_id(tmp_path: Path) -> None:
    write(tmp_path, "rounds/ours.yaml", ROUND)
    override = ROUND.replace("id: my-round", "id: listening-tour").replace("My round", "Ours")
    mine = write(tmp_path, "rounds/tour.yaml", override)
    write(tmp_path, "tracks/t.yaml", TRACK)
    write(tmp_path, "mentorship/pilot.yaml", MENTORSHIP)
    content = load_content(tmp_path)
    assert content.rounds["listening-tour"].title["en"] == "Ours"
    assert len(content.rounds["listening-tour"].questions) == 2
    assert content.origin("round", "listening-tour") == str(mine)
    assert "my-round" in content.rounds and "community-aspirations" in content.rounds
    assert content.origin("round", "community-aspirations") == "bundled"
    assert "t" in content.tracks and "allyship" in content.tracks
    assert mentorship_definition("pilot", content)["cadence"]["every_days"] == 7


def test_a_broken_content_folder_lists_every_problem_naming_the_variable(tmp_path: Path) -> None:
    write(tmp_path, "rounds/a.yaml", ROUND.replace("id: q2", "id: q1"))
    write(tmp_path, "rounds/b.yaml", ROUND)  # same id as a.yaml
    write(tmp_path, "stray.yaml", ROUND)
    with pytest.raises(ContentError) as err:
        load_content(tmp_path)
    lines = str(err.value).splitlines()
    assert lines[0] == "OUTWARD_CONTENT_DIR: 2 problems in the content files:"
    assert lines[1:] == [
        f"{tmp_path}/stray.yaml:1: not read: content files go in rounds/, tracks/, codebooks/ "
        "or mentorship/",
        f"{tmp_path}/rounds/a.yaml:9: question id 'q1' is used twice (first on line 5); give "
        "each question its own id",
    ]
    (tmp_path / "stray.yaml").unlink()
    (tmp_path / "rounds/a.yaml").write_text(ROUND)
    with pytest.raises(ContentError, match=r"rounds/b.yaml:1: round id 'my-round' is also used "
                                           r"by .*rounds/a.yaml:1"):
        load_content(tmp_path)


@pytest.mark.parametrize("make", ["missing", "file"])
def test_the_content_dir_setting_must_be_a_folder(tmp_path: Path, make: str) -> None:
    target = tmp_path / "content"
    if make == "file":
        target.write_text("x")
    with pytest.raises(SettingsError, match="OUTWARD_CONTENT_DIR .*(does not exist|is not a "
                                            "directory)"):
        Settings.from_env({"OUTWARD_CONTENT_DIR": str(target)})


def test_a_broken_content_folder_stops_the_start_with_one_line_per_problem(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    content = tmp_path / "content"
    write(content, "rounds/a.yaml", ROUND.replace("kind: open", "kind: text").replace(
        "id: q2", "id: q1"))
    env = {"OUTWARD_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/o.db",
           "OUTWARD_CONTENT_DIR": str(content), "OUTWARD_SPACY_MODEL": "none"}
    assert main(["pulse", "status"], env=env) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert err.splitlines() == [  # the id given twice too, though q1's kind failed the schema
        "outward: OUTWARD_CONTENT_DIR: 2 problems in the content files:",
        f"{content}/rounds/a.yaml:9: question id 'q1' is used twice (first on line 5); give "
        "each question its own id",
        f"{content}/rounds/a.yaml:10: question 'q1': kind: must be 'rating', 'choice' or 'open' "
        "(got 'text')",
    ]


def test_a_round_from_the_content_folder_can_be_started(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    content = tmp_path / "content"
    write(content, "rounds/ours.yaml", ROUND)
    env = {"OUTWARD_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/o.db",
           "OUTWARD_CONTENT_DIR": str(content), "OUTWARD_SPACY_MODEL": "none"}
    assert main(["pulse", "start", "my-round"], env=env) == 2  # nobody on the roster yet
    assert "its audience has nobody, fewer than 5" in capsys.readouterr().out
    roster = Path(__file__).resolve().parent.parent / "prompts/sample/organisation.csv"
    assert main(["roster", "import", str(roster)], env=env) == 0
    assert main(["pulse", "start", "my-round"], env=env) == 0
    assert "Started *My round* (my-round)" in capsys.readouterr().out


def test_rounds_validate_prints_file_line_problems_and_exits_1(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = write(tmp_path, "rounds/bad.yaml", ROUND.replace("kind: open", "kind: choice"))
    good = write(tmp_path, "tracks/good.yaml", TRACK)
    assert main(["rounds", "validate", str(good), str(bad)], env={}) == 1
    out = capsys.readouterr().out.splitlines()
    assert out == [f"{bad}:10: question 'q2': a choice question needs at least two choices"]
    assert validate_files([bad]) and not validate_files([good])


def test_rounds_validate_says_ok_for_good_files_and_folders(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    one = write(tmp_path / "org", "rounds/ours.yaml", ROUND)
    write(tmp_path / "org", "codebooks/ours.yaml", CODEBOOK)
    loose = write(tmp_path, "anywhere.yaml", MENTORSHIP)  # its keys say what it is
    assert main(["rounds", "validate", str(tmp_path / "org"), str(loose)], env={}) == 0
    out = capsys.readouterr().out.splitlines()
    assert out == [
        f"{tmp_path}/org/codebooks/ours.yaml: OK (codebook 'ours', 2 themes)",
        f"{one}: OK (round 'my-round', 2 questions, languages en, es)",
        f"{loose}: OK (mentorship programme 'pilot', 1 milestone)",
    ]
    unknown = write(tmp_path, "what.yaml", "name: x\n")
    assert main(["rounds", "validate", str(unknown), str(tmp_path / "none.yaml")], env={}) == 1
    out = capsys.readouterr().out
    assert f"{unknown}:1: cannot tell what this file is" in out
    assert f"{tmp_path}/none.yaml:1: cannot be read" in out


def test_the_bundled_files_pass_rounds_validate(capsys: pytest.CaptureFixture[str]) -> None:
    root = Path(__file__).resolve().parents[1] / "prompts"
    folders = [str(root / f) for f in ("rounds", "tracks", "codebooks", "mentorship")]
    assert main(["rounds", "validate", *folders], env={}) == 0
    assert "OK (round 'listening-tour', 8 questions, languages en, es)" in capsys.readouterr().out


def test_rounds_list_shows_what_can_start_and_where_it_comes_from(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    mine = write(tmp_path, "rounds/ours.yaml", ROUND)
    assert main(["rounds", "list"], env={"OUTWARD_CONTENT_DIR": str(tmp_path)}) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["ID", "QUESTIONS", "LANGUAGES", "FROM", "TITLE"]
    rows = {line.split()[0]: line.split(None, 4) for line in lines[1:]}
    assert rows["my-round"] == ["my-round", "2", "en,es", str(mine), "My round"]
    assert rows["listening-tour"][1:4] == ["8", "en,es", "bundled"]
    assert rows["community-aspirations"][4] == "Turning outward: community aspirations"
    write(tmp_path, "rounds/broken.yaml", "id: [\n")
    assert main(["rounds", "list"], env={"OUTWARD_CONTENT_DIR": str(tmp_path)}) == 2
    err = capsys.readouterr().err
    assert "OUTWARD_CONTENT_DIR" in err and f"{tmp_path}/rounds/broken.yaml:" in err
    assert "Traceback" not in err


def test_committed_json_schemas_are_up_to_date_and_referenced() -> None:
    expected = json_schemas()
    assert set(expected) == {"round.schema.json", "track.schema.json", "codebook.schema.json",
                             "mentorship.schema.json"}
    for name, text in expected.items():
        path = SCHEMA_DIR / name
        assert path.is_file(), f"{path} is missing: run python -m prompts.schema"
        assert path.read_text(encoding="utf-8") == text, f"{name} is stale: run python -m " \
                                                          "prompts.schema"
    round_schema = json.loads(expected["round.schema.json"])
    assert set(round_schema["required"]) == {"id", "title", "questions"}
    assert round_schema["additionalProperties"] is False
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    assert "yaml-language-server: $schema=" in readme and "round.schema.json" in readme
    bundled = SCHEMA_DIR.parent / "rounds" / "listening-tour.yaml"
    assert bundled.read_text().startswith(
        "# yaml-language-server: $schema=../schemas/round.schema.json")


def test_mentorship_definition_is_what_the_core_schedules_from() -> None:
    definition = mentorship_definition()
    assert cadence_of(definition).every_days == 14
    days = milestone_dates(date(2026, 1, 5), 20, definition["milestones"])
    assert [d.milestone for d in days][:2] == ["kick-off", "mid-point"]
    assert {"prepare", "main", "review"} <= {d.phase for d in days}
    assert json.loads(json.dumps(definition)) == definition  # snapshotted as JSON
    with pytest.raises(ContentError, match="no mentorship programme 'nope' .known: default"):
        mentorship_definition("nope")


def test_codebooks_validate_like_other_content_and_the_folder_one_is_used(tmp_path: Path) -> None:
    path = write(tmp_path, "codebooks/workplace.yaml", CODEBOOK)
    spec = read_codebook(path)
    assert spec.id == "workplace" and spec.themes[0].keywords == ("pay", "wages")
    settings = Settings.from_env({"OUTWARD_CONTENT_DIR": str(tmp_path)})
    assert codebook_path(settings) == str(path)
    assert codebook_path(Settings.from_env({})) == ""  # the bundled one
    bad = write(tmp_path, "other/cb.yaml", CODEBOOK.replace("name: Ours\n", ""))
    with pytest.raises(ContentError, match=r"other/cb.yaml:1: 'name' is missing"):
        read_codebook(bad)
