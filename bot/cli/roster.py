"""`roster import FILE|--sample` and `roster list`: the staff roster."""

from __future__ import annotations

import argparse
from pathlib import Path

from bot.cli.common import ROSTER_CSV_BYTES, Context, Subparsers, UserError, opened, read_file
from prompts.loader import sample_roster_csv
from storage.roster import parse_roster, save_roster


def add_parsers(sub: Subparsers) -> None:
    roster = sub.add_parser("roster", help="load or list the staff roster")
    roster_sub = roster.add_subparsers(dest="action", required=True)
    imp = roster_sub.add_parser("import", help="import a roster CSV (columns: see README)")
    imp.add_argument("file", nargs="?", help="CSV file")
    imp.add_argument("--sample", action="store_true", help="import the bundled sample organisation")
    roster_sub.add_parser("list", help="list people")


async def roster(ctx: Context, args: argparse.Namespace) -> int:
    if args.action == "list":
        return await _list(ctx)
    if args.sample:
        data: bytes | str = sample_roster_csv()
        source = "sample organisation"
    elif args.file:
        data = await read_file(args.file, ROSTER_CSV_BYTES, "roster CSV")
        source = str(Path(args.file))
    else:
        raise UserError("roster import needs a CSV file or --sample")
    rows = parse_roster(data, source, ctx.settings.timezone)  # before opening: nothing to undo
    async with opened(ctx) as app:
        async with app.deps.uow() as tx:
            added, updated = await save_roster(tx, rows, source)
            await tx.commit()
        await app.roster_changed()
    print(f"Imported {source}: {added} added, {updated} updated.")
    return 0


async def _list(ctx: Context) -> int:
    """A tab-separated line per person under a header, with the email Slack and Teams
    accounts are matched by."""
    async with opened(ctx) as app, app.deps.uow() as tx:
        print("HANDLE\tNAME\tEMAIL\tROLES\tBRANCH\tCLASSIFICATION\tEMPLOYMENT\tTIMEZONE\t"
              "LOCALE")
        for p in await tx.people.all():
            print(
                f"{p.handle}\t{p.display_name}\t{p.email}\t{p.roles}\t{p.branch}\t"
                f"{p.classification}\t{p.employment}\t{p.timezone}\t{p.locale}"
            )
    return 0
