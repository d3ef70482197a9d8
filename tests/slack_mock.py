"""A local mock of the Slack Web API (and response_url hooks) on 127.0.0.1, for tests.

It speaks what slack_sdk's AsyncWebClient sends (GET query, form or JSON bodies, a Bearer token),
records every call, and can be told to fail a method a number of times with a 429 (with
Retry-After), a 5xx, or a Slack error code such as `account_inactive`, or to answer every call
of a method with 429 for a while (`storm`). `posted` counts the messages accepted per channel.

Run on its own (`python -m tests.slack_mock --lean`), for the delivery fault tests' and the
benchmarks' worker processes: it prints `port N`, keeps only the counts (`--lean`), and answers
`GET /_mock/posted` (messages per channel and calls per method as JSON), `POST /_mock/fail`
and `POST /_mock/storm` (the arguments of `fail` and `storm` as JSON).

File uploads follow Slack's external upload flow (https://api.slack.com/messaging/files#upload):
files.getUploadURLExternal returns an `upload_url` on this server, the bytes are POSTed there,
and files.completeUploadExternal shares the uploaded file ids into `channel_id`."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import hashlib
import hmac
import itertools
import json
import socket
import time
from collections import Counter
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from aiohttp import WSMsgType, web

TEAM = "T0OUTWARD"
BOT_USER = "U0BOT"


@dataclass
class Call:
    method: str
    args: dict[str, Any]
    token: str
    ok: bool = True  # False when the mock answered with an injected fault


@dataclass
class Fault:
    times: int
    status: int = 200
    error: str = ""
    retry_after: int | None = None
    user: str = ""  # only calls for this user / DM channel


def user(uid: str, name: str, email: str, tz: str = "America/Los_Angeles",
         locale: str = "en-US", **extra: Any) -> dict[str, Any]:
    """A users.list member shaped like Slack's user object."""
    return {
        "id": uid, "team_id": TEAM, "name": email.split("@")[0], "deleted": False,
        "real_name": name, "tz": tz, "tz_label": "Pacific Standard Time", "tz_offset": -28800,
        "locale": locale, "is_bot": False, "is_app_user": False, "updated": 1700000000,
        "profile": {"real_name": name, "display_name": name.split(" ")[0], "email": email,
                    "status_text": "", "image_72": "https://example.org/a.png"},
        **extra,
    }


@dataclass
class Upload:
    """One file through the external upload flow."""

    file_id: str
    filename: str
    length: int
    alt_txt: str = ""
    data: bytes | None = None  # set by the POST to upload_url
    title: str = ""
    channel_id: str = ""  # set by files.completeUploadExternal ("" = shared nowhere)
    completed: bool = False


