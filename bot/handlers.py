"""Telegram handlers: each parses the update, calls one function, replies.

Questions: any text in a private chat, /ask anywhere, and in groups a message that mentions the
bot or replies to it. Everything dynamic is HTML-escaped by bot.format.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import re
from collections.abc import Awaitable, Callable

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InputTextMessageContent,
    Message,
    Update,
)
from telegram.constants import (
    ChatAction,
    ChatMemberStatus,
    ChatType,
    MessageEntityType,
)
from telegram.error import BadRequest
from telegram.ext import ContextTypes

from bot import texts
from bot.digest import FREQUENCIES, one_line_excerpt, run_digests
from bot.format import (
    esc,
    frequency_name,
    html_answer,
    html_feeds,
    html_help,
    html_hit,
    html_ingest_report,
    html_latest,
    html_sources,
    html_start,
    html_stats,
    html_status,
    html_story,
    html_subscribed,
    html_timeline,
    html_unknown_command,
)
from bot.runtime import Naba, naba
from bot.texts import PASSAGES, counted
from index.articles import ARTICLE_SUFFIXES, parse_article_bytes
from index.feeds import looks_like_feed_url
from index.ingest import ingest_articles
from index.normalize import ANALYZER_VERSION
from index.search import MAX_CANDIDATES, MIN_CANDIDATES
from index.sources import ingest_sources
from index.stories import story_reports
from index.timeline import timeline

log = logging.getLogger(__name__)

PAGE = 3
INLINE_MIN_CHARS = 3
INLINE_CACHE_SECONDS = 60
MAX_DOCUMENT_BYTES = 2_000_000
MAX_TOPIC_CHARS = 200
TOO_BIG = texts.TOO_BIG.format(mb=MAX_DOCUMENT_BYTES // 1_000_000)

_COMMAND = re.compile(r"^/\w+(@\w+)?\s*", re.ASCII)

Handler = Callable[[Update, ContextTypes.DEFAULT_TYPE], Awaitable[None]]


def _language(update: Update) -> str | None:
    user = update.effective_user
    return user.language_code if user else None


def admin_only(handler: Handler) -> Handler:
    """Run `handler` for NABA_ADMIN_IDS only; anyone else is refused (and the refusal logged)."""

    @functools.wraps(handler)
    async def guarded(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        user = update.effective_user
        if user is None or user.id not in naba(context).admins:
            log.warning("admin command refused for user %s", user.id if user else None)
            await update.effective_message.reply_text(esc(texts.ADMIN_ONLY))
            return
        await handler(update, context)

    guarded.admin_only = True  # type: ignore[attr-defined]  # for the table's tests
    return guarded


# ---- questions ---------------------------------------------------------------------------


def _question_of(message: Message, bot_username: str | None) -> str:
    """The question in a message: without a leading /command or an @mention of the bot."""
    text = message.text or message.caption or ""
    text = _COMMAND.sub("", text, count=1) if text.startswith("/") else text
    if bot_username:
        text = re.sub(rf"@{re.escape(bot_username)}\b", " ", text, flags=re.IGNORECASE)
    return text.strip()


# An answer ready sooner than this goes out without a "typing…" action first.
TYPING_AFTER_SECONDS = 0.3
# The deepest page the «المزيد» button can reach: answer() ranks MIN_CANDIDATES passages.
MAX_OFFSET = MIN_CANDIDATES - PAGE


# Telegram's limit on a button's callback data.
MAX_CALLBACK_BYTES = 64


def _vote_data(vote: int, passage_ids: list[int]) -> str:
    """«v:1:812.813.90»: the vote and the passages it judges, within 64 bytes."""
    ids = [str(p) for p in passage_ids[:PAGE]]
    while ids and len(f"v:{vote}:{'.'.join(ids)}".encode()) > MAX_CALLBACK_BYTES:
        ids.pop()
    return f"v:{vote}:{'.'.join(ids)}"


def _answer_keyboard(offset: int, total: int, passage_ids: list[int]) -> InlineKeyboardMarkup:
    """👍 👎 under every answer, and the paging buttons when there are other pages."""
    rows = [[
        InlineKeyboardButton(texts.VOTE_UP, callback_data=_vote_data(1, passage_ids)),
        InlineKeyboardButton(texts.VOTE_DOWN, callback_data=_vote_data(-1, passage_ids)),
    ]]
    paging = _paging("more", offset, total, PAGE, deepest=MAX_OFFSET)
    if paging:
        rows.append(paging)
    return InlineKeyboardMarkup(rows)


def _paging(
    prefix: str, offset: int, total: int, page: int, deepest: int | None = None
) -> list[InlineKeyboardButton]:
    """→ السابق / المزيد ← for a page of `total` items at `offset` («more:6», «tl:10»); no
    «المزيد» past `deepest`."""
    buttons = []
    if offset > 0:
        buttons.append(InlineKeyboardButton(
            texts.PREVIOUS, callback_data=f"{prefix}:{max(0, offset - page)}"))
    if offset + page < total and (deepest is None or offset + page <= deepest):
        buttons.append(InlineKeyboardButton(
            texts.MORE, callback_data=f"{prefix}:{offset + page}"))
    return buttons


async def _within_limit(message: Message, context: ContextTypes.DEFAULT_TYPE) -> bool:
    """Whether the sender may ask now (the per-user question limit); if not, they are told."""
    app = naba(context)
    user = message.from_user
    if user and not await app.allow_question(user.id):
        limit = app.settings.questions_per_minute
        await message.reply_text(esc(texts.RATE_LIMITED.format(n=limit)))
        return False
    return True


async def _shown_recently(app: Naba, chat_id: int) -> tuple[int, ...]:
    """The articles of the chat's last answer, when it came less than NABA_FOLLOW_MINUTES ago:
    kept in the store, so a follow-up reaching another replica has them too."""
    minutes = app.settings.follow_minutes
    return await app.store.conversations.recall(chat_id, 60 * minutes) if minutes > 0 else ()


async def _answer_and_reply(
    message: Message, context: ContextTypes.DEFAULT_TYPE, text: str
) -> None:
    if not await _within_limit(message, context):
        return
    app = naba(context)
    await app.library.refresh()
    follows = await _shown_recently(app, message.chat_id)
    searching = asyncio.ensure_future(app.library.answer(text, top=PAGE, follows=follows))
    done, _ = await asyncio.wait({searching}, timeout=TYPING_AFTER_SECONDS)
    if not done:
        # only a slow answer earns the "typing…" call: each costs a trip through the limiter
        await context.bot.send_chat_action(
            message.chat_id,
            ChatAction.TYPING,
            message_thread_id=message.message_thread_id if message.is_topic_message else None,
        )
    answer = await searching
    pages = html_answer(answer)
    ids = [h.passage_id for h in answer.hits]
    # a follow-up's pages are those articles' only: «المزيد» would ask the question afresh
    total = len(answer.hits) if answer.followed else answer.total
    markup = _answer_keyboard(0, total, ids) if answer.hits else None
    for i, page in enumerate(pages):
        await message.reply_text(
            page,
            do_quote=True,
            reply_markup=markup if i == len(pages) - 1 else None,
        )
    if answer.hits and app.settings.follow_minutes > 0:  # once the chat has seen them
        await app.store.conversations.remember(message.chat_id, answer.articles)


async def private_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Any text in a private chat is a question."""
    message = update.effective_message
    await _answer_and_reply(message, context, _question_of(message, context.bot.username))


