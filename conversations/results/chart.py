"""A small theme-bar chart as a PNG, written with the standard library only (zlib + struct),
for platforms that show images. The same shares are in the message text for those that don't."""

from __future__ import annotations

import struct
import zlib
from collections.abc import Sequence

BAR_HEIGHT = 18
GAP = 8
WIDTH = 480
PALETTE = ((59, 110, 165), (46, 94, 78), (166, 97, 26), (120, 72, 140), (70, 120, 60),
           (150, 60, 60))
BACKGROUND = (255, 255, 255)
TRACK = (232, 236, 241)


def _chunk(kind: bytes, data: bytes) -> bytes:
    return (struct.pack(">I", len(data)) + kind + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))


def bars_png(shares: Sequence[float], width: int = WIDTH) -> bytes:
    """Horizontal bars, one per share (0..1), top to bottom, each over a light track."""
    rows: list[bytes] = []
    height = GAP + len(shares) * (BAR_HEIGHT + GAP)
    blank = bytes(BACKGROUND) * width
    rows.extend([blank] * GAP)
    for i, share in enumerate(shares):
        filled = max(1, min(width - 2 * GAP, round((width - 2 * GAP) * max(0.0, share))))
        colour = bytes(PALETTE[i % len(PALETTE)])
        line = (bytes(BACKGROUND) * GAP + colour * filled
                + bytes(TRACK) * (width - 2 * GAP - filled) + bytes(BACKGROUND) * GAP)
        rows.extend([line] * BAR_HEIGHT)
        rows.extend([blank] * GAP)
    raw = b"".join(b"\x00" + row for row in rows)  # filter type 0 on every scanline
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8-bit RGB
    return (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header)
            + _chunk(b"IDAT", zlib.compress(raw, 9)) + _chunk(b"IEND", b""))