@dataclass
class MockSlack:
    """The mock server's state; `url` is the Web API base URL to give slack_sdk."""

    users: list[dict[str, Any]] = field(default_factory=list)
    calls: list[Call] = field(default_factory=list)
    hooks: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    faults: dict[str, list[Fault]] = field(default_factory=dict)
    oauth_response: dict[str, Any] | None = None
    page_size: int = 3
    port: int = 0
    sockets: list[web.WebSocketResponse] = field(default_factory=list)
    socket_acks: list[dict[str, Any]] = field(default_factory=list)
    uploads: dict[str, Upload] = field(default_factory=dict)
    posted: Counter[str] = field(default_factory=Counter)  # accepted messages per channel
    methods: Counter[str] = field(default_factory=Counter)  # calls per method (faults too)
    # (method, token or "" for all): [end (0: not begun), seconds, Retry-After]
    storms: dict[tuple[str, str], list[float]] = field(default_factory=dict)
    by_token: Counter[str] = field(default_factory=Counter)  # accepted messages per bot token
    tries: Counter[tuple[str, str]] = field(default_factory=Counter)  # (method, token): calls
    latency: float = 0.0  # seconds each Web API call takes
    lean: bool = False  # keep counts only, not every call (long runs)
    total_posted: int = 0
    _waiters: list[tuple[int, asyncio.Event]] = field(default_factory=list)
    _ts: Any = field(default_factory=lambda: itertools.count(1))
    _runner: web.AppRunner | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/"

    def hook_url(self, name: str = "cmd") -> str:
        return f"http://127.0.0.1:{self.port}/hooks/{name}"

    def fail(self, method: str, times: int = 1, *, status: int = 200, error: str = "",
             retry_after: int | None = None, user: str = "") -> None:
        self.faults.setdefault(method, []).append(Fault(times, status, error, retry_after, user))

    def storm(self, method: str, seconds: float = float("inf"), retry_after: int = 1,
              token: str = "") -> None:
        """Answer every `method` call (with `token` only: one workspace's bot) with 429 and
        Retry-After for `seconds` from its next call on (until `calm` when not given)."""
        self.storms[(method, token)] = [0.0, seconds, retry_after]

    def calm(self, method: str, token: str = "") -> None:
        """End that storm now."""
        self.storms.pop((method, token), None)

    def when_posted(self, n: int) -> asyncio.Event:
        """An event set as soon as `n` messages in all have been accepted."""
        event = asyncio.Event()
        if self.total_posted >= n:
            event.set()
        else:
            self._waiters.append((n, event))
        return event

    def of(self, method: str) -> list[Call]:
        return [c for c in self.calls if c.method == method]

    def posts_to(self, channel: str, ok_only: bool = True) -> list[Call]:
        return [c for c in self.of("chat.postMessage") if c.args.get("channel") == channel
                and (c.ok or not ok_only)]

    def files_in(self, channel: str) -> list[Upload]:
        """Files whose upload completed into `channel`."""
        return [u for u in self.uploads.values() if u.completed and u.channel_id == channel]

    async def start(self) -> MockSlack:
        app = web.Application()
        app.router.add_route("*", "/api/{method}", self._api)
        app.router.add_post("/hooks/{name}", self._hook)
        app.router.add_post("/upload/v1/{file_id}", self._upload)
        app.router.add_get("/link", self._socket)
        app.router.add_get("/_mock/posted", self._posted)
        app.router.add_post("/_mock/{what}", self._control)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        self.port = int(sock.getsockname()[1])
        await web.SockSite(self._runner, sock).start()
        return self

    async def close(self) -> None:
        if self._runner is not None:
            runner, self._runner = self._runner, None
            await runner.cleanup()

    # ---- handlers ---------------------------------------------------------------------------

    async def _args(self, request: web.Request) -> dict[str, Any]:
        args: dict[str, Any] = dict(request.query)
        if request.can_read_body:
            if request.content_type == "application/json":
                data = await request.json()
                if isinstance(data, dict):
                    args.update(data)
            else:
                args.update(dict(await request.post()))
        for k in ("blocks", "view"):
            if isinstance(args.get(k), str):
                try:
                    args[k] = json.loads(args[k])
                except ValueError:
                    pass
        return args

    def _fault(self, method: str, args: Mapping[str, Any], token: str) -> web.Response | None:
        for storm in (self.storms.get((method, "")), self.storms.get((method, token))):
            if storm is None:
                continue
            if not storm[0]:
                storm[0] = time.monotonic() + storm[1]
            if time.monotonic() < storm[0]:
                return web.json_response({"ok": False, "error": "ratelimited"}, status=429,
                                         headers={"Retry-After": str(int(storm[2]))})
        target = str(args.get("users") or args.get("user") or args.get("channel")
                     or args.get("channel_id") or "")
        for f in self.faults.get(method, []):
            if f.times <= 0 or (f.user and f.user not in target):
                continue
            f.times -= 1
            headers = {"Retry-After": str(f.retry_after)} if f.retry_after is not None else {}
            if f.status == 429:
                return web.json_response({"ok": False, "error": "ratelimited"}, status=429,
                                         headers=headers)
            if f.status >= 500:
                return web.Response(status=f.status, text="upstream trouble", headers=headers)
            return web.json_response({"ok": False, "error": f.error or "fatal_error"})
        return None

    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        args = await self._args(request)
        if self.latency:
            await asyncio.sleep(self.latency)
        token = request.headers.get("Authorization", "").removeprefix("Bearer ")
        call = Call(method, args, token)
        if not self.lean:
            self.calls.append(call)
        self.methods[method] += 1
        self.tries[(method, token)] += 1
        fault = self._fault(method, args, token)
        if fault is not None:
            call.ok = False
            return fault
        handler = getattr(self, "_" + method.replace(".", "_"), None)
        if handler is None:
            return web.json_response({"ok": True})
        if method == "chat.postMessage":
            self.posted[str(args.get("channel"))] += 1
            self.by_token[token] += 1
            self.total_posted += 1
            for n, event in self._waiters:
                if self.total_posted >= n:
                    event.set()
        return web.json_response(handler(args))

    async def _posted(self, request: web.Request) -> web.Response:
        return web.json_response({"posted": dict(self.posted), "methods": dict(self.methods)})

    async def _control(self, request: web.Request) -> web.Response:
        args = await request.json()
        what = request.match_info["what"]
        if what == "fail":
            self.fail(**args)
        elif what == "storm":
            self.storm(**args)
        else:
            return web.Response(status=404)
        return web.json_response({"ok": True})

    async def _socket(self, request: web.Request) -> web.WebSocketResponse:
        """Socket Mode: https://docs.slack.dev/apis/events-api/using-socket-mode"""
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        self.sockets.append(ws)
        await ws.send_json({"type": "hello", "num_connections": 1,
                            "debug_info": {"host": "mock", "approximate_connection_time": 3600},
                            "connection_info": {"app_id": "A0OUTWARD"}})
        async for msg in ws:
            if msg.type == WSMsgType.TEXT:
                self.socket_acks.append(json.loads(msg.data))
        return ws

    async def push(self, envelope_type: str, payload: Mapping[str, Any], envelope_id: str) -> None:
        """Send an envelope (events_api, interactive, slash_commands) to connected clients."""
        for ws in self.sockets:
            if not ws.closed:
                await ws.send_json({"envelope_id": envelope_id, "type": envelope_type,
                                    "payload": dict(payload), "accepts_response_payload":
                                    envelope_type != "events_api", "retry_attempt": 0,
                                    "retry_reason": ""})

    async def _hook(self, request: web.Request) -> web.Response:
        self.hooks.append((request.match_info["name"], await request.json()))
        return web.Response(text="ok")

    def _auth_test(self, args: Mapping[str, Any]) -> dict[str, Any]:
        return {"ok": True, "url": "https://outward-test.slack.com/", "team": "Outward Test",
                "user": "outward", "team_id": TEAM, "user_id": BOT_USER, "bot_id": "B0BOT",
                "is_enterprise_install": False}

    def _users_list(self, args: Mapping[str, Any]) -> dict[str, Any]:
        start = int(args.get("cursor") or 0)
        page = self.users[start:start + self.page_size]
        nxt = start + self.page_size
        return {"ok": True, "members": page, "cache_ts": 1700000000,
                "response_metadata": {"next_cursor": str(nxt) if nxt < len(self.users) else ""}}

    def _users_info(self, args: Mapping[str, Any]) -> dict[str, Any]:
        for u in self.users:
            if u["id"] == args.get("user"):
                return {"ok": True, "user": u}
        return {"ok": False, "error": "user_not_found"}

    def _conversations_open(self, args: Mapping[str, Any]) -> dict[str, Any]:
        users = str(args.get("users", ""))
        return {"ok": True, "channel": {"id": "D" + users.lstrip("UW")[:20], "is_im": True}}

    def _chat_postMessage(self, args: dict[str, Any]) -> dict[str, Any]:
        ts = f"1700000000.{next(self._ts):06d}"
        args["_ts"] = ts  # type: ignore[index]  # recorded so a test can press its buttons
        return {"ok": True, "channel": args.get("channel"), "ts": ts,
                "message": {"text": args.get("text"), "ts": ts, "blocks": args.get("blocks")}}

    def _chat_update(self, args: Mapping[str, Any]) -> dict[str, Any]:
        return {"ok": True, "channel": args.get("channel"), "ts": args.get("ts")}

    def _views_open(self, args: Mapping[str, Any]) -> dict[str, Any]:
        return {"ok": True, "view": {"id": "V0MODAL", **(args.get("view") or {})}}

    def _views_publish(self, args: Mapping[str, Any]) -> dict[str, Any]:
        return {"ok": True, "view": {"id": "V0HOME", **(args.get("view") or {})}}

    def _files_getUploadURLExternal(self, args: Mapping[str, Any]) -> dict[str, Any]:
        """https://docs.slack.dev/reference/methods/files.getUploadURLExternal"""
        filename = str(args.get("filename") or "")
        length = str(args.get("length") or "")
        if not filename or not length.isdigit() or int(length) <= 0:
            return {"ok": False, "error": "missing_argument"}
        alt_txt = str(args.get("alt_txt") or "")
        if len(alt_txt) > 1000:
            return {"ok": False, "error": "alt_txt_too_large"}
        file_id = f"F0MOCK{len(self.uploads) + 1:05d}"
        self.uploads[file_id] = Upload(file_id, filename, int(length), alt_txt)
        return {"ok": True, "upload_url": f"http://127.0.0.1:{self.port}/upload/v1/{file_id}",
                "file_id": file_id}

    async def _upload(self, request: web.Request) -> web.Response:
        """The upload_url: raw bytes (or multipart form data); 200 when accepted."""
        upload = self.uploads.get(request.match_info["file_id"])
        if upload is None:
            return web.Response(status=404, text="not found")
        upload.data = await request.read()
        return web.Response(text=f"OK - {len(upload.data)}")

    def _files_completeUploadExternal(self, args: Mapping[str, Any]) -> dict[str, Any]:
        """https://docs.slack.dev/reference/methods/files.completeUploadExternal"""
        try:
            files = json.loads(str(args.get("files") or ""))
        except ValueError:
            return {"ok": False, "error": "invalid_arguments"}
        if not isinstance(files, list) or not files:
            return {"ok": False, "error": "invalid_arguments"}
        done = []
        for f in files:
            upload = self.uploads.get(str(f.get("id"))) if isinstance(f, dict) else None
            if upload is None or upload.data is None or len(upload.data) != upload.length:
                return {"ok": False, "error": "file_not_found"}
            done.append((upload, str(f.get("title") or upload.filename)))
        channel = str(args.get("channel_id") or "")
        out = []
        for upload, title in done:
            upload.title, upload.channel_id, upload.completed = title, channel, True
            out.append({"id": upload.file_id, "name": upload.filename, "title": title,
                        "mimetype": "image/png" if upload.filename.endswith(".png") else "",
                        "size": upload.length, "alt_txt": upload.alt_txt,
                        "ims": [channel] if channel.startswith("D") else [],
                        "channels": [channel] if channel.startswith("C") else []})
        return {"ok": True, "files": out}

    def _apps_connections_open(self, args: Mapping[str, Any]) -> dict[str, Any]:
        return {"ok": True, "url": f"ws://127.0.0.1:{self.port}/link"}

    def _oauth_v2_access(self, args: Mapping[str, Any]) -> dict[str, Any]:
        return self.oauth_response or {"ok": False, "error": "invalid_code"}


