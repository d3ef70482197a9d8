"""The commands a newcomer and an admin run: in this process through `bot.cli.main` (the same
parsing, settings, dispatch and errors as the program), and `python -m bot` once as a real
process."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.cli_support import Cli, free_port

ROOT = Path(__file__).resolve().parent.parent

SESSION = """\
:clock 09:30
/pulse start listening-tour
:as dana
1
Yes, include them
Story times in three languages, thanks to Grace Kim
Short staffing at the desk, email me at dana@example.org
Paid time for training
That this becomes a checkbox
2
We never get coverage for the desk
4
skip
3
Workplace culture
:as jordan
/pulse status listening-tour
:as amara
/pulse close listening-tour
:quit
"""


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    """The environment of a fresh install: no platform credentials, a database in tmp_path."""
    return {"OUTWARD_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/outward.db", **extra}


@pytest.fixture
def cli(tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> Cli:
    return Cli(_env(tmp_path), capsys, monkeypatch)


def test_scripted_console_session_from_start_to_receipt(cli: Cli, tmp_path: Path) -> None:
    proc = cli("console", "--sample", stdin=SESSION)
    assert proc.code == 0, proc.err
    out = proc.out
    assert "Traceback" not in out + proc.err
    assert "Started *Equity listening tour*" not in out  # markup is rendered, not echoed
    assert "Started Equity listening tour" in out
    assert "Question 8 of 8" in out
    assert "Thank you, that's everything." in out
    # the chair sees participation, which moves only in batches of at least k people
    assert "completed 0 (0%; counted in batches of at least 5)" in out
    assert "1 of 14 invited people finished" in out  # at close, everyone is counted

    db = sqlite3.connect(tmp_path / "outward.db")
    answers = db.execute("SELECT * FROM responses").fetchall()
    dana = db.execute("SELECT handle, display_name, email, id FROM people WHERE handle='dana'"
                      ).fetchone()
    assert len(answers) == 9
    blob = repr(answers).lower()
    for needle in (dana[0], *dana[1].lower().split(), dana[2], "grace kim"):
        assert needle not in blob
    assert "[EMAIL]" in repr(answers) and "[NAME]" in repr(answers)
    # responses have no rowid order and no timestamps to line up with participation
    cols = [r[1] for r in db.execute("PRAGMA table_info(responses)")]
    assert not any("time" in c or "person" in c or c == "created_at" for c in cols)
    assert db.execute("SELECT count(*) FROM conversation_state").fetchone()[0] == 0


def test_cli_admin_commands_and_migrations(cli: Cli) -> None:
    up = cli("db", "upgrade")
    assert up.code == 0 and "revision" in up.out
    assert cli("roster", "import", "--sample").code == 0
    started = cli("pulse", "start", "listening-tour")
    assert started.code == 0 and "Started" in started.out
    again = cli("pulse", "start", "listening-tour")
    assert again.code == 2 and "already open" in again.out
    status = cli("pulse", "status")
    assert "listening-tour" in status.out and "open" in status.out
    closed = cli("pulse", "close", "listening-tour")
    assert closed.code == 0 and "is closed" in closed.out
    missing = cli("pulse", "pause")
    assert missing.code == 2 and "needs a ROUND" in missing.err
    assert missing.err.count("\n") == 1 and "Traceback" not in missing.err


def test_main_command_serves_health_with_non_terminal_stdin(tmp_path: Path) -> None:
    """The one real-process smoke test: `python -m bot` (no command: everything in one
    process) serves /healthz and stops cleanly on SIGTERM, as a platform stops a dyno."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "Microsoft"))}
    env.pop("OUTWARD_TEAMS_DEV_NO_AUTH", None)
    env.update(_env(tmp_path, PORT=str(port), OUTWARD_HOST="127.0.0.1"))
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot"], stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True, cwd=ROOT, env=env,
    )
    try:
        body = b""
        for _ in range(300):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1) as r:
                    body = r.read()
                    assert r.status == 200
                break
            except OSError:
                if proc.poll() is not None:
                    break
                time.sleep(0.2)
        assert b"ok" in body
    finally:
        proc.terminate()
        _, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err
    assert "No Slack or Teams credentials" in err
    assert "Traceback" not in err


COMMENTS = (["Short staffed at the desk again", "Not enough staff on weekend shifts",
             "We need more staff at the branch", "Staffing levels are too low"] * 5
            + ["Paid time for equity training please", "More training on bias",
               "Training sessions should be during paid hours", "I want training on allyship"] * 5)


