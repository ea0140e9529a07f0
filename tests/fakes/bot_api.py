"""A fake Telegram Bot API server for end-to-end tests of the real python-telegram-bot stack.

Point PTB at it with ``.base_url(api.base_url).base_file_url(api.base_file_url)``. PTB POSTs
``{base_url}{token}/{method}`` as form data (multipart when uploading); every value is a string
and non-strings (ints, bools, nested objects such as ``reply_markup``) are JSON-encoded inside
their form field, so params are decoded field by field below. Answers follow the Bot API shape
(``{"ok": true, "result": ...}`` / ``{"ok": false, "error_code": ..., "description": ...}``) with
the HTTP status equal to ``error_code``, which is what PTB maps to its exceptions.

Two ways to run it: ``async with FakeBotApi() as api`` on the test's own event loop, or
``with FakeBotApi().in_thread() as api`` on a private loop in a background thread (for a bot in
a subprocess, or a synchronous test body). All recorded state sits behind one lock, so it can be
read from the test thread while the server thread writes it.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import itertools
import json
import mimetypes
import re
import threading
import time
import traceback
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, TypeVar

from aiohttp import web

from .telegram_html import HtmlParseError, ParsedText, parse_html, utf16_len

__all__ = [
    "ApiCall",
    "CallbackAnswer",
    "ChatAction",
    "Edit",
    "FakeBotApi",
    "FakeMessage",
    "HeldRequest",
    "InjectedUpdate",
    "InlineAnswer",
]

T = TypeVar("T")

MAX_TEXT = 4096
MAX_CALLBACK_DATA_BYTES = 64
MAX_INLINE_RESULTS = 50
MAX_DOWNLOAD_BYTES = 20 * 1024 * 1024
DEFAULT_GROUP_USER = 5001
FIRST_UPDATE_ID = 1000

NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly the "
    "same as a current content and reply markup of the message"
)
QUERY_TOO_OLD = "query is too old and response timeout expired or query ID is invalid"
POLL_CONFLICT = (
    "Conflict: terminated by other getUpdates request; make sure that only one bot instance "
    "is running"
)
DEFAULT_DESCRIPTIONS = {
    400: "Bad Request: chat not found",
    403: "Forbidden: bot was blocked by the user",
    404: "Not Found",
    429: "Too Many Requests: retry after {retry_after}",
    500: "Internal Server Error",
    502: "Bad Gateway",
}
# Telegram drops these from getUpdates unless they are asked for explicitly.
NOT_BY_DEFAULT = frozenset({"chat_member", "message_reaction", "message_reaction_count"})
CHAT_ACTIONS = frozenset(
    {
        "typing", "upload_photo", "record_video", "upload_video", "record_voice", "upload_voice",
        "upload_document", "choose_sticker", "find_location", "record_video_note",
        "upload_video_note",
    }
)  # fmt: skip
BUTTON_ACTIONS = (
    "url", "callback_data", "web_app", "login_url", "switch_inline_query",
    "switch_inline_query_current_chat", "switch_inline_query_chosen_chat", "copy_text",
    "callback_game", "pay",
)  # fmt: skip
INLINE_RESULT_TYPES = frozenset(
    {
        "article", "photo", "gif", "mpeg4_gif", "video", "audio", "voice", "document",
        "location", "venue", "contact", "game", "sticker",
    }
)  # fmt: skip
# Form fields that are plain strings even when they look like JSON ("123", "true").
STRING_PARAMS = frozenset(
    {
        "text", "caption", "parse_mode", "callback_query_id", "inline_query_id",
        "inline_message_id", "url", "query", "action", "file_id", "language_code", "description",
        "short_description", "name", "title", "secret_token", "next_offset", "switch_pm_text",
        "switch_pm_parameter", "emoji", "business_connection_id", "message_effect_id",
        "custom_emoji_id", "ip_address",
    }
)  # fmt: skip
_COMMAND_RE = re.compile(r"[a-z0-9_]{1,32}")
_MENTION_RE = re.compile(r"(?<![\w@/])@[A-Za-z][A-Za-z0-9_]{3,31}")
_BOT_COMMAND_RE = re.compile(r"/[A-Za-z0-9_]{1,32}(?:@[A-Za-z][A-Za-z0-9_]{3,31})?")
_PATH_RE = re.compile(r"/bot(?P<token>[^/]+)/(?P<method>[A-Za-z]*)/?")
_FILE_PATH_RE = re.compile(r"/file/bot(?P<token>[^/]+)/(?P<path>.+)")
_BUTTON = "can't parse inline keyboard button"


# ----------------------------------------------------------------------------------------------
# Records (what tests assert on). Times are time.monotonic().
# ----------------------------------------------------------------------------------------------
@dataclass
class ApiCall:
    """One HTTP call the bot made, after it was answered."""

    method: str
    params: dict[str, Any]
    time: float
    status: int
    ok: bool
    result: Any = None
    description: str | None = None
    duration: float = 0.0


@dataclass
class FakeMessage:
    """A message in the fake's world: sent by the bot (``from_bot``) or injected as a user's."""

    chat_id: int
    message_id: int
    text: str | None  # as sent: the raw ``text`` param (HTML source), a user's text or caption
    plain_text: str  # what a user sees: tags stripped, entities decoded
    parse_mode: str | None = None
    entities: list[dict[str, Any]] = field(default_factory=list)
    reply_markup: dict[str, Any] | None = None
    message_thread_id: int | None = None
    reply_to: int | None = None
    from_bot: bool = True
    user_id: int | None = None
    kind: str = "text"  # text | sticker | document
    params: dict[str, Any] = field(default_factory=dict)
    time: float = 0.0
    edited: bool = False
    payload: dict[str, Any] | None = None  # the Message dict of an injected message

    @property
    def buttons(self) -> list[dict[str, Any]]:
        """Inline keyboard buttons, row by row, flattened."""
        rows = (self.reply_markup or {}).get("inline_keyboard") or []
        return [button for row in rows for button in row]

    @property
    def callback_data(self) -> list[str]:
        return [b["callback_data"] for b in self.buttons if "callback_data" in b]


@dataclass
class Edit:
    method: str  # editMessageText | editMessageReplyMarkup
    chat_id: int | None
    message_id: int | None
    text: str | None
    plain_text: str | None
    parse_mode: str | None
    reply_markup: dict[str, Any] | None
    params: dict[str, Any]
    time: float
    inline_message_id: str | None = None


@dataclass
class CallbackAnswer:
    callback_query_id: str
    chat_id: int
    message_id: int
    data: str
    text: str | None
    show_alert: bool
    params: dict[str, Any]
    time: float


@dataclass
class InlineAnswer:
    inline_query_id: str
    user_id: int
    query: str
    results: list[dict[str, Any]]
    params: dict[str, Any]
    time: float


@dataclass
class ChatAction:
    chat_id: int
    action: str
    message_thread_id: int | None
    time: float


@dataclass
class HeldRequest:
    """A request parked by ``hold_chat``; ``state`` is held, released or dropped."""

    method: str
    chat_id: int
    params: dict[str, Any]
    time: float
    state: str = "held"


@dataclass
class InjectedUpdate:
    update_id: int
    kind: str  # message | callback_query | inline_query | my_chat_member | ...
    payload: dict[str, Any]  # the whole Update dict
    time: float
    delivered: bool = False  # handed to the bot in a getUpdates answer
    confirmed: bool = False  # a later getUpdates offset acknowledged it
    filtered: bool = False  # dropped because of allowed_updates


@dataclass
class _FailureRule:
    code: int
    description: str
    retry_after: int | None
    remaining: int | None
    methods: frozenset[str] | None


class _ApiError(Exception):
    def __init__(self, code: int, description: str, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
        self.retry_after = retry_after


def _bad(description: str) -> _ApiError:
    return _ApiError(400, f"Bad Request: {description}")


def _decode_form_value(name: str, value: str) -> Any:
    """Undo PTB's per-field JSON encoding; strings that are strings stay strings."""
    if name in STRING_PARAMS or not value:
        return value
    if value[0] in '{["-0123456789' or value in ("true", "false", "null"):
        with contextlib.suppress(ValueError):
            return json.loads(value)
    return value


def _client_gone(request: web.Request) -> bool:
    transport = request.transport
    return transport is None or transport.is_closing()


def _short(text: str | None, limit: int = 300) -> str:
    text = "" if text is None else text
    return text if len(text) <= limit else text[: limit - 1] + "…"


