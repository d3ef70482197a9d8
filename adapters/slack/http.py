"""aiohttp routes for Slack: `POST /slack/events`, and the OAuth install and redirect pages.

Shape follows bolt-python's own aiohttp adapter (`slack_bolt/adapter/aiohttp`): an aiohttp
request becomes an `AsyncBoltRequest`, bolt dispatches it, the `BoltResponse` becomes an aiohttp
response. Every request is signature-verified here first (5-minute replay window) and a failure
is a 401 that touches nothing else (no database, no Web API call).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response
from slack_bolt.async_app import AsyncApp
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_sdk.signature import Clock as SignatureClock
from slack_sdk.signature import SignatureVerifier

from adapters.slack.config import SlackConfig
from adapters.slack.oauth import INSTALL_PATH, REDIRECT_PATH
from adapters.slack.shape import malformed

log = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"


class _Clock(SignatureClock):
    def __init__(self, now: Callable[[], float]) -> None:
        self._now = now

    def now(self) -> float:
        return self._now()


class SlackHttp:
    """The aiohttp handlers in front of bolt: verify, parse, dispatch, answer."""

    def __init__(self, config: SlackConfig, bolt: AsyncApp,
                 now: Callable[[], float] = time.time) -> None:
        self.config = config
        self.bolt = bolt
        self.now = now  # wall clock for the signature window (Slack's clock, not the app's)
        self.verifier = SignatureVerifier(config.signing_secret, clock=_Clock(lambda: self.now()))

    def add_routes(self, web_app: web.Application) -> None:
        """`POST /slack/events`; with OAuth also `GET /slack/install` and the redirect."""
        web_app.router.add_post(EVENTS_PATH, self.handle_events)
        if self.config.oauth:
            web_app.router.add_get(INSTALL_PATH, self.handle_install)
            web_app.router.add_get(REDIRECT_PATH, self.handle_redirect)

    def verify(self, raw: bytes, headers: Mapping[str, str]) -> bool:
        """Slack's v0 signature over the raw body, within the 5-minute window.
        https://docs.slack.dev/authentication/verifying-requests-from-slack"""
        timestamp = headers.get("X-Slack-Request-Timestamp", "")
        signature = headers.get("X-Slack-Signature", "")
        # plain ASCII, as Slack sends them: slack_sdk would raise (not answer False) for a
        # timestamp too big to compare with the clock, a digit int() does not read ("²"), or
        # a non-ASCII signature (hmac.compare_digest)
        if not (timestamp.isascii() and timestamp.isdigit() and len(timestamp) <= 12) \
                or not signature or not signature.isascii():
            return False
        try:
            body = raw.decode("utf-8")
        except UnicodeDecodeError:
            return False
        return self.verifier.is_valid(body=body, timestamp=timestamp, signature=signature)

    async def handle_events(self, request: web.Request) -> web.Response:
        """POST /slack/events: Events API, interactivity and slash commands."""
        raw = await request.read()
        if not self.verify(raw, request.headers):
            return _error(401, "invalid request")
        try:
            bolt_req = AsyncBoltRequest(body=raw.decode("utf-8"), query=request.query_string,
                                        headers=dict(request.headers))
        except (ValueError, TypeError, AttributeError, KeyError, RecursionError):
            return _error(400, "malformed payload")  # RecursionError: JSON nested too deeply
        if not isinstance(bolt_req.body, dict):
            return _error(400, "malformed payload")
        # A signed payload Slack would never send (`"event": null`, a null view.state.values...)
        # gets a 400, not an ack: it is not a delivery Slack's retry or modal logic waits on,
        # and no recorded Slack payload trips these checks (tests/test_slack_http.py).
        problem = malformed(bolt_req.body)
        if problem:
            log.warning("malformed Slack payload refused: %s", problem)
            return _error(400, f"malformed payload: {problem}")
        try:
            bolt_resp = await self.bolt.async_dispatch(bolt_req)
        except (TypeError, KeyError, AttributeError, IndexError, ValueError,
                RecursionError) as exc:
            # bolt reads payload fields unchecked; a shape the check above does not know yet
            log.warning("malformed Slack payload refused (%s)", type(exc).__name__)
            return _error(400, "malformed payload")
        return await to_aiohttp_response(bolt_resp)

    async def handle_install(self, request: web.Request) -> web.Response:
        """GET /slack/install: the "Add to Slack" page (multi-workspace mode)."""
        flow = self.bolt.oauth_flow
        if flow is None:
            raise web.HTTPNotFound()
        return await to_aiohttp_response(await flow.handle_installation(_query_only(request)))

    async def handle_redirect(self, request: web.Request) -> web.Response:
        """GET /slack/oauth_redirect: finish the install (state checked, tokens stored)."""
        flow = self.bolt.oauth_flow
        if flow is None:
            raise web.HTTPNotFound()
        return await to_aiohttp_response(await flow.handle_callback(_query_only(request)))


def _query_only(request: web.Request) -> AsyncBoltRequest:
    return AsyncBoltRequest(body="", query=request.query_string, headers=dict(request.headers))


def _error(status: int, message: str) -> web.Response:
    return web.json_response({"error": message}, status=status)