async def ask(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    question = " ".join(context.args or [])
    if not question.strip():
        await message.reply_text(esc(texts.ASK_USAGE))
        return
    await _answer_and_reply(message, context, question)


async def group_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """In groups, answer only when the bot is mentioned or its message is replied to."""
    message = update.effective_message
    username = (context.bot.username or "").lower()
    mentioned = any(
        e.type == MessageEntityType.MENTION
        and message.parse_entity(e).lstrip("@").lower() == username
        for e in message.entities
    )
    replied = bool(
        message.reply_to_message
        and message.reply_to_message.from_user
        and message.reply_to_message.from_user.id == context.bot.id
    )
    if not (mentioned or replied):
        return
    question = _question_of(message, context.bot.username)
    if not question:
        await message.reply_text(esc(texts.ASK_USAGE))
        return
    await _answer_and_reply(message, context, question)


async def not_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Stickers, photos, voice… in a private chat: a polite hint."""
    await update.effective_message.reply_text(esc(texts.NOT_TEXT))


async def stray_callback(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Callback data naba never sent (an old client, a forged button): answered, so the
    user's spinner stops, and nothing else."""
    await update.callback_query.answer(texts.EXPIRED)


async def unknown_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A /command the bot does not have, in a private chat: say so, and what it has."""
    await update.effective_message.reply_text(html_unknown_command(_language(update)))


async def _page_request(
    update: Update, context: ContextTypes.DEFAULT_TYPE, max_offset: int, page: int
) -> tuple[int, str] | None:
    """(offset, words) of a paging button («more:6», «tl:10»): the words read back from the
    message its reply answers. Callback data comes from clients and can be forged: an offset
    outside the pages naba can have, or a user pressing faster than the question limit, gets
    a short answer and None. The callback is answered either way."""
    query = update.callback_query
    try:
        offset = int((query.data or "").split(":", 1)[1])
    except (IndexError, ValueError):
        offset = -1
    if not 0 <= offset <= max_offset or offset % page:
        await query.answer(texts.EXPIRED)
        return None
    app = naba(context)
    if query.from_user and not await app.allow_question(query.from_user.id):
        await query.answer(texts.RATE_LIMITED.format(n=app.settings.questions_per_minute))
        return None
    original = query.message.reply_to_message if query.message else None
    words = _question_of(original, context.bot.username) if original else ""
    if not words:
        await query.answer(texts.EXPIRED, show_alert=True)
        return None
    await query.answer()
    return offset, words


async def more(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The "more results" button: re-ask the question it answers, one page further (a forged
    button searches nothing: _page_request)."""
    request = await _page_request(update, context, MAX_OFFSET, PAGE)
    if request is None:
        return
    offset, question = request
    query = update.callback_query
    answer = await naba(context).library.answer(question, top=PAGE, offset=offset)
    if not answer.hits:
        await query.edit_message_reply_markup(None)
        return
    page = html_answer(answer)[0]
    try:
        await query.edit_message_text(
            page,
            reply_markup=_answer_keyboard(
                offset, answer.total, [h.passage_id for h in answer.hits]
            ),
        )
    except BadRequest as err:
        if "not modified" not in err.message.lower():
            raise


def _parse_vote(data: str | None) -> tuple[int, list[int]] | None:
    """(vote, passage ids) from «v:1:812.813», or None for data naba never sent."""
    parts = (data or "").split(":")
    if len(parts) != 3 or parts[1] not in ("1", "-1"):
        return None
    try:
        ids = [int(p) for p in parts[2].split(".") if p]
    except ValueError:
        return None
    return (int(parts[1]), ids) if len(ids) <= PAGE else None


async def vote(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """👍 / 👎 under an answer: one vote per reader per answer, changed by pressing again;
    kept with the question, the passages shown and the analyzer version."""
    query = update.callback_query
    parsed = _parse_vote(query.data)
    if parsed is None or query.message is None or query.from_user is None:
        await query.answer(texts.EXPIRED)
        return
    value, passage_ids = parsed
    original = query.message.reply_to_message
    await naba(context).store.feedback.vote(
        chat_id=query.message.chat_id,
        message_id=query.message.message_id,
        user_id=query.from_user.id,
        vote=value,
        question=_question_of(original, context.bot.username) if original else "",
        passage_ids=passage_ids,
        analyzer=ANALYZER_VERSION,
    )
    await query.answer(texts.THANKS_UP if value > 0 else texts.THANKS_DOWN)


async def inline(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """@bot question in any chat: the top passages as articles to send."""
    query = update.inline_query
    text = query.query.strip()
    if len(text) < INLINE_MIN_CHARS:
        await query.answer([], cache_time=INLINE_CACHE_SECONDS)
        return
    answer = await naba(context).library.answer(text, top=5)
    results = [
        InlineQueryResultArticle(
            id=str(hit.passage_id),
            title=hit.title[:100],
            description=" ".join(hit.focus_text.split())[:120],
            input_message_content=InputTextMessageContent(html_hit(hit)),
        )
        for hit in answer.hits
    ]
    await query.answer(results, cache_time=INLINE_CACHE_SECONDS)


# ---- information ---------------------------------------------------------------------------


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    summary = await naba(context).store.articles.summary()
    await update.effective_message.reply_text(html_start(summary, _language(update)))


async def help_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await update.effective_message.reply_text(html_help(_language(update)))


async def _reply_all(update: Update, pages: list[str]) -> None:
    for text in pages:
        await update.effective_message.reply_text(text)


async def sources(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    store = naba(context).store
    summary = await store.articles.summary()
    await _reply_all(update, html_sources(summary.articles, await store.articles.newest(limit=30)))


async def latest(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    articles = await naba(context).store.articles.newest(limit=5)
    await _reply_all(update, html_latest(articles, [one_line_excerpt(a) for a in articles]))


async def status(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    app = naba(context)
    store = app.store
    text = html_status(
        await store.articles.summary(),
        app.library.passages,
        await store.log.last(),
        await store.subscriptions.get(update.effective_chat.id),
    )
    await update.effective_message.reply_text(text)


# ---- stories across outlets -------------------------------------------------------------------

# Stories a /timeline page lists; «المزيد» shows the next ones.
TIMELINE_PAGE = 10
# The deepest timeline page: answer() accepts at most MAX_CANDIDATES reports, so no more stories.
MAX_TIMELINE_OFFSET = MAX_CANDIDATES
STORY_LINK = re.compile(r"^/story_(\d{1,18})(?:@\w+)?$", re.ASCII)


async def story(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/story 12, or the /story_12 link under answers and digests: the story's reports."""
    message = update.effective_message
    link = STORY_LINK.match((message.text or "").strip())
    raw = link[1] if link else " ".join(context.args or []).strip().lstrip("#")
    if not raw.isascii() or not raw.isdigit() or len(raw) > 18:
        await message.reply_text(esc(texts.STORY_USAGE))
        return
    reports = await story_reports(naba(context).store, int(raw))
    if not reports:
        await message.reply_text(esc(texts.STORY_NOT_FOUND))
        return
    await _reply_all(update, html_story(reports))


def _timeline_keyboard(offset: int, total: int) -> InlineKeyboardMarkup | None:
    """→ السابق / المزيد ← under a timeline page, as there are other pages."""
    paging = _paging("tl", offset, total, TIMELINE_PAGE)
    return InlineKeyboardMarkup([paging]) if paging else None


async def timeline_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/timeline words: the matching stories, oldest first, a page at a time."""
    message = update.effective_message
    words = " ".join(context.args or []).strip()
    if not words:
        await message.reply_text(esc(texts.TIMELINE_USAGE))
        return
    if not await _within_limit(message, context):
        return
    app = naba(context)
    await app.library.refresh()
    stories = await timeline(app.library, words)
    if not stories:
        await message.reply_text(esc(texts.TIMELINE_EMPTY), do_quote=True)
        return
    await message.reply_text(
        html_timeline(words, stories, 0, TIMELINE_PAGE), do_quote=True,
        reply_markup=_timeline_keyboard(0, len(stories)),
    )


async def timeline_more(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """«المزيد» under a timeline: the words are those of the /timeline message it answers (the
    callback data carries only the offset, within 64 bytes)."""
    request = await _page_request(update, context, MAX_TIMELINE_OFFSET, TIMELINE_PAGE)
    if request is None:
        return
    offset, words = request
    query = update.callback_query
    stories = await timeline(naba(context).library, words)
    if offset >= len(stories):
        await query.edit_message_reply_markup(None)
        return
    try:
        await query.edit_message_text(
            html_timeline(words, stories, offset, TIMELINE_PAGE),
            reply_markup=_timeline_keyboard(offset, len(stories)),
        )
    except BadRequest as err:
        if "not modified" not in err.message.lower():
            raise


# ---- subscriptions ---------------------------------------------------------------------------


def manages_subscription(handler: Handler) -> Handler:
    """Run `handler` only for who may change this chat's subscription: in groups the group's
    admins (or an anonymous admin posting as the group); private chats and channel posts are
    their own."""

    @functools.wraps(handler)
    async def guarded(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        if await _may_manage_subscription(update, context):
            await handler(update, context)

    return guarded


async def _may_manage_subscription(update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
    chat = update.effective_chat
    if chat.type not in (ChatType.GROUP, ChatType.SUPERGROUP):
        return True
    message = update.effective_message
    if message.sender_chat and message.sender_chat.id == chat.id:
        return True
    user = update.effective_user
    if user is None:
        return False
    member = await context.bot.get_chat_member(chat.id, user.id)
    if member.status in (ChatMemberStatus.ADMINISTRATOR, ChatMemberStatus.OWNER):
        return True
    await message.reply_text(esc(texts.GROUP_ADMINS_ONLY))
    return False


@manages_subscription
async def subscribe(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    chat = update.effective_chat
    topic = " ".join(context.args or []).strip() or None
    if topic and len(topic) > MAX_TOPIC_CHARS:
        await message.reply_text(esc(texts.TOPIC_TOO_LONG.format(max=MAX_TOPIC_CHARS)))
        return
    sub = await naba(context).store.subscriptions.subscribe(
        chat.id,
        chat_type=chat.type,
        thread_id=message.message_thread_id if message.is_topic_message else None,
        topic=topic,
    )
    await message.reply_text(html_subscribed(topic, sub.frequency))


@manages_subscription
async def unsubscribe(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    removed = await naba(context).store.subscriptions.unsubscribe(update.effective_chat.id)
    await update.effective_message.reply_text(
        esc(texts.UNSUBSCRIBED if removed else texts.NOT_SUBSCRIBED)
    )


async def digest(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/digest now (anyone in the chat) or /digest FREQUENCY (who manages the subscription)."""
    choice = (context.args or [""])[0].lower()
    if choice not in (*FREQUENCIES, "now"):
        await update.effective_message.reply_text(esc(texts.DIGEST_USAGE))
    elif choice == "now":
        await _digest_now(update, context)
    else:
        await _set_frequency(update, context)


async def _digest_now(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    app = naba(context)
    chat_id = update.effective_chat.id
    if await app.store.subscriptions.get(chat_id) is None:
        await update.effective_message.reply_text(esc(texts.SUBSCRIBE_FIRST))
        return
    await app.library.refresh()
    await app.store.subscriptions.request_now(chat_id)
    async with app.digest_lock:
        run = await run_digests(
            context.bot,
            app.store,
            app.library,
            pace=app.settings.digest_pace_seconds,
            only_chat=chat_id,
            lease_seconds=app.settings.lease_seconds,
        )
    if not run.sent_messages:
        await update.effective_message.reply_text(esc(texts.NOTHING_NEW))


@manages_subscription
async def _set_frequency(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    app = naba(context)
    chat_id = update.effective_chat.id
    choice = context.args[0].lower()
    if await app.store.subscriptions.get(chat_id) is None:
        await update.effective_message.reply_text(esc(texts.SUBSCRIBE_FIRST))
        return
    await app.store.subscriptions.set_frequency(chat_id, choice)
    await update.effective_message.reply_text(
        esc(texts.FREQUENCY_SET.format(frequency=frequency_name(choice)))
    )


# ---- admin ---------------------------------------------------------------------------------


@admin_only
async def stats(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    store = naba(context).store
    text = html_stats(
        await store.articles.summary(),
        await store.subscriptions.counts(),
        await store.deliveries.counts(),
        await store.log.counts(),
        await store.feeds.all(),
        await store.feedback.counts(),
    )
    await update.effective_message.reply_text(text)


@admin_only
async def reindex(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    count = await naba(context).library.build(reuse=False)  # from the stored passages
    await update.effective_message.reply_text(
        esc(texts.REINDEXED.format(passages=counted(count, PASSAGES)))
    )


@admin_only
async def ingest(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/ingest URL (a feed, fetched once), or a .txt/.md/.json document sent with /ingest as
    caption."""
    app = naba(context)
    message = update.effective_message
    if message.document:
        await _ingest_document(message, context)
        return
    args = context.args or []
    if len(args) != 1 or not looks_like_feed_url(args[0]):
        await message.reply_text(esc(texts.INGEST_USAGE))
        return
    report = await ingest_sources(app.store, args, options=app.settings.feed_options)
    await app.library.refresh()
    await message.reply_text(html_ingest_report(report.summary(), report.problems))


async def document(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A document in a private chat: admins' article uploads; others get a polite hint."""
    user = update.effective_user
    if user is None or user.id not in naba(context).admins:
        await update.effective_message.reply_text(esc(texts.NOT_TEXT))
        return
    await _ingest_document(update.effective_message, context)


async def _ingest_document(message: Message, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Read an uploaded article file by the same rules as files on disk (front matter,
    encodings, JSON lists), then ingest it."""
    doc = message.document
    name = doc.file_name or "document.txt"
    if not name.lower().endswith(tuple(ARTICLE_SUFFIXES)):
        await message.reply_text(esc(texts.ONLY_ARTICLE_FILES))
        return
    # Checked before downloading (the size Telegram declares) and after (a missing or wrong
    # declaration must not let a larger file through to the parser).
    if not doc.file_size or doc.file_size > MAX_DOCUMENT_BYTES:
        await message.reply_text(esc(TOO_BIG))
        return
    file = await doc.get_file()
    if file.file_size and file.file_size > MAX_DOCUMENT_BYTES:
        await message.reply_text(esc(TOO_BIG))
        return
    data = bytes(await file.download_as_bytearray())
    if len(data) > MAX_DOCUMENT_BYTES:
        await message.reply_text(esc(TOO_BIG))
        return
    try:
        # parsing a 2 MB JSON list takes a while: off the event loop, so others get answers
        read = await asyncio.to_thread(
            parse_article_bytes, data, name, f"upload:{doc.file_unique_id}"
        )
    except ValueError as err:
        await message.reply_text(esc(texts.UNREADABLE_FILE.format(reason=err)))
        return
    app = naba(context)
    report = await ingest_articles(app.store, read.articles, f"telegram:{name}")
    for problem in read.problems:
        report.add("failed")
        report.problems.append(problem)
    await app.library.refresh()
    await message.reply_text(html_ingest_report(report.summary(), report.problems))


@admin_only
async def feeds_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/feeds add URL | remove URL | list."""
    store = naba(context).store
    message = update.effective_message
    args = context.args or []
    action = args[0].lower() if args else "list"
    if action == "add" and len(args) == 2 and looks_like_feed_url(args[1]):
        feed, created = await store.feeds.add(args[1], added_by=str(update.effective_user.id))
        text = texts.FEED_ADDED if created else texts.FEED_EXISTS
        await message.reply_text(esc(text.format(id=feed.id)))
    elif action == "remove" and len(args) == 2:
        removed = await store.feeds.remove(args[1])
        await message.reply_text(esc(texts.FEED_REMOVED if removed else texts.FEED_UNKNOWN))
    elif action == "list":
        await _reply_all(update, html_feeds(await store.feeds.all()))
    else:
        await message.reply_text(esc(texts.FEEDS_USAGE))


# ---- errors --------------------------------------------------------------------------------


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log with the traceback, and tell the user politely (in Arabic) that it failed."""
    log.error("error while handling an update", exc_info=context.error)
    if isinstance(update, Update):
        if update.callback_query:
            try:
                await update.callback_query.answer(texts.ERROR_REPLY)
            except Exception:  # already answered, or too old
                log.debug("could not answer callback after error", exc_info=True)
        message = update.effective_message
        if message and update.effective_chat and update.effective_chat.type != ChatType.CHANNEL:
            try:
                await message.reply_text(esc(texts.ERROR_REPLY))
            except Exception:
                log.warning("could not send the error reply", exc_info=True)
