"""Files an admin names on the command line are read up to a documented size: a file that never
ends (/dev/zero) or is far too big gets one line naming it and the limit, and a non-zero exit,
instead of filling the machine's memory; a pipe (/dev/stdin) within the limit still works."""

from __future__ import annotations

import contextlib
import os
import resource
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.cli_support import Cli

ROOT = Path(__file__).resolve().parent.parent
ZERO = "/dev/zero"
ROSTER = "handle,name,email\nana,Ana Ruiz,ana@example.org\nben,Ben Kim,ben@example.org\n"

pytestmark = pytest.mark.skipif(not Path(ZERO).exists(), reason="needs /dev/zero")


@contextlib.contextmanager
def memory_ceiling(extra: int = 1 << 30) -> Iterator[None]:
    """Let this process grow by at most `extra` bytes of address space meanwhile, so a reader
    that ignores its limit fails here with MemoryError instead of swapping the machine."""
    with open("/proc/self/statm") as f:
        used = int(f.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    before = resource.getrlimit(resource.RLIMIT_AS)
    resource.setrlimit(resource.RLIMIT_AS, (used + extra, before[1]))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, before)


@pytest.fixture
def cli(tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> Cli:
    env = {"OUTWARD_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/outward.db",
           "OUTWARD_SPACY_MODEL": "none"}
    return Cli(env, capsys, monkeypatch)


@pytest.mark.parametrize(("argv", "line"), [
    (["roster", "import", ZERO],
     f"outward: {ZERO} is larger than 50 MB, the most a roster CSV may be"),
    (["scrub", "--roster", ZERO],
     f"outward: {ZERO} is larger than 50 MB, the most a roster CSV may be"),
    (["themes", ZERO],
     f"outward: {ZERO} is larger than 50 MB, the most a comments CSV may be"),
])
def test_a_csv_that_never_ends_is_refused_with_one_line(
    cli: Cli, argv: list[str], line: str
) -> None:
    with memory_ceiling():
        done = cli(*argv)
    assert done.code == 2
    assert done.err.splitlines() == [line]
    assert done.out == ""


def test_validating_a_round_file_that_never_ends_names_the_file_and_the_limit(cli: Cli) -> None:
    with memory_ceiling():
        done = cli("rounds", "validate", ZERO)
    assert done.code == 1 and "Traceback" not in done.err
    assert done.out.splitlines() == [
        f"{ZERO}:1: is larger than 1 MB, the most a content file may be"]


def test_a_codebook_setting_that_never_ends_is_a_settings_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    cli = Cli({"OUTWARD_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/outward.db",
               "OUTWARD_CODEBOOK": ZERO}, capsys, monkeypatch)
    with memory_ceiling():
        done = cli("rounds", "list")
    assert done.code == 2
    assert done.err.splitlines() == [
        f"outward: OUTWARD_CODEBOOK: {ZERO}:1: is larger than 1 MB, the most a content file "
        "may be"]


def _fifo(tmp_path: Path, text: str) -> str:
    """A named pipe that yields `text` once: like /dev/stdin under `cat file |`, it has no
    size until it is read."""
    path = tmp_path / "pipe"
    os.mkfifo(path)

    def write() -> None:
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)

    threading.Thread(target=write, daemon=True).start()
    return str(path)


def test_pipes_within_the_limit_are_read(cli: Cli, tmp_path: Path) -> None:
    done = cli("roster", "import", _fifo(tmp_path, ROSTER))
    assert done.code == 0, done.err
    assert done.out.strip().endswith(": 2 added, 0 updated.")
    os.unlink(tmp_path / "pipe")
    round_file = (ROOT / "prompts" / "rounds" / "equity-readiness.yaml").read_text("utf-8")
    done = cli("rounds", "validate", _fifo(tmp_path, round_file))
    assert done.code == 0, done.out
    assert "OK (round 'equity-readiness'" in done.out


def test_roster_import_from_dev_stdin_in_a_real_process(tmp_path: Path) -> None:
    env = {**os.environ, "OUTWARD_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/outward.db",
           "OUTWARD_SPACY_MODEL": "none", "OUTWARD_SECRET": "s" * 32}
    done = subprocess.run([sys.executable, "-m", "bot", "roster", "import", "/dev/stdin"],
                          input=ROSTER, capture_output=True, text=True, env=env, cwd=ROOT,
                          timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "Imported /dev/stdin: 2 added, 0 updated."


def test_a_file_of_exactly_the_limit_is_read_and_one_byte_more_is_refused(
        tmp_path: Path) -> None:
    from prompts.files import TooLarge, read_at_most

    path = tmp_path / "comments.csv"
    path.write_bytes(b"x" * 1000)
    assert read_at_most(path, 1000) == b"x" * 1000
    with pytest.raises(TooLarge, match="is larger than 999 bytes"):
        read_at_most(path, 999)
    path.write_bytes(b"")
    assert read_at_most(path, 0) == b""
