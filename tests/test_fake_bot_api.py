"""The fake Bot API server, driven by the real python-telegram-bot ``Bot`` and ``Application``.

If the fake accepted what Telegram rejects (or the reverse), every end-to-end test built on it
would be wrong in the same way, so these tests pin its behaviour against PTB's own encoding and
exception mapping rather than against hand-built HTTP requests.
"""

from __future__ import annotations

import asyncio
import socket
import subprocess
import sys
import threading
import time
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from fakes.bot_api import FakeBotApi
from fakes.telegram_html import HtmlParseError, parse_html, utf16_len
from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeChat,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InputTextMessageContent,
    Update,
)
from telegram.constants import ParseMode
from telegram.error import (
    BadRequest,
    Conflict,
    EndPointNotFound,
    Forbidden,
    InvalidToken,
    RetryAfter,
    TimedOut,
)
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)
from telegram.request import HTTPXRequest

TOKEN = "123456789:AAF-fake-token-for-tests"
CHAT = 4242
# PTB 22 warns that RetryAfter.retry_after will become a timedelta; not our concern here.
pytestmark = [
    pytest.mark.timeout(30),
    pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning"),
]


@pytest.fixture
async def api() -> AsyncIterator[FakeBotApi]:
    async with FakeBotApi(token=TOKEN, bot_username="naba_test_bot") as server:
        yield server


@pytest.fixture
async def bot(api: FakeBotApi) -> AsyncIterator[Bot]:
    async with Bot(TOKEN, base_url=api.base_url, base_file_url=api.base_file_url) as client:
        yield client


def retry_seconds(err: RetryAfter) -> float:
    """PTB 22 gives an int or, opted in with PTB_TIMEDELTA, a timedelta."""
    value = err.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


def keyboard(*data: str) -> InlineKeyboardMarkup:
    """One button per row, labelled b0, b1, …"""
    rows = [[InlineKeyboardButton(f"b{i}", callback_data=d)] for i, d in enumerate(data)]
    return InlineKeyboardMarkup(rows)


# -- basics ------------------------------------------------------------------------------------
async def test_get_me_answers_as_the_configured_bot(api: FakeBotApi, bot: Bot) -> None:
    me = await bot.get_me()
    assert (me.id, me.username, me.is_bot) == (123456789, "naba_test_bot", True)
    assert [c.method for c in api.calls].count("getMe") == 2  # initialize() + ours


async def test_send_message_html_is_recorded_decoded(api: FakeBotApi, bot: Bot) -> None:
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("المزيد", callback_data="more:1")]])
    message = await bot.send_message(
        CHAT, "<b>خبر</b> &amp; تفاصيل", parse_mode=ParseMode.HTML, reply_markup=markup
    )
    second = await bot.send_message(CHAT, "ثانية")
    other_chat = await bot.send_message(7, "x")

    assert message.text == "خبر & تفاصيل"  # Telegram answers with the visible text
    assert [(e.type, e.offset, e.length) for e in message.entities] == [("bold", 0, 3)]
    assert (message.message_id, second.message_id, other_chat.message_id) == (1, 2, 1)
    sent = api.sent[0]
    assert sent.chat_id == CHAT and sent.parse_mode == "HTML"
    assert sent.text == "<b>خبر</b> &amp; تفاصيل"
    assert sent.plain_text == "خبر & تفاصيل"
    assert sent.reply_markup == {
        "inline_keyboard": [[{"text": "المزيد", "callback_data": "more:1"}]]
    }
    assert sent.callback_data == ["more:1"]
    assert isinstance(api.calls_to("sendMessage")[0].params["chat_id"], int)


async def test_thread_and_reply_are_recorded(api: FakeBotApi, bot: Bot) -> None:
    api.send_text(-1001, "سؤال", chat_type="supergroup", message_thread_id=9)
    reply = await bot.send_message(-1001, "جواب", message_thread_id=9, reply_to_message_id=1)
    assert reply.reply_to_message is not None and reply.reply_to_message.text == "سؤال"
    assert (api.sent[0].message_thread_id, api.sent[0].reply_to) == (9, 1)
    with pytest.raises(BadRequest, match="Message to be replied not found"):
        await bot.send_message(-1001, "x", reply_to_message_id=99)


