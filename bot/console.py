"""The Arabic console chat: `make run` without a token. Same answer() as Telegram, and the
bot's read-only commands (/help, /sources, /latest, /status).

input() runs on the main thread, so Ctrl-C stops a wait for a question at once (a reader
thread would hold the process until Enter) and ends the chat with a goodbye, as Ctrl-D does.
"""

from __future__ import annotations

import asyncio
import sys

from bot.cli import seed_if_empty
from bot.config import Settings
from bot.format import attribution_parts, format_date, neutral, render_text
from bot.texts import ARTICLES, EXAMPLE, PASSAGES, counted, date_range
from index.search import Library
from index.store import Store

WELCOME = (
    "مرحبًا! أنا «نبأ»، أجيب عن أسئلتك عن الأخبار المفهرسة باقتباسات من نصوصها ومصادرها.\n"
    "{status}.\n"
    "اكتب سؤالك بالعربية، مثل: " + EXAMPLE + " — و/help للأوامر، و«خروج» أو Ctrl-D أو "
    "Ctrl-C للخروج."
)
HELP = (
    f"اكتب سؤالك بالعربية، مثل: «{EXAMPLE}».\n"
    "/sources — الأخبار المفهرسة\n"
    "/latest — أحدث الأخبار\n"
    "/status — ما أعرفه الآن\n"
    "/help — هذه الرسالة\n"
    "خروج أو Ctrl-D أو Ctrl-C — الخروج"
)
EXIT_WORDS = {"خروج", "exit", "quit", ":q"}
GOODBYE = "مع السلامة!"


async def _status(store: Store) -> str:
    summary = await store.article_summary()
    dates = ""
    if summary["first_published"]:
        dates = "، منشورة " + date_range(format_date(summary["first_published"]),
                                         format_date(summary["last_published"]))
    return (f"عندي {counted(summary['articles'], ARTICLES)} "
            f"({counted(summary['passages'], PASSAGES)}){dates}")


async def _listing(store: Store, limit: int) -> str:
    articles = await store.articles(limit=limit)
    if not articles:
        return "لا توجد أخبار مفهرسة بعد."
    return "\n".join(f"{i}. " + neutral(" · ".join(attribution_parts(a)))
                     for i, a in enumerate(articles, 1))


async def reply(library: Library, line: str, bold: tuple[str, str]) -> str:
    """What the console prints for one line: a command's output or an answer."""
    command = line.strip().split()[0].lower() if line.strip().startswith("/") else None
    if command == "/help":
        return HELP
    if command == "/status":
        return await _status(library.store) + "."
    if command == "/sources":
        return await _listing(library.store, 30)
    if command == "/latest":
        return await _listing(library.store, 5)
    if command is not None:
        return f"لا أعرف هذا الأمر.\n{HELP}"
    await library.refresh()  # articles ingested meanwhile by another process
    return render_text(await library.answer(line), bold=bold)


def run_console(settings: Settings) -> int:
    with asyncio.Runner() as runner:
        store = runner.run(Store.open(settings.db_path))
        try:
            runner.run(seed_if_empty(store, settings))
            library = Library(store)
            runner.run(library.build())
            print(WELCOME.format(status=runner.run(_status(store))))
            # ANSI bold for matched words on a terminal; plain «» marks when piped.
            bold = ("\033[1m", "\033[0m") if sys.stdout.isatty() else ("«", "»")
            while True:
                try:
                    line = input("\n؟ ")
                except EOFError:
                    print()
                    break
                if line.strip().lower() in EXIT_WORDS:
                    break
                if line.strip():
                    print(runner.run(reply(library, line, bold)))
        except KeyboardInterrupt:
            print()
        finally:
            runner.run(store.close())
    print(GOODBYE)
    return 0
