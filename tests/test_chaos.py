"""Chaos: a generator of hostile updates through the real Application against the fake Bot
API. Whatever arrives — markup, bidi overrides, emoji, diacritics only, 6,000 characters,
forged buttons, unknown commands, stickers, updates PTB cannot parse — naba logs no error,
answers every private message and every button press, and every call it makes is one the Bot
API accepts.

The default run is short (NABA_CHAOS_UPDATES, 150 updates over three seeds); `make chaos`
runs 2,000 or more.
"""

from __future__ import annotations

import logging
import os
import random

import pytest
from fakes.bot_api import FakeBotApi
from test_telegram import ADMIN, api, bot, seeds, settings  # noqa: F401  (fixtures)

UPDATES = int(os.environ.get("NABA_CHAOS_UPDATES", "50"))

PIECES = [
    "درعا", "متى تحررت درعا؟", "شو صار بالسويدا", "<b>", "</b>", "<script>x</script>", "&amp;",
    "\u202e", "\u2066", "\u202a", "\u200f", "ًٌٍَُِّْ", "🙂", "🇸🇾", "ـــ", "٧", "2024", "Daraa",
    "@naba_test_bot", "/", "more:", "\n", "  ", "؟", "«", "»", "ﻻ", "\x00", "\ufeff", "ـ",
]
COMMANDS = ["/start", "/help", "/ask", "/sources", "/latest", "/status", "/subscribe",
            "/unsubscribe", "/digest", "/stats", "/reindex", "/ingest", "/feeds", "/nonsense"]
DATA = ["more:3", "more:-3", "more:99999999", "more:", "x", "", "🙂", "more:3:3", "more:0"]


def _text(rng: random.Random) -> str:
    if rng.random() < 0.05:
        return "د" * rng.choice([1001, 4097, 6000])
    words = [rng.choice(PIECES) for _ in range(rng.randint(1, 8))]
    return "".join(w if rng.random() < 0.3 else w + " " for w in words).strip() or "؟"


@pytest.mark.parametrize("seed", [1, 2, 3])
async def test_hostile_updates_get_answers_and_no_errors(
    api: FakeBotApi, bot, caplog: pytest.LogCaptureFixture, seed: int  # noqa: F811
) -> None:
    caplog.set_level(logging.WARNING)
    rng = random.Random(seed)
    expect_reply: set[int] = set()  # chats whose every message deserves an answer
    presses = 0
    for i in range(UPDATES):
        user = 900_000 + seed * 1000 + i  # one message a user: the question limit stays out
        kind = rng.random()
        if kind < 0.55:
            api.send_text(user, _text(rng))
            expect_reply.add(user)
        elif kind < 0.7:
            args = " ".join(rng.choice(PIECES) for _ in range(rng.randint(0, 3)))
            api.send_text(rng.choice([user, ADMIN]), f"{rng.choice(COMMANDS)} {args}".strip())
        elif kind < 0.8:
            api.send_sticker(user)
            expect_reply.add(user)
        elif kind < 0.92 and api.sent:
            target = rng.choice(api.sent)
            api.press_button(target.chat_id, target.message_id, rng.choice(DATA), check=False)
            presses += 1
        else:
            api.queue_update("message", {"chat": rng.choice(["x", None, 5]), "text": "؟"})
    await api.wait_for(
        lambda a: {m.chat_id for m in a.sent} >= expect_reply
        and len(a.callback_answers) >= presses,
        timeout=60,
    )
    rejected = [c for c in api.calls if not c.ok and c.method != "getUpdates"]
    assert not rejected, [(c.method, c.description) for c in rejected[:5]]
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert not errors, [r.getMessage()[:200] for r in errors[:5]]
    assert len(api.callback_answers) == presses
