"""Signed, expiring links to a round's committee report, personal to one chair.

`/themes` offers the chair a link to the same report the web process serves
(`GET /report/ROUND?chair=ID&expires=EPOCH&sig=HMAC`). The signature is an HMAC-SHA256 keyed
with OUTWARD_SECRET under its own purpose ("report-link"), over the round, the chair's person
id and the expiry, so nothing in the link can be changed; the link names the round and the
chair, never an answer. It works until it expires (default an hour) and only while that person
still has the chair role, checked each time the page is opened."""

from __future__ import annotations

import hmac
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import quote, urlencode

from conversations.context import Deps, roles
from conversations.results.model import Refusal
from conversations.results.report import Reports

PURPOSE = "report-link"
_DIGITS = re.compile(r"^[0-9]{1,12}$")


@dataclass(frozen=True)
class Opened:
    """What the report route answers: an HTTP status and an HTML page."""

    status: int
    html: str


def _sign(deps: Deps, round_id: str, person_id: int, expires: int) -> str:
    return deps.keyed(PURPOSE, round_id, person_id, expires)


def report_link(deps: Deps, round_id: str, person_id: int, now: datetime | None = None) -> str:
    """The chair's personal link to the report of `round_id`, valid for
    `deps.policy.report_link_minutes` from now."""
    now = now or deps.clock.now()
    expires = int((now + timedelta(minutes=deps.policy.report_link_minutes)).timestamp())
    query = urlencode({"chair": person_id, "expires": expires,
                       "sig": _sign(deps, round_id, person_id, expires)})
    base = deps.policy.public_url.rstrip("/")
    return f"{base}/report/{quote(round_id, safe='')}?{query}"


async def open_report(deps: Deps, round_id: str, chair: str, expires: str, sig: str,
                      reports: Reports | None = None) -> Opened:
    """The page for a link: the report, or a short refusal (the reason never says more than
    the link's holder already knows)."""
    cat = deps.catalog
    if not (_DIGITS.match(chair or "") and _DIGITS.match(expires or "")) or len(round_id) > 80:
        return Opened(400, _page(cat.text("en", "report.link_bad")))
    person_id, until = int(chair), int(expires)
    want = _sign(deps, round_id, person_id, until)
    if not hmac.compare_digest(want.encode(), (sig or "").lower().encode()):  # any text
        return Opened(403, _page(cat.text("en", "report.link_bad")))
    if deps.clock.now().timestamp() > until:
        return Opened(403, _page(cat.text("en", "report.link_expired")))
    async with deps.uow() as tx:
        person = await tx.people.get(person_id)
        if person is None or not person.active or "chair" not in roles(person):
            return Opened(403, _page(cat.text("en", "report.link_not_chair")))
        loc = person.locale
        rnd = await tx.rounds.get(round_id)
        if rnd is None:
            return Opened(404, _page(cat.text(loc, "themes.no_round", round=round_id[:64])))
        if rnd.status in ("draft", "scheduled"):  # as /themes: no answers before it opens
            return Opened(404, _page(cat.text(loc, "report.not_opened", round=rnd.id)))
        result = await (reports or Reports(deps)).html(tx, rnd, loc)
        if isinstance(result, Refusal):
            # /themes signs the chair up to be told when an open round closes; the page does not
            key = "report.still_open" if result.key == "themes.still_open" else result.key
            return Opened(403, _page(cat.text(loc, key, **result.values)))
        await tx.commit()
    return Opened(200, result)


def _page(message: str) -> str:
    from html import escape

    return ("<!doctype html><html lang=en><meta charset=utf-8><title>Outward</title>"
            f"<p>{escape(message)}</p></html>\n")
