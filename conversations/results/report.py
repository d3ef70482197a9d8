"""The committee report: self-contained HTML, built from the same summaries (and so the same
thresholds and differencing) as chat."""

from __future__ import annotations

import html
from collections.abc import Awaitable, Callable, Sequence

from conversations.context import Deps
from conversations.ports import UnitOfWork
from conversations.results.summary import Refusal, Summaries, Summary
from conversations.results.thresholds import WHOLE, Slice
from storage.models import SEGMENTS, Round


def _bars(items: Sequence[tuple[str, float]], width: int = 420) -> str:
    """A horizontal bar chart as inline SVG (no scripts, no external files)."""
    row = 26
    height = row * len(items) + 8
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width + 260}" height="{height}" '
             f'role="img" aria-label="theme shares">']
    for i, (label, share) in enumerate(items):
        y = 4 + i * row
        w = max(1, int(width * share))
        parts.append(f'<text x="0" y="{y + 16}" font-size="13">{html.escape(label[:32])}</text>')
        parts.append(f'<rect x="240" y="{y + 3}" width="{w}" height="16" fill="#3b6ea5"/>')
        parts.append(f'<text x="{246 + w}" y="{y + 16}" font-size="12">{share:.0%}</text>')
    parts.append("</svg>")
    return "".join(parts)


# more HTML about a round, after its results (closing the loop: "What we committed to")
ReportSection = Callable[[UnitOfWork, Round], Awaitable[str]]


class Reports:
    """Builds the committee report for a round."""

    def __init__(self, deps: Deps, sections: Sequence[ReportSection] = ()) -> None:
        self.deps = deps
        self.summaries = Summaries(deps)
        self.sections = tuple(sections)

    async def html(self, tx: UnitOfWork, rnd: Round) -> str | Refusal:
        whole = await self.summaries.build(tx, rnd, WHOLE)
        if isinstance(whole, Refusal):
            return whole
        segments = await self._segments(tx, rnd)
        extra = "".join([await section(tx, rnd) for section in self.sections])
        return _render(rnd, whole, segments, self.deps.policy.organisation, extra)

    async def _segments(self, tx: UnitOfWork, rnd: Round) -> list[tuple[Slice, Summary]]:
        """Every segment slice that passes the same checks as in chat, released in turn."""
        out: list[tuple[Slice, Summary]] = []
        values: set[Slice] = set()
        for r in await tx.responses.for_round(rnd.id):
            for key in SEGMENTS:
                value = (r.segments or {}).get(key)
                if value:
                    values.add((key, str(value)))
        for wanted in sorted(values):
            got = await self.summaries.build(tx, rnd, wanted)
            if isinstance(got, Summary):
                out.append((wanted, got))
        return out


def _render(rnd: Round, s: Summary, segments: list[tuple[Slice, Summary]], org: str,
            extra: str = "") -> str:
    e = html.escape
    rate = f"{s.completed / s.invited:.0%}" if s.invited else "-"
    body = [f"<h1>{e(s.title)}</h1>",
            f"<p class=meta>{e(org)} · round <code>{e(rnd.id)}</code> · {e(rnd.status)}"
            f"{' · closed ' + e(str(rnd.closed_on)) if rnd.closed_on else ''}</p>",
            "<p class=promise>Answers are stored without names. Totals are shown only for groups "
            f"of {rnd.k_responses} or more people, themes and quotes only when "
            f"{rnd.k_comments} or more people commented. Names and contact details were "
            "removed from comments before they were stored.</p>",
            "<h2>Participation</h2>",
            f"<p>{s.completed} of {s.invited} invited people finished ({rate}).</p>"]
    if s.ratings:
        body.append("<h2>Ratings (1-5)</h2><table><tr><th>item</th><th>average</th>"
                    "<th>answers</th></tr>")
        body += [f"<tr><td>{e(r.text)}</td><td>{r.mean:.1f}</td><td>{r.answers}</td></tr>"
                 for r in s.ratings]
        body.append("</table>")
    body.append("<h2>Themes</h2>")
    if not s.enough_comments:
        body.append(f"<p>Fewer than {rnd.k_comments} people commented, so no themes are "
                    "shown.</p>")
    else:
        body.append(_bars([(t.label, t.share) for t in s.themes]))
        for t in s.themes:
            pos, neu, neg = t.sentiment
            change = ""
            if t.change is not None and s.previous:
                change = f" · {t.change:+.0f} pts since {e(s.previous)}"
            body.append(f"<h3>{e(t.label)}</h3><p>{t.comments} comments ({t.share:.0%}) · "
                        f"{pos} positive, {neu} neutral, {neg} negative{change}</p>")
            body += [f"<blockquote>{e(q)}</blockquote>" for q in t.quotes]
    if segments:
        body.append("<h2>By group</h2><p>Only groups large enough to stay anonymous, and only "
                    "when comparing groups cannot single anyone out.</p><table><tr><th>group</th>"
                    "<th>answers at least</th><th>themes</th></tr>")
        for (key, value), seg in segments:
            top = ", ".join(t.label for t in seg.themes[:3] if t.code != "other") or "-"
            n = max((r.answers for r in seg.ratings), default=0)
            body.append(f"<tr><td>{e(key)} = {e(value)}</td><td>{n or '-'}</td>"
                        f"<td>{e(top)}</td></tr>")
        body.append("</table>")
    body.append(extra)  # sections other features add (already HTML, escaped by them)
    style = ("body{font-family:system-ui,sans-serif;max-width:52rem;margin:2rem auto;"
             "padding:0 1rem;color:#1d1d1f}table{border-collapse:collapse}td,th{border:1px solid"
             " #ccc;padding:.3rem .6rem;text-align:left}blockquote{border-left:3px solid #3b6ea5;"
             "margin:.4rem 0;padding:.2rem .8rem;color:#333}.meta{color:#555}.promise{background:"
             "#f3f6fa;padding:.6rem}")
    return (f"<!doctype html><html lang=en><meta charset=utf-8><title>{e(s.title)}</title>"
            f"<style>{style}</style><body>{''.join(body)}</body></html>\n")