# -- Telegram's text limits ------------------------------------------------------------------------
async def test_length_counts_visible_text_after_html_parsing(api: FakeBotApi, bot: Bot) -> None:
    await bot.send_message(CHAT, "<b>" + "a" * 4096 + "</b>", parse_mode=ParseMode.HTML)
    with pytest.raises(BadRequest, match="Message is too long"):
        await bot.send_message(CHAT, "<b>" + "a" * 4097 + "</b>", parse_mode=ParseMode.HTML)
    with pytest.raises(BadRequest, match="Message is too long"):
        await bot.send_message(CHAT, "a" * 4097)
    assert len(api.sent) == 1


async def test_html_entities_count_as_one_character(api: FakeBotApi, bot: Bot) -> None:
    await bot.send_message(CHAT, "&lt;" * 4096, parse_mode=ParseMode.HTML)
    assert api.sent[0].plain_text == "<" * 4096
    with pytest.raises(BadRequest, match="too long"):
        await bot.send_message(CHAT, "&lt;" * 4097, parse_mode=ParseMode.HTML)


async def test_length_is_counted_in_utf16_code_units(bot: Bot) -> None:
    await bot.send_message(CHAT, "😀" * 2048)  # 2 code units each: exactly 4096
    with pytest.raises(BadRequest, match="too long"):
        await bot.send_message(CHAT, "😀" * 2048 + "a")
    await bot.send_message(CHAT, "ع" * 4096)  # Arabic is 1 unit (2 UTF-8 bytes) per letter


@pytest.mark.parametrize("text", ["", "   \n", "<b></b>", "<b> </b>"])
async def test_empty_text_is_rejected(bot: Bot, text: str) -> None:
    with pytest.raises(BadRequest, match="Message text is empty"):
        await bot.send_message(CHAT, text, parse_mode=ParseMode.HTML)


@pytest.mark.parametrize(
    ("html", "description"),
    [
        ("<div>x</div>", 'Unsupported start tag "div" at byte offset 0'),
        ("<b>x", 'Can\'t find end tag corresponding to start tag "b"'),
        ("<b>x</i>", 'Unmatched end tag at byte offset 4, expected "</b>", found "</i>"'),
        ("a < b", 'Unsupported start tag "" at byte offset 2'),
        ("x <b", "Unclosed start tag at byte offset 2"),
        ("AT&T", 'Unescaped "&" at byte offset 2'),
        ("<span>x</span>", 'Tag "span" must have class "tg-spoiler" at byte offset 0'),
        ("<a href=https://x.org>x</a>", "Unexpected end of name token at byte offset 8"),
    ],
)
async def test_invalid_html_is_rejected_like_telegram(
    api: FakeBotApi, bot: Bot, html: str, description: str
) -> None:
    with pytest.raises(BadRequest, match="Can't parse entities"):
        await bot.send_message(CHAT, html, parse_mode=ParseMode.HTML)
    assert api.sent == []
    call = api.calls_to("sendMessage")[0]  # PTB lower-cases the text it raises; check the wire
    assert call.status == 400
    assert call.description is not None
    assert call.description.startswith(f"Bad Request: can't parse entities: {description}")


