"""Where entries come from: article files and folders, the seeds folder rescanned on a schedule,
and RSS/Atom feeds polled with conditional requests and per-feed back-off. Everything lands
through ingest → store, one transaction per entry, so a crash loses at most the entry in hand.

Feeds: `poll_due_feeds` polls every feed whose `next_poll_at` has come (a few at a time), and
never lets one bad feed stop the others. A poll sends the stored ETag / Last-Modified, so an
unchanged feed answers 304 and nothing is parsed. Failures are stored on the feed row (last
error, failures in a row, errors in total), logged in the ingest log, and push the next poll
back exponentially; every wait gets a little random jitter so feeds added together drift apart.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from pathlib import Path

import httpx

from index.articles import article_files
from index.feeds import (
    DEFAULT_MAX_BYTES,
    DEFAULT_TIMEOUT,
    FeedError,
    backoff_seconds,
    fetch_feed,
    looks_like_feed_url,
    parse_feed,
)
from index.ingest import (
    IngestReport,
    InvalidArticle,
    identity_url,
    ingest_article,
    ingest_file,
    ingest_path,
)
from index.models import ArticleIn
from index.store import Feed, FileState, Store, now_utc
from index.store.lease import PROCESS_ID, hold

__all__ = [
    "FeedOptions",
    "feed_client",
    "fetch_once",
    "ingest_sources",
    "next_poll_time",
    "poll_due_feeds",
    "poll_feed",
    "rescan_seeds",
    "source_units",
]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class FeedOptions:
    poll_seconds: float = 900
    timeout: float = DEFAULT_TIMEOUT
    max_bytes: int = DEFAULT_MAX_BYTES
    # Up to this share of a wait is added at random, so that feeds added together (or all
    # failing together when the network drops) do not stay in lock-step for ever.
    jitter: float = 0.1
    # Feeds fetched at once by poll_due_feeds: one slow feed must not hold up the rest.
    concurrency: int = 4


def next_poll_time(
    options: FeedOptions, failures: int = 0, now: datetime | None = None
) -> datetime:
    """When to poll again: after `poll_seconds`, or after the back-off for `failures`
    consecutive failures (poll_seconds, 2x, 4x... capped at 6 h), plus jitter."""
    wait = max(options.poll_seconds, backoff_seconds(failures, options.poll_seconds))
    wait *= 1.0 + random.uniform(0.0, max(options.jitter, 0.0))
    return (now or now_utc()) + timedelta(seconds=wait)


def feed_client() -> httpx.AsyncClient:
    # Redirects are followed (and capped) by fetch_feed itself.
    return httpx.AsyncClient(follow_redirects=False)


# --- files, folders, URLs ------------------------------------------------------------------


def source_units(sources: Sequence[str]) -> int:
    """How many progress ticks ingest_sources will make: one per file, one per feed URL."""
    total = 0
    for source in sources:
        if looks_like_feed_url(source):
            total += 1
        elif Path(source).exists():
            with contextlib.suppress(OSError, ValueError):
                total += len(article_files(Path(source)))
    return total


async def ingest_sources(
    store: Store,
    sources: Sequence[str],
    *,
    options: FeedOptions | None = None,
    on_progress: Callable[[int], None] | None = None,
) -> IngestReport:
    """Ingest files, folders and feed URLs, once. A URL is fetched now and its entries stored;
    it does not become a feed that is polled again (`feeds add` does that), unless it already
    is one, when this is that feed's poll, brought forward."""
    options = options or FeedOptions()
    report = IngestReport()
    for source in sources:
        if looks_like_feed_url(source):
            feed = await store.feeds.by_url(source)
            async with feed_client() as client:
                if feed is not None:
                    report.merge(await poll_feed(store, feed, client, options))
                else:
                    report.merge(await fetch_once(store, source, client, options))
            if on_progress:
                on_progress(1)
            continue
        path = Path(source)
        if not path.exists():
            report.add("failed")
            report.problems.append(f"{source}: no such file or folder")
            await store.log.record(source, "failed", "no such file or folder")
            continue
        report.merge(await ingest_path(store, path, on_progress=on_progress))
    return report


async def rescan_seeds(
    store: Store, seeds_dir: Path | str, *, on_progress: Callable[[int], None] | None = None
) -> IngestReport:
    """Ingest the files of the seeds folder that are new or changed since the last scan.

    A file is read again only when its size or modification time changed (remembered in the
    store), so rescanning a large folder every few minutes costs one stat per file. Guids are
    relative to the folder, as with `python -m bot ingest FOLDER`, so an edited file updates
    its article and a file ingested both ways is stored once. Unchanged files are counted as
    'unchanged'; files deleted from the folder are forgotten (their articles stay)."""
    root = Path(seeds_dir)
    report = IngestReport()
    if not root.is_dir():
        report.problems.append(f"{root}: seeds folder does not exist")
        return report
    files = await asyncio.to_thread(_stat_files, root)
    prefix = str(root.resolve()) + os.sep
    known = {
        path: state for path, state in (await store.seeds.states()).items()
        if path.startswith(prefix)
    }
    for file, key, state in files:
        if known.get(key) == FileState(*state):
            report.counts["unchanged"] += 1
        else:
            report.merge(await ingest_file(store, file))
            # Remembered even when unreadable: a broken file is reported once, not every scan;
            # fixing it changes its size or time and it is read again.
            await store.seeds.remember(key, *state)
        if on_progress:
            on_progress(1)
    gone = set(known) - {key for _, key, _ in files}
    if gone:
        await store.seeds.forget(sorted(gone))
    changed = {k: v for k, v in report.counts.items() if k != "unchanged" and v}
    if changed:
        log.info("seeds %s: %s", root, report.summary())
    for problem in report.problems:
        log.warning("seeds %s: %s", root, problem)
    return report


