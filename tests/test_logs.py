"""Logs: OUTWARD_LOG_FORMAT=json writes one JSON object a line (time, level, logger, message
and extras), and a whole survey in Slack, logged at DEBUG, leaves no answer text and no secret
in the logs, whatever the SDKs and the database layer would log."""

from __future__ import annotations

import importlib.util
import io
import json
import logging
from collections.abc import Iterator

import aiohttp
import pytest

from bot.clock import FakeClock
from bot.logs import OURS, QUIET, SDK_OWN_LEVEL, configure
from bot.scheduler import OutwardScheduler
from bot.settings import Settings
from conversations.pulse.admin import RoundAdmin
from tests.slack_mock import SECRET, MockSlack, buttons, harness
from tests.support import TEST_SECRET

DANA, DANA_DM = "U0DANA", "D0DANA"
# distinctive words, so a hit can only be the answer itself (raw or scrubbed)
TYPED = ["Quokka marmalade fixes the bookmobile", "Zeppelin-shaped shelving for teens"]
MODAL = "Heliotrope storytime with Mei Tanaka on Thursdays"


@pytest.fixture
def json_logs() -> Iterator[io.StringIO]:
    """The program's own logging set-up (bot.logs) at DEBUG, JSON, into a buffer; undone after."""
    names = ["", *OURS, *QUIET, *SDK_OWN_LEVEL]
    levels = {n: logging.getLogger(n).level for n in names}
    out = io.StringIO()
    settings = Settings.from_env({"OUTWARD_LOG_FORMAT": "json", "OUTWARD_LOG_LEVEL": "debug"})
    handler = configure(settings, out)
    try:
        yield out
    finally:
        logging.getLogger().removeHandler(handler)
        for name, level in levels.items():
            logging.getLogger(name).setLevel(level)


def test_json_lines_carry_time_level_logger_message_and_extras(json_logs: io.StringIO) -> None:
    logging.getLogger("bot.test").info("planned %d message(s)", 3, extra={"planned": 3})
    logging.getLogger("sqlalchemy.engine.Engine").info("SELECT answers")  # held at WARNING
    [line] = json_logs.getvalue().splitlines()
    record = json.loads(line)
    assert record["level"] == "INFO" and record["logger"] == "bot.test"
    assert record["message"] == "planned 3 message(s)" and record["planned"] == 3
    assert record["time"].startswith("20") and "T" in record["time"]


class Watched(str):
    """A text that notes when something turns it into its repr, as a debug line would."""

    shown = 0

    def __repr__(self) -> str:
        Watched.shown += 1
        return super().__repr__()


async def test_slack_calls_at_debug_build_no_debug_lines_from_their_bodies(
        json_logs: io.StringIO) -> None:
    """slack_sdk formats each call's request and response bodies for its DEBUG lines whenever
    its module logger's *own* level is NOTSET, whatever the effective level (only to drop them
    when the level is above DEBUG). The logging set-up gives those loggers a level: nothing
    more is logged, and no message's text is turned into a debug line on every send."""
    from slack_sdk.web.async_client import AsyncWebClient

    for name in SDK_OWN_LEVEL:  # a renamed module in a newer slack_sdk would leave one NOTSET
        assert importlib.util.find_spec(name) is not None, name
    mock = await MockSlack().start()
    try:
        async with aiohttp.ClientSession() as session:
            client = AsyncWebClient(token="xoxb-test", base_url=mock.url, session=session)
            Watched.shown = 0
            resp = await client.api_call("chat.postMessage", json={
                "channel": DANA_DM, "text": Watched(TYPED[0])})
            assert resp["ok"] and mock.posted[DANA_DM] == 1
            assert Watched.shown == 0
            assert TYPED[0].lower() not in json_logs.getvalue().lower()
    finally:
        await mock.close()


async def test_a_survey_logged_at_debug_leaves_no_answer_and_no_secret(
        json_logs: io.StringIO, sqlite_url: str, clock: FakeClock) -> None:
    async with harness(sqlite_url, clock) as slack:
        await slack.command("U0AMARA", "/pulse", "start listening-tour")
        await slack.settle()
        assert await OutwardScheduler(slack.app, "run").run_job("tick")  # invitations out
        invite = slack.mock.posts_to(DANA_DM)[-1]
        await slack.press(DANA, invite, "Start")
        await slack.settle()
        await slack.press(DANA, slack.mock.posts_to(DANA_DM)[-1], "Yes, include them")
        await slack.settle()
        typed = list(TYPED)
        for _ in range(30):
            question = slack.mock.posts_to(DANA_DM)[-1]
            labels = buttons(question)
            if "Thank you" in str(question.args.get("text")):
                break
            if any(label.startswith("✏️") for label in labels):
                if typed:
                    await slack.dm(DANA, typed.pop())
                else:
                    await slack.press(DANA, question, "Your answer")
                    await slack.settle()
                    await slack.submit(DANA, slack.mock.of("views.open")[-1], MODAL)
            else:
                await slack.press(DANA, question, "4" if "4" in labels else labels[0])
            await slack.settle()
        else:
            raise AssertionError("the survey never finished")
        assert not typed, "both typed answers were given"
        async with slack.app.deps.uow() as tx:
            assert (await RoundAdmin(slack.app.deps).close(tx, "listening-tour")).ok
            await tx.commit()
        assert await OutwardScheduler(slack.app, "run").run_job("tick")

    lines = json_logs.getvalue().splitlines()
    records = [json.loads(line) for line in lines]  # every line is one JSON object
    assert any(r["level"] == "DEBUG" and r["logger"].startswith("bot.") for r in records)
    assert any(r.get("planned") for r in records), "the clock said what it planned"
    logged = json_logs.getvalue().lower()
    for answer in [*TYPED, MODAL]:
        for word in answer.lower().replace("-", " ").split():
            if len(word) > 7:  # the distinctive ones (not "with", "for" ...)
                assert word not in logged, f"answer text in the logs: {word}"
    for secret in (SECRET, "xoxb-outward-test", TEST_SECRET):
        assert secret.lower() not in logged


async def test_slack_start_up_does_not_warn_about_the_token_it_was_given(
        sqlite_url: str, clock: FakeClock, monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture) -> None:
    # bolt also reads SLACK_BOT_TOKEN from the process environment, where a deployment sets it,
    # and warns that it is unused when it is handed a client: true, expected, and only noise
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-outward-test")
    caplog.set_level(logging.WARNING)
    async with harness(sqlite_url, clock) as slack:
        await slack.command("U0AMARA", "/pulse", "help")
        await slack.settle()
    bolt = [r.getMessage() for r in caplog.records if r.name.startswith("slack_bolt")]
    assert not [m for m in bolt if "will be unused" in m or "will be ignored" in m], bolt
