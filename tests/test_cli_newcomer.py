"""What a newcomer runs into on the command line, following the README: each answer is one
clear line (no traceback, no chat-only advice), and output goes where they asked for it."""

from __future__ import annotations

import io
import os
import socket
import sys
from pathlib import Path

import pytest

from bot.cli import main
from tests.cli_support import Cli, free_port


@pytest.fixture
def cli(tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> Cli:
    return Cli({"OUTWARD_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/outward.db"}, capsys,
               monkeypatch)


def test_scrub_with_a_bad_roster_names_its_problems_and_imports_nothing_it_could_not(
        cli: Cli, tmp_path: Path) -> None:
    roster = tmp_path / "staff.csv"
    roster.write_text("handle;name\nmaria;Maria Lopez\n")
    ran = cli("scrub", "--roster", str(roster), stdin="Ask Maria\n")
    assert ran.code == 2
    assert "the columns are separated by ';'" in ran.err
    assert "imported" not in ran.err, "scrub imports nothing; it reads the file's names"


def test_report_writes_what_out_names_and_says_so_when_it_cannot(cli: Cli,
                                                                 tmp_path: Path) -> None:
    assert cli("roster", "import", "--sample").code == 0
    assert cli("pulse", "start", "listening-tour").code == 0
    early = cli("report", "listening-tour", "--out", str(tmp_path / "r.html"))
    assert early.code == 2 and "listening-tour is still open" in early.err
    assert "/pulse early-results listening-tour on" in early.err
    assert "message you" not in early.err, "the command line cannot be messaged later"
    # a folder that does not exist
    learning = cli("report", "learning", "--out", str(tmp_path / "missing" / "x.html"))
    assert learning.code == 2, learning.err
    assert learning.err == (f"outward: cannot write {tmp_path / 'missing' / 'x.html'}: "
                            "No such file or directory\n")


def test_report_out_ending_in_csv_writes_csv(cli: Cli, tmp_path: Path) -> None:
    from tests.test_loop_console import ANSWERING

    assert cli("roster", "import", "--sample").code == 0
    assert cli("pulse", "start", "listening-tour").code == 0
    answers = "\n".join(f":as {h}\n1\n1\nMore training time\nskip\nskip\nskip\n4\nskip\n4\n"
                        "skip\n4\n2" for h in ANSWERING)
    ran = cli("console", stdin=f":clock 09:30\n{answers}\n:quit\n")
    assert ran.code == 0, ran.err
    assert cli("pulse", "close", "listening-tour").code == 0
    out = tmp_path / "figures.csv"
    made = cli("report", "listening-tour", "--out", str(out))
    assert made.code == 0, made.err
    assert out.read_text().startswith("round,segment,value,question_id,question,kind,item")


def test_roster_list_shows_the_email_accounts_are_matched_by(cli: Cli, tmp_path: Path) -> None:
    roster = tmp_path / "staff.csv"
    roster.write_text("handle,name,email,locale\nana,Ana Ruiz,Ana.Ruiz@example.org,es-MX\n")
    assert cli("roster", "import", str(roster)).code == 0
    listing = cli("roster", "list").out.splitlines()
    assert listing[0].split("\t")[:3] == ["HANDLE", "NAME", "EMAIL"]
    assert listing[1].split("\t") == ["ana", "Ana Ruiz", "Ana.Ruiz@example.org", "staff", "", "",
                                      "", "UTC", "es"]


def test_output_to_a_reader_that_stopped_reading_ends_quietly(
        cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`python -m bot roster list | head`: no 'Broken pipe' error once head has its lines."""
    roster = tmp_path / "staff.csv"
    roster.write_text("handle,name,email\n" + "".join(
        f"user{i},Person {i},user{i}@example.org\n" for i in range(3000)))
    assert cli("roster", "import", str(roster)).code == 0
    read, write = os.pipe()
    os.close(read)  # head has exited
    stdout, stderr = os.fdopen(write, "w"), io.StringIO()
    monkeypatch.setattr(sys, "stdout", stdout)
    monkeypatch.setattr(sys, "stderr", stderr)
    try:
        code = main(["roster", "list"], env=cli.env)
        print("more", file=stdout, flush=True)  # what is left is thrown away, not an error
    finally:
        stdout.close()
    assert code == 1
    assert stderr.getvalue() == ""


async def test_a_host_this_machine_does_not_have_is_named_not_the_port() -> None:
    """OUTWARD_HOST set to another machine's address: the fix is the host, not PORT."""
    from aiohttp import web

    from bot.server import start_site

    with pytest.raises(OSError) as info:  # 192.0.2.1: TEST-NET-1, never this machine's
        await start_site(web.Application(), "192.0.2.1", free_port())
    assert "set OUTWARD_HOST to an address of this machine" in str(info.value)
    assert "PORT" not in str(info.value).replace("OUTWARD_HOST", "")
    taken = free_port()
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", taken))
        holder.listen()
        with pytest.raises(OSError) as busy:
            await start_site(web.Application(), "127.0.0.1", taken)
    assert str(busy.value).endswith("set PORT to a free port")


def test_every_argument_of_every_command_says_what_it_is_in_help() -> None:
    import argparse

    from bot.cli import parser

    def walk(p: argparse.ArgumentParser, path: str) -> list[str]:
        missing = []
        for action in p._actions:
            if isinstance(action, argparse._SubParsersAction):
                for name, child in action.choices.items():
                    missing += walk(child, f"{path} {name}")
            elif not isinstance(action, argparse._HelpAction) and not action.help:
                missing.append(f"{path} {action.dest}")
        return missing

    assert walk(parser(), "outward") == []


def test_a_misspelt_setting_is_warned_about_when_a_command_starts(
        cli: Cli, caplog: pytest.LogCaptureFixture) -> None:
    cli.env["OUTWARD_TIMEZOME"] = "America/Chicago"
    assert cli("rounds", "list").code == 0
    assert ("OUTWARD_TIMEZOME is not a variable Outward reads; it is ignored (did you mean "
            "OUTWARD_TIMEZONE?)") in caplog.text


def test_themes_names_a_semicolon_or_tab_separated_file(cli: Cli, tmp_path: Path) -> None:
    for sep, called in ((";", "';'"), ("\t", "tabs")):
        comments = tmp_path / "comments.csv"
        comments.write_text(f"id{sep}text\n1{sep}More staff at the desk\n", "utf-8")
        ran = cli("themes", str(comments))
        assert ran.code == 2
        assert ran.err == (f"outward: {comments}: the columns are separated by {called}: save "
                           "the file as CSV with commas (in Excel: CSV UTF-8)\n")


def test_pulse_replies_name_the_command_line_not_the_chat_command(cli: Cli) -> None:
    """`python -m bot pulse` printed what to type in chat ("/pulse start listening-tour as
    listening-tour-2"), which a shell cannot run."""
    assert cli("roster", "import", "--sample").code == 0
    started = cli("pulse", "start", "listening-tour")
    assert "`python -m bot pulse status listening-tour` shows participation" in started.out
    assert cli("pulse", "close", "listening-tour").code == 0
    again = cli("pulse", "start", "listening-tour")
    assert again.code == 2
    assert ("To run it again: `python -m bot pulse start listening-tour --as-id "
            "listening-tour-2`") in again.out
    copy = cli("pulse", "start", "listening-tour", "--as-id", "listening-tour-2")
    assert copy.code == 0 and "Started" in copy.out
    missing = cli("pulse", "pause", "nope")
    assert "`python -m bot pulse status` lists rounds" in missing.out
    assert "/pulse" not in started.out + again.out + missing.out


def test_report_in_the_readers_language(cli: Cli, tmp_path: Path) -> None:
    """`report ROUND --locale es`: a Spanish-speaking committee gets the report file in
    Spanish (it was English only from the command line); learning aggregates too."""
    from tests.test_loop_console import ANSWERING

    assert cli("roster", "import", "--sample").code == 0
    assert cli("pulse", "start", "listening-tour").code == 0
    early = cli("report", "listening-tour", "--locale", "es")
    assert early.code == 2 and "listening-tour" in early.err and "sigue abierta" in early.err
    answers = "\n".join(f":as {h}\n1\n1\nMás tiempo de formación\nskip\nskip\nskip\n4\nskip\n"
                        "4\nskip\n4\n2" for h in ANSWERING)
    assert cli("console", stdin=f":clock 09:30\n{answers}\n:quit\n").code == 0
    assert cli("pulse", "close", "listening-tour").code == 0
    page = tmp_path / "informe.html"
    made = cli("report", "listening-tour", "--locale", "es-MX", "--out", str(page))
    assert made.code == 0, made.err
    html = page.read_text()
    assert '<html lang="es"' in html and "su organización" in html
    assert "Participación" in html and "Participation" not in html
    english = cli("report", "listening-tour", "--out", str(tmp_path / "report.html"))
    assert english.code == 0 and "Participation" in (tmp_path / "report.html").read_text()
    learning = cli("report", "learning", "--locale", "es")
    assert learning.code == 0, learning.err
    assert learning.out.startswith("Rutas de aprendizaje (las cifras por debajo de 5 se ocultan)")
    made = cli("report", "learning", "--locale", "es", "--out", str(tmp_path / "l.html"))
    assert made.code == 0 and "Solo totales, nunca quién" in (tmp_path / "l.html").read_text()
    wrong = cli("report", "listening-tour", "--locale", "fr")
    assert wrong.code == 2 and wrong.err == (
        "outward: --locale 'fr' is not a language Outward speaks: en, es\n")
