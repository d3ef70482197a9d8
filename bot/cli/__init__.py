"""Command line: `python -m bot [COMMAND] ...` (also the `outward` console script).

Each command lives in a small module of this package that adds its argparse sub-parser
(`add_parsers`) and an async handler; `COMMANDS` maps command names to handlers. Every failure
a user can cause ends in one clear line on stderr and exit status 2."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import select
import sys
from collections.abc import Mapping, Sequence

from bot.cli import (
    console,
    db,
    pulse,
    purge,
    report,
    roster,
    rounds,
    scrub,
    serve,
    teams_package,
    themes,
)
from bot.cli.common import Context, Handler, UserError
from bot.logs import configure
from bot.settings import Settings, SettingsError, unknown_variables
from prompts.loader import ContentError
from storage.migrate import NewerDatabase
from storage.roster import RosterError

__all__ = ["COMMANDS", "UserError", "execute", "main", "parser"]

COMMANDS: dict[str, Handler] = {
    "run": serve.run,
    "serve": serve.serve,
    "worker": serve.worker,
    "clock": serve.clock,
    "console": console.console,
    "db": db.db,
    "roster": roster.roster,
    "pulse": pulse.pulse,
    "rounds": rounds.rounds,
    "scrub": scrub.scrub,
    "themes": themes.themes,
    "report": report.report,
    "purge": purge.purge,
    "teams-package": teams_package.teams_package,
}
_MODULES = (serve, console, db, roster, pulse, rounds, scrub, themes, report, purge,
            teams_package)

# What a user can cause: shown as one line, exit status 2.
_USER_ERRORS = (UserError, RosterError, ContentError, SettingsError, NewerDatabase, OSError)


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="outward",
        description="Outward: listening-tour pulse surveys, learning nudges and mentorship "
        "check-ins in Slack, Teams and the terminal.",
    )
    sub = p.add_subparsers(dest="command")
    for module in _MODULES:
        module.add_parsers(sub)
    return p


def main(argv: Sequence[str] | None = None, env: Mapping[str, str] | None = None) -> int:
    """Run one command (`argv` without the program name; default sys.argv) with settings from
    `env` (default os.environ); returns the exit status."""
    try:
        code = asyncio.run(execute(argv, env))
        sys.stdout.flush()  # here, not at exit, where a reader gone is a warning and a trace
        return code
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        if not _reader_gone():
            raise
        # `roster list | head`: the reader took what it wanted. Nothing more can be written;
        # what is still buffered goes nowhere instead of failing again at exit.
        # https://docs.python.org/3/library/signal.html#note-on-sigpipe
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1


def _reader_gone() -> bool:
    """Whether standard output is a pipe whose reading end is closed."""
    try:
        fd = sys.stdout.fileno()
        poller = select.poll()
    except (AttributeError, OSError, ValueError):  # not a file; no poll() (Windows)
        return False
    poller.register(fd, select.POLLOUT)
    return any(events & select.POLLERR for _, events in poller.poll(0))


async def execute(argv: Sequence[str] | None = None, env: Mapping[str, str] | None = None
                  ) -> int:
    """`main` on the running event loop (tests run long-lived commands as a task and cancel it).
    """
    p = parser()
    args = p.parse_args(argv)
    if args.command is None:  # `python -m bot`: everything in one process
        args = p.parse_args(["run"])
    environ = os.environ if env is None else env
    try:
        settings = Settings.from_env(environ)
    except SettingsError as exc:
        print(f"outward: {exc}", file=sys.stderr)
        return 2
    _logging(settings)
    for line in unknown_variables(environ):
        logging.getLogger("bot.settings").warning(line)
    try:
        return await COMMANDS[args.command](Context(settings, environ), args)
    except BrokenPipeError as exc:
        if _reader_gone():
            raise  # main() ends quietly
        print(f"outward: {exc}", file=sys.stderr)
        return 2
    except _USER_ERRORS as exc:
        print(f"outward: {exc}", file=sys.stderr)
        return 2


def _logging(settings: Settings) -> None:
    """Text or JSON lines on stderr (bot.logs), unless logging was set up already (a test, or
    a program embedding Outward)."""
    if not logging.getLogger().handlers:
        configure(settings)
