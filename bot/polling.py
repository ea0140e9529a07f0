"""Long polling that one unreadable update cannot wedge.

python-telegram-bot parses a whole getUpdates batch at once; when one update in it cannot be
parsed, `get_updates` raises, the Updater asks again with the same offset, gets the same
update, and so on — about 21 requests a second and a CRITICAL line each, forever. `NabaBot`
reads such a batch update by update instead: the readable ones are handled, the unreadable
ones are logged once and confirmed to Telegram (a getUpdates past them) so they never come
back.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from telegram import Update
from telegram.ext import ExtBot

log = logging.getLogger(__name__)


class DropParseNoise(logging.Filter):
    """Drops PTB's own CRITICAL "Error while parsing updates!" record (with the whole raw
    batch): NabaBot logs one line per skipped update instead."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith("Error while parsing updates!")


for _name in ("telegram.Bot", "telegram.ext.ExtBot"):
    logging.getLogger(_name).addFilter(DropParseNoise())


class NabaBot(ExtBot):
    """ExtBot whose get_updates skips updates it cannot parse (see the module docstring)."""

    __slots__ = ()

    async def get_updates(self, offset: int | None = None, limit: int | None = None,
                          timeout: Any = None, allowed_updates: Sequence[str] | None = None,
                          **kwargs: Any) -> tuple[Update, ...]:
        try:
            return await super().get_updates(offset, limit, timeout, allowed_updates, **kwargs)
        except (KeyError, TypeError, ValueError, AttributeError, IndexError):
            return await self._readable_updates(offset, limit, allowed_updates)

    async def _readable_updates(
        self, offset: int | None, limit: int | None, allowed_updates: Sequence[str] | None
    ) -> tuple[Update, ...]:
        """The same batch again (no long wait), parsed one update at a time."""
        raw = await self._post(
            "getUpdates",
            {"offset": offset, "limit": limit, "timeout": 0, "allowed_updates": allowed_updates},
        )
        good: list[Update] = []
        bad: list[int] = []
        for item in raw or []:
            try:
                update = Update.de_json(item, self)
            except (KeyError, TypeError, ValueError, AttributeError, IndexError):
                update = None
            if update is None:
                update_id = item.get("update_id") if isinstance(item, dict) else None
                if isinstance(update_id, int):
                    bad.append(update_id)
                continue
            self.insert_callback_data(update)
            good.append(update)
        if bad:
            log.warning("skipped %d update(s) that could not be read: update_id %s",
                        len(bad), ", ".join(map(str, bad)))
            newest_good = max((u.update_id for u in good), default=-1)
            if max(bad) > newest_good:
                # nothing after them to move the offset on: confirm them ourselves
                await self._post("getUpdates", {"offset": max(bad) + 1, "limit": 1, "timeout": 0})
        return tuple(good)
