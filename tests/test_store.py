"""The store contract: every test taking `store` runs twice, on a real SQLite file and on a
real PostgreSQL database (a server the suite starts, tests/pg_server.py): articles and
passages, deduplication, the change log, the ingest log, subscriptions and deliveries, feeds.
Opening SQLite files (paths, WAL, unwritable folders) is SQLite's own. Every article here is
invented."""

from __future__ import annotations

import asyncio
import sqlite3
import subprocess
import sys
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import asyncpg
import pytest
from conftest import sql
from fakes.stories import BRIDGE, OTHER

from index.dates import PASSAGE_VERSION
from index.ingest import ingest_article, prepare
from index.models import ArticleIn
from index.normalize import analyze
from index.passages import split_passages
from index.store import (
    MIGRATIONS,
    Decision,
    DeliveryKey,
    Earlier,
    IndexEvent,
    PassageTerms,
    Reanalysed,
    Store,
    StoreUnavailable,
    StoryCandidate,
    StoryWords,
    same_story,
)

TEXT_A = (
    "افتتحت بلدية الواحة الخيالية مكتبة عامة جديدة صباح اليوم.\n"
    "وتضم المكتبة آلاف الكتب والمخطوطات، وقاعة للمطالعة تتسع لمئتي قارئ."
)
TEXT_A_EDITED = TEXT_A + "\nوأعلنت البلدية أن المكتبة ستفتح أبوابها مساءً أيضًا."
TEXT_B = "أقامت قرية السنابل الخيالية مهرجانًا للكتاب استمر ثلاثة أيام."
TEXT_C = "زرعت بلدة النخيل الخيالية ألف شجرة في حديقتها الجديدة."


ROOT = Path(__file__).resolve().parents[1]


def article(text: str = TEXT_A, **kw) -> ArticleIn:
    return ArticleIn(**{"title": "خبر تجريبي", "text": text, **kw})


@pytest.fixture
async def store(store_target: str) -> AsyncIterator[Store]:
    opened = await Store.open(store_target)
    try:
        yield opened
    finally:
        await opened.close()


def rows(db: Path, sql: str, params: tuple = ()) -> list[tuple]:
    """Read the database file with a separate, plain sqlite3 connection."""
    con = sqlite3.connect(db)
    try:
        return con.execute(sql, params).fetchall()
    finally:
        con.close()


# ---- opening and migrations --------------------------------------------------------------------


async def test_migrations_applied_once_and_recorded(db_path: Path) -> None:
    names = [name for name, _ in MIGRATIONS]
    async with await Store.open(db_path) as store:
        assert await store.schema.applied() == sorted(names)
    first = rows(db_path, "SELECT name, applied_at FROM schema_migrations ORDER BY name")
    assert [name for name, _ in first] == sorted(names)
    # re-opening applies nothing again and keeps the data
    async with await Store.open(db_path) as store:
        await ingest_article(store, article(guid="g"), "test")
    async with await Store.open(db_path) as store:
        assert await store.schema.applied() == sorted(names)
        assert (await store.articles.summary()).articles == 1
    assert rows(db_path, "SELECT name, applied_at FROM schema_migrations ORDER BY name") == first


async def test_wal_mode_is_on(db_path: Path) -> None:
    async with await Store.open(db_path):
        pass
    # journal_mode=WAL is stored in the file, so a plain connection sees it too
    assert rows(db_path, "PRAGMA journal_mode") == [("wal",)]


async def test_open_creates_missing_parent_folders(tmp_path: Path) -> None:
    path = tmp_path / "a" / "b" / "naba.db"
    async with await Store.open(path):
        pass
    assert path.is_file()


async def test_a_file_where_the_folder_should_be_is_store_unavailable(tmp_path: Path) -> None:
    (tmp_path / "data").write_text("", encoding="utf-8")
    for path in (tmp_path / "data" / "naba.db", tmp_path / "data" / "x" / "naba.db"):
        with pytest.raises(StoreUnavailable, match="is a file, not a folder") as caught:
            await Store.open(path)
        assert caught.value.path == path and isinstance(caught.value, OSError)


async def test_a_folder_it_may_not_write_is_store_unavailable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What a non-root container meets under root's /app (chmod would not stop root here)."""

    def refuse(self: Path, *args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "mkdir", refuse)
    with pytest.raises(StoreUnavailable) as caught:
        await Store.open(tmp_path / "app" / "data" / "naba.db")
    assert caught.value.reason == "permission denied"
    assert str(tmp_path / "app" / "data" / "naba.db") in str(caught.value)


async def test_a_folder_given_as_the_database_is_store_unavailable(tmp_path: Path) -> None:
    with pytest.raises(StoreUnavailable, match="not a file"):
        await Store.open(tmp_path)


# ---- articles and passages ---------------------------------------------------------------------


