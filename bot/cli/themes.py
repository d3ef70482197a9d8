"""`themes FILE [--column C] [--format json|text]`: theme the comments in a CSV column."""

from __future__ import annotations

import argparse
import asyncio
import csv
import io
import json
import sys
from typing import Any

from bot.cli.common import COMMENTS_CSV_BYTES, Context, Subparsers, UserError, read_file
from storage.roster import wrong_separator


def add_parsers(sub: Subparsers) -> None:
    themes = sub.add_parser("themes", help="theme the comments in a CSV column")
    themes.add_argument("file", help="a UTF-8 CSV file with a header line")
    themes.add_argument("--column", default="text",
                        help="the column holding the comments (default: text)")
    themes.add_argument("--format", choices=["json", "text"], default="text",
                        help="text (default): a line per comment (row, theme, sentiment), then "
                             "a line per theme (id, comments, label, code) and sub-theme; json: "
                             "the same with key phrases and sentiment counts")


async def themes(ctx: Context, args: argparse.Namespace) -> int:
    from bot.engines import themes_for

    texts = await _column(args.file, args.column)
    themer, codebook = themes_for(ctx.settings)
    result = await asyncio.to_thread(themer.theme, texts, codebook)
    found = [_as_dict(t) for t in result.themes]
    if args.format == "json":
        json.dump({"engine": result.engine, "assignments": list(result.assignments),
                   "sentiments": list(result.sentiments), "themes": found}, sys.stdout,
                  ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
        return 0
    for i, (theme_id, feeling) in enumerate(
        zip(result.assignments, result.sentiments, strict=True), start=1
    ):
        print(f"{i}\t{theme_id}\t{feeling}")
    for t in found:
        print(f"theme {t['id']}\t{t['count']}\t{t['label']}\t{t['code'] or ''}")
        for sub in t["subthemes"]:
            print(f"  sub {t['id']}.{sub['id']}\t{sub['count']}\t{sub['label']}")
    return 0


async def _column(file: str, column: str) -> list[str]:
    """The stripped cells of one column of a UTF-8 CSV file."""
    raw = await read_file(file, COMMENTS_CSV_BYTES, "comments CSV")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UserError(f"{file} is not UTF-8 text") from None
    reader = csv.DictReader(io.StringIO(text, newline=""))
    try:
        names = list(reader.fieldnames or [])
        if column not in names:
            if wrong := wrong_separator(names):
                raise UserError(f"{file}: {wrong}")
            raise UserError(f"{file} has no column {column!r} "
                            f"(columns: {', '.join(names) or 'none'})")
        texts = [(row.get(column) or "").strip() for row in reader]
    except csv.Error as exc:
        raise UserError(f"{file}: line {reader.line_num}: {exc}") from None
    if not any(texts):
        raise UserError(f"{file} has no comments in column {column!r}")
    return texts


def _as_dict(t: Any) -> dict[str, Any]:
    return {"id": t.id, "label": t.label, "code": t.code, "count": len(t.members),
            "key_phrases": list(t.key_phrases),
            "sentiment": dict(zip(("positive", "neutral", "negative"), t.sentiment, strict=True)),
            "subthemes": [{**_as_dict(s), "members": list(s.members)} for s in t.subthemes]}
