"""Feeds and files into the store and the index: polling, back-off, conditional requests,
dedup, updates, digests, bad sources, seeds rescans, and queries during ingest.

Everything runs against a real SQLite file in tmp_path and the local FeedServer. Every feed and
article here is an invented test fixture (fictional places, example.test hosts), not news."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import sqlite3
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from fakes.documents import rss_item as item
from fakes.feed_server import FeedServer

import index.ingest as ingest_module
import index.sources as sources
from index.ingest import ingest_article
from index.models import ArticleIn
from index.search import Library
from index.sources import (
    FeedOptions,
    ingest_sources,
    next_poll_time,
    poll_due_feeds,
    rescan_seeds,
    source_units,
)
from index.store import Store, now_utc, to_iso

FEED_TITLE = "صحيفة تجريبية"
DATE = "Mon, 06 Jan 2025 10:00:00 +0300"
DATE_UTC = datetime(2025, 1, 6, 7, 0, tzinfo=UTC)
_LETTERS = "قطظضصثجحخذزشغ"


def word(i: int) -> str:
    """An invented Arabic-script word, unique per i (< 2197) and left whole by the analyzer."""
    a, b = divmod(i, len(_LETTERS))
    c, a = divmod(a, len(_LETTERS))
    return "ز" + _LETTERS[c] + _LETTERS[a] + _LETTERS[b] + "ق"


def story(i: int) -> tuple[str, str]:
    w = word(i)
    return (
        f"خبر تجريبي عن {w} في مدينة خيالية",
        f"نص تجريبي: افتتحت في {w} مكتبة خيالية جديدة للزوار صباح اليوم.\n"
        # Only one of the two passages names the place: a word in every passage of a tiny
        # corpus has no idf left to rank with.
        f"وقال مسؤول خيالي إن المكتبة ستفتح أبوابها كل يوم {i}.",
    )


def story_item(i: int, **kw: Any) -> str:
    kw.setdefault("guid", f"g{i}")
    kw.setdefault("link", f"https://example.test/news/{i}")
    return item(*story(i), **kw)


def rss(items: str, *, title: str = FEED_TITLE, encoding: str = "utf-8") -> str:
    return (
        f'<?xml version="1.0" encoding="{encoding}"?>\n<rss version="2.0"><channel>'
        f"<title>{title}</title><link>https://example.test/</link>"
        f"<description>موجز تجريبي</description>{items}</channel></rss>"
    )


async def seed_corpus(store: Store, n: int = 8) -> set[int]:
    """Unrelated background articles, so that BM25 has a corpus to weigh words against (in
    a corpus of one or two passages every word has zero idf)."""
    ids = set()
    for k in range(n):
        article = ArticleIn(
            title=f"تقرير خلفية {k}",
            text=f"تقرير تجريبي عن الطقس المعتدل في الوادي البعيد رقم {k}.\n"
            f"هطلت أمطار خفيفة على التلال الشرقية في اليوم {k}.",
            guid=f"filler:{k}",
        )
        ids.add((await ingest_article(store, article, "filler")).article_id)
    return ids


OPTIONS = FeedOptions(poll_seconds=60, timeout=2.0, max_bytes=200_000, jitter=0.1)


@pytest.fixture(autouse=True)
def _no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    # feed_client() trusts the environment; a proxy setting must not see loopback tests.
    for name in (
        "http_proxy",
        "https_proxy",
        "all_proxy",
        "HTTP_PROXY",
        "HTTPS_PROXY",
        "ALL_PROXY",
    ):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Store]:
    async with await Store.open(tmp_path / "naba.db") as opened:
        yield opened


@pytest.fixture
async def server() -> AsyncIterator[FeedServer]:
    async with FeedServer() as srv:
        yield srv


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(trust_env=False) as http:
        yield http


def q(store: Store, sql: str, params: tuple = ()) -> list[tuple]:
    """Read the database file through a second, read-only connection."""
    with sqlite3.connect(f"file:{store.target}?mode=ro", uri=True) as db:
        return db.execute(sql, params).fetchall()


def log_rows(store: Store, origin: str) -> list[tuple[str, str | None]]:
    return q(store, "SELECT status, detail FROM ingest_log WHERE origin = ? ORDER BY id", (origin,))


async def make_all_due(store: Store) -> None:
    """Every feed due now, written through a second connection to the file."""
    with contextlib.closing(sqlite3.connect(store.target, timeout=10)) as db, db:
        db.execute("UPDATE feeds SET next_poll_at = ?", (to_iso(now_utc() - timedelta(1)),))


async def poll(store: Store, client: httpx.AsyncClient, *urls: str, **kw: Any) -> Any:
    for url in urls:
        await store.feeds.add(url)
    return await poll_due_feeds(store, kw.pop("options", OPTIONS), client=client, **kw)


async def feed_row(store: Store, url: str) -> Any:
    feed = await store.feeds.by_url(url)
    assert feed is not None
    return feed


def between(value: datetime | None, low: float, high: float) -> bool:
    """value lies low..high seconds from now. The store keeps whole seconds, and a poll run
    takes a moment, so there are a few seconds of slack below."""
    assert value is not None and value.tzinfo is not None
    delta = (value - now_utc()).total_seconds()
    return low - 3.0 <= delta <= high + 1.0


# --- entries, metadata, skipping -----------------------------------------------------------


async def test_feed_entries_become_articles_with_metadata(
    store: Store, server: FeedServer, client: httpx.AsyncClient
) -> None:
    server.set_feed(
        "/rss",
        rss(
            story_item(1)
            + story_item(2, date="Tue, 07 Jan 2025 09:15:00 GMT")
            + item("Fictional English entry", "Only English text here.", guid="en")
            + item("Entrée fictive", "Texte fictif en français.", guid="fr")
        ),
    )
    fillers = await seed_corpus(store)
    library = Library(store)
    await library.build()
    report = await poll(store, client, server.url("/rss"))
    assert (report.counts["new"], report.counts["skipped"], report.counts["failed"]) == (2, 2, 0)

    entries = [a for a in await store.articles.newest(limit=50) if a.id not in fillers]
    first, second = sorted(entries, key=lambda a: a.id)
    assert (first.title, first.text) == story(1)
    assert first.source == FEED_TITLE
    assert first.url == "https://example.test/news/1"
    assert first.published == DATE_UTC and first.published.tzinfo is not None
    assert second.published == datetime(2025, 1, 7, 9, 15, tzinfo=UTC)

    feed = await feed_row(store, server.url("/rss"))
    assert feed.title == FEED_TITLE
    assert (feed.entries_new, feed.entries_updated, feed.entries_skipped) == (2, 0, 2)
    assert (feed.failures, feed.errors_total, feed.last_error) == (0, 0, None)
    assert feed.last_success_at is not None
    assert between(feed.next_poll_at, 60, 66)
    assert [s for s, _ in log_rows(store, server.url("/rss"))].count("skipped") == 2
    assert (await store.log.counts()).get("skipped") == 2

    # Incremental: answerable after refresh(), without build().
    assert (await library.answer(word(1))).hits == ()
    assert await library.refresh() == 2
    hits = (await library.answer(word(1))).hits
    assert [h.article_id for h in hits] == [first.id]
    assert hits[0].source == FEED_TITLE and hits[0].url == first.url


async def test_conditional_requests_give_304_and_nothing_is_reingested(
    store: Store, server: FeedServer, client: httpx.AsyncClient
) -> None:
    modified = "Mon, 06 Jan 2025 08:00:00 GMT"
    server.set_feed("/rss", rss(story_item(1)), etag='"v1"', last_modified=modified)
    url = server.url("/rss")
    await poll(store, client, url)
    feed = await feed_row(store, url)
    assert (feed.etag, feed.last_modified) == ('"v1"', modified)
    events = await store.articles.last_event_seq()

    report = await poll(store, client, force=True)
    request = server.requests_for("/rss")[-1]
    assert request.headers["If-None-Match"] == '"v1"'
    assert request.headers["If-Modified-Since"] == modified
    assert sum(report.counts.values()) == 0
    assert await store.articles.last_event_seq() == events  # nothing re-indexed
    assert q(store, "SELECT status FROM ingest_log WHERE origin = ?", (url,)) == [("new",)]
    again = await feed_row(store, url)
    assert again.etag == '"v1"' and again.entries_new == 1 and again.failures == 0
    assert again.last_success_at is not None


async def test_next_poll_at_is_honoured_and_failures_back_off(
    store: Store, server: FeedServer, client: httpx.AsyncClient
) -> None:
    server.set_feed("/good", rss(story_item(1)))
    server.set_status("/bad", 500)
    good, bad = server.url("/good"), server.url("/bad")
    await poll(store, client, good, bad)
    assert between((await feed_row(store, bad)).next_poll_at, 60, 66)

    await poll(store, client)  # nothing is due yet
    assert len(server.requests_for("/good")) == len(server.requests_for("/bad")) == 1

    await make_all_due(store)
    await poll(store, client)
    row = await feed_row(store, bad)
    assert (row.failures, row.errors_total) == (2, 2)
    assert between(row.next_poll_at, 120, 132)  # backed off: 2 x poll_seconds (+ jitter)
    await make_all_due(store)
    await poll(store, client)
    assert between((await feed_row(store, bad)).next_poll_at, 240, 264)
    assert (await feed_row(store, good)).failures == 0

    server.set_feed("/bad", rss(story_item(2)))  # the feed recovers
    await make_all_due(store)
    await poll(store, client)
    row = await feed_row(store, bad)
    assert (row.failures, row.errors_total, row.entries_new) == (0, 3, 1)
    assert row.last_error == "HTTP 500 Internal Server Error"  # kept as history
    assert between(row.next_poll_at, 60, 66)


def test_next_poll_time_jitter_and_backoff() -> None:
    opts = FeedOptions(poll_seconds=100, jitter=0.1)
    start = now_utc()
    waits = [(next_poll_time(opts, 0, start) - start).total_seconds() for _ in range(50)]
    assert all(100 <= w <= 110 for w in waits) and len(set(waits)) > 1
    for failures, base in ((1, 100), (2, 200), (3, 400), (20, 6 * 3600)):
        wait = (next_poll_time(opts, failures, start) - start).total_seconds()
        assert base <= wait <= base * 1.1
    exact = FeedOptions(poll_seconds=100, jitter=0)
    assert next_poll_time(exact, 2, start) == start + timedelta(seconds=200)


# --- bad sources ---------------------------------------------------------------------------


async def test_bad_feeds_are_recorded_and_the_others_still_ingested(
    store: Store, server: FeedServer, client: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    # 1.5 s: room for a healthy feed on a busy 2-core machine, well under the slow one's 3 s
    options = FeedOptions(poll_seconds=60, timeout=1.5, max_bytes=20_000, concurrency=3)
    server.set_feed("/good1", rss(story_item(1) + story_item(2)))
    server.set_feed("/malformed", b"<?xml version='1.0'?><rss version='2.0'><channel><title>x<")
    server.set_status("/gone", 404)  # not even registered would be 404 too
    server.set_status("/error", 500)
    server.set_feed("/slow", rss(story_item(3)), delay=3.0)
    server.set_redirect("/loop-a", "/loop-b")
    server.set_redirect("/loop-b", "/loop-a")
    server.set_stream("/huge", 200_000)
    server.set_feed("/cp1256", rss(story_item(4)), encoding="cp1256")  # declares utf-8
    server.set_feed("/bare", rss(item(*story(5), guid=None, link=None, date=None)))
    server.set_feed("/good2", rss(story_item(6)))
    failing = {
        "/malformed": "malformed",
        "/gone": "HTTP 404",
        "/error": "HTTP 500",
        "/slow": "timed out after 1.5 s",
        "/loop-a": "redirect loop",
        "/huge": "body too large",
    }
    paths = ["/good1", *failing, "/cp1256", "/bare", "/good2"]
    caplog.set_level(logging.INFO, logger="index.sources")
    started = time.monotonic()
    report = await poll(store, client, *(server.url(p) for p in paths), options=options)
    assert time.monotonic() - started < 10
    assert report.counts["failed"] == len(failing)
    assert report.counts["new"] == 5  # good1 x2, cp1256, bare, good2

    titles = {a.title for a in await store.articles.newest(limit=50)}
    assert titles == {story(i)[0] for i in (1, 2, 4, 5, 6)}
    for path, message in failing.items():
        url = server.url(path)
        row = await feed_row(store, url)
        assert message in (row.last_error or ""), (path, row.last_error)
        assert (row.failures, row.errors_total, row.last_success_at) == (1, 1, None), path
        assert between(row.next_poll_at, 60, 66), path
        [(status, detail)] = log_rows(store, url)
        assert status == "failed" and message in detail, path
        assert any(url in r.getMessage() and "failed" in r.getMessage() for r in caplog.records)
    for path in ("/good1", "/good2"):
        row = await feed_row(store, server.url(path))
        assert (row.failures, row.errors_total, row.last_error) == (0, 0, None)

    # Wrong encoding: repaired, stored, and noted on the feed without counting as a failure.
    row = await feed_row(store, server.url("/cp1256"))
    assert (row.entries_new, row.failures, row.errors_total) == (1, 0, 1)
    assert "windows-1256" in row.last_error
    assert "warning" in {s for s, _ in log_rows(store, server.url("/cp1256"))}

    # No link, no date: stored all the same, each gap noted with the feed.
    bare = next(a for a in await store.articles.newest(limit=50) if a.title == story(5)[0])
    assert (bare.url, bare.published) == (None, None)
    row = await feed_row(store, server.url("/bare"))
    assert (row.entries_new, row.failures, row.errors_total) == (1, 0, 2)
    notes = [d for s, d in log_rows(store, server.url("/bare")) if s == "warning"]
    assert any("no link" in n for n in notes) and any("no date" in n for n in notes)

    messages = "\n".join(r.getMessage() for r in caplog.records)
    assert f"feed {server.url('/good1')}: 2 new, 0 updated" in messages


async def test_a_crash_inside_one_poll_does_not_stop_the_others(
    store: Store, server: FeedServer, client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = sources.parse_feed

    def flaky(body: bytes, url: str, **kw: Any) -> Any:
        if url.endswith("/boom"):
            raise RuntimeError("parser exploded")
        return real(body, url, **kw)

    monkeypatch.setattr(sources, "parse_feed", flaky)
    server.set_feed("/boom", rss(story_item(1)))
    server.set_feed("/fine", rss(story_item(2)))
    report = await poll(store, client, server.url("/boom"), server.url("/fine"))
    assert (report.counts["new"], report.counts["failed"]) == (1, 1)
    row = await feed_row(store, server.url("/boom"))
    assert "parser exploded" in row.last_error and row.failures == 1
    assert log_rows(store, server.url("/boom"))[0][0] == "failed"


# --- dedup and updates ---------------------------------------------------------------------


async def test_same_entry_with_tracking_params_in_another_feed_is_stored_once(
    store: Store, server: FeedServer, client: httpx.AsyncClient
) -> None:
    title, text = story(1)
    server.set_feed("/a", rss(item(title, text, guid="a-1", link="https://example.test/n/1")))
    server.set_feed(
        "/b",
        rss(
            item(
                title,
                text,
                guid="b-77",
                link=("https://EXAMPLE.test/n/1/?utm_source=feed&utm_medium=rss&fbclid=x"),
            ),
            title="مجمع",
        ),
    )
    # The same link with only a teaser of the story: still the same article.
    server.set_feed(
        "/c",
        rss(
            item(
                title,
                text.split("\n")[0],
                guid="c-5",
                link=("https://example.test/n/1?utm_campaign=c"),
            ),
            title="مجمع آخر",
        ),
    )
    await poll(store, client, server.url("/a"))
    report = await poll(store, client, server.url("/b"), server.url("/c"), force=True)
    assert (report.counts["new"], report.counts["updated"], report.counts["duplicate"]) == (0, 0, 3)
    [article] = await store.articles.newest()
    assert (article.text, article.source) == (text, FEED_TITLE)  # the first source keeps it
    await poll(store, client, force=True)  # polling all again changes nothing
    assert len(await store.articles.newest()) == 1
    assert (await feed_row(store, server.url("/a"))).entries_updated == 0


async def test_same_story_reposted_under_another_url_is_stored_once(
    store: Store, server: FeedServer, client: httpx.AsyncClient
) -> None:
    title, text = story(1)
    server.set_feed("/a", rss(item(title, text, guid="a", link="https://example.test/a/1")))
    # Another site, another link and title, whitespace and diacritics aside the same text.
    reposted = text.replace("خيالية", "خَيالية").replace(" ", "  ")
    server.set_feed("/b", rss(item("عنوان آخر", reposted, guid="b", link="https://other.test/x")))
    report = await poll(store, client, server.url("/a"), server.url("/b"))
    assert (report.counts["new"], report.counts["duplicate"]) == (1, 1)
    assert len(await store.articles.newest()) == 1


async def test_same_guid_in_two_feeds_is_two_stories(
    store: Store, server: FeedServer, client: httpx.AsyncClient
) -> None:
    server.set_feed("/a", rss(item(*story(1), guid="123")))
    server.set_feed("/b", rss(item(*story(2), guid="123")))
    report = await poll(store, client, server.url("/a"), server.url("/b"))
    assert report.counts["new"] == 2
    assert {a.title for a in await store.articles.newest()} == {story(1)[0], story(2)[0]}


async def test_edited_entry_replaces_its_passages(
    store: Store, server: FeedServer, client: httpx.AsyncClient
) -> None:
    link = "https://example.test/n/9"
    old = "نص تجريبي: وصل القطار الخيالي إلى المحطة الجديدة في الصباح."
    new = "نص تجريبي: رست السفينة الخيالية في الميناء الجديد عند الظهر."
    server.set_feed("/rss", rss(item("خبر تجريبي متغير", old, guid="e9", link=link)), etag='"1"')
    fillers = await seed_corpus(store)
    await poll(store, client, server.url("/rss"))
    library = Library(store)
    await library.build()
    [article] = [a for a in await store.articles.newest(limit=50) if a.id not in fillers]
    assert [h.article_id for h in (await library.answer("القطار المحطة")).hits] == [article.id]

    server.set_feed("/rss", rss(item("خبر تجريبي معدل", new, guid="e9", link=link)), etag='"2"')
    report = await poll(store, client, force=True)
    assert (report.counts["updated"], report.counts["new"]) == (1, 0)
    [edited] = [a for a in await store.articles.newest(limit=50) if a.id not in fillers]
    assert (edited.id, edited.title, edited.text) == (article.id, "خبر تجريبي معدل", new)
    assert await library.refresh() == 1
    assert article.id not in {h.article_id for h in (await library.answer("القطار المحطة")).hits}
    assert [h.article_id for h in (await library.answer("السفينة الميناء")).hits] == [article.id]
    assert (await feed_row(store, server.url("/rss"))).entries_updated == 1
    assert q(store, "SELECT COUNT(*) FROM passages WHERE article_id = ?", (article.id,)) == [
        (len(await store.articles.passages_of(article.id)),)
    ]


async def test_every_new_entry_reaches_digests_exactly_once(
    store: Store, server: FeedServer, client: httpx.AsyncClient
) -> None:
    sub = await store.subscriptions.subscribe(42, chat_type="private", thread_id=None, topic=None)
    server.set_feed("/a", rss(story_item(1) + story_item(2) + story_item(3)), etag='"1"')
    server.set_feed(
        "/b", rss(story_item(1, guid="other", link="https://example.test/news/1?ref=b"))
    )
    await poll(store, client, server.url("/a"), server.url("/b"))
    pending = await store.deliveries.pending(sub)
    assert [a.title for a in pending] == [story(i)[0] for i in (1, 2, 3)]

    edited_title, edited_text = story(2)
    server.set_feed(
        "/a",
        rss(
            story_item(1)
            + item(
                edited_title,
                edited_text + "\nفقرة مضافة تجريبية.",
                guid="g2",
                link="https://example.test/news/2",
            )
            + story_item(3)
            + story_item(4)
        ),
        etag='"2"',
    )
    report = await poll(store, client, force=True)
    assert (report.counts["new"], report.counts["updated"]) == (1, 1)
    pending = await store.deliveries.pending(sub)
    assert [a.title for a in pending] == [story(i)[0] for i in (1, 2, 3, 4)]
    assert len({a.id for a in pending}) == 4
    assert "فقرة مضافة" in pending[1].text  # the edit is in the same row
    ids = [a.id for a in await store.articles.newest(after_id=sub.after_article_id, limit=100)]
    assert len(ids) == len(set(ids)) == 4


# --- incremental index under load ----------------------------------------------------------


async def test_queries_keep_working_while_a_big_feed_is_ingested(
    store: Store, server: FeedServer, client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    n = 120
    server.set_feed("/big", rss("".join(story_item(i) for i in range(n))))
    await seed_corpus(store)
    library = Library(store)
    await library.build()

    committed: dict[int, tuple[int, float]] = {}  # article id -> (entry number, commit time)
    real_save = store.articles.save

    async def save_and_note(article: Any, **kw: Any) -> Any:
        outcome = await real_save(article, **kw)
        if outcome.status == "new":
            committed[outcome.article_id] = (int(article.guid.rsplit("#g", 1)[1]), time.monotonic())
        return outcome

    monkeypatch.setattr(store.articles, "save", save_and_note)
    done = asyncio.Event()
    answered = 0
    latencies: dict[int, float] = {}

    async def asker(offset: int) -> None:
        nonlocal answered
        i = offset
        while not done.is_set():
            answer = await library.answer(f"مكتبة {word(i % n)} خيالية")
            assert answer.problem is None
            answered += 1
            i += 7
            await asyncio.sleep(0.005)  # a busy bot, leaving the loop some air

    async def watcher() -> None:
        while True:
            finished = done.is_set()
            ready = list(committed.items())  # committed before this refresh started
            await library.refresh()
            refreshed = time.monotonic()
            for article_id, (entry, at) in ready:
                if article_id in latencies:
                    continue
                hits = (await library.answer(word(entry))).hits
                assert article_id in {h.article_id for h in hits}, entry
                # commit → in the index; checking 120 answers one after another is the
                # test's own time, not the index's
                latencies[article_id] = refreshed - at
            if finished:
                return
            await asyncio.sleep(0.01)

    async def ingest() -> None:
        try:
            report = await poll(store, client, server.url("/big"))
            assert report.counts["new"] == n
        finally:
            done.set()

    async with asyncio.timeout(30), asyncio.TaskGroup() as tasks:
        for job in (ingest(), watcher(), *(asker(k) for k in range(3))):
            tasks.create_task(job)
    assert len(latencies) == n
    # a liveness bound, not a timing (the watcher refreshes every 10 ms; the bench times it)
    assert max(latencies.values()) < 5.0, max(latencies.values())
    assert answered > 0


# --- files, URLs and the seeds folder ------------------------------------------------------


def write_article(folder: Path, name: str, i: int, extra: str = "") -> Path:
    title, text = story(i)
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"{title}\n{text}{extra}\n", encoding="utf-8")
    return path


async def test_rescan_seeds_reads_only_new_and_changed_files(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seeds = tmp_path / "seeds"
    write_article(seeds, "a.txt", 1)
    write_article(seeds, "sub/b.md", 2)
    reads: list[str] = []
    real_read = ingest_module.read_file

    def counting_read(path: Path, **kw: Any) -> Any:
        reads.append(Path(path).name)
        return real_read(path, **kw)

    monkeypatch.setattr(ingest_module, "read_file", counting_read)  # where files are read
    assert "0002_source_files" in await store.schema.applied()

    report = await rescan_seeds(store, seeds)
    assert (report.counts["new"], reads) == (2, ["a.txt", "b.md"])

    reads.clear()
    report = await rescan_seeds(store, seeds)
    assert (report.counts["unchanged"], report.counts["new"], reads) == (2, 0, [])

    write_article(seeds, "c.txt", 3)  # dropped into the folder
    report = await rescan_seeds(store, seeds)
    assert (report.counts["new"], report.counts["unchanged"], reads) == (1, 2, ["c.txt"])

    reads.clear()
    a = write_article(seeds, "a.txt", 1, extra="\nفقرة مضافة تجريبية.")  # edited in place
    os.utime(a, ns=(a.stat().st_atime_ns, a.stat().st_mtime_ns + 10**9))
    report = await rescan_seeds(store, seeds)
    assert (report.counts["updated"], report.counts["new"], reads) == (1, 0, ["a.txt"])
    assert len(await store.articles.newest()) == 3

    reads.clear()
    (seeds / "broken.json").write_text("{not json", encoding="utf-8")
    assert (await rescan_seeds(store, seeds)).counts["failed"] == 1
    assert (await rescan_seeds(store, seeds)).counts["failed"] == 0  # reported once
    assert reads == ["broken.json"]

    (seeds / "c.txt").unlink()
    await rescan_seeds(store, seeds)
    assert not any(p.endswith("c.txt") for p in await store.seeds.states())
    assert len(await store.articles.newest()) == 3  # articles stay

    missing = await rescan_seeds(store, tmp_path / "nowhere")
    assert missing.problems and not missing.counts


async def test_ingest_and_rescan_agree_on_file_identity(store: Store, tmp_path: Path) -> None:
    seeds = tmp_path / "seeds"
    for i in range(3):
        write_article(seeds, f"{i}.md", i)
    first = await ingest_sources(store, [str(seeds)])
    assert first.counts["new"] == 3
    report = await rescan_seeds(store, seeds)
    assert (report.counts["duplicate"], report.counts["new"]) == (3, 0)


async def test_ingest_sources_files_folders_and_urls(
    store: Store, server: FeedServer, tmp_path: Path
) -> None:
    folder = tmp_path / "articles"
    write_article(folder, "one.txt", 1)
    write_article(folder, "deep/two.md", 2)
    server.set_feed("/rss", rss(story_item(3) + story_item(4)))
    server.set_feed(
        "/page", "<html><body><p>صفحة تجريبية</p></body></html>", content_type="text/html"
    )
    sources_list = [str(folder), server.url("/rss"), server.url("/page"), str(tmp_path / "nope")]
    assert source_units(sources_list) == 4
    ticks: list[int] = []
    report = await ingest_sources(store, sources_list, on_progress=ticks.append)
    assert report.counts["new"] == 4
    assert report.counts["failed"] == 2
    assert sum(ticks) == 4
    # a URL given to ingest is fetched once, never kept as a feed to poll (`feeds add` does)
    assert await store.feeds.all() == []
    assert any(p.startswith(server.url("/page")) for p in report.problems)
    assert log_rows(store, str(tmp_path / "nope")) == [("failed", "no such file or folder")]
    assert [s for s, _ in log_rows(store, server.url("/page"))] == ["failed"]


async def test_ingest_url_is_one_time_and_a_kept_feed_is_polled_now(
    store: Store, server: FeedServer
) -> None:
    server.set_feed("/rss", rss(story_item(1) + story_item(2)))
    first = await ingest_sources(store, [server.url("/rss")])
    again = await ingest_sources(store, [server.url("/rss")])
    assert (first.counts["new"], again.counts["new"], again.counts["duplicate"]) == (2, 0, 2)
    assert await store.feeds.all() == []
    assert len(server.requests_for("/rss")) == 2

    # once kept with `feeds add`, the same story is its own (same guid), not another's copy
    await store.feeds.add(server.url("/rss"), added_by="cli")
    server.set_feed("/rss", rss(story_item(1) + story_item(2) + story_item(3)))
    report = await ingest_sources(store, [server.url("/rss")])
    assert (report.counts["new"], report.counts["duplicate"]) == (1, 2)
    kept = await store.feeds.by_url(server.url("/rss"))
    assert kept is not None and kept.last_success_at is not None and kept.entries_new == 1
