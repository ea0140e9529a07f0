"""Webhook mode: a small aiohttp server in front of the Application's update queue.

PTB's own `run_webhook` reads a whole request body (up to tornado's 100 MB) before it looks
at the secret header, so an outsider could make naba buffer huge bodies. This server, after
python-telegram-bot's "custom webhook" example, checks the header first — a request without
the right secret is answered 403 before one byte of its body is read — and refuses bodies
over MAX_BODY_BYTES (Telegram's updates are a few kilobytes). The Application runs without an
Updater; its post_init and post_shutdown run here as `run_polling` would run them.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
import signal
from urllib.parse import urlsplit

from aiohttp import web
from telegram import Update
from telegram.ext import Application

from bot.config import Settings

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
# An update with a long message, entities and a reply is ~10 KB; 1 MiB leaves room for any.
MAX_BODY_BYTES = 1 << 20


def make_web_app(app: Application, secret: str, path: str) -> web.Application:
    """The aiohttp application: POST `path` with the secret header → the update queue."""

    async def receive(request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(given.encode(), secret.encode()):
            return web.Response(status=403, text="wrong or missing secret token")
        if request.content_length is not None and request.content_length > MAX_BODY_BYTES:
            return web.Response(status=413, text="body too large")
        try:
            data = json.loads(await request.read())
            update = Update.de_json(data, app.bot)
        except web.HTTPRequestEntityTooLarge:
            return web.Response(status=413, text="body too large")
        except (ValueError, TypeError, KeyError, AttributeError):
            log.warning("webhook: an update that is not a Telegram update was refused")
            return web.Response(status=400, text="not a Telegram update")
        if update is None:
            return web.Response(status=400, text="not a Telegram update")
        await app.update_queue.put(update)
        return web.Response(status=200)

    web_app = web.Application(client_max_size=MAX_BODY_BYTES)
    web_app.router.add_post("/" + path.lstrip("/"), receive)
    return web_app


async def serve(app: Application, settings: Settings, stop: asyncio.Event | None = None) -> None:
    """Register the webhook with Telegram, serve it until SIGTERM/SIGINT (or `stop`), and run
    the Application's lifecycle around it."""
    if not settings.webhook_url or not settings.webhook_secret:
        raise ValueError("webhook mode needs NABA_WEBHOOK_URL and NABA_WEBHOOK_SECRET")
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await app.initialize()
    if app.post_init:
        await app.post_init(app)
    runner = None
    try:
        await app.bot.set_webhook(
            url=settings.webhook_url,
            secret_token=settings.webhook_secret,
            allowed_updates=Update.ALL_TYPES,
        )
        await app.start()
        path = urlsplit(settings.webhook_url).path or "/"
        runner = web.AppRunner(make_web_app(app, settings.webhook_secret, path),
                               access_log=None)
        await runner.setup()
        await web.TCPSite(runner, settings.webhook_listen, settings.webhook_port).start()
        log.info("webhook listening on %s:%d%s", settings.webhook_listen,
                 settings.webhook_port, path)
        await stop.wait()
    finally:
        if runner is not None:
            await runner.cleanup()
        if app.running:
            await app.stop()
        await app.shutdown()
        if app.post_shutdown:
            await app.post_shutdown(app)