async def test_article_round_trip_keeps_all_metadata(store: Store) -> None:
    published = datetime(2024, 12, 7, 10, 30, tzinfo=timezone(timedelta(hours=3)))
    before = datetime.now(UTC).replace(microsecond=0)
    outcome = await ingest_article(
        store,
        ArticleIn(
            title="عنوان «تجريبي»",
            text=TEXT_A,
            source="صحيفة الواحة",
            url="https://example.test/news/1?utm_source=x",
            published=published,
            language="ar",
            guid="feed:1",
        ),
        "test",
    )
    assert outcome.status == "new"
    got = await store.articles.get(outcome.article_id)
    assert got is not None
    assert (got.id, got.title, got.text, got.source, got.url, got.language) == (
        outcome.article_id,
        "عنوان «تجريبي»",
        TEXT_A,
        "صحيفة الواحة",
        "https://example.test/news/1?utm_source=x",
        "ar",
    )
    assert got.published is not None and got.published.tzinfo is not None
    assert got.published == published  # the same instant (stored as UTC)
    assert got.published.astimezone(UTC) == datetime(2024, 12, 7, 7, 30, tzinfo=UTC)
    assert got.added_at is not None and got.added_at.tzinfo is not None
    assert before <= got.added_at <= datetime.now(UTC)
    assert await store.articles.get(outcome.article_id + 100) is None


async def test_naive_published_is_taken_as_utc(store: Store) -> None:
    outcome = await ingest_article(
        store, article(published=datetime(2024, 12, 7, 0, 0), guid="n"), "test"
    )
    got = await store.articles.get(outcome.article_id)
    assert got is not None and got.published == datetime(2024, 12, 7, tzinfo=UTC)


async def test_passages_are_stored_as_offsets_with_tokens(store: Store) -> None:
    outcome = await ingest_article(store, article(guid="g"), "test")
    stored = await sql(
        store,
        'SELECT ordinal, start, "end", tokens, analyzer FROM passages'
        f" WHERE article_id = {int(outcome.article_id)} ORDER BY ordinal",
    )
    spans = split_passages(TEXT_A)
    assert [(o, s, e) for o, s, e, _, _ in stored] == [(p.ordinal, p.start, p.end) for p in spans]
    for _, start, end, tokens, analyzer in stored:
        assert tokens == " ".join(analyze(TEXT_A[start:end]))
        assert analyzer == PASSAGE_VERSION
    summary = await store.articles.summary()
    assert (summary.articles, summary.passages) == (1, len(spans))


async def test_passage_contexts_without_text_leave_the_text_and_added_at_unread(
    store: Store,
) -> None:
    # deciding reads every candidate's context: SQLite keeps added_at after the text, and
    # reaching it walks the text's overflow pages (index.store.rows.WITHOUT_TEXT)
    published = datetime(2024, 12, 7, tzinfo=UTC)
    outcome = await ingest_article(
        store, article(guid="c", source="صحيفة الواحة", published=published), "test"
    )
    ids = [r[0] for r in await sql(
        store, f"SELECT id FROM passages WHERE article_id = {int(outcome.article_id)}"
    )]
    bare = await store.articles.passage_contexts(ids, text=False)
    full = await store.articles.passage_contexts(ids)
    assert sorted(bare) == sorted(full) == sorted(ids)
    for pid in ids:
        a, b = bare[pid].article, full[pid].article
        assert (a.text, a.added_at) == ("", None)
        assert b.text == TEXT_A and b.added_at is not None
        # what deciding and attributing need is read all the same
        assert (a.id, a.title, a.source, a.url, a.published, a.language) == (
            b.id, b.title, b.source, b.url, b.published, b.language)
        assert (bare[pid].start, bare[pid].end, bare[pid].tokens) == (
            full[pid].start, full[pid].end, full[pid].tokens)


async def test_title_with_sql_is_stored_verbatim(store: Store) -> None:
    hostile = "'); DROP TABLE articles; --"
    outcome = await ingest_article(
        store, article(title=hostile, guid=hostile, source=hostile), "test"
    )
    got = await store.articles.get(outcome.article_id)
    assert got is not None and got.title == hostile and got.source == hostile
    assert await sql(store, "SELECT COUNT(*) FROM articles") == [(1,)]
    assert await sql(store, "SELECT guid FROM articles") == [(hostile,)]


async def test_articles_newest_first_and_after_id(store: Store) -> None:
    ids = [
        (await ingest_article(store, article(t, guid=f"g{i}"), "test")).article_id
        for i, t in enumerate((TEXT_A, TEXT_B, TEXT_C))
    ]
    assert [a.id for a in await store.articles.newest()] == ids[::-1]
    assert [a.id for a in await store.articles.newest(limit=1, offset=1)] == [ids[1]]
    assert [a.id for a in await store.articles.newest(after_id=ids[0])] == ids[1:]


# ---- deduplication -----------------------------------------------------------------------------


