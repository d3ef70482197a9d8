"""The texts of closing the loop, in the reader's language: the share-back (headline results
and commitments), a commitment's line with its status and the progress people saw, and the
weekly update of status changes. Pure functions of the catalog and the stored data."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from babel.lists import format_list

from conversations.loop.progress import Progress
from conversations.messages import localized
from conversations.questions import Question
from conversations.results.model import Part
from conversations.results.names import Names, theme_name
from conversations.results.render import item_name
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
                                  parts=progress_words(cat, loc, seen),
                                  mean=cat.number(loc, seen.mean, 1)))
            change = progress_change(cat, loc, seen)
            if change:
                lines.append("   " + change)
        elif seen is not None:
            lines.append(cat.text(loc, "loop.progress_hidden", round=seen.asked_in))
    return lines


def progress_words(cat: Catalog, loc: str, seen: Progress) -> str:
    """How the answers split, most progress first, in the question's own words: "12 of 20
    see clear progress, 5 some progress, 3 no progress". Parts the thresholds hide are named
    after the others, without a number ("some progress and no progress not shown"), never
    counted; all hidden: say so."""
    parts = list(reversed(seen.parts))
    shown = [p for p in parts if p.count is not None]
    if not shown:
        return cat.text(loc, "loop.progress_split_hidden", answers=seen.answers)
    words = [cat.text(loc, "loop.progress_see", count=shown[0].count, answers=seen.answers,
                      label=shown[0].label)]
    words += [cat.text(loc, "loop.progress_part", count=p.count, label=p.label)
              for p in shown[1:]]
    text = ", ".join(words)
    hidden = [p.label for p in parts if p.count is None]
    if hidden:
        labels = format_list(hidden, locale=loc if loc in cat.texts else "en")
        text += cat.text(loc, "loop.progress_parts_hidden", labels=labels)
    return text


def progress_change(cat: Catalog, loc: str, seen: Progress | None) -> str:
    """The change since the round before saw the same (carried-over) commitment: the share
    seeing clear progress where both rounds show it, and the average; "" when there is no
    round before to compare with."""
    then, now = seen.before if seen is not None else None, seen
    if now is None or now.mean is None or then is None or then.mean is None:
        return ""
    mean_then, mean_now = cat.number(loc, then.mean, 1), cat.number(loc, now.mean, 1)
    high_then = then.parts[-1] if then.parts else None
    high_now = now.parts[-1] if now.parts else None
    if high_then is not None and high_now is not None and None not in (high_then.share,
                                                                       high_now.share):
        return cat.text(loc, "loop.progress_since", previous=then.asked_in,
                        label=high_now.label, before=high_then.percent, now=high_now.percent,
                        mean_before=mean_then, mean=mean_now)
    return cat.text(loc, "loop.progress_since_mean", previous=then.asked_in,
                    mean_before=mean_then, mean=mean_now)


def shareback_text(cat: Catalog, loc: str, rnd: Round, headline: Mapping[str, Any],
                   questions: Sequence[Question], commitments: Sequence[Commitment],
                   progress: Mapping[int, Progress], about: Mapping[str, str] | None = None,
                   names: Names | None = None,
                   standing: Mapping[str, Commitment] | None = None) -> str:
    """The share-back: what people said (only what passed the thresholds when it was sent) and
    what the committee committed to, with each commitment's status now. A progress question
    ("Have you seen progress on: ...?") is shown by its commitment (`about`: question id ->
    the commitment's text), in the words its scale offered ("17% clear progress"). A codebook
    theme is named in the reader's language (`names`: the codebook's, code -> {locale: name}).
    `standing`: question id -> the commitment a progress question asked about, as it stands
    now (its status and note follow the progress people saw)."""
    title = localized(rnd.title, loc) or rnd.id
    lines = [cat.text(loc, "loop.share.header", title=title, round=rnd.id,
                      owner=localized(rnd.owner, loc))]
    if headline.get("shown"):
        invited, completed = int(headline["invited"]), int(headline["completed"])
        rate = f"{round(100 * completed / invited)}%" if invited else "-"
        lines.append(_participation(cat, loc, invited, completed, rate,
                                    headline.get("participation_since")))
        texts = {q.id: item_name(cat, loc, localized(q.text, loc)) for q in questions}
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
            lines += [_progress_line(cat, loc, item_name(cat, loc, (about or {}).get(
                                         r["question"], "")) or texts[r["question"]],
                                     by_id[r["question"]], r)
                      + _standing(cat, loc, (standing or {}).get(r["question"]))
                      for r in asked]
        choices = [c for c in headline.get("choices", []) if c.get("question") in by_id]
        if choices:
            lines.append(cat.text(loc, "loop.share.choices"))
            lines += [cat.text(loc, "loop.share.choice",
                               text=localized(by_id[c["question"]].text, loc).rstrip(" ."),
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


def _participation(cat: Catalog, loc: str, invited: int, completed: int, rate: str,
                   before: Mapping[str, Any] | None) -> str:
    """Who answered of who was asked, with the previous round of the series' share ("86%; 75%
    in lt-2"); a share-back sent before that was kept, or the first round: without it."""
    then = int(before["invited"]) if before else 0
    if not before or not then:
        return cat.text(loc, "loop.share.participation", invited=invited,
                        completed=completed, rate=rate)
    share = round(100 * int(before["completed"]) / then)
    return cat.text(loc, "loop.share.participation_since", invited=invited,
                    completed=completed, rate=rate, before=f"{share}%",
                    previous=str(before["round"]))


