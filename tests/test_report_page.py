"""The chair's personal report link: signed and expiring, refused once tampered with, expired
or when the chair role is gone; the page served by the web process holds the same numbers as
/themes; and in a real headless Chromium its layout holds (labels not cut, tables inside the
page, no overflow when printed), in English and Spanish."""

from __future__ import annotations

import re
import socket
from collections.abc import AsyncIterator
from datetime import timedelta
from html import unescape
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import aiohttp
import pytest
from aiohttp import web

from adapters.console.adapter import address_for
from bot.bootstrap import Core
from bot.clock import FakeClock
from bot.server import web_app
from conversations.events import TextReceived
from conversations.results.links import open_report, report_link
from tests.browser import (
    CONTRAST_CHECK,
    LABELS,
    LAYOUT_CHECK,
    STACKED_CHECK,
    WORDS_CHECK,
    Page,
    browser,
    chromium,
)
from tests.results_support import ROUND, tour_fixture
from tests.support import Console
from tests.test_rating_change import next_round

N = 120


tour = tour_fixture(N)


async def link_and_text(app: Core, handle: str = "jordan", round_id: str = ROUND
                        ) -> tuple[str, str]:
    replies = await app.router(TextReceived(address_for(handle), f"/themes {round_id}"))
    text = "\n".join(m.text for m in replies)
    found = re.search(r"(http://\S+/report/\S+)", text)
    assert found, text
    return found.group(1), text


def parts(url: str) -> tuple[str, str, str, str]:
    split = urlsplit(url)
    q = {k: v[0] for k, v in parse_qs(split.query).items()}
    return split.path.rsplit("/", 1)[1], q["chair"], q["expires"], q["sig"]


async def test_the_link_is_personal_and_the_page_has_the_same_numbers(tour: Core) -> None:
    url, text = await link_and_text(tour)
    assert "This link is personal" in text and "60 minutes" in text
    assert "listening" not in parse_qs(urlsplit(url).query).get("chair", [""])[0]
    page = await open_report(tour.deps, *parts(url))
    assert page.status == 200
    html = page.html
    # every rating's average and n, the priority counts and the overall themes, as in chat
    averages = re.findall(r"average (\d\.\d) \((\d+) answers\)", text)
    assert len(averages) == 3, text
    for mean, n in averages:
        assert f'<span class="mean">{mean}</span>' in html
        assert f'<span class="answers">{n}</span>' in html
    for label, count in re.findall(r"^\s+\d+\. (.+?): (\d+) \(\d+%\)$", text, re.M):
        assert f">{label}</th>" in html and f">{count} (" in html
    overall = text.split("*All comments, across questions*", 1)[1]
    for label in re.findall(r"^\d+\. \*(.+?)\*", overall, re.M):
        assert label.replace("&", "&amp;") in html
    assert "<script" not in html and "<caption>" in html and 'scope="col"' in html


async def test_a_tampered_expired_or_no_longer_chair_link_is_refused(
        tour: Core, clock: FakeClock) -> None:
    url, _ = await link_and_text(tour)
    round_id, chair, expires, sig = parts(url)
    bad_sig = sig[:-1] + ("0" if sig[-1] != "0" else "1")
    for args in ((round_id, chair, expires, bad_sig), (round_id, str(int(chair) + 1), expires,
                 sig), (round_id, chair, str(int(expires) + 3600), sig),
                 ("other-round", chair, expires, sig), (round_id, "x", expires, sig)):
        page = await open_report(tour.deps, *args)
        assert page.status in (400, 403) and "not valid" in page.html, args
        assert "Training and learning" not in page.html
    clock.advance(timedelta(minutes=61))
    page = await open_report(tour.deps, round_id, chair, expires, sig)
    assert page.status == 403 and "expired" in page.html
    url, _ = await link_and_text(tour)  # a fresh link works ...
    assert (await open_report(tour.deps, *parts(url))).status == 200
    async with tour.deps.uow() as tx:  # ... until the chair role is taken away
        person = await tx.people.by_handle("jordan")
        assert person is not None
        person.roles = "staff"
        await tx.commit()
    page = await open_report(tour.deps, *parts(url))
    assert page.status == 403 and "not one now" in page.html


async def test_a_link_to_a_round_that_is_gone_or_an_overlong_id_is_a_short_page(
        tour: Core) -> None:
    url, _ = await link_and_text(tour)
    _, chair, _, _ = parts(url)
    gone = report_link(tour.deps, "deleted-round", int(chair))  # signed, but no such round
    page = await open_report(tour.deps, *parts(gone))
    assert page.status == 404 and "There is no round deleted-round" in page.html
    long = report_link(tour.deps, "r" * 81, int(chair))
    page = await open_report(tour.deps, *parts(long))
    assert page.status == 400 and "not valid" in page.html and "Traceback" not in page.html