async def test_same_guid_same_content_is_a_duplicate(store: Store) -> None:
    first = await ingest_article(store, article(guid="g"), "test")
    seq = await store.articles.last_event_seq()
    # whitespace and diacritics differences do not make new content
    again = await ingest_article(store, article(TEXT_A.replace("اليوم", "اليومَ"), guid="g"), "t")
    assert (again.status, again.article_id) == ("duplicate", first.article_id)
    assert await sql(store, "SELECT COUNT(*) FROM articles") == [(1,)]
    assert await store.articles.last_event_seq() == seq, "no index event for an unchanged article"


async def test_same_guid_new_content_is_an_update(store: Store) -> None:
    first = await ingest_article(store, article(guid="g", source="أ"), "test")
    old = await store.articles.passages_of(first.article_id)
    cursor = await store.articles.change_cursor()
    seq = await store.articles.last_event_seq()
    updated = await ingest_article(
        store, article(TEXT_A_EDITED, guid="g", title="عنوان معدل"), "test"
    )
    assert (updated.status, updated.article_id) == ("updated", first.article_id)
    got = await store.articles.get(first.article_id)
    assert got is not None
    assert (got.text, got.title) == (TEXT_A_EDITED, "عنوان معدل")
    assert got.source == "أ", "a missing source does not erase the stored one"
    new = await store.articles.passages_of(first.article_id)
    assert len(new) == len(split_passages(TEXT_A_EDITED)) == len(old) + 1
    assert not {p.id for p in old} & {p.id for p in new}, "old passages replaced"
    assert await sql(store, "SELECT COUNT(*) FROM passages") == [(len(new),)]
    assert (await store.articles.changes_since(cursor)).events == [
        IndexEvent(seq + 1, first.article_id)
    ]
    assert any("مساء" in p.tokens for p in new)


async def test_same_canonical_url_from_another_guid_is_an_update(store: Store) -> None:
    first = await ingest_article(
        store, article(guid="a", url="https://Example.test/news/1?utm_source=rss"), "test"
    )
    second = await ingest_article(
        store, article(TEXT_A_EDITED, guid="b", url="https://example.test/news/1"), "test"
    )
    assert (second.status, second.article_id) == ("updated", first.article_id)
    assert (await store.articles.summary()).articles == 1


async def test_same_content_elsewhere_is_stored_once(store: Store) -> None:
    first = await ingest_article(
        store, article(guid="a", url="https://one.example.test/x", source="أ"), "test"
    )
    copy = await ingest_article(
        store, article(guid="b", url="https://two.example.test/y", source="ب"), "test"
    )
    assert (copy.status, copy.article_id) == ("duplicate", first.article_id)
    assert await sql(store, "SELECT COUNT(*), MIN(source) FROM articles") == [(1, "أ")]
    [(passages,)] = await sql(store, "SELECT COUNT(*) FROM passages")
    assert passages == len(split_passages(TEXT_A))


async def test_edit_equal_to_another_article_is_a_duplicate(store: Store) -> None:
    a = await ingest_article(store, article(TEXT_A, guid="a"), "test")
    b = await ingest_article(store, article(TEXT_B, guid="b"), "test")
    clash = await ingest_article(store, article(TEXT_A, guid="b"), "test")
    assert (clash.status, clash.article_id) == ("duplicate", a.article_id)
    kept = await store.articles.get(b.article_id)
    assert kept is not None and kept.text == TEXT_B


async def test_edit_pointing_at_another_articles_url_updates_without_error(store: Store) -> None:
    # An entry (guid a) is edited and its link now names the page of entry b: the edit is
    # stored, and the canonical URL stays unique instead of failing the whole ingest.
    a = await ingest_article(store, article(TEXT_A, guid="a", url="https://example.test/a"), "t")
    b = await ingest_article(store, article(TEXT_B, guid="b", url="https://example.test/b"), "t")
    edited = await ingest_article(
        store, article(TEXT_A_EDITED, guid="a", url="https://example.test/b"), "t"
    )
    assert (edited.status, edited.article_id) == ("updated", a.article_id)
    got_a, got_b = await store.articles.get(a.article_id), await store.articles.get(b.article_id)
    assert got_a is not None and got_a.text == TEXT_A_EDITED
    assert got_b is not None and got_b.text == TEXT_B


async def test_ingest_log_counts_every_outcome(store: Store) -> None:
    await ingest_article(store, article(guid="a"), "one")
    await ingest_article(store, article(guid="a"), "one")
    await ingest_article(store, article(TEXT_A_EDITED, guid="a"), "one")
    await ingest_article(store, article(TEXT_B, guid="b"), "two")
    await store.log.record("three", "failed", "broken")
    assert await store.log.counts() == {"new": 2, "duplicate": 1, "updated": 1, "failed": 1}
    last = await store.log.last()
    assert last is not None and (last.origin, last.status) == ("three", "failed")


# ---- subscriptions and deliveries --------------------------------------------------------------


