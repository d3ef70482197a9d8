"""A local Bot Connector (the service behind a Teams `serviceUrl`) for tests, on 127.0.0.1.

It implements the v3 REST routes the bot uses: send / reply / update activities, create a
conversation, get a member, list (paged) members. It records every request, serves a roster of
Teams accounts, and can be told to fail the next N requests (429 with Retry-After, 5xx, 403).
Error bodies have the shape of the recorded Bot Connector answers in
../shared/data/botframework_connector_recordings ({"error": {"code", "message"}}).
REST reference: https://learn.microsoft.com/azure/bot-service/rest-api/bot-framework-rest-connector-api-reference
"""

from __future__ import annotations

import itertools
import json
import uuid
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web
from aiohttp.test_utils import TestServer

from adapters.teams.convert import card_actions

TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47"
BOT_ID = "28:5baea8d1-d4ea-43a1-b101-882f4c8d9cb4"
BOT_NAME = "Outward"


@dataclass
class Account:
    """A Teams user as the roster API returns it (TeamsChannelAccount)."""

    handle: str
    name: str
    email: str
    aad: str = ""
    teams_id: str = ""

    def __post_init__(self) -> None:
        self.aad = self.aad or str(uuid.uuid5(uuid.NAMESPACE_DNS, self.email))
        self.teams_id = self.teams_id or f"29:{self.handle}-{self.aad[:8]}"

    def member_json(self) -> dict[str, Any]:
        given, _, surname = self.name.partition(" ")
        return {
            "id": self.teams_id,
            "name": self.name,
            "aadObjectId": self.aad,
            "email": self.email,
            "userPrincipalName": self.email,
            "givenName": given,
            "surname": surname,
            "tenantId": TENANT,
            "userRole": "user",
        }


@dataclass
class Recorded:
    method: str
    path: str
    conversation: str
    activity_id: str
    body: Any
    headers: dict[str, str] = field(default_factory=dict)
    status: int = 200
    result_id: str = ""  # the activity id the connector answered with


