"""The Arabic console chat: `make run` without a token. Same answer() as Telegram, and the
bot's read-only commands (/help, /sources, /latest, /status).

input() runs on the main thread, so Ctrl-C stops a wait for a question at once (a reader
thread would hold the process until Enter) and ends the chat with a goodbye, as Ctrl-D does.
"""

from __future__ import annotations

import asyncio
import sys
from dataclasses import dataclass

from bot import texts
from bot.cli import seed_if_empty
from bot.config import Settings
from bot.format import attribution_parts, format_date, neutral, render_text
from bot.texts import ARTICLES, PASSAGES, counted, date_range
from index.search import Library
from index.store import Store


async def _status(store: Store) -> str:
    summary = await store.articles.summary()
    dates = ""
    if summary.first_published:
        dates = texts.KNOWN_DATES.format(dates=date_range(
            format_date(summary.first_published), format_date(summary.last_published)))
    return texts.CONSOLE_STATUS.format(articles=counted(summary.articles, ARTICLES),
                                       passages=counted(summary.passages, PASSAGES),
                                       dates=dates)


async def _listing(store: Store, limit: int) -> str:
    articles = await store.articles.newest(limit=limit)
    if not articles:
        return texts.NOTHING_INDEXED
    return "\n".join(f"{i}. " + neutral(" · ".join(attribution_parts(a)))
                     for i, a in enumerate(articles, 1))


@dataclass(slots=True)
class Conversation:
    """The console's memory of its last answer: the articles a follow-up is first asked of
    (as a Telegram chat's, bot.handlers)."""

    shown: tuple[int, ...] = ()


async def reply(
    library: Library, line: str, bold: tuple[str, str], conversation: Conversation | None = None,
) -> str:
    """What the console prints for one line: a command's output or an answer."""
    command = line.strip().split()[0].lower() if line.strip().startswith("/") else None
    if command == "/help":
        return texts.CONSOLE_HELP
    if command == "/status":
        return await _status(library.store) + "."
    if command == "/sources":
        return await _listing(library.store, 30)
    if command == "/latest":
        return await _listing(library.store, 5)
    if command is not None:
        return f"{texts.UNKNOWN_COMMAND}\n{texts.CONSOLE_HELP}"
    await library.refresh()  # articles ingested meanwhile by another process
    follows = conversation.shown if conversation is not None else ()
    answer = await library.answer(line, follows=follows)
    if answer.hits and conversation is not None:
        conversation.shown = answer.articles
    return render_text(answer, bold=bold)


def run_console(settings: Settings) -> int:
    with asyncio.Runner() as runner:
        store = runner.run(Store.open(settings.store_target))
        try:
            runner.run(seed_if_empty(store, settings))
            library = Library(store, snapshots=settings.index_folder)
            runner.run(library.build())
            print(texts.CONSOLE_WELCOME.format(status=runner.run(_status(store))))
            # ANSI bold for matched words on a terminal; plain «» marks when piped.
            bold = ("\033[1m", "\033[0m") if sys.stdout.isatty() else ("«", "»")
            conversation = Conversation()
            while True:
                try:
                    line = input("\n؟ ")
                except EOFError:
                    print()
                    break
                if line.strip().lower() in texts.EXIT_WORDS:
                    break
                if line.strip():
                    print(runner.run(reply(library, line, bold, conversation)))
        except KeyboardInterrupt:
            print()
        finally:
            runner.run(store.close())
    print(texts.GOODBYE)
    return 0
