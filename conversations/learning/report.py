"""The learning report as a self-contained HTML page (`python -m bot report learning --format
html`): the same aggregates as `/learn stats`, with the same thresholds, per track."""

from __future__ import annotations

from collections.abc import Sequence

from jinja2 import Environment

PAGE = Environment(autoescape=True).from_string("""\
<!doctype html><html lang=en><meta charset=utf-8><title>Learning tracks · {{ org }}</title>
<style>body{font-family:system-ui,sans-serif;max-width:52rem;margin:2rem auto;padding:0 1rem;\
color:#1d1d1f}li{margin:.2rem 0}.meta{color:#555}.promise{background:#f3f6fa;padding:.6rem}\
</style><body>
<h1>Learning tracks</h1>
<p class=meta>{{ org }}</p>
<p class=promise>Aggregates only, never who. Numbers below {{ k }} are hidden, a split is \
hidden whole when any part of it would be, and so is a number that differs from another shown \
by fewer than {{ k }}.</p>
{%- for title, lines in tracks %}
<h2>{{ title }}</h2>
<ul>{% for line in lines %}<li>{{ line }}</li>{% endfor %}</ul>
{%- endfor %}
</body></html>
""")


def learning_report_html(org: str, k: int,
                         tracks: Sequence[tuple[str, Sequence[str]]]) -> str:
    """`tracks`: (title, the lines of `learning_stats_lines` without their first) per track."""
    return PAGE.render(org=org, k=k, tracks=tracks) + "\n"
