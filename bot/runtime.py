"""The bot's shared resources, kept on `bot_data` behind one typed accessor."""

from __future__ import annotations

import asyncio
import time
from collections import deque
from dataclasses import dataclass, field

from telegram.ext import ContextTypes

from bot.config import Settings
from index.search import Library
from index.store import Store

KEY = "naba"


@dataclass
class Naba:
    settings: Settings
    store: Store
    library: Library
    # user id → times of recent questions, for the per-user rate limit
    recent: dict[int, deque[float]] = field(default_factory=dict)
    # One digest run at a time: the scheduled job and a /digest now must not both pick up
    # the same pending entries and send them twice.
    digest_lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    # whether this process holds the scheduler lease (bot.app's leader job keeps it current)
    leader: bool = False

    @property
    def admins(self) -> frozenset[int]:
        return self.settings.admin_ids

    def allow_question(self, user_id: int, now: float | None = None) -> bool:
        """Sliding one-minute window of at most `questions_per_minute` questions a user."""
        now = time.monotonic() if now is None else now
        window = self.recent.setdefault(user_id, deque())
        while window and now - window[0] >= 60:
            window.popleft()
        if len(window) >= self.settings.questions_per_minute:
            return False
        window.append(now)
        return True


def naba(context: ContextTypes.DEFAULT_TYPE) -> Naba:
    return context.bot_data[KEY]