class MockConnector:
    """The mock service; `url` is the serviceUrl to put in activities."""

    def __init__(self, accounts: list[Account] | None = None) -> None:
        self.accounts = {a.teams_id: a for a in accounts or []}
        self.requests: list[Recorded] = []
        self._failures: list[tuple[int, dict[str, str], str, bool] | None] = []
        self._ids = itertools.count(1000)
        self.server: TestServer | None = None
        app = web.Application()
        app.router.add_post("/v3/conversations", self._create)
        app.router.add_post("/v3/conversations/{cid}/activities", self._send)
        app.router.add_post("/v3/conversations/{cid}/activities/{aid}", self._send)
        app.router.add_put("/v3/conversations/{cid}/activities/{aid}", self._update)
        app.router.add_get("/v3/conversations/{cid}/members", self._members)
        app.router.add_get("/v3/conversations/{cid}/pagedmembers", self._paged)
        app.router.add_get("/v3/conversations/{cid}/members/{mid}", self._member)
        self.app = app

    async def start(self) -> None:
        self.server = TestServer(self.app, host="127.0.0.1")
        await self.server.start_server()

    async def close(self) -> None:
        if self.server is not None:
            await self.server.close()

    @property
    def url(self) -> str:
        assert self.server is not None
        return str(self.server.make_url("/"))

    def add(self, account: Account) -> Account:
        self.accounts[account.teams_id] = account
        return account

    def fail_next(self, status: int, times: int = 1, retry_after: str | None = None,
                  code: str = "Throttled", after: int = 0, plain: bool = False) -> None:
        """The next `times` requests (of any kind) answer `status`, once `after` more requests
        have been answered normally. `plain`: a text/plain body (as a proxy or a wrong
        serviceUrl answers) instead of the connector's JSON error."""
        headers = {"Retry-After": retry_after} if retry_after is not None else {}
        self._failures.extend([None] * after)
        self._failures.extend([(status, headers, code, plain)] * times)

    # ---- what the bot posted --------------------------------------------------------------

    def activities(self, conversation: str | None = None) -> list[Recorded]:
        """Activities the bot sent or updated successfully (POST/PUT on .../activities)."""
        return [r for r in self.requests if "/activities" in r.path and r.status < 300
                and (conversation is None or r.conversation == conversation)]

    def cards(self, conversation: str | None = None) -> list[dict[str, Any]]:
        """The Adaptive Cards of those activities in order, each with `_method` (POST/PUT),
        `_id` (its activity id) and `_conversation`."""
        out = []
        for r in self.activities(conversation):
            for att in (r.body or {}).get("attachments") or []:
                card = dict(att["content"])
                card["_method"] = r.method
                card["_id"] = r.result_id
                card["_conversation"] = r.conversation
                out.append(card)
        return out

    def current_cards(self, conversation: str) -> list[dict[str, Any]]:
        """What the chat shows now: each posted card in order, as last updated."""
        latest: dict[str, dict[str, Any]] = {}
        order: list[str] = []
        for card in self.cards(conversation):
            if card["_id"] not in latest:
                order.append(card["_id"])
            latest[card["_id"]] = card
        return [latest[i] for i in order]

    def clear(self) -> None:
        self.requests.clear()

    # ---- handlers ---------------------------------------------------------------------------

    async def _record(self, request: web.Request) -> web.Response | None:
        body = None
        if request.can_read_body:
            try:
                body = json.loads(await request.read())
            except ValueError:
                body = None
        self.requests.append(Recorded(
            request.method, request.path, request.match_info.get("cid", ""),
            request.match_info.get("aid", ""), body, dict(request.headers),
        ))
        if self._failures:
            failure = self._failures.pop(0)
            if failure is None:
                return None
            status, headers, code, plain = failure
            self.requests[-1].status = status
            if plain:
                return web.Response(status=status, text=f"{status} {code}", headers=headers,
                                    content_type="text/plain")
            return web.json_response(
                {"error": {"code": code, "message": f"mock failure {status}"}},
                status=status, headers=headers,
            )
        return None

    async def _send(self, request: web.Request) -> web.Response:
        failed = await self._record(request)
        if failed is not None:
            return failed
        new_id = str(next(self._ids))
        self.requests[-1].status = 201
        self.requests[-1].result_id = new_id
        return web.json_response({"id": new_id}, status=201)

    async def _update(self, request: web.Request) -> web.Response:
        failed = await self._record(request)
        if failed is not None:
            return failed
        self.requests[-1].result_id = request.match_info["aid"]
        return web.json_response({"id": request.match_info["aid"]})

    async def _create(self, request: web.Request) -> web.Response:
        failed = await self._record(request)
        if failed is not None:
            return failed
        body = self.requests[-1].body or {}
        members = body.get("members") or []
        if not members:
            return _error(400, "BadArgument", "Conversation must have at least one member")
        return web.json_response({"id": f"a:personal-{members[0].get('id')}",
                                  "activityId": str(next(self._ids))}, status=201)

    async def _members(self, request: web.Request) -> web.Response:
        failed = await self._record(request)
        if failed is not None:
            return failed
        return web.json_response([a.member_json() for a in self.accounts.values()])

    async def _paged(self, request: web.Request) -> web.Response:
        failed = await self._record(request)
        if failed is not None:
            return failed
        everyone = [a.member_json() for a in self.accounts.values()]
        size = int(request.query.get("pageSize") or 2)
        start = int(request.query.get("continuationToken") or 0)
        page = everyone[start:start + size]
        token = str(start + size) if start + size < len(everyone) else None
        result: dict[str, Any] = {"members": page}
        if token:
            result["continuationToken"] = token
        return web.json_response(result)

    async def _member(self, request: web.Request) -> web.Response:
        failed = await self._record(request)
        if failed is not None:
            return failed
        account = self.accounts.get(request.match_info["mid"])
        if account is None:
            return _error(404, "MemberNotFoundInConversation", "Member not found")
        return web.json_response(account.member_json())


def _error(status: int, code: str, message: str) -> web.Response:
    return web.json_response({"error": {"code": code, "message": message}}, status=status)


# ---- Teams-shaped activities (modelled on ../shared/data/teams_activity_fixtures) ----------------


def personal_conversation(account: Account) -> str:
    return f"a:personal-{account.teams_id}"


def base_activity(service_url: str, account: Account, kind: str = "message",
                  conversation: str | None = None, personal: bool = True,
                  locale: str = "en-US", timezone: str = "America/Los_Angeles") -> dict[str, Any]:
    conv: dict[str, Any] = {
        "id": conversation or personal_conversation(account),
        "conversationType": "personal" if personal else "channel",
        "tenantId": TENANT,
    }
    if not personal:
        conv["isGroup"] = True
    return {
        "type": kind,
        "id": str(uuid.uuid4().int)[:13],
        "timestamp": "2026-11-24T17:00:00.000Z",
        "localTimestamp": "2026-11-24T09:00:00.000-08:00",
        "localTimezone": timezone,
        "serviceUrl": service_url,
        "channelId": "msteams",
        "from": {"id": account.teams_id, "name": account.name, "aadObjectId": account.aad},
        "conversation": conv,
        "recipient": {"id": BOT_ID, "name": BOT_NAME},
        "entities": [{"type": "clientInfo", "locale": locale, "country": "US",
                      "platform": "Web", "timezone": timezone}],
        "channelData": {"tenant": {"id": TENANT}},
        "locale": locale,
    }


