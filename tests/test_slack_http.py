"""The /slack/events endpoint over real HTTP: signatures, acks, url_verification, slash
commands, retries, and Slack's own recorded payloads (none may get a 5xx)."""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from sqlalchemy import text

from bot.clock import FakeClock
from tests.slack_mock import SECRET, TEAM, Harness, harness, sign
from tests.support import shared_data

PAYLOADS = shared_data() / "slack_bolt_python_payloads"
VECTORS = shared_data() / "slack_signature_vectors" / "signature_vectors.json"
VIEW_FIXTURES = shared_data() / "slack_python_sdk_fixtures"
INTERACTIVE = ("block_actions", "view_submission", "view_closed", "shortcut", "message_action",
               "interactive_message", "dialog_submission", "block_suggestion",
               "workflow_step_edit", "dialog_cancellation")


@pytest.fixture
async def slack(sqlite_url: str, clock: FakeClock) -> AsyncIterator[Harness]:
    async with harness(sqlite_url, clock) as h:
        yield h


async def seen_rows(slack: Harness) -> int:
    async with slack.app.engine.connect() as conn:
        return int((await conn.execute(text("SELECT count(*) FROM slack_seen_events"))).scalar()
                   or 0)


# ---- verification ---------------------------------------------------------------------------


async def test_url_verification_answers_the_challenge(slack: Harness) -> None:
    body = {"token": "Jhj5dZrVaK7ZwHHjRyZWjbDl", "challenge": "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P", "type": "url_verification"}  # noqa: E501
    resp = await slack.post_json(body)
    assert resp.status == 200
    assert (await resp.json())["challenge"] == body["challenge"]


@pytest.mark.parametrize("case", ["bad_signature", "wrong_secret", "stale", "future", "missing",
                                  "not_a_number", "tampered"])
async def test_bad_or_stale_signatures_get_401_and_touch_nothing(slack: Harness,
                                                                 case: str) -> None:
    calls_before = len(slack.mock.calls)
    body = json.dumps({"type": "event_callback", "team_id": TEAM, "event_id": "EvBAD00001",
                       "event": {"type": "message", "channel_type": "im", "user": "U0DANA",
                                 "channel": "D0DANA", "text": "hello"}})
    now = str(int(time.time()))
    headers: dict[str, str] = {"Content-Type": "application/json",
                               "X-Slack-Request-Timestamp": now,
                               "X-Slack-Signature": sign(SECRET, now, body.encode())}
    if case == "bad_signature":
        headers["X-Slack-Signature"] = "v0=" + "0" * 64
    elif case == "wrong_secret":
        headers["X-Slack-Signature"] = sign("not-the-secret", now, body.encode())
    elif case in ("stale", "future"):
        ts = str(int(time.time()) + (-301 if case == "stale" else 301))
        headers["X-Slack-Request-Timestamp"] = ts
        headers["X-Slack-Signature"] = sign(SECRET, ts, body.encode())
    elif case == "missing":
        del headers["X-Slack-Signature"]
    elif case == "not_a_number":
        headers["X-Slack-Request-Timestamp"] = "soon"
    elif case == "tampered":
        body = body.replace("hello", "hellO")
    resp = await slack.client.post("/slack/events", data=body.encode(), headers=headers)
    assert resp.status == 401
    await slack.settle()
    assert len(slack.mock.calls) == calls_before, "no Web API call for an unverified request"
    assert await seen_rows(slack) == 0, "nothing stored for an unverified request"


async def test_just_inside_the_window_is_accepted(slack: Harness) -> None:
    resp = await slack.post_json({"type": "url_verification", "challenge": "c"},
                                 timestamp=str(int(time.time()) - 290))
    assert resp.status == 200


