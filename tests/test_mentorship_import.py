"""A programme lead's cohort file as it really arrives (Excel's quirks, typos, a second import
of the same sheet), through the real console adapter and the real core."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support import Console, FakeOutward

ERROR = "something went wrong"
SAMPLE = Path(__file__).resolve().parent.parent / "prompts/sample/mentorship-cohort.csv"
HEADER = "handle,role,goals,availability,manager,priority,prefers\r\n"


def write(tmp_path: Path, name: str, text: str | bytes) -> None:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, "utf-8")


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)  # chat imports read bare file names from where Outward runs
    return tmp_path


async def test_typos_are_named_with_what_was_meant_in_line_order(
    app: FakeOutward, console: Console, folder: Path
) -> None:
    write(folder, "spring.csv", HEADER
          + 'mei,mentor,"civil service exam",tue;thu,amara,,\r\n'
          + 'grace,Mentor ,"mock interviews",,will,,\r\n'
          + 'fatima,mentee,"mock interviews",mon;thu,noah,,\r\n'
          + 'fatima,mentee,"leadership",mon,noah,,\r\n'
          + 'rosa,mentees,"bilingual",tue,tom,,\r\n'
          + 'zed,mentor,,mon,,,\r\n'
          + 'kwame,mentee,management,mornings,mei,,\r\n'
          + 'aiyana,liason,,,,,\r\n'
          + ',,,,,,\r\n,,,,,,\r\n')  # rows Excel keeps once they were formatted
    out = await console.say("/mentor create default spring start=2026-12-07 weeks=12",
                            "/mentor import spring spring.csv")
    assert ERROR not in out
    assert "Imported into spring: 2 mentees, 2 mentors, 0 liaisons." in out
    problems = out[out.index("Not imported:"):]
    assert problems.index("line 5:") < problems.index("line 6:") < problems.index("line 7:") \
        < problems.index("line 9:")  # the roster's problem (line 7) in its place
    assert "line 5: fatima is listed twice; line 4 is the one imported" in out
    assert "line 6: rosa: role must be mentee, mentor or liaison, not 'mentees' (did you mean " \
           "mentee?)" in out
    assert "line 9: aiyana: role must be mentee, mentor or liaison, not 'liason' (did you " \
           "mean liaison?)" in out
    assert "line 7: zed is not on the roster (add them with python -m bot roster import" in out
    assert "no handle" not in out  # the empty rows Excel adds are not problems
    assert "Imported, but matching cannot use their meeting days" in out
    assert "line 3: grace (mentor) has no availability" in out
    assert "line 8: kwame: availability 'mornings' is not a day of the week" in out


async def test_files_excel_saves_the_wrong_way_say_how_to_save_them(
    app: FakeOutward, console: Console, folder: Path
) -> None:
    write(folder, "empty.csv", "")
    write(folder, "tabs.csv", "Handle\tRole\nmei\tmentor\n")
    write(folder, "windows.csv", "handle,role,goals\nmei,mentor,caf\xe9 y gesti\xf3n\n"
          .encode("cp1252"))
    out = await console.say("/mentor create default spring start=2026-12-07 weeks=12",
                            "/mentor import spring empty.csv")
    assert "the file is empty: its first line names the columns (handle,role," in out
    out = await console.say("/mentor import spring tabs.csv")
    assert "the columns are separated by tabs: in Excel, use Save As › CSV UTF-8" in out
    out = await console.say("/mentor import spring windows.csv")
    assert "windows.csv is not saved as UTF-8 text" in out and "CSV UTF-8" in out
    assert "could not read" not in out  # it is there: the lead is not sent looking for it
    out = await console.say("/mentor import spring nowhere.csv")
    assert "I could not read nowhere.csv" in out


async def test_importing_the_sheet_again_keeps_choices_and_columns_it_leaves_out(
    app: FakeOutward, console: Console, folder: Path
) -> None:
    """The lead fixes a typo and imports the whole sheet again: a person who left stays out,
    a pause stays on, a paired person's role stays, and a file without the availability
    column does not wipe everyone's meeting days."""
    await console.say("/mentor create default spring start=2026-11-24 weeks=12",
                      "/mentor import spring mentorship-cohort.csv",
                      "/mentor propose spring", "/mentor confirm spring")
    await console.say(":as kwame", "/mentor leave", ":as rosa", "/mentor pause")
    write(folder, "again.csv", SAMPLE.read_bytes().replace(b"mei,mentor", b"mei,mentee"))
    out = await console.say(":as amara", "/mentor import spring again.csv")
    assert "line 6: kwame left spring themselves, so the file does not add them back" in out
    assert "line 2: mei is already paired as a mentor, so their role stays mentor" in out
    out = await console.say(":as rosa", "/mentor history")
    assert "Sus seguimientos están en pausa" in out  # rosa reads Spanish
    write(folder, "goals-only.csv", "handle,role,goals\ngrace,mentor,leadership\n")
    out = await console.say(":as amara", "/mentor import spring goals-only.csv")
    assert "Imported into spring: 0 mentees, 1 mentor" in out
    assert "no availability" not in out  # grace's mon;wed;thu is kept
    async with app.deps.uow() as tx:
        grace = await tx.people.by_handle("grace")
        assert grace is not None
        member = await tx.mentorship.member("spring", grace.id)
        assert member is not None and member.availability == "mon;wed;thu"
        assert member.goals == "leadership"


async def test_a_pair_refused_by_the_rules_says_what_to_type_instead(
    app: FakeOutward, console: Console
) -> None:
    out = await console.say("/mentor create default spring start=2026-12-07 weeks=12",
                            "/mentor import spring mentorship-cohort.csv",
                            "/mentor pair spring kwame mei")
    assert ("kwame and mei are in the same reporting line, so they cannot be paired. Pick "
            "another mentor for kwame: /mentor pair spring kwame MENTOR.") in out
