"""The Teams adapter end to end: the real app and the real Bot Framework SDK behind real HTTP
(`POST /api/messages` on 127.0.0.1), replies arriving at a local mock Bot Connector."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import text

from adapters.teams.convert import card_actions
from bot.bootstrap import Outward
from bot.clock import FakeClock
from tests.teams_mock import (
    TENANT,
    TeamsHarness,
    bot_added_to_team,
    card_text,
    channel_mention,
    installation_update,
    member_removed_from_team,
    members_added_personal,
)


async def _identities(app: Outward) -> dict[str, dict[str, str]]:
    async with app.engine.connect() as conn:
        rows = (await conn.execute(text(
            "SELECT p.handle, i.workspace, i.user_id, i.conversation_id, i.reference "
            "FROM identities i JOIN people p ON p.id = i.person_id WHERE i.platform='teams'"
        ))).mappings().all()
    return {r["handle"]: dict(r) for r in rows}


async def _start_round(teams: TeamsHarness) -> None:
    await teams.install("amara")
    out = await teams.say("amara", "pulse start listening-tour")
    assert "Started" in out and "listening-tour" in out


async def test_full_pulse_answered_through_card_actions(teams: TeamsHarness) -> None:
    await teams.install("dana")
    await _start_round(teams)
    planned, sent = await teams.app.tick()
    assert sent >= 2  # amara and dana installed the app; both are invited in their 1:1 chat
    invite = teams.open_card("dana")
    assert invite["_method"] == "POST"
    assert "Start" in [a["title"] for a in card_actions(invite)]

    out = await teams.press("dana", "Start")
    replaced = teams.mock.current_cards(teams.conversation("dana"))
    assert not any(c["_id"] == invite["_id"] and card_actions(c) for c in replaced), \
        "the used invitation lost its buttons"
    out += await teams.press("dana", "Yes, include them")
    for answer in (
        "Our branch librarian Mei Tanaka runs great bilingual story times",
        "Not enough staff time; call me at 555-123-4567",
        "Paid time for training",
        "That nothing changes",
    ):
        out += await teams.submit("dana", answer)  # open questions: the card's text box
    out += await teams.press("dana", "2")  # training-time rating
    out += await teams.submit("dana", "We are always short staffed at the desk")
    out += await teams.press("dana", "4")  # safe-to-raise
    out += await teams.press("dana", "Skip")  # its optional why
    out += await teams.press("dana", "3")  # will-act
    out += await teams.press("dana", "Hiring and promotion")
    assert "Question 8 of 8" in out
    assert "Thank you, that's everything" in out

    # every answered card was replaced in place (PUT) and offers nothing to press any more
    cards = teams.mock.current_cards(teams.conversation("dana"))
    assert not any(card_actions(c) for c in cards)
    updates = [c for c in teams.mock.cards(teams.conversation("dana")) if c["_method"] == "PUT"]
    assert len(updates) >= 12

    # answers are held (no person) until k are waiting or the round closes
    from conversations.pulse.admin import RoundAdmin

    async with teams.app.deps.uow() as tx:
        assert (await RoundAdmin(teams.app.deps).close(tx, "listening-tour")).ok
        await tx.commit()
    async with teams.app.engine.connect() as conn:
        rows = (await conn.execute(text("SELECT * FROM responses"))).mappings().all()
    assert len(rows) == 9
    by_q = {r["question_id"]: r for r in rows}
    assert by_q["training-time"]["value"] == "2"
    assert by_q["first-priority"]["value"] == "hiring"
    assert "Mei Tanaka" not in by_q["strengths"]["text"]
    ident = (await _identities(teams.app))["dana"]
    for row in rows:
        blob = " ".join(str(v) for v in row.values())
        assert ident["user_id"] not in blob and "dana" not in blob.lower()


async def test_a_submitted_card_cannot_be_answered_twice(teams: TeamsHarness) -> None:
    await teams.install("dana")
    await _start_round(teams)
    await teams.app.tick()
    await teams.press("dana", "Start")
    await teams.press("dana", "Yes, include them")
    question = teams.open_card("dana")
    await teams.submit("dana", "first answer")
    # pressing the same (stale) card again, as a double click would
    again = await teams.submit_on(question, "dana", "second answer")
    assert "first answer" not in again
    async with teams.app.engine.connect() as conn:
        drafts = (await conn.execute(text("SELECT data FROM conversation_state"))).scalars().all()
    assert "second answer" not in " ".join(str(d) for d in drafts)


async def test_proactive_invitations_reach_many_people(teams: TeamsHarness) -> None:
    handles = ["dana", "luis", "mei", "kwame", "rosa", "tom", "sam", "grace", "will", "fatima"]
    for handle in handles:
        await teams.install(handle)
    await _start_round(teams)
    teams.mock.clear()
    planned, sent = await teams.app.tick()
    assert sent == len(handles) + 1  # + amara, the admin, who is staff too
    for handle in handles:
        cards = teams.mock.cards(teams.conversation(handle))
        assert len(cards) == 1, handle
        assert card_actions(cards[0])[0]["data"]["a"]
    luis = teams.mock.activities(teams.conversation("luis"))[0].body
    # the tenant travels explicitly (botbuilder-schema writes conversation.tenantID, which
    # Teams ignores; channelData.tenant.id is what Teams reads)
    assert luis["channelData"]["tenant"]["id"] == TENANT
    assert luis["conversation"]["id"] == teams.conversation("luis")
    assert luis["attachments"][0]["contentType"] == "application/vnd.microsoft.card.adaptive"
    # a second tick sends nothing twice
    teams.mock.clear()
    assert await teams.app.tick() == (0, 0)
    assert teams.mock.activities() == []


async def test_team_install_reaches_members_who_never_opened_a_chat(teams: TeamsHarness) -> None:
    await _start_round(teams)
    status, _ = await teams.post(bot_added_to_team(teams.url, teams.people["amara"]))
    assert status == 200
    idents = await _identities(teams.app)
    assert {"dana", "will", "noah"} <= set(idents)
    assert json.loads(idents["will"]["reference"]).get("conversation") is None
    teams.mock.clear()
    _, sent = await teams.app.tick()
    assert sent >= 13
    created = [r for r in teams.mock.requests if r.path == "/v3/conversations"]
    assert created and created[0].body["channelData"]["tenant"]["id"] == TENANT
    assert created[0].body["isGroup"] is False
    assert len(teams.mock.cards(teams.conversation("will"))) == 1


async def test_commands_from_a_chair_and_from_staff(teams: TeamsHarness) -> None:
    await _start_round(teams)
    await teams.install("jordan")
    await teams.install("dana")
    chair = await teams.say("jordan", "pulse status")
    assert "listening-tour" in chair
    staff = await teams.say("dana", "pulse status")
    assert "listening-tour" not in staff  # chairs and admins only
    assert await teams.say("dana", "/pulse start listening-tour") != ""
    denied = await teams.say("dana", "/pulse start listening-tour")
    assert "admin" in denied.lower()
    assert "What happens to your answers" in await teams.say("dana", "privacy")
    themes = await teams.say("dana", "themes")
    assert themes and "listening-tour" not in themes
    help_text = await teams.say("jordan", "help")
    assert "/themes" in help_text or "themes" in help_text


async def test_mention_in_a_channel(teams: TeamsHarness) -> None:
    await _start_round(teams)
    act = channel_mention(teams.url, teams.people["jordan"], "pulse status")
    channel = act["conversation"]["id"]
    status, _ = await teams.post(act)
    assert status == 200
    # results never show in a channel: a short notice there, the status in the 1:1 chat
    replies = teams.mock.cards(channel)
    assert len(replies) == 1 and "listening-tour" not in card_text(replies[0])
    assert "1:1 chat" in card_text(replies[0])
    assert "listening-tour" in card_text(teams.mock.cards(teams.conversation("jordan"))[-1])
    # the channel never becomes the person's route for private surveys: a survey would open
    # their 1:1 chat instead
    ident = (await _identities(teams.app))["jordan"]
    assert ident["conversation_id"] == ""
    assert "conversation" not in json.loads(ident["reference"])
    assert channel.split(";")[0] not in ident["reference"]
    # a channel message that does not mention the bot is ignored
    quiet = channel_mention(teams.url, teams.people["dana"], "lunch?")
    quiet["entities"] = quiet["entities"][1:]
    quiet["text"] = "lunch?"
    teams.mock.clear()
    assert (await teams.post(quiet))[0] == 200
    assert teams.mock.activities() == []
    # free text to the bot in a channel is not taken as a survey answer: it gets help
    status, _ = await teams.post(channel_mention(teams.url, teams.people["dana"], "I hate it"))
    assert "What I can do" in card_text(teams.mock.cards(channel)[-1])


async def test_conversation_and_installation_updates_keep_the_roster_current(
    teams: TeamsHarness,
) -> None:
    dana = teams.people["dana"]
    act = members_added_personal(teams.url, dana)
    act["localTimezone"] = "America/Denver"
    act["entities"][0]["timezone"] = "America/Denver"
    assert (await teams.post(act))[0] == 200
    ident = (await _identities(teams.app))["dana"]
    assert ident["workspace"] == TENANT and ident["user_id"] == dana.aad
    ref = json.loads(ident["reference"])
    assert ref["serviceUrl"] == teams.url and ref["tenantId"] == TENANT
    assert ref["conversation"]["id"] == teams.conversation("dana")
    async with teams.app.engine.connect() as conn:
        tz = (await conn.execute(text("SELECT timezone FROM people WHERE handle='dana'"))).scalar()
    assert tz == "America/Denver"

    # installationUpdate: greeted with their home; Spanish locale follows the client
    luis = teams.people["luis"]
    greeting = await teams.install("luis")
    assert "What happens to your answers" in greeting or "respuestas" in greeting

    # someone not on the roster is told so, and nothing is linked
    from tests.teams_mock import Account

    stranger = teams.mock.add(Account("zed", "Zed Unknown", "zed@elsewhere.example"))
    teams.people["zed"] = stranger
    assert "roster" in await teams.install("zed")
    assert "zed" not in await _identities(teams.app)

    # an app upgrade neither greets again nor unlinks
    teams.mock.clear()
    for action in ("remove-upgrade", "add-upgrade"):
        assert (await teams.post(installation_update(teams.url, luis, action)))[0] == 200
    assert teams.mock.activities() == []
    assert "luis" in await _identities(teams.app)

    # removed from the team / uninstalled: unlinked
    assert (await teams.post(member_removed_from_team(teams.url, dana, dana)))[0] == 200
    assert "dana" not in await _identities(teams.app)
    assert (await teams.post(installation_update(teams.url, luis, "remove")))[0] == 200
    assert "luis" not in await _identities(teams.app)
    # first contact by message links again
    await teams.say("dana", "help")
    assert "dana" in await _identities(teams.app)


async def test_throttled_send_is_retried_then_succeeds(teams: TeamsHarness) -> None:
    await teams.install("dana")
    await _start_round(teams)
    teams.mock.clear()
    teams.mock.fail_next(429, times=1, retry_after="1")
    planned, sent = await teams.app.tick()
    assert sent == 2
    attempts = [r for r in teams.mock.requests if "/activities" in r.path]
    assert [r.status for r in attempts][:2] == [429, 201]
    assert len(teams.mock.cards(teams.conversation("dana"))) == 1  # once, not twice


async def test_persistent_failure_requeues_the_row_without_losing_or_duplicating(
    teams: TeamsHarness, clock: FakeClock,
) -> None:
    await teams.install("dana")
    await teams.install("amara")
    out = await teams.say("amara", "pulse start listening-tour")
    assert "Started" in out
    teams.mock.clear()
    teams.mock.fail_next(503, times=6)  # both rows: 3 attempts each
    assert (await teams.app.tick())[1] == 0
    async with teams.app.engine.connect() as conn:
        rows = (await conn.execute(text("SELECT status, attempts, last_error FROM outbox")))\
            .mappings().all()
    assert rows and all(r["status"] == "pending" for r in rows)
    assert all("503" in r["last_error"] for r in rows)
    clock.advance(timedelta(minutes=2))
    assert (await teams.app.tick())[1] == 2
    assert len(teams.mock.cards(teams.conversation("dana"))) == 1
    assert len(teams.mock.cards(teams.conversation("amara"))) == 1
    clock.advance(timedelta(hours=1))
    await teams.app.tick()
    assert len(teams.mock.cards(teams.conversation("dana"))) == 1


async def test_long_retry_after_and_gone_users(teams: TeamsHarness, clock: FakeClock) -> None:
    await teams.install("dana")
    await _start_round(teams)
    teams.mock.clear()
    teams.mock.fail_next(429, times=1, retry_after="120")  # too long to sleep in a send
    teams.mock.fail_next(403, times=1, code="BotDisabledByAdmin")
    assert (await teams.app.tick())[1] == 0
    async with teams.app.engine.connect() as conn:
        rows = (await conn.execute(text("SELECT status, due_at FROM outbox ORDER BY id")))\
            .mappings().all()
    statuses = sorted(r["status"] for r in rows)
    assert statuses == ["failed", "pending"]


async def test_a_partly_delivered_send_is_not_repeated_on_retry(teams: TeamsHarness) -> None:
    from conversations.messages import Message
    from conversations.ports import DeliveryError

    await teams.install("dana")
    address = teams.app.senders["teams"]
    ident = (await _identities(teams.app))["dana"]
    from conversations.events import Address

    to = Address("teams", ident["workspace"], ident["user_id"], ident["conversation_id"],
                 ident["reference"])
    batch = [Message("one"), Message("two")]
    teams.mock.clear()
    teams.mock.fail_next(503, times=3, after=1)  # "one" goes out, "two" keeps failing
    with pytest.raises(DeliveryError) as failed:
        await address.send(to, batch)
    assert failed.value.retry is True
    await address.send(to, batch)  # the worker's retry
    texts = [card_text(c) for c in teams.mock.cards(teams.conversation("dana"))]
    assert texts == ["one", "two"]
    await address.send(to, batch)  # a later, separate identical send is delivered again
    assert len(teams.mock.cards(teams.conversation("dana"))) == 4


async def test_unreachable_people_fail_permanently(teams: TeamsHarness) -> None:
    from conversations.events import Address
    from conversations.messages import Message
    from conversations.ports import DeliveryError

    sender = teams.app.senders["teams"]
    with pytest.raises(DeliveryError) as no_ref:
        await sender.send(Address("teams", TENANT, "someone", "", ""), [Message("hi")])
    assert no_ref.value.retry is False
    await teams.install("dana")
    ident = (await _identities(teams.app))["dana"]
    to = Address("teams", ident["workspace"], ident["user_id"], ident["conversation_id"],
                 ident["reference"])
    teams.mock.fail_next(404, code="ConversationNotFound")
    with pytest.raises(DeliveryError) as gone:
        await sender.send(to, [Message("hi")])
    assert gone.value.retry is False


async def test_replies_are_retried_by_the_adapter_alone(teams: TeamsHarness) -> None:
    """One retry per failure, from our policy: msrest's own (urllib3) retries are switched off,
    so a 503 on a PUT is not silently retried in a worker thread as well."""
    await teams.install("dana")
    await _start_round(teams)
    await teams.app.tick()
    invite = teams.open_card("dana")
    teams.mock.clear()
    teams.mock.fail_next(503, times=1)
    out = await teams.press("dana", "Start", invite)  # the turn's first call: PUT on the invite
    assert "Started" in out
    puts = [r for r in teams.mock.requests if r.method == "PUT"]
    assert [r.status for r in puts] == [503, 200]
    teams.mock.clear()
    teams.mock.fail_next(502, times=1)
    await teams.say("dana", "privacy")
    posts = [r for r in teams.mock.requests if r.method == "POST"]
    assert [r.status for r in posts] == [502, 201]


async def test_bot_framework_emulator_user_is_linked_by_the_email_they_set(
    teams: TeamsHarness, caplog: pytest.LogCaptureFixture,
) -> None:
    """The Emulator has no member API, so the lookup fails every time: the email set as the
    user id links the person, with no warning that they cannot be matched."""
    from tests.teams_mock import text_message

    act = text_message(teams.url, teams.people["dana"], "help")
    act.update(channelId="emulator", conversation={"id": "emulator-conv-1"},
               channelData={}, **{"from": {"id": "dana.whitfield@example.org", "name": "Dana"}})
    act.pop("entities")
    status, _ = await teams.post(act)
    assert status == 200
    reply = card_text(teams.mock.cards("emulator-conv-1")[-1])
    assert "What I can do" in reply
    assert "dana" in await _identities(teams.app)
    assert "cannot be matched" not in caplog.text


async def test_a_chart_is_drawn_once_and_off_the_event_loop_even_across_a_retry(
    teams: TeamsHarness, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A proactive batch is named (for resuming a retry) without drawing its cards: the chart
    PNG (Pillow, tens of milliseconds) is drawn once, in a worker thread, for the post only."""
    import threading

    from adapters.teams import convert
    from conversations.events import Address
    from conversations.messages import Message
    from conversations.ports import DeliveryError

    loop_thread = threading.get_ident()
    drawn_on: list[int] = []
    real_png = convert.chart_png

    def recording_png(*args: Any, **kwargs: Any) -> bytes:
        drawn_on.append(threading.get_ident())
        return real_png(*args, **kwargs)

    monkeypatch.setattr(convert, "chart_png", recording_png)
    await teams.install("dana")
    ident = (await _identities(teams.app))["dana"]
    to = Address("teams", ident["workspace"], ident["user_id"], ident["conversation_id"],
                 ident["reference"])
    batch = [Message("Themes", chart=(("Workload", 0.6), ("Pay", 0.4)), chart_title="Themes"),
             Message("two")]
    teams.mock.clear()
    teams.mock.fail_next(503, times=3, after=1)  # the chart goes out, "two" keeps failing
    with pytest.raises(DeliveryError):
        await teams.app.senders["teams"].send(to, batch)
    await teams.app.senders["teams"].send(to, batch)  # the worker's retry resumes at "two"
    cards = teams.mock.cards(teams.conversation("dana"))
    assert [card_text(c) for c in cards] == ["Themes", "two"]
    assert any(item.get("type") == "Image" for item in cards[0]["body"])
    assert len(drawn_on) == 1, "the chart is drawn once, for the card that is posted"
    assert loop_thread not in drawn_on, "never on the event loop"


