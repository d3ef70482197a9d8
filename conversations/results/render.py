"""A summary as chat messages.

The overview (`render_summary`): a header (participation, the theming engine, the personal
report link), the numbers of every rating and choice question, then one message per open
question (the SWOT sections under their own names) and one for the themes of every comment
together, each theme with its count, share, sentiment and trend; each theme's share also goes
out as data (`Message.bars`, never as bar characters in the text, which screen readers read aloud
one by one) for displays that draw it. The overall themes also go out as chart data (label,
share) for platforms that show images.

Narrower views: `render_question` (one question; an open one gets a message per theme with its
quotes and sub-themes) and `render_theme` (one theme's sub-themes, each with a quote)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from conversations.messages import Message
from conversations.results.model import (
    ChoiceResult,
    RatingResult,
    Result,
    Section,
    Summary,
    ThemeLine,
)
from prompts.loader import Catalog
from storage.models import SEGMENTS

OVERVIEW_QUOTES = 3  # themes of a section that lend one quote each to the overview


def header(cat: Catalog, loc: str, s: Summary, k_responses: int, link: str = "") -> Message:
    rate = f"{round(100 * s.completed / s.invited)}%" if s.invited else "-"
    lines = [
        cat.text(loc, "themes.header", title=s.title, round=s.round_id,
                 status=status_name(cat, loc, s.status),
                 scope=group_name(cat, loc, s.scope) if s.scope
                 else cat.text(loc, "themes.everyone")),
        participation_line(cat, loc, s, rate),
    ]
    if s.engine:
        lines.append(how_found(cat, loc, s.engine))
    if s.previous and any(t.change is not None for sec in (*s.sections, s.overall)
                          for t in sec.themes):
        lines.append(cat.text(loc, "report.trend_note", previous=s.previous))
    if s.earlier:
        lines.append(cat.text(loc, "themes.earlier", k=k_responses))
    if s.withheld:
        lines.append(withheld_line(cat, loc, s))
    if link:
        lines.append(link)
    # the bars carry the shares as the text shows them (whole percents adding up to 100)
    chart = tuple((cat.text(loc, "themes.other") if t.code == "other" else t.label,
                   t.shown_share) for t in s.overall.themes) if s.overall.enough else ()
    return Message("\n".join(lines), private=True, chart=chart,
                   chart_title=cat.text(loc, "themes.chart_title") if chart else "")


def participation_line(cat: Catalog, loc: str, s: Summary, rate: str) -> str:
    """Finished of invited, with the previous round of the series' share where there is one
    ("75%; 60% in lt-2"). A group's view shows the whole round's turnout (who was invited is
    not counted per group): it says so, and compares it with the whole previous round."""
    values = {"completed": s.completed, "invited": s.invited, "rate": rate}
    key = "themes.participation_round" if s.scope else "themes.participation"
    before = s.participation_since
    if before is None or before.rate is None:
        return cat.text(loc, key, **values)
    return cat.text(loc, key + "_since", **values, before=f"{before.rate}%",
                    previous=before.round_id)


def status_name(cat: Catalog, loc: str, status: str) -> str:
    """A round's status ("closed") in the reader's language (the catalog's rounds.state.*)."""
    key = f"rounds.state.{status}"
    return str(cat.text(loc, key)) if key in cat.texts["en"] else status


def how_found(cat: Catalog, loc: str, engines: str) -> str:
    """How themes were found, in words a committee uses (the report's: not "TF-IDF")."""
    return " ".join(cat.text(loc, f"report.engine.{e.strip()}") for e in engines.split(",")
                    if e.strip() in ("tfidf", "semantic"))


def group_name(cat: Catalog, loc: str, scope: str) -> str:
    """A slice as a reader names the group ("Central branch", "part-time staff"), not as it
    is typed ("branch=Central")."""
    key, _, value = scope.partition("=")
    if key == "employment" and value.upper() in ("FT", "PT"):
        return cat.text(loc, f"themes.group.employment.{value.upper()}")
    return cat.text(loc, f"themes.group.{key}", value=value) if key in SEGMENTS else scope


# the follow-up prompts' hint for the chat, "(optional: type skip to move on)" (prompts/rounds/)
CHAT_HINT = re.compile(r"\s*\((?:optional|opcional)\b[^()]*\)\s*$", re.IGNORECASE)


def asked(cat: Catalog, loc: str, s: Summary, sec: Section) -> str:
    """A section's question as a chair reads it. A follow-up's prompt is written for the
    person answering ("Why did you choose that? (optional: type skip to move on)"): the
    chair reads it without the typing hint, after the statement it follows."""
    rating, _, why = sec.question_id.rpartition(".")
    if why != "why":
        return sec.text
    question = CHAT_HINT.sub("", sec.text)
    statement = next((q.text for q in s.questions
                      if isinstance(q, RatingResult) and q.question_id == rating), None)
    if statement is None:
        return question
    return cat.text(loc, "report.follow_up", statement=statement.rstrip(". "),
                    question=question)


def item_name(cat: Catalog, loc: str, text: str) -> str:
    """A question, statement or section as the name before a colon ("…: average 3.9"): a
    statement without its full stop; a question (ending in "?" or "!") in quotes, so it never
    reads "How safe do you feel?: 3.9" but "“How safe do you feel?”: 3.9"."""
    text = " ".join(text.split()).rstrip(" .:")
    if text.endswith(("?", "!")):
        return cat.text(loc, "themes.quoted", text=text)
    return text


def rating_line(cat: Catalog, loc: str, r: RatingResult) -> str:
    """A rating's average and parts, each part in its own words (a progress question's:
    "no progress 2 (33%)", not "disagree")."""
    parts = " · ".join(
        cat.text(loc, "themes.part", label=p.label, count=p.count, share=p.percent)
        if p.count is not None else cat.text(loc, "themes.part_hidden", label=p.label)
        for p in r.parts)
    line = cat.text(loc, "themes.rating", text=item_name(cat, loc, r.name),
                    mean=cat.number(loc, r.mean, 1), n=r.answers, parts=parts)
    since = rating_since(cat, loc, r)
    return line + "\n" + since if since else line


def rating_since(cat: Catalog, loc: str, r: RatingResult) -> str:
    """The change since the previous round of the series asked the same item of the same
    group: the average, and the agree share in points where both rounds show it ("" when there
    is nothing to compare)."""
    if r.since is None:
        return ""
    values = {"previous": r.since.round_id, "mean_before": cat.number(loc, r.since.mean, 1),
              "mean": cat.number(loc, r.mean, 1)}
    points = r.points
    if points is None or r.since.high is None:
        return cat.text(loc, "themes.rating_since_mean", **values)
    arrow = "=" if points == 0 else "▲" if points > 0 else "▼"  # not "▲ 0 pts"
    return cat.text(loc, "themes.rating_since", **values, label=r.parts[-1].label,
                    before=r.since.high.percent, now=r.parts[-1].percent, arrow=arrow,
                    points=abs(points))


def rating_lines(cat: Catalog, loc: str, ratings: Sequence[RatingResult]) -> list[str]:
    """Statements under the agree legend; progress questions after them, under a legend in
    their own words (one per set of words)."""
    lines: list[str] = []
    statements = [r for r in ratings if not r.progress]
    if statements:
        lines.append(cat.text(loc, "themes.ratings"))
        lines += [rating_line(cat, loc, r) for r in statements]
    progress: dict[tuple[str, str, str], list[RatingResult]] = {}
    for r in ratings:
        if r.progress:
            progress.setdefault(r.words, []).append(r)
    for (low, mid, high), items in progress.items():
        lines.append(cat.text(loc, "themes.progress_ratings", low=low, mid=mid, high=high))
        lines += [rating_line(cat, loc, r) for r in items]
    return lines


def choice_lines(cat: Catalog, loc: str, c: ChoiceResult) -> list[str]:
    lines = [cat.text(loc, "themes.choice", text=c.text, answers=c.answers)]
    lines += [cat.text(loc, "themes.option", n=i, label=p.label, count=p.count,
                       share=p.percent) for i, p in enumerate(c.options, start=1)]
    if c.hidden:
        lines.append(cat.text(loc, "themes.hidden_options", labels=", ".join(c.hidden)))
    if c.nobody:
        lines.append(cat.text(loc, "themes.nobody_options", labels=", ".join(c.nobody)))
    return lines


def theme_line(cat: Catalog, loc: str, n: int, t: ThemeLine, previous: str | None) -> str:
    """A theme as one line of words: its count, share, sentiment and change (no bar: its share
    goes out as `Message.bars`, see `bar_of`)."""
    label = cat.text(loc, "themes.other") if t.code == "other" else t.label
    if t.sentiment is None and t.mood:  # a part of 1..k-1 people: the split in a word
        text = cat.text(loc, "themes.theme_mood", n=n, label=label, comments=t.comments,
                        share=t.percent, mood=cat.text(loc, f"themes.mood.{t.mood}"))
    elif t.sentiment is None:  # withheld: comments whose text retention removed
        text = cat.text(loc, "themes.theme_no_sentiment", n=n, label=label,
                        comments=t.comments, share=t.percent)
    else:
        pos, neu, neg = t.sentiment
        text = cat.text(loc, "themes.theme", n=n, label=label, comments=t.comments,
                        share=t.percent, pos=pos, neu=neu, neg=neg)
    if t.change is not None and previous:
        points = round(abs(t.change))
        arrow = "=" if points == 0 else "▲" if t.change > 0 else "▼"  # not "▲ 0 pts"
        text += " " + cat.text(loc, "themes.change", arrow=arrow, points=points,
                               previous=previous)
    return text


def bar_of(text: str, t: ThemeLine) -> tuple[int, float]:
    """The bar of a theme whose line ends `text`: (that line's index, the theme's share)."""
    return text.count("\n"), t.shown_share


def section_message(cat: Catalog, loc: str, sec: Section, k_comments: int,
                    previous: str | None, quotes: int = OVERVIEW_QUOTES) -> Message:
    if not sec.enough:
        return Message(cat.text(loc, "themes.section_small", title=item_name(cat, loc, sec.title),
                                k=k_comments), private=True)
    named = [t for t in sec.themes if t.code != "other"]
    lines = [cat.text(loc, "themes.section", title=item_name(cat, loc, sec.title),
                      comments=sec.comments,
                      themes=len(named))]
    bars = []
    for i, t in enumerate(sec.themes, start=1):
        lines.append(theme_line(cat, loc, i, t, previous))
        bars.append(bar_of("\n".join(lines), t))
    picked = tuple(t.quotes[0] for t in named[:quotes] if t.quotes)
    if picked:
        lines.append(cat.text(loc, "themes.quotes_from", themes=len(picked)))
    return Message("\n".join(lines), quotes=picked, private=True, bars=tuple(bars))


def numbers_message(cat: Catalog, loc: str, results: Sequence[Result]) -> Message | None:
    ratings = [r for r in results if isinstance(r, RatingResult)]
    choices = [r for r in results if isinstance(r, ChoiceResult)]
    if not ratings and not choices:
        return None
    lines: list[str] = []
    lines += rating_lines(cat, loc, ratings)
    for c in choices:
        lines += choice_lines(cat, loc, c)
    return Message("\n".join(lines), private=True)


def render_summary(cat: Catalog, loc: str, s: Summary, k_comments: int, k_responses: int,
                   link: str = "") -> list[Message]:
    """The overview of every question."""
    out = [header(cat, loc, s, k_responses, link)]
    numbers = numbers_message(cat, loc, s.questions)
    if numbers is not None:
        out.append(numbers)
    out += [section_message(cat, loc, sec, k_comments, s.previous) for sec in s.sections]
    if s.overall.enough or s.sections:
        out.append(section_message(cat, loc, s.overall, k_comments, s.previous))
    else:
        out.append(Message(cat.text(loc, "themes.not_enough_comments", k=k_comments),
                           private=True))
    return out


def withheld_line(cat: Catalog, loc: str, s: Summary) -> str:
    """The questions this view leaves out, so none goes missing without a word (never which
    reason: see model.Withheld)."""
    return cat.text(loc, "themes.withheld",
                    items="; ".join(item_name(cat, loc, w.title) for w in s.withheld))


def render_question(cat: Catalog, loc: str, s: Summary, q: Result, k_comments: int,
                    k_responses: int, link: str = "") -> list[Message]:
    """One question: its numbers, or (open) a message per theme with quotes and sub-themes."""
    out = [header(cat, loc, s, k_responses, link)]
    if not isinstance(q, Section):
        numbers = numbers_message(cat, loc, [q])
        return out + ([numbers] if numbers is not None else [])
    if not q.enough:
        return [*out, section_message(cat, loc, q, k_comments, s.previous)]
    named = [t for t in q.themes if t.code != "other"]
    out.append(Message(cat.text(loc, "themes.section", title=item_name(cat, loc, q.title),
                                comments=q.comments,
                                themes=len(named)) + "\n" + asked(cat, loc, s, q),
                       private=True))
    for i, t in enumerate(q.themes, start=1):
        text = theme_line(cat, loc, i, t, s.previous)
        bars = (bar_of(text, t),)
        if t.subthemes:
            text += "\n" + cat.text(loc, "themes.inside",
                                    names=", ".join(sub.label for sub in t.subthemes))
        out.append(Message(text, quotes=t.quotes, private=True, bars=bars))
    return out


def render_theme(cat: Catalog, loc: str, s: Summary, sec: Section, n: int, k_comments: int,
                 k_responses: int, link: str = "") -> list[Message]:
    """Theme number n of a section: its sub-themes, each with its count and a quote."""
    t = sec.themes[n - 1]
    line = sec.title + "\n" + theme_line(cat, loc, n, t, s.previous)
    out = [header(cat, loc, s, k_responses, link),
           Message(line, quotes=t.quotes, private=True, bars=(bar_of(line, t),))]
    if not t.subthemes:
        out.append(Message(cat.text(loc, "themes.no_subthemes", k=k_comments), private=True))
        return out
    lines = [cat.text(loc, "themes.sub", n=n, m=j, label=sub.label, comments=sub.comments,
                      share=round(100 * sub.comments / max(t.comments, 1)))
             for j, sub in enumerate(t.subthemes, start=1)]
    if t.other_in_theme:
        lines.append(cat.text(loc, "themes.sub_other", comments=t.other_in_theme))
    quotes = tuple(sub.quote for sub in t.subthemes if sub.quote)
    if quotes:
        lines.append(cat.text(loc, "themes.sub_quotes"))
    out.append(Message("\n".join(lines), quotes=quotes, private=True))
    return out
