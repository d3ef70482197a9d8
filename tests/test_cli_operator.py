"""What a county's IT administrator runs into setting Outward up from the README: a database
URL that points at nothing usable is one clear line naming OUTWARD_DATABASE_URL, for the
release process (`db upgrade`) as for every other command, never a traceback."""

from __future__ import annotations

import io
import json
import logging
import sqlite3
from pathlib import Path

import pytest

from bot.logs import OURS, QUIET, SDK_OWN_LEVEL, configure
from bot.settings import Settings
from tests.cli_support import Cli, free_port, serving

SECRET = "s" * 40


@pytest.mark.parametrize("command", [("db", "upgrade"), ("db", "current"), ("roster", "list")])
def test_a_sqlite_file_that_cannot_be_opened_is_named_in_one_line(
        command: tuple[str, ...], tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    for url in (f"sqlite+aiosqlite:///{tmp_path}/no/such/folder/outward.db",
                f"sqlite+aiosqlite:///{Path(__file__)}"):  # a file that is not a database
        ran = Cli({"OUTWARD_DATABASE_URL": url}, capsys, monkeypatch)(*command)
        assert ran.code == 2, ran.err
        assert ran.err.startswith("outward: cannot open the database in OUTWARD_DATABASE_URL")
        assert "Traceback" not in ran.err and len(ran.err.splitlines()) == 1


@pytest.mark.parametrize("command", [("db", "upgrade"), ("roster", "list"), ("clock", "--once")])
def test_a_postgresql_database_that_does_not_exist_is_named_in_one_line(
        command: tuple[str, ...], postgres_server: str, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"postgresql+asyncpg://outward@{postgres_server}/no_such_database"
    ran = Cli({"OUTWARD_DATABASE_URL": url, "OUTWARD_SECRET": SECRET}, capsys,
              monkeypatch)(*command)
    assert ran.code == 2, ran.err
    assert ran.err.startswith("outward: cannot open the database in OUTWARD_DATABASE_URL")
    assert "no_such_database" in ran.err and len(ran.err.splitlines()) == 1


def test_a_postgresql_server_that_is_not_there_is_named_in_one_line(
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    url = "postgresql+asyncpg://outward:hunter2@127.0.0.1:1/outward"
    ran = Cli({"OUTWARD_DATABASE_URL": url, "OUTWARD_SECRET": SECRET}, capsys,
              monkeypatch)("db", "upgrade")
    assert ran.code == 2
    assert ran.err.startswith("outward: cannot open the database in OUTWARD_DATABASE_URL")
    assert "hunter2" not in ran.err


async def test_with_json_logs_what_serve_says_at_start_is_json_too(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A log platform reading OUTWARD_LOG_FORMAT=json gets one JSON object a line: the
    "serving on" and "no credentials" notices go through the logs, not beside them."""
    env = {"OUTWARD_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/outward.db",
           "PORT": str(free_port()), "OUTWARD_HOST": "127.0.0.1", "OUTWARD_LOG_FORMAT": "json"}
    names = ["", *OURS, *QUIET, *SDK_OWN_LEVEL]
    levels = {n: logging.getLogger(n).level for n in names}
    out = io.StringIO()
    handler = configure(Settings.from_env(env), out)
    try:
        async with serving(["serve"], env):
            pass
    finally:
        logging.getLogger().removeHandler(handler)
        for name, level in levels.items():
            logging.getLogger(name).setLevel(level)
    records = [json.loads(line) for line in out.getvalue().splitlines()]
    messages = " ".join(r["message"] for r in records)
    assert "Outward is serving on http://127.0.0.1" in messages
    assert "No Slack or Teams credentials" in messages
    assert "Outward is serving" not in capsys.readouterr().err


def test_an_older_release_on_a_database_a_newer_one_upgraded_says_so_and_changes_nothing(
        tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Rolling the image back after an upgrade: the database's revision is one this release
    does not know. Every command says so in one line and leaves the database as it was."""
    db = tmp_path / "outward.db"
    cli = Cli({"OUTWARD_DATABASE_URL": f"sqlite+aiosqlite:///{db}"}, capsys, monkeypatch)
    assert cli("roster", "import", "--sample").code == 0
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '0999'")
    for command in (("db", "upgrade"), ("roster", "list"), ("clock", "--once")):
        ran = cli(*command)
        assert ran.code == 2, ran.err
        assert "revision 0999" in ran.err and "newer" in ran.err, ran.err
        assert "Traceback" not in ran.err and len(ran.err.strip().splitlines()) == 1, ran.err
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchall() == [("0999",)]
        assert conn.execute("SELECT count(*) FROM people").fetchone()[0] > 5