def _stat_files(root: Path) -> list[tuple[Path, str, tuple[int, int]]]:
    """(file, key, (mtime_ns, size)) for every article file under root; vanished ones left out."""
    out = []
    for file in article_files(root):
        try:
            st = file.stat()
        except OSError:
            continue
        out.append((file, str(file.resolve()), (st.st_mtime_ns, st.st_size)))
    return out


# --- feeds ---------------------------------------------------------------------------------


async def poll_due_feeds(
    store: Store,
    options: FeedOptions,
    *,
    extra_urls: Sequence[str] = (),
    force: bool = False,
    client: httpx.AsyncClient | None = None,
    owner: str = PROCESS_ID,
) -> IngestReport:
    """Poll every feed whose next poll time has come (all of them with `force`), a few at a
    time. `extra_urls` (NABA_FEEDS) are added to the feeds table first. A failing feed is
    recorded on its row and never stops the others."""
    for url in extra_urls:
        if looks_like_feed_url(url):
            await store.feeds.add(url, added_by="env")
        else:
            log.warning("NABA_FEEDS: not an http(s) URL, ignored: %s", url)
    report = IngestReport()
    now = now_utc()
    due = [f for f in await store.feeds.all() if force or _due(f, now)]
    if not due:
        return report
    gate = asyncio.Semaphore(max(1, options.concurrency))

    async def one(http: httpx.AsyncClient, feed: Feed) -> IngestReport:
        # one process polls a feed at a time (several replicas, or `feeds poll` beside the bot)
        seconds = max(options.timeout * 3, 30.0)
        async with gate, hold(store.leases, f"feed:{feed.id}", owner, seconds) as lease:
            if not lease.held:
                return IngestReport()
            # another process may have polled it between our look and our lease
            fresh = await store.feeds.by_url(feed.url)
            if fresh is None or not (force or _due(fresh, now_utc())):
                return IngestReport()
            return await poll_feed(store, fresh, http, options)

    if client is not None:
        results = await asyncio.gather(*(one(client, f) for f in due), return_exceptions=True)
    else:
        async with feed_client() as http:
            results = await asyncio.gather(*(one(http, f) for f in due), return_exceptions=True)
    for feed, result in zip(due, results, strict=True):
        if isinstance(result, BaseException):
            if isinstance(result, asyncio.CancelledError):
                raise result
            log.error("feed %s: poll crashed: %r", feed.url, result)
            report.add("failed")
            report.problems.append(f"{feed.url}: {result!r}")
        else:
            report.merge(result)
    return report


def _due(feed: Feed, now: datetime) -> bool:
    return feed.next_poll_at is None or feed.next_poll_at <= now


async def poll_feed(
    store: Store, feed: Feed, client: httpx.AsyncClient, options: FeedOptions
) -> IngestReport:
    """Fetch one feed conditionally, ingest its entries (one transaction each), record the
    outcome on the feed row. Never raises for a bad feed: the error is stored and counted."""
    try:
        return await _poll_feed(store, feed, client, options)
    except Exception as exc:  # a bug or a store problem: record it and let the others go on
        log.exception("feed %s: unexpected error", feed.url)
        report = IngestReport()
        report.add("failed")
        error = f"internal error: {type(exc).__name__}: {exc}"
        report.problems.append(f"{feed.url}: {error}")
        try:
            await _record_failure(store, feed, error, options)
        except Exception:
            log.exception("feed %s: could not record the failure", feed.url)
        return report


async def fetch_once(
    store: Store, url: str, client: httpx.AsyncClient, options: FeedOptions
) -> IngestReport:
    """Fetch a feed URL one time and ingest its entries, remembering nothing about the feed:
    a failure is reported and logged, never retried."""
    report = IngestReport()
    result = await fetch_feed(client, url, max_bytes=options.max_bytes, timeout=options.timeout)
    error = result.error
    parsed = None
    if error is None and result.body is not None:
        try:
            parsed = await asyncio.to_thread(parse_feed, result.body, result.final_url)
        except FeedError as err:
            error = str(err).removeprefix(f"{result.final_url}: ")
    if parsed is None:
        error = error or "no feed in the answer"
        await store.log.record(url, "failed", error)
        report.add("failed")
        report.problems.append(f"{url}: {error}")
        return report
    notes = list(parsed.problems)
    for entry in parsed.entries:
        notes.extend(await _ingest_entry(store, _Source(url, None), entry, report))
    if parsed.skipped_non_arabic:
        report.counts["skipped"] += parsed.skipped_non_arabic
        await store.log.record_many(
            [(url, "skipped", "entry not in Arabic")] * parsed.skipped_non_arabic
        )
    if notes:
        await store.log.record_many([(url, "warning", note) for note in notes])
        report.problems.extend(f"{url}: {note}" for note in notes)
    return report


