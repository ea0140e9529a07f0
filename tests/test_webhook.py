"""bot.webhook: the secret header is checked before a body is read, bodies are capped, and only
Telegram updates reach the queue."""

from __future__ import annotations

import asyncio
import json
import logging
import socket
import sys
from collections.abc import AsyncIterator
from urllib.parse import quote

import aiohttp
import pytest
from aiohttp import web
from telegram.ext import Application

from bot.logs import RedactToken, Throttle
from bot.webhook import MAX_BODY_BYTES, SECRET_HEADER, make_web_app

TOKEN = "123456789:TEST-token_for_the_webhook_tests"
SECRET = "a-secret-of-thirty-two-characters_x"
UPDATE = {
    "update_id": 7,
    "message": {
        "message_id": 1, "date": 1733529600, "text": "متى تحررت درعا؟",
        "chat": {"id": 4242, "type": "private"},
        "from": {"id": 4242, "is_bot": False, "first_name": "قارئ"},
    },
}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
async def server() -> AsyncIterator[tuple[Application, str, int]]:
    app = Application.builder().token(TOKEN).updater(None).build()
    runner = web.AppRunner(make_web_app(app, SECRET, "/hook"))
    await runner.setup()
    port = _free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    try:
        yield app, f"http://127.0.0.1:{port}/hook", port
    finally:
        await runner.cleanup()


async def test_an_update_with_the_secret_reaches_the_queue(server) -> None:
    app, url, _ = server
    async with aiohttp.ClientSession() as session, session.post(
        url, json=UPDATE, headers={SECRET_HEADER: SECRET}
    ) as response:
        assert response.status == 200
    update = app.update_queue.get_nowait()
    assert update.update_id == 7 and update.message.text == "متى تحررت درعا؟"


@pytest.mark.parametrize("headers", [{}, {SECRET_HEADER: "wrong"}, {SECRET_HEADER: SECRET[:-1]}])
async def test_without_the_secret_nothing_is_queued(server, headers: dict[str, str]) -> None:
    app, url, _ = server
    async with aiohttp.ClientSession() as session, session.post(
        url, json=UPDATE, headers=headers
    ) as response:
        assert response.status == 403
    assert app.update_queue.empty()


async def test_a_huge_body_without_the_secret_is_refused_before_it_is_read(server) -> None:
    """The request says 95 MB are coming and sends 10 bytes: the 403 must come at once, not
    after the server has waited for (and buffered) the body."""
    _, _, port = server
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(
        b"POST /hook HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        b"Content-Length: 95000000\r\n\r\n{\"update_"
    )
    await writer.drain()
    status = await asyncio.wait_for(reader.readline(), timeout=5)
    writer.close()
    assert status.startswith(b"HTTP/1.1 403")


async def test_bodies_over_the_cap_are_refused(server) -> None:
    app, url, _ = server
    big = json.dumps({**UPDATE, "padding": "x" * (MAX_BODY_BYTES + 1)})
    async with aiohttp.ClientSession() as session, session.post(
        url, data=big, headers={SECRET_HEADER: SECRET, "Content-Type": "application/json"}
    ) as response:
        assert response.status == 413
    assert app.update_queue.empty()


@pytest.mark.parametrize("body", [b"not json", b"[1, 2]", b"{\"message\": 5}", b"null"])
async def test_what_is_not_an_update_is_a_400(server, body: bytes) -> None:
    app, url, _ = server
    async with aiohttp.ClientSession() as session, session.post(
        url, data=body, headers={SECRET_HEADER: SECRET}
    ) as response:
        assert response.status == 400
    assert app.update_queue.empty()


# ---- the token never reaches a log -------------------------------------------------------------


def _formatted(record: logging.LogRecord) -> str:
    return logging.Formatter("%(levelname)s %(message)s").format(record)


def test_redaction_cleans_message_args_exception_and_stack() -> None:
    redact = RedactToken(TOKEN)
    secret_half = TOKEN.split(":")[1]
    try:
        raise RuntimeError(f"GET https://api.example/bot{quote(TOKEN, safe='')}/getMe failed")
    except RuntimeError:
        exc_info = sys.exc_info()
    record = logging.LogRecord(
        "telegram.ext.Application", logging.ERROR, __file__, 1, "calling %s at %s",
        (f"/bot{TOKEN}/getMe", secret_half), exc_info, sinfo=f"Stack: token={TOKEN}",
    )
    assert redact.filter(record)
    text = _formatted(record)
    assert "RuntimeError" in text and "<token>" in text
    for form in (TOKEN, secret_half, quote(TOKEN, safe="")):
        assert form not in text



def test_the_same_error_floods_no_log() -> None:
    throttle = Throttle()
    records = [
        logging.LogRecord("telegram.ext.Updater", logging.ERROR, __file__, 1,
                          "Error while getting Updates: %s", ("boom",), None)
        for _ in range(1000)
    ]
    passed = [r for r in records if throttle.filter(r)]
    assert len(passed) == Throttle.BURST
    other = logging.LogRecord("naba", logging.ERROR, __file__, 1, "another problem", (), None)
    assert throttle.filter(other)
    info = logging.LogRecord("naba", logging.INFO, __file__, 1, "routine", (), None)
    assert all(throttle.filter(info) for _ in range(100))
