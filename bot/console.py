"""The Arabic console chat: `make run` without a token. Same answer() as Telegram."""

from __future__ import annotations

import asyncio
import sys

from bot.config import Settings
from bot.format import format_date, render_text
from bot.texts import ARTICLES, PASSAGES, counted, date_range
from index.search import Library
from index.store import Store

WELCOME = (
    "مرحبًا! أنا «نبأ»، أجيب عن أسئلتك عن الأخبار المفهرسة باقتباسات من نصوصها ومصادرها.\n"
    "عندي {articles} ({passages}){dates}.\n"
    "اكتب سؤالك بالعربية، مثل: متى تحررت درعا؟ — و«خروج» أو Ctrl-D للخروج."
)
EXIT_WORDS = {"خروج", "exit", "quit", ":q"}


async def run_console(settings: Settings) -> int:
    async with await Store.open(settings.db_path) as store:
        from bot.cli import seed_if_empty

        await seed_if_empty(store, settings)
        library = Library(store)
        await library.build()
        summary = await store.article_summary()
        dates = ""
        if summary["first_published"]:
            dates = "، منشورة " + date_range(format_date(summary["first_published"]),
                                             format_date(summary["last_published"]))
        print(WELCOME.format(articles=counted(summary["articles"], ARTICLES),
                             passages=counted(summary["passages"], PASSAGES), dates=dates))
        # ANSI bold for matched words on a terminal; plain «» marks when piped.
        bold = ("\033[1m", "\033[0m") if sys.stdout.isatty() else ("«", "»")
        while True:
            try:
                line = await asyncio.to_thread(input, "\n؟ ")
            except EOFError:
                print()
                break
            if line.strip().lower() in EXIT_WORDS:
                break
            if not line.strip():
                continue
            await library.refresh()  # articles ingested meanwhile by another process
            answer = await library.answer(line)
            print(render_text(answer, bold=bold))
    print("مع السلامة!")
    return 0