def _standing(cat: Catalog, loc: str, c: Commitment | None) -> str:
    """Where the commitment a progress question asked about stands now, on a line of its own
    ("" when it is gone)."""
    if c is None:
        return ""
    status = cat.text(loc, f"loop.status.{c.status}")
    if c.note:
        return "\n" + cat.text(loc, "loop.share.standing_note", status=status, note=c.note)
    return "\n" + cat.text(loc, "loop.share.standing", status=status)


def _rating_line(cat: Catalog, loc: str, text: str, r: Mapping[str, Any]) -> str:
    mean, answers = cat.number(loc, float(r["mean"]), 1), int(r["answers"])
    if r.get("since"):  # the same statement in the round before: the change in words
        agree = None if r.get("agree") is None else cat.text(
            loc, "loop.share.agree", agree=_shown_pct(r))
        return _with_change(cat, loc, text, r, agree, cat.text(loc, "loop.share.average",
                                                                mean=mean))
    if r.get("agree") is None:  # hidden by the thresholds, or a share-back from before
        return cat.text(loc, "loop.share.rating", text=text, mean=mean, answers=answers)
    return cat.text(loc, "loop.share.rating_agree", text=text, mean=mean, answers=answers,
                    agree=_shown_pct(r))


def _shown_pct(r: Mapping[str, Any]) -> int:
    """The share agreeing as the chair's view shows it (share-backs from before: rounded)."""
    return int(r["pct"]) if r.get("pct") is not None else round(100 * float(r["agree"]))


def _with_change(cat: Catalog, loc: str, text: str, r: Mapping[str, Any], share: str | None,
                 average: str) -> str:
    """A rating's line with the change since the round before, in words: "47% agree, up from
    33% in listening-tour; average 3.2, up from 2.9". The share is compared only where both
    rounds showed it (`since.pct`), else the average alone."""
    since = r["since"]
    previous, figures = str(since["round"]), []
    if share is not None and since.get("pct") is not None:
        figures.append(_change(cat, loc, share, int(since["pct"]), _shown_pct(r), previous,
                               f"{int(since['pct'])}%"))
        named = True
    else:
        figures += [share] if share is not None else []
        named = False
    mean_then, mean_now = round(float(since["mean"]), 1), round(float(r["mean"]), 1)
    figures.append(_change(cat, loc, average, mean_then, mean_now, previous,
                           cat.number(loc, mean_then, 1), again=named))
    return cat.text(loc, "loop.share.rating_since", text=text, figures="; ".join(figures),
                    answers=int(r["answers"]))


def _change(cat: Catalog, loc: str, now: str, then: float, value: float, previous: str,
            before: str, again: bool = False) -> str:
    way = "up" if value > then else "down" if value < then else "same"
    return cat.text(loc, f"loop.share.change.{way}{'_again' if again else ''}", now=now,
                    before=before, previous=previous)


def _ends(cat: Catalog, loc: str, q: Question) -> tuple[str, str]:
    """What 1 and 5 mean on a progress question, as its definition offered them to staff."""
    return (q.scale_labels.get(loc) or q.scale_labels.get("en")
            or (cat.text(loc, "loop.progress_low"), cat.text(loc, "loop.progress_high")))


def _progress_line(cat: Catalog, loc: str, text: str, q: Question, r: Mapping[str, Any]) -> str:
    """A progress question's line, the change since the round that last asked about the same
    (carried-over) commitment, and how people split, in the question's words ("8 of 10 see
    clear progress, 2 some progress"; parts the thresholds hide named, never counted)."""
    mean, answers = cat.number(loc, float(r["mean"]), 1), int(r["answers"])
    high = _ends(cat, loc, q)[1]
    if r.get("since"):
        share = None if r.get("agree") is None else cat.text(
            loc, "loop.share.seeing", share=_shown_pct(r), high=high)
        line = _with_change(cat, loc, text, r, share,
                            cat.text(loc, "loop.share.average_of_5", mean=mean))
    elif r.get("agree") is None:  # 4-5 hidden by the thresholds: the average alone
        line = cat.text(loc, "loop.share.progress_mean", text=text, mean=mean, answers=answers)
    else:
        line = cat.text(loc, "loop.share.progress_line", text=text, mean=mean, answers=answers,
                        share=_shown_pct(r), high=high)
    parts = r.get("parts") or []
    if len(parts) != 3:  # a share-back sent before the split was kept
        return line
    low, _ = _ends(cat, loc, q)
    words = (low, cat.text(loc, "loop.progress_mid"), high)
    seen = Progress("", float(r["mean"]), answers, tuple(
        Part(str(p["key"]), word, p["count"], None if p["pct"] is None else p["pct"] / 100,
             p["pct"]) for p, word in zip(parts, words, strict=True)))
    return line + "\n   " + progress_words(cat, loc, seen)


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