async def test_all_supported_tags_are_accepted(api: FakeBotApi, bot: Bot) -> None:
    html = (
        "<b>b</b><strong>s</strong><i>i</i><em>e</em><u>u</u><ins>n</ins><s>s</s><strike>k</strike>"
        '<del>d</del><span class="tg-spoiler">p</span><tg-spoiler>q</tg-spoiler>'
        '<a href="https://example.org/?a=1&amp;b=2">link</a><code>c</code>'
        '<pre><code class="language-python">x = 1</code></pre><blockquote>q</blockquote>'
        '<blockquote expandable>long</blockquote><tg-emoji emoji-id="5368324170671202286">👍'
        "</tg-emoji>"
    )
    message = await bot.send_message(CHAT, html, parse_mode=ParseMode.HTML)
    kinds = {e.type for e in message.entities}
    assert {"bold", "italic", "underline", "strikethrough", "spoiler", "text_link", "code", "pre",
            "blockquote", "expandable_blockquote", "custom_emoji"} <= kinds  # fmt: skip
    link = next(e for e in message.entities if e.type == "text_link")
    assert link.url == "https://example.org/?a=1&b=2"
    assert next(e for e in message.entities if e.type == "pre").language == "python"


# -- keyboards -----------------------------------------------------------------------------------
async def test_callback_data_limit_is_64_bytes(api: FakeBotApi, bot: Bot) -> None:
    await bot.send_message(CHAT, "ok", reply_markup=keyboard("x" * 64))
    with pytest.raises(BadRequest, match="Button_data_invalid"):
        await bot.send_message(CHAT, "no", reply_markup=keyboard("x" * 65))
    with pytest.raises(BadRequest, match="Button_data_invalid"):
        await bot.send_message(CHAT, "no", reply_markup=keyboard("ع" * 33))  # 66 bytes
    assert [m.plain_text for m in api.sent] == ["ok"]


async def test_malformed_inline_keyboards_are_rejected(bot: Bot) -> None:
    text_only = {"inline_keyboard": [[{"text": "no action"}]]}
    with pytest.raises(BadRequest, match=r"(?i)text buttons are unallowed"):
        await bot.send_message(CHAT, "x", api_kwargs={"reply_markup": text_only})
    flat = {"inline_keyboard": [{"text": "a", "callback_data": "a"}]}
    with pytest.raises(BadRequest, match=r"(?i)must be an array"):
        await bot.send_message(CHAT, "x", api_kwargs={"reply_markup": flat})


# -- scripted failures ---------------------------------------------------------------------------
async def test_blocked_chat_raises_forbidden_and_others_still_work(
    api: FakeBotApi, bot: Bot
) -> None:
    api.fail_chat(CHAT, 403)
    with pytest.raises(Forbidden, match="bot was blocked by the user"):
        await bot.send_message(CHAT, "hi")
    with pytest.raises(Forbidden):
        await bot.send_message(CHAT, "again")  # no `times`: for good
    await bot.send_message(CHAT + 1, "hi")
    assert [m.chat_id for m in api.sent] == [CHAT + 1]
    assert [c.status for c in api.calls_to("sendMessage")] == [403, 403, 200]


async def test_flood_limit_raises_retry_after_for_the_next_sends_only(
    api: FakeBotApi, bot: Bot
) -> None:
    api.fail_chat(CHAT, 429, retry_after=3, times=1)
    with pytest.raises(RetryAfter) as caught:
        await bot.send_message(CHAT, "hi")
    assert retry_seconds(caught.value) == 3
    await bot.send_chat_action(CHAT, "typing")  # other methods are unaffected by default
    await bot.send_message(CHAT, "hi")
    assert len(api.sent) == 1
    call = api.calls_to("sendMessage")[0]
    assert (call.status, call.description) == (429, "Too Many Requests: retry after 3")


async def test_held_send_completes_only_after_release(api: FakeBotApi, bot: Bot) -> None:
    api.hold_chat(CHAT)
    task = asyncio.create_task(bot.send_message(CHAT, "held", read_timeout=10))
    held = await api.wait_for_held(CHAT, timeout=5)
    assert held[0].params["text"] == "held"
    await bot.send_message(CHAT + 1, "not held")  # the server keeps serving meanwhile
    assert not task.done() and api.sent_to(CHAT) == [] and api.calls_to("sendMessage")[0].ok
    api.release(CHAT)
    message = await asyncio.wait_for(task, 5)
    assert message.message_id == 1 and api.sent_to(CHAT)[0].plain_text == "held"


