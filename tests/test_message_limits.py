"""The largest realistic messages stay within Slack's and Teams' limits and lose nothing: a
chair's /themes of a round of 15 statements (each with its "Since" line) and 6 open questions,
the staff share-back preview with 10 carried-over commitments and their notes, and /results,
in English and Spanish (tests/limits_support.py builds them with the real core). A message
too big for one platform message is sent as several, split between lines, in order."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from adapters.slack import convert as slack
from adapters.teams import convert as teams
from bot.clock import FakeClock
from conversations.messages import Button, Message
from tests.limits_support import NEXT, ROUND, big_series, said
from tests.test_loop_words import speaks_spanish


def _slack_ok(payload: dict[str, Any]) -> None:
    blocks = payload["blocks"]
    assert len(blocks) <= slack.MAX_MESSAGE_BLOCKS
    for b in blocks:
        if b["type"] == "section":
            assert len(b["text"]["text"]) <= slack.MAX_SECTION_TEXT
        for e in b.get("elements", []):
            assert len(e["text"]["text"]) <= slack.MAX_BUTTON_TEXT
    assert len(payload["text"]) <= 4000


def _lines(messages: list[Message]) -> list[str]:
    return [x for m in messages for x in m.text.split("\n") if x.strip()] + \
        [q for m in messages for q in m.quotes]


async def test_the_largest_messages_fit_slack_and_teams(clock: FakeClock, tmp_path: Path) -> None:
    app = await big_series(clock, tmp_path)
    try:
        for lang in ("en", "es"):
            if lang == "es":
                await speaks_spanish(app, "jordan")
                await speaks_spanish(app, "grace")
            themes = await said(app, "jordan", "themes", NEXT)
            share = await said(app, "jordan", "pulse", f"share {NEXT}")
            results = await said(app, "grace", "results", ROUND)
            assert any("Since" in m.text or "Desde" in m.text for m in themes)
            for messages in (themes, share, results):
                for payload in slack.combine(messages):
                    _slack_ok(payload)
                sent = [p for m in messages for p in slack.parts(m)]
                assert _lines(sent) == _lines(messages)  # every line, in order, none cut
                for payload in map(slack.render, sent):
                    _slack_ok(payload)
                cards = [p for m in messages for p in teams.parts(m, lang)]
                assert _lines(cards) == _lines(messages)
                assert all(teams.card_bytes(c, lang) <= teams.CARD_BYTES for c in cards)
                # as sent, the chart drawn inline: the /themes overview card was 50 KB in
                # English and 57 KB in Spanish with its chart, which Teams refuses
                sizes = [len(json.dumps(teams.render_card(c, lang))) for c in cards]
                assert max(sizes) <= teams.CARD_BYTES, sizes
            charted = [c for m in themes for c in teams.parts(m, lang) if c.chart]
            assert charted, "the overview has its chart"
            for c in charted:
                card = teams.render_card(c, lang)
                assert any(item["type"] == "Image" for item in card["body"])  # not dropped
            # the staff share-back with ten commitments: one card was 28.6 KB on the wire in
            # Spanish (26.3 KB in English), over what Teams takes; it goes as two
            longest = max(share, key=lambda m: len(m.text))
            assert len(json.dumps(teams.render_card(longest, lang))) > teams.CARD_BYTES
            assert len(teams.parts(longest, lang)) == 2
    finally:
        await app.close()


def test_a_message_of_more_than_fifty_blocks_is_sent_whole_in_parts() -> None:
    """60 quotes used to be cut at 50 blocks without a word; the buttons went with them."""
    message = Message("*Quotes*", quotes=tuple(f"quote {i}" for i in range(60)),
                      buttons=(Button("More", "more", "1"),), key="k1", replaces="k0")
    parts = slack.parts(message)
    assert len(parts) == 2
    assert [q for p in parts for q in p.quotes] == list(message.quotes)
    assert parts[0].replaces == "k0" and not parts[1].replaces  # only the first updates
    assert not parts[0].buttons and parts[1].buttons == message.buttons
    payloads = slack.combine([message, Message("After")])
    assert len(payloads) == 2 and all(len(p["blocks"]) <= 50 for p in payloads)
    shown = [b["text"]["text"] for p in payloads for b in p["blocks"] if b["type"] == "section"]
    assert shown[1] == "> quote 0" and shown[60] == "> quote 59" and shown[-1] == "After"


def test_a_card_over_the_teams_size_is_split_between_lines() -> None:
    lines = [f"• Statement {i}: " + "ó" * 300 for i in range(80)]
    message = Message("\n".join(lines), buttons=(Button("OK", "ok", "1"),))
    parts = teams.parts(message, "es")
    assert len(parts) > 1
    assert [x for p in parts for x in p.text.split("\n")] == lines
    assert all(teams.card_bytes(p, "es") <= teams.CARD_BYTES for p in parts)
    assert parts[-1].buttons and not any(p.buttons for p in parts[:-1])
