"""The bot's shared resources, kept on `bot_data` behind one typed accessor."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from telegram.ext import ContextTypes

from bot.config import Settings
from index.search import Library
from index.store import Store

KEY = "naba"
QUESTION_WINDOW_SECONDS = 60


@dataclass
class Naba:
    settings: Settings
    store: Store
    library: Library
    # One digest run at a time: the scheduled job and a /digest now must not both pick up
    # the same pending entries and send them twice.
    digest_lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    # whether this process holds the scheduler lease (bot.app's leader job keeps it current)
    leader: bool = False

    @property
    def admins(self) -> frozenset[int]:
        return self.settings.admin_ids

    async def allow_question(self, user_id: int) -> bool:
        """At most `questions_per_minute` questions a user per minute, counted in the store so
        the limit holds however many replicas the user's updates reach."""
        count = await self.store.limits.count(f"questions:{user_id}", QUESTION_WINDOW_SECONDS)
        return count <= self.settings.questions_per_minute


def naba(context: ContextTypes.DEFAULT_TYPE) -> Naba:
    return context.bot_data[KEY]
