"""Headless Chromium (Debian's /usr/bin/chromium) driven over the Chrome DevTools protocol with
aiohttp's websocket client: open a page, measure its layout with a script run by DevTools (the
page itself allows no script), emulate print media, take a screenshot.

`make test` installs Chromium with apt where it runs as root (like PostgreSQL); elsewhere the
browser tests skip and say why."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import itertools
import json
import os
import re
import shutil
import tempfile
from collections.abc import AsyncIterator
from typing import Any

import aiohttp

# the flags that work on this kind of machine (no sandbox as root; no background traffic)
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-dev-shm-usage", "--hide-scrollbars", "--remote-debugging-port=0"]

# Problems of a laid-out report page: horizontal overflow, tables wider than the page or than
# their box (over the next question's box), text
# that does not fit its box (cut labels), a table without a caption or a header without scope.
LAYOUT_CHECK = r"""
(() => {
  const problems = [];
  const root = document.documentElement;
  const width = root.clientWidth;
  if (root.scrollWidth > width + 1)
    problems.push(`the page is wider than the window: ${root.scrollWidth} > ${width}`);
  for (const table of document.querySelectorAll("table")) {
    const box = table.getBoundingClientRect();
    const name = table.caption ? table.caption.textContent.trim() : "(no caption)";
    const [left, right] = [Math.round(box.left), Math.round(box.right)];
    if (box.left < -1 || box.right > width + 1)
      problems.push(`table outside the page: ${name} (${left}..${right} of ${width})`);
    // wider than the box it sits in (a question's half of the page): over its neighbour
    const parent = table.parentElement.getBoundingClientRect();
    if (box.right > parent.right + 1)
      problems.push(`table wider than its box: ${name} (${right} > ${Math.round(parent.right)})`);
    if (!table.caption) problems.push("a table without a caption");
    for (const th of table.querySelectorAll("th"))
      if (!th.getAttribute("scope"))
        problems.push(`a header without scope: ${th.textContent.trim()}`);
  }
  const texts = "h1, h2, h3, h4, p, caption, th, td, blockquote, li, .value";
  for (const el of document.querySelectorAll(texts)) {
    const what = `${el.tagName} "${el.textContent.trim().slice(0, 60)}"`;
    if (el.scrollWidth > el.clientWidth + 1)
      problems.push(`text does not fit its box: ${what} (${el.scrollWidth} > ${el.clientWidth})`);
    const box = el.getBoundingClientRect();
    if (el.textContent.trim() && (box.width < 1 || box.height < 1))
      problems.push(`text with no room: ${what}`);
  }
  return problems;
})()
"""

# Contrast as WCAG 2.1 AA measures it: text against the background it sits on (4.5:1, large
# text 3:1), and the filled parts of charts against the page (3:1, non-text contrast).
CONTRAST_CHECK = r"""
(() => {
  const rgb = (css) => (css.match(/[\d.]+/g) || []).map(Number);
  const lum = ([r, g, b]) => {
    const c = [r, g, b].map(v => v / 255).map(v => v <= 0.03928 ? v / 12.92
                                                   : Math.pow((v + 0.055) / 1.055, 2.4));
    return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
  };
  const ratio = (a, b) => {
    const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p);
    return (x + 0.05) / (y + 0.05);
  };
  const under = (el) => {  // the first opaque background behind an element
    for (let e = el; e; e = e.parentElement) {
      const c = rgb(getComputedStyle(e).backgroundColor);
      if (c.length === 3 || (c.length === 4 && c[3] === 1)) return c.slice(0, 3);
    }
    return [255, 255, 255];
  };
  const problems = [];
  for (const el of document.body.querySelectorAll("*")) {
    const own = Array.from(el.childNodes).some(n => n.nodeType === 3 && n.textContent.trim());
    const box = el.getBoundingClientRect();
    if (!own || box.width <= 1 || box.height <= 1) continue;
    const style = getComputedStyle(el);
    const size = parseFloat(style.fontSize), bold = parseInt(style.fontWeight) >= 700;
    const need = size >= 24 || (bold && size >= 18.66) ? 3 : 4.5;
    const got = ratio(rgb(style.color).slice(0, 3), under(el));
    if (got < need)
      problems.push(`text ${got.toFixed(2)}:1 < ${need}: ${el.tagName} `
                    + `"${el.textContent.trim().slice(0, 40)}"`);
  }
  for (const el of document.querySelectorAll(".stack > span, .key, .bar > span")) {
    const fill = rgb(getComputedStyle(el).backgroundColor).slice(0, 3);
    const got = ratio(fill, under(el.parentElement.parentElement));
    if (got < 3) problems.push(`chart part ${got.toFixed(2)}:1 < 3: ${el.className}`);
  }
  return problems;
})()
"""

# Row headers broken inside a word ("Eastsid / e"): each word of a th.label against the width
# the header has for its text.
WORDS_CHECK = r"""
(() => {
  const problems = [];
  const probe = document.createElement("span");
  probe.style.cssText = "position:absolute;visibility:hidden;white-space:nowrap";
  for (const th of document.querySelectorAll("th.label")) {
    const style = getComputedStyle(th);
    const room = th.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
    const words = th.textContent.trim().split(/\s+/);
    th.appendChild(probe);
    for (const word of words) {
      probe.textContent = word;
      if (probe.getBoundingClientRect().width > room + 1 && word.length <= 12)
        problems.push(`"${word}" broken in "${words.join(" ").slice(0, 40)}"`);
    }
    probe.remove();
  }
  return problems;
})()
"""

# A table shown as cards on a narrow phone (report.css `.stacks`): every cell is shown under
# its column's name (data-label, the header above it), and the header row is hidden from sight
# only.
STACKED_CHECK = r"""
(() => {
  const problems = [];
  if (!document.querySelector("table.stacks")) problems.push("no table shown as cards");
  for (const table of document.querySelectorAll("table.stacks")) {
    const name = table.caption.textContent.trim();
    const headers = Array.from(table.tHead.rows[0].cells, c => c.textContent.trim());
    const head = table.tHead.getBoundingClientRect();
    if (head.width > 1 || head.height > 1) problems.push(`header row shown: ${name}`);
    for (const row of table.tBodies[0].rows) {
      Array.from(row.cells).slice(1).forEach((cell, i) => {
        const shown = getComputedStyle(cell, "::before").content;
        if (cell.dataset.label !== headers[i + 1] || !shown.includes(headers[i + 1]))
          problems.push(`${name}: "${headers[i + 1]}" not shown over ${cell.textContent.trim()}`);
        if (cell.getBoundingClientRect().width < table.getBoundingClientRect().width - 2)
          problems.push(`${name}: a cell beside another, not under it`);
      });
    }
  }
  return problems;
})()
"""

LABELS = r"""Array.from(document.querySelectorAll("th.label")).map(e => e.textContent.trim())"""


def chromium() -> str | None:
    """The Chromium binary, or None."""
    found = os.environ.get("OUTWARD_CHROMIUM") or shutil.which("chromium") or \
        shutil.which("chromium-browser")
    return found if found and os.access(found, os.X_OK) else None


class Page:
    """One browser tab over a DevTools websocket."""

    def __init__(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        self.ws = ws
        self.ids = itertools.count(1)
        self.events: list[dict[str, Any]] = []

    async def call(self, method: str, **params: Any) -> dict[str, Any]:
        call_id = next(self.ids)
        await self.ws.send_json({"id": call_id, "method": method, "params": params})
        while True:
            msg = await asyncio.wait_for(self.ws.receive_json(), 30)
            if msg.get("id") == call_id:
                if "error" in msg:
                    raise RuntimeError(f"{method}: {msg['error']}")
                return dict(msg.get("result") or {})
            self.events.append(msg)

    async def wait_for(self, event: str) -> None:
        if any(e.get("method") == event for e in self.events):
            return
        while True:
            msg = await asyncio.wait_for(self.ws.receive_json(), 30)
            if msg.get("method") == event:
                return
            self.events.append(msg)

    async def open(self, url: str, width: int, height: int = 900) -> None:
        await self.call("Page.enable")
        await self.viewport(width, height)
        self.events.clear()
        await self.call("Page.navigate", url=url)
        await self.wait_for("Page.loadEventFired")

    async def viewport(self, width: int, height: int = 900) -> None:
        await self.call("Emulation.setDeviceMetricsOverride", width=width, height=height,
                        deviceScaleFactor=1, mobile=width < 600)

    async def media(self, media: str) -> None:
        await self.call("Emulation.setEmulatedMedia", media=media)

    async def evaluate(self, expression: str) -> Any:
        got = await self.call("Runtime.evaluate", expression=expression, returnByValue=True)
        if "exceptionDetails" in got:
            raise RuntimeError(str(got["exceptionDetails"]))
        return got["result"].get("value")

    async def screenshot(self) -> bytes:
        got = await self.call("Page.captureScreenshot", format="png", captureBeyondViewport=True)
        return base64.b64decode(got["data"])

    async def pdf(self) -> bytes:
        got = await self.call("Page.printToPDF", printBackground=True, preferCSSPageSize=True)
        return base64.b64decode(got["data"])


@contextlib.asynccontextmanager
async def browser(binary: str) -> AsyncIterator[Page]:
    """A fresh headless Chromium (its own empty profile) and one page."""
    profile = tempfile.mkdtemp(prefix="outward-chromium-")
    proc = await asyncio.create_subprocess_exec(
        binary, *FLAGS, f"--user-data-dir={profile}", "about:blank",
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE)
    try:
        assert proc.stderr is not None
        endpoint = ""
        while not endpoint:
            line = (await asyncio.wait_for(proc.stderr.readline(), 30)).decode()
            if not line:
                raise RuntimeError("Chromium exited before it listened for DevTools")
            found = re.search(r"DevTools listening on (ws://\S+)", line)
            endpoint = found.group(1) if found else ""
        port = re.search(r"ws://[^:/]+:(\d+)/", endpoint)
        assert port is not None
        async with aiohttp.ClientSession() as http:
            async with http.get(f"http://127.0.0.1:{port.group(1)}/json/list") as resp:
                targets = json.loads(await resp.text())
            page = next(t for t in targets if t.get("type") == "page")
            async with http.ws_connect(page["webSocketDebuggerUrl"], max_msg_size=0) as ws:
                yield Page(ws)
    finally:
        if proc.returncode is None:
            proc.terminate()
            try:
                await asyncio.wait_for(proc.wait(), 10)
            except TimeoutError:
                proc.kill()
                await proc.wait()
        shutil.rmtree(profile, ignore_errors=True)
