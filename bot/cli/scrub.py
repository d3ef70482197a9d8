"""`scrub [--roster FILE]`: remove personal data from stdin lines, to stdout."""

from __future__ import annotations

import argparse
import asyncio
import re
import sys
from collections.abc import Callable

from bot.cli.common import (
    ROSTER_CSV_BYTES,
    Context,
    Subparsers,
    UserError,
    opened,
    read_file,
    stdin_lines,
)
from storage.roster import RosterError, parse_roster

_SURROGATE = re.compile("[\ud800-\udfff]")


def add_parsers(sub: Subparsers) -> None:
    scrub = sub.add_parser("scrub", help="remove personal data from stdin lines, to stdout")
    scrub.add_argument("--roster", help="roster CSV whose names to remove (default: the database)")


async def scrub(ctx: Context, args: argparse.Namespace) -> int:
    if args.roster:
        await _lines(await _roster_scrubber(ctx, args.roster))
        return 0
    async with opened(ctx) as app:
        await _lines(app.deps.scrub)
    return 0


async def _lines(scrub: Callable[[str], str]) -> None:
    async for line in stdin_lines():
        # bytes that are not UTF-8 reach us as lone surrogates (surrogateescape), which the
        # name recogniser cannot encode: read them as U+FFFD instead
        sys.stdout.write(scrub(_SURROGATE.sub("\ufffd", line.rstrip("\n"))) + "\n")
    sys.stdout.flush()


async def _roster_scrubber(ctx: Context, roster: str) -> Callable[[str], str]:
    """A scrubber for the names in a roster CSV (no database)."""
    from bot.engines import name_recogniser
    from storage.anonymise import Scrubber

    data = await read_file(roster, ROSTER_CSV_BYTES, "roster CSV")
    try:
        rows = parse_roster(data, roster, ctx.settings.timezone, required=("handle", "name"))
    except RosterError as exc:  # its problems, without "Nothing was imported": nothing is
        raise UserError(exc.listing) from None
    recogniser = await asyncio.to_thread(name_recogniser, ctx.settings)
    scrubber = await asyncio.to_thread(Scrubber, [r.display_name for r in rows],
                                       recogniser=recogniser)
    return scrubber.scrub