async def test_signature_vectors_from_slack_docs(sqlite_url: str, clock: FakeClock) -> None:
    if not VECTORS.exists():
        pytest.skip(f"{VECTORS} is absent (../shared/data is not checked out)")
    vectors = json.loads(VECTORS.read_text())
    secret = vectors["cases"][0]["signing_secret"]
    async with harness(sqlite_url, clock, env={"SLACK_SIGNING_SECRET": secret}) as slack:
        for case in vectors["cases"]:
            slack.adapter.http.now = lambda c=case: float(c["now"])
            assert slack.adapter.http.verify(case["body"].encode(), {
                "X-Slack-Request-Timestamp": case["timestamp"],
                "X-Slack-Signature": case["signature"]}) is case["expected_valid"], case["name"]
            resp = await slack.client.post("/slack/events", data=case["body"].encode(), headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "X-Slack-Request-Timestamp": case["timestamp"],
                "X-Slack-Signature": case["signature"]})
            if case["expected_valid"]:
                assert resp.status == 200, case["name"]  # an unknown command from a stranger
            else:
                assert resp.status == 401, case["name"]
        await slack.settle()


async def test_body_that_is_not_utf8_or_not_json_is_a_4xx(slack: Harness) -> None:
    assert (await slack.post(b"\xff\xfe{", "application/json")).status == 401
    assert (await slack.post("{not json", "application/json")).status == 400
    assert (await slack.post("[1, 2]", "application/json")).status == 400
    assert (await slack.post("payload=%7Bnope", "application/x-www-form-urlencoded")).status == 400
    assert (await slack.post("", "application/json")).status < 500
    # nesting deep enough to exhaust the JSON parser's recursion
    deep = "[" * 100_000 + "]" * 100_000
    assert (await slack.post('{"type": "event_callback", "event": ' + deep + "}",
                             "application/json")).status == 400
    assert (await slack.post(urlencode({"payload": '{"type": "block_actions", "x": ' + deep + "}"}),
                             "application/x-www-form-urlencoded")).status == 400


# ---- slash commands -------------------------------------------------------------------------


async def ephemeral(resp: Any) -> str:
    assert resp.status == 200
    body = await resp.json()
    assert body["response_type"] == "ephemeral"
    return str(body["text"])


async def test_slash_commands_from_a_chair_and_from_staff(slack: Harness) -> None:
    chair = await ephemeral(await slack.command("U0JORDAN", "/themes"))
    staff = await ephemeral(await slack.command("U0DANA", "/themes"))
    assert "committee chairs" in staff.lower()
    assert chair != staff and "for committee chairs" not in chair.lower()
    chair_status = await ephemeral(await slack.command("U0JORDAN", "/pulse", "status"))
    staff_status = await ephemeral(await slack.command("U0DANA", "/pulse", "status"))
    assert "Only committee chairs" in staff_status and "Only committee chairs" not in chair_status
    refused = await ephemeral(await slack.command("U0DANA", "/pulse", "start listening-tour"))
    assert "Only Outward admins" in refused and "Started" not in refused
    await slack.settle()
    async with slack.app.engine.connect() as conn:
        status = (await conn.execute(text("SELECT status FROM rounds"))).scalars().all()
    assert "open" not in status, "a refused command changes nothing"


async def test_outward_umbrella_command_help_and_privacy(slack: Harness) -> None:
    helped = await ephemeral(await slack.command("U0AMARA", "/outward", "help"))
    assert "/pulse" in helped
    privacy = await ephemeral(await slack.command("U0DANA", "/privacy"))
    assert "What happens to your answers" in privacy
    also = await ephemeral(await slack.command("U0DANA", "/outward", "privacy"))
    assert also == privacy


async def test_bad_arguments_get_a_clear_usage_line(slack: Harness) -> None:
    usage = await ephemeral(await slack.command("U0AMARA", "/pulse", "start"))
    assert "Which round?" in usage
    usage = await ephemeral(await slack.command("U0AMARA", "/pulse", "frobnicate"))
    assert "Usage:" in usage
    long = await ephemeral(await slack.command("U0AMARA", "/pulse", "x" * 600))
    assert "too long" in long


async def test_a_stranger_is_refused_without_details(slack: Harness) -> None:
    answer = await ephemeral(await slack.command("U0GUEST", "/pulse", "status"))
    assert "roster" in answer and "listening-tour" not in answer


