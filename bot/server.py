"""The aiohttp application: the health check plus whatever routes the platform adapters add.

`GET /healthz` answers 200, or 503 with the reason, as bot.health finds this deployment (the
database answers, no worker or clock has gone quiet); the body is small JSON."""

from __future__ import annotations

import errno

from aiohttp import web

from bot.bootstrap import Outward
from bot.health import check
from bot.report_page import report_page

OUTWARD_KEY = web.AppKey("outward", Outward)


async def healthz(request: web.Request) -> web.Response:
    healthy, body = await check(request.app[OUTWARD_KEY])
    return web.json_response(body, status=200 if healthy else 503)


def web_app(outward: Outward) -> web.Application:
    app = web.Application(client_max_size=1024 * 1024)
    app[OUTWARD_KEY] = outward
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/report/{round_id}", report_page(outward))
    return app


async def start_site(app: web.Application, host: str, port: int) -> web.AppRunner:
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, host, port)
    try:
        await site.start()
    except OSError as exc:
        await runner.cleanup()
        fix = ("set PORT to a free port" if exc.errno == errno.EADDRINUSE else
               "set OUTWARD_HOST to an address of this machine (0.0.0.0: all of them)")
        raise OSError(f"cannot listen on {host}:{port} ({exc.strerror}); {fix}") from None
    return runner
