"""`report ROUND [--format html|csv] [--out FILE] [--locale es]`: the committee report, or its
figures; `report learning`: learning aggregates; in the reader's language (`--locale`)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bot.bootstrap import Outward
from bot.cli.common import Context, Subparsers, UserError, opened, write_text


def add_parsers(sub: Subparsers) -> None:
    report = sub.add_parser("report", help="committee report for a round, or `report learning`")
    report.add_argument("round", help="a round id, or `learning` for learning-track aggregates")
    report.add_argument("--format", choices=["html", "csv", "text"], default=None,
                        help="a round: html (the committee report, default) or csv (its "
                             "figures, one row per question x option/theme x group, no quotes); "
                             "`learning`: text unless html is asked for or --out ends in .html")
    report.add_argument("--out", help="output file (default ROUND.html, or ROUND.csv with "
                                      "--format csv; a round's --out ending in .csv is CSV)")
    report.add_argument("--locale", default="en",
                        help="the reader's language: en (default) or es (the report's words, "
                             "numbers and dates; what people wrote stays as written)")


async def report(ctx: Context, args: argparse.Namespace) -> int:
    async with opened(ctx) as app:
        locale = str(args.locale).strip().lower().replace("_", "-").split("-")[0]
        known = sorted(app.deps.catalog.texts)
        if locale not in known:
            raise UserError(f"--locale {str(args.locale)[:20]!r} is not a language Outward "
                            f"speaks: {', '.join(known)}")
        if args.round == "learning":
            if args.format == "csv":
                raise UserError("`report learning` is text or html (--format text|html)")
            html = args.format == "html" or (args.format is None and str(args.out or "")
                                             .lower().endswith((".html", ".htm")))
            return await _learning(app, args.out, html, locale)
        if args.format == "text":
            raise UserError("a round's report is HTML or CSV (--format html|csv)")
        fmt = args.format or ("csv" if str(args.out or "").lower().endswith(".csv") else "html")
        return await _round(app, args.round, args.out, fmt, locale)


async def _round(app: Outward, round_id: str, out: str | None, fmt: str = "html",
                 locale: str = "en") -> int:
    from conversations.results.export import csv_text
    from conversations.results.summary import Refusal

    async with app.deps.uow() as tx:
        rnd = await tx.rounds.get(round_id)
        if rnd is None:
            raise UserError(f"there is no round {round_id!r} (python -m bot pulse status)")
        reports = app.reports
        result: str | Refusal
        if fmt == "csv":
            built = await reports.build(tx, rnd, locale)
            result = built if isinstance(built, Refusal) else csv_text(
                built[0], built[1], rnd.k_responses, rnd.k_comments)
        else:
            result = await reports.html(tx, rnd, locale)
        if isinstance(result, Refusal):
            # the chat's "I'll message you when it closes" cannot hold here
            key = "report.still_open_cli" if result.key == "themes.still_open" else result.key
            raise UserError(app.deps.catalog.text(locale, key, **result.values))
        await tx.commit()
    path = Path(out or f"{rnd.id}.{fmt}")
    await write_text(path, result)
    print(f"Wrote {path}")
    return 0


async def _learning(app: Outward, out: str | None, html: bool, locale: str = "en") -> int:
    """Learning aggregates for every track (never who), with the anonymity threshold, as text
    or as an HTML page."""
    from conversations.context import DEFAULT_ORGANISATION
    from conversations.learning.report import learning_report_html
    from conversations.learning.stats import learning_stats_lines
    from conversations.messages import localized

    k, cat = app.settings.k_responses, app.deps.catalog
    lines = [cat.text(locale, "learn.report.counts", k=k)]
    tracks: list[tuple[str, list[str]]] = []
    async with app.deps.uow() as tx:
        for track in app.deps.tracks.values():
            enrolments = await tx.enrolments.for_track(track.id)
            found = learning_stats_lines(cat, locale, track, enrolments, k)
            lines += found
            tracks.append((localized(track.title, locale),
                           [line.replace("*", "").strip() for line in found]))
    text = "\n".join(line.replace("*", "") for line in lines) + "\n"
    if html:
        org = app.settings.organisation
        if org == DEFAULT_ORGANISATION:
            org = cat.text(locale, "report.organisation")
        text = learning_report_html(org, k, tracks, cat, locale)
    if out:
        await write_text(Path(out), text)
        print(f"Wrote {out}")
    else:
        sys.stdout.write(text)
    return 0
