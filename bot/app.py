"""The Telegram Application: settings → builder → handlers in order → error handler → run.

Resources (store, index) open in post_init and close in post_shutdown. Jobs: index refresh
(entries ingested by any process become answerable), digests, feed polls, seed rescans.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from dataclasses import dataclass

from telegram import Bot, BotCommand, BotCommandScopeDefault, LinkPreviewOptions, Update
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
from bot.texts import MENU
from index import collector, workers
from index.search import Library
from index.sources import poll_due_feeds, rescan_seeds
from index.store import Store
from index.store.lease import PROCESS_ID
from index.stories import group_ungrouped

log = logging.getLogger(__name__)

# The lease whose holder runs digests, feed polls and seed rescans.
LEADER = "scheduler"
# bot_data key of the start-up task that puts older articles in stories.
GROUPING = "naba:grouping"
WARMING = "naba:workers"  # the analysis workers starting (index.workers)
PREWARM = "naba:prewarm"  # the store's file read into the OS cache (index.store.prewarm)



@dataclass(frozen=True)
class Command:
    """One /command: its handler, where it works, and whether Telegram's menu lists it (its
    descriptions, Arabic and English, are bot.texts.MENU[name])."""

    name: str
    callback: handlers.Handler
    # also in channel posts (a channel subscribes and asks for its status)
    channels: bool = False
    menu: bool = True


# The one list of commands: registration and both languages' menus are made from it.
COMMANDS = (
    Command("start", handlers.start),
    Command("help", handlers.help_command),
    Command("ask", handlers.ask),
    Command("sources", handlers.sources),
    Command("latest", handlers.latest),
    Command("subscribe", handlers.subscribe, channels=True),
    Command("unsubscribe", handlers.unsubscribe, channels=True),
    Command("digest", handlers.digest, channels=True),
    Command("status", handlers.status, channels=True),
    Command("story", handlers.story),
    Command("timeline", handlers.timeline_command),
    # for NABA_ADMIN_IDS (handlers.admin_only), so kept out of everyone's menu
    Command("stats", handlers.stats, menu=False),
    Command("reindex", handlers.reindex, menu=False),
    Command("ingest", handlers.ingest, menu=False),
    Command("feeds", handlers.feeds_command, menu=False),
)


# Telegram's broadcast limits for one bot (its FAQ), shared out among NABA_REPLICAS processes.
TELEGRAM_MESSAGES_PER_SECOND = 30
TELEGRAM_GROUP_MESSAGES_PER_MINUTE = 20


def flood_limits(replicas: int) -> dict[str, float]:
    """This process's share of the bot's flood limits, as AIORateLimiter takes them. Split per
    replica rather than counted in the database: a shared bucket would cost a database round
    trip per message sent, and a 429 that slips through is waited out anyway."""
    return {
        "overall_max_rate": TELEGRAM_MESSAGES_PER_SECOND / replicas,
        "group_max_rate": TELEGRAM_GROUP_MESSAGES_PER_MINUTE / replicas,
    }


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
        # Every reply is HTML, and none unfolds a preview of the first link it quotes.
        defaults=Defaults(
            parse_mode=ParseMode.HTML, link_preview_options=LinkPreviewOptions(is_disabled=True)
        ),
        # A 429 (RetryAfter) is waited out and the call made again, so an answer is not lost.
        rate_limiter=AIORateLimiter(
            **flood_limits(settings.replicas), max_retries=RATE_LIMIT_RETRIES
        ),
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
    for command in COMMANDS:
        app.add_handler(CommandHandler(command.name, command.callback,
                                       filters=anywhere if command.channels else None))
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
    # /story_12: the tappable form of /story 12 shown under answers and digests
    app.add_handler(MessageHandler(filters.Regex(handlers.STORY_LINK), handlers.story))
    app.add_handler(
        MessageHandler(
            private & filters.COMMAND & filters.UpdateType.MESSAGE, handlers.unknown_command
        )
    )
    app.add_handler(CallbackQueryHandler(handlers.more, pattern=r"^more:"))
    app.add_handler(CallbackQueryHandler(handlers.vote, pattern=r"^v:"))
    app.add_handler(CallbackQueryHandler(handlers.timeline_more, pattern=r"^tl:"))
    app.add_handler(CallbackQueryHandler(handlers.stray_callback))
    app.add_handler(InlineQueryHandler(handlers.inline))
    app.add_error_handler(handlers.on_error)


def _post_init(settings: Settings):
    async def post_init(app: Application) -> None:
        store = await Store.open(settings.store_target)
        # the passages the first answers quote, in memory rather than on disk by the time the
        # index is loaded (index.store.prewarm; in the background thread, not awaited)
        app.bot_data[PREWARM] = asyncio.ensure_future(store.prewarm(settings.prewarm_mb))
        library = Library(store, snapshots=settings.index_folder,
                          on_refresh=collector.after_refresh)
        if settings.seeds_dir.exists():
            report = await rescan_seeds(store, settings.seeds_dir)
            log.info("seeds %s: %s", settings.seeds_dir, report.summary())
        passages = await library.build()
        log.info("index %s: %d passages", library.source, passages)
        # from now on, what feeds and seed rescans bring is analysed beside the loop (the
        # start's own seed scan above, a few files at most, did not wait for a process)
        if workers.start(settings.analysis_workers):
            # spawned from a thread in the background: not on the loop, not delaying the start
            app.bot_data[WARMING] = asyncio.ensure_future(workers.warm())
        # Everything alive now (the index's dictionaries, the analyzer's tables) lives as long
        # as the process: frozen, the garbage collector's full passes skip it; so is what each
        # refresh leaves alive (index.collector).
        collector.settle()
        # articles stored before stories were kept get theirs, in the background: on a large
        # store it takes minutes, and answers only miss some «ورد أيضًا في» meanwhile
        app.bot_data[GROUPING] = asyncio.ensure_future(group_ungrouped(store))
        interrupted = await store.deliveries.interrupted()
        if interrupted:
            # A process died between recording 'sending' and 'sent' (or another replica is
            # sending right now): once that subscription's lease is free, the entries not
            # recorded 'sent' go out again.
            log.warning(
                "%d digest deliveries were interrupted (or are in flight in another process); "
                "they will be sent again once their lease is free", len(interrupted)
            )
        runtime = Naba(settings=settings, store=store, library=library)
        # PostgreSQL tells at once when another replica stored an article; the refresh job
        # below still polls, so a missed wake-up only delays, never loses, an article
        await store.articles.on_change(_refresher(app, library))
        # taken now, not at the leader job's first run a third of a lease from now
        runtime.leader = await store.leases.acquire(LEADER, PROCESS_ID, settings.lease_seconds)
        app.bot_data[KEY] = runtime
        await _set_commands(app)
        jobs = app.job_queue
        jobs.run_repeating(_refresh_job, interval=settings.refresh_seconds, first=1, name="refresh")
        # Digests, feed polls and seed rescans run in one process at a time, the leader: the
        # one holding the "scheduler" lease, renewed three times per lease length.
        jobs.run_repeating(_leader_job, interval=settings.lease_seconds / 3, name="leader")
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
        # the garbage frozen with what each refresh left alive, collected once an hour
        jobs.run_repeating(_collect_job, interval=collector.FULL_PASS_SECONDS,
                           first=collector.FULL_PASS_SECONDS, name="collect")

    return post_init


def _refresher(app: Application, library: Library) -> Callable[[], None]:
    """A wake-up that starts one index refresh, not one per notification of a burst."""
    running: list[asyncio.Task] = []

    def wake() -> None:
        if not running or running[0].done():
            running[:] = [app.create_task(library.refresh(), name="refresh on notify")]

    return wake


async def _post_shutdown(app: Application) -> None:
    grouping: asyncio.Future[int] | None = app.bot_data.get(GROUPING)
    if grouping is not None and not grouping.done():
        grouping.cancel()  # what it grouped stays; the next start goes on from there
        with contextlib.suppress(BaseException):
            await grouping
    await asyncio.to_thread(workers.stop)
    runtime: Naba | None = app.bot_data.get(KEY)
    if runtime is not None:
        if runtime.leader:  # hand the scheduled jobs over now, not a lease length later
            with contextlib.suppress(Exception):
                await runtime.store.leases.release(LEADER, PROCESS_ID)
        await runtime.store.close()


async def _set_commands(app: Application) -> None:
    """The command menu from COMMANDS: English by default, Arabic for Arabic-language users."""
    menu = [c.name for c in COMMANDS if c.menu]
    await app.bot.set_my_commands(
        [BotCommand(name, MENU[name][1]) for name in menu], scope=BotCommandScopeDefault()
    )
    await app.bot.set_my_commands(
        [BotCommand(name, MENU[name][0]) for name in menu],
        scope=BotCommandScopeDefault(),
        language_code="ar",
    )


async def _collect_job(context: ContextTypes.DEFAULT_TYPE) -> None:
    collected = collector.full_pass()
    if collected is not None:
        log.debug("full garbage collection: %d objects", collected)


async def _refresh_job(context: ContextTypes.DEFAULT_TYPE) -> None:
    await naba(context).library.refresh()


async def _leader_job(context: ContextTypes.DEFAULT_TYPE) -> None:
    app = naba(context)
    try:
        leader = await app.store.leases.acquire(LEADER, PROCESS_ID, app.settings.lease_seconds)
    except Exception:
        log.warning("could not renew the scheduler lease", exc_info=True)
        leader = False
    if leader != app.leader:
        log.info("this process %s the scheduled jobs (%s)",
                 "now runs" if leader else "no longer runs", PROCESS_ID)
    app.leader = leader


async def _digest_job(context: ContextTypes.DEFAULT_TYPE) -> None:
    app = naba(context)
    if not app.leader:
        return
    await app.library.refresh()
    async with app.digest_lock:
        run = await run_digests(
            context.bot, app.store, app.library, pace=app.settings.digest_pace_seconds,
            lease_seconds=app.settings.lease_seconds,
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
    if not app.leader:
        return
    report = await poll_due_feeds(
        app.store, app.settings.feed_options, extra_urls=app.settings.feeds
    )
    if report.article_ids:
        await app.library.refresh()


async def _seeds_job(context: ContextTypes.DEFAULT_TYPE) -> None:
    app = naba(context)
    if app.leader and app.settings.seeds_dir.exists():
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
