"""Learning aggregates (never who): enrolled, finished, left and completion by step. Whether a
number may be shown is decided by conversations.results.thresholds, as for every other figure."""

from __future__ import annotations

from conversations.messages import localized
from conversations.results.thresholds import show_count, split_shown
from prompts.loader import Catalog, Track
from storage.learning_models import Enrolment


def learning_stats_lines(
    cat: Catalog, loc: str, track: Track, enrolments: list[Enrolment], k: int
) -> list[str]:
    """Each number hidden below k. When any part of the active/finished/left split is hidden,
    the whole split is, so the total minus the shown parts can't give the hidden one away."""

    def show(n: int) -> str:
        return str(n) if show_count(n, k) else cat.text(loc, "learn.fewer_than", k=k)

    split = [sum(e.status == s for e in enrolments) for s in ("active", "finished", "stopped")]
    if split_shown(split, k):
        shown = [str(n) for n in split]
    else:
        shown = [cat.text(loc, "learn.hidden") for _ in split]
    lines = [
        cat.text(
            loc,
            "learn.stats_header",
            title=localized(track.title, loc),
            enrolled=show(len(enrolments)),
            active=shown[0],
            finished=shown[1],
            stopped=shown[2],
        )
    ]
    for i, step in enumerate(track.steps, start=1):
        done = sum(step.id in (e.done or []) for e in enrolments)
        sent = sum(step.id in (e.sent or []) for e in enrolments)
        lines.append(
            cat.text(loc, "learn.stats_step", n=i, step=step.id, sent=show(sent), done=show(done))
        )
    return lines