# ---- a signed-request client for the real app ---------------------------------------------------


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """Slack's v0 signature, computed independently of slack_sdk:
    https://docs.slack.dev/authentication/verifying-requests-from-slack"""
    base = b"v0:" + timestamp.encode() + b":" + body
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


SECRET = "8f742231b10e8888abcd99yyyzzz85a5-outward-tests"

SAMPLE_USERS = {  # Slack id -> (name, email) for people on prompts/sample/organisation.csv
    "U0AMARA": ("Amara Okafor", "amara.okafor@example.org"),
    "U0JORDAN": ("Jordan Reyes", "jordan.reyes@example.org"),
    "U0DANA": ("Dana Whitfield", "dana.whitfield@example.org"),
    "U0LUIS": ("Luis Herrera", "luis.herrera@example.org"),
    "U0MEI": ("Mei Tanaka", "mei.tanaka@example.org"),
}


def sample_directory() -> list[dict[str, Any]]:
    members = [user(uid, name, email) for uid, (name, email) in SAMPLE_USERS.items()]
    members[3]["locale"] = "es-ES"
    members.append(user("U0GUEST", "Guest Person", "guest@elsewhere.example"))
    members.append(user("U0GONE", "Gone Person", "tom.becker@example.org", deleted=True))
    members.append({"id": "USLACKBOT", "team_id": TEAM, "name": "slackbot", "deleted": False,
                    "is_bot": False, "profile": {"real_name": "Slackbot"}})
    members.append({**user("U0BOT", "Outward", "bot@example.org"), "is_bot": True})
    return members


