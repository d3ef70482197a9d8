"""The committee report: one self-contained HTML page (Jinja2, autoescaped; no script, no
external file), built from the same summaries, and so the same thresholds and differencing, as
chat.

A round is read once (one Ledger) and each of its items themed once; the whole round and then
every group (branch=..., classification=..., employment=...) that passes the same checks as in
chat are counted from them. Templates: conversations/results/templates/ (`report.html.j2`).

Other features add to the page through `sections` (passed in by the composition root): each
gives template variables for the round, never HTML, so everything on the page goes through the
same autoescaped templates. Closing the loop gives `commitments`, the "What we committed to"
section (`commitments.html.j2`)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from conversations.context import DEFAULT_ORGANISATION, Deps
from conversations.ports import UnitOfWork
from conversations.results.model import RatingResult, Refusal, Summary
from conversations.results.render import (
    asked,
    how_found,
    item_name,
    status_name,
    withheld_line,
)
from conversations.results.summary import Summaries
from conversations.results.thresholds import WHOLE, Slice
from storage.models import SEGMENTS, Round


@dataclass(frozen=True)
class Group:
    """A row of the report's "By group" table."""

    key: str
    value: str
    summary: Summary
    people: int | None  # answers to the most answered rating or choice (a lower bound)
    top: tuple[str, ...]  # its three biggest overall themes


def _group(key: str, value: str, g: Summary) -> Group:
    answers = [q.answers for q in g.ratings] + [q.answers for q in g.choices]
    top = tuple(t.label for t in g.overall.themes if t.code != "other")[:3]
    return Group(key, value, g, max(answers) if answers else None, top)


def _kinds(t: Callable[..., str], groups: Sequence[tuple[Slice, Summary]]
           ) -> list[tuple[str, list[Group]]]:
    """The groups under their kind ("Branch", "Full or part time"), in SEGMENTS order, each
    value as a reader would say it ("Part-time", not "PT")."""
    kinds: list[tuple[str, list[Group]]] = []
    for key in SEGMENTS:
        rows = [_group(key, t(f"report.employment.{value}") if key == "employment" and
                       value in ("FT", "PT") else value, g)
                for (k, value), g in groups if k == key]
        if rows:
            kinds.append((t(f"report.segment.{key}"), rows))
    return kinds

def _since(t: Callable[..., str], mean: Callable[[float], str], r: RatingResult
            ) -> list[str]:
    """A rating's change since the previous round of the series, in words a screen reader
    reads as they are ("agree: up 8 points, from 30% to 38%"), one line each."""
    if r.since is None:
        return [t("report.rating_since_none")]
    lines = [t("report.rating_since_mean", mean_before=mean(r.since.mean), mean=mean(r.mean))]
    points = r.points
    if points is not None and r.since.high is not None:
        key = "same" if points == 0 else "up" if points > 0 else "down"
        lines.append(t(f"report.rating_since_{key}", label=r.parts[-1].label,
                       points=abs(points), before=r.since.high.percent,
                       now=r.parts[-1].percent))
    return lines


def _legend(t: Callable[..., str], r: RatingResult, mixed: bool) -> str:
    """A rating in the group averages' legend; next to progress questions, each with what
    1 and 5 mean (a progress question in its own words)."""
    if r.progress:
        low, _, high = r.words
        return t("report.legend_progress", text=r.name, low=low, high=high)
    return t("report.legend_statement", text=r.text) if mixed else r.text


# more about a round for its report, as template variables (closing the loop: `commitments`)
ReportSection = Callable[[UnitOfWork, Round, str], Awaitable[Mapping[str, Any]]]


class Reports:
    """Builds the committee report for a round."""

    def __init__(self, deps: Deps, summaries: Summaries | None = None,
                 sections: Sequence[ReportSection] = ()) -> None:
        self.deps = deps
        self.summaries = summaries or Summaries(deps)
        self.sections = tuple(sections)
        self._env: Any = None

    def _templates(self) -> Any:
        if self._env is None:
            from jinja2 import Environment, PackageLoader, StrictUndefined

            self._env = Environment(loader=PackageLoader("conversations.results", "templates"),
                                    autoescape=True, undefined=StrictUndefined,
                                    trim_blocks=True, lstrip_blocks=True)
        return self._env

    async def build(self, tx: UnitOfWork, rnd: Round, locale: str = "en"
                    ) -> tuple[Summary, list[tuple[Slice, Summary]]] | Refusal:
        """The whole round and every group that may be shown, from one reading of the round."""
        ledger = await self.summaries.ledger(tx, rnd)
        whole = await self.summaries.build(tx, rnd, WHOLE, locale, ledger=ledger)
        if isinstance(whole, Refusal):
            return whole
        values: set[Slice] = set()
        for r in ledger.rows:
            segs = r.segments or {}
            for key in SEGMENTS:
                if segs.get(key):
                    values.add((key, str(segs[key])))
        groups: list[tuple[Slice, Summary]] = []
        for wanted in sorted(values, key=lambda s: (SEGMENTS.index(s[0]), s[1].lower())):
            got = await self.summaries.build(tx, rnd, wanted, locale, ledger=ledger)
            if isinstance(got, Summary):
                groups.append((wanted, got))
        return whole, groups

    async def html(self, tx: UnitOfWork, rnd: Round, locale: str = "en",
                   extra: Mapping[str, Any] | None = None) -> str | Refusal:
        """The report in `locale`. The sections' variables, then `extra`, go to the template
        as they are (autoescaped there)."""
        built = await self.build(tx, rnd, locale)
        if isinstance(built, Refusal):
            return built
        whole, groups = built
        cat = self.deps.catalog

        def t(key: str, **values: Any) -> str:
            return str(cat.text(locale, key, **values))

        context: dict[str, Any] = {
            "lang": locale if locale in cat.texts else "en",
            "t": t,
            "s": whole,
            "rnd": rnd,
            "status": status_name(cat, locale, rnd.status),
            "withheld": lambda summary: withheld_line(cat, locale, summary),
            "groups": _kinds(t, groups),
            "question_text": lambda sec: asked(cat, locale, whole, sec),
            "item": lambda text: item_name(cat, locale, text),
            "legend": lambda r: _legend(t, r, any(q.progress for q in whole.ratings)),
            "organisation": (cat.text(locale, "report.organisation")
                             if self.deps.policy.organisation == DEFAULT_ORGANISATION
                             else self.deps.policy.organisation),
            "generated": cat.date(locale, self.deps.org_today()),
            "closed": cat.date(locale, rnd.closed_on) if rnd.closed_on else "",
            "engine": how_found(cat, locale, whole.engine),
            "rate": (round(100 * whole.completed / whole.invited) if whole.invited else None),
            # numbers the reader's way (Babel): "2,5" and "1.234" in Spanish
            "num": lambda value: cat.number(locale, value),
            "mean": lambda value: cat.number(locale, value, 1),
            "since": lambda r: _since(t, lambda v: str(cat.number(locale, v, 1)), r),
            "change": lambda value: ("+" if round(value) > 0 else "")
                                    + cat.number(locale, round(value)),
            "pct": lambda part: "-" if part.share is None else
                                f"{cat.number(locale, part.percent)}%",
            "width": lambda share: f"{max(0.0, min(1.0, share or 0.0)) * 100:.1f}%",
            "commitments": None,
        }
        for section in self.sections:
            context.update(await section(tx, rnd, locale))
        context.update(extra or {})
        template = self._templates().get_template("report.html.j2")
        # a round with many groups renders a long page: off the event loop (the web process
        # answers Slack and Teams on the same loop)
        return str(await asyncio.to_thread(template.render, context))