async def test_subscription_and_delivery_states(store: Store) -> None:
    old = await ingest_article(store, article(TEXT_A, guid="a"), "t")
    sub = await store.subscriptions.subscribe(42, chat_type="private", thread_id=None, topic=None)
    assert sub.after_article_id == old.article_id, "starts after the newest article"
    assert (sub.frequency, sub.paused, sub.topic) == ("daily", False, None)
    assert await store.deliveries.pending(sub) == []

    b = await ingest_article(store, article(TEXT_B, guid="b"), "t")
    c = await ingest_article(store, article(TEXT_C, guid="c"), "t")
    assert [a.id for a in await store.deliveries.pending(sub)] == [b.article_id, c.article_id]

    await store.deliveries.mark(sub.id, [b.article_id], "sending")
    assert await store.deliveries.interrupted() == [DeliveryKey(sub.id, b.article_id)]
    # 'sending' is not done yet: a crash before 'sent' must leave the entry pending
    assert [a.id for a in await store.deliveries.pending(sub)] == [b.article_id, c.article_id]
    await store.deliveries.mark(sub.id, [b.article_id], "sent", message_id=777)
    assert await store.deliveries.interrupted() == []
    assert [a.id for a in await store.deliveries.pending(sub)] == [c.article_id]
    assert await sql(store, "SELECT state, message_id, attempts FROM deliveries") == [
        ("sent", 777, 1)
    ]
    await store.deliveries.mark(sub.id, [c.article_id], "filtered")
    assert await store.deliveries.pending(sub) == []
    assert await store.deliveries.counts() == {"sent": 1, "filtered": 1}

    # subscribing again updates the topic but keeps the starting point
    again = await store.subscriptions.subscribe(
        42, chat_type="private", thread_id=None, topic="مكتبة"
    )
    assert (again.id, again.topic) == (sub.id, "مكتبة")
    assert again.after_article_id == sub.after_article_id

    assert await store.subscriptions.unsubscribe(42) is True
    assert await store.subscriptions.get(42) is None
    assert await sql(store, "SELECT COUNT(*) FROM deliveries") == [(0,)], "deliveries cascade"
    assert await store.subscriptions.unsubscribe(42) is False


async def test_clear_sending_forgets_a_failed_send(store: Store) -> None:
    await ingest_article(store, article(TEXT_A, guid="a"), "t")
    sub = await store.subscriptions.subscribe(
        7, chat_type="group", thread_id=3, topic=None, frequency="hourly"
    )
    assert (sub.frequency, sub.thread_id) == ("hourly", 3)
    b = await ingest_article(store, article(TEXT_B, guid="b"), "t")
    await store.deliveries.mark(sub.id, [b.article_id], "sending")
    await store.deliveries.clear_sending(sub.id, [b.article_id])
    assert await store.deliveries.interrupted() == []
    assert [a.id for a in await store.deliveries.pending(sub)] == [b.article_id]


# ---- feeds -------------------------------------------------------------------------------------


async def test_feed_added_twice_is_one_row(store: Store) -> None:
    url = "https://example.test/rss.xml"
    feed, created = await store.feeds.add(url, added_by="cli")
    again, created_again = await store.feeds.add(url, added_by="cli")
    assert (created, created_again) == (True, False)
    assert again.id == feed.id
    assert await sql(store, "SELECT COUNT(*) FROM feeds") == [(1,)]
    assert [f.url for f in await store.feeds.all()] == [url]
    assert await store.feeds.remove(str(feed.id)) is True
    assert await store.feeds.all() == []


async def test_feed_poll_counters(store: Store) -> None:
    url = "https://example.test/rss.xml"
    feed, _ = await store.feeds.add(url)
    later = datetime(2030, 1, 1, tzinfo=UTC)
    await store.feeds.record_poll(feed.id, ok=False, error="timeout", next_poll_at=later)
    await store.feeds.record_poll(feed.id, ok=False, error="HTTP 500", next_poll_at=later)
    failed = await store.feeds.by_url(url)
    assert failed is not None
    assert (failed.failures, failed.errors_total, failed.last_error) == (2, 2, "HTTP 500")
    assert failed.last_error_at is not None and failed.last_success_at is None
    assert failed.next_poll_at == later

    await store.feeds.record_poll(
        feed.id, ok=True, title="صحيفة", etag='"v1"', last_modified="Sat, 07 Dec 2024",
        next_poll_at=later, new=3, updated=1, skipped=2,
    )
    await store.feeds.record_poll(feed.id, ok=True, etag='"v2"', new=1)
    ok = await store.feeds.by_url(url)
    assert ok is not None
    assert (ok.failures, ok.errors_total) == (0, 2), "a success resets the run, not the total"
    assert (ok.entries_new, ok.entries_updated, ok.entries_skipped) == (4, 1, 2)
    assert (ok.title, ok.etag) == ("صحيفة", '"v2"')
    assert ok.last_success_at is not None


# ---- "is this the same story?" (a pure function, decided inside the save transaction) ------


