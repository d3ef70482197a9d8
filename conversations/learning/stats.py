"""Learning aggregates (never who): enrolled, finished, left and completion by step. Whether a
number may be shown is decided by conversations.results.thresholds, as for every other figure."""

from __future__ import annotations

from conversations.messages import localized
from conversations.results.thresholds import safe_difference, show_count, split_shown
from prompts.loader import Catalog, Track
from storage.learning_models import Enrolment


def learning_stats_lines(
    cat: Catalog, loc: str, track: Track, enrolments: list[Enrolment], k: int
) -> list[str]:
    """Each number hidden below k. When any part of a split is hidden, the whole split is, so
    the total minus the shown parts can't give the hidden one away: the active/finished/left
    split of those enrolled, and the done/not done split of those a step was sent to. And no
    two numbers shown differ by 1..k-1 (step 2 sent to 12 after step 1 sent to 14; a step
    done by 10 beside 10 finished, when it was sent to 12): a number that would is hidden too.
    (The parts of the header's split are not compared with one another: they are apart.)"""
    shown: list[int] = []  # the numbers shown so far, that later ones are compared with

    def apart(n: int) -> bool:
        return all(safe_difference(abs(n - m), k) for m in shown)

    def show(n: int) -> int | str:
        if not show_count(n, k):
            return cat.text(loc, "learn.fewer_than", k=k)
        if not apart(n):
            return cat.text(loc, "learn.hidden_number")
        shown.append(n)
        return n

    split = [sum(e.status == s for e in enrolments) for s in ("active", "finished", "stopped")]
    title = localized(track.title, loc)
    enrolled = show(len(enrolments))
    if split_shown(split, k) and all(apart(n) for n in split):
        header = cat.text(loc, "learn.stats_header", title=title, enrolled=enrolled,
                          active=split[0], finished=split[1], stopped=split[2])
        # who finished did every step: the steps' numbers are compared with theirs (those
        # still taking part or who left are no part of a step's count to compare with)
        shown.append(split[1])
    else:
        header = cat.text(loc, "learn.stats_header_hidden", title=title, enrolled=enrolled, k=k)
    lines = [header]
    for i, step in enumerate(track.steps, start=1):
        done = sum(step.id in (e.done or []) for e in enrolments)
        sent = sum(step.id in (e.sent or []) for e in enrolments)
        sent_shown = show(sent)
        done_shown: int | str = cat.text(loc, "learn.hidden")
        if split_shown([done, sent - done], k) and apart(done):
            done_shown = done
            shown.append(done)
        lines.append(cat.text(loc, "learn.stats_step", n=i, step=step.id, sent=sent_shown,
                              done=done_shown))
    return lines
