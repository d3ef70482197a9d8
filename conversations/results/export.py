"""The committee's figures as CSV: one row per question x part (option, disagree/neutral/agree
or a progress question's own words, theme) x group, only for aggregates that pass the
thresholds (never a quote, never a count of fewer than k people), from the same summaries as
chat and the report.

The round's participation comes first, on one row (question_id and kind `participation`, item
`finished`): count = people who finished, answers = people invited, share = finished of
invited; where the series has a previous round (the one the ratings' `since` names),
`since` names it, `share_before` is its share finishing and `change_pts` the change in points
of the whole percents shown (75% now, 60% then: +15). The whole round's only: a group's view
shows the whole round's participation, not its own."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence

from conversations.results.model import (
    OVERALL,
    ChoiceResult,
    RatingResult,
    Section,
    Summary,
    rate,
)
from conversations.results.thresholds import Slice, enough

COLUMNS = ("round", "segment", "value", "question_id", "question", "kind", "item", "count",
           "share", "answers", "average", "change_pts", "since", "average_before",
           "share_before")
PARTICIPATION = "participation"
ALL_COMMENTS = "all-comments"


def _cell(value: object) -> str:
    """A cell as text; text a spreadsheet would run as a formula is kept as text (OWASP's CSV
    injection rule). A plain number such as a fall of -1.5 points stays a number."""
    text = "" if value is None else str(value)
    if text[:1] in ("=", "+", "-", "@", "\t", "\r") and not _NUMBER.fullmatch(text):
        return "'" + text
    return text


_NUMBER = re.compile(r"[-+]?\d+(\.\d+)?")


def _share(share: float | None) -> str:
    return "" if share is None else f"{share:.4f}"


def rows(whole: Summary, groups: Sequence[tuple[Slice, Summary]], k_responses: int,
         k_comments: int) -> list[tuple[str, ...]]:
    """Every aggregate of the whole round and of each group shown, as CSV rows."""
    out: list[tuple[str, ...]] = [_participation(whole)]
    for (segment, value), s in [(("", ""), whole), *groups]:
        base = (s.round_id, segment, value)
        for q in (*s.questions, s.overall):
            if isinstance(q, RatingResult):
                # the change since the previous round of the series (`since`): its average on
                # the "all answers" row, the agree share's points on the agree row
                since = q.since.round_id if q.since is not None else ""
                out.append((*base, q.question_id, q.text, "rating", "all answers",
                            str(q.answers), _share(1.0), str(q.answers), f"{q.mean:.1f}", "",
                            since, "" if q.since is None else f"{q.since.mean:.1f}"))
                points = q.points
                # a progress question's parts in its own words ("clear progress")
                out += [(*base, q.question_id, q.text, "rating",
                         p.label if q.progress else p.key, str(p.count),
                         _share(p.share), str(q.answers), "",
                         *((f"{points:+.1f}", since) if p.key == "agree" and points is not None
                           else ("", "")))
                        for p in q.parts if p.count is not None and enough(p.count, k_responses)]
            elif isinstance(q, ChoiceResult):  # its answers, like a rating's, even when
                # every option is held back (chat says "(12 answers)" then too)
                out.append((*base, q.question_id, q.text, "choice", "all answers",
                            str(q.answers), _share(1.0), str(q.answers), "", ""))
                out += [(*base, q.question_id, q.text, "choice", p.label, str(p.count),
                         _share(p.share), str(q.answers), "", "")
                        for p in q.options if p.count is not None and enough(p.count, k_responses)]
            elif isinstance(q, Section) and q.enough:
                qid = ALL_COMMENTS if q.question_id == OVERALL else q.question_id
                out += [(*base, qid, q.text, "theme", t.label, str(t.comments),
                         _share(t.share), str(q.comments), "",
                         "" if t.change is None else f"{t.change:+.1f}")
                        for t in q.themes
                        if enough(t.comments, max(k_comments, k_responses))]
    # every row as wide as the header (the columns a row has nothing for left empty)
    return [row + ("",) * (len(COLUMNS) - len(row)) for row in out]


def _participation(s: Summary) -> tuple[str, ...]:
    """The participation row: finished of invited, and the previous round's share."""
    share = _share(s.completed / s.invited) if s.invited else ""
    before = s.participation_since
    now = rate(s.completed, s.invited)
    if before is None or before.rate is None or now is None:
        since = ("", "", "", "")
    else:
        since = (f"{now - before.rate:+.1f}", before.round_id, "",
                 _share(before.completed / before.invited))
    return (s.round_id, "", "", PARTICIPATION, "", PARTICIPATION, "finished",
            str(s.completed), share, str(s.invited), "", *since)


def csv_text(whole: Summary, groups: Sequence[tuple[Slice, Summary]], k_responses: int,
             k_comments: int) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    for row in rows(whole, groups, k_responses, k_comments):
        writer.writerow([_cell(v) for v in row])
    return buffer.getvalue()