@dataclass
class Harness:
    """The real app (tests.support.wired) + Slack attached from env + the mock Web API, served
    by aiohttp's test server on 127.0.0.1."""

    app: Any
    mock: MockSlack
    client: Any
    adapter: Any
    secret: str = SECRET
    _event_ids: Any = field(default_factory=lambda: itertools.count(1))

    async def settle(self) -> None:
        await self.adapter.drain()

    async def post(self, body: bytes | str, content_type: str, *, secret: str | None = None,
                   timestamp: str | None = None, headers: Mapping[str, str] | None = None,
                   signed: bool = True) -> Any:
        raw = body.encode() if isinstance(body, str) else body
        ts = timestamp or str(int(time.time()))
        h = {"Content-Type": content_type, "X-Slack-Request-Timestamp": ts}
        if signed:
            h["X-Slack-Signature"] = sign(secret or self.secret, ts, raw)
        h.update(headers or {})
        return await self.client.post("/slack/events", data=raw, headers=h)

    async def post_json(self, body: Mapping[str, Any], **kw: Any) -> Any:
        return await self.post(json.dumps(body), "application/json", **kw)

    async def post_payload(self, payload: Mapping[str, Any], **kw: Any) -> Any:
        """Interactivity arrives form-encoded with the JSON in `payload`."""
        return await self.post(urlencode({"payload": json.dumps(payload)}),
                               "application/x-www-form-urlencoded", **kw)

    async def event(self, event: Mapping[str, Any], *, event_id: str = "",
                    retry: int | None = None) -> Any:
        body = {
            "token": "legacy", "team_id": TEAM, "api_app_id": "A0OUTWARD", "event": dict(event),
            "type": "event_callback", "event_id": event_id or f"Ev{next(self._event_ids):08d}",
            "event_time": int(time.time()), "authorizations": [
                {"enterprise_id": None, "team_id": TEAM, "user_id": BOT_USER, "is_bot": True,
                 "is_enterprise_install": False}],
            "is_ext_shared_channel": False, "event_context": "4-eyJldCI6Im1lc3NhZ2UifQ",
        }
        headers = {"X-Slack-Retry-Num": str(retry), "X-Slack-Retry-Reason": "http_timeout"} \
            if retry else None
        return await self.post_json(body, headers=headers)

    async def dm(self, uid: str, text: str, **kw: Any) -> Any:
        return await self.event({"type": "message", "channel": "D" + uid[1:], "user": uid,
                                 "text": text, "ts": f"{time.time():.6f}", "team": TEAM,
                                 "channel_type": "im", "event_ts": f"{time.time():.6f}",
                                 "client_msg_id": "c0ffee"}, **kw)

    async def command(self, uid: str, command: str, text: str = "",
                      channel: str = "") -> Any:
        """A slash command typed in `channel`; by default the person's DM with the bot (the
        mock's conversations.open answers D + the user id without its first letter)."""
        channel = channel or "D" + uid[1:]
        name = "directmessage" if channel.startswith("D") else \
            "mpdm-a--b-1" if channel.startswith("G") else "general"
        form = {
            "token": "legacy", "team_id": TEAM, "team_domain": "outward-test",
            "channel_id": channel, "channel_name": name, "user_id": uid,
            "user_name": uid.lower(), "command": command, "text": text, "api_app_id": "A0OUTWARD",
            "is_enterprise_install": "false", "response_url": self.mock.hook_url(uid),
            "trigger_id": "13345224609.738474920.8088930838d88f008e0",
        }
        return await self.post(urlencode(form), "application/x-www-form-urlencoded")

    async def press(self, uid: str, message: Call, label: str, **extra: Any) -> Any:
        """Press the button labelled `label` on a message the bot posted (block_actions)."""
        button = find_button(message, label)
        ts = message.args.get("_ts") or message.args.get("ts") or "1700000000.000001"
        channel = str(message.args["channel"])
        payload = {
            "type": "block_actions",
            "user": {"id": uid, "username": uid.lower(), "name": uid.lower(), "team_id": TEAM},
            "api_app_id": "A0OUTWARD", "token": "legacy",
            "container": {"type": "message", "message_ts": ts, "channel_id": channel,
                          "is_ephemeral": False},
            "trigger_id": "1234.5678.abcdef", "team": {"id": TEAM, "domain": "outward-test"},
            "enterprise": None, "is_enterprise_install": False,
            "channel": {"id": channel, "name": "directmessage"},
            "message": {"type": "message", "user": BOT_USER, "ts": ts, "bot_id": "B0BOT",
                        "text": message.args.get("text"), "blocks": message.args.get("blocks")},
            "state": {"values": {}}, "response_url": self.mock.hook_url("press"),
            "actions": [{"action_id": button["action_id"], "block_id": "outward:actions:0",
                         "text": button["text"], "value": button["value"], "type": "button",
                         "action_ts": f"{time.time():.6f}"}],
            **extra,
        }
        return await self.post_payload(payload)

    async def submit(self, uid: str, opened: Call, text: str) -> Any:
        """Submit the modal the bot opened (view_submission)."""
        view = dict(opened.args["view"])
        input_block = next(b for b in view["blocks"] if b["type"] == "input")
        payload = {
            "type": "view_submission", "team": {"id": TEAM, "domain": "outward-test"},
            "user": {"id": uid, "username": uid.lower(), "name": uid.lower(), "team_id": TEAM},
            "api_app_id": "A0OUTWARD", "token": "legacy", "trigger_id": "1.2.3",
            "view": {**view, "id": "V0MODAL", "team_id": TEAM, "state": {"values": {
                input_block["block_id"]: {input_block["element"]["action_id"]: {
                    "type": "plain_text_input", "value": text}}}},
                "hash": "1596530361.3wRYuk3R", "previous_view_id": None, "root_view_id": "V0MODAL",
                "app_id": "A0OUTWARD", "bot_id": "B0BOT"},
            "response_urls": [], "is_enterprise_install": False, "enterprise": None,
        }
        return await self.post_payload(payload)