async def test_slow_core_acks_empty_then_answers_on_the_response_url(slack: Harness) -> None:
    import asyncio

    real = slack.adapter.listeners.on_event
    release = asyncio.Event()

    async def slow(event: Any) -> Any:  # the core cannot answer until the ack has been sent
        await release.wait()
        return await real(event)

    slack.adapter.listeners.on_event = slow
    slack.adapter.listeners.command_ack_budget = 0.05
    # an ack that waited for the core would never come (the guard only stops a hang)
    resp = await asyncio.wait_for(slack.command("U0DANA", "/privacy"), 60)
    assert resp.status == 200 and (await resp.text()) == ""
    assert not slack.mock.hooks, "nothing answered yet"
    release.set()
    await slack.settle()
    (name, payload), = slack.mock.hooks
    assert name == "U0DANA" and payload["response_type"] == "ephemeral"
    assert "What happens to your answers" in payload["text"]


# ---- retries and odd payloads -----------------------------------------------------------------


async def test_a_retried_event_is_handled_once(slack: Harness) -> None:
    first = await slack.dm("U0MEI", "help", event_id="Ev0RETRY01")
    again = await slack.dm("U0MEI", "help", event_id="Ev0RETRY01", retry=1)
    third = await slack.dm("U0MEI", "help", event_id="Ev0RETRY01", retry=2)
    assert first.status == again.status == third.status == 200
    await slack.settle()
    assert len(slack.mock.posts_to("D0MEI")) == 1
    await slack.dm("U0MEI", "help", event_id="Ev0OTHER01")
    await slack.settle()
    assert len(slack.mock.posts_to("D0MEI")) == 2


async def test_bots_own_and_edited_messages_are_not_answers(slack: Harness) -> None:
    for extra in ({"subtype": "message_changed"}, {"bot_id": "B0BOT"},
                  {"channel_type": "channel", "channel": "C0GENERAL"}):
        await slack.event({"type": "message", "channel": "D0MEI", "user": "U0MEI",
                           "text": "help", "ts": "1.0", "channel_type": "im", **extra})
    await slack.settle()
    assert not slack.mock.of("chat.postMessage")


async def test_unknown_and_extra_fields_are_tolerated(slack: Harness) -> None:
    await slack.app.tick()
    resp = await slack.event({"type": "message", "channel": "D0MEI", "user": "U0MEI",
                              "text": "help", "ts": "1.0", "channel_type": "im",
                              "brand_new_field": {"nested": [1, 2, 3]}, "blocks": [
                                  {"type": "rich_text_future", "elements": []}]})
    assert resp.status == 200
    resp = await slack.event({"type": "some_event_from_2030", "user": "U0MEI",
                              "payload": {"x": 1}})
    assert resp.status == 200
    await slack.settle()
    assert len(slack.mock.posts_to("D0MEI")) == 1
    resp = await slack.post_payload({"type": "block_actions", "user": {"id": "U0MEI"},
                                     "team": {"id": TEAM}, "actions": [
                                         {"action_id": "outward:b0", "value": "{not json"}],
                                     "something_new": True})
    assert resp.status == 200
    resp = await slack.post_payload({"type": "brand_new_interaction", "team": {"id": TEAM},
                                     "user": {"id": "U0MEI"}})
    assert resp.status < 500


async def test_member_events_keep_the_roster_links_current(slack: Harness) -> None:
    from tests.slack_mock import user

    await slack.event({"type": "team_join", "user": user(
        "U0KWAME", "Kwame Mensah", "kwame.mensah@example.org", tz="America/Chicago")})
    await slack.event({"type": "user_change", "user": {
        **user("U0DANA", "Dana Whitfield", "dana.whitfield@example.org"), "deleted": True}})
    await slack.settle()
    async with slack.app.engine.connect() as conn:
        rows = dict((await conn.execute(text(
            "SELECT p.handle, i.user_id FROM identities i JOIN people p ON p.id = i.person_id"
        ))).all())
        tz = (await conn.execute(text(
            "SELECT timezone FROM people WHERE handle = 'kwame'"))).scalar()
    assert rows.get("kwame") == "U0KWAME" and tz == "America/Chicago"
    assert "dana" not in rows


def recorded_payloads() -> list[dict[str, Any]]:
    index = PAYLOADS / "INDEX.json"
    if not index.exists():
        return []
    return list(json.loads(index.read_text()))


@pytest.mark.skipif(not (PAYLOADS / "INDEX.json").exists(),
                    reason="../shared/data/slack_bolt_python_payloads is absent")
