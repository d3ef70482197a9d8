"""GET /report/{round_id}?chair=ID&expires=EPOCH&sig=HMAC: the committee report behind a
chair's personal link (conversations.results.links checks the link and the chair's role when
the page is opened and builds the page; this only translates HTTP)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from aiohttp import web

from bot.bootstrap import Core
from conversations.results.links import open_report

# a report holds committee results: never cached, never sent on as a referrer, never framed,
# no script and nothing fetched from elsewhere
HEADERS = {
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "X-Robots-Tag": "noindex, nofollow",
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
                               "base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
}


def report_page(outward: Core) -> Callable[[web.Request], Awaitable[web.Response]]:
    """The route's handler, on the process's report (the same summaries as /themes, so a
    round is themed once for every page and every /themes)."""
    reports = outward.reports

    async def handle(request: web.Request) -> web.Response:
        q = request.query
        opened = await open_report(outward.deps, request.match_info["round_id"],
                                   q.get("chair", ""), q.get("expires", ""), q.get("sig", ""),
                                   reports)
        return web.Response(text=opened.html, status=opened.status, content_type="text/html",
                            charset="utf-8", headers=HEADERS)

    return handle