async def test_themes_cards_say_each_share_in_words_without_block_characters(
        sqlite_url: str, clock: FakeClock) -> None:
    """A screen reader reads a text bar ("████░░░░") aloud one character at a time: the
    Adaptive Cards of `themes` say each theme's share as a percent with no bar characters; the
    overall chart is an image with its alt text."""
    from tests.summaries_support import answer
    from tests.support import Console

    teams = await TeamsHarness.start(sqlite_url, clock, env={
        "OUTWARD_TEAMS_DEV_NO_AUTH": "1", "OUTWARD_K_RESPONSES": "3", "OUTWARD_K_COMMENTS": "3"})
    try:
        console = Console(teams.app, clock)  # people answer in the console; the chair in Teams
        await console.say("/pulse start listening-tour")
        for i, handle in enumerate(["amara", "jordan", "dana", "mei"]):
            await answer(teams.app, handle, i)
        assert "listening-tour" in await console.say("/pulse close listening-tour")
        await teams.install("jordan")
        before = len(teams.mock.cards(teams.conversation("jordan")))
        text = await teams.say("jordan", "themes listening-tour")
        cards = teams.mock.cards(teams.conversation("jordan"))[before:]
    finally:
        await teams.close()
    assert re.search(r"\d+\. [^\n]+: \d+ comments? \(\d+%\)", text), text
    raw = json.dumps(cards, ensure_ascii=False)
    assert not re.search("[\u2580-\u259f]", raw), text
    images = [i for c in cards for i in c["body"] if i.get("type") == "Image"]
    assert images and all(i["altText"] for i in images)
