"""Logging for a bot that outsiders can provoke: no token in any record, no flood of one error.

Both are filters on the root logger's handlers, so they see every library's records.
"""

from __future__ import annotations

import logging
import sys
import time
from urllib.parse import quote


class RedactToken(logging.Filter):
    """Blanks the bot token out of every log record, whichever library wrote it: the message
    and its arguments, the exception text with its traceback, and the stack, in the token's
    plain and URL-encoded forms (and its secret half alone)."""

    def __init__(self, token: str) -> None:
        super().__init__()
        secret = token.split(":", 1)[-1]
        forms = {token, quote(token, safe=""), quote(token), secret, quote(secret, safe="")}
        self.forms = sorted((f for f in forms if len(f) >= 8), key=len, reverse=True)

    def clean(self, text: str) -> str:
        for form in self.forms:
            text = text.replace(form, "<token>")
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        if not self.forms:
            return True
        message = record.getMessage()
        cleaned = self.clean(message)
        if cleaned != message:
            record.msg, record.args = cleaned, ()
        if record.exc_info and not record.exc_text:
            # formatted once here, cleaned, and cached where every Formatter looks first
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.clean(record.exc_text)
        if record.stack_info:
            record.stack_info = self.clean(record.stack_info)
        return True


_REDACTED: set[str] = set()


def install_redaction(token: str | None) -> None:
    """Put RedactToken on the root handlers and the loggers that print URLs (once a token)."""
    if not token or token in _REDACTED:
        return
    _REDACTED.add(token)
    redact = RedactToken(token)
    for handler in logging.getLogger().handlers:
        handler.addFilter(redact)
    # Loggers that format URLs; filtered at the source too in case they get own handlers.
    for name in ("httpx", "telegram", "telegram.ext", "apscheduler"):
        logging.getLogger(name).addFilter(redact)
    logging.getLogger("httpx").setLevel(logging.WARNING)


class Throttle(logging.Filter):
    """Lets the same warning or error (same logger, level and message template) through at
    most BURST times a WINDOW seconds; then one line says how many were held back. A fault
    that repeats many times a second (a wedged loop, a dead upstream) cannot fill the disk."""

    WINDOW = 60.0
    BURST = 5

    def __init__(self) -> None:
        super().__init__()
        self._seen: dict[tuple[str, int, str], tuple[float, int]] = {}

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno < logging.WARNING:
            return True
        key = (record.name, record.levelno, str(record.msg))
        now = time.monotonic()
        start, count = self._seen.get(key, (now, 0))
        if now - start > self.WINDOW:
            held = count - self.BURST
            start, count = now, 0
            if held > 0:
                record.msg = f"{record.msg} [and {held} more like it in the last minute]"
        count += 1
        self._seen[key] = (start, count)
        if len(self._seen) > 10_000:  # a flood of distinct messages: start over
            self._seen.clear()
        return count <= self.BURST


def configure_logging(level: str) -> None:
    """Log to stderr at `level`, through a Throttle, as logging.basicConfig would: only when
    nothing has configured the root logger yet (a host application or a test runner keeps
    its own handlers, untouched)."""
    root = logging.getLogger()
    if not root.handlers:
        root.setLevel(level)
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        handler.addFilter(Throttle())
        root.addHandler(handler)
    # httpx logs every request URL, and Bot API URLs contain the token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
