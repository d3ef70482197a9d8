"""A message's chart (`Message.chart`: label and share per bar) as a PNG that carries its own
numbers: each bar with its full label above it (wrapped at words, never cut mid-word) and its
value beside it, drawn with Pillow on an opaque light card with a border, so it reads the same
on light and dark chat themes. It is a small palette PNG (six colours, text drawn without
anti-aliasing at twice the shown size, so the viewer's own downscaling smooths it): a Teams card
carries it inline as base64 and must stay within about 28 KB in all. `alt_text` says the same
in words, for screen readers.

Used by the Slack adapter (a file in the chair's DM) and the Teams adapter (an inline image);
the console shows the text bars that the message already has."""

from __future__ import annotations

import io
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

SCALE = 2  # drawn at twice the size it is shown at, so text stays sharp on dense screens
WIDTH = 560
PAD = 16
LINE = 18
BAR = 14
GAP = 12
BACKGROUND = (255, 255, 255)
BORDER = (201, 206, 214)
INK = (29, 29, 31)
MUTED = (85, 85, 85)
TRACK = (227, 232, 238)
FILL = (47, 95, 143)  # 6.6:1 against the background
COLOURS = (BACKGROUND, BORDER, INK, MUTED, TRACK, FILL)  # the palette, in index order


@lru_cache(maxsize=8)
def _font(size: int, bold: bool = False) -> Any:
    from PIL import ImageFont

    names = (("DejaVuSans-Bold.ttf", "LiberationSans-Bold.ttf") if bold
             else ("DejaVuSans.ttf", "LiberationSans-Regular.ttf"))
    for name in names:
        try:
            return ImageFont.truetype(name, size)
        except OSError:
            continue
    return ImageFont.load_default(size=size)  # Pillow's own scalable font


def _wrap(text: str, font: Any, width: float) -> list[str]:
    """Lines of `text` no wider than `width`, broken between words (a single word longer than
    the line is broken only as a last resort)."""
    lines: list[str] = []
    line = ""
    for word in text.split():
        trial = f"{line} {word}".strip()
        if font.getlength(trial) <= width:
            line = trial
            continue
        if line:
            lines.append(line)
        line = word
        while font.getlength(line) > width and len(line) > 1:  # an over-long word
            cut = len(line)
            while cut > 1 and font.getlength(line[:cut] + "-") > width:
                cut -= 1
            lines.append(line[:cut] + "-")
            line = line[cut:]
    if line:
        lines.append(line)
    return lines or [""]


def percent(share: float) -> str:
    return f"{round(100 * max(0.0, share))}%"


def alt_text(bars: Sequence[tuple[str, float]], title: str = "") -> str:
    """The chart in words: "Title: label 40%, label 25%"."""
    items = ", ".join(f"{label} {percent(share)}" for label, share in bars)
    return f"{title}: {items}" if title else items


def chart_png(bars: Sequence[tuple[str, float]], title: str = "", width: int = WIDTH,
              scale: int = SCALE) -> bytes:
    """Horizontal bars, top to bottom: label (wrapped), then a bar over a track with its value
    at the end. Shares are 0..1 of the whole (a full bar is everyone). `width` is the width it
    is meant to be shown at, in CSS pixels (a narrower chart stays readable on a phone); it is
    drawn `scale` times that size.

    A palette image of COLOURS only, no alpha: anti-aliased text (hundreds of shades) made a
    six-bar chart 36 KB, too big to go inline in a Teams card; in "P" mode Pillow draws text
    without anti-aliasing, which at twice the shown size reads as sharp once scaled down."""
    from PIL import Image, ImageDraw

    s = scale
    index = {colour: n for n, colour in enumerate(COLOURS)}
    font, bold = _font(13 * s), _font(14 * s, bold=True)
    inner = (width - 2 * PAD) * s
    value_w = max((font.getlength(percent(v)) for _, v in bars), default=0) + 8 * s
    rows = [(_wrap(label, font, inner), share) for label, share in bars]
    title_lines = _wrap(title, bold, inner) if title else []
    height = PAD * s + len(title_lines) * (LINE + 2) * s + (GAP * s if title_lines else 0)
    height += sum(len(lines) * LINE * s + BAR * s + GAP * s for lines, _ in rows) + (PAD - GAP) * s
    image = Image.new("P", (width * s, max(height, 2 * PAD * s)), index[BACKGROUND])
    image.putpalette([v for colour in COLOURS for v in colour])
    draw = ImageDraw.Draw(image)
    draw.fontmode = "1"  # Pillow's default for "P" images, said here because it is the point
    draw.rectangle((0, 0, width * s - 1, image.height - 1), outline=index[BORDER], width=s)
    y = PAD * s
    for line in title_lines:
        draw.text((PAD * s, y), line, font=bold, fill=index[INK])
        y += (LINE + 2) * s
    if title_lines:
        y += GAP * s
    track = inner - value_w
    for lines, share in rows:
        for line in lines:
            draw.text((PAD * s, y), line, font=font, fill=index[INK])
            y += LINE * s
        x0 = PAD * s
        draw.rectangle((x0, y, x0 + track, y + BAR * s), fill=index[TRACK])
        filled = round(track * max(0.0, min(1.0, share)))
        if share > 0:
            draw.rectangle((x0, y, x0 + max(filled, s), y + BAR * s), fill=index[FILL])
        label = percent(share)
        box = font.getbbox(label)
        ty = y + (BAR * s - (box[3] - box[1])) // 2 - box[1]
        draw.text((x0 + track + 6 * s, ty), label, font=font, fill=index[MUTED])
        y += BAR * s + GAP * s
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True, bits=4)
    return out.getvalue()