def text_message(service_url: str, account: Account, text: str) -> dict[str, Any]:
    act = base_activity(service_url, account)
    act.update({"text": text, "textFormat": "plain"})
    return act


def card_submit(service_url: str, account: Account, data: dict[str, Any],
                reply_to: str) -> dict[str, Any]:
    """What Teams posts for Action.Submit in a 1:1 chat: a message with `value` and
    `replyToId` = the card's activity id, no text."""
    act = base_activity(service_url, account)
    act.update({"value": data, "replyToId": reply_to})
    act["channelData"] = {"tenant": {"id": TENANT}, "source": {"name": "message"},
                          "legacy": {"replyToId": reply_to}}
    return act


def channel_mention(service_url: str, account: Account, text: str,
                    channel: str = "19:outward-staff@thread.tacv2",
                    team: str = "19:outward-team@thread.tacv2") -> dict[str, Any]:
    act = base_activity(service_url, account, conversation=f"{channel};messageid=1759881511856",
                        personal=False)
    act["text"] = f"<at>{BOT_NAME}</at> {text}"
    act["entities"].insert(0, {"type": "mention", "text": f"<at>{BOT_NAME}</at>",
                               "mentioned": {"id": BOT_ID, "name": BOT_NAME}})
    act["channelData"] = {"teamsChannelId": channel, "teamsTeamId": team,
                          "channel": {"id": channel}, "team": {"id": team},
                          "tenant": {"id": TENANT}}
    return act


def channel_submit(service_url: str, account: Account, data: dict[str, Any], reply_to: str,
                   channel: str = "19:outward-staff@thread.tacv2") -> dict[str, Any]:
    """Action.Submit pressed on a card in a team channel (Teams posts no @mention for it)."""
    act = base_activity(service_url, account, conversation=f"{channel};messageid={reply_to}",
                        personal=False)
    act.update({"value": data, "replyToId": reply_to})
    act["channelData"] = {"teamsChannelId": channel, "channel": {"id": channel},
                          "tenant": {"id": TENANT}, "source": {"name": "message"}}
    return act


def installation_update(service_url: str, account: Account, action: str = "add") -> dict[str, Any]:
    act = base_activity(service_url, account, kind="installationUpdate")
    act["action"] = action
    return act


def members_added_personal(service_url: str, account: Account) -> dict[str, Any]:
    act = base_activity(service_url, account, kind="conversationUpdate")
    act["membersAdded"] = [{"id": BOT_ID}, {"id": account.teams_id, "aadObjectId": account.aad}]
    return act


def bot_added_to_team(service_url: str, by: Account,
                      team: str = "19:outward-team@thread.tacv2") -> dict[str, Any]:
    act = base_activity(service_url, by, kind="conversationUpdate", conversation=team,
                        personal=False)
    act["membersAdded"] = [{"id": BOT_ID}]
    act["channelData"] = {"team": {"id": team, "name": "All staff"}, "eventType":
                          "teamMemberAdded", "tenant": {"id": TENANT}}
    return act


def member_removed_from_team(service_url: str, by: Account, gone: Account,
                             team: str = "19:outward-team@thread.tacv2") -> dict[str, Any]:
    act = base_activity(service_url, by, kind="conversationUpdate", conversation=team,
                        personal=False)
    act["membersRemoved"] = [{"id": gone.teams_id, "aadObjectId": gone.aad}]
    act["channelData"] = {"team": {"id": team}, "eventType": "teamMemberRemoved",
                          "tenant": {"id": TENANT}}
    return act


# ---- the real app behind real HTTP, talking to the mock connector ----------------------------


def sample_accounts() -> list[Account]:
    """Teams accounts for everyone in the sample organisation (same names and emails)."""
    import csv

    from prompts.loader import sample_roster_csv

    raw = sample_roster_csv()
    text = raw.decode() if isinstance(raw, bytes) else raw
    return [Account(r["handle"], r["name"], r["email"]) for r in csv.DictReader(text.splitlines())]


