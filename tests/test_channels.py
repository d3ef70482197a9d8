"""Surveys and results live only in a person's 1:1 chat with Outward: in a channel or group chat
only help and privacy are answered, anything else continues in the 1:1 chat, and buttons or forms
pressed there are refused (the core rule, then Teams and Slack end to end over real HTTP)."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import pytest
from sqlalchemy import text

from adapters.console.adapter import address_for as console_address
from adapters.teams.convert import card_actions
from bot.bootstrap import Core, Outward
from bot.clock import FakeClock
from conversations.events import (
    Address,
    ButtonPressed,
    CommandInvoked,
    FormSubmitted,
    TextReceived,
)
from conversations.pulse.render import CONSENT, TEXT_FORM
from tests.slack_mock import Call, Harness, buttons, harness
from tests.support import Console, FakeOutward
from tests.teams_mock import TeamsHarness, card_text, channel_mention, channel_submit

NOTICE = "only in your 1:1 chat"
HELP = "What I can do"
PRIVACY = "What happens to your answers"


async def drafts(app: Core) -> list[str]:
    """Every conversation state (flow and data), from whichever storage the app has."""
    if isinstance(app, FakeOutward):
        rows = [(s.flow, s.data) for _, s in sorted(app.db.states.items())]
    else:
        assert isinstance(app, Outward)
        async with app.engine.connect() as conn:
            rows = [tuple(r) for r in (await conn.execute(text(
                "SELECT flow, data FROM conversation_state ORDER BY person_id"))).all()]
    return [json.dumps([r[0], r[1]], sort_keys=True, default=str) for r in rows]


async def responses(app: Outward) -> int:
    async with app.engine.connect() as conn:
        held = (await conn.execute(text("SELECT count(*) FROM held_submissions"))).scalar()
        stored = (await conn.execute(text("SELECT count(*) FROM responses"))).scalar()
    return int(held or 0) + int(stored or 0)


# ---- the core rule ------------------------------------------------------------------------


def in_channel(handle: str) -> Address:
    return Address("console", "local", handle, "channel-general")  # not the 1:1 chat


async def test_core_answers_only_help_and_privacy_outside_the_1to1_chat(
    app: FakeOutward, console: Console
) -> None:
    await console.say("/pulse start listening-tour")
    await app.router(TextReceived(console_address("dana"), "/pulse"))  # a draft is open
    before = await drafts(app)
    assert before

    for event, expected in [
        (CommandInvoked(in_channel("dana"), "help"), HELP),
        (CommandInvoked(in_channel("dana"), "ayuda"), HELP),
        (CommandInvoked(in_channel("dana"), "outward", "privacy"), PRIVACY),
        (CommandInvoked(in_channel("dana"), "privacidad"), PRIVACY),
        (TextReceived(in_channel("dana"), "privacy"), PRIVACY),
        (TextReceived(in_channel("dana"), "I hate it"), HELP),  # never a survey answer
        (TextReceived(in_channel("dana"), "yes"), HELP),
    ]:
        out = await app.router(event)
        assert len(out) == 1 and expected in out[0].text, event
        assert out[0].private and not out[0].direct
    assert await drafts(app) == before

    # a survey command runs, but its messages go to the 1:1 chat after a notice
    out = await app.router(CommandInvoked(in_channel("dana"), "pulse"))
    assert NOTICE in out[0].text and out[0].private and not out[0].direct
    assert out[1:] and all(m.direct for m in out[1:])
    assert any("may we include your branch" in m.text for m in out[1:])
    before = await drafts(app)

    # results too, for the chair
    out = await app.router(CommandInvoked(in_channel("jordan"), "pulse", "status listening-tour"))
    assert NOTICE in out[0].text and "listening-tour" not in out[0].text
    assert all(m.direct for m in out[1:]) and "listening-tour" in out[1].text

    # buttons and forms from outside are refused, and nothing changes
    for event in (
        ButtonPressed(in_channel("dana"), CONSENT, "yes", "k"),
        FormSubmitted(in_channel("dana"), TEXT_FORM, {"answer": "Not enough staff"}, "k"),
    ):
        out = await app.router(event)
        assert len(out) == 1 and "nothing was done here" in out[0].text and not out[0].direct
    assert await drafts(app) == before

    # Spanish, formal
    async with app.deps.uow() as tx:
        luis = await tx.people.by_handle("luis")
        assert luis is not None and luis.locale == "es"
    out = await app.router(CommandInvoked(in_channel("luis"), "themes"))
    assert "su chat privado" in out[0].text and all(m.direct for m in out[1:])


async def test_core_the_1to1_chat_is_unchanged(app: FakeOutward, console: Console) -> None:
    dm = console_address("jordan")
    out = await app.router(CommandInvoked(dm, "pulse", "status"))
    assert out and not any(m.direct for m in out) and NOTICE not in out[0].text
    out = await app.router(TextReceived(dm, "privacidad"))
    assert PRIVACY in out[0].text


async def test_core_keeps_the_latest_1to1_route_and_no_other(app: FakeOutward) -> None:
    """The DM an event came from is where proactive messages go next (Slack can give a person
    a new DM channel); an event that names no conversation, or comes from a channel, leaves
    the stored route as it is."""
    async with app.deps.uow() as tx:
        dana = await tx.people.by_handle("dana")
        assert dana is not None
        await tx.identities.link(dana.id, "slack", "T1", "U0DANA", "D1")
        await tx.commit()

    async def stored() -> str:
        async with app.deps.uow() as tx:
            found = await tx.identities.account("slack", "T1", "U0DANA")
        assert found is not None
        return found[1].conversation_id

    for conversation, direct, expected in [("D1", True, "D1"), ("D2", True, "D2"),
                                           ("", True, "D2"), ("C9", False, "D2")]:
        where = Address("slack", "T1", "U0DANA", conversation, direct=direct)
        out = await app.router(TextReceived(where, "privacy"))
        assert PRIVACY in out[0].text
        assert await stored() == expected, (conversation, direct)


# ---- Teams ----------------------------------------------------------------------------------


async def open_round(teams: TeamsHarness) -> None:
    await teams.install("amara")
    assert "Started" in await teams.say("amara", "pulse start listening-tour")
    await teams.install("dana")
    await teams.install("jordan")
    await teams.app.tick()  # invitations out


async def test_teams_pulse_in_a_channel_runs_in_the_1to1_chat(teams: TeamsHarness) -> None:
    await open_round(teams)
    act = channel_mention(teams.url, teams.people["dana"], "pulse")
    channel = act["conversation"]["id"]
    before = len(teams.mock.cards(teams.conversation("dana")))
    assert (await teams.post(act))[0] == 200
    [notice] = teams.mock.cards(channel)
    assert NOTICE in card_text(notice) and not card_actions(notice)
    sent = teams.mock.cards(teams.conversation("dana"))[before:]
    assert sent and "may we include your branch" in card_text(sent[-1])
    assert card_actions(sent[-1]), "the consent question, with its buttons, in the 1:1 chat"

    # a chair's status: counts never in the channel
    act = channel_mention(teams.url, teams.people["jordan"], "pulse status listening-tour")
    assert (await teams.post(act))[0] == 200
    shown = "\n".join(card_text(c) for c in teams.mock.cards(channel))
    assert "listening-tour" not in shown and "invited" not in shown.lower()
    assert "listening-tour" in card_text(teams.mock.cards(teams.conversation("jordan"))[-1])

    # help and privacy (and their Spanish forms) are answered where they were asked
    for word, expected in (("help", HELP), ("privacidad", PRIVACY), ("ayuda", HELP)):
        teams.mock.clear()
        assert (await teams.post(channel_mention(teams.url, teams.people["dana"], word)))[0] \
            == 200
        [reply] = teams.mock.cards(channel)
        assert expected in card_text(reply)
        assert not teams.mock.cards(teams.conversation("dana"))


async def test_teams_card_pressed_in_a_channel_is_refused(teams: TeamsHarness) -> None:
    await open_round(teams)
    await teams.say("dana", "pulse")
    consent = teams.open_card("dana")
    yes = next(a for a in card_actions(consent) if a["title"] == "Yes, include them")
    before = await drafts(teams.app)
    teams.mock.clear()
    act = channel_submit(teams.url, teams.people["dana"], dict(yes["data"]), consent["_id"])
    assert (await teams.post(act))[0] == 200
    [notice] = teams.mock.cards(act["conversation"]["id"])
    assert "nothing was done here" in card_text(notice)
    assert await drafts(teams.app) == before, "the press was not carried out"
    assert not teams.mock.cards(teams.conversation("dana"))
    # free text to the bot in the channel is not taken as an answer either
    act = channel_mention(teams.url, teams.people["dana"], "Not enough staff at the desk")
    assert (await teams.post(act))[0] == 200
    assert HELP in card_text(teams.mock.cards(act["conversation"]["id"])[-1])
    assert await drafts(teams.app) == before
    # an invoke (Action.Execute) from the channel is refused the same way
    invoke = dict(act, type="invoke", name="adaptiveCard/action",
                  value={"action": {"type": "Action.Execute", "data": dict(yes["data"])}})
    status, body = await teams.post(invoke)
    assert status == 200 and json.loads(body)["statusCode"] == 200
    assert await drafts(teams.app) == before and await responses(teams.app) == 0


# ---- Slack ----------------------------------------------------------------------------------


@pytest.fixture
async def slack(sqlite_url: str, clock: FakeClock) -> AsyncIterator[Harness]:
    async with harness(sqlite_url, clock) as h:
        yield h


async def ephemeral(resp: Any) -> str:
    assert resp.status == 200
    raw = await resp.text()
    assert raw, "answered on the ack"
    body = json.loads(raw)
    assert body["response_type"] == "ephemeral"
    return str(body["text"])


def posted_in(slack: Harness, channel: str) -> list[Call]:
    """Every Web API call that would show something in `channel`."""
    return [c for c in slack.mock.calls if c.method.startswith(("chat.", "files."))
            and channel in (c.args.get("channel"), c.args.get("channel_id"))]


@pytest.mark.parametrize("channel", ["C0GENERAL", "G0GROUPDM", "D0SOMEONEELSE"])
async def test_slack_commands_outside_the_bots_dm_continue_in_it(slack: Harness,
                                                                 channel: str) -> None:
    assert "Started" in await ephemeral(
        await slack.command("U0AMARA", "/pulse", "start listening-tour"))
    await slack.settle()
    await slack.app.tick()  # invitations out

    notice = await ephemeral(await slack.command("U0DANA", "/pulse", channel=channel))
    assert NOTICE in notice
    status = await ephemeral(await slack.command("U0JORDAN", "/pulse", "status",
                                                 channel=channel))
    assert NOTICE in status and "listening-tour" not in status
    await slack.settle()
    survey = "\n".join(str(c.args.get("text")) for c in slack.mock.posts_to("D0DANA"))
    assert "may we include your branch" in survey
    counts = "\n".join(str(c.args.get("text")) for c in slack.mock.posts_to("D0JORDAN"))
    assert "listening-tour" in counts
    assert not posted_in(slack, channel)
    # help and privacy stay where they were asked, privately
    assert HELP in await ephemeral(await slack.command("U0DANA", "/help", channel=channel))
    assert PRIVACY in await ephemeral(await slack.command("U0DANA", "/outward", "privacy",
                                                          channel=channel))
    await slack.settle()
    assert not posted_in(slack, channel)


async def test_slack_a_button_pressed_outside_the_dm_is_refused(slack: Harness) -> None:
    await slack.command("U0AMARA", "/pulse", "start listening-tour")
    await slack.settle()
    await slack.app.tick()
    await slack.command("U0DANA", "/pulse")
    await slack.settle()
    consent = slack.mock.posts_to("D0DANA")[-1]
    assert "Yes, include them" in buttons(consent)
    before = await drafts(slack.app)
    posts = len(slack.mock.of("chat.postMessage"))
    # the same buttons on an ephemeral message in a channel (as an old reply could carry)
    elsewhere = Call("chat.postEphemeral", {**consent.args, "channel": "C0GENERAL"}, "")
    resp = await slack.press("U0DANA", elsewhere, "Yes, include them",
                             container={"type": "message", "message_ts": "1.1",
                                        "channel_id": "C0GENERAL", "is_ephemeral": True})
    assert resp.status == 200
    await slack.settle()
    assert await drafts(slack.app) == before, "the press was not carried out"
    (name, refusal), = [h for h in slack.mock.hooks if h[0] == "press"]
    assert refusal["response_type"] == "ephemeral" and "nothing was done" in refusal["text"]
    assert len(slack.mock.of("chat.postMessage")) == posts and not slack.mock.of("chat.update")

    # an answer modal opened from outside the DM is refused when submitted
    modal = {"type": "modal", "callback_id": "outward:form", "blocks": [{
        "type": "input", "block_id": "outward:answer", "label": {"type": "plain_text",
                                                                 "text": "Answer"},
        "element": {"type": "plain_text_input", "action_id": "value"}}],
        "private_metadata": json.dumps({"f": TEXT_FORM, "n": "answer", "k": "", "c": "C0GENERAL",
                                        "t": "1.1"})}
    resp = await slack.submit("U0DANA", Call("views.open", {"view": modal}, ""), "An answer")
    assert resp.status == 200
    await slack.settle()
    assert await drafts(slack.app) == before
    assert not posted_in(slack, "C0GENERAL")
    assert "nothing was done" in str(slack.mock.posts_to("D0DANA")[-1].args["text"])
