"""`python -m bot [command]` — the command line: ask, ingest, index, feeds, eval, bench, run.

With no command: the Telegram bot when TELEGRAM_BOT_TOKEN is set, else an Arabic console chat.
"""

from __future__ import annotations

import sys


def _quiet_ctrl_c(unraisable: sys.UnraisableHookArgs) -> None:
    """Ctrl-C that lands in a finalizer («Exception ignored in: …__del__») is the user leaving,
    not an error to print; anything else is reported as Python would."""
    if not isinstance(unraisable.exc_value, KeyboardInterrupt):
        sys.__unraisablehook__(unraisable)


sys.unraisablehook = _quiet_ctrl_c

try:
    from bot.cli import main
except KeyboardInterrupt:  # Ctrl-C while Python is still loading naba: no traceback
    sys.exit(130)

if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:  # between main's own handlers (settings, logging set-up)
        sys.exit(130)