async def _record_failure(store: Store, feed: Feed, error: str, options: FeedOptions) -> float:
    next_at = next_poll_time(options, feed.failures + 1)
    await store.feeds.record_poll(feed.id, ok=False, error=error, next_poll_at=next_at)
    await store.log.record(feed.url, "failed", error)
    return (next_at - now_utc()).total_seconds()


async def _poll_feed(
    store: Store, feed: Feed, client: httpx.AsyncClient, options: FeedOptions
) -> IngestReport:
    report = IngestReport()
    result = await fetch_feed(
        client,
        feed.url,
        etag=feed.etag,
        last_modified=feed.last_modified,
        max_bytes=options.max_bytes,
        timeout=options.timeout,
    )
    error = result.error
    parsed = None
    if error is None and not result.not_modified and result.body is not None:
        try:
            # Parsing a large feed takes a while: off the event loop, so answers keep flowing.
            parsed = await asyncio.to_thread(
                parse_feed, result.body, result.final_url, feed_id=feed.id
            )
        except FeedError as err:
            error = str(err).removeprefix(f"{result.final_url}: ")
    if error is not None:
        wait = await _record_failure(store, feed, error, options)
        log.warning("feed %s: failed (%d in a row): %s; next try in %.0f s",
                    feed.url, feed.failures + 1, error, wait)
        report.add("failed")
        report.problems.append(f"{feed.url}: {error}")
        return report

    notes: list[str] = []
    if parsed is not None:
        notes.extend(parsed.problems)
        for entry in parsed.entries:
            notes.extend(await _ingest_entry(store, feed, entry, report))
        if parsed.skipped_non_arabic:
            report.counts["skipped"] += parsed.skipped_non_arabic
            await store.log.record_many(
                [(feed.url, "skipped", "entry not in Arabic")] * parsed.skipped_non_arabic
            )
    # Validators are stored only now, after every entry is in: a crash before this point
    # means the next poll fetches the whole feed again instead of getting a 304.
    await store.feeds.record_poll(
        feed.id,
        ok=True,
        title=parsed.title if parsed else None,
        etag=result.etag,
        last_modified=result.last_modified,
        next_poll_at=next_poll_time(options),
        new=report.counts.get("new", 0),
        updated=report.counts.get("updated", 0),
        skipped=report.counts.get("skipped", 0),
    )
    if notes:
        await store.feeds.record_problems(feed.id, notes)
        await store.log.record_many([(feed.url, "warning", note) for note in notes])
        for note in notes:
            log.warning("feed %s: %s", feed.url, note)
            report.problems.append(f"{feed.url}: {note}")
    c = report.counts
    if result.not_modified:
        log.info("feed %s: not modified", feed.url)
    else:
        log.info("feed %s: %d new, %d updated, %d unchanged, %d skipped (not Arabic), %d failed",
                 feed.url, c["new"], c["updated"], c["duplicate"], c["skipped"], c["failed"])
    return report


@dataclass(frozen=True)
class _Source:
    """Where a feed entry came from: the feed's URL, and its row when it is a kept feed."""

    url: str
    id: int | None


async def _ingest_entry(
    store: Store, feed: Feed | _Source, entry: ArticleIn, report: IngestReport
) -> list[str]:
    """Ingest one feed entry; returns notes about it (failure, missing link or date)."""
    label = _label(entry)
    # Feed guids are only unique within their feed ("123" in two feeds are two stories), so
    # they are stored qualified by the feed; the same story in two feeds meets by its link.
    entry = replace(entry, guid=f"{feed.url}#{entry.guid}" if entry.guid else None)
    canonical = identity_url(entry.url)
    match = await store.articles.match(entry.guid, canonical)
    ours = feed.id is not None and match is not None and match.feed_id == feed.id
    if match is not None and match.guid != entry.guid and not ours:
        # Not ours but the same link: another feed (or a file, or a one-time fetch) carries
        # this story. The first source keeps it, or two feeds with different teasers would
        # overwrite each other at every poll.
        await store.log.record(feed.url, "duplicate", f"{label}: same link as article "
                               f"{match.id} from another source", article_id=match.id)
        report.add("duplicate", match.id)
        return []
    try:
        outcome = await ingest_article(store, entry, feed.url)
    except InvalidArticle as err:  # logged as 'failed' by ingest_article
        report.add("failed")
        return [f"{label}: not stored: {err}"]
    report.add(outcome.status, outcome.article_id)
    notes = []
    if outcome.status in ("new", "updated"):
        if entry.url is None:
            notes.append(f"{label}: no link; stored without one")
        if entry.published is None:
            notes.append(f"{label}: no date; stored without one")
    return notes


def _label(entry: ArticleIn) -> str:
    title = entry.title if len(entry.title) <= 60 else entry.title[:59] + "…"
    return f"entry «{title}»"

