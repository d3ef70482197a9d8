"""The commands a newcomer and an admin run, as real processes."""

from __future__ import annotations

import os
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

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
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "Microsoft"))}
    env.pop("OUTWARD_TEAMS_DEV_NO_AUTH", None)
    env.update(OUTWARD_DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path}/outward.db", **extra)
    return env


def test_scripted_console_session_from_start_to_receipt(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "bot", "console", "--sample"],
        input=SESSION, capture_output=True, text=True, timeout=120, cwd=ROOT,
        env=_env(tmp_path),
    )
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert "Traceback" not in out + proc.stderr
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


def test_cli_admin_commands_and_migrations(tmp_path: Path) -> None:
    env = _env(tmp_path)

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "bot", *args], capture_output=True,
                              text=True, timeout=120, cwd=ROOT, env=env)

    up = run("db", "upgrade")
    assert up.returncode == 0 and "revision" in up.stdout
    assert run("roster", "import", "--sample").returncode == 0
    started = run("pulse", "start", "listening-tour")
    assert started.returncode == 0 and "Started" in started.stdout
    again = run("pulse", "start", "listening-tour")
    assert again.returncode == 2 and "already open" in again.stdout
    status = run("pulse", "status")
    assert "listening-tour" in status.stdout and "open" in status.stdout
    closed = run("pulse", "close", "listening-tour")
    assert closed.returncode == 0 and "is closed" in closed.stdout
    missing = run("pulse", "pause")
    assert missing.returncode == 2 and "needs a ROUND" in missing.stderr


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_main_command_serves_health_with_non_terminal_stdin(tmp_path: Path) -> None:
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot"], stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True, cwd=ROOT,
        env=_env(tmp_path, PORT=str(port), OUTWARD_HOST="127.0.0.1"),
    )
    try:
        body = b""
        for _ in range(100):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1) as r:
                    body = r.read()
                    assert r.status == 200
                break
            except OSError:
                time.sleep(0.2)
        assert b"ok" in body
    finally:
        proc.terminate()
        _, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err
    assert "No Slack or Teams credentials" in err
    assert "Traceback" not in err


def test_scrub_and_themes_commands(tmp_path: Path) -> None:
    env = _env(tmp_path)
    roster = tmp_path / "roster.csv"
    roster.write_text("handle,name\nmaria,Maria Lopez\nwill,Will Patterson\n")
    scrubbed = subprocess.run(
        [sys.executable, "-m", "bot", "scrub", "--roster", str(roster)],
        input="Ask Maria Lopez, maria@example.org or 555-867-5309\nWill you help? Will said no\n",
        capture_output=True, text=True, timeout=120, cwd=ROOT, env=env,
    )
    assert scrubbed.returncode == 0, scrubbed.stderr
    first, second = scrubbed.stdout.splitlines()
    assert "Maria" not in first and "[NAME]" in first and "[EMAIL]" in first
    assert "[PHONE]" in first
    assert second.startswith("Will you help?") and "[NAME] said no" in second

    comments = tmp_path / "comments.csv"
    rows = ["id,text"] + [
        f"{i},{t}" for i, t in enumerate(
            ["Short staffed at the desk again", "Not enough staff on weekend shifts",
             "We need more staff at the branch", "Staffing levels are too low"] * 5
            + ["Paid time for equity training please", "More training on bias",
               "Training sessions should be during paid hours", "I want training on allyship"] * 5
        )
    ]
    comments.write_text("\n".join(rows) + "\n")
    themed = subprocess.run(
        [sys.executable, "-m", "bot", "themes", str(comments), "--column", "text",
         "--format", "json"], capture_output=True, text=True, timeout=120, cwd=ROOT,
        env={**env, "OUTWARD_THEMES_ENGINE": "tfidf"})
    assert themed.returncode == 0, themed.stderr
    import json

    data = json.loads(themed.stdout)
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
    bad = subprocess.run([sys.executable, "-m", "bot", "themes", str(comments), "--column",
                          "nope"], capture_output=True, text=True, timeout=120, cwd=ROOT, env=env)
    assert bad.returncode == 2 and "no column 'nope'" in bad.stderr
    assert "Traceback" not in bad.stderr


def test_report_and_purge_commands(tmp_path: Path) -> None:
    env = _env(tmp_path)

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "bot", *args], capture_output=True,
                              text=True, timeout=120, cwd=ROOT, env=env)

    assert run("roster", "import", "--sample").returncode == 0
    assert run("pulse", "start", "listening-tour").returncode == 0
    early = run("report", "listening-tour", "--out", str(tmp_path / "r.html"))
    assert early.returncode == 2 and "still open" in early.stderr
    assert run("pulse", "close", "listening-tour").returncode == 0
    small = run("report", "listening-tour", "--out", str(tmp_path / "r.html"))
    assert small.returncode == 2 and "too few people" in small.stderr  # nobody answered
    missing = run("report", "nope")
    assert missing.returncode == 2 and "no round 'nope'" in missing.stderr
    learning = run("report", "learning")
    assert learning.returncode == 0 and "Learning tracks" in learning.stdout
    assert "step 1 (" in learning.stdout and "enrolled 0" in learning.stdout
    purge = run("purge")
    assert purge.returncode == 0 and "Purged comment text of 0 round(s)" in purge.stdout
