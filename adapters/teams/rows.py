"""Answer buttons in rows that fit a Teams card on a phone (`action_rows`), by an estimate of
each label's width (`label_width`)."""

from __future__ import annotations

import unicodedata

# Teams shows at most 6 actions per action set (host config `actions.maxActions`) and draws each
# button on one line, cutting a label that does not fit with "…" (a choice list or a Spanish
# nudge came out as "Ca… Co… S…" on a phone). Answer buttons therefore go in rows of at most
# ACTIONS_PER_ROW that fit ROW_WIDTH, the content width of a card on a 360 px phone (card
# padding 16 px a side); a label too long to share a row gets a row of its own. Widths follow
# Teams' light host config and button style (14 px Segoe UI, 10 px padding and a 2 px border a
# side, 8 px between buttons), as the Adaptive Cards designer's Teams container draws them:
# https://learn.microsoft.com/microsoftteams/platform/task-modules-and-cards/cards/cards-format
ACTIONS_PER_ROW = 5
ROW_WIDTH = 296
BUTTON_CHROME = 24  # padding and border of one button
BUTTON_GAP = 8
SET_RUN = 3
_NARROW = frozenset(" .,:;'!|()[]/-ijlrtfI¡¿")
_WIDE = frozenset("mwMW@%—…")


def label_width(label: str) -> float:
    """An estimate (a little generous) of a button's width in px: Segoe UI's advance widths at
    14 px, by character class; emoji and wide scripts count as 16 px."""
    width = 0.0
    for ch in label:
        if ch in _NARROW:
            width += 4.5
        elif ch in _WIDE:
            width += 12.5
        elif ch.isdigit():
            width += 7.5
        elif ch.isupper():
            width += 9.5
        elif ord(ch) > 0x2000 or unicodedata.east_asian_width(ch) in ("W", "F"):
            width += 16.0
        else:
            width += 7.5
    return width + BUTTON_CHROME


def action_rows(labels: list[str], actions: list[str] | None = None) -> list[list[int]]:
    """Indexes of `labels` in rows, in order: at most ACTIONS_PER_ROW to a row, each row within
    ROW_WIDTH (a label wider than that alone on its row). A run of SET_RUN or more buttons with
    the same action (a rating scale, a choice list) keeps rows of its own, so "Skip" or "Back"
    never reads as one of the answers."""
    kinds = actions or [""] * len(labels)
    runs: list[tuple[int, int]] = []  # [start, end) of same-action runs
    for i, kind in enumerate(kinds):
        if runs and kinds[runs[-1][0]] == kind:
            runs[-1] = (runs[-1][0], i + 1)
        else:
            runs.append((i, i + 1))
    breaks = {edge for start, end in runs if end - start >= SET_RUN for edge in (start, end)}
    rows: list[list[int]] = []
    used = 0.0
    for i, label in enumerate(labels):
        width = label_width(label)
        if (rows and i not in breaks and len(rows[-1]) < ACTIONS_PER_ROW
                and used + BUTTON_GAP + width <= ROW_WIDTH):
            rows[-1].append(i)
            used += BUTTON_GAP + width
        else:
            rows.append([i])
            used = width
    return rows