async def test_held_send_whose_client_gives_up_is_lost(api: FakeBotApi, bot: Bot) -> None:
    api.hold_chat(CHAT)
    with pytest.raises(TimedOut):
        await bot.send_message(CHAT, "lost", read_timeout=0.3)
    await api.wait_for(lambda a: a.dropped, timeout=5, what="the dropped request")
    api.release(CHAT)
    await bot.send_message(CHAT, "after")
    assert [m.plain_text for m in api.sent] == ["after"]
    assert api.sent[0].message_id == 1  # the lost one never got an id
    assert "lost: held" in api.transcript()


# -- long polling --------------------------------------------------------------------------------
async def test_long_poll_returns_an_injected_update_promptly(api: FakeBotApi, bot: Bot) -> None:
    started = time.monotonic()
    poll = asyncio.create_task(bot.get_updates(timeout=10))
    await api.wait_for_polling(timeout=5)
    update_id = api.send_text(CHAT, "/start")
    updates = await asyncio.wait_for(poll, 5)
    assert time.monotonic() - started < 3
    assert [u.update_id for u in updates] == [update_id]
    message = updates[0].message
    assert message is not None and message.text == "/start"
    assert message.entities[0].type == "bot_command" and message.entities[0].length == 6
    assert api.update(update_id).delivered


async def test_offset_confirms_and_unconfirmed_updates_come_back(
    api: FakeBotApi, bot: Bot
) -> None:
    first = api.send_text(CHAT, "one")
    second = api.send_text(CHAT, "two")
    assert [u.update_id for u in await bot.get_updates(timeout=0, limit=1)] == [first]
    assert [u.update_id for u in await bot.get_updates(timeout=0)] == [first, second]
    assert [u.update_id for u in await bot.get_updates(offset=second, timeout=0)] == [second]
    started = time.monotonic()
    assert await bot.get_updates(offset=second + 1, timeout=0.3) == ()
    assert 0.25 < time.monotonic() - started < 2  # waited for the timeout, no longer
    assert api.update(first).confirmed and api.pending_updates == []


async def test_allowed_updates_filters_and_drops(api: FakeBotApi, bot: Bot) -> None:
    await bot.send_message(CHAT, "pick", reply_markup=keyboard("a"))
    api.send_text(CHAT, "text")
    pressed = api.press_button(CHAT, 1, "a")
    updates = await bot.get_updates(timeout=0, allowed_updates=[Update.CALLBACK_QUERY])
    assert [u.update_id for u in updates] == [pressed]
    assert api.updates[0].filtered


async def test_a_second_poller_terminates_the_first(api: FakeBotApi, bot: Bot) -> None:
    first = asyncio.create_task(bot.get_updates(timeout=10))
    await api.wait_for_polling(timeout=5)
    async with Bot(TOKEN, base_url=api.base_url) as other:
        second = asyncio.create_task(other.get_updates(timeout=10))
        with pytest.raises(Conflict, match="terminated by other getUpdates request"):
            await asyncio.wait_for(first, 5)
        api.send_text(CHAT, "x")
        assert len(await asyncio.wait_for(second, 5)) == 1


# -- callbacks, edits, inline, files, commands -------------------------------------------------
async def test_button_press_answer_and_edit(api: FakeBotApi, bot: Bot) -> None:
    await bot.send_message(CHAT, "pick", reply_markup=keyboard("a", "b"))
    with pytest.raises(ValueError, match="no button 'zz'"):
        api.press_button(CHAT, 1, "zz")
    api.press_button(CHAT, None, "b")
    (update,) = await bot.get_updates(timeout=0)
    query = update.callback_query
    assert query is not None and query.data == "b"
    assert query.message is not None and query.message.message_id == 1
    await query.answer("تم")
    with pytest.raises(BadRequest, match="Query is too old"):
        await query.answer("twice")
    assert (api.callback_answers[0].text, api.callback_answers[0].data) == ("تم", "b")

    await bot.edit_message_text("picked b", CHAT, 1, reply_markup=keyboard("a", "b"))
    with pytest.raises(BadRequest, match="Message is not modified"):
        await bot.edit_message_text("picked b", CHAT, 1, reply_markup=keyboard("a", "b"))
    await bot.edit_message_text("picked b", CHAT, 1)  # dropping the keyboard is a change
    assert api.message(CHAT, 1).reply_markup is None
    assert api.sent[0].plain_text == "pick"  # the record of what was sent stays
    with pytest.raises(BadRequest, match="Message to edit not found"):
        await bot.edit_message_text("x", CHAT, 99)
    await bot.edit_message_reply_markup(CHAT, 1, reply_markup=keyboard("c"))
    assert [e.method for e in api.edits] == ["editMessageText"] * 2 + ["editMessageReplyMarkup"]


