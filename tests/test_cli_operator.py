"""What a county's IT administrator runs into setting Outward up from the README: a database
URL that points at nothing usable is one clear line naming OUTWARD_DATABASE_URL, for the
release process (`db upgrade`) as for every other command, never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli_support import Cli

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
