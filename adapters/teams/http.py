"""`POST /api/messages`: the aiohttp handler in front of botbuilder's CloudAdapter.

Written around `CloudAdapter.process_activity` rather than the stock `CloudAdapter.process`,
which answers 500 for a missing Content-Type and for invokes that return a body: the checks
below answer 401/413/415/400 first, then the activity is authenticated and processed.
"""

from __future__ import annotations

import json
import logging
from urllib.parse import urlsplit

from aiohttp import web
from botbuilder.core import TurnContext
from botbuilder.integration.aiohttp import CloudAdapter
from botbuilder.schema import Activity, ActivityTypes

from adapters.teams.auth import TeamsAuthentication, TeamsConfig
from adapters.teams.errors import CONNECTOR_ERRORS, describe
from adapters.teams.handler import WIRE_JSON, TeamsHandler
from conversations.ports import DeliveryError

log = logging.getLogger(__name__)

ROUTE = "/api/messages"
MAX_BODY = 256 * 1024
MAX_TOKEN = 16_384  # characters of a bearer token worth handing to the JWT validation


class TeamsHttp:
    """Validates a request as a Bot Framework activity, authenticates it and runs the turn."""

    def __init__(self, config: TeamsConfig, auth: TeamsAuthentication, cloud: CloudAdapter,
                 handler: TeamsHandler) -> None:
        self.config = config
        self.auth = auth
        self.cloud = cloud
        self.handler = handler

    async def handle(self, request: web.Request) -> web.Response:
        """`POST /api/messages`: 401 unauthenticated, 415/413/400 for what is not a JSON
        activity, 200 (with the invoke response body for invokes) once handled, 202 when only
        the reply could not be posted."""
        header = request.headers.get("Authorization", "")
        if self.config.auth_enabled and not _looks_like_bearer(header):
            # Refused before the SDK: no token means no metadata fetch, no outbound call.
            return _error(401, "missing or malformed Authorization bearer token")
        if request.content_type != "application/json":
            return _error(415, "Content-Type must be application/json")
        if request.content_length is not None and request.content_length > MAX_BODY:
            return _error(413, "activity too large")
        try:
            raw = await request.read()
            if len(raw) > MAX_BODY:
                return _error(413, "activity too large")
            body = json.loads(raw)
        except (ValueError, UnicodeDecodeError, RecursionError):
            return _error(400, "body is not JSON")
        except web.HTTPRequestEntityTooLarge:
            return _error(413, "activity too large")
        problem = _activity_problem(body)
        if problem:
            return _error(400, problem)
        try:
            activity = Activity().deserialize(body)
        except Exception:  # msrest raises several types for a wrong-typed field
            return _error(400, "body is not a Bot Framework activity")
        # Replies are posted through the Bot Connector, never buffered into the HTTP answer, so
        # `expectReplies` (a Direct Line/skills mode Teams does not send) is not offered: with it
        # CloudAdapter would answer an invoke with ExpectedReplies instead of its invoke response.
        # https://learn.microsoft.com/azure/bot-service/rest-api/bot-framework-rest-connector-api-reference#delivery-mode
        activity.delivery_mode = None
        try:
            auth = await self.auth.authenticate_request(activity, header)
        except Exception as exc:  # PermissionError, jwt errors, metadata failures
            log.warning("Teams request refused: %s", type(exc).__name__)
            return _error(401, "unauthorized")

        async def logic(ctx: TurnContext) -> None:
            ctx.turn_state[WIRE_JSON] = body  # what convert reads (see adapters.teams.handler)
            await self.handler.on_turn(ctx)

        try:
            invoke = await self.cloud.process_activity(auth, activity, logic)
        except (*CONNECTOR_ERRORS, DeliveryError) as exc:
            # The core handled the event; only the reply could not be posted (a DeserializationError
            # is an error page msrest cannot read, e.g. a text/plain 404 from the serviceUrl). A
            # 5xx would make the channel re-deliver the activity (a second submit), so
            # acknowledge and log; the reply is dropped.
            log.warning("Teams reply not delivered: %s", describe(exc))
            return web.Response(status=202)
        if body.get("type") == ActivityTypes.invoke and invoke is not None:
            if invoke.body is None:
                return web.Response(status=int(invoke.status))
            return web.json_response(invoke.body, status=int(invoke.status))
        return web.Response(status=200)


def _looks_like_bearer(header: str) -> bool:
    scheme, _, token = header.partition(" ")
    return scheme.lower() == "bearer" and token.count(".") == 2 and len(token) < MAX_TOKEN


def _activity_problem(body: object) -> str:
    """Why a JSON body is not an activity we can process ('' when it is)."""
    if not isinstance(body, dict):
        return "body is not a JSON object"
    if not isinstance(body.get("type"), str) or not body["type"]:
        return "activity has no type"
    service_url = body.get("serviceUrl")
    if not isinstance(service_url, str) or not service_url.startswith(("https://", "http://")) \
            or not _host(service_url):
        return "activity has no http(s) serviceUrl"
    bad = _bad_id(body)
    if bad:
        return f"activity field {bad!r} holds a control character"
    conv = body.get("conversation")
    if not isinstance(conv, dict) or not isinstance(conv.get("id"), str) or not conv["id"]:
        return "activity has no conversation id"
    for name in ("from", "recipient"):
        if body.get(name) is not None and not isinstance(body.get(name), dict):
            return f"activity field {name!r} is not an object"
    if body["type"] in (ActivityTypes.message, ActivityTypes.invoke):
        sender = body.get("from")
        if not isinstance(sender, dict) or not isinstance(sender.get("id"), str) \
                or not sender["id"]:
            return "activity has no sender (from.id)"
    return ""


def _host(url: str) -> str:
    try:
        return urlsplit(url).hostname or ""
    except ValueError:  # "http://[::1" and other URLs urlsplit cannot read
        return ""


def _bad_id(value: object, where: str = "", depth: int = 0) -> str:
    """The first id (`id`, `...Id`) holding a character Teams never puts in one (a control
    character: a NUL is an error to PostgreSQL), '' when there is none."""
    if depth > 4:
        return ""
    items = value.items() if isinstance(value, dict) else enumerate(value) \
        if isinstance(value, list) else ()
    for key, item in items:
        name = f"{where}{key}"
        if isinstance(item, str):
            if isinstance(key, str) and (key == "id" or key.endswith("Id")) \
                    and not item.isprintable():
                return name
        elif isinstance(item, dict | list):
            found = _bad_id(item, f"{name}.", depth + 1)
            if found:
                return found
    return ""


def _error(status: int, message: str) -> web.Response:
    return web.json_response({"error": message}, status=status)
