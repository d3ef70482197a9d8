"""A pulse answered end to end in Slack DMs, over real HTTP against a mock Web API: the admin
starts a round with a slash command, the clock delivers invitations through the mock, and a staff
member answers with buttons (block_actions), a modal (view_submission) and DM text."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlalchemy import text

from bot.clock import FakeClock
from tests.slack_mock import Call, Harness, buttons, harness

DANA, DANA_DM = "U0DANA", "D0DANA"


@pytest.fixture
async def slack(sqlite_url: str, clock: FakeClock) -> AsyncIterator[Harness]:
    async with harness(sqlite_url, clock) as h:
        yield h


def last_post(slack: Harness, channel: str) -> Call:
    posts = slack.mock.posts_to(channel)
    assert posts, f"nothing posted to {channel}"
    return posts[-1]


def all_text(calls: list[Call]) -> str:
    return "\n".join(str(c.args.get("text", "")) for c in calls)


async def start_round(slack: Harness) -> None:
    resp = await slack.command("U0AMARA", "/pulse", "start listening-tour")
    assert resp.status == 200
    body = await resp.json()
    assert body["response_type"] == "ephemeral" and "Started" in body["text"]
    await slack.settle()
    planned, sent = await slack.app.tick()
    assert sent >= 4 and planned == sent


async def test_directory_sync_links_roster_people_by_email(slack: Harness) -> None:
    async with slack.app.engine.connect() as conn:
        rows = (await conn.execute(text(
            "SELECT p.handle, i.user_id, i.workspace, p.locale FROM identities i "
            "JOIN people p ON p.id = i.person_id WHERE i.platform = 'slack' ORDER BY p.handle"
        ))).all()
    linked = {r[0]: r[1] for r in rows}
    assert linked == {"amara": "U0AMARA", "dana": "U0DANA", "jordan": "U0JORDAN",
                      "luis": "U0LUIS", "mei": "U0MEI"}
    assert {r[2] for r in rows} == {"T0OUTWARD"}
    assert "U0GUEST" not in str(rows) and "U0GONE" not in str(rows)  # not on roster / left
    assert len(slack.mock.of("users.list")) == 3  # paginated with next_cursor


async def test_full_pulse_in_dm_with_buttons_modal_and_text(slack: Harness) -> None:
    await start_round(slack)
    opens = [c.args["users"] for c in slack.mock.of("conversations.open")]
    assert sorted(opens) == ["U0AMARA", "U0DANA", "U0JORDAN", "U0LUIS", "U0MEI"]
    invite = last_post(slack, DANA_DM)
    assert "Start" in buttons(invite)
    assert slack.mock.of("chat.postMessage")[0].args["parse"] == "none"

    assert (await slack.press(DANA, invite, "Start")).status == 200
    await slack.settle()
    update = slack.mock.of("chat.update")[-1]
    assert update.args["ts"] == invite.args["_ts"] and update.args["channel"] == DANA_DM
    assert not buttons(update), "the used invitation loses its buttons"
    consent = last_post(slack, DANA_DM)
    await slack.press(DANA, consent, "Yes, include them")
    await slack.settle()

    modal_answers = text_answers = 0
    for _ in range(30):
        question = last_post(slack, DANA_DM)
        labels = buttons(question)
        if "Thank you, that's everything" in all_text(slack.mock.posts_to(DANA_DM)):
            break
        updates_before = len(slack.mock.of("chat.update"))
        if any(label.startswith("✏️") for label in labels):
            if modal_answers <= text_answers:  # alternate: the modal, then a DM reply
                await slack.press(DANA, question, "Your answer")
                await slack.settle()
                opened = slack.mock.of("views.open")[-1]
                view = opened.args["view"]
                assert view["type"] == "modal" and view["callback_id"] == "outward:form"
                assert (await slack.submit(DANA, opened,
                                           "Our librarian Mei Tanaka runs great story times"
                                           )).status == 200
                modal_answers += 1
                await slack.settle()
                assert len(slack.mock.of("chat.update")) == updates_before + 1
                assert slack.mock.of("chat.update")[-1].args["ts"] == question.args["_ts"]
            else:
                assert (await slack.dm(DANA, "Not enough staff time")).status == 200
                text_answers += 1
                await slack.settle()
        elif "4" in labels:
            await slack.press(DANA, question, "4")
            await slack.settle()
            assert not buttons(slack.mock.of("chat.update")[-1]), "answered: buttons removed"
        elif labels:
            await slack.press(DANA, question, labels[0])
            await slack.settle()
        else:
            raise AssertionError(f"stuck at {question.args.get('text')!r}")
    else:
        raise AssertionError("the pulse never finished")
    assert modal_answers >= 2 and text_answers >= 2

    # answers are held (no person) until k are waiting or the round closes
    from conversations.pulse.admin import RoundAdmin

    async with slack.app.deps.uow() as tx:
        assert (await RoundAdmin(slack.app.deps).close(tx, "listening-tour")).ok
        await tx.commit()
    async with slack.app.engine.connect() as conn:
        rows = (await conn.execute(text("SELECT question_id, text FROM responses"))).all()
        done = (await conn.execute(text(
            "SELECT completed FROM participation pa JOIN people p ON p.id = pa.person_id "
            "WHERE p.handle = 'dana'"))).scalar()
        dm = (await conn.execute(text(
            "SELECT conversation_id FROM identities WHERE user_id = 'U0DANA'"))).scalar()
    assert done in (0, False)  # who finished is never recorded per person
    assert len(rows) >= 8
    assert all("Mei Tanaka" not in (r[1] or "") for r in rows), "scrubbed before storing"
    assert dm == DANA_DM, "the DM is remembered for proactive messages"

    # an old button pressed again changes nothing and is answered politely
    stored = len(rows)
    await slack.press(DANA, invite, "Start")
    await slack.settle()
    async with slack.app.engine.connect() as conn:
        assert (await conn.execute(text("SELECT count(*) FROM responses"))).scalar() == stored


async def test_text_in_dm_without_a_round_gets_help(slack: Harness) -> None:
    await slack.dm("U0MEI", "hello?")
    await slack.settle()
    reply = last_post(slack, "D0MEI")
    assert "/privacy" in reply.args["text"] or "privacy" in reply.args["text"].lower()


async def test_person_not_on_roster_is_told_so_and_nothing_else(slack: Harness) -> None:
    await slack.dm("U0GUEST", "hi")
    await slack.settle()
    assert "roster" in last_post(slack, "D0GUEST").args["text"]


async def test_first_contact_from_someone_the_sync_missed_links_them(
        sqlite_url: str, clock: FakeClock) -> None:
    async with harness(sqlite_url, clock, sync=False) as slack:
        await slack.dm("U0MEI", "privacy")
        await slack.settle()
        assert [c.args["user"] for c in slack.mock.of("users.info")] == ["U0MEI"]
        assert "What happens to your answers" in last_post(slack, "D0MEI").args["text"]


async def test_home_tab_shows_open_round_and_privacy(slack: Harness) -> None:
    await start_round(slack)
    resp = await slack.event({"type": "app_home_opened", "user": DANA, "channel": DANA_DM,
                              "tab": "home", "event_ts": "1700000000.1"})
    assert resp.status == 200
    await slack.settle()
    published = slack.mock.of("views.publish")[-1]
    assert published.args["user_id"] == DANA
    view = published.args["view"]
    assert view["type"] == "home"
    texts = " ".join(b["text"]["text"] for b in view["blocks"] if b["type"] == "section")
    assert "listening tour" in texts.lower()
    assert "What happens to your answers" in texts
    assert any(b["type"] == "actions" for b in view["blocks"])

    # Start pressed on the Home tab: the survey goes to the DM, the Home tab is refreshed
    await slack.press(DANA, published.__class__("x", {"channel": "", "blocks": view["blocks"],
                                                      "text": ""}, ""),
                      "Start", container={"type": "view", "view_id": "V0HOME"},
                      view={"id": "V0HOME", "type": "home"})
    await slack.settle()
    assert len(slack.mock.of("views.publish")) == 2
    assert "may we include your branch" in all_text(slack.mock.posts_to(DANA_DM))


async def test_messages_tab_open_is_ignored(slack: Harness) -> None:
    resp = await slack.event({"type": "app_home_opened", "user": DANA, "channel": DANA_DM,
                              "tab": "messages", "event_ts": "1700000000.1"})
    assert resp.status == 200
    await slack.settle()
    assert not slack.mock.of("views.publish")


async def test_auth_test_runs_once_at_start_not_on_requests(slack: Harness) -> None:
    assert len(slack.mock.of("auth.test")) == 1
    await slack.command("U0DANA", "/privacy")
    await slack.dm("U0DANA", "help")
    await slack.settle()
    assert len(slack.mock.of("auth.test")) == 1


async def test_pulse_command_starts_the_survey_in_the_dm(slack: Harness) -> None:
    await start_round(slack)
    before = len(slack.mock.posts_to(DANA_DM))
    resp = await slack.command(DANA, "/pulse", channel="C0GENERAL")
    assert resp.status == 200
    notice = await resp.json()  # the only thing shown where it was typed, to Dana alone
    assert notice["response_type"] == "ephemeral" and "1:1 chat" in notice["text"]
    await slack.settle()
    posted = slack.mock.posts_to(DANA_DM)[before:]
    assert len(posted) == 2 and "may we include your branch" in posted[-1].args["text"]
    assert not slack.mock.posts_to("C0GENERAL"), "never in the channel it was typed in"


async def test_start_on_an_invitation_that_can_no_longer_start_does_not_say_started(
        slack: Harness) -> None:
    await start_round(slack)
    invite = last_post(slack, DANA_DM)
    assert (await slack.command("U0AMARA", "/pulse", "close listening-tour")).status == 200
    await slack.settle()
    updates = len(slack.mock.of("chat.update"))

    await slack.press(DANA, invite, "Start")
    await slack.settle()
    said = all_text(slack.mock.posts_to(DANA_DM)[-1:])
    assert "closed" in said.lower()
    started = [c for c in slack.mock.of("chat.update")[updates:]
               if "Started" in str(c.args.get("text", ""))]
    assert not started, "the invitation must not say the survey started"
