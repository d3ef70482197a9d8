"""The texts of closing the loop, in the reader's language: the share-back (headline results
and commitments), a commitment's line with its status and the progress people saw, and the
weekly update of status changes. Pure functions of the catalog and the stored data."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from conversations.loop.progress import Progress
from conversations.messages import localized
from conversations.questions import Question
from conversations.results.names import Names, theme_name
from prompts.loader import Catalog
from storage.loop_models import Commitment
from storage.models import Round


def status_word(cat: Catalog, loc: str, status: str) -> str:
    return cat.text(loc, f"loop.status.{status}")


def commitment_lines(cat: Catalog, loc: str, commitments: Sequence[Commitment],
                     progress: Mapping[int, Progress]) -> list[str]:
    """One line per commitment with its status (and note), then the progress seen on it."""
    lines: list[str] = []
    for c in commitments:
        lines.append(cat.text(loc, "loop.commitment", number=c.number, text=c.text,
                              status=status_word(cat, loc, c.status)))
        if c.note:
            lines.append(cat.text(loc, "loop.commitment_note", note=c.note))
        seen = progress.get(c.number)
        if seen is not None and seen.mean is not None:
            lines.append(cat.text(loc, "loop.progress_seen", round=seen.asked_in,
                                  mean=cat.number(loc, seen.mean, 1), answers=seen.answers))
        elif seen is not None:
            lines.append(cat.text(loc, "loop.progress_hidden", round=seen.asked_in))
    return lines


def shareback_text(cat: Catalog, loc: str, rnd: Round, headline: Mapping[str, Any],
                   questions: Sequence[Question], commitments: Sequence[Commitment],
                   progress: Mapping[int, Progress], about: Mapping[str, str] | None = None,
                   names: Names | None = None) -> str:
    """The share-back: what people said (only what passed the thresholds when it was sent) and
    what the committee committed to, with each commitment's status now. A progress question
    ("Have you seen progress on: ...?") is shown by its commitment (`about`: question id ->
    the commitment's text), in the words its scale offered ("17% clear progress"). A codebook
    theme is named in the reader's language (`names`: the codebook's, code -> {locale: name})."""
    title = localized(rnd.title, loc) or rnd.id
    lines = [cat.text(loc, "loop.share.header", title=title, round=rnd.id,
                      owner=localized(rnd.owner, loc))]
    if headline.get("shown"):
        invited, completed = int(headline["invited"]), int(headline["completed"])
        rate = f"{round(100 * completed / invited)}%" if invited else "-"
        lines.append(cat.text(loc, "loop.share.participation", invited=invited,
                              completed=completed, rate=rate))
        texts = {q.id: localized(q.text, loc).rstrip(" .") for q in questions}
        by_id = {q.id: q for q in questions}
        ratings = [r for r in headline.get("ratings", []) if r.get("question") in texts]
        statements = [r for r in ratings if by_id[r["question"]].commitment is None]
        if statements:
            lines.append(cat.text(loc, "loop.share.ratings"))
            lines += [_rating_line(cat, loc, texts[r["question"]], r) for r in statements]
        asked = [r for r in ratings if by_id[r["question"]].commitment is not None]
        if asked:
            low, high = _ends(cat, loc, by_id[asked[0]["question"]])
            lines.append(cat.text(loc, "loop.share.progress", low=low, high=high))
            lines += [_progress_line(cat, loc, (about or {}).get(r["question"])
                                     or texts[r["question"]], by_id[r["question"]], r)
                      for r in asked]
        choices = [c for c in headline.get("choices", []) if c.get("question") in by_id]
        if choices:
            lines.append(cat.text(loc, "loop.share.choices"))
            lines += [cat.text(loc, "loop.share.choice", text=texts[c["question"]],
                               label=by_id[c["question"]].choice_label(str(c["option"]), loc),
                               share=round(100 * float(c["share"])), answers=int(c["answers"]))
                      for c in choices]
        if headline.get("themes"):
            lines.append(cat.text(loc, "loop.share.themes"))
            lines += [cat.text(loc, "loop.share.theme",
                               label=theme_name(names or {}, t.get("code") or None,
                                                str(t["label"]), loc),
                               share=round(100 * float(t["share"]))) for t in headline["themes"]]
        elif not headline.get("themes_shown"):
            lines.append(cat.text(loc, "loop.share.no_themes", k=rnd.k_comments))
    else:
        lines.append(cat.text(loc, "loop.share.too_few", k=rnd.k_responses))
    lines.append(cat.text(loc, "loop.share.commitments"))
    lines += (commitment_lines(cat, loc, commitments, progress)
              or [cat.text(loc, "loop.share.no_commitments")])
    lines.append(cat.text(loc, "loop.share.footer", round=rnd.id))
    return "\n".join(lines)


def _rating_line(cat: Catalog, loc: str, text: str, r: Mapping[str, Any]) -> str:
    mean, answers = cat.number(loc, float(r["mean"]), 1), int(r["answers"])
    if r.get("agree") is None:  # hidden by the thresholds, or a share-back from before
        return cat.text(loc, "loop.share.rating", text=text, mean=mean, answers=answers)
    return cat.text(loc, "loop.share.rating_agree", text=text, mean=mean, answers=answers,
                    agree=round(100 * float(r["agree"])))


def _ends(cat: Catalog, loc: str, q: Question) -> tuple[str, str]:
    """What 1 and 5 mean on a progress question, as its definition offered them to staff."""
    return (q.scale_labels.get(loc) or q.scale_labels.get("en")
            or (cat.text(loc, "loop.progress_low"), cat.text(loc, "loop.progress_high")))


def _progress_line(cat: Catalog, loc: str, text: str, q: Question, r: Mapping[str, Any]) -> str:
    mean, answers = cat.number(loc, float(r["mean"]), 1), int(r["answers"])
    if r.get("agree") is None:  # 4-5 hidden by the thresholds: the average alone
        return cat.text(loc, "loop.share.progress_mean", text=text, mean=mean, answers=answers)
    return cat.text(loc, "loop.share.progress_line", text=text, mean=mean, answers=answers,
                    share=round(100 * float(r["agree"])), high=_ends(cat, loc, q)[1])


def update_text(cat: Catalog, loc: str, rnd: Round, changed: Sequence[Commitment]) -> str:
    """The weekly update: the commitments whose status changed since people were last told."""
    lines = [cat.text(loc, "loop.update.header", title=localized(rnd.title, loc) or rnd.id)]
    for c in changed:
        lines.append(cat.text(loc, "loop.update.line", number=c.number, text=c.text,
                              status=status_word(cat, loc, c.status)))
        if c.note:
            lines.append(cat.text(loc, "loop.commitment_note", note=c.note))
    lines.append(cat.text(loc, "loop.update.footer", round=rnd.id))
    return "\n".join(lines)
