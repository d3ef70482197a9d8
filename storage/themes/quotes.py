"""Representative quotes: the comments closest to their own theme's centre, one per submission."""

from __future__ import annotations

import random
import re
from collections.abc import Hashable, Sequence

from storage.themes.model import Theme

NEAR_DUPLICATE = 0.5  # word overlap (Jaccard) at which a second quote repeats the first
# What scrubbing leaves in place of a name, an email, a number ... ("[NAME]", "[EMAIL]").
_PLACEHOLDER = re.compile(r"\[[A-Z]+\]")
SAYS_LITTLE = 3  # fewer words of their own than this: a quote of last resort


def _words(text: str) -> set[str]:
    return {w for w in re.findall(r"[^\W\d_]{3,}", text)}


def _overlap(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


def _says_little(text: str) -> bool:
    """A comment that tells a reader little once scrubbed: under SAYS_LITTLE words of three
    letters or more besides its placeholders, or as many placeholders as such words ("[NAME]
    and turnover", where the scrubber took "Burnout" for a name)."""
    placeholders = len(_PLACEHOLDER.findall(text))
    own = len(_words(_PLACEHOLDER.sub(" ", text)))
    return own < SAYS_LITTLE or placeholders * 2 >= own


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
    shuffled by ``seed``, so the first quote says nothing about rank. A comment that says
    nearly what a chosen quote says (half its words or more in common) is passed over, and a
    comment that says little once scrubbed (``_says_little``) is taken only when nothing
    else is left."""
    if n <= 0:
        return []
    order = list(theme.representatives) or list(theme.members)
    weak = {i for i in order if _says_little(texts[i])}
    order = [i for i in order if i not in weak] + [i for i in order if i in weak]
    chosen: list[str] = []
    chosen_words: list[set[str]] = []
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
        words = _words(key)
        if any(_overlap(words, other) >= NEAR_DUPLICATE for other in chosen_words):
            continue  # the same thing said again in other words adds nothing
        seen_text.add(key)
        chosen_words.append(words)
        if group is not None:
            seen_group.add(group)
        chosen.append(text)
        if len(chosen) == n:
            break
    random.Random(seed).shuffle(chosen)
    return chosen
