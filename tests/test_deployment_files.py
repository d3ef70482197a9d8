"""The self-hosting files say the same as the Procfile (no Docker engine needed to check)."""

from __future__ import annotations

import shlex
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def test_compose_runs_every_procfile_process_with_the_same_command() -> None:
    procfile = {
        name: shlex.split(cmd)
        for name, _, cmd in (line.partition(": ") for line in
                             (ROOT / "Procfile").read_text().splitlines() if line.strip())
    }
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    for name, command in procfile.items():
        assert services[name]["command"] == command, name
    assert services["db"]["image"].startswith("postgres:")
    for name in ("web", "worker", "clock"):
        env = services[name]["environment"]
        assert env["OUTWARD_DATABASE_URL"].startswith("postgresql+asyncpg://")
        assert services[name]["depends_on"]["release"]["condition"] == \
            "service_completed_successfully"


def test_image_runs_as_a_non_root_user_and_ignores_local_secrets() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text()
    users = [line.split()[1] for line in dockerfile.splitlines() if line.startswith("USER ")]
    assert users and users[-1] not in ("root", "0")
    ignored = (ROOT / ".dockerignore").read_text().split()
    assert {".env", "*.secret", "*.db", ".venv"} <= set(ignored)


def test_the_installed_package_carries_every_file_the_source_tree_has() -> None:
    """The image installs with `pip install .` (not editable), so only what pyproject.toml's
    package-data globs match is there: every non-Python file in a package must match one."""
    import glob
    import subprocess
    import tomllib

    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    packaged: set[str] = set()
    for package, patterns in config["package-data"].items():
        for pattern in patterns:
            packaged |= {str(Path(p).relative_to(ROOT)) for p in
                         glob.glob(str(ROOT / package / pattern), recursive=True)}
    tracked = subprocess.run(["git", "ls-files", *config["package-data"]], cwd=ROOT,
                             capture_output=True, text=True, check=True).stdout.split()
    data = {f for f in tracked if not f.endswith(".py") and (ROOT / f).is_file()}
    assert data, "git lists the packages' files"
    assert sorted(data - packaged) == []


def test_env_example_names_only_variables_outward_reads() -> None:
    import re

    from bot.settings import unknown_variables

    names = re.findall(r"\b(OUTWARD_[A-Z0-9_]+)=", (ROOT / ".env.example").read_text())
    assert "OUTWARD_SECRET" in names and "OUTWARD_PUBLIC_URL" in names
    assert unknown_variables(dict.fromkeys(names, "x")) == []
