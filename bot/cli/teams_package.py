"""`teams-package [--out FILE]`: the Teams app package (zip) to upload."""

from __future__ import annotations

import argparse
import asyncio
from pathlib import Path

from bot.cli.common import Context, Subparsers, UserError


def add_parsers(sub: Subparsers) -> None:
    pkg = sub.add_parser("teams-package", help="write the Teams app package (zip) to upload")
    pkg.add_argument("--out", default="outward-teams.zip",
                     help="the zip to write (default: outward-teams.zip)")


async def teams_package(ctx: Context, args: argparse.Namespace) -> int:
    from bot.teams_wiring import write_package

    try:
        path = await asyncio.to_thread(write_package, ctx.settings, Path(args.out), ctx.env)
    except ValueError as exc:  # adapters.teams.PackageError names the missing variable
        raise UserError(str(exc)) from None
    except OSError as exc:
        raise UserError(f"cannot write {args.out}: {exc.strerror}") from None
    print(f"Wrote {path}: upload it in Teams (Apps > Manage your apps > Upload an app).")
    return 0