@pytest.mark.parametrize(
    ("earlier", "hash_holder", "url_owner", "expected"),
    [
        (None, None, None, Decision("insert")),
        (None, 7, None, Decision("duplicate", 7, "same content as stored")),
        (Earlier(3, "h1", None, "g"), None, None, Decision("duplicate", 3, "unchanged")),
        (Earlier(3, "h0", None, "g"), 7, None, Decision("duplicate", 7, "edit equals another")),
        (Earlier(3, "h0", None, "g"), None, None, Decision("update", 3)),
        (Earlier(3, "h0", None, "g"), None, 9, Decision("update", 3, claim_url=False)),
    ],
    ids=["new", "same-content-elsewhere", "unchanged", "edit-equals-another", "edit",
         "edit-onto-another-s-link"],
)
def test_same_story_decides_identity(
    earlier: Earlier | None, hash_holder: int | None, url_owner: int | None, expected: Decision
) -> None:
    assert same_story(earlier, "h1", hash_holder=hash_holder, url_owner=url_owner) == expected


# ---- many writers: what several processes or replicas need ----------------------------------


async def test_stores_opening_a_new_database_at_once_migrate_it_once(store_target: str) -> None:
    stores = await asyncio.gather(*(Store.open(store_target) for _ in range(6)))
    try:
        for opened in stores:
            assert await opened.schema.applied() == [name for name, _ in MIGRATIONS]
    finally:
        await asyncio.gather(*(s.close() for s in stores))


def test_processes_opening_a_new_sqlite_file_at_once_all_start(db_path: Path) -> None:
    """Two processes starting on a new file once raced on the migrations (3 of 40 died)."""
    code = (
        "import asyncio, sys\nfrom index.store import Store\n"
        "async def main():\n    await (await Store.open(sys.argv[1])).close()\n"
        "asyncio.run(main())"
    )
    procs = [
        subprocess.Popen([sys.executable, "-c", code, str(db_path)], cwd=ROOT,
                         stderr=subprocess.PIPE, text=True)
        for _ in range(6)
    ]
    for proc in procs:
        _, err = proc.communicate(timeout=60)
        assert proc.returncode == 0, err
    assert rows(db_path, "SELECT COUNT(*) FROM schema_migrations") == [(len(MIGRATIONS),)]


async def test_the_same_articles_saved_at_once_by_two_stores_end_as_one_row_each(
    store: Store, store_target: str
) -> None:
    other = await Store.open(store_target)
    try:
        texts = [f"{TEXT_B} الخبر رقم {i} عن موسم الحصاد." for i in range(12)]
        outcomes = await asyncio.gather(*(
            ingest_article(s, article(text, guid=f"race-{i}"), "replica")
            for i, text in enumerate(texts) for s in (store, other)
        ))
    finally:
        await other.close()
    by_guid: dict[int, list[str]] = {}
    for outcome in outcomes:
        by_guid.setdefault(outcome.article_id, []).append(outcome.status)
    assert sorted(sorted(v) for v in by_guid.values()) == [["duplicate", "new"]] * len(texts)
    assert await sql(store, "SELECT COUNT(*) FROM articles") == [(len(texts),)]


async def test_a_change_committed_late_is_not_skipped(pg_url: str) -> None:
    """Sequence numbers are handed out at insert, not at commit: a reader that asked for
    "events after the last seq I saw" lost an article whose transaction committed after a
    later one (observed on PostgreSQL). The cursor is a transaction horizon instead."""
    store = await Store.open(pg_url)
    slow = await asyncpg.connect(pg_url)
    try:
        cursor = await store.articles.change_cursor()
        late = slow.transaction()
        await late.start()
        await slow.execute("INSERT INTO index_events (article_id, at) VALUES (999, 'now')")
        fast = await ingest_article(store, article(TEXT_B, guid="fast"), "replica")
        first = await store.articles.changes_since(cursor)
        await late.commit()
        second = await store.articles.changes_since(first.cursor)
        seen = [e.article_id for e in first.events + second.events]
        assert 999 in seen and fast.article_id in seen
        assert [e.seq for e in second.events] == sorted(e.seq for e in second.events)
    finally:
        await slow.close()
        await store.close()


async def test_a_lease_has_one_holder_until_it_expires_or_is_released(
    store: Store, store_target: str
) -> None:
    other = await Store.open(store_target)  # another process's connection
    try:
        assert await store.leases.acquire("scheduler", "a", 30)
        assert not await other.leases.acquire("scheduler", "b", 30)
        assert await store.leases.acquire("scheduler", "a", 30), "the owner renews"
        assert await other.leases.holder("scheduler") == "a"
        await other.leases.release("scheduler", "b")  # not b's to release
        assert await store.leases.holder("scheduler") == "a"
        await store.leases.release("scheduler", "a")
        assert await other.leases.acquire("scheduler", "b", 0.2)
        assert await store.leases.acquire("digest:1", "a", 30), "names are independent"
        await asyncio.sleep(0.4)  # b died without releasing: its lease runs out
        assert await store.leases.holder("scheduler") is None
        assert await store.leases.acquire("scheduler", "a", 30)
        # many contenders at once: exactly one wins
        wins = await asyncio.gather(*(
            s.leases.acquire("feed:7", owner, 30)
            for owner, s in [(f"p{i}", (store, other)[i % 2]) for i in range(10)]
        ))
        assert sum(wins) == 1
    finally:
        await other.close()