async def test_inline_query_answers_are_validated(api: FakeBotApi, bot: Bot) -> None:
    def article(i: int) -> InlineQueryResultArticle:
        return InlineQueryResultArticle(str(i), f"t{i}", InputTextMessageContent(f"<b>{i}</b>"))

    query_id = api.inline_query(CHAT, "غزة")
    (update,) = await bot.get_updates(timeout=0)
    assert update.inline_query is not None and update.inline_query.query == "غزة"
    with pytest.raises(BadRequest, match="Results_too_much"):
        await bot.answer_inline_query(update.inline_query.id, [article(i) for i in range(51)])
    bad_html = InlineQueryResultArticle(
        "x", "t", InputTextMessageContent("<b>x", parse_mode=ParseMode.HTML)
    )
    with pytest.raises(BadRequest, match="Can't parse entities"):
        await bot.answer_inline_query(update.inline_query.id, [bad_html])
    await bot.answer_inline_query(update.inline_query.id, [article(i) for i in range(50)])
    answer = api.inline_answers[0]
    assert (answer.query, len(answer.results)) == ("غزة", 50) and query_id == update.update_id


async def test_document_is_downloadable(api: FakeBotApi, bot: Bot) -> None:
    content = "سطر أول\nسطر ثان\n".encode()
    api.send_document(CHAT, "sources.txt", content, caption="/ingest")
    (update,) = await bot.get_updates(timeout=0)
    document = update.message.document if update.message else None
    assert document is not None and document.file_name == "sources.txt"
    assert document.mime_type == "text/plain"
    assert update.message is not None and update.message.caption_entities[0].type == "bot_command"
    file = await document.get_file()
    assert bytes(await file.download_as_bytearray()) == content
    with pytest.raises(BadRequest, match="Wrong file_id"):
        await bot.get_file("nope")


async def test_commands_are_stored_per_scope_and_language(api: FakeBotApi, bot: Bot) -> None:
    await bot.set_my_commands([BotCommand("start", "ابدأ")], language_code="ar")
    await bot.set_my_commands([BotCommand("stats", "stats")], scope=BotCommandScopeChat(CHAT))
    assert [c.command for c in await bot.get_my_commands(language_code="ar")] == ["start"]
    assert await bot.get_my_commands() == ()
    assert api.commands == {
        ("default", "ar"): [{"command": "start", "description": "ابدأ"}],
        (f"chat:{CHAT}", ""): [{"command": "stats", "description": "stats"}],
    }
    with pytest.raises(BadRequest, match="Bot_command_invalid"):
        await bot.set_my_commands([BotCommand("Start", "x")])
    await bot.delete_my_commands(language_code="ar")
    assert ("default", "ar") not in api.commands


async def test_unknown_method_and_wrong_token(api: FakeBotApi, bot: Bot) -> None:
    with pytest.raises(EndPointNotFound):
        await bot.do_api_request("sendTelepathy", api_kwargs={"chat_id": CHAT})
    call = api.calls_to("sendTelepathy")[0]
    assert (call.status, call.description, call.params) == (404, "Not Found", {"chat_id": CHAT})
    requests = HTTPXRequest(), HTTPXRequest()  # ours to close: the Bot never initializes
    wrong = Bot(
        "999:wrong", base_url=api.base_url, request=requests[0], get_updates_request=requests[1]
    )
    try:
        with pytest.raises(InvalidToken):
            await wrong.initialize()
    finally:
        await asyncio.gather(*(r.shutdown() for r in requests))
    assert api.calls[-1].status == 401


