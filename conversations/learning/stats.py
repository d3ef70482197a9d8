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
    """Each number hidden below k. When any part of a split is hidden, the whole split is, so
    the total minus the shown parts can't give the hidden one away: the active/finished/left
    split of those enrolled, and the done/not done split of those a step was sent to."""

    def show(n: int) -> int | str:
        return n if show_count(n, k) else cat.text(loc, "learn.fewer_than", k=k)

    split = [sum(e.status == s for e in enrolments) for s in ("active", "finished", "stopped")]
    title = localized(track.title, loc)
    if split_shown(split, k):
        header = cat.text(loc, "learn.stats_header", title=title, enrolled=show(len(enrolments)),
                          active=split[0], finished=split[1], stopped=split[2])
    else:
        header = cat.text(loc, "learn.stats_header_hidden", title=title,
                          enrolled=show(len(enrolments)), k=k)
    lines = [header]
    for i, step in enumerate(track.steps, start=1):
        done = sum(step.id in (e.done or []) for e in enrolments)
        sent = sum(step.id in (e.sent or []) for e in enrolments)
        shown: int | str = (done if split_shown([done, sent - done], k)
                            else cat.text(loc, "learn.hidden"))
        lines.append(cat.text(loc, "learn.stats_step", n=i, step=step.id, sent=show(sent),
                              done=shown))
    return lines