def find_button(message: Call, label: str) -> dict[str, Any]:
    for block in message.args.get("blocks") or []:
        for el in block.get("elements", []) if block.get("type") == "actions" else []:
            if el["text"]["text"].strip().lower() == label.strip().lower() or \
                    el["text"]["text"].lstrip("✏️ ").strip().lower() == label.lower():
                return dict(el)
    raise AssertionError(f"no button {label!r} in {message.args.get('text')!r}")


def buttons(message: Call) -> list[str]:
    return [el["text"]["text"] for block in message.args.get("blocks") or []
            if block.get("type") == "actions" for el in block.get("elements", [])]


@contextlib.asynccontextmanager
async def harness(database_url: str, clock: Any, *, env: Mapping[str, str] | None = None,
                  users: list[dict[str, Any]] | None = None,
                  sync: bool = True) -> AsyncIterator[Harness]:
    """Wire the real app with Slack attached from env, against a fresh mock Web API."""
    from aiohttp.test_utils import TestClient, TestServer

    from bot.server import web_app
    from bot.slack_wiring import SLACK_ADAPTER, attach_slack
    from tests.support import wired

    directory = sample_directory() if users is None else users
    mock = await MockSlack(users=directory if sync else []).start()
    settings_env = {"SLACK_SIGNING_SECRET": SECRET, "SLACK_BOT_TOKEN": "xoxb-outward-test",
                    "SLACK_API_URL": mock.url, **(env or {})}
    app = await wired(database_url, clock, env=settings_env)
    web = web_app(app)
    await attach_slack(app, web)
    adapter = web[SLACK_ADAPTER]
    await adapter.drain()  # the directory sync started by attach_slack
    mock.users = directory  # sync=False: the directory was empty while it ran
    client = TestClient(TestServer(web, host="127.0.0.1"))
    await client.start_server()
    try:
        yield Harness(app, mock, client, adapter)
    finally:
        await adapter.drain()
        await client.close()
        await app.close()
        await mock.close()


async def _serve(latency: float, lean: bool) -> None:
    mock = await MockSlack(latency=latency, lean=lean).start()
    print(f"port {mock.port}", flush=True)
    try:
        await asyncio.Event().wait()
    finally:
        await mock.close()


def main() -> None:
    """The mock on its own, until killed: `python -m tests.slack_mock [--lean] [--latency-ms N]`."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--latency-ms", type=float, default=0.0)
    parser.add_argument("--lean", action="store_true", help="keep counts only")
    args = parser.parse_args()
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_serve(args.latency_ms / 1000, args.lean))


if __name__ == "__main__":
    main()