def test_scrub_and_themes_commands(cli: Cli, tmp_path: Path) -> None:
    roster = tmp_path / "roster.csv"
    roster.write_text("handle,name\nmaria,Maria Lopez\nwill,Will Patterson\n")
    scrubbed = cli("scrub", "--roster", str(roster),
                   stdin="Ask Maria Lopez, maria@example.org or 555-867-5309\n"
                         "Will you help? Will said no\n")
    assert scrubbed.code == 0, scrubbed.err
    first, second = scrubbed.out.splitlines()
    assert "Maria" not in first and "[NAME]" in first and "[EMAIL]" in first
    assert "[PHONE]" in first
    assert second.startswith("Will you help?") and "[NAME] said no" in second

    comments = tmp_path / "comments.csv"
    comments.write_text("\n".join(["id,text"] + [f"{i},{t}" for i, t in enumerate(COMMENTS)])
                        + "\n")
    cli.env["OUTWARD_THEMES_ENGINE"] = "tfidf"
    themed = cli("themes", str(comments), "--column", "text", "--format", "json")
    assert themed.code == 0, themed.err
    data = json.loads(themed.out)
    assert len(data["assignments"]) == 40
    staff, training = set(data["assignments"][:20]), set(data["assignments"][20:])
    assert staff.isdisjoint(training)
    assert all(t["label"] for t in data["themes"])
    # one sentiment per comment, aligned with the assignments; complaints read as negative
    assert len(data["sentiments"]) == 40
    assert data["sentiments"][0] == "negative"  # "Short staffed at the desk again"
    assert data["sentiments"][1] == "negative"  # "Not enough staff on weekend shifts"
    for theme in data["themes"]:
        assert sum(theme["sentiment"].values()) == theme["count"]
        for sub in theme["subthemes"]:
            assert set(sub["members"]) <= {i for i, a in enumerate(data["assignments"])
                                           if a == theme["id"]}
    text = cli("themes", str(comments))
    assert text.code == 0 and text.out.splitlines()[0] == f"1\t{data['assignments'][0]}\tnegative"
    bad = cli("themes", str(comments), "--column", "nope")
    assert bad.code == 2 and "no column 'nope'" in bad.err
    assert "Traceback" not in bad.err


def test_report_and_purge_commands(cli: Cli, tmp_path: Path) -> None:
    assert cli("roster", "import", "--sample").code == 0
    assert cli("pulse", "start", "listening-tour").code == 0
    early = cli("report", "listening-tour", "--out", str(tmp_path / "r.html"))
    assert early.code == 2 and "still open" in early.err
    assert cli("pulse", "close", "listening-tour").code == 0
    small = cli("report", "listening-tour", "--out", str(tmp_path / "r.html"))
    assert small.code == 2 and "too few people" in small.err  # nobody answered
    # the whole round is not "the group listening-tour", and a closed one gets no more answers
    assert "the group" not in small.err and "The round is closed" in small.err
    assert not (tmp_path / "r.html").exists()
    missing = cli("report", "nope")
    assert missing.code == 2 and "no round 'nope'" in missing.err
    learning = cli("report", "learning")
    assert learning.code == 0 and "Learning tracks" in learning.out
    assert "step 1 (" in learning.out and "0 people enrolled" in learning.out
    purge = cli("purge")
    assert purge.code == 0 and "Purged comment text of 0 round(s)" in purge.out


def test_commands_map_to_their_handlers() -> None:
    """Every command the parser accepts has a handler, and nothing else does."""
    from bot.cli import COMMANDS, parser

    sub = next(a for a in parser()._actions if a.dest == "command")
    assert set(sub.choices or ()) == set(COMMANDS)


def test_a_running_process_keeps_its_start_up_heap_out_of_the_collector_until_it_stops(
        ) -> None:
    """What start-up built is frozen while the process runs (full collections then skip it),
    and given back on the way out, so a program or test that runs a command and goes on can
    still free it."""
    import gc

    from bot.cli.common import frozen_heap

    gc.collect()
    with frozen_heap():
        assert gc.get_freeze_count() > 1000
    assert gc.get_freeze_count() == 0


@pytest.mark.parametrize("role", ["clock", "worker"])
def test_procfile_clock_and_worker_processes_do_their_part(
        cli: Cli, monkeypatch: pytest.MonkeyPatch, role: str) -> None:
    """`clock` releases, plans and keeps house; `worker` delivers. Each runs its jobs at once
    and stops cleanly on SIGTERM (exit status 0)."""
    import signal

    from bot.bootstrap import Outward
    from bot.worker import DeliveryWorker

    ran: list[str] = []

    def record(name: str, result: object) -> Callable[..., object]:
        async def job(*_: object) -> object:
            ran.append(name)
            if {"plan", "housekeeping"} <= set(ran) or name == "deliver":
                os.kill(os.getpid(), signal.SIGTERM)  # the platform stopping the process
            return result
        return job

    monkeypatch.setattr(Outward, "plan_all", record("plan", 0))
    monkeypatch.setattr(Outward, "housekeeping", record("housekeeping", None))
    monkeypatch.setattr(DeliveryWorker, "run_once", record("deliver", 0))
    assert cli("db", "upgrade").code == 0
    done = cli(role)
    assert done.code == 0, done.err
    assert sorted(ran) == (["housekeeping", "plan"] if role == "clock" else ["deliver"])


def test_clock_once_runs_the_clock_jobs_and_exits(
        cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture) -> None:
    """`clock --once` (cron, a platform scheduler): release and plan, housekeeping, a
    heartbeat for /healthz, exit 0; a failing run exits 1 with the error logged."""
    from bot.bootstrap import Outward

    assert cli("roster", "import", "--sample").code == 0
    done = cli("clock", "--once")
    assert done.code == 0, done.err
    with sqlite3.connect(tmp_path / "outward.db") as db:
        beats = db.execute("SELECT role, process FROM heartbeats").fetchall()
    assert [role for role, _ in beats] == ["clock"] and beats[0][1].endswith(f":{os.getpid()}")

    async def broken(self: Outward) -> int:
        raise RuntimeError("database went away")

    monkeypatch.setattr(Outward, "plan_all", broken)
    failed = cli("clock", "--once")
    assert failed.code == 1
    assert "plan failed" in caplog.text and "database went away" in caplog.text