async def test_only_the_newest_analyzer_version_may_retokenize(
    store: Store, store_target: str
) -> None:
    """A rolling deploy: old replicas (version A) and new ones (B) share the database; B
    re-tokenizes the passages and A, restarted meanwhile, must not turn them back."""
    assert await store.schema.claim_analyzer("A")
    await asyncio.sleep(0.01)
    other = await Store.open(store_target)
    try:
        assert await other.schema.claim_analyzer("B")
        assert not await store.schema.claim_analyzer("A"), "A restarts: B is newer"
        assert await other.schema.claim_analyzer("B")
    finally:
        await other.close()


async def test_the_identity_an_index_snapshot_must_match(
    store: Store, store_target: str, tmp_path: Path
) -> None:
    """index.snapshot: the database's random id stays across opens and another database has
    another; re-tokenizing passages in place changes the tokens mark; passages of another
    analyzer are found (through the analyzer index, migration 0007)."""
    store_id, mark = await store.schema.identity()
    assert len(store_id) == 32 and mark == ""
    other = await Store.open(store_target)
    try:
        assert await other.schema.identity() == (store_id, "")
    finally:
        await other.close()
    async with await Store.open(tmp_path / "another.db") as another:
        assert (await another.schema.identity())[0] != store_id
    await ingest_article(store, ArticleIn(title="مكتبة", text="افتتحت مكتبة جديدة."), "t")
    (passage,) = await store.articles.all_passages()
    await store.articles.retokenize([Reanalysed(passage.id, "قديم")], "naba-older")
    store_id_after, mark = await store.schema.identity()
    assert store_id_after == store_id and mark
    assert [p.id for p in await store.articles.stale_passages(PASSAGE_VERSION)] == [passage.id]
    assert await store.articles.stale_passages("naba-older") == []
    await store.articles.retokenize([Reanalysed(passage.id, "جديد")], PASSAGE_VERSION)
    assert (await store.schema.identity())[1] not in ("", mark)
    assert await store.articles.stale_passages(PASSAGE_VERSION) == []


async def test_a_limit_counted_by_two_processes_is_one_count(
    store: Store, store_target: str
) -> None:
    other = await Store.open(store_target)
    try:
        # windows are clock-aligned: an hour's, so that no turn falls among the six counts
        counts = [await s.limits.count("questions:42", 3600) for s in (store, other) * 3]
        assert counts == [1, 2, 3, 4, 5, 6]
        assert await other.limits.count("questions:43", 3600) == 1, "keys are apart"
        # a new window starts the count again
        assert await store.limits.count("questions:44", 1) == 1
        await asyncio.sleep(1.05)
        assert await store.limits.count("questions:44", 1) == 1
    finally:
        await other.close()


async def test_what_a_chat_was_shown_is_recalled_by_another_process_until_it_is_old(
    store: Store, store_target: str
) -> None:
    """A follow-up may reach another replica: what one store remembered, another recalls, by
    the database's clock; a newer answer replaces it; chats are apart."""
    other = await Store.open(store_target)
    try:
        assert await other.conversations.recall(42, 900) == ()
        await store.conversations.remember(42, [7, 3, 12])
        await store.conversations.remember(43, [5])
        assert await other.conversations.recall(42, 900) == (7, 3, 12)  # in the answer's order
        await other.conversations.remember(42, [9])
        assert await store.conversations.recall(42, 900) == (9,)
        assert await store.conversations.recall(43, 900) == (5,)
        await asyncio.sleep(0.3)
        assert await other.conversations.recall(42, 0.2) == (), "too old for a follow-up"
        assert await other.conversations.recall(42, 900) == (9,)
    finally:
        await other.close()


async def test_another_process_s_save_wakes_a_listening_index(pg_url: str) -> None:
    """PostgreSQL: LISTEN/NOTIFY wakes a replica's index at once (polling stays the floor)."""
    listening, writing = await Store.open(pg_url), await Store.open(pg_url)
    woken = asyncio.Event()
    try:
        await listening.articles.on_change(woken.set)
        cursor = await listening.articles.change_cursor()
        saved = await ingest_article(writing, article(TEXT_C, guid="notify"), "replica")
        await asyncio.wait_for(woken.wait(), 10)
        changes = await listening.articles.changes_since(cursor)
        assert saved.article_id in [e.article_id for e in changes.events]
    finally:
        await writing.close()
        await listening.close()


