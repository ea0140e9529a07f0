"""Where entries come from: article files and folders, and RSS/Atom feeds polled with
conditional requests and per-feed back-off. Everything lands through ingest → store."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import httpx

from index.feeds import FeedError, backoff_seconds, fetch_feed, looks_like_feed_url, parse_feed
from index.ingest import IngestReport, ingest_articles, ingest_path
from index.store import Feed, Store, now_utc

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class FeedOptions:
    poll_seconds: float = 900
    timeout: float = 20.0
    max_bytes: int = 5_000_000


async def ingest_sources(
    store: Store,
    sources: Sequence[str],
    *,
    options: FeedOptions | None = None,
    on_progress: Callable[[int], None] | None = None,
) -> IngestReport:
    """Ingest files, folders and feed URLs (a URL is also remembered as a feed)."""
    options = options or FeedOptions()
    report = IngestReport()
    for source in sources:
        if looks_like_feed_url(source):
            feed, _ = await store.add_feed(source, added_by="ingest")
            async with feed_client() as client:
                report.merge(await poll_feed(store, feed, client, options))
        else:
            path = Path(source)
            if not path.exists():
                report.add("failed")
                report.problems.append(f"{source}: no such file or folder")
                continue
            report.merge(await ingest_path(store, path, on_progress=on_progress))
    return report


def feed_client() -> httpx.AsyncClient:
    # Redirects are followed (and capped) by fetch_feed itself.
    return httpx.AsyncClient(follow_redirects=False)


async def poll_feed(
    store: Store, feed: Feed, client: httpx.AsyncClient, options: FeedOptions
) -> IngestReport:
    """Fetch one feed conditionally, ingest its entries (one transaction each), record the
    outcome on the feed row. Never raises for a bad feed: the error is stored and counted."""
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
            parsed = parse_feed(result.body, result.final_url, feed_id=feed.id)
        except FeedError as err:
            error = str(err)
    if error is not None:
        wait = max(options.poll_seconds, backoff_seconds(feed.failures + 1, options.poll_seconds))
        await store.record_feed_poll(
            feed.id, ok=False, error=error, next_poll_at=now_utc() + timedelta(seconds=wait)
        )
        await store.log_ingest(feed.url, "failed", error)
        log.warning("feed %s failed: %s (next try in %.0f s)", feed.url, error, wait)
        report.add("failed")
        report.problems.append(f"{feed.url}: {error}")
        return report
    next_poll = now_utc() + timedelta(seconds=options.poll_seconds)
    if parsed is not None:
        report.merge(await ingest_articles(store, parsed.entries, feed.url))
        for problem in parsed.problems:
            log.warning("feed %s: %s", feed.url, problem)
            report.problems.append(f"{feed.url}: {problem}")
        if parsed.skipped_non_arabic:
            report.counts["skipped"] += parsed.skipped_non_arabic
            await store.log_ingest(
                feed.url, "skipped", f"{parsed.skipped_non_arabic} entries not Arabic"
            )
    await store.record_feed_poll(
        feed.id,
        ok=True,
        title=parsed.title if parsed else None,
        etag=result.etag,
        last_modified=result.last_modified,
        next_poll_at=next_poll,
        new=report.counts.get("new", 0),
        updated=report.counts.get("updated", 0),
        skipped=report.counts.get("skipped", 0),
    )
    log.info("feed %s: %s%s", feed.url, report.summary(),
             " (not modified)" if result.not_modified else "")
    return report


async def poll_due_feeds(
    store: Store, options: FeedOptions, *, extra_urls: Sequence[str] = (), force: bool = False
) -> IngestReport:
    """Poll every feed whose next poll time has come (all of them with `force`)."""
    for url in extra_urls:
        await store.add_feed(url, added_by="env")
    report = IngestReport()
    now = now_utc()
    due = [f for f in await store.feeds() if force or f.next_poll_at is None or f.next_poll_at <= now]
    if not due:
        return report
    async with feed_client() as client:
        for feed in due:
            report.merge(await poll_feed(store, feed, client, options))
    return report
