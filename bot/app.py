"""The Telegram Application: settings → builder → handlers in order → error handler → run.

Resources (store, index) open in post_init and close in post_shutdown. Jobs: index refresh
(entries ingested by any process become answerable), digests, feed polls, seed rescans.
"""

from __future__ import annotations

import asyncio
import logging

from telegram import Bot, BotCommand, BotCommandScopeDefault, Update
from telegram.constants import ParseMode
from telegram.ext import (
    AIORateLimiter,
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    Defaults,
    InlineQueryHandler,
    MessageHandler,
    filters,
)
from telegram.request import HTTPXRequest

from bot import handlers
from bot.concurrency import PerChatUpdateProcessor
from bot.config import Settings
from bot.digest import run_digests
from bot.logs import install_redaction
from bot.polling import NabaBot
from bot.runtime import KEY, Naba, naba
from index.search import Library
from index.sources import poll_due_feeds, rescan_seeds
from index.store import Store

log = logging.getLogger(__name__)

COMMANDS_AR = [
    ("start", "ما الذي أعرفه ومثال على سؤال"),
    ("help", "كيف تستخدمني"),
    ("ask", "اسأل عن خبر: /ask متى تحررت درعا؟"),
    ("sources", "الأخبار المفهرسة"),
    ("latest", "أحدث الأخبار"),
    ("subscribe", "اشترك في موجز الأخبار الجديدة [موضوع]"),
    ("unsubscribe", "ألغِ الاشتراك"),
    ("digest", "وتيرة الموجز: instant أو hourly أو daily أو now"),
    ("status", "حالة الفهرس واشتراكك"),
]
COMMANDS_EN = [
    ("start", "What I know, with an example question"),
    ("help", "How to use the bot"),
    ("ask", "Ask about the news (in Arabic)"),
    ("sources", "Indexed articles"),
    ("latest", "Newest entries"),
    ("subscribe", "Subscribe to digests of new entries [topic]"),
    ("unsubscribe", "Stop the digest"),
    ("digest", "Digest frequency: instant, hourly, daily, or now"),
    ("status", "Index and subscription status"),
]


# How often a call Telegram answered 429 is retried after its retry_after.
RATE_LIMIT_RETRIES = 3


def build_application(settings: Settings, *, updater: bool = True) -> Application:
    """The Application with naba's handlers; without an Updater for webhook mode, where
    bot.webhook feeds the update queue."""
    if not settings.token:
        raise ValueError("TELEGRAM_BOT_TOKEN is not set")
    install_redaction(settings.token)
    bot = NabaBot(
        settings.token,
        base_url=settings.api_base_url,
        base_file_url=settings.api_file_base_url,
        defaults=Defaults(parse_mode=ParseMode.HTML),
        # A 429 (RetryAfter) is waited out and the call made again, so an answer is not lost.
        rate_limiter=AIORateLimiter(max_retries=RATE_LIMIT_RETRIES),
        # the pools ApplicationBuilder gives its own bot
        request=HTTPXRequest(connection_pool_size=256),
        get_updates_request=HTTPXRequest(connection_pool_size=1),
    )
    builder = Application.builder().bot(bot)
    if not updater:
        builder = builder.updater(None)
    app = (
        builder.concurrent_updates(PerChatUpdateProcessor())
        .post_init(_post_init(settings))
        .post_shutdown(_post_shutdown)
        .build()
    )
    add_handlers(app)
    return app


def add_handlers(app: Application) -> None:
    private = filters.ChatType.PRIVATE
    groups = filters.ChatType.GROUPS
    anywhere = filters.UpdateType.MESSAGE | filters.UpdateType.CHANNEL_POST
    app.add_handler(CommandHandler("start", handlers.start))
    app.add_handler(CommandHandler("help", handlers.help_command))
    app.add_handler(CommandHandler("ask", handlers.ask))
    app.add_handler(CommandHandler("sources", handlers.sources))
    app.add_handler(CommandHandler("latest", handlers.latest))
    app.add_handler(CommandHandler("status", handlers.status, filters=anywhere))
    app.add_handler(CommandHandler("subscribe", handlers.subscribe, filters=anywhere))
    app.add_handler(CommandHandler("unsubscribe", handlers.unsubscribe, filters=anywhere))
    app.add_handler(CommandHandler("digest", handlers.digest, filters=anywhere))
    app.add_handler(CommandHandler("stats", handlers.stats))
    app.add_handler(CommandHandler("reindex", handlers.reindex))
    app.add_handler(CommandHandler("ingest", handlers.ingest))
    app.add_handler(CommandHandler("feeds", handlers.feeds_command))
    app.add_handler(
        MessageHandler(
            private & filters.Document.ALL & filters.CaptionRegex(r"^/ingest\b"), handlers.ingest
        )
    )
    app.add_handler(MessageHandler(private & filters.Document.ALL, handlers.document))
    app.add_handler(
        MessageHandler(private & filters.TEXT & ~filters.COMMAND, handlers.private_text)
    )
    app.add_handler(MessageHandler(groups & filters.TEXT & ~filters.COMMAND, handlers.group_text))
    app.add_handler(
        MessageHandler(
            private & ~filters.TEXT & ~filters.COMMAND & filters.UpdateType.MESSAGE,
            handlers.not_text,
        )
    )
    app.add_handler(
        MessageHandler(
            private & filters.COMMAND & filters.UpdateType.MESSAGE, handlers.unknown_command
        )
    )
    app.add_handler(CallbackQueryHandler(handlers.more, pattern=r"^more:"))
    app.add_handler(CallbackQueryHandler(handlers.stray_callback))
    app.add_handler(InlineQueryHandler(handlers.inline))
    app.add_error_handler(handlers.on_error)


