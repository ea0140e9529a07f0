"""Digests: new entries × subscriptions → one message per subscriber, every entry exactly once.

Delivery protocol, per message (one or more entries):
1. commit (subscription, entry) = 'sending' for its entries,
2. call sendMessage,
3. commit 'sent' with the message id — or, on failure, forget the 'sending' marks so the next
   run retries (network error), pause the subscription (blocked, kicked), or wait out a 429.
Across processes (several replicas, or the bot and `/digest now` elsewhere), a subscription's
fan-out runs under its lease "digest:<id>" (index.store.lease): one process at a time, renewed
while it works, expiring LEASE seconds after its holder dies. A process killed between 1 and 3
leaves 'sending' rows; they count as not yet delivered, so the
next run sends them. The only way to get an entry twice is a crash in the instant after Telegram
accepted a message and before step 3 committed (the Bot API has no idempotency key to close
that gap); a crash never loses an entry.

Network faults are told apart by whether the request may have reached Telegram (README,
"Digests"): a failure to connect or to write, or an error Telegram answered, means it did
not, and the entries are retried next run; a read timeout or reset *after* the request was
written means it probably did — Telegram usually sends the message and only the answer is
lost — so those entries are marked sent without a message id and not sent again. Sends wait up to
SEND_READ_TIMEOUT for Telegram's answer, so a slow answer is not taken for a lost one. The
trade: under such faults an entry is missed only if Telegram really dropped a request it had
fully received, instead of being repeated whenever the answer was lost.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import httpx
from telegram import Bot
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut

from bot.config import Settings
from bot.format import html_digest
from index.models import Article
from index.passages import sentence_spans
from index.search import Library
from index.store import Store, Subscription, now_utc
from index.store.lease import PROCESS_ID, Held, hold

log = logging.getLogger(__name__)

FREQUENCIES = {"instant": timedelta(0), "hourly": timedelta(hours=1), "daily": timedelta(days=1)}
# 429 answers honoured per message before the run gives up on that subscriber until next time.
MAX_RETRY_AFTER = 3
# How long a digest send waits for Telegram's answer (PTB's default is 5 s).
SEND_READ_TIMEOUT = 30.0
# Causes of a network error after the request was written out whole: Telegram most likely
# carried it out and only its answer was lost. Anything else — no connection, a timeout while
# writing, an error Telegram answered (5xx) — means it did not.
_MAYBE_SENT = (httpx.ReadTimeout, httpx.ReadError, httpx.RemoteProtocolError)
# A digest lists at most this many entries per run; the rest follow in the next run, so a
# subscriber coming back after a flood of entries gets readable messages, not dozens at once.
MAX_ENTRIES_PER_RUN = 60
# Seconds between two messages of one fan-out: NABA_DIGEST_PACE_SECONDS's default.
DEFAULT_PACE_SECONDS = Settings.defaults()["digest_pace_seconds"]
# How long a subscription's fan-out stays leased to a process that stopped renewing (died).
DEFAULT_LEASE_SECONDS = Settings.defaults()["lease_seconds"]




@dataclass
class DigestRun:
    """What one run did, for logs and tests."""

    sent_messages: int = 0
    sent_entries: int = 0
    filtered: int = 0
    paused: list[int] = field(default_factory=list)
    retry_later: list[int] = field(default_factory=list)
    elsewhere: list[int] = field(default_factory=list)  # leased to another process
    uncertain: int = 0  # messages whose answer was lost after the request went out


def is_due(sub: Subscription, now: datetime) -> bool:
    if sub.paused:
        return False
    if sub.force_due:
        return True
    period = FREQUENCIES.get(sub.frequency, FREQUENCIES["daily"])
    last = sub.last_digest_at or sub.created_at
    return now - last >= period


def one_line_excerpt(article: Article) -> str:
    """The article's first sentence that is not its title: the lede, which in news says what
    happened."""
    offset = 0
    for line in article.text.splitlines(keepends=True):
        for start, end in sentence_spans(article.text, offset, offset + len(line)):
            sentence = " ".join(article.text[start:end].split())
            if sentence and sentence != article.title:
                return sentence
        offset += len(line)
    return ""


def by_story(entries: list[Article], story_of: Mapping[int, int]) -> list[list[Article]]:
    """The entries as digest items: those of one story (index.stories) together, in the order
    their first entry arrived; an entry in no story is an item of its own."""
    items: dict[int, list[Article]] = {}
    for entry in entries:
        items.setdefault(story_of.get(entry.id, -entry.id), []).append(entry)
    return list(items.values())


def digest_messages(
    entries: list[Article], topic: str | None, story_of: Mapping[int, int] | None = None
) -> list[tuple[str, list[int]]]:
    """(HTML text, entry ids) per message: one item per story with its lede and all its
    sources, split at items."""
    items = by_story(entries, story_of or {})
    return html_digest(items, [one_line_excerpt(item[0]) for item in items], topic)


async def run_digests(
    bot: Bot,
    store: Store,
    library: Library,
    *,
    pace: float = DEFAULT_PACE_SECONDS,
    now: datetime | None = None,
    only_chat: int | None = None,
    owner: str = PROCESS_ID,
    lease_seconds: float = DEFAULT_LEASE_SECONDS,
) -> DigestRun:
    """Send every due subscriber its pending entries. Subscribers are served one after the
    other with `pace` seconds between messages: a fan-out is paced, not burst. A subscription
    whose lease another process holds is left to it."""
    now = now or now_utc()
    run = DigestRun()
    for sub in await store.subscriptions.list(active_only=True):
        if only_chat is not None and sub.chat_id != only_chat:
            continue
        if not is_due(sub, now):
            continue
        async with hold(store.leases, f"digest:{sub.id}", owner, lease_seconds) as lease:
            if not lease.held:
                run.elsewhere.append(sub.id)
                continue
            try:
                await deliver(bot, store, library, sub, run, pace=pace, lease=lease)
            except Exception:  # one subscriber's surprise must not stop the others
                log.exception("digest for subscription %s failed; will retry next run", sub.id)
                run.retry_later.append(sub.id)
    return run


async def deliver(
    bot: Bot,
    store: Store,
    library: Library,
    sub: Subscription,
    run: DigestRun,
    *,
    pace: float = DEFAULT_PACE_SECONDS,
    lease: Held | None = None,
) -> None:
    """One subscription's fan-out; stops at the first message if `lease` is lost."""
    entries = await store.deliveries.pending(sub, limit=MAX_ENTRIES_PER_RUN)
    if sub.topic and entries:
        matching = []
        for entry in entries:
            if await library.matches_topic(sub.topic, entry.id):
                matching.append(entry)
        kept = {e.id for e in matching}
        skipped = [e.id for e in entries if e.id not in kept]
        if skipped:
            await store.deliveries.mark(sub.id, skipped, "filtered")
            run.filtered += len(skipped)
        entries = matching
    if not entries:
        if sub.force_due:
            await store.subscriptions.finish_digest(sub.id)
        return
    story_of = await store.stories.story_ids([e.id for e in entries])
    for text, ids in digest_messages(entries, sub.topic, story_of):
        if lease is not None and not lease.held:
            # another process may now own this fan-out: sending on would repeat its messages
            run.retry_later.append(sub.id)
            return
        await store.deliveries.mark(sub.id, ids, "sending")
        message_id = await _send(bot, store, sub, text, ids, run)
        if message_id is None:
            return
        # UNCERTAIN: sent, as far as anyone can know; no message id to keep
        await store.deliveries.mark(sub.id, ids, "sent", message_id or None)
        run.sent_messages += 1
        run.sent_entries += len(ids)
        if pace:
            await asyncio.sleep(pace)
    await store.subscriptions.finish_digest(sub.id)


