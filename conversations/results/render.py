"""A summary as chat messages: a header (participation, ratings, how many comments), then one
message per theme with its bar, sentiment, trend and quotes. The theme shares also go out as
chart data for platforms that show images (conversations.results.chart)."""

from __future__ import annotations

from conversations.messages import Message
from conversations.results.summary import Summary
from prompts.loader import Catalog


def render_summary(cat: Catalog, loc: str, s: Summary, k_comments: int,
                   k_responses: int) -> list[Message]:
    rate = f"{round(100 * s.completed / s.invited)}%" if s.invited else "-"
    lines = [
        cat.text(
            loc,
            "themes.header",
            title=s.title,
            round=s.round_id,
            status=s.status,
            scope=s.scope or cat.text(loc, "themes.everyone"),
        ),
        cat.text(loc, "themes.participation", completed=s.completed, invited=s.invited, rate=rate),
    ]
    if s.earlier:
        lines.append(cat.text(loc, "themes.earlier", k=k_responses))
    if s.ratings:
        lines.append(cat.text(loc, "themes.ratings"))
        lines += [f"• {r.text} {r.mean:.1f} (n={r.answers})" for r in s.ratings]
    if not s.enough_comments:
        lines.append(cat.text(loc, "themes.not_enough_comments", k=k_comments))
    else:
        lines.append(cat.text(loc, "themes.count", comments=s.comments, themes=len(s.themes)))
    chart = tuple((t.label, t.share) for t in s.themes) if s.enough_comments else ()
    out = [Message("\n".join(lines), private=True, chart=chart)]
    for i, t in enumerate(s.themes, start=1):
        pos, neu, neg = t.sentiment
        text = cat.text(
            loc,
            "themes.theme",
            n=i,
            label=t.label,
            comments=t.comments,
            share=round(100 * t.share),
            pos=pos,
            neu=neu,
            neg=neg,
        )
        text += "\n" + "█" * max(1, round(20 * t.share)) + "░" * (20 - max(1, round(20 * t.share)))
        if t.change is not None and s.previous:
            arrow = "▲" if t.change > 0 else "▼" if t.change < 0 else "="
            text += " " + cat.text(
                loc,
                "themes.change",
                arrow=arrow,
                points=f"{abs(t.change):.0f}",
                previous=s.previous,
            )
        out.append(Message(text, quotes=t.quotes, private=True))
    return out