async def test_a_link_says_whether_its_round_has_not_opened_yet_is_open_or_closed(
        tour: Core, clock: FakeClock) -> None:
    """Scheduled or draft: nothing to report yet (not "still open"); open: still open, and how
    to be told when it closes (opening the page does not sign the chair up); closed: the
    report."""
    url, _ = await link_and_text(tour)
    _, chair, _, _ = parts(url)
    assert (await open_report(tour.deps, *parts(url))).status == 200  # closed: the report
    console = Console(tour, clock)
    out = await console.say(":as amara", "/pulse schedule equity-readiness as later "
                            "start=2031-01-06")
    assert "Scheduled" in out, out

    async def page(round_id: str) -> tuple[int, str]:
        opened = await open_report(tour.deps, *parts(report_link(tour.deps, round_id,
                                                                 int(chair))))
        return opened.status, unescape(opened.html)

    scheduled = await page("later")
    assert scheduled[0] == 404 and "later has not opened yet" in scheduled[1]
    assert "still open" not in scheduled[1]
    assert "was scheduled" in await console.say("/pulse close later")  # back to a draft
    draft = await page("later")
    assert draft[0] == 404 and "later has not opened yet" in draft[1]
    assert "still open" not in draft[1]
    out = await console.say("/pulse start equity-readiness as now-open")
    assert "Started" in out or "started" in out, out
    status, html = await page("now-open")
    assert status == 403 and "now-open is still open" in html
    assert "/themes now-open" in html and "not opened" not in html
    async with tour.deps.uow() as tx:  # the page promised nothing it does not do
        rnd = await tx.rounds.get("now-open")
        assert rnd is not None and not rnd.waiting


async def test_the_page_reads_in_the_chairs_language_with_its_headings_in_order(
        tour: Core) -> None:
    """What a screen reader and a Spanish-speaking chair meet: the page's language, one h1 and
    headings that go down one level at a time, numbers and dates the reader's way, groups named
    in words (not "branch = Central"), a follow-up's question without the chat's typing hint,
    and each group average's column named by its statement, not only "Average 1"."""
    async with tour.deps.uow() as tx:
        rnd = await tx.rounds.get(ROUND)
        assert rnd is not None
        pages = {loc: await tour.reports.html(tx, rnd, loc) for loc in ("en", "es")}
    for loc, html in pages.items():
        assert isinstance(html, str)
        assert f'<html lang="{loc}">' in html
        levels = [int(h) for h in re.findall(r"<h([1-6])[ >]", html)]
        assert levels[0] == 1 and levels.count(1) == 1, levels
        # one level at a time: no h2 followed by an h4
        assert all(b <= a + 1 for a, b in zip(levels, levels[1:], strict=False)), levels
        assert "branch =" not in html and "classification =" not in html
        assert "type skip" not in html and "omitir para continuar" not in html
        assert "TF-IDF" not in html
        assert 'scope="rowgroup"' in html
    en, es = pages["en"], pages["es"]
    assert isinstance(en, str) and isinstance(es, str)
    means = re.findall(r'<span class="mean">([\d.,]+)</span>', en)
    assert means and all(re.fullmatch(r"\d\.\d", m) for m in means), means
    assert [m.replace(".", ",") for m in means] == re.findall(
        r'<span class="mean">([\d.,]+)</span>', es)  # "2,5" in Spanish
    assert ">Branch</th>" in en and ">Job classification</th>" in en and ">Central</th>" in en
    assert ">Sucursal</th>" in es and ">Clasificación del puesto</th>" in es
    assert "Generado el " in es and "cerrada el " in es and "cerrada · cerrada" not in es
    assert "closed · closed" not in en
    assert "Asked after “I feel safe raising concerns about bias or racism at work”: What " \
           "would make it feel safer?" in unescape(en)
    assert '<span class="visually-hidden">Average: I feel safe raising concerns' in en
    assert '<span class="answers">120</span> answers' in en
    assert '<span class="answers">120</span> respuestas' in es


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
async def served(tour: Core) -> AsyncIterator[tuple[Core, str]]:
    """The web process's app (bot.server) on 127.0.0.1, with the report route."""
    app = web_app(tour)  # type: ignore[arg-type]
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    port = _free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    try:
        yield tour, f"http://127.0.0.1:{port}"
    finally:
        await runner.cleanup()


async def served_link(app: Core, base: str, handle: str = "jordan",
                      round_id: str = ROUND) -> str:
    url, _ = await link_and_text(app, handle, round_id)
    return base + url[url.index("/report/"):]