async def test_one_vote_per_reader_per_answer_and_it_can_change(store: Store) -> None:
    common = {"chat_id": 10, "question": "متى تحررت درعا؟", "analyzer": "v1"}
    await store.feedback.vote(message_id=5, user_id=1, vote=1, passage_ids=[3, 4], **common)
    await store.feedback.vote(message_id=5, user_id=1, vote=-1, passage_ids=[3, 4], **common)
    await store.feedback.vote(message_id=5, user_id=2, vote=1, passage_ids=[3, 4], **common)
    await store.feedback.vote(message_id=6, user_id=1, vote=-1, passage_ids=[9], **common)
    counts = await store.feedback.counts()
    assert (counts.up, counts.down, counts.rate) == (1, 2, pytest.approx(1 / 3))
    down = await store.feedback.votes(vote=-1)
    assert sorted((v.message_id, v.user_id, v.passage_ids) for v in down) == [
        (5, 1, (3, 4)), (6, 1, (9,)),
    ]
    assert {v.question for v in await store.feedback.votes()} == {"متى تحررت درعا؟"}


# ---- stories across outlets -----------------------------------------------------------------


async def test_rewordings_of_one_event_are_one_story_in_time_order(store: Store) -> None:
    outcomes = [await ingest_article(store, a, "test") for a in [BRIDGE[2], BRIDGE[0], BRIDGE[1]]]
    other = await ingest_article(store, OTHER, "test")
    ids = [o.article_id for o in outcomes]
    stories = await store.stories.story_ids([*ids, other.article_id])
    assert len({stories[i] for i in ids}) == 1
    assert stories[other.article_id] == other.article_id != stories[ids[0]]
    story = stories[ids[0]]
    assert story == min(ids)  # numbered by its first article
    members = (await store.stories.members([story]))[story]
    assert [m.source for m in members] == ["صحيفة الفجر", "جريدة الندى", "وكالة السهل"]
    assert members[0].published == BRIDGE[0].published
    assert sorted(await store.stories.sizes()) == [1, 3]
    assert await store.stories.ungrouped() == []
    reports = await store.stories.reports_of([ids[1], other.article_id, 10**9])
    assert reports[ids[1]] == members
    assert [m.article_id for m in reports[other.article_id]] == [other.article_id]
    assert 10**9 not in reports


async def test_an_article_bridging_two_stories_unites_them(store: Store) -> None:
    ids = [(await ingest_article(store, article(text, guid=f"u{i}"), "t")).article_id
           for i, text in enumerate([TEXT_A, TEXT_B, TEXT_C])]
    sig = bytes(512)
    # two stories of their own (no band in common), then one article sharing a band with each
    assert await store.stories.join(ids[0], signature=sig, bands=[1, 2],
                                    choose=lambda c: []) == ids[0]
    await store.stories.join(ids[1], signature=sig, bands=[3, 4], choose=lambda c: [])
    assert await store.stories.story_ids(ids[:2]) == {ids[0]: ids[0], ids[1]: ids[1]}
    seen: list[StoryCandidate] = []
    story = await store.stories.join(
        ids[2], signature=sig, bands=[2, 3],
        choose=lambda candidates: seen.extend(candidates) or [c.story_id for c in candidates],
    )
    assert sorted(c.article_id for c in seen) == ids[:2]  # found through the stored bands
    assert {c.signature for c in seen} == {sig}
    assert story == ids[0]
    assert set((await store.stories.story_ids(ids)).values()) == {ids[0]}


async def test_story_words_count_once_and_rare_title_words_find_candidates(
    store: Store,
) -> None:
    """The second story signal's bookkeeping (index.stories): each article's words counted
    once in the document frequencies inside the join, however often it joins; candidates
    found by a title word as rare as asked, within the window of days."""
    ids = [(await ingest_article(store, article(text, guid=f"w{i}"), "t")).article_id
           for i, text in enumerate([TEXT_A, TEXT_B, TEXT_C])]
    assert set(await store.stories.words_of([*ids, 10**9])) == set(ids)  # kept at ingest
    sig = bytes(512)
    first = StoryWords(("زرزور", "قنبره"), frozenset({"زرزور", "قنبره", "هدهد"}), 1000)
    second = StoryWords(("زرزور", "حسون"), frozenset({"زرزور", "حسون"}), 1002)

    async def join(i: int, words: StoryWords) -> list[StoryCandidate]:
        seen: list[StoryCandidate] = []
        await store.stories.join(ids[i], signature=sig, bands=[i + 1], words=words,
                                 rare_share=1.0, choose=lambda c: seen.extend(c) or [])
        return seen

    assert await join(0, first) == []  # an edit: its old words swapped for these
    [found] = await join(1, second)
    assert found.article_id == ids[0] and found.head_id == ids[0]
    assert found.words == StoryWords(first.title, first.words, None) == found.head
    assert found.freq.n == 3  # three articles with words, each once
    assert found.freq.df["زرزور"] == 2 and found.freq.df["قنبره"] == 1
    [again] = await join(1, second)  # joining again counts nothing twice
    assert again.freq.n == 3 and again.freq.df["زرزور"] == 2
    far = StoryWords(("زرزور",), frozenset({"زرزور"}), 1010)  # a week later: not a candidate
    assert await join(2, far) == []
    assert (await store.stories.words_of([ids[2]]))[ids[2]].words == far.words


