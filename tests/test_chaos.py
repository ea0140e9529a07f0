"""Chaos: a generator of hostile updates through the real Application against the fake Bot
API. Whatever arrives — markup, bidi overrides, emoji, diacritics only, 6,000 characters,
forged buttons, unknown commands, stickers, updates PTB cannot parse — naba logs no error,
answers every private message and every button press, and every call it makes is one the Bot
API accepts.

The default run is short (NABA_CHAOS_UPDATES, 150 updates over three seeds); `make chaos`
runs 2,000 or more.
"""

from __future__ import annotations

import asyncio
import logging
import os
import random
import signal
from pathlib import Path

import pytest
from fakes.bot_api import FakeBotApi
from test_telegram import (  # noqa: F401  (api, bot, seeds, settings are fixtures)
    ADMIN,
    _start_bot_process,
    api,
    bot,
    seeds,
    settings,
)

from bot.config import Settings
from index.ingest import ingest_article, ingest_path
from index.models import ArticleIn
from index.store import Store

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


# ---- digests under faults --------------------------------------------------------------------


async def test_digests_under_faults_and_kills_lose_nothing_and_repeat_nothing(
    api: FakeBotApi, settings: Settings, tmp_path: Path  # noqa: F811
) -> None:
    """Twenty subscribers, three entries arriving one by one, and everything going wrong:
    429s, 5xx answers, answers lost after Telegram sent the message, a send parked while the
    bot is SIGKILLed, then a restart. Every subscriber ends with every entry exactly once."""
    rng = random.Random(7)
    chats = list(range(700_001, 700_021))
    # three different events: copies of one event would be one digest item (index.stories)
    events = [
        "افتتحت بلدية مدينة الواحة الخيالية مرفقًا جديدًا للسكان.",
        "فاز فريق قرية السنابل الخيالية ببطولة الشطرنج الإقليمية.",
        "هطلت أمطار غزيرة على بلدة النخيل الخيالية طوال الليل.",
    ]
    entries = [
        ArticleIn(title=f"خبر الفوضى رقم {n}", text=f"نص تجريبي رقم {n}: {text}", guid=f"chaos:{n}")
        for n, text in enumerate(events, 1)
    ]
    async with await Store.open(settings.db_path) as store:
        await ingest_path(store, settings.seeds_dir)
        for chat in chats:
            await store.subscriptions.subscribe(
                chat, chat_type="private", thread_id=None, topic=None, frequency="instant"
            )

    def sow_faults() -> None:
        for chat in rng.sample(chats, 12):
            fault = rng.choice(["429", "5xx", "lost"])
            if fault == "429":
                api.fail_chat(chat, 429, retry_after=1, times=1)
            elif fault == "5xx":
                api.fail_chat(chat, 502, times=1)
            else:
                api.lose_answers(chat, times=1)

    log_file = tmp_path / "bot.log"
    proc = await _start_bot_process(api, settings, log_file)
    try:
        for n, entry in enumerate(entries):
            sow_faults()
            if n == 1:
                api.hold_chat(chats[5])  # this send is in flight when the bot is killed
            async with await Store.open(settings.db_path) as store:
                await ingest_article(store, entry, "chaos")
            if n == 1:
                await api.wait_for_held(chats[5], 1, timeout=30)
                proc.send_signal(signal.SIGKILL)
                await asyncio.wait_for(proc.wait(), 10)
                api.release(chats[5])
                proc = await _start_bot_process(api, settings, log_file)
            else:
                await asyncio.sleep(1.5)

        def counts() -> dict[tuple[int, str], int]:
            seen: dict[tuple[int, str], int] = {}
            for chat in chats:
                for message in api.sent_to(chat):
                    for entry in entries:
                        if entry.title in message.plain_text:
                            key = (chat, entry.title)
                            seen[key] = seen.get(key, 0) + 1
            return seen

        await api.wait_for(lambda a: len(counts()) == len(chats) * len(entries), timeout=90)
        await asyncio.sleep(2.5)  # more digest runs: nothing may come twice
    finally:
        proc.send_signal(signal.SIGTERM)
        await asyncio.wait_for(proc.wait(), 15)
    seen = counts()
    lost = len(chats) * len(entries) - len(seen)
    duplicated = sum(n - 1 for n in seen.values())
    assert (lost, duplicated) == (0, 0), {k: v for k, v in seen.items() if v > 1}
