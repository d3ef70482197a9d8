"""Reading a file a person named, never more than a given size.

The size is counted while reading, not taken from the file system: a device that never ends
(``/dev/zero``) or a huge file is refused after ``limit`` bytes instead of filling memory, and a
pipe (``/dev/stdin``), which has no size until it is read, works within the limit.
"""

from __future__ import annotations

from pathlib import Path

MB = 1_000_000
_CHUNK = 1 << 20


class TooLarge(ValueError):
    """The file holds more than the limit; the message names the limit ("larger than 1 MB")."""


def read_at_most(path: str | Path, limit: int) -> bytes:
    """The bytes of ``path``; :class:`TooLarge` when it holds more than ``limit`` bytes
    (OSError as ``open`` raises it)."""
    chunks: list[bytes] = []
    total = 0
    with open(path, "rb") as f:
        while total <= limit:
            chunk = f.read(min(_CHUNK, limit + 1 - total))
            if not chunk:
                return b"".join(chunks)
            chunks.append(chunk)
            total += len(chunk)
    raise TooLarge(f"is larger than {size(limit)}")


def size(limit: int) -> str:
    """A limit as a person reads it: "50 MB", "1 MB", "64,000 bytes"."""
    return f"{limit // MB} MB" if limit % MB == 0 else f"{limit:,} bytes"