def _post_init(settings: Settings):
    async def post_init(app: Application) -> None:
        store = await Store.open(settings.db_path)
        library = Library(store)
        if settings.seeds_dir.exists():
            report = await rescan_seeds(store, settings.seeds_dir)
            log.info("seeds %s: %s", settings.seeds_dir, report.summary())
        passages = await library.build()
        log.info("index built: %d passages", passages)
        interrupted = await store.interrupted_deliveries()
        if interrupted:
            # A previous process died between recording 'sending' and 'sent': those entries
            # count as undelivered and go out in the next digest run.
            log.warning(
                "%d digest deliveries were interrupted; they will be sent again", len(interrupted)
            )
        app.bot_data[KEY] = Naba(settings=settings, store=store, library=library)
        await _set_commands(app)
        jobs = app.job_queue
        jobs.run_repeating(_refresh_job, interval=settings.refresh_seconds, first=1, name="refresh")
        jobs.run_repeating(
            _digest_job,
            interval=settings.digest_check_seconds,
            first=min(5, settings.digest_check_seconds),
            name="digest",
        )
        jobs.run_repeating(
            _feeds_job, interval=min(settings.feed_poll_seconds, 60), first=3, name="feeds"
        )
        jobs.run_repeating(
            _seeds_job,
            interval=settings.seeds_rescan_seconds,
            first=settings.seeds_rescan_seconds,
            name="seeds",
        )

    return post_init


async def _post_shutdown(app: Application) -> None:
    runtime: Naba | None = app.bot_data.get(KEY)
    if runtime is not None:
        await runtime.store.close()


async def _set_commands(app: Application) -> None:
    await app.bot.set_my_commands(
        [BotCommand(c, d) for c, d in COMMANDS_EN], scope=BotCommandScopeDefault()
    )
    await app.bot.set_my_commands(
        [BotCommand(c, d) for c, d in COMMANDS_AR],
        scope=BotCommandScopeDefault(),
        language_code="ar",
    )


async def _refresh_job(context: ContextTypes.DEFAULT_TYPE) -> None:
    await naba(context).library.refresh()


async def _digest_job(context: ContextTypes.DEFAULT_TYPE) -> None:
    app = naba(context)
    await app.library.refresh()
    async with app.digest_lock:
        run = await run_digests(
            context.bot, app.store, app.library, pace=app.settings.digest_pace_seconds
        )
    if run.sent_messages or run.paused or run.retry_later:
        log.info(
            "digest run: %d messages, %d entries, paused %s, retry later %s",
            run.sent_messages,
            run.sent_entries,
            run.paused,
            run.retry_later,
        )


async def _feeds_job(context: ContextTypes.DEFAULT_TYPE) -> None:
    app = naba(context)
    report = await poll_due_feeds(
        app.store, app.settings.feed_options, extra_urls=app.settings.feeds
    )
    if report.article_ids:
        await app.library.refresh()


async def _seeds_job(context: ContextTypes.DEFAULT_TYPE) -> None:
    app = naba(context)
    if app.settings.seeds_dir.exists():
        report = await rescan_seeds(app.store, app.settings.seeds_dir)
        if report.article_ids:
            log.info("seeds rescan: %s", report.summary())
            await app.library.refresh()


async def check_token(settings: Settings) -> None:
    """getMe once before anything starts, so a rejected token ends the run with one line
    (telegram.error.InvalidToken, handled by the CLI) instead of PTB's start-up traceback."""
    bot = Bot(settings.token or "", base_url=settings.api_base_url,
              base_file_url=settings.api_file_base_url)
    async with bot:  # initialize() calls getMe
        pass


def run_bot(settings: Settings) -> None:
    """Polling by default; a webhook (bot.webhook) when NABA_WEBHOOK_URL is set."""
    install_redaction(settings.token)
    asyncio.run(check_token(settings))
    if settings.webhook_url:
        from bot import webhook

        asyncio.run(webhook.serve(build_application(settings, updater=False), settings))
        return
    app = build_application(settings)
    log.info("starting long polling against %s", settings.api_base_url)
    app.run_polling(allowed_updates=Update.ALL_TYPES)