async def test_a_story_s_first_report_comes_with_its_day(store: Store) -> None:
    """The second signal compares days (index.stories.SHARED_RARE: reports of the same day):
    the story's first report read inside the join carries its publication's day, which the
    store keeps with the article, not with its words."""
    day = datetime(2031, 5, 3, 9, 0, tzinfo=UTC)
    ids = [(await ingest_article(store, article(text, guid=f"d{i}", published=day),
                                 "t")).article_id for i, text in enumerate([TEXT_A, TEXT_B])]
    words = StoryWords(("زرزور",), frozenset({"زرزور"}), day.date().toordinal())
    seen: list[StoryCandidate] = []
    await store.stories.join(ids[0], signature=bytes(512), bands=[1], words=words,
                             rare_share=1.0, choose=lambda c: seen.extend(c) or [])
    await store.stories.join(ids[1], signature=bytes(512), bands=[2], words=words,
                             rare_share=1.0, choose=lambda c: seen.extend(c) or [])
    [found] = seen
    assert found.head is not None and found.head.day == day.date().toordinal()
    assert found.words is not None and found.words.day is None  # its day is `published`
    assert found.published == day


async def test_copies_ingested_at_once_by_two_processes_end_in_one_story(
    store: Store, store_target: str
) -> None:
    other = await Store.open(store_target)
    try:
        outcomes = await asyncio.gather(*(
            ingest_article(s, a, "replica")
            for a, s in zip(BRIDGE * 2, [store, other] * 3, strict=True)
        ))
    finally:
        await other.close()
    ids = {o.article_id for o in outcomes}
    assert len(ids) == 3
    assert len(set((await store.stories.story_ids(list(ids))).values())) == 1


async def _write(store: Store, *statements: str) -> None:
    """Plain SQL through a second connection to the store's database (to make an old one)."""
    if store.kind == "sqlite":
        with sqlite3.connect(store.target) as db:
            for statement in statements:
                db.execute(statement)
        return
    con = await asyncpg.connect(store.target)
    try:
        for statement in statements:
            await con.execute(statement)
    finally:
        await con.close()


async def test_articles_stored_before_story_words_get_them_at_start(store: Store) -> None:
    """A database from before migration 0008 holds stories without their words: the start-up
    grouping gives every such article its words and counts, once, by id."""
    from index.stories import group_ungrouped

    ids = [(await ingest_article(store, a, "test")).article_id for a in [*BRIDGE, OTHER]]
    words = await store.stories.words_of(ids)
    await _write(store, "UPDATE story_members SET title_terms = '', terms = ''",
                 "DELETE FROM story_terms", "DELETE FROM story_titles")
    assert await store.stories.ungrouped() == sorted(ids)
    assert await store.stories.ungrouped(2, after=sorted(ids)[1]) == sorted(ids)[2:4]
    assert await group_ungrouped(store, batch=2) == len(ids)
    assert await store.stories.words_of(ids) == words
    assert await store.stories.ungrouped() == []
    counted = dict(await sql(store, "SELECT term, df FROM story_terms"))
    assert counted and all(counted[t] >= 1 for w in words.values() for t in w.words)
    assert await group_ungrouped(store) == 0  # once


async def test_the_store_keeps_each_passages_positions(store: Store) -> None:
    """Saved with the passages, read back by article, rewritten by a re-analysis."""
    text = "سيطرت الفصائل على درعا.\nودخلت القوات المدينة فجرا."
    outcome = await ingest_article(store, ArticleIn(title="درعا", text=text), "t")
    other = await ingest_article(store, ArticleIn(title="حمص", text="دخلت القوات حمص."), "t")
    found = await store.articles.terms_of([outcome.article_id, other.article_id, 999])
    assert set(found) == {outcome.article_id, other.article_id}
    assert found[outcome.article_id] == [
        PassageTerms(p.span.start, p.span.end, p.tokens, p.positions) for p in prepare(
            ArticleIn(title="درعا", text=text))[1]]
    assert all(p.positions for p in found[outcome.article_id])
    (passage, _) = await store.articles.passages_of(outcome.article_id)
    await store.articles.retokenize([Reanalysed(passage.id, "سيطر", "0")], "naba-test")
    assert (await store.articles.terms_of([outcome.article_id]))[outcome.article_id][0] == (
        PassageTerms(0, text.index("\n"), "سيطر", "0"))
    assert await store.articles.terms_of([]) == {}