# ----------------------------------------------------------------------------------------------
class FakeBotApi:
    """Fake Bot API server on 127.0.0.1 with recording, scripted failures and update injection."""

    def __init__(
        self,
        token: str = "123456789:TEST-token_for_the_fake_bot_api",
        *,
        bot_username: str = "naba_test_bot",
        bot_first_name: str = "Naba",
        strict_html: bool = True,
        max_poll_timeout: float = 50.0,
    ) -> None:
        self.token = token
        prefix = token.split(":", 1)[0]
        self.bot_id = int(prefix) if prefix.isdigit() else 123456789
        self.bot_username = bot_username
        self.bot_first_name = bot_first_name
        self.strict_html = strict_html
        self.max_poll_timeout = max_poll_timeout
        self.port: int | None = None
        # Seconds each send takes to answer, as Telegram's ~100 ms: long enough for a process
        # killed mid fan-out to die with a request in flight.
        self.send_latency = 0.0

        self._lock = threading.RLock()
        self._t0 = time.monotonic()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._loop_thread: int | None = None
        self._runner: web.AppRunner | None = None
        self._wakeup: asyncio.Event | None = None
        self._closing = False

        self._calls: list[ApiCall] = []
        self._lose_answers: dict[int, tuple[frozenset[str], int]] = {}
        self._sent: list[FakeMessage] = []
        self._edits: list[Edit] = []
        self._callback_answers: list[CallbackAnswer] = []
        self._inline_answers: list[InlineAnswer] = []
        self._chat_actions: list[ChatAction] = []
        self._commands: dict[tuple[str, str], list[dict[str, str]]] = {}
        self._updates: list[InjectedUpdate] = []
        self._queue: list[InjectedUpdate] = []
        self._held: list[HeldRequest] = []
        self._dropped: list[HeldRequest] = []
        self._internal_errors: list[str] = []

        self._messages: dict[tuple[int, int], FakeMessage] = {}
        self._next_mid: dict[int, int] = {}
        self._chats: dict[int, dict[str, Any]] = {}
        self._chat_admins: dict[int, set[int]] = {}
        self._files: dict[str, tuple[bytes, str]] = {}  # file_id -> (content, file_path)
        self._callback_queries: dict[str, dict[str, Any]] = {}
        self._inline_queries: dict[str, dict[str, Any]] = {}
        self._failures: dict[int, list[_FailureRule]] = {}
        self._holds: dict[int, frozenset[str] | None] = {}
        self._allowed_updates: frozenset[str] | None = None  # None: Telegram's default set
        self._webhook_url = ""
        self._poll_generation = 0
        self._live_polls = 0
        self._ids = itertools.count(1)
        self._next_update_id = FIRST_UPDATE_ID

        self._handlers: dict[str, Callable[[dict[str, Any]], Any]] = {
            "getMe": self._get_me,
            "logOut": lambda p: True,
            "close": lambda p: True,
            "deleteWebhook": self._delete_webhook,
            "setWebhook": self._set_webhook,
            "getWebhookInfo": self._get_webhook_info,
            "setMyCommands": self._set_my_commands,
            "getMyCommands": self._get_my_commands,
            "deleteMyCommands": self._delete_my_commands,
            "sendMessage": self._send_message,
            "editMessageText": self._edit_message_text,
            "editMessageReplyMarkup": self._edit_message_reply_markup,
            "answerCallbackQuery": self._answer_callback_query,
            "answerInlineQuery": self._answer_inline_query,
            "sendChatAction": self._send_chat_action,
            "getChat": self._get_chat,
            "getChatMember": self._get_chat_member,
            "getFile": self._get_file,
        }
        self._canonical = {name.lower(): name for name in [*self._handlers, "getUpdates"]}

    # -- lifecycle -----------------------------------------------------------------------------
    @property
    def base_url(self) -> str:
        """For PTB's ``base_url``: PTB appends the token."""
        return f"http://127.0.0.1:{self._require_port()}/bot"

    @property
    def base_file_url(self) -> str:
        return f"http://127.0.0.1:{self._require_port()}/file/bot"

    def _require_port(self) -> int:
        if self.port is None:
            raise RuntimeError("FakeBotApi is not started")
        return self.port

    async def start(self) -> None:
        """Bind 127.0.0.1 on a free port and serve on the running loop."""
        self._loop = asyncio.get_running_loop()
        self._loop_thread = threading.get_ident()
        self._t0 = time.monotonic()  # transcript times count from here
        self._wakeup = asyncio.Event()
        self._closing = False
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/{tail:.*}", self._dispatch)
        # shutdown_timeout bounds how long stop() waits for in-flight handlers.
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=2.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = self._runner.addresses[0][1]

    async def stop(self) -> None:
        """End pending long polls and held requests, then close the server."""
        self._closing = True
        self._wake()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> FakeBotApi:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    @contextlib.contextmanager
    def in_thread(self, *, startup_timeout: float = 10.0) -> Iterator[FakeBotApi]:
        """Serve from a background thread with its own event loop for the ``with`` block."""
        loop = asyncio.new_event_loop()
        thread = threading.Thread(target=loop.run_forever, name="FakeBotApi", daemon=True)
        thread.start()
        try:
            asyncio.run_coroutine_threadsafe(self.start(), loop).result(startup_timeout)
            yield self
        finally:
            try:
                if self._runner is not None:
                    asyncio.run_coroutine_threadsafe(self.stop(), loop).result(15)
            finally:
                loop.call_soon_threadsafe(loop.stop)
                thread.join(10)
                if not thread.is_alive():
                    loop.close()

    def _on_server_thread(self) -> bool:
        return self._loop_thread == threading.get_ident()

    def _wake(self) -> None:
        """Wake long polls and held requests so they re-check state; callable from any thread."""
        loop = self._loop
        if loop is None or loop.is_closed():
            return
        if not self._on_server_thread():
            with contextlib.suppress(RuntimeError):  # loop already stopped
                loop.call_soon_threadsafe(self._wake)
            return
        if self._wakeup is not None:
            event, self._wakeup = self._wakeup, asyncio.Event()
            event.set()

    async def _wait_for_wake(self, timeout: float) -> None:
        assert self._wakeup is not None
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._wakeup.wait(), max(timeout, 0))

    # -- recorded state (copies, safe to read from any thread) ---------------------------------
    def _copy(self, items: Iterable[T]) -> list[T]:
        with self._lock:
            return list(items)

    @property
    def calls(self) -> list[ApiCall]:
        return self._copy(self._calls)

    @property
    def sent(self) -> list[FakeMessage]:
        """Messages the bot sent, as they were when sent (edits do not change these)."""
        return self._copy(self._sent)

    @property
    def edits(self) -> list[Edit]:
        return self._copy(self._edits)

    @property
    def callback_answers(self) -> list[CallbackAnswer]:
        return self._copy(self._callback_answers)

    @property
    def inline_answers(self) -> list[InlineAnswer]:
        return self._copy(self._inline_answers)

    @property
    def chat_actions(self) -> list[ChatAction]:
        return self._copy(self._chat_actions)

    @property
    def commands(self) -> dict[tuple[str, str], list[dict[str, str]]]:
        """``{(scope_key, language_code): [{"command", "description"}, ...]}``; scope_key is
        ``default``, ``all_private_chats``, ``chat:<id>``, ``chat_member:<chat>:<user>``, …"""
        with self._lock:
            return {key: [dict(c) for c in cmds] for key, cmds in self._commands.items()}

    @property
    def updates(self) -> list[InjectedUpdate]:
        return self._copy(self._updates)

    @property
    def pending_updates(self) -> list[InjectedUpdate]:
        """Queued updates not yet confirmed by a getUpdates offset."""
        return self._copy(self._queue)

    @property
    def held(self) -> list[HeldRequest]:
        return self._copy(self._held)

    @property
    def dropped(self) -> list[HeldRequest]:
        """Held requests whose client went away before release: lost, never processed."""
        return self._copy(self._dropped)

    @property
    def internal_errors(self) -> list[str]:
        """Tracebacks of bugs in the fake itself (answered with HTTP 500)."""
        return self._copy(self._internal_errors)

    @property
    def is_polling(self) -> bool:
        """True while a getUpdates long poll from a live connection is waiting."""
        with self._lock:
            return self._live_polls > 0

    def sent_to(self, chat_id: int) -> list[FakeMessage]:
        with self._lock:
            return [m for m in self._sent if m.chat_id == chat_id]

    def calls_to(self, method: str) -> list[ApiCall]:
        with self._lock:
            return [c for c in self._calls if c.method == method]

    def message(self, chat_id: int, message_id: int) -> FakeMessage:
        """Current state of a message (after edits)."""
        with self._lock:
            return self._messages[(chat_id, message_id)]

    def update(self, update_id: int) -> InjectedUpdate:
        with self._lock:
            for update in self._updates:
                if update.update_id == update_id:
                    return update
        raise KeyError(f"no update {update_id} was injected")

    # -- scripting -----------------------------------------------------------------------------
    def fail_chat(
        self,
        chat_id: int,
        error_code: int = 403,
        *,
        retry_after: int | None = None,
        times: int | None = None,
        description: str | None = None,
        methods: Iterable[str] | None = ("sendMessage",),
    ) -> None:
        """Answer the next ``times`` (None: all) calls of ``methods`` (None: any method with this
        chat_id) for the chat with ``error_code``. Rules queue up: a ``times``-limited rule is
        used up before the next one applies."""
        if error_code == 429 and retry_after is None:
            retry_after = 1
        template = description or DEFAULT_DESCRIPTIONS.get(error_code, f"Error {error_code}")
        rule = _FailureRule(
            code=error_code,
            description=template.format(retry_after=retry_after),
            retry_after=retry_after,
            remaining=times,
            methods=None if methods is None else frozenset(methods),
        )
        with self._lock:
            self._failures.setdefault(chat_id, []).append(rule)

    def clear_failures(self, chat_id: int | None = None) -> None:
        with self._lock:
            if chat_id is None:
                self._failures.clear()
            else:
                self._failures.pop(chat_id, None)

    def hold_chat(self, chat_id: int, methods: Iterable[str] | None = ("sendMessage",)) -> None:
        """Park requests to the chat unprocessed, unrecorded and unanswered until ``release``;
        one whose client disconnects meanwhile (bot killed, client timeout) is dropped."""
        with self._lock:
            self._holds[chat_id] = None if methods is None else frozenset(methods)

    def release(self, chat_id: int) -> None:
        """Stop holding; parked requests whose client is still connected are processed."""
        with self._lock:
            self._holds.pop(chat_id, None)
        self._wake()

    def register_file(
        self, content: bytes, *, file_name: str = "file.txt", file_id: str | None = None
    ) -> str:
        """Make ``content`` downloadable through getFile; returns the file_id."""
        n = next(self._ids)
        file_id = file_id or f"BQACAgIAAxkBAAI{n:08d}"
        suffix = "." + file_name.rsplit(".", 1)[1] if "." in file_name else ""
        with self._lock:
            self._files[file_id] = (bytes(content), f"documents/file_{n}{suffix}")
        return file_id

    def set_chat_admins(self, chat_id: int, user_ids: Iterable[int]) -> None:
        """Who getChatMember reports as administrators of a group (everyone else: member)."""
        with self._lock:
            self._chat_admins[chat_id] = set(user_ids)

    def add_chat(self, chat_id: int, chat_type: str, *, title: str | None = None) -> None:
        with self._lock:
            self._ensure_chat(chat_id, chat_type, title=title)

    # -- injecting updates ---------------------------------------------------------------------
    def send_text(
        self,
        chat_id: int,
        text: str,
        *,
        user_id: int | None = None,
        chat_type: str | None = None,
        entities: list[dict[str, Any]] | None = None,
        reply_to_bot: bool | int = False,
        message_thread_id: int | None = None,
        username: str | None = None,
        first_name: str | None = None,
        language_code: str = "ar",
    ) -> int:
        """A user's text message. Without ``entities``, a leading /command gets a bot_command
        entity and each @username a mention entity, as Telegram adds them. ``reply_to_bot``:
        True replies to the bot's last message in the chat, an int to that message id."""
        if entities is None:
            entities = self._auto_entities(text)
        extra: dict[str, Any] = {"text": text}
        if entities:
            extra["entities"] = entities
        return self._inject_message(
            chat_id, extra, kind="text", text=text, user_id=user_id, chat_type=chat_type,
            reply_to=reply_to_bot, thread=message_thread_id, username=username,
            first_name=first_name, language_code=language_code,
        )  # fmt: skip

    def post_in_channel(self, chat_id: int, text: str, *, title: str | None = None) -> int:
        """A channel post (update kind ``channel_post``), e.g. an admin's /subscribe."""
        self.add_chat(chat_id, "channel", title=title)
        extra: dict[str, Any] = {"text": text}
        entities = self._auto_entities(text)
        if entities:
            extra["entities"] = entities
        return self._inject_message(
            chat_id, extra, kind="text", text=text, user_id=None, chat_type="channel",
            thread=None, update_kind="channel_post",
        )  # fmt: skip

    def send_sticker(
        self,
        chat_id: int,
        *,
        emoji: str = "👍",
        user_id: int | None = None,
        chat_type: str | None = None,
        message_thread_id: int | None = None,
    ) -> int:
        n = next(self._ids)
        sticker = {
            "file_id": f"CAACAgIAAxkBAAI{n:08d}", "file_unique_id": f"AgADst{n}", "type": "regular",
            "width": 512, "height": 512, "is_animated": False, "is_video": False, "emoji": emoji,
        }  # fmt: skip
        return self._inject_message(
            chat_id, {"sticker": sticker}, kind="sticker", text=None, user_id=user_id,
            chat_type=chat_type, thread=message_thread_id,
        )  # fmt: skip

    def send_document(
        self,
        chat_id: int,
        file_name: str,
        content: bytes,
        *,
        caption: str | None = None,
        mime_type: str | None = None,
        user_id: int | None = None,
        chat_type: str | None = None,
        message_thread_id: int | None = None,
        username: str | None = None,
        declared_size: int | bool | None = True,
    ) -> int:
        """A user's document; its bytes are served by getFile + download. ``declared_size``:
        True states the real size, None states none, an int states that (a lie)."""
        file_id = self.register_file(content, file_name=file_name)
        with self._lock:
            unique = f"AgADdoc{len(self._files)}"
        mime_type = mime_type or mimetypes.guess_type(file_name)[0] or "application/octet-stream"
        document = {
            "file_id": file_id,
            "file_unique_id": unique,
            "file_name": file_name,
            "mime_type": mime_type,
        }
        if declared_size is True:
            document["file_size"] = len(content)
        elif declared_size is not None:
            document["file_size"] = declared_size
        extra: dict[str, Any] = {"document": document}
        if caption:
            extra["caption"] = caption
            if caption_entities := self._auto_entities(caption):
                extra["caption_entities"] = caption_entities
        return self._inject_message(
            chat_id, extra, kind="document", text=caption, user_id=user_id, chat_type=chat_type,
            thread=message_thread_id, username=username,
        )  # fmt: skip

    def press_button(
        self,
        chat_id: int,
        message_id: int | None,
        data: str,
        *,
        user_id: int | None = None,
        check: bool = True,
    ) -> int:
        """A callback_query for the bot's message (None: its latest one carrying ``data``).
        With ``check``, the message's current keyboard must have a button with that data."""
        with self._lock:
            if message_id is None:
                candidates = [
                    m for m in self._messages.values()
                    if m.chat_id == chat_id and m.from_bot and data in m.callback_data
                ]  # fmt: skip
                if not candidates:
                    raise ValueError(f"no bot message in chat {chat_id} has a button {data!r}")
                message_id = max(m.message_id for m in candidates)
            msg = self._messages.get((chat_id, message_id))
            if msg is None or not msg.from_bot:
                raise ValueError(f"no bot message {message_id} in chat {chat_id}")
            if check and data not in msg.callback_data:
                raise ValueError(
                    f"message {message_id} in chat {chat_id} has no button {data!r}; "
                    f"its callback_data: {msg.callback_data}"
                )
            chat = self._ensure_chat(chat_id)
            query_id = str(4_000_000_000_000 + next(self._ids))
            self._callback_queries[query_id] = {
                "chat_id": chat_id, "message_id": message_id, "data": data, "answered": False,
            }  # fmt: skip
            query = {
                "id": query_id,
                "from": self._user(user_id or self._default_user(chat)),
                "message": self._message_dict(msg),
                "chat_instance": str(abs(chat_id) * 7 + 13),
                "data": data,
            }
            return self._queue_update("callback_query", query)

    def inline_query(
        self, user_id: int, query: str, *, offset: str = "", chat_type: str = "sender"
    ) -> int:
        with self._lock:
            query_id = str(8_000_000_000_000 + next(self._ids))
            self._inline_queries[query_id] = {"user_id": user_id, "query": query, "answered": False}
            payload = {
                "id": query_id, "from": self._user(user_id), "query": query, "offset": offset,
                "chat_type": chat_type,
            }  # fmt: skip
            return self._queue_update("inline_query", payload)

    def bot_blocked(self, chat_id: int, *, fail_sends: bool = True) -> int:
        """The user blocked the bot: a my_chat_member update, and (``fail_sends``) every later
        call for that chat answers 403 like Telegram does."""
        with self._lock:
            chat = self._ensure_chat(chat_id, "private")
            bot = self._bot_user()
            payload = {
                "chat": chat,
                "from": self._user(chat_id),
                "date": int(time.time()),
                "old_chat_member": {"status": "member", "user": bot},
                "new_chat_member": {"status": "kicked", "user": bot, "until_date": 0},
            }
            update_id = self._queue_update("my_chat_member", payload)
        if fail_sends:
            self.fail_chat(chat_id, 403, methods=None)
        return update_id

    def queue_update(self, kind: str, payload: dict[str, Any]) -> int:
        """Queue a hand-built update ``{"update_id": ..., kind: payload}``."""
        with self._lock:
            return self._queue_update(kind, payload)

    def _queue_update(self, kind: str, payload: dict[str, Any]) -> int:
        update_id = self._next_update_id
        self._next_update_id += 1
        update = InjectedUpdate(
            update_id, kind, {"update_id": update_id, kind: payload}, time.monotonic()
        )
        self._updates.append(update)
        self._queue.append(update)
        self._wake()
        return update_id

    def _inject_message(
        self,
        chat_id: int,
        extra: dict[str, Any],
        *,
        kind: str,
        text: str | None,
        user_id: int | None,
        chat_type: str | None,
        thread: int | None,
        reply_to: bool | int = False,
        username: str | None = None,
        first_name: str | None = None,
        update_kind: str = "message",
        language_code: str = "ar",
    ) -> int:
        with self._lock:
            chat = self._ensure_chat(chat_id, chat_type, forum=thread is not None)
            uid = user_id or self._default_user(chat)
            mid = self._new_message_id(chat_id)
            message: dict[str, Any] = {
                "message_id": mid,
                "from": self._user(uid, username=username, first_name=first_name,
                                   language_code=language_code),
                "chat": dict(chat),
                "date": int(time.time()),
            }
            if update_kind == "channel_post":
                del message["from"]  # channel posts are signed by the channel, not a user
            if thread is not None:
                message.update(message_thread_id=thread, is_topic_message=True)
            reply_id = None
            if reply_to is not False:
                target = self._reply_target_for_user(chat_id, reply_to)
                reply_id = target.message_id
                message["reply_to_message"] = self._message_dict(target)
            message.update(extra)
            self._messages[(chat_id, mid)] = FakeMessage(
                chat_id=chat_id, message_id=mid, text=text, plain_text=text or "",
                entities=list(extra.get("entities", [])), message_thread_id=thread,
                reply_to=reply_id, from_bot=False, user_id=uid, kind=kind, time=time.monotonic(),
                payload=message,
            )  # fmt: skip
            return self._queue_update(update_kind, message)

    def _reply_target_for_user(self, chat_id: int, reply_to: bool | int) -> FakeMessage:
        if reply_to is True:
            mine = [m for m in self._messages.values() if m.chat_id == chat_id and m.from_bot]
            if not mine:
                raise ValueError(f"the bot has sent nothing to chat {chat_id} to reply to")
            return max(mine, key=lambda m: m.message_id)
        target = self._messages.get((chat_id, int(reply_to)))
        if target is None:
            raise ValueError(f"no message {reply_to} in chat {chat_id}")
        return target

    def _auto_entities(self, text: str) -> list[dict[str, Any]]:
        entities: list[dict[str, Any]] = []
        if command := _BOT_COMMAND_RE.match(text):
            entities.append({"type": "bot_command", "offset": 0, "length": utf16_len(command[0])})
        for mention in _MENTION_RE.finditer(text):
            entities.append(
                {
                    "type": "mention",
                    "offset": utf16_len(text[: mention.start()]),
                    "length": utf16_len(mention[0]),
                }
            )
        return entities

    # -- Telegram objects ----------------------------------------------------------------------
    def _bot_user(self) -> dict[str, Any]:
        return {
            "id": self.bot_id, "is_bot": True, "first_name": self.bot_first_name,
            "username": self.bot_username,
        }  # fmt: skip

    def _user(
        self,
        user_id: int,
        *,
        username: str | None = None,
        first_name: str | None = None,
        language_code: str = "ar",
    ) -> dict[str, Any]:
        return {
            "id": user_id, "is_bot": False, "first_name": first_name or f"User {user_id}",
            "username": username or f"user{user_id}", "language_code": language_code,
        }  # fmt: skip

    def _default_user(self, chat: dict[str, Any]) -> int:
        return chat["id"] if chat["type"] == "private" else DEFAULT_GROUP_USER

    def _ensure_chat(
        self,
        chat_id: int,
        chat_type: str | None = None,
        *,
        title: str | None = None,
        forum: bool = False,
    ) -> dict[str, Any]:
        chat = self._chats.get(chat_id)
        if chat is None or (chat_type is not None and chat["type"] != chat_type):
            if chat_type is None:
                chat_type = "private" if chat_id > 0 else "supergroup"
            if chat_type == "private":
                chat = {
                    "id": chat_id, "type": "private", "first_name": f"User {chat_id}",
                    "username": f"user{chat_id}",
                }  # fmt: skip
            else:
                chat = {"id": chat_id, "type": chat_type, "title": title or f"Group {chat_id}"}
            self._chats[chat_id] = chat
        if forum and chat["type"] == "supergroup":
            chat["is_forum"] = True
        return chat

    def _new_message_id(self, chat_id: int) -> int:
        mid = self._next_mid.get(chat_id, 1)
        self._next_mid[chat_id] = mid + 1
        return mid

    def _message_dict(self, msg: FakeMessage) -> dict[str, Any]:
        if msg.payload is not None:
            return msg.payload
        out: dict[str, Any] = {
            "message_id": msg.message_id,
            "from": self._bot_user(),
            "chat": dict(self._ensure_chat(msg.chat_id)),
            "date": int(time.time() - (time.monotonic() - msg.time)),
            "text": msg.plain_text,
        }
        if msg.entities:
            out["entities"] = msg.entities
        if msg.reply_markup and "inline_keyboard" in msg.reply_markup:
            out["reply_markup"] = msg.reply_markup
        if msg.message_thread_id is not None:
            out.update(message_thread_id=msg.message_thread_id, is_topic_message=True)
        if msg.edited:
            out["edit_date"] = int(time.time())
        if msg.reply_to is not None and (target := self._messages.get((msg.chat_id, msg.reply_to))):
            out["reply_to_message"] = {
                k: v for k, v in self._message_dict(target).items() if k != "reply_to_message"
            }
        return out

    # -- HTTP ----------------------------------------------------------------------------------
    async def _dispatch(self, request: web.Request) -> web.StreamResponse:
        if file_match := _FILE_PATH_RE.fullmatch(request.path):
            return self._download(file_match["token"], file_match["path"])
        received = time.monotonic()
        match = _PATH_RE.fullmatch(request.path)
        if match is None:
            return self._error_response(_ApiError(404, "Not Found"))
        method = self._canonical.get(match["method"].lower(), match["method"] or "?")
        try:
            params = await self._read_params(request)
        except ValueError:
            return self._error_response(_bad("can't parse request JSON object"))
        if match["token"] != self.token:
            return self._finish(method, params, received, _ApiError(401, "Unauthorized"))
        if method not in self._handlers and method != "getUpdates":
            return self._finish(method, params, received, _ApiError(404, "Not Found"))

        chat_id = params.get("chat_id")
        if isinstance(chat_id, int) and not await self._pass_hold(request, method, chat_id, params):
            # Lost: nobody is listening, or the server is shutting down under the request.
            if request.transport is not None:
                request.transport.close()
            return web.Response(status=503)
        received = time.monotonic()  # a released request counts from its release
        if self.send_latency and method.startswith("send"):
            await asyncio.sleep(self.send_latency)
        try:
            if isinstance(chat_id, int):
                self._raise_scripted_failure(chat_id, method)
            if method == "getUpdates":
                result = await self._get_updates(params, request)
            else:
                with self._lock:
                    result = self._handlers[method](params)
        except _ApiError as err:
            return self._finish(method, params, received, err)
        except Exception:
            with self._lock:
                self._internal_errors.append(f"{method}: {traceback.format_exc()}")
            error = _ApiError(500, "Internal Server Error: bug in the fake Bot API (see dump)")
            return self._finish(method, params, received, error)
        response = self._finish(method, params, received, result=result)
        lose = self._lose_answers.get(chat_id) if isinstance(chat_id, int) else None
        if lose and method in lose[0] and lose[1] > 0:
            # done and recorded, as Telegram would have it; only the answer never arrives
            with self._lock:
                self._lose_answers[chat_id] = (lose[0], lose[1] - 1)
            if request.transport is not None:
                request.transport.close()
        return response

    def lose_answers(
        self, chat_id: int, times: int = 1, methods: Iterable[str] = ("sendMessage",)
    ) -> None:
        """Carry out the next ``times`` calls to the chat (the message is sent and recorded)
        but drop the connection instead of answering: the client sees a reset after its
        request went through, the fault that turns retries into duplicates."""
        with self._lock:
            self._lose_answers[chat_id] = (frozenset(methods), times)

    def _finish(
        self,
        method: str,
        params: dict[str, Any],
        received: float,
        error: _ApiError | None = None,
        *,
        result: Any = None,
    ) -> web.Response:
        call = ApiCall(
            method=method, params=params, time=received, status=error.code if error else 200,
            ok=error is None, result=result, description=error.description if error else None,
            duration=time.monotonic() - received,
        )  # fmt: skip
        with self._lock:
            self._calls.append(call)
        if error is not None:
            return self._error_response(error)
        return web.json_response({"ok": True, "result": result})

    @staticmethod
    def _error_response(error: _ApiError) -> web.Response:
        body: dict[str, Any] = {
            "ok": False, "error_code": error.code, "description": error.description,
        }  # fmt: skip
        if error.retry_after is not None:
            body["parameters"] = {"retry_after": error.retry_after}
        return web.json_response(body, status=error.code)

    async def _read_params(self, request: web.Request) -> dict[str, Any]:
        params: dict[str, Any] = {k: _decode_form_value(k, v) for k, v in request.query.items()}
        if request.method != "POST" or not request.can_read_body:
            return params
        if request.content_type == "application/json":
            body = await request.json()
            if not isinstance(body, dict):
                raise ValueError("JSON body is not an object")
            for key, value in body.items():
                # Telegram also accepts nested objects JSON-encoded into strings.
                params[key] = _decode_form_value(key, value) if isinstance(value, str) else value
            return params
        form = await request.post()
        for key, value in form.items():
            if isinstance(value, web.FileField):
                params[key] = {"filename": value.filename, "content": value.file.read()}
            else:
                params[key] = _decode_form_value(key, str(value))
        return params

    def _download(self, token: str, path: str) -> web.Response:
        received = time.monotonic()
        with self._lock:
            found = next((c for c, p in self._files.values() if p == path), None)
        params = {"file_path": path}
        if token != self.token or found is None:
            return self._finish("downloadFile", params, received, _ApiError(404, "Not Found"))
        self._finish("downloadFile", params, received, result=len(found))
        return web.Response(body=found, content_type="application/octet-stream")

    async def _pass_hold(
        self, request: web.Request, method: str, chat_id: int, params: dict[str, Any]
    ) -> bool:
        """Park a held request; True once released, False if its client went away."""

        def holding() -> bool:
            with self._lock:
                if chat_id not in self._holds:
                    return False
                methods = self._holds[chat_id]
                return methods is None or method in methods

        if not holding():
            return True
        parked = HeldRequest(method, chat_id, params, time.monotonic())
        with self._lock:
            self._held.append(parked)
        try:
            while True:
                if _client_gone(request) or self._closing:
                    parked.state = "dropped"
                    with self._lock:
                        self._dropped.append(parked)
                    return False
                if not holding():
                    parked.state = "released"
                    return True
                await self._wait_for_wake(0.05)
        finally:
            with self._lock:
                self._held.remove(parked)

    def _raise_scripted_failure(self, chat_id: int, method: str) -> None:
        with self._lock:
            rules = self._failures.get(chat_id, [])
            for rule in rules:
                if rule.methods is not None and method not in rule.methods:
                    continue
                if rule.remaining is not None:
                    rule.remaining -= 1
                    if rule.remaining <= 0:
                        rules.remove(rule)
                raise _ApiError(rule.code, rule.description, rule.retry_after)

    # -- long polling --------------------------------------------------------------------------
    async def _get_updates(self, params: dict[str, Any], request: web.Request) -> list[Any]:
        if self._webhook_url:
            raise _ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; use "
                "deleteWebhook to delete the webhook first",
            )
        offset = int(params.get("offset") or 0)
        limit = min(max(int(params.get("limit") or 100), 1), 100)
        timeout = min(max(float(params.get("timeout") or 0), 0.0), self.max_poll_timeout)
        with self._lock:
            if "allowed_updates" in params and params["allowed_updates"] is not None:
                allowed = params["allowed_updates"]
                self._allowed_updates = frozenset(allowed) if allowed else None
            self._confirm(offset)
            # A newer getUpdates ends an older one still waiting, as on Telegram.
            self._poll_generation += 1
            generation = self._poll_generation
            self._live_polls += 1
        self._wake()
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        try:
            while True:
                if generation != self._poll_generation:
                    raise _ApiError(409, POLL_CONFLICT)
                if self._closing or _client_gone(request):
                    return []
                with self._lock:
                    batch = self._take_batch(limit)
                    if batch:
                        for update in batch:
                            update.delivered = True
                        return [update.payload for update in batch]
                remaining = deadline - loop.time()
                if remaining <= 0:
                    return []
                # Re-check periodically: a killed client must not count as polling.
                await self._wait_for_wake(min(remaining, 0.25))
        finally:
            with self._lock:
                self._live_polls -= 1

    def _confirm(self, offset: int) -> None:
        if offset > 0:
            keep = [u for u in self._queue if u.update_id >= offset]
        elif offset < 0:
            keep = self._queue[offset:]
        else:
            return
        for update in self._queue:
            if update not in keep:
                update.confirmed = True
        self._queue = keep

    def _take_batch(self, limit: int) -> list[InjectedUpdate]:
        allowed = self._allowed_updates
        batch: list[InjectedUpdate] = []
        for update in list(self._queue):
            if allowed is None:
                wanted = update.kind not in NOT_BY_DEFAULT
            else:
                wanted = update.kind in allowed
            if not wanted:  # Telegram drops filtered updates for good
                update.filtered = True
                self._queue.remove(update)
                continue
            batch.append(update)
            if len(batch) == limit:
                break
        return batch

    # -- methods (run under self._lock) --------------------------------------------------------
    def _get_me(self, p: dict[str, Any]) -> dict[str, Any]:
        return {
            **self._bot_user(), "can_join_groups": True, "can_read_all_group_messages": False,
            "supports_inline_queries": True, "can_connect_to_business": False,
            "has_main_web_app": False,
        }  # fmt: skip

    def _delete_webhook(self, p: dict[str, Any]) -> bool:
        self._webhook_url = ""
        if p.get("drop_pending_updates"):
            self._drop_pending()
        return True

    def _drop_pending(self) -> None:
        for update in self._queue:
            update.confirmed = True
        self._queue.clear()

    def _set_webhook(self, p: dict[str, Any]) -> bool:
        url = p.get("url") or ""
        if url and not url.startswith("https://"):
            raise _bad("bad webhook: An HTTPS URL must be provided for webhook")
        self._webhook_url = url
        if p.get("drop_pending_updates"):
            self._drop_pending()
        return True

    def _get_webhook_info(self, p: dict[str, Any]) -> dict[str, Any]:
        return {
            "url": self._webhook_url, "has_custom_certificate": False,
            "pending_update_count": len(self._queue),
        }  # fmt: skip

    @staticmethod
    def _scope_key(scope: Any) -> str:
        if scope is None:
            return "default"
        if not isinstance(scope, dict) or not isinstance(scope.get("type"), str):
            raise _bad("can't parse BotCommandScope JSON object")
        kind = scope["type"]
        if kind in ("default", "all_private_chats", "all_group_chats", "all_chat_administrators"):
            return kind
        if kind in ("chat", "chat_administrators") and "chat_id" in scope:
            return f"{kind}:{scope['chat_id']}"
        if kind == "chat_member" and "chat_id" in scope and "user_id" in scope:
            return f"chat_member:{scope['chat_id']}:{scope['user_id']}"
        raise _bad("can't parse BotCommandScope JSON object")

    def _set_my_commands(self, p: dict[str, Any]) -> bool:
        commands = p.get("commands")
        if not isinstance(commands, list) or len(commands) > 100:
            raise _bad("can't parse commands JSON object")
        clean: list[dict[str, str]] = []
        for command in commands:
            if not isinstance(command, dict) or not isinstance(command.get("command"), str):
                raise _bad("can't parse BotCommand JSON object")
            if not _COMMAND_RE.fullmatch(command["command"]):
                raise _bad("BOT_COMMAND_INVALID")
            description = command.get("description")
            if not isinstance(description, str) or not 1 <= len(description.strip()) <= 256:
                raise _bad("BOT_COMMAND_DESCRIPTION_INVALID")
            clean.append({"command": command["command"], "description": description})
        key = (self._scope_key(p.get("scope")), p.get("language_code") or "")
        if clean:
            self._commands[key] = clean
        else:
            self._commands.pop(key, None)
        return True

    def _get_my_commands(self, p: dict[str, Any]) -> list[dict[str, str]]:
        key = (self._scope_key(p.get("scope")), p.get("language_code") or "")
        return list(self._commands.get(key, []))

    def _delete_my_commands(self, p: dict[str, Any]) -> bool:
        self._commands.pop((self._scope_key(p.get("scope")), p.get("language_code") or ""), None)
        return True

    def _chat_id(self, p: dict[str, Any]) -> int:
        chat_id = p.get("chat_id")
        if chat_id is None or chat_id == "":
            raise _bad("chat_id is empty")
        if isinstance(chat_id, str) and chat_id.startswith("@"):
            for chat in self._chats.values():
                if chat.get("username", "").lower() == chat_id[1:].lower():
                    return int(chat["id"])
        if not isinstance(chat_id, int) or isinstance(chat_id, bool):
            raise _bad("chat not found")
        return chat_id

    def _parse_text(
        self,
        text: Any,
        parse_mode: Any,
        entities: Any = None,
        *,
        empty: str = "message text is empty",
        too_long: str = "message is too long",
    ) -> ParsedText:
        """Telegram's checks, in its order: parse entities, then empty, then length."""
        if not isinstance(text, str) or not text:
            raise _bad(empty)
        mode = (parse_mode or "").lower() if isinstance(parse_mode, str) else parse_mode
        if mode == "html":
            try:
                parsed = parse_html(text, strict_ampersand=self.strict_html)
            except HtmlParseError as err:
                raise _bad(f"can't parse entities: {err}") from None
        elif mode in ("", None):
            if entities is not None and not isinstance(entities, list):
                raise _bad("can't parse entities JSON object")
            parsed = ParsedText(text, list(entities or []))
        elif mode in ("markdown", "markdownv2"):
            parsed = ParsedText(text, [])  # not emulated: counted raw
        else:
            raise _bad(f"unsupported parse_mode {parse_mode!r}")
        if not parsed.text.strip():
            raise _bad(empty)
        if utf16_len(parsed.text) > MAX_TEXT:
            raise _bad(too_long)
        return parsed

    def _check_markup(self, markup: Any, *, inline_only: bool = False) -> dict[str, Any] | None:
        if markup is None:
            return None
        if not isinstance(markup, dict):
            raise _bad("can't parse reply keyboard markup JSON object")
        if "inline_keyboard" in markup:
            self._check_inline_keyboard(markup["inline_keyboard"])
        elif inline_only:
            raise _bad("inline keyboard expected")
        elif "keyboard" in markup:
            rows = markup["keyboard"]
            if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
                raise _bad('field "keyboard" of the ReplyKeyboardMarkup must be an Array')
        elif not (markup.get("remove_keyboard") or markup.get("force_reply")):
            raise _bad("can't parse reply keyboard markup JSON object")
        return markup

    @staticmethod
    def _check_inline_keyboard(rows: Any) -> None:
        if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
            raise _bad('field "inline_keyboard" of the InlineKeyboardMarkup must be an Array')
        if sum(len(r) for r in rows) > 100:
            raise _bad("reply markup is too long")
        for button in (b for row in rows for b in row):
            if not isinstance(button, dict):
                raise _bad(f"{_BUTTON}: InlineKeyboardButton must be an Object")
            if not isinstance(button.get("text"), str):
                raise _bad(f'{_BUTTON}: Field "text" must be of type String')
            if not any(action in button for action in BUTTON_ACTIONS):
                raise _bad(f"{_BUTTON}: Text buttons are unallowed in the inline keyboard")
            if "callback_data" in button:
                data = button["callback_data"]
                if not isinstance(data, str):
                    raise _bad(f'{_BUTTON}: Field "callback_data" must be of type String')
                if not 1 <= len(data.encode("utf-8")) <= MAX_CALLBACK_DATA_BYTES:
                    raise _bad("BUTTON_DATA_INVALID")
            if "url" in button:
                url = button["url"]
                if not isinstance(url, str) or not re.match(r"(https?|tg)://\S+$", url):
                    raise _bad(f"inline keyboard button URL '{url}' is invalid: Wrong HTTP URL")

    def _reply_to(self, chat_id: int, p: dict[str, Any]) -> int | None:
        reply = p.get("reply_parameters")
        if isinstance(reply, dict):
            target, lenient = reply.get("message_id"), reply.get("allow_sending_without_reply")
        else:
            target = p.get("reply_to_message_id")
            lenient = p.get("allow_sending_without_reply")
        if target is None:
            return None
        if (chat_id, target) not in self._messages:
            if lenient:
                return None
            raise _bad("message to be replied not found")
        return int(target)

    def _send_message(self, p: dict[str, Any]) -> dict[str, Any]:
        chat_id = self._chat_id(p)
        parsed = self._parse_text(p.get("text"), p.get("parse_mode"), p.get("entities"))
        markup = self._check_markup(p.get("reply_markup"))
        reply_to = self._reply_to(chat_id, p)
        self._ensure_chat(chat_id)
        msg = FakeMessage(
            chat_id=chat_id, message_id=self._new_message_id(chat_id), text=p["text"],
            plain_text=parsed.text, parse_mode=p.get("parse_mode"), entities=parsed.entities,
            reply_markup=markup, message_thread_id=p.get("message_thread_id"), reply_to=reply_to,
            params=p, time=time.monotonic(),
        )  # fmt: skip
        self._messages[(chat_id, msg.message_id)] = msg
        self._sent.append(dataclasses.replace(msg))
        return self._message_dict(msg)

    def _message_to_edit(self, p: dict[str, Any]) -> FakeMessage:
        chat_id = self._chat_id(p)
        message_id = p.get("message_id")
        if not isinstance(message_id, int):
            raise _bad("message identifier is not specified")
        msg = self._messages.get((chat_id, message_id))
        if msg is None:
            raise _bad("message to edit not found")
        if not msg.from_bot:
            raise _bad("message can't be edited")
        return msg

    def _record_edit(self, method: str, p: dict[str, Any], msg: FakeMessage | None) -> None:
        self._edits.append(
            Edit(
                method=method, chat_id=msg.chat_id if msg else None,
                message_id=msg.message_id if msg else None,
                text=p.get("text"), plain_text=msg.plain_text if msg else None,
                parse_mode=p.get("parse_mode"), reply_markup=p.get("reply_markup"), params=p,
                time=time.monotonic(), inline_message_id=p.get("inline_message_id"),
            )
        )  # fmt: skip

    def _edit_message_text(self, p: dict[str, Any]) -> Any:
        parsed = self._parse_text(p.get("text"), p.get("parse_mode"), p.get("entities"))
        markup = self._check_markup(p.get("reply_markup"), inline_only=True)
        if p.get("inline_message_id"):
            self._record_edit("editMessageText", p, None)
            return True
        msg = self._message_to_edit(p)
        if msg.kind != "text":
            raise _bad("there is no text in the message to edit")
        # Like Telegram, an edit without reply_markup removes the inline keyboard.
        current = (msg.plain_text, msg.entities, msg.reply_markup)
        if current == (parsed.text, parsed.entities, markup):
            raise _bad(NOT_MODIFIED)
        edited = dataclasses.replace(
            msg, text=p["text"], plain_text=parsed.text, parse_mode=p.get("parse_mode"),
            entities=parsed.entities, reply_markup=markup, edited=True,
        )  # fmt: skip
        self._messages[(msg.chat_id, msg.message_id)] = edited
        self._record_edit("editMessageText", p, edited)
        return self._message_dict(edited)

    def _edit_message_reply_markup(self, p: dict[str, Any]) -> Any:
        markup = self._check_markup(p.get("reply_markup"), inline_only=True)
        if p.get("inline_message_id"):
            self._record_edit("editMessageReplyMarkup", p, None)
            return True
        msg = self._message_to_edit(p)
        if msg.reply_markup == markup:
            raise _bad(NOT_MODIFIED)
        edited = dataclasses.replace(msg, reply_markup=markup, edited=True)
        self._messages[(msg.chat_id, msg.message_id)] = edited
        self._record_edit("editMessageReplyMarkup", p, edited)
        return self._message_dict(edited)

    def _answer_callback_query(self, p: dict[str, Any]) -> bool:
        query_id = str(p.get("callback_query_id") or "")
        query = self._callback_queries.get(query_id)
        if query is None or query["answered"]:
            raise _bad(QUERY_TOO_OLD)
        text = p.get("text")
        if text is not None and len(text) > 200:
            raise _bad("MESSAGE_TOO_LONG")
        query["answered"] = True
        self._callback_answers.append(
            CallbackAnswer(
                callback_query_id=query_id, chat_id=query["chat_id"],
                message_id=query["message_id"], data=query["data"], text=text,
                show_alert=bool(p.get("show_alert")), params=p, time=time.monotonic(),
            )
        )  # fmt: skip
        return True

    def _answer_inline_query(self, p: dict[str, Any]) -> bool:
        query_id = str(p.get("inline_query_id") or "")
        query = self._inline_queries.get(query_id)
        if query is None or query["answered"]:
            raise _bad(QUERY_TOO_OLD)
        results = p.get("results")
        if not isinstance(results, list):
            raise _bad("can't parse inline query results JSON object")
        if len(results) > MAX_INLINE_RESULTS:
            raise _bad("RESULTS_TOO_MUCH")
        seen: set[str] = set()
        for result in results:
            self._check_inline_result(result, seen)
        query["answered"] = True
        self._inline_answers.append(
            InlineAnswer(
                inline_query_id=query_id, user_id=query["user_id"], query=query["query"],
                results=results, params=p, time=time.monotonic(),
            )
        )  # fmt: skip
        return True

    def _check_inline_result(self, result: Any, seen: set[str]) -> None:
        if not isinstance(result, dict):
            raise _bad("can't parse InlineQueryResult JSON object")
        if result.get("type") not in INLINE_RESULT_TYPES:
            raise _bad("RESULT_TYPE_INVALID")
        result_id = result.get("id")
        if not isinstance(result_id, str) or not 1 <= len(result_id.encode("utf-8")) <= 64:
            raise _bad("RESULT_ID_INVALID")
        if result_id in seen:
            raise _bad("RESULT_ID_DUPLICATE")
        seen.add(result_id)
        content = result.get("input_message_content")
        if result["type"] == "article":
            if not isinstance(result.get("title"), str) or not result["title"].strip():
                raise _bad("RESULT_TITLE_EMPTY")
            if not isinstance(content, dict):
                raise _bad("can't parse InlineQueryResult JSON object")
        if isinstance(content, dict) and "message_text" in content:
            self._parse_text(
                content["message_text"], content.get("parse_mode"), content.get("entities"),
                empty="MESSAGE_EMPTY", too_long="MESSAGE_TOO_LONG",
            )  # fmt: skip
        if "reply_markup" in result:
            markup = result["reply_markup"]
            rows = markup.get("inline_keyboard") if isinstance(markup, dict) else None
            self._check_inline_keyboard(rows)

    def _send_chat_action(self, p: dict[str, Any]) -> bool:
        chat_id = self._chat_id(p)
        if p.get("action") not in CHAT_ACTIONS:
            raise _bad("wrong parameter action in request")
        self._chat_actions.append(
            ChatAction(chat_id, p["action"], p.get("message_thread_id"), time.monotonic())
        )
        return True

    def _get_chat(self, p: dict[str, Any]) -> dict[str, Any]:
        chat = self._ensure_chat(self._chat_id(p))
        gifts = dict.fromkeys(
            ("unlimited_gifts", "limited_gifts", "unique_gifts", "premium_subscription",
             "gifts_from_channels"),
            False,
        )  # fmt: skip
        extra = {"accent_color_id": 0, "max_reaction_count": 11, "accepted_gift_types": gifts}
        return {**chat, **extra}

    def _get_chat_member(self, p: dict[str, Any]) -> dict[str, Any]:
        chat_id = self._chat_id(p)
        user_id = int(p["user_id"])
        with self._lock:
            admins = self._chat_admins.get(chat_id, set())
        status = "administrator" if user_id in admins else "member"
        member: dict[str, Any] = {"status": status, "user": self._user(user_id)}
        if status == "administrator":
            rights = ("can_be_edited", "is_anonymous", "can_manage_chat", "can_delete_messages",
                      "can_manage_video_chats", "can_restrict_members", "can_promote_members",
                      "can_change_info", "can_invite_users", "can_post_stories",
                      "can_edit_stories", "can_delete_stories")
            member.update(dict.fromkeys(rights, False))
        return member

    def _get_file(self, p: dict[str, Any]) -> dict[str, Any]:
        file_id = p.get("file_id")
        if file_id not in self._files:
            raise _bad("wrong file_id or the file is temporarily unavailable")
        content, path = self._files[file_id]
        if len(content) > MAX_DOWNLOAD_BYTES:
            raise _bad("file is too big")
        return {
            "file_id": file_id, "file_unique_id": f"AgADf{abs(hash(file_id)) % 10**8}",
            "file_size": len(content), "file_path": path,
        }  # fmt: skip

    # -- waiting -------------------------------------------------------------------------------
    async def wait_for(
        self, predicate: Callable[[FakeBotApi], T], timeout: float = 10.0, *, what: str = ""
    ) -> T:
        """Poll ``predicate(api)`` until truthy and return its value; TimeoutError with a dump
        of everything recorded otherwise. Works from any event loop."""
        deadline = time.monotonic() + timeout
        while True:
            with self._lock:
                value = predicate(self)
            if value:
                return value
            if time.monotonic() >= deadline:
                raise TimeoutError(self._timeout_message(what or repr(predicate), timeout))
            await asyncio.sleep(0.01)

    def wait_for_sync(
        self, predicate: Callable[[FakeBotApi], T], timeout: float = 10.0, *, what: str = ""
    ) -> T:
        """Blocking ``wait_for`` for synchronous tests; never from the server's own loop."""
        if self._on_server_thread():
            raise RuntimeError("wait_for_sync would block the fake's event loop; await wait_for")
        deadline = time.monotonic() + timeout
        while True:
            with self._lock:
                value = predicate(self)
            if value:
                return value
            if time.monotonic() >= deadline:
                raise TimeoutError(self._timeout_message(what or repr(predicate), timeout))
            time.sleep(0.01)

    @staticmethod
    def _messages_to(chat_id: int, n: int) -> Callable[[FakeBotApi], list[FakeMessage]]:
        def check(api: FakeBotApi) -> list[FakeMessage]:
            sent = api.sent_to(chat_id)
            return sent if len(sent) >= n else []

        return check

    @staticmethod
    def _calls_of(method: str, n: int) -> Callable[[FakeBotApi], list[ApiCall]]:
        def check(api: FakeBotApi) -> list[ApiCall]:
            calls = api.calls_to(method)
            return calls if len(calls) >= n else []

        return check

    async def wait_for_messages(
        self, chat_id: int, n: int = 1, timeout: float = 10.0
    ) -> list[FakeMessage]:
        """All messages sent to the chat, once there are at least ``n``."""
        return await self.wait_for(
            self._messages_to(chat_id, n), timeout, what=f"{n} message(s) to chat {chat_id}"
        )

    def wait_for_messages_sync(
        self, chat_id: int, n: int = 1, timeout: float = 10.0
    ) -> list[FakeMessage]:
        return self.wait_for_sync(
            self._messages_to(chat_id, n), timeout, what=f"{n} message(s) to chat {chat_id}"
        )

    async def wait_for_calls(self, method: str, n: int = 1, timeout: float = 10.0) -> list[ApiCall]:
        """All answered calls of ``method`` (ok or not), once there are at least ``n``."""
        return await self.wait_for(self._calls_of(method, n), timeout, what=f"{n} {method} call(s)")

    def wait_for_calls_sync(self, method: str, n: int = 1, timeout: float = 10.0) -> list[ApiCall]:
        return self.wait_for_sync(self._calls_of(method, n), timeout, what=f"{n} {method} call(s)")

    async def wait_for_polling(self, timeout: float = 10.0) -> None:
        """Until the bot is waiting in a getUpdates long poll (i.e. it is up and idle)."""
        await self.wait_for(lambda api: api.is_polling, timeout, what="a getUpdates long poll")

    def wait_for_polling_sync(self, timeout: float = 10.0) -> None:
        self.wait_for_sync(lambda api: api.is_polling, timeout, what="a getUpdates long poll")

    async def wait_for_delivery(self, update_id: int, timeout: float = 10.0) -> None:
        """Until the update was handed to the bot in a getUpdates answer."""
        await self.wait_for(
            lambda api: api.update(update_id).delivered, timeout, what=f"delivery of {update_id}"
        )

    def wait_for_delivery_sync(self, update_id: int, timeout: float = 10.0) -> None:
        self.wait_for_sync(
            lambda api: api.update(update_id).delivered, timeout, what=f"delivery of {update_id}"
        )

    @staticmethod
    def _held_for(chat_id: int, n: int) -> Callable[[FakeBotApi], list[HeldRequest]]:
        def check(api: FakeBotApi) -> list[HeldRequest]:
            held = [h for h in api.held if h.chat_id == chat_id]
            return held if len(held) >= n else []

        return check

    async def wait_for_held(
        self, chat_id: int, n: int = 1, timeout: float = 10.0
    ) -> list[HeldRequest]:
        """Requests parked by ``hold_chat`` for the chat, once there are at least ``n``."""
        what = f"{n} held request(s) for chat {chat_id}"
        return await self.wait_for(self._held_for(chat_id, n), timeout, what=what)

    def wait_for_held_sync(
        self, chat_id: int, n: int = 1, timeout: float = 10.0
    ) -> list[HeldRequest]:
        what = f"{n} held request(s) for chat {chat_id}"
        return self.wait_for_sync(self._held_for(chat_id, n), timeout, what=what)

    def _timeout_message(self, what: str, timeout: float) -> str:
        return f"timed out after {timeout}s waiting for {what}\n{self.dump()}"

    # -- rendering -----------------------------------------------------------------------------
    def dump(self) -> str:
        """Everything useful for a failing test: transcript, queue, holds, fake bugs."""
        with self._lock:
            parts = ["--- transcript ---", self.transcript(include_polling=False) or "(empty)"]
            if self._queue:
                ids = ", ".join(f"{u.update_id} {u.kind}" for u in self._queue)
                parts.append(f"--- unconfirmed updates: {ids}")
            if self._held:
                parts.append(f"--- held: {[(h.method, h.chat_id) for h in self._held]}")
            if self._dropped:
                parts.append(f"--- dropped: {[(h.method, h.chat_id) for h in self._dropped]}")
            parts.append(f"--- polling now: {self._live_polls > 0}")
            parts.extend(f"--- fake bug: {tb}" for tb in self._internal_errors)
            return "\n".join(parts)

    def transcript(self, *, include_polling: bool = False, raw: bool = False) -> str:
        """The exchange in time order: ``→`` updates in, ``←`` bot calls out, ``✗`` failures.
        Bot texts are shown as users see them unless ``raw`` (then the HTML source)."""
        with self._lock:
            events = [(u.time, self._render_update(u)) for u in self._updates]
            for call in self._calls:
                if call.method == "getUpdates" and not include_polling:
                    continue
                events.append((call.time, self._render_call(call, raw)))
            for held in self._dropped:
                lost = f"⌀ {held.method} chat {held.chat_id} lost: held, then its client went away"
                events.append((held.time, lost))
        events.sort(key=lambda e: e[0])
        return "\n".join(f"[{t - self._t0:8.3f}s] {line}" for t, line in events)

    @staticmethod
    def _block(text: str | None) -> str:
        return "\n".join("      " + line for line in _short(text, 2000).splitlines() or [""])

    def _render_update(self, update: InjectedUpdate) -> str:
        body = update.payload[update.kind]
        head = f"→ update {update.update_id}"
        if update.kind == "message":
            chat, who = body["chat"], body.get("from", {})
            where = f"chat {chat['id']} ({chat['type']})" + (
                f" thread {body['message_thread_id']}" if "message_thread_id" in body else ""
            )
            line = f"{head} message #{body['message_id']} in {where} from {who.get('id')}"
            if "reply_to_message" in body:
                line += f", replying to #{body['reply_to_message']['message_id']}"
            if "sticker" in body:
                return f"{line}: [sticker {body['sticker'].get('emoji', '')}]"
            if "document" in body:
                doc = body["document"]
                line += f": [document {doc.get('file_name')}, {doc.get('file_size')} bytes]"
                return line + (f"\n{self._block(body['caption'])}" if body.get("caption") else "")
            return f"{line}:\n{self._block(body.get('text'))}"
        if update.kind == "callback_query":
            msg = body.get("message", {})
            return (
                f"{head} button press by {body['from']['id']} on #{msg.get('message_id')} "
                f"in chat {msg.get('chat', {}).get('id')}: data={body.get('data')!r}"
            )
        if update.kind == "inline_query":
            return f"{head} inline query from {body['from']['id']}: {body['query']!r}"
        if update.kind == "my_chat_member":
            old, new = body["old_chat_member"]["status"], body["new_chat_member"]["status"]
            return f"{head} my_chat_member in chat {body['chat']['id']}: {old} → {new}"
        return f"{head} {update.kind}"

    def _render_call(self, call: ApiCall, raw: bool) -> str:
        p = call.params
        target = f" chat {p['chat_id']}" if "chat_id" in p else ""
        if not call.ok:
            return f"✗ {call.method}{target} → {call.status} {call.description}"
        if call.method == "sendMessage":
            result = call.result or {}
            extras = [f"#{result.get('message_id')}"]
            if p.get("parse_mode"):
                extras.append(str(p["parse_mode"]))
            if p.get("message_thread_id") is not None:
                extras.append(f"thread {p['message_thread_id']}")
            if "reply_to_message" in result:
                extras.append(f"reply to #{result['reply_to_message']['message_id']}")
            text = p.get("text") if raw else result.get("text")
            head = f"← sendMessage{target} {' '.join(extras)}"
            return f"{head}:\n{self._block(text)}{self._render_markup(p.get('reply_markup'))}"
        if call.method in ("editMessageText", "editMessageReplyMarkup"):
            where = f"{target} #{p.get('message_id', p.get('inline_message_id'))}"
            body = ""
            if call.method == "editMessageText":
                shown = call.result if isinstance(call.result, dict) and not raw else p
                text = shown.get("text")
                body = f":\n{self._block(text)}"
            return f"← {call.method}{where}{body}" + self._render_markup(p.get("reply_markup"))
        if call.method == "answerCallbackQuery":
            alert = " (alert)" if p.get("show_alert") else ""
            return f"← answerCallbackQuery {p.get('callback_query_id')}: {p.get('text')!r}{alert}"
        if call.method == "answerInlineQuery":
            results = [r for r in p.get("results") or [] if isinstance(r, dict)]
            titles = [r.get("title") or r.get("id") for r in results]
            return f"← answerInlineQuery {len(titles)} result(s): {titles}"
        if call.method == "sendChatAction":
            return f"← sendChatAction{target}: {p.get('action')}"
        rest = {k: v for k, v in p.items() if k != "chat_id"}
        args = f" {_short(json.dumps(rest, ensure_ascii=False, default=str), 200)}" if rest else ""
        return f"← {call.method}{target}{args}"

    @staticmethod
    def _render_markup(markup: Any) -> str:
        if not isinstance(markup, dict) or not markup.get("inline_keyboard"):
            return ""
        rows = []
        for row in markup["inline_keyboard"]:
            cells = []
            for b in row if isinstance(row, list) else []:
                if isinstance(b, dict):
                    action = b.get("callback_data", b.get("url", "?"))
                    cells.append(f"[{b.get('text')} → {action}]")
            rows.append(" ".join(cells))
        return "\n" + "\n".join(f"      {row}" for row in rows)
