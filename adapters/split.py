"""Splitting one neutral message into several that each fit a platform's limits.

A chair's `/themes` of a long round or a share-back with many commitments can outgrow what one
platform message may hold (Slack: 50 blocks; Teams: about 28 KB per activity). Rather than being
rejected or cut, such a message is sent as several, in order: its text is split only between
lines (never inside one), then its quotes; the chart rides on the first part (it follows the
heading), the buttons and the text box on the last (they answer the whole), and only the first
part replaces the message it updates. Each adapter says what "fits" means for it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from conversations.messages import Message


def _part(message: Message, lines: list[tuple[int, str]], quotes: list[str], first: bool,
          last: bool) -> Message:
    where = {index: n for n, (index, _) in enumerate(lines)}
    return replace(
        message,
        text="\n".join(text for _, text in lines),
        quotes=tuple(quotes),
        buttons=message.buttons if last else (),
        text_input=message.text_input if last else None,
        chart=message.chart if first else (),
        chart_title=message.chart_title if first else "",
        replaces=message.replaces if first else "",
        bars=tuple((where[i], share) for i, share in message.bars if i in where),
    )


def split(message: Message, fits: Callable[[Message], bool]) -> list[Message]:
    """`message` as one or more messages that each `fits`, together saying all it says.

    Lines are packed greedily; a single line (or quote) that does not fit even alone is a part
    of its own (the adapter's own chunking then handles it)."""
    if fits(message):
        return [message]
    items: list[tuple[int, str] | str] = [*enumerate(message.text.split("\n")),
                                          *message.quotes]
    parts: list[tuple[list[tuple[int, str]], list[str]]] = []
    lines: list[tuple[int, str]] = []
    quotes: list[str] = []
    for item in items:
        more = (lines + [item], quotes) if isinstance(item, tuple) else (lines, quotes + [item])
        if (lines or quotes) and not fits(_part(message, *more, first=not parts, last=False)):
            parts.append((lines, quotes))
            lines, quotes = ([item], []) if isinstance(item, tuple) else ([], [item])
        else:
            lines, quotes = more
    if lines or quotes:
        parts.append((lines, quotes))
    out = [_part(message, ls, qs, first=n == 0, last=n == len(parts) - 1)
           for n, (ls, qs) in enumerate(parts)]
    if len(out) > 1 and not fits(out[-1]):  # the buttons need a message of their own
        out[-1] = _part(message, *parts[-1], first=False, last=False)
        out.append(_part(message, [], [], first=False, last=True))
    # blank lines where a part ends are spacing of the whole, not content
    return [replace(m, text=m.text.rstrip("\n")) for m in out]