# What _send returns for a send whose answer was lost after the request went out (real
# message ids are positive).
UNCERTAIN = 0


async def _send(
    bot: Bot, store: Store, sub: Subscription, text: str, ids: list[int], run: DigestRun
) -> int | None:
    """Send one digest message; the message id (UNCERTAIN when Telegram probably has it but
    its answer was lost), or None when this subscriber must wait."""
    for _ in range(MAX_RETRY_AFTER + 1):
        try:
            message = await bot.send_message(
                sub.chat_id,
                text,
                message_thread_id=sub.thread_id,
                read_timeout=SEND_READ_TIMEOUT,
            )
            return message.message_id
        except RetryAfter as err:
            wait = err.retry_after
            seconds = wait.total_seconds() if isinstance(wait, timedelta) else float(wait)
            log.warning("429 for chat %s: waiting %.1f s", sub.chat_id, seconds)
            await asyncio.sleep(seconds)
        except Forbidden as err:
            await store.deliveries.clear_sending(sub.id, ids)
            await store.subscriptions.pause(sub.id, f"forbidden: {err.message}")
            log.warning("subscription %s paused: %s", sub.id, err.message)
            run.paused.append(sub.id)
            return None
        except BadRequest as err:
            await store.deliveries.clear_sending(sub.id, ids)
            if "chat not found" in err.message.lower():
                await store.subscriptions.pause(sub.id, f"bad request: {err.message}")
                run.paused.append(sub.id)
            else:
                log.error("digest for chat %s rejected: %s", sub.chat_id, err.message)
                run.retry_later.append(sub.id)
            return None
        except (TimedOut, NetworkError) as err:
            if isinstance(err.__cause__, _MAYBE_SENT):
                log.warning("digest for chat %s: answer lost after sending (%s); counted as "
                            "delivered, not sent again", sub.chat_id, err)
                run.uncertain += 1
                return UNCERTAIN
            await store.deliveries.clear_sending(sub.id, ids)
            log.warning("network error for chat %s (%s): retry next run", sub.chat_id, err)
            run.retry_later.append(sub.id)
            return None
    await store.deliveries.clear_sending(sub.id, ids)
    run.retry_later.append(sub.id)
    return None
