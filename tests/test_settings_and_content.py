"""Settings from the environment, content validation, roster import: clear one-line errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cli import main
from bot.settings import Settings, SettingsError
from prompts.loader import ContentError, builtin_round_templates, load_catalog, load_round_template
from storage.roster import RosterError, parse_roster


def test_defaults_need_no_environment() -> None:
    s = Settings.from_env({})
    assert s.database_url == "sqlite+aiosqlite:///outward.db"
    assert (s.port, s.k_responses, s.k_comments) == (3000, 5, 10)
    assert s.slack is None and s.teams is None


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"OUTWARD_K_RESPONSES": "five"}, "OUTWARD_K_RESPONSES"),
        ({"OUTWARD_K_RESPONSES": "1"}, "OUTWARD_K_RESPONSES"),
        ({"PORT": "99999"}, "PORT"),
        ({"OUTWARD_TIMEZONE": "Mars/Olympus"}, "OUTWARD_TIMEZONE"),
        ({"OUTWARD_DATABASE_URL": "mysql://x/y"}, "OUTWARD_DATABASE_URL"),
        ({"OUTWARD_DATABASE_URL": "not a url"}, "OUTWARD_DATABASE_URL"),
        ({"OUTWARD_QUIET_HOURS": "late"}, "OUTWARD_QUIET_HOURS"),
        ({"SLACK_BOT_TOKEN": "xoxb-1"}, "SLACK_SIGNING_SECRET"),
        ({"SLACK_SIGNING_SECRET": "s", "SLACK_BOT_TOKEN": "xoxp-1"}, "SLACK_BOT_TOKEN"),
        ({"MicrosoftAppId": "id"}, "MicrosoftAppPassword"),
    ],
)
def test_a_wrong_value_names_the_variable(env: dict[str, str], named: str) -> None:
    with pytest.raises(SettingsError, match=named):
        Settings.from_env(env)


def test_cli_prints_one_line_not_a_traceback(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["roster", "list"], env={"OUTWARD_K_COMMENTS": "many"}) == 2
    err = capsys.readouterr().err
    assert err.strip().count("\n") == 0 and "OUTWARD_K_COMMENTS" in err
    assert "Traceback" not in err


def test_secrets_are_not_in_the_settings_repr() -> None:
    s = Settings.from_env({"SLACK_SIGNING_SECRET": "sekrit-1", "SLACK_BOT_TOKEN": "xoxb-tok"})
    assert "sekrit-1" not in repr(s) and "xoxb-tok" not in repr(s)


def test_builtin_question_bank_is_complete_in_english_and_spanish() -> None:
    tpl = builtin_round_templates()["listening-tour"]
    kinds = {q.kind for q in tpl.questions}
    assert kinds == {"open", "rating", "choice"}
    ids = [q.id for q in tpl.questions]
    assert {"strengths", "barriers", "opportunities", "worries", "training-time"} <= set(ids)
    for q in tpl.questions:
        assert set(q.text) == {"en", "es"}, q.id
        if q.follow_up:
            assert set(q.follow_up) == {"en", "es"}
    catalog = load_catalog()
    assert set(catalog.texts["es"]) >= set(catalog.texts["en"])


BAD_BANKS = [
    ("id: x\nquestions: [", "rounds/mine.yaml:2: not valid YAML"),
    ("id: x\ntitle: T\nquestions: []", "rounds/mine.yaml:3: questions: must have at least 1"),
    ("id: x\ntitle: T\nquestions:\n  - {id: q1, kind: scale, text: Hi}",
     "rounds/mine.yaml:4: question 'q1': kind: must be 'rating', 'choice' or 'open' "
     "(got 'scale')"),
    ("id: x\ntitle: T\nquestions:\n  - {id: q1, kind: open, text: Hi}\n"
     "  - {id: q1, kind: open, text: Again}",
     "rounds/mine.yaml:5: question id 'q1' is used twice (first on line 4)"),
    ("id: x\ntitle: T\nquestions:\n  - {id: q2, kind: choice, text: Hi, choices: []}",
     "rounds/mine.yaml:4: question 'q2': a choice question needs at least two choices"),
    ("id: x\ntitle: T\nquestions:\n  - {id: q3, kind: open, text: {fr: Salut}}",
     "rounds/mine.yaml:4: question 'q3': text: unknown language 'fr'"),
    ("id: x\ntitle: T\nschedule: {send_window: '25:00-26:00'}\nquestions:\n"
     "  - {id: q4, kind: open, text: Hi}",
     "rounds/mine.yaml:3: schedule: send_window: '25:00-26:00' is not a time window"),
]


@pytest.mark.parametrize(("text", "message"), BAD_BANKS)
def test_bad_question_banks_fail_with_file_line_and_problem(text: str, message: str) -> None:
    with pytest.raises(ContentError) as err:
        load_round_template("rounds/mine.yaml", text)
    assert str(err.value).startswith(message)


GOOD = (
    "handle,name,email,timezone,locale,roles,branch,classification,employment,extra\n"
    "ana,Ana Ruiz,ana@example.org,America/Chicago,es,staff;chair,Main,Clerk,part-time,x\n"
    "ben,Ben Ode,,,,,,,,\n"
)


def test_roster_parses_good_rows_and_ignores_extra_columns() -> None:
    rows = parse_roster(("\ufeff" + GOOD).encode(), "r.csv", "UTC")
    assert [r.handle for r in rows] == ["ana", "ben"]
    assert rows[0].roles == "staff;chair" and rows[0].employment == "PT"
    assert rows[1].timezone == "UTC" and rows[1].roles == "staff"


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("cy,Cy,cy@x.org,Nowhere/Land,en,staff,,,FT,", "line 4 (cy): timezone 'Nowhere/Land'"),
        ("cy,Cy,cy@x.org,UTC,en,boss,,,FT,", "line 4 (cy): unknown role(s) boss"),
        ("cy,Cy,not-an-email,UTC,en,staff,,,FT,", "line 4 (cy): email 'not-an-email'"),
        ("cy,Cy,,UTC,fr,staff,,,FT,", "line 4 (cy): locale 'fr'"),
        ("cy,Cy,,UTC,en,staff,,,sometimes,", "line 4 (cy): employment 'sometimes'"),
        ("ana,Ana Again,,UTC,en,staff,,,FT,", "line 4 (ana): handle is also on line 2"),
        ("Robert'); DROP TABLE people;--,x,,,,,,,,", "line 4: handle"),
        ("cy,Cy,cy@x.org,UTC,en,staff,,,FT", "line 4: has 9 field(s) but the header has 10"),
        ("cy,Cy,cy@x.org", "line 4: has 3 field(s) but the header has 10"),
        ("cy,Reyes, Cy,cy@x.org,UTC,en,staff,,,FT,x", "line 4: has 11 field(s)"),
        ("cy,Cy,ANA@Example.org,,,,,,,", "line 4 (cy): email 'ANA@Example.org' is also on "
                                         "line 2 (ana)"),
    ],
)
def test_bad_roster_rows_are_reported_by_line(row: str, message: str) -> None:
    with pytest.raises(RosterError) as err:
        parse_roster(GOOD + row + "\n", "r.csv", "UTC")
    assert message in str(err.value)
    assert "Nothing was imported" in str(err.value)


def test_roster_file_level_problems() -> None:
    for data, message in [
        (b"", "is empty"),
        (b"name,email\nA,a@b.co\n", r"missing column\(s\) handle"),
        (b"handle,name\nzoe,Zoe\n", r"missing column\(s\) email;.* handle, name, email are "
                                    "required"),
        (b"handle,email\nzoe,z@b.co\n", r"missing column\(s\) name"),
        (b"handle,name,email\n", "no people"),
        ("handle,name,email\nzoë,Zoë,\n".encode("latin-1"), "not UTF-8"),
    ]:
        with pytest.raises(RosterError, match=message):
            parse_roster(data, "r.csv", "UTC")


def test_roster_reads_what_hr_exports_and_excel_write() -> None:
    """Region locales (en-US, es_MX), time zones in any case and Excel's `sep=,` first line
    are read as meant; a tab- or semicolon-separated file, a UTF-16 one ("Unicode Text") and a
    row that stops early are each named for what they are."""
    rows = parse_roster("sep=,\r\nhandle,name,email,timezone,locale\r\n"
                        "ana,Ana,ana@x.org,america/chicago,en-US\r\n"
                        "ben,Ben,ben@x.org,US/Pacific,es_MX\r\n", "r.csv", "UTC")
    assert [(r.timezone, r.locale) for r in rows] == [("America/Chicago", "en"),
                                                     ("US/Pacific", "es")]
    assert [r.line for r in rows] == [3, 4]
    header = "handle\tname\temail\nana\tAna\tana@x.org\n"
    for data, message in [
        (header.encode(), "line 1: the columns are separated by tabs"),
        (header.encode("utf-16"), "is UTF-16 text"),
        (b"sep=;\nhandle;name;email\n", "line 2: the columns are separated by ';'"),
        # the header is the line after Excel's `sep=,`
        (b"sep=,\nhandle,nme,email\n", "line 2: missing column(s) name"),
        (b"sep=,\nhandle,name,email,name\n", "line 2: column(s) name named more than once"),
        (GOOD + "cy,Cy,cy@x.org\n", "line 4: has 3 field(s) but the header has 10 (every "
                                     "column needs its comma, even where the value is empty)"),
    ]:
        with pytest.raises(RosterError) as err:
            parse_roster(data, "r.csv", "UTC")
        assert message in str(err.value)


def test_a_roster_time_zone_that_ignores_daylight_saving_is_refused_with_the_zone_meant(
) -> None:
    """HR exports "EST": a fixed UTC-5 (an IANA zone all the same), so every invitation to
    that person would come an hour off from March to November."""
    data = "handle,name,email,timezone\nana,Ana,ana@x.org,EST\nben,Ben,ben@x.org,MST\n"
    with pytest.raises(RosterError) as err:
        parse_roster(data, "r.csv", "UTC")
    assert "line 2 (ana): timezone 'EST' names an offset from UTC" in str(err.value)
    assert "use America/New_York for US Eastern time" in str(err.value)
    assert "America/Phoenix for Arizona" in str(err.value)
    hawaii = parse_roster("handle,name,email,timezone\nkai,Kai,kai@x.org,HST\n", "r.csv", "UTC")
    assert hawaii[0].timezone == "HST"  # Hawaii keeps HST all year


def test_a_bad_roster_import_changes_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]
                                             ) -> None:
    env = {"OUTWARD_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/o.db"}
    good = tmp_path / "good.csv"
    good.write_text(GOOD)
    assert main(["roster", "import", str(good)], env=env) == 0
    bad = tmp_path / "bad.csv"
    bad.write_text(GOOD.replace("Ana Ruiz", "Ana Changed") + "cy,Cy,,Bad/Zone,en,staff,,,FT,\n")
    assert main(["roster", "import", str(bad)], env=env) == 2
    err = capsys.readouterr().err
    assert "bad.csv: line 4 (cy): timezone" in err and "Traceback" not in err
    assert main(["roster", "list"], env=env) == 0
    listing = capsys.readouterr().out
    assert "Ana Ruiz" in listing and "Ana Changed" not in listing and "cy" not in listing.split()
    assert main(["roster", "import", str(tmp_path / "missing.csv")], env=env) == 2
    assert "cannot read" in capsys.readouterr().err
