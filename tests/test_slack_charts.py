"""A chair's `/themes` in Slack: typed in the DM with Outward, the text summary is the ephemeral
reply; typed in a channel, it goes to that DM. The theme chart goes as a PNG into the chair's DM
with Outward (never a channel), through the external upload flow."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import AsyncIterator

import pytest

from bot.clock import FakeClock
from tests.slack_mock import Harness, harness
from tests.support import Console
from tests.test_summaries import answer

JORDAN, JORDAN_DM = "U0JORDAN", "D0JORDAN"  # the committee chair
DANA, DANA_DM = "U0DANA", "D0DANA"  # staff
SMALL_K = {"OUTWARD_K_RESPONSES": "3", "OUTWARD_K_COMMENTS": "3"}


@pytest.fixture
async def slack(sqlite_url: str, clock: FakeClock) -> AsyncIterator[Harness]:
    async with harness(sqlite_url, clock, env=SMALL_K) as h:
        console = Console(h.app, clock)  # as amara, the admin
        await console.say("/pulse start listening-tour")
        for i, handle in enumerate(["amara", "jordan", "dana", "mei"]):
            await answer(h.app, handle, i)
        await console.say("/pulse close listening-tour")
        yield h


async def themes(slack: Harness, uid: str, channel: str = "") -> str:
    """The text of the ephemeral reply to `/themes` (see `themes_reply`)."""
    return str((await themes_reply(slack, uid, channel))["text"])


async def themes_reply(slack: Harness, uid: str, channel: str = "") -> dict[str, object]:
    """The ephemeral reply to `/themes` typed in the person's DM with Outward (or `channel`): on
    the ack, or on the response_url when the summary took longer than the ack budget."""
    hooks = len(slack.mock.hooks)
    resp = await slack.command(uid, "/themes", "listening-tour", channel=channel)
    assert resp.status == 200
    raw = await resp.text()
    await slack.settle()
    if raw:
        body = json.loads(raw)
    else:
        [(name, body)] = slack.mock.hooks[hooks:]
        assert name == uid
    assert body["response_type"] == "ephemeral"
    return dict(body)


async def test_chair_gets_the_chart_as_a_png_in_their_dm(slack: Harness) -> None:
    text = await themes(slack, JORDAN)
    assert "comments in" in text
    files = slack.mock.files_in(JORDAN_DM)
    assert len(files) == 1 and len(slack.mock.uploads) == 1
    chart = files[0]
    assert chart.data is not None and chart.data.startswith(b"\x89PNG")
    assert chart.title.startswith(
        "Themes of all comments (share of comments) — Equity listening tour (listening-tour")
    assert "*" not in chart.title
    assert chart.alt_txt.startswith("Themes of all comments (share of comments): ")
    assert "%" in chart.alt_txt
    [complete] = slack.mock.of("files.completeUploadExternal")
    assert complete.args["channel_id"] == JORDAN_DM
    assert "channels" not in complete.args
    assert {c.token for c in slack.mock.calls if c.method.startswith("files.")} == \
        {"xoxb-outward-test"}


async def test_themes_typed_in_a_channel_go_to_the_dm_with_their_chart(slack: Harness) -> None:
    notice = await themes(slack, JORDAN, channel="C0GENERAL")
    assert "1:1 chat" in notice and "comments in" not in notice
    summary = "\n".join(str(c.args.get("text")) for c in slack.mock.posts_to(JORDAN_DM))
    assert "comments in" in summary
    [complete] = slack.mock.of("files.completeUploadExternal")
    assert complete.args["channel_id"] == JORDAN_DM
    assert not [c for c in slack.mock.calls if "C0GENERAL" in json.dumps(c.args)], \
        "nothing is posted, updated or uploaded in the channel"


async def test_staff_refused_themes_uploads_nothing(slack: Harness) -> None:
    text = await themes(slack, DANA)
    assert "for committee chairs" in text
    assert not slack.mock.of("files.getUploadURLExternal")
    assert not slack.mock.uploads and not slack.mock.files_in(DANA_DM)


async def test_a_failed_upload_is_logged_without_text_and_the_reply_stands(
    slack: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    slack.mock.fail("files.completeUploadExternal", error="not_in_channel")
    with caplog.at_level(logging.INFO):
        text = await themes(slack, JORDAN)
    assert "comments in" in text
    assert not slack.mock.files_in(JORDAN_DM)
    failures = [r for r in caplog.records if "chart upload" in r.getMessage()]
    assert [r.getMessage() for r in failures] == ["chart upload to Slack failed: not_in_channel"]
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "listening tour" not in logged.lower() and "Theme shares" not in logged

    slack.mock.fail("files.getUploadURLExternal", status=500)  # retried once, then gives up
    slack.mock.fail("files.getUploadURLExternal", status=500)
    caplog.clear()
    with caplog.at_level(logging.INFO):
        text = await themes(slack, JORDAN)
    assert "comments in" in text and not slack.mock.files_in(JORDAN_DM)
    assert [c.ok for c in slack.mock.of("files.getUploadURLExternal")][-2:] == [False, False]
    assert "chart upload to Slack failed: http_500" in caplog.text


async def test_the_themes_blocks_say_each_share_in_words_without_block_characters(
        slack: Harness) -> None:
    """A screen reader reads a text bar ("████░░░░") aloud one character at a time: the Block
    Kit reply (and what goes to the DM from a channel) says each theme's share as a percent,
    with no bar characters; the chart is the PNG with its alt text."""
    reply = await themes_reply(slack, JORDAN)
    blocks = json.dumps(reply["blocks"], ensure_ascii=False)
    assert re.search(r"\d+\. \*[^*]+\*: \d+ comments? \(\d+%\)", blocks), blocks
    assert not re.search("[\u2580-\u259f]", blocks + str(reply["text"])), blocks
    await themes(slack, JORDAN, channel="C0GENERAL")
    posted = json.dumps([c.args for c in slack.mock.posts_to(JORDAN_DM)], ensure_ascii=False)
    assert "comments in" in posted and not re.search("[\u2580-\u259f]", posted)
    assert all(f.alt_txt for f in slack.mock.files_in(JORDAN_DM))
