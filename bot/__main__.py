"""`python -m bot [command]` — the command line: ask, ingest, index, feeds, eval, bench, run.

With no command: the Telegram bot when TELEGRAM_BOT_TOKEN is set, else an Arabic console chat.
"""

from __future__ import annotations

import sys

from bot.cli import main

if __name__ == "__main__":
    sys.exit(main())