async def test_the_web_process_serves_the_page_privately(served: tuple[Core, str]) -> None:
    app, base = served
    url = await served_link(app, base)
    async with aiohttp.ClientSession() as http:
        async with http.get(url) as resp:
            assert resp.status == 200 and resp.content_type == "text/html"
            assert resp.headers["Cache-Control"] == "no-store"
            assert resp.headers["Referrer-Policy"] == "no-referrer"
            assert "default-src 'none'" in resp.headers["Content-Security-Policy"]
            assert "Training and learning" in await resp.text()
        async with http.get(url.replace("sig=", "sig=0")) as resp:
            assert resp.status == 403 and "Training and learning" not in await resp.text()
        async with http.get(f"{base}/report/{ROUND}") as resp:
            assert resp.status == 400


# a window; a small window (660 px: just wider than the phone layout); phones: 412 px (tables
# as tables), 390, 360 (common Android) and 320 px (where WCAG 1.4.10 Reflow asks for no
# horizontal scrolling), where a table with a "Since ROUND" column shows each row as a card;
# and paper (700 px: Letter's text width between 14 mm margins)
SCREENS = ((1280, "screen"), (660, "screen"), (412, "screen"), (390, "screen"), (360, "screen"),
           (320, "screen"), (700, "print"))

needs_chromium = pytest.mark.skipif(
    chromium() is None,
    reason="Chromium is not installed (make test installs Debian's chromium with apt as root)")


@needs_chromium
async def test_the_report_lays_out_on_screen_phone_and_paper(served: tuple[Core, str],
                                                             tmp_path: Path) -> None:
    app, base = served
    for words in ("Paid time for equity training at every branch, part-time staff included",
                  "1 started Budget approved for the next fiscal year"):
        await app.router(TextReceived(address_for("jordan"), f"/pulse commit {ROUND} {words}"))
    url = await served_link(app, base)
    binary = chromium()
    assert binary is not None
    async with browser(binary) as page:
        await page.open(url, 1280)
        text = await page.evaluate("document.body.innerText")
        assert "What we committed to" in text and "Budget approved" in text  # the loop's part
        for width, media in SCREENS:
            await page.open(url, width)
            await page.media(media)
            problems = await page.evaluate(LAYOUT_CHECK)
            assert problems == [], (width, media, problems)
            assert await page.evaluate(CONTRAST_CHECK) == [], (width, media)
            assert await page.evaluate(WORDS_CHECK) == [], (width, media)
            shot = await page.screenshot()
            assert shot.startswith(b"\x89PNG") and len(shot) > 20_000
            (tmp_path / f"report-{width}-{media}.png").write_bytes(shot)
        labels = await page.evaluate(LABELS)
        assert "Training and learning" in labels and "Workplace culture" in labels
        assert all(not label.endswith("…") for label in labels)
        # on paper the questions go one under another (boxes side by side, each taller than a
        # page, leave half-empty pages), and the printer's paper is used: Letter here, as in
        # US county offices, not a forced A4 that a Letter printer shrinks or cuts
        widths = await page.evaluate(
            "Array.from(document.querySelectorAll('.swot .question'), e => "
            "e.getBoundingClientRect().width / e.parentElement.getBoundingClientRect().width)")
        assert widths and all(w > 0.99 for w in widths), widths
        pdf = await page.pdf()
        assert pdf.startswith(b"%PDF")
        assert re.findall(rb"/MediaBox \[0 0 (\d+) (\d+)\]", pdf)[0] == (b"612", b"792")


@needs_chromium
async def test_a_report_with_a_previous_round_fits_screen_phone_and_paper(
        served: tuple[Core, str], clock: FakeClock, tmp_path: Path) -> None:
    """lt-2 follows listening-tour in its series: its tables gain a "Since listening-tour"
    column (the open questions' themes, the ratings). Every table stays inside the window at
    1280 px and on a phone, and inside the page on paper (700 px: Letter's text width between
    14 mm margins is about 710 px), in English and in Spanish (longer words), and never over
    its neighbour's box. Was: "Themes in Weaknesses" spanned 666..1329 px of a 1280 px window,
    its left neighbour's table under it; at 320 px the theme and ratings tables were 20-60 px too
    wide (en, es), at 360 px in Spanish the ratings table 18 px. Up to 400 px such a table shows
    each row as a card, each value under its column's name; at 660 px "Averages by group" was
    35 px too wide (its notes "was 3.1 in listening-tour" did not wrap)."""
    app, base = served
    await next_round(app, clock, N)
    binary = chromium()
    assert binary is not None
    found: dict[tuple[str, int, str], list[str]] = {}
    async with browser(binary) as page:
        for loc, since in (("en", "Since listening-tour"), ("es", "Desde listening-tour")):
            await speaks(app, "jordan", loc)
            url = await served_link(app, base, round_id="lt-2")
            for width, media in SCREENS:
                await page.open(url, width)
                await page.media(media)
                # the change columns are there (in the themes' tables too), or this proves
                # nothing
                headers = await page.evaluate(
                    "Array.from(document.querySelectorAll('table.bars thead th'), "
                    "e => e.textContent.trim())")
                assert headers.count(since) >= 3, (loc, headers)
                problems = [*await page.evaluate(LAYOUT_CHECK),
                            *await page.evaluate(WORDS_CHECK),
                            *await page.evaluate(CONTRAST_CHECK)]
                if width <= 400:  # four columns are cards: every value under its column
                    problems += await page.evaluate(STACKED_CHECK)
                    roles = await ax_roles(page)
                    # still a table to a screen reader, the change column's header included
                    # (Chromium keeps a block-displayed table's semantics by itself; Safari
                    # drops them, which the template's ARIA roles restore: not testable here)
                    if roles.count("table") < 5 or roles.pairs.count(("columnheader", since)) < 4:
                        problems.append(f"table semantics lost: {roles.count('table')} tables")
                if problems:
                    found[loc, width, media] = problems
                (tmp_path / f"since-{loc}-{width}-{media}.png").write_bytes(
                    await page.screenshot())
    assert found == {}, found