async def test_group_mention_and_chat_action(api: FakeBotApi, bot: Bot) -> None:
    api.send_text(-100500, "يا @naba_test_bot ما الجديد؟", chat_type="group")
    (update,) = await bot.get_updates(timeout=0)
    message = update.message
    assert message is not None and message.chat.type == "group"
    assert message.parse_entities(["mention"]) == {message.entities[0]: "@naba_test_bot"}
    await bot.send_chat_action(-100500, "typing")
    with pytest.raises(BadRequest, match="Wrong parameter action"):
        await bot.send_chat_action(-100500, "dancing")
    assert [(a.chat_id, a.action) for a in api.chat_actions] == [(-100500, "typing")]


# -- waiting and reporting ------------------------------------------------------------------------
async def test_wait_for_times_out_with_a_dump(api: FakeBotApi, bot: Bot) -> None:
    api.send_text(CHAT, "/help")
    await bot.send_message(CHAT, "one")
    with pytest.raises(TimeoutError) as caught:
        await api.wait_for_messages(CHAT, 2, timeout=0.2)
    report = str(caught.value)
    assert "2 message(s) to chat 4242" in report and "/help" in report and "one" in report


async def test_real_application_round_trip_and_transcript(api: FakeBotApi) -> None:
    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None
        await update.effective_message.reply_html(
            "<b>أهلاً</b>", reply_markup=keyboard("more")
        )

    async def more(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        assert query is not None
        await query.answer()
        await query.edit_message_text("المزيد…")

    async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None
        await update.effective_message.reply_text(f"قلت: {update.effective_message.text}")

    app = (
        Application.builder()
        .token(TOKEN)
        .base_url(api.base_url)
        .base_file_url(api.base_file_url)
        .get_updates_request(HTTPXRequest(read_timeout=5))
        .build()
    )
    app.add_handler(CommandHandler("start", start))
    app.add_handler(CallbackQueryHandler(more))
    app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, echo))
    async with app:
        await app.start()
        assert app.updater is not None
        await app.updater.start_polling(timeout=5)
        try:
            api.send_text(CHAT, "/start")
            (welcome,) = await api.wait_for_messages(CHAT, 1)
            api.press_button(CHAT, welcome.message_id, "more")
            await api.wait_for(lambda a: a.edits, timeout=10, what="the edit")
            api.send_text(CHAT, "مرحبا")
            await api.wait_for_messages(CHAT, 2)
        finally:
            await app.updater.stop()
            await app.stop()
    assert api.callback_answers and api.edits[0].plain_text == "المزيد…"
    assert api.pending_updates == []  # the updater's final getUpdates confirmed them all
    transcript = api.transcript()
    for fragment in ("→ update", "/start", "← sendMessage chat 4242 #2 HTML", "أهلاً",
                     "[b0 → more]", "button press", "← editMessageText", "قلت: مرحبا"):  # fmt: skip
        assert fragment in transcript, transcript
    assert "getUpdates" not in transcript


# -- the background-thread mode, from plain synchronous code --------------------------------------
def test_in_thread_mode_from_sync_code() -> None:
    with FakeBotApi(token=TOKEN).in_thread() as api:
        async def talk() -> None:  # a different loop from the server's
            async with Bot(TOKEN, base_url=api.base_url) as client:
                await client.send_message(CHAT, "<i>مرحبا</i>", parse_mode=ParseMode.HTML)
                api.send_text(CHAT, "hi")
                updates = await client.get_updates(timeout=5)
                assert [u.message.text for u in updates if u.message] == ["hi"]

        worker = threading.Thread(target=lambda: asyncio.run(talk()))
        worker.start()
        (message,) = api.wait_for_messages_sync(CHAT, 1, timeout=10)
        worker.join(10)
        assert not worker.is_alive()
        assert message.plain_text == "مرحبا"
        with pytest.raises(TimeoutError):
            api.wait_for_messages_sync(CHAT, 2, timeout=0.1)
    with pytest.raises(OSError):  # the server is gone with the block
        socket.create_connection(("127.0.0.1", api.port or 0), timeout=1).close()


