"""Which of a respondent's segments (branch, job classification, FT/PT) are stored with their
answers: only a combination that at least k of the round's invited people share.

Someone who can read the database also reads the roster, so a stored combination is a
question "who in this round is Central / Page / PT?": with fewer than k people answering it,
the answers are theirs (in a small organisation most full combinations name one person). The
segments are therefore coarsened the same way for everyone invited, from the invited people's
segments alone (never from who answered or what): the finest combination of fields is kept
whose group holds at least k invited people, taken from the finest level down, so each stored
combination is shared by at least k people who could have written it; everyone else's go
unstored, exactly like those of someone who chose not to share them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping

from conversations.results.thresholds import enough
from storage.models import SEGMENTS

Combo = tuple[str, str, str]  # (branch, classification, employment); "" when not on file

# from the finest to the coarsest: all three, two of them, one of them
LEVELS: tuple[tuple[str, ...], ...] = (
    SEGMENTS,
    ("branch", "classification"), ("branch", "employment"), ("classification", "employment"),
    ("branch",), ("classification",), ("employment",),
)


def _project(combo: Combo, fields: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    return tuple((f, v) for f, v in zip(SEGMENTS, combo, strict=True) if f in fields and v)


def recode(invited: Mapping[Combo, int], k: int) -> dict[Combo, dict[str, str]]:
    """Each invited combination -> the segments stored for it ({} for none). `invited`
    counts the round's invited people per combination of their segments."""
    remaining = {c: n for c, n in invited.items() if n > 0 and any(c)}
    out: dict[Combo, dict[str, str]] = {c: {} for c in invited}
    for fields in LEVELS:
        groups: dict[tuple[tuple[str, str], ...], list[Combo]] = defaultdict(list)
        for combo in remaining:
            key = _project(combo, fields)
            if key:
                groups[key].append(combo)
        for key, combos in groups.items():
            if enough(sum(remaining[c] for c in combos), k):
                for c in combos:
                    out[c] = dict(key)
                    del remaining[c]
    return out


def stored_segments(invited: Mapping[Combo, int], k: int, own: Combo) -> dict[str, str]:
    """The segments stored with the answers of someone whose segments are `own`."""
    return dict(recode(invited, k).get(own, {}))
