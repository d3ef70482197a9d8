"""The learning report as a self-contained HTML page (`python -m bot report learning --format
html`): the same aggregates as `/learn stats`, with the same thresholds, per track."""

from __future__ import annotations

from collections.abc import Sequence

from jinja2 import Environment

from prompts.loader import Catalog

PAGE = Environment(autoescape=True).from_string("""\
<!doctype html><html lang={{ lang }}><meta charset=utf-8><title>{{ title }} · {{ org }}</title>
<style>body{font-family:system-ui,sans-serif;max-width:52rem;margin:2rem auto;padding:0 1rem;\
color:#1d1d1f}li{margin:.2rem 0}.meta{color:#555}.promise{background:#f3f6fa;padding:.6rem}\
</style><body>
<h1>{{ title }}</h1>
<p class=meta>{{ org }}</p>
<p class=promise>{{ promise }}</p>
{%- for title, lines in tracks %}
<h2>{{ title }}</h2>
<ul>{% for line in lines %}<li>{{ line }}</li>{% endfor %}</ul>
{%- endfor %}
</body></html>
""")


def learning_report_html(org: str, k: int, tracks: Sequence[tuple[str, Sequence[str]]],
                         cat: Catalog, locale: str = "en") -> str:
    """`tracks`: (title, the lines of `learning_stats_lines` without their first) per track;
    the page's own words in `locale`."""
    return PAGE.render(org=org, k=k, tracks=tracks, lang=locale,
                       title=cat.text(locale, "learn.report.title"),
                       promise=cat.text(locale, "learn.report.promise", k=k)) + "\n"
