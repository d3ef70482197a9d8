"""adapters/slack/convert.py against Slack's recorded payloads and Block Kit's limits."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

import pytest

from adapters.slack import convert
from conversations.events import (
    Address,
    ButtonPressed,
    CommandInvoked,
    FormSubmitted,
    HomeOpened,
    MemberJoined,
    MemberLeft,
    TextReceived,
)
from conversations.messages import Button, Message, TextInput
from tests.slack_mock import user
from tests.support import shared_data

PAYLOADS = shared_data() / "slack_bolt_python_payloads"


def recorded(name: str) -> dict[str, Any]:
    path: Path = PAYLOADS / name
    if not path.exists():
        pytest.skip(f"{path} is absent (../shared/data is not checked out)")
    if path.suffix == ".txt":
        return dict(parse_qsl(path.read_text(), keep_blank_values=True))
    return dict(json.loads(path.read_text()))


# ---- escaping -------------------------------------------------------------------------------


@pytest.mark.parametrize("hostile", [
    "<!channel> look", "<!here>", "<@U024BE7LH> you", "<https://evil.example|your bank>",
    "<#C024BE7LR>", "<!subteam^S123>", "@channel now", "@here", "@Everyone", "a & b > c",
    "&lt;!channel&gt;",
])
def test_nothing_a_person_wrote_can_ping_or_link(hostile: str) -> None:
    for out in (convert.escape(hostile), convert.quote(hostile)):
        assert "<" not in out and ">" not in out.replace("> ", "", 1).lstrip(">")
        assert "@channel" not in out.lower() and "@here" not in out.lower()
        assert "@everyone" not in out.lower()
    assert "&lt;!channel&gt;" in convert.escape("<!channel>")
    assert convert.escape("&lt;") == "&amp;lt;"  # already-escaped text stays literal


def test_quotes_are_block_quotes_with_formatting_shown_literally() -> None:
    out = convert.quote("*shout* _lean_\nsecond line")
    assert out.startswith("> ") and "\n> second line" in out
    assert "*shout*" not in out and "\u200b*" in out


def test_message_blocks_escape_text_and_quotes_and_keep_bold() -> None:
    msg = Message("Hi *Dana* <@U1> & co", quotes=("<!here> <http://x|y>",))
    blocks = convert.message_blocks(msg)
    texts = [b["text"]["text"] for b in blocks]
    assert texts[0] == "Hi *Dana* &lt;@U1&gt; &amp; co"
    assert "<" not in texts[1]
    assert all(b["text"]["verbatim"] is True for b in blocks)
    rendered = convert.render(msg)
    assert "<" not in rendered["text"]


def test_notification_text_has_no_bold_marks() -> None:
    """The top-level text is what a phone's notification shows, and it shows mrkdwn as typed:
    "*Equity listening tour*, for the Equity Committee" read with its asterisks."""
    msg = Message("*Equity listening tour*, for the *Equity Committee*. 5 * 2 stays")
    rendered = convert.render(msg)
    assert rendered["text"] == "Equity listening tour, for the Equity Committee. 5 * 2 stays"
    assert rendered["blocks"][0]["text"]["text"].startswith("*Equity listening tour*")
    assert "*" not in convert.combine([msg, Message("*Paused*")])[0]["text"].replace("5 * 2", "")


# ---- Block Kit limits and button encoding ---------------------------------------------------


def test_buttons_round_trip_through_block_actions() -> None:
    msg = Message("Q1", (Button("4", "pulse:answer", "training-time=4"),
                         Button("Stop for now", "pulse:nav", "stop", "danger"),
                         Button("Odd", "x", "y", "secondary")),
                  TextInput("pulse:text", "answer", "Your answer", 4000), key="pulse:r:o:q1")
    blocks = convert.message_blocks(msg)
    elements = blocks[-1]["elements"]
    assert [e["action_id"] for e in elements] == [
        "outward:form", "outward:b0", "outward:b1", "outward:b2"]
    assert len({e["action_id"] for e in elements}) == len(elements)
    assert elements[2]["style"] == "danger" and "style" not in elements[3]
    body = {"type": "block_actions", "user": {"id": "U1", "team_id": "T1"},
            "team": {"id": "T1"}, "trigger_id": "tr",
            "container": {"type": "message", "message_ts": "1.2", "channel_id": "D1"},
            "channel": {"id": "D1"}, "message": {"ts": "1.2", "blocks": blocks},
            "actions": [elements[1]]}
    parsed = convert.action(body)
    assert parsed is not None
    event, origin = parsed
    assert event == ButtonPressed(Address("slack", "T1", "U1", "D1", direct=True), "pulse:answer",
                                  "training-time=4", "pulse:r:o:q1")
    assert (origin.channel, origin.ts, origin.key) == ("D1", "1.2", "pulse:r:o:q1")
    form = convert.action({**body, "actions": [elements[0]]})
    assert form is not None and isinstance(form[0], convert.FormRequest)
    req = form[0]
    assert (req.form, req.name, req.max_length, req.question) == (
        "pulse:text", "answer", 4000, "Q1")
    modal = convert.answer_modal(req)
    assert modal["blocks"][-1]["element"]["max_length"] == 3000  # Slack's own maximum
    submitted = {"type": "view_submission", "team": {"id": "T1"}, "user": {"id": "U1"},
                 "view": {**modal, "state": {"values": {convert.INPUT_BLOCK: {
                     convert.INPUT_ACTION: {"type": "plain_text_input", "value": "More staff"}}}}}}
    parsed_form = convert.form_submitted(submitted)
    assert parsed_form is not None
    assert parsed_form[0] == FormSubmitted(Address("slack", "T1", "U1", "D1", direct=True),
                                           "pulse:text", {"answer": "More staff"}, "pulse:r:o:q1")
    assert (parsed_form[1].channel, parsed_form[1].ts) == ("D1", "1.2")


def test_limits_many_buttons_long_text_long_labels() -> None:
    buttons = tuple(Button("label " * 30, "a", str(i)) for i in range(30))
    msg = Message("line\n" * 2000, buttons)
    blocks = convert.message_blocks(msg)
    assert len(blocks) <= 50
    actions = [b for b in blocks if b["type"] == "actions"]
    assert [len(b["elements"]) for b in actions] == [25, 5]
    assert all(len(e["text"]["text"]) <= 75 for b in actions for e in b["elements"])
    assert all(len(b["text"]["text"]) <= 3000 for b in blocks if b["type"] == "section")
    assert len(convert.render(msg)["text"]) <= 3000
    with pytest.raises(ValueError):
        convert.encode_button(Button("x", "a", "v" * 2100), "k")


def test_home_view_joins_messages() -> None:
    view = convert.home_view([Message("one", (Button("Start", "s", "r|o"),)), Message("two"),
                              Message("three", (Button("Privacy", "privacy", ""),))])
    assert view["type"] == "home"
    assert [b["type"] for b in view["blocks"]] == [
        "section", "actions", "divider", "section", "divider", "section", "actions"]
    ids = [b["block_id"] for b in view["blocks"] if "block_id" in b]
    assert len(ids) == len(set(ids)), "block_ids are unique in a view"


# ---- inbound: Slack's recorded payloads -------------------------------------------------------


def test_dm_message_from_recorded_payload() -> None:
    body = recorded("tests__scenario_tests__test_events_assistant__user_message_event_body.json")
    event = convert.direct_message(body)
    assert event == TextReceived(Address("slack", "T111", "W222", "D111", direct=True),
                                 "When Slack was released?")


def test_channel_messages_and_edits_are_not_dm_text() -> None:
    for name in ("tests__scenario_tests__test_message__message_body.json",
                 "tests__scenario_tests__test_message_changed__event_payload.json",
                 "tests__scenario_tests__test_message_bot__bot_message_event_payload.json"):
        assert convert.direct_message(recorded(name)) is None, name


def test_slack_entities_are_unescaped_for_the_core() -> None:
    body = {"team_id": "T1", "event": {"type": "message", "channel_type": "im", "user": "U1",
                                       "channel": "D1", "text": "a &lt;b&gt; &amp; <@U2>"}}
    event = convert.direct_message(body)
    assert event is not None and event.text == "a <b> & <@U2>"


def test_slash_command_from_recorded_form_body() -> None:
    body = recorded("tests__adapter_tests__asgi__test_asgi_http__TestAsgiHttp.test_commands."
                    "body.txt")
    assert convert.command(body) == CommandInvoked(Address("slack", "T111", "W111"),
                                                   "hello-world", "Hi")


def test_home_opened_only_for_the_home_tab() -> None:
    body = recorded("tests__scenario_tests__test_events_org_apps__TestEventsOrgApps."
                    "test_app_home_opened.event_payload.json")
    assert convert.home_opened(body) is None  # the Messages tab
    body["event"]["tab"] = "home"
    assert convert.home_opened(body) == HomeOpened(Address("slack", "T111", "W111", "D111",
                                                                          direct=True))


def test_foreign_buttons_and_views_are_not_ours() -> None:
    assert convert.action(recorded("tests__scenario_tests__test_authorize__"
                                   "block_actions_body.json")) is None
    assert convert.form_submitted(recorded("tests__scenario_tests__test_view_submission__"
                                           "body.json")) is None


def test_every_recorded_payload_converts_or_is_ignored_without_raising() -> None:
    if not PAYLOADS.exists():
        pytest.skip(f"{PAYLOADS} is absent")
    for path in PAYLOADS.glob("*.json"):
        body = json.loads(path.read_text())
        if not isinstance(body, dict):
            continue
        for fn in (convert.action, convert.form_submitted, convert.direct_message,
                   convert.command, convert.home_opened, convert.member_event):
            fn(body)  # must not raise on any shape
        convert.team_of(body)


def test_members_from_the_directory() -> None:
    joined = convert.member(user("U1", "Dana Whitfield", "dana@example.org", locale="es-ES"))
    assert joined == MemberJoined(Address("slack", "T0OUTWARD", "U1"), "Dana Whitfield",
                                  "dana@example.org", "America/Los_Angeles", "es-ES")
    assert convert.member({**user("U1", "D", "d@x.org"), "deleted": True}) == \
        MemberLeft(Address("slack", "T0OUTWARD", "U1"))
    assert convert.member({**user("B1", "Bot", "b@x.org"), "is_bot": True}) is None
    assert convert.member({"id": "USLACKBOT", "team_id": "T1"}) is None
    assert convert.member({"team_id": "T1"}) is None
    body = {"team_id": "T9", "event": {"type": "team_join", "user": user("U5", "N", "n@x.org")}}
    event = convert.member_event(body)
    assert isinstance(event, MemberJoined) and event.address.workspace == "T9"


def test_every_slash_command_a_message_names_is_registered_in_slack() -> None:
    """Slack answers "not a valid command" itself to a /word no app registered, and sends us
    nothing: a help text or hint naming one (the Spanish help's /encuesta, or /help) would
    send people into that error."""
    import re

    import yaml

    from prompts.commands import canonical_command

    manifest = yaml.safe_load((Path(convert.__file__).with_name("manifest.yml")).read_text())
    registered = {c["command"] for c in manifest["features"]["slash_commands"]}
    i18n = Path(convert.__file__).resolve().parents[2] / "prompts" / "i18n"
    named: set[str] = set()
    for path in i18n.glob("*.yaml"):
        for text in yaml.safe_load(path.read_text("utf-8")).values():
            named.update(re.findall(r"(?<![\w:/.])/[a-zñí]+\b", str(text)))
    assert {"/pulse", "/encuesta", "/themes"} <= named  # the texts were read
    known = {"help", "privacy", "results", "pulse", "themes", "learn", "mentor", "outward"}
    commands = {n for n in named if canonical_command(n) in known}
    assert commands - registered == set(), "a text names a command Slack does not know"


def test_manifest_has_exactly_the_scopes_commands_and_events_used() -> None:
    import yaml

    from adapters.slack.oauth import BOT_SCOPES

    manifest = yaml.safe_load((Path(convert.__file__).with_name("manifest.yml")).read_text())
    assert manifest["oauth_config"]["scopes"]["bot"] == sorted(BOT_SCOPES)
    assert "user" not in manifest["oauth_config"]["scopes"]
    commands = {c["command"] for c in manifest["features"]["slash_commands"]}
    assert commands == {"/outward", "/pulse", "/themes", "/privacy", "/learn", "/mentor",
                        "/results", "/ayuda", "/encuesta", "/temas", "/resultados",
                        "/privacidad", "/aprender", "/mentoria"}
    for c in manifest["features"]["slash_commands"]:
        assert c["url"].endswith("/slack/events")
    settings = manifest["settings"]
    assert settings["event_subscriptions"]["request_url"].endswith("/slack/events")
    assert settings["interactivity"]["request_url"].endswith("/slack/events")
    assert set(settings["event_subscriptions"]["bot_events"]) == {
        "app_home_opened", "message.im", "team_join", "user_change", "app_uninstalled",
        "tokens_revoked"}
    assert manifest["features"]["app_home"]["home_tab_enabled"] is True
    assert manifest["oauth_config"]["redirect_urls"][0].endswith("/slack/oauth_redirect")


def test_only_the_bots_dm_is_a_direct_route() -> None:
    body = {"type": "block_actions", "user": {"id": "U1"}, "team": {"id": "T1"},
            "container": {"type": "message", "channel_id": "C1", "message_ts": "1.2"},
            "channel": {"id": "C1"},
            "actions": [{"action_id": "outward:b0", "value": '{"a":"x","v":"","k":""}'}]}
    parsed = convert.action(body)
    assert parsed is not None and parsed[0].address.direct is False
    assert parsed[0].address.conversation == ""
    command = convert.command({"team_id": "T1", "user_id": "U1", "command": "/pulse",
                               "channel_id": "D999"})
    assert command is not None and command.address.direct is False


def test_chart_upload_is_a_png_with_an_escaped_title_and_alt_text() -> None:
    assert convert.chart_upload(Message("no chart")) is None
    m = Message("*Tour <!here>* (tour, closed) · everyone\nParticipation: 3 of 5",
                chart=(("Staffing & workload", 0.5), ("Training", 0.25)))
    upload = convert.chart_upload(m)
    assert upload is not None and set(upload) == {"file", "filename", "title", "alt_txt"}
    assert upload["file"].startswith(b"\x89PNG") and upload["filename"].endswith(".png")
    assert upload["title"] == "Theme shares — Tour &lt;!here&gt; (tour, closed) · everyone"
    assert upload["alt_txt"] == "Theme shares: Staffing &amp; workload 50%, Training 25%"
    many = convert.chart_upload(Message("x", chart=tuple(("y" * 200, 0.1) for _ in range(9))))
    assert many is not None and len(many["alt_txt"]) <= 1000