def test_in_thread_mode_with_asyncio_run_in_the_test_thread() -> None:
    with FakeBotApi(token=TOKEN).in_thread() as api:
        api.fail_chat(CHAT, 429, retry_after=2, times=1)

        async def talk() -> float:
            async with Bot(TOKEN, base_url=api.base_url) as client:
                try:
                    await client.send_message(CHAT, "x")
                except RetryAfter as err:
                    await client.send_message(CHAT, "x")
                    return retry_seconds(err)
            return 0.0

        assert asyncio.run(talk()) == 2
        assert api.wait_for_calls_sync("sendMessage", 2, timeout=5)[1].ok


ECHO_BOT = """
import sys
from telegram.ext import Application, MessageHandler, filters

async def echo(update, context):
    await update.effective_message.reply_text("echo: " + update.effective_message.text)

app = Application.builder().token(sys.argv[1]).base_url(sys.argv[2]).build()
app.add_handler(MessageHandler(filters.TEXT, echo))
app.run_polling(timeout=5)
"""


def test_a_reply_held_while_the_bot_is_killed_is_lost() -> None:
    """The scenario hold_chat exists for: SIGKILL with a reply in flight, then a restart."""
    with FakeBotApi(token=TOKEN).in_thread() as api:

        def start_bot() -> subprocess.Popen[bytes]:
            return subprocess.Popen(
                [sys.executable, "-c", ECHO_BOT, TOKEN, api.base_url],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )

        api.hold_chat(CHAT)
        bot_process = start_bot()
        try:
            api.wait_for_polling_sync(timeout=20)
            first = api.send_text(CHAT, "one")
            # bounds generous for a loaded machine (a full suite beside other work)
            api.wait_for_held_sync(CHAT, 1, timeout=20)
            bot_process.kill()  # SIGKILL
            bot_process.wait(10)
            api.wait_for_sync(lambda a: a.dropped and not a.is_polling, timeout=20, what="loss")
            api.release(CHAT)

            bot_process = start_bot()
            api.wait_for_polling_sync(timeout=20)
            api.send_text(CHAT, "two")
            (reply,) = api.wait_for_messages_sync(CHAT, 1, timeout=20)
        finally:
            bot_process.kill()
            bot_process.wait(10)
        # "one" was confirmed by the bot's next poll before it died, so Telegram (and the
        # fake) never offer it again: its reply is simply gone.
        assert reply.plain_text == "echo: two"
        assert [h.params["text"] for h in api.dropped] == ["echo: one"]
        assert api.update(first).confirmed


# -- the HTML parser on its own -----------------------------------------------------------------
def test_parser_reports_utf8_byte_offsets_like_tdlib() -> None:
    with pytest.raises(HtmlParseError, match="Unclosed start tag at byte offset 13"):
        parse_html("🏟 🏟&lt;<abacaba")
    with pytest.raises(HtmlParseError, match="Unmatched end tag at byte offset 17"):
        parse_html("🏟 🏟&lt;<i>a</em   >")


def test_parser_entities_use_utf16_offsets() -> None:
    parsed = parse_html("😀 <b>خبر</b> <code>x</code>")
    assert parsed.text == "😀 خبر x"
    assert parsed.entities == [
        {"offset": 3, "length": 3, "type": "bold"},
        {"offset": 7, "length": 1, "type": "code"},
    ]
    assert utf16_len("😀ع") == 3


def test_parser_lenient_mode_shows_a_stray_ampersand_like_telegram() -> None:
    assert parse_html("AT&T &lt &ge;", strict_ampersand=False).text == "AT&T < &ge;"
    with pytest.raises(HtmlParseError, match="surrogate"):
        parse_html("&#xD800;")
