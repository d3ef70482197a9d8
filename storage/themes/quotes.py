"""Representative quotes: the comments closest to their own theme's centre, one per submission."""

from __future__ import annotations

import random
from collections.abc import Hashable, Sequence

from storage.themes.model import Theme


def quotes(
    texts: Sequence[str],
    theme: Theme,
    n: int = 2,
    seed: int | None = None,
    groups: Sequence[Hashable | None] | None = None,
) -> list[str]:
    """Up to ``n`` quotes of ``theme``: its members closest to the theme's centre first
    (``theme.representatives``), never two from the same group and never the same text twice.

    ``groups[i]`` is the submission (or person-free group id) comment ``i`` came from; None or
    a missing list means every comment is its own group. The quotes are returned in an order
    shuffled by ``seed``, so the first quote says nothing about rank."""
    if n <= 0:
        return []
    order = list(theme.representatives) or list(theme.members)
    chosen: list[str] = []
    seen_text: set[str] = set()
    seen_group: set[Hashable] = set()
    for i in order:
        text = texts[i].strip()
        key = " ".join(text.lower().split())
        if not key or key in seen_text:
            continue
        group = groups[i] if groups is not None else None
        if group is not None and group in seen_group:
            continue
        seen_text.add(key)
        if group is not None:
            seen_group.add(group)
        chosen.append(text)
        if len(chosen) == n:
            break
    random.Random(seed).shuffle(chosen)
    return chosen