def card_text(card: dict[str, Any]) -> str:
    """The visible text of a card (RichTextBlock runs, TextBlocks, containers), one line each."""
    lines: list[str] = []

    def walk(items: list[dict[str, Any]]) -> None:
        for item in items:
            if item.get("type") == "RichTextBlock":
                lines.append("".join(run.get("text", "") for run in item.get("inlines", [])))
            elif item.get("type") == "TextBlock":
                lines.append(item.get("text", ""))
            elif item.get("type") == "Container":
                walk(item.get("items", []))

    walk(card.get("body", []))
    return "\n".join(lines)


class TeamsHarness:
    """The wired app served on 127.0.0.1 with the Teams adapter attached, plus the mock
    connector that receives its replies. Act as a roster person with say/press/submit."""

    def __init__(self, app: Any, client: Any, mock: MockConnector, adapter: Any) -> None:
        self.app = app
        self.client = client
        self.mock = mock
        self.adapter = adapter
        self.people = {a.handle: a for a in mock.accounts.values()}

    @classmethod
    async def start(cls, database_url: str, clock: Any, env: dict[str, str] | None = None,
                    accounts: list[Account] | None = None) -> TeamsHarness:
        from aiohttp.test_utils import TestClient

        from bot.server import web_app
        from bot.teams_wiring import TEAMS_ADAPTER_KEY, attach_teams
        from tests.support import wired

        mock = MockConnector(sample_accounts() if accounts is None else accounts)
        await mock.start()
        app = await wired(database_url, clock, env=env or {"OUTWARD_TEAMS_DEV_NO_AUTH": "1"})
        web_application = web_app(app)
        await attach_teams(app, web_application)
        adapter = web_application[TEAMS_ADAPTER_KEY]

        async def no_sleep(_: float) -> None:
            return None

        adapter.sender.sleep = no_sleep
        client = TestClient(TestServer(web_application, host="127.0.0.1"))
        await client.start_server()
        return cls(app, client, mock, adapter)

    async def close(self) -> None:
        await self.client.close()
        await self.mock.close()
        await self.app.close()

    @property
    def url(self) -> str:
        return self.mock.url

    def conversation(self, handle: str) -> str:
        return personal_conversation(self.people[handle])

    async def post(self, activity: Any, headers: dict[str, str] | None = None,
                   raw: bytes | None = None) -> tuple[int, str]:
        data = raw if raw is not None else json.dumps(activity).encode()
        h = {"Content-Type": "application/json", **(headers or {})}
        resp = await self.client.post("/api/messages", data=data, headers=h)
        return resp.status, await resp.text()

    async def _new_text(self, handle: str, act: dict[str, Any]) -> str:
        before = len(self.mock.cards(self.conversation(handle)))
        status, body = await self.post(act)
        assert status == 200, (status, body)
        return "\n".join(card_text(c) for c in self.mock.cards(self.conversation(handle))[before:])

    async def install(self, handle: str) -> str:
        return await self._new_text(handle, installation_update(self.url, self.people[handle]))

    async def say(self, handle: str, text: str) -> str:
        """Type in the person's 1:1 chat; returns the text of what the bot posted/updated."""
        return await self._new_text(handle, text_message(self.url, self.people[handle], text))

    def open_card(self, handle: str) -> dict[str, Any]:
        """The latest card in the person's chat that still has actions."""
        for card in reversed(self.mock.current_cards(self.conversation(handle))):
            if card_actions(card):
                return card
        raise AssertionError(f"no card with actions for {handle}")

    async def press(self, handle: str, title: str, card: dict[str, Any] | None = None) -> str:
        card = card or self.open_card(handle)
        for action in card_actions(card):
            if action["title"] == title:
                act = card_submit(self.url, self.people[handle], dict(action["data"]), card["_id"])
                return await self._new_text(handle, act)
        raise AssertionError(f"no {title!r} on {[a['title'] for a in card_actions(card)]}")

    async def submit(self, handle: str, text: str) -> str:
        """Type into the open card's text box and press its Send action."""
        return await self.submit_on(self.open_card(handle), handle, text)

    async def submit_on(self, card: dict[str, Any], handle: str, text: str) -> str:
        """Type into `card`'s text box and press its Send action (even if it was answered)."""
        inputs = [i for i in card["body"] if i.get("type") == "Input.Text"]
        assert inputs, "the open card has no text box"
        send = next(a for a in card_actions(card) if "f" in a["data"])
        data = {**send["data"], inputs[0]["id"]: text}
        act = card_submit(self.url, self.people[handle], data, card["_id"])
        return await self._new_text(handle, act)