async def test_every_recorded_slack_payload_gets_2xx_or_a_deliberate_4xx(slack: Harness) -> None:
    statuses: dict[str, int] = {}
    for entry in recorded_payloads():
        raw = (PAYLOADS / entry["file"]).read_text()
        kind = str(entry["payload_type"])
        if entry["format"] == "form":
            resp = await slack.post(raw, "application/x-www-form-urlencoded")
        elif kind.split("/")[0] in INTERACTIVE:
            resp = await slack.post(urlencode({"payload": raw}),
                                    "application/x-www-form-urlencoded")
        else:
            resp = await slack.post(raw, "application/json")
        statuses[entry["file"]] = resp.status
    if VIEW_FIXTURES.exists():  # Slack's own view definitions, as submissions of those views
        for path in sorted(VIEW_FIXTURES.glob("view_*.json")):
            view = json.loads(path.read_text())
            payload = {"type": "view_submission", "team": {"id": TEAM},
                       "user": {"id": "U0DANA", "team_id": TEAM},
                       "view": {**view, "state": {"values": {}}}}
            statuses[path.name] = (await slack.post_payload(payload)).status
    await slack.settle()
    bad = {name: s for name, s in statuses.items() if s >= 500 or s < 200}
    assert not bad, bad
    assert len(statuses) >= 90
    fours = {name: s for name, s in statuses.items() if s >= 400}
    assert not fours, fours  # every signed Slack payload is acked


def test_our_views_have_the_shape_of_slacks_own(tmp_path: Path) -> None:
    from adapters.slack import convert
    from conversations.events import Address
    from conversations.messages import Button, Message, TextInput

    if not VIEW_FIXTURES.exists():
        pytest.skip(f"{VIEW_FIXTURES} is absent")
    modal_keys = set()
    for path in VIEW_FIXTURES.glob("view_modal_*.json"):
        modal_keys |= set(json.loads(path.read_text()))
    home_keys = set()
    for path in VIEW_FIXTURES.glob("view_home_*.json"):
        home_keys |= set(json.loads(path.read_text()))
    req = convert.FormRequest(Address("slack", TEAM, "U1"), "t", "pulse:text", "answer",
                              "Your answer", 4000, "k", "Question 1 of 8", "D1", "1.2")
    modal = convert.answer_modal(req)
    assert set(modal) <= modal_keys
    assert modal["type"] == "modal" and len(modal["title"]["text"]) <= 24
    element = modal["blocks"][-1]["element"]
    assert element["type"] == "plain_text_input" and element["max_length"] == 3000
    home = convert.home_view([Message("Hi", (Button("Start", "a", "v", "primary"),)),
                              Message("Privacy", text_input=TextInput("f", "n", "Label"))])
    assert set(home) <= home_keys and home["type"] == "home"


async def test_everything_is_acked_before_slow_work(slack: Harness) -> None:
    import asyncio

    from tests.slack_mock import Call

    real = slack.adapter.listeners.on_event
    release = asyncio.Event()
    calls = 0

    async def slow(event: Any) -> Any:  # the core cannot run until every request was acked
        nonlocal calls
        calls += 1
        await release.wait()
        return await real(event)

    slack.adapter.listeners.on_event = slow
    help_post = Call("chat.postMessage", {"channel": "D0MEI", "_ts": "1.1", "blocks": [
        {"type": "actions", "elements": [{"type": "button", "action_id": "outward:b0",
                                          "text": {"type": "plain_text", "text": "Privacy"},
                                          "value": '{"a":"privacy","v":"","k":"m1"}'}]}]}, "")
    for send in (lambda: slack.dm("U0MEI", "help"),
                 lambda: slack.press("U0MEI", help_post, "Privacy"),
                 lambda: slack.event({"type": "app_home_opened", "user": "U0MEI",
                                      "channel": "D0MEI", "tab": "home"})):
        # an ack that waited for the core would never come (the guard only stops a hang)
        resp = await asyncio.wait_for(send(), 60)
        assert resp.status == 200, "acked before the core ran"
    assert not slack.mock.posts_to("D0MEI"), "nothing answered before the core ran"
    release.set()
    await slack.settle()
    assert calls == 3
    assert len(slack.mock.posts_to("D0MEI")) == 2 and slack.mock.of("views.publish")
