"""Bad input gets a clear answer, never a 5xx or a traceback: a Bot Connector that answers with a
text/plain error page, Teams activities without a sender, signed Slack payloads with null or
wrong-typed fields, and roster files that would import the wrong thing."""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from bot.cli import main
from bot.clock import FakeClock
from conversations.events import Address
from conversations.messages import Message
from conversations.ports import DeliveryError
from tests.slack_mock import TEAM, Harness, harness
from tests.teams_mock import TeamsHarness, text_message

PRIVACY = "What happens to your answers"


def errors(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [f"{r.name}: {r.getMessage()}" for r in caplog.records if r.levelno >= logging.ERROR]


# ---- Teams ----------------------------------------------------------------------------------


async def test_teams_reply_refused_with_a_plain_text_404_is_logged_and_acked(
    teams: TeamsHarness, caplog: pytest.LogCaptureFixture
) -> None:
    await teams.install("dana")
    teams.mock.clear()
    teams.mock.fail_next(404, plain=True, code="Not Found")
    with caplog.at_level(logging.INFO):
        status, _ = await teams.post(text_message(teams.url, teams.people["dana"], "privacy"))
    assert status in (200, 202), "the activity was handled; only the reply failed"
    assert [r.status for r in teams.mock.requests] == [404], "dropped, not retried"
    assert errors(caplog) == []
    logged = [r.getMessage() for r in caplog.records if r.name.startswith("adapters.teams")]
    assert logged == ["Teams reply not delivered: an answer that is not JSON"]
    assert PRIVACY not in caplog.text and "privacy" not in caplog.text.lower()
    assert PRIVACY in await teams.say("dana", "privacy"), "the next reply goes out"

    # a proactive send meeting the same page is re-queued by the worker, without a traceback
    async with teams.app.engine.connect() as conn:
        row = (await conn.execute(text(
            "SELECT workspace, user_id, conversation_id, reference FROM identities "
            "WHERE platform='teams'"))).one()
    teams.mock.fail_next(503, plain=True, code="Service Unavailable")
    caplog.clear()
    with pytest.raises(DeliveryError) as failed:
        await teams.app.senders["teams"].send(Address("teams", *row), [Message("hi")])
    assert failed.value.retry is True and "not JSON" in failed.value.reason
    assert errors(caplog) == []


async def test_teams_activities_without_a_sender_are_refused(teams: TeamsHarness) -> None:
    good = text_message(teams.url, teams.people["dana"], "help")
    invoke = dict(good, type="invoke", name="adaptiveCard/action",
                  value={"action": {"type": "Action.Execute", "data": {"a": "privacy"}}})
    cases: list[dict[str, Any]] = []
    for act in (good, invoke):
        cases.append({k: v for k, v in act.items() if k != "from"})
        cases += [dict(act, **{"from": who}) for who in ({}, {"id": 5}, {"id": ""},
                                                         {"name": "x"})]
    for act in cases:
        status, body = await teams.post(act)
        assert status == 400 and "sender" in json.loads(body)["error"], act.get("from")
    assert teams.mock.requests == [], "nothing was looked up or posted"
    # other wrong-typed fields are read defensively: a clear answer, never a 5xx
    for field, value in (("value", "not an object"), ("value", [1, 2]), ("entities", None),
                         ("recipient", None), ("channelData", "x"), ("text", 5)):
        status, _ = await teams.post(dict(good, **{field: value}))
        assert status == 200, (field, value)


# ---- Slack ----------------------------------------------------------------------------------


@pytest.fixture
async def slack(sqlite_url: str, clock: FakeClock) -> AsyncIterator[Harness]:
    async with harness(sqlite_url, clock) as h:
        yield h


def event_callback(event: Any, **extra: Any) -> dict[str, Any]:
    return {"token": "legacy", "team_id": TEAM, "api_app_id": "A0OUTWARD",
            "type": "event_callback", "event_id": "Ev0BAD", "event_time": 1, "event": event,
            **extra}


def modal_submission(view: Any, **extra: Any) -> dict[str, Any]:
    return {"type": "view_submission", "team": {"id": TEAM}, "user": {"id": "U0DANA"},
            "view": view, **extra}


GOOD_VIEW = {"type": "modal", "callback_id": "outward:form", "id": "V1",
             "private_metadata": json.dumps({"f": "pulse:text", "n": "answer", "k": "",
                                             "c": "D0DANA", "t": "1.1"}),
             "state": {"values": {}}}

MALFORMED_JSON = {
    "event null": event_callback(None),
    "event text": event_callback("message"),
    "event without type": event_callback({"user": "U0DANA"}),
    "event type not text": event_callback({"type": 5}),
    "event user a number": event_callback({"type": "message", "channel_type": "im",
                                           "channel": "D0DANA", "user": 5, "text": "hi"}),
    "event message a list": event_callback({"type": "message", "subtype": "message_changed",
                                            "message": ["x"]}),
    "authorizations text": event_callback({"type": "app_home_opened", "user": "U0DANA"},
                                          authorizations="x"),
    "type a number": {"type": 5, "team_id": TEAM},
    "command a number": {"command": 5, "team_id": TEAM, "user_id": "U0DANA"},
    # ids Slack never sends: a NUL reaches PostgreSQL as an error, not as a lookup
    "event user with NUL": event_callback({"type": "message", "channel_type": "im",
                                           "channel": "D0DANA", "user": "U0DANA\x00",
                                           "text": "hi"}),
    "event channel with NUL": event_callback({"type": "message", "channel_type": "im",
                                              "channel": "D0\x00", "user": "U0DANA",
                                              "text": "hi"}),
    "team_id with a control character": {**event_callback({"type": "app_home_opened",
                                                           "user": "U0DANA"}),
                                         "team_id": "T0\x1b[2J"},
    "event_id with NUL": {**event_callback({"type": "app_home_opened", "user": "U0DANA"}),
                          "event_id": "Ev\x00"},
    "joined user id with NUL": event_callback({"type": "team_join", "user": {
        "id": "U0\x00", "team_id": TEAM, "profile": {"email": "x@example.org"}}}),
}
MALFORMED_PAYLOADS = {
    "view.state.values null": modal_submission({**GOOD_VIEW, "state": {"values": None}}),
    "view.state text": modal_submission({**GOOD_VIEW, "state": "x"}),
    "view null": modal_submission(None),
    "view without type": modal_submission({k: v for k, v in GOOD_VIEW.items() if k != "type"}),
    "response_urls null": modal_submission(GOOD_VIEW, response_urls=None),
    "actions empty": {"type": "block_actions", "team": {"id": TEAM}, "user": {"id": "U0DANA"},
                      "actions": []},
    "actions null": {"type": "block_actions", "team": {"id": TEAM}, "user": {"id": "U0DANA"},
                     "actions": None},
    "actions [null]": {"type": "block_actions", "team": {"id": TEAM}, "user": {"id": "U0DANA"},
                       "actions": [None]},
    "user a number": {"type": "block_actions", "team": {"id": TEAM}, "user": 5,
                      "actions": [{"action_id": "outward:b0", "value": "{}"}]},
    "team a list": {"type": "block_actions", "team": [TEAM], "user": {"id": "U0DANA"},
                    "actions": [{"action_id": "outward:b0", "value": "{}"}]},
    "action_id a number": {"type": "block_actions", "team": {"id": TEAM},
                           "user": {"id": "U0DANA"}, "actions": [{"action_id": 5}]},
    "container text": {"type": "block_actions", "team": {"id": TEAM}, "user": {"id": "U0DANA"},
                       "container": "x", "actions": [{"action_id": "outward:b0", "value": "{}"}]},
    "user id with NUL": {"type": "block_actions", "team": {"id": TEAM},
                         "user": {"id": "U0\x00"},
                         "actions": [{"action_id": "outward:b0", "value": "{}"}]},
}


async def test_slack_malformed_signed_payloads_get_400_without_a_traceback(
    slack: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    calls = len(slack.mock.calls)
    statuses = {}
    with caplog.at_level(logging.INFO):
        for name, body in MALFORMED_JSON.items():
            statuses[name] = (await slack.post_json(body)).status
        for name, body in MALFORMED_PAYLOADS.items():
            statuses[name] = (await slack.post_payload(body)).status
        await slack.settle()
    assert statuses == dict.fromkeys(statuses, 400)
    assert errors(caplog) == []
    assert len(slack.mock.calls) == calls, "nothing reached the core or the Web API"
    # a well-formed submission of the same modal is still acked (and dropped: no answer text)
    assert (await slack.post_payload(modal_submission(GOOD_VIEW))).status == 200
    await slack.settle()
    assert errors(caplog) == []


# ---- roster files, through `python -m bot roster import` (in process) ------------------------

HEADER = "handle,name,email,timezone,locale,roles,branch,classification,employment\n"
ANA = "ana,Ana Ruiz,ana@example.org,America/Chicago,es,staff;chair,Main,Clerk,PT\n"
BEN = "ben,Ben Ode,ben@example.org,,,,,,\n"


def roster(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[dict[str, str], str]:
    """A database holding ana and ben; returns the env and the listing."""
    env = {"OUTWARD_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/o.db"}
    first = tmp_path / "first.csv"
    first.write_text(HEADER + ANA + BEN)
    assert main(["roster", "import", str(first)], env=env) == 0
    capsys.readouterr()
    assert main(["roster", "list"], env=env) == 0
    return env, capsys.readouterr().out


@pytest.mark.parametrize(("content", "expected"), [
    (HEADER + ANA.replace("Ana Ruiz", "Ana Changed") + "cy,Cy,cy@example.org,UTC\n",
     ["line 3: has 4 field(s) but the header has 9"]),
    (HEADER + "cy,Cy,cy@example.org,UTC,en,staff,,,FT\n" + "dee,Dee\n" + "eve,Eve,e@x.org\n",
     ["line 3: has 2 field(s)", "line 4: has 3 field(s)"]),
    ("handle,name,timezone\nana,Ana Changed,UTC\n", ["line 1: missing column(s) email"]),
    ("name,email\nAna Changed,ana@example.org\n", ["line 1: missing column(s) handle"]),
    (HEADER + "cy,Cy,Shared@Example.org,,,,,,\n" + ANA.replace("Ana Ruiz", "Ana Changed")
     + "dee,Dee,shared@example.ORG,,,,,,\n",
     ["line 4 (dee): email 'shared@example.ORG' is also on line 2 (cy)"]),
    (HEADER + "cy,Cy,BEN@example.org,,,,,,\n" + ANA.replace("Ana Ruiz", "Ana Changed"),
     ["line 2 (cy): email 'BEN@example.org' belongs to ben, already on the roster"]),
    # a NUL or another control character is an error to PostgreSQL, and no name has one
    (HEADER + ANA.replace("Ana Ruiz", "Ana\x00Changed") + "cy,Cy,cy@example.org,,,,Ma\x1bin,,\n",
     ["line 2 (ana): name holds a control character",
      "line 3 (cy): branch holds a control character"]),
    # a column named twice: which one would count?
    ("handle,name,email,email\nana,Ana Changed,ana@example.org,other@example.org\n",
     ["line 1: column(s) email named more than once"]),
    # Excel in many locales saves "CSV" with semicolons
    ("handle;name;email\nana;Ana Changed;ana@example.org\n",
     ["line 1: the columns are separated by ';'"]),
])
def test_a_roster_file_that_would_import_the_wrong_thing_imports_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str, expected: list[str]
) -> None:
    env, listing = roster(tmp_path, capsys)
    bad = tmp_path / "bad.csv"
    bad.write_text(content)
    assert main(["roster", "import", str(bad)], env=env) == 2
    err = capsys.readouterr().err
    for line in expected:
        assert f"bad.csv: {line}" in err, err
    assert "Nothing was imported" in err and "Traceback" not in err
    assert main(["roster", "list"], env=env) == 0
    assert capsys.readouterr().out == listing, "existing people untouched, nobody added"


def test_moving_an_email_between_people_in_one_file_is_allowed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    env, _ = roster(tmp_path, capsys)
    swap = tmp_path / "swap.csv"
    swap.write_text("handle,name,email\nana,Ana Ruiz,ben@example.org\nben,Ben Ode,"
                    "ana@example.org\n")
    assert main(["roster", "import", str(swap)], env=env) == 0
    assert "0 added, 2 updated" in capsys.readouterr().out