class Roles(list[str]):
    pairs: list[tuple[str, str]]


async def ax_roles(page: Page) -> Roles:
    """The roles in Chromium's accessibility tree (what a screen reader is told), with the
    names of its nodes."""
    await page.call("Accessibility.enable")
    nodes = (await page.call("Accessibility.getFullAXTree"))["nodes"]
    roles = Roles(str(n.get("role", {}).get("value", "")) for n in nodes)
    roles.pairs = [(str(n.get("role", {}).get("value", "")),
                    str(n.get("name", {}).get("value", ""))) for n in nodes]
    return roles


async def speaks(app: Core, handle: str, locale: str) -> None:
    async with app.deps.uow() as tx:
        person = await tx.people.by_handle(handle)
        assert person is not None
        person.locale = locale
        await tx.commit()


@needs_chromium
async def test_the_layout_check_catches_a_broken_page(tmp_path: Path) -> None:
    """The same checks fail on a page whose table is wider than the window, whose label is cut,
    whose text is pale grey and whose chart part is the old light grey: checks that can fail."""
    broken = tmp_path / "broken.html"
    broken.write_text(
        "<!doctype html><meta charset=utf-8><style>p{white-space:nowrap;width:4rem;"
        "overflow:hidden}</style><p>A label far too long for its little box</p>"
        "<table style='width:2000px'><caption>x</caption><tr><th scope=row>A</th><td>1</td>"
        "</tr></table><p style='color:#aaa'>Pale grey words</p>"
        "<div class=stack><span style='background:#9aa3ad'></span></div>"
        "<table style='width:90px'><caption>y</caption><tr><th scope=row class=label "
        "style='overflow-wrap:anywhere'>Eastside</th><td>Management support</td></tr></table>",
        encoding="utf-8")
    binary = chromium()
    assert binary is not None
    async with browser(binary) as page:
        await page.open(broken.as_uri(), 800)
        problems = await page.evaluate(LAYOUT_CHECK)
        contrast = await page.evaluate(CONTRAST_CHECK)
        words = await page.evaluate(WORDS_CHECK)
    assert words and "Eastside" in words[0], words
    assert any("Pale grey words" in p for p in contrast), contrast
    assert any("chart part 2.56:1" in p for p in contrast), contrast
    assert any("wider than the window" in p for p in problems), problems
    assert any("outside the page" in p for p in problems)
    assert any("does not fit its box" in p for p in problems)


@needs_chromium
async def test_a_spanish_chair_gets_the_report_in_spanish(served: tuple[Core, str],
                                                        tmp_path: Path) -> None:
    app, base = served
    async with app.deps.uow() as tx:
        person = await tx.people.by_handle("jordan")
        assert person is not None
        person.locale = "es"
        await tx.commit()
    url = await served_link(app, base)
    binary = chromium()
    assert binary is not None
    found: dict[int, list[str]] = {}
    async with browser(binary) as page:
        await page.open(url, 390)
        assert await page.evaluate("document.documentElement.lang") == "es"
        text = await page.evaluate("document.body.innerText")
        assert re.search(r"Generado el \d+ de \w+ de 20\d\d", text), text[:400]
        assert "Participación" in text
        for width in (390, 360, 320):  # longer words than English on every phone
            await page.open(url, width)
            # "Sucursal: Eastsid / e" on a phone
            problems = [*await page.evaluate(LAYOUT_CHECK), *await page.evaluate(WORDS_CHECK)]
            if problems:
                found[width] = problems
            (tmp_path / f"report-es-{width}.png").write_bytes(await page.screenshot())
    assert found == {}, found
