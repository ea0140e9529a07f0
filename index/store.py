"""SQLite store through aiosqlite: the single source of truth for articles, passages, feeds,
subscriptions and digest deliveries. Everything else (the BM25 index) is derived from it.

All SQL lives here, behind a small async interface, with `?` parameters only. Writes happen in
explicit transactions (``BEGIN IMMEDIATE``) so a crash leaves either all of an entry or none of
it. WAL lets a second process (``python -m bot ingest`` while the bot runs) write safely.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import sqlite3
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import aiosqlite

from index.models import Article, ArticleIn, PassageSpan

log = logging.getLogger(__name__)

# Named, append-only migrations: a database records which ones it has, so old files upgrade
# in place. Never edit a shipped migration; add a new one. Statements are split at ";", so
# comments inside the SQL must not contain one.
MIGRATIONS: list[tuple[str, str]] = [
    (
        "0001_initial",
        """
        CREATE TABLE feeds (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            url TEXT NOT NULL UNIQUE,
            title TEXT,
            etag TEXT,
            last_modified TEXT,
            added_at TEXT NOT NULL,
            added_by TEXT,
            last_polled_at TEXT,
            last_success_at TEXT,
            last_error TEXT,
            last_error_at TEXT,
            failures INTEGER NOT NULL DEFAULT 0,
            next_poll_at TEXT,
            entries_new INTEGER NOT NULL DEFAULT 0,
            entries_updated INTEGER NOT NULL DEFAULT 0,
            entries_skipped INTEGER NOT NULL DEFAULT 0,
            errors_total INTEGER NOT NULL DEFAULT 0
        );
        CREATE TABLE articles (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            guid TEXT UNIQUE,
            url TEXT,
            url_canonical TEXT UNIQUE,
            title TEXT NOT NULL,
            source TEXT,
            published TEXT,
            language TEXT NOT NULL DEFAULT 'ar',
            text TEXT NOT NULL,
            content_hash TEXT NOT NULL UNIQUE,
            feed_id INTEGER REFERENCES feeds(id) ON DELETE SET NULL,
            added_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        CREATE TABLE passages (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
            ordinal INTEGER NOT NULL,
            start INTEGER NOT NULL,
            end INTEGER NOT NULL,
            tokens TEXT NOT NULL,
            analyzer TEXT NOT NULL
        );
        CREATE INDEX passages_by_article ON passages(article_id);
        -- One row per change to an article's passages: the index replays rows past the last
        -- sequence number it applied, so an ingest from any process reaches a running bot.
        CREATE TABLE index_events (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            article_id INTEGER NOT NULL,
            at TEXT NOT NULL
        );
        CREATE TABLE ingest_log (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            at TEXT NOT NULL,
            origin TEXT NOT NULL,
            status TEXT NOT NULL,
            article_id INTEGER,
            detail TEXT
        );
        CREATE TABLE subscriptions (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            chat_id INTEGER NOT NULL UNIQUE,
            chat_type TEXT,
            thread_id INTEGER,
            topic TEXT,
            frequency TEXT NOT NULL DEFAULT 'daily',
            paused INTEGER NOT NULL DEFAULT 0,
            paused_reason TEXT,
            after_article_id INTEGER NOT NULL,
            created_at TEXT NOT NULL,
            last_digest_at TEXT,
            force_due INTEGER NOT NULL DEFAULT 0
        );
        -- Exactly-once digests: one row per (subscription, entry). 'sending' is written and
        -- committed before the Bot API call, 'sent' (with the message id) right after it,
        -- 'filtered' marks entries that did not match the subscription's topic.
        CREATE TABLE deliveries (
            subscription_id INTEGER NOT NULL REFERENCES subscriptions(id) ON DELETE CASCADE,
            article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
            state TEXT NOT NULL CHECK (state IN ('sending', 'sent', 'filtered')),
            message_id INTEGER,
            attempts INTEGER NOT NULL DEFAULT 0,
            updated_at TEXT NOT NULL,
            PRIMARY KEY (subscription_id, article_id)
        );
        CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);
        """,
    ),
    (
        "0002_source_files",
        """
        -- Size and modification time of each seeds-folder file when it was last read, so a
        -- rescan reads only new and changed files (index.sources.rescan_seeds).
        CREATE TABLE source_files (
            path TEXT PRIMARY KEY,
            mtime_ns INTEGER NOT NULL,
            size INTEGER NOT NULL,
            seen_at TEXT NOT NULL
        );
        """,
    ),
]

ARTICLE_COLUMNS = "id, title, text, source, url, published, language, added_at"


def now_utc() -> datetime:
    return datetime.now(UTC)


def to_iso(value: datetime | None) -> str | None:
    """ISO 8601 text for SQLite, keeping the value's own UTC offset (naive means UTC): a story
    published at 00:30 in Damascus is dated that day, not the day before in UTC."""
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.isoformat(timespec="seconds")


def from_iso(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _article(row: Sequence[Any]) -> Article:
    return Article(
        id=row[0],
        title=row[1],
        text=row[2],
        source=row[3],
        url=row[4],
        published=from_iso(row[5]),
        language=row[6],
        added_at=from_iso(row[7]) or now_utc(),
    )


@dataclass(frozen=True, slots=True)
class StoredPassage:
    """What the index needs of a passage."""

    id: int
    article_id: int
    tokens: str


@dataclass(frozen=True, slots=True)
class PassageContext:
    """A passage with its article's attribution, for rendering a hit."""

    passage_id: int
    article_id: int
    start: int
    end: int
    tokens: str  # the analysed terms, space-joined, as indexed
    article: Article


@dataclass(frozen=True, slots=True)
class IngestOutcome:
    status: str  # 'new' | 'updated' | 'duplicate'
    article_id: int


@dataclass(frozen=True, slots=True)
class Subscription:
    id: int
    chat_id: int
    chat_type: str | None
    thread_id: int | None
    topic: str | None
    frequency: str
    paused: bool
    paused_reason: str | None
    after_article_id: int
    created_at: datetime
    last_digest_at: datetime | None
    force_due: bool


@dataclass(frozen=True, slots=True)
class Feed:
    id: int
    url: str
    title: str | None
    etag: str | None
    last_modified: str | None
    last_success_at: datetime | None
    last_error: str | None
    last_error_at: datetime | None
    failures: int
    next_poll_at: datetime | None
    entries_new: int
    entries_updated: int
    entries_skipped: int
    errors_total: int


FEED_COLUMNS = (
    "id, url, title, etag, last_modified, last_success_at, last_error, last_error_at, failures, "
    "next_poll_at, entries_new, entries_updated, entries_skipped, errors_total"
)
SUBSCRIPTION_COLUMNS = (
    "id, chat_id, chat_type, thread_id, topic, frequency, paused, paused_reason, "
    "after_article_id, created_at, last_digest_at, force_due"
)


def _feed(row: Sequence[Any]) -> Feed:
    return Feed(
        id=row[0],
        url=row[1],
        title=row[2],
        etag=row[3],
        last_modified=row[4],
        last_success_at=from_iso(row[5]),
        last_error=row[6],
        last_error_at=from_iso(row[7]),
        failures=row[8],
        next_poll_at=from_iso(row[9]),
        entries_new=row[10],
        entries_updated=row[11],
        entries_skipped=row[12],
        errors_total=row[13],
    )


def _subscription(row: Sequence[Any]) -> Subscription:
    return Subscription(
        id=row[0],
        chat_id=row[1],
        chat_type=row[2],
        thread_id=row[3],
        topic=row[4],
        frequency=row[5],
        paused=bool(row[6]),
        paused_reason=row[7],
        after_article_id=row[8],
        created_at=from_iso(row[9]) or now_utc(),
        last_digest_at=from_iso(row[10]),
        force_due=bool(row[11]),
    )


async def _earlier_version(
    db: aiosqlite.Connection, guid: str | None, url_canonical: str | None
) -> tuple[int, str, int | None, str | None] | None:
    """(id, content hash, feed id, guid) of the stored article an incoming one replaces: the
    same guid first, else the same canonical URL."""
    for column, value in (("guid", guid), ("url_canonical", url_canonical)):
        if value:
            async with db.execute(
                f"SELECT id, content_hash, feed_id, guid FROM articles WHERE {column} = ?",
                (value,),
            ) as cur:
                row = await cur.fetchone()
            if row:
                return row
    return None


class StoreUnavailable(OSError):
    """The SQLite file cannot be created or opened for writing at `path`: its folder cannot be
    made or written, a file stands where a folder should, the file itself is read-only. `reason`
    says which, in a few English words; the caller names the setting that chose the path."""

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(f"cannot write the database {path}: {reason}")
        self.path = path
        self.reason = reason


# SQLite's words for "this file cannot be opened, or not for writing".
_UNWRITABLE = ("SQLITE_CANTOPEN", "SQLITE_READONLY", "SQLITE_PERM")


def _cannot_write(err: sqlite3.OperationalError) -> bool:
    return (getattr(err, "sqlite_errorname", None) or "").startswith(_UNWRITABLE)


def _unwritable_reason(path: Path, err: BaseException) -> str:
    """Why `path` cannot be created or written, for StoreUnavailable's message."""
    if isinstance(err, PermissionError):
        return "permission denied"
    if path.exists():
        if not path.is_file():
            return "not a file"
        if not os.access(path, os.R_OK | os.W_OK):
            return "the file is read-only"
    for folder in path.parents:  # the nearest folder that exists decides
        if folder.exists():
            if not folder.is_dir():
                return f"{folder} is a file, not a folder"
            if not os.access(folder, os.W_OK | os.X_OK):
                return "permission denied"
            break
    if isinstance(err, OSError) and err.strerror:
        return err.strerror[0].lower() + err.strerror[1:]
    return str(err)


class Store:
    """An open SQLite database. Use ``async with await Store.open(path) as store``."""

    def __init__(self, db: aiosqlite.Connection, path: Path) -> None:
        self._db = db
        self.path = path
        # One connection serves every task; the lock keeps two tasks' transactions apart.
        self._lock = asyncio.Lock()

    @classmethod
    async def open(cls, path: str | Path) -> Store:
        """Open (creating it and its folder if need be) the SQLite file at `path`. Raises
        StoreUnavailable when the file cannot be created, opened or written there."""
        path = Path(path)
        try:
            if str(path) != ":memory:":
                path.parent.mkdir(parents=True, exist_ok=True)
            db = await aiosqlite.connect(path, isolation_level=None)
        except (OSError, sqlite3.OperationalError) as err:
            if isinstance(err, sqlite3.OperationalError) and not _cannot_write(err):
                raise
            raise StoreUnavailable(path, _unwritable_reason(path, err)) from err
        store = cls(db, path)
        try:
            await db.execute("PRAGMA journal_mode=WAL")
            await db.execute("PRAGMA foreign_keys=ON")
            # Another process may hold the write lock for a moment (an ingest while the bot runs).
            await db.execute("PRAGMA busy_timeout=10000")
            await db.execute("PRAGMA synchronous=NORMAL")
            await store._migrate()
        except BaseException as err:
            await db.close()
            if isinstance(err, sqlite3.OperationalError) and _cannot_write(err):
                raise StoreUnavailable(path, _unwritable_reason(path, err)) from err
            raise
        return store

    async def close(self) -> None:
        await self._db.close()

    async def __aenter__(self) -> Store:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    @contextlib.asynccontextmanager
    async def transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        """BEGIN IMMEDIATE … COMMIT (ROLLBACK on error), one task at a time."""
        async with self._lock:
            await self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                await self._db.execute("ROLLBACK")
                raise
            await self._db.execute("COMMIT")

    async def _fetchall(self, sql: str, params: Sequence[Any] = ()) -> list[tuple]:
        async with self._lock, self._db.execute(sql, params) as cur:
            return list(await cur.fetchall())

    async def _fetchone(self, sql: str, params: Sequence[Any] = ()) -> tuple | None:
        async with self._lock, self._db.execute(sql, params) as cur:
            return await cur.fetchone()

    async def _migrate(self) -> None:
        await self._db.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY, applied_at TEXT)"
        )
        done = {row[0] for row in await self._fetchall("SELECT name FROM schema_migrations")}
        for name, sql in MIGRATIONS:
            if name in done:
                continue
            async with self.transaction() as db:
                for statement in filter(str.strip, sql.split(";")):
                    await db.execute(statement)
                await db.execute(
                    "INSERT INTO schema_migrations (name, applied_at) VALUES (?, ?)",
                    (name, to_iso(now_utc())),
                )
            log.info("applied migration %s", name)

    async def applied_migrations(self) -> list[str]:
        return [r[0] for r in await self._fetchall("SELECT name FROM schema_migrations ORDER BY 1")]

    # ---- articles and passages ------------------------------------------------------------

    async def save_article(
        self,
        article: ArticleIn,
        *,
        url_canonical: str | None,
        content_hash: str,
        passages: Sequence[tuple[PassageSpan, str]],
        analyzer: str,
        origin: str,
    ) -> IngestOutcome:
        """Store one article and its passages in one transaction, deduplicated.

        Identity, in order: the origin's guid, then the canonical URL — a match with new
        content is an update (passages replaced); then the content hash — the same story
        re-posted elsewhere is a duplicate and stored once.
        """
        now = to_iso(now_utc())
        async with self.transaction() as db:
            existing = await _earlier_version(db, article.guid, url_canonical)
            if existing is None:
                async with db.execute(
                    "SELECT id FROM articles WHERE content_hash = ?", (content_hash,)
                ) as cur:
                    same = await cur.fetchone()
                if same:
                    await self._log(db, origin, "duplicate", same[0], "same content as stored")
                    return IngestOutcome("duplicate", same[0])
                cur = await db.execute(
                    "INSERT INTO articles (guid, url, url_canonical, title, source, published,"
                    " language, text, content_hash, feed_id, added_at, updated_at)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        article.guid,
                        article.url,
                        url_canonical,
                        article.title,
                        article.source,
                        to_iso(article.published),
                        article.language,
                        article.text,
                        content_hash,
                        article.feed_id,
                        now,
                        now,
                    ),
                )
                article_id, status = cur.lastrowid, "new"
            else:
                article_id = existing[0]
                if existing[1] == content_hash:
                    await self._log(db, origin, "duplicate", article_id, "unchanged")
                    return IngestOutcome("duplicate", article_id)
                async with db.execute(
                    "SELECT id FROM articles WHERE content_hash = ? AND id != ?",
                    (content_hash, article_id),
                ) as cur:
                    clash = await cur.fetchone()
                if clash:
                    # The edit made it identical to another stored article: keep that one.
                    await self._log(db, origin, "duplicate", clash[0], "edit equals another")
                    return IngestOutcome("duplicate", clash[0])
                if url_canonical:
                    async with db.execute(
                        "SELECT 1 FROM articles WHERE url_canonical = ? AND id != ?",
                        (url_canonical, article_id),
                    ) as cur:
                        if await cur.fetchone():
                            # The edit links to a page another article owns: keep this one's
                            # own canonical URL, since a UNIQUE clash would abort the ingest.
                            url_canonical = None
                await db.execute(
                    "UPDATE articles SET url = COALESCE(?, url), url_canonical ="
                    " COALESCE(?, url_canonical), title = ?, source = COALESCE(?, source),"
                    " published = COALESCE(?, published), language = ?, text = ?,"
                    " content_hash = ?, updated_at = ? WHERE id = ?",
                    (
                        article.url,
                        url_canonical,
                        article.title,
                        article.source,
                        to_iso(article.published),
                        article.language,
                        article.text,
                        content_hash,
                        now,
                        article_id,
                    ),
                )
                await db.execute("DELETE FROM passages WHERE article_id = ?", (article_id,))
                status = "updated"
            await db.executemany(
                "INSERT INTO passages (article_id, ordinal, start, end, tokens, analyzer)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                [(article_id, p.ordinal, p.start, p.end, toks, analyzer) for p, toks in passages],
            )
            await db.execute(
                "INSERT INTO index_events (article_id, at) VALUES (?, ?)", (article_id, now)
            )
            await self._log(db, origin, status, article_id, None)
            return IngestOutcome(status, article_id)

    async def _log(
        self, db: aiosqlite.Connection, origin: str, status: str, article_id: int | None,
        detail: str | None,
    ) -> None:
        await db.execute(
            "INSERT INTO ingest_log (at, origin, status, article_id, detail)"
            " VALUES (?, ?, ?, ?, ?)",
            (to_iso(now_utc()), origin, status, article_id, detail),
        )

    async def log_ingest(
        self, origin: str, status: str, detail: str | None = None, article_id: int | None = None
    ) -> None:
        """Record an ingest that stored nothing (skipped, failed) so /stats can count it."""
        async with self.transaction() as db:
            await self._log(db, origin, status, article_id, detail)

    async def ingest_counts(self) -> dict[str, int]:
        rows = await self._fetchall("SELECT status, COUNT(*) FROM ingest_log GROUP BY status")
        return {status: n for status, n in rows}

    async def last_ingest(self) -> tuple[datetime, str, str] | None:
        row = await self._fetchone(
            "SELECT at, origin, status FROM ingest_log ORDER BY id DESC LIMIT 1"
        )
        return (from_iso(row[0]), row[1], row[2]) if row else None

    async def get_article(self, article_id: int) -> Article | None:
        row = await self._fetchone(
            f"SELECT {ARTICLE_COLUMNS} FROM articles WHERE id = ?", (article_id,)
        )
        return _article(row) if row else None

    async def articles(
        self, *, limit: int = 20, offset: int = 0, after_id: int | None = None
    ) -> list[Article]:
        """Newest first (by when they arrived); `after_id` keeps only those added after it."""
        if after_id is None:
            rows = await self._fetchall(
                f"SELECT {ARTICLE_COLUMNS} FROM articles ORDER BY id DESC LIMIT ? OFFSET ?",
                (limit, offset),
            )
        else:
            rows = await self._fetchall(
                f"SELECT {ARTICLE_COLUMNS} FROM articles WHERE id > ? ORDER BY id LIMIT ?",
                (after_id, limit),
            )
        return [_article(r) for r in rows]

    async def article_summary(self) -> dict[str, Any]:
        """Counts and the published-date range, for /start and /stats."""
        row = await self._fetchone(
            "SELECT COUNT(*), MIN(published), MAX(published), MAX(id) FROM articles"
        )
        passages = await self._fetchone("SELECT COUNT(*) FROM passages")
        return {
            "articles": row[0],
            "first_published": from_iso(row[1]),
            "last_published": from_iso(row[2]),
            "max_article_id": row[3] or 0,
            "passages": passages[0],
        }

    async def all_passages(self) -> list[StoredPassage]:
        rows = await self._fetchall("SELECT id, article_id, tokens FROM passages ORDER BY id")
        return [StoredPassage(*r) for r in rows]

    async def published_day(self, guid: str) -> date | None:
        """The publication date of the article stored under `guid`, if known."""
        row = await self._fetchone("SELECT published FROM articles WHERE guid = ?", (guid,))
        published = from_iso(row[0]) if row else None
        return published.date() if published else None

    async def article_titles(self, article_ids: Sequence[int] | None = None) -> dict[int, str]:
        """article id → title, for all articles or the given ones (the index's title field)."""
        if article_ids is None:
            rows = await self._fetchall("SELECT id, title FROM articles")
        else:
            if not article_ids:
                return {}
            marks = ",".join("?" * len(article_ids))
            rows = await self._fetchall(
                f"SELECT id, title FROM articles WHERE id IN ({marks})", list(article_ids)
            )
        return dict(rows)

    async def passages_of(self, article_id: int) -> list[StoredPassage]:
        rows = await self._fetchall(
            "SELECT id, article_id, tokens FROM passages WHERE article_id = ? ORDER BY id",
            (article_id,),
        )
        return [StoredPassage(*r) for r in rows]

    async def stale_passages(self, analyzer: str) -> list[tuple[int, int, int, int]]:
        """(passage id, article id, start, end) analysed by another analyzer version."""
        return await self._fetchall(
            "SELECT id, article_id, start, end FROM passages WHERE analyzer != ?", (analyzer,)
        )

    async def retokenize(self, rows: Sequence[tuple[int, str]], analyzer: str) -> None:
        async with self.transaction() as db:
            await db.executemany(
                "UPDATE passages SET tokens = ?, analyzer = ? WHERE id = ?",
                [(tokens, analyzer, pid) for pid, tokens in rows],
            )

    async def passage_contexts(self, passage_ids: Sequence[int]) -> dict[int, PassageContext]:
        if not passage_ids:
            return {}
        marks = ",".join("?" * len(passage_ids))
        rows = await self._fetchall(
            "SELECT p.id, p.article_id, p.start, p.end, p.tokens, a.id, a.title, a.text, a.source,"
            " a.url,"
            " a.published, a.language, a.added_at FROM passages p JOIN articles a"
            f" ON a.id = p.article_id WHERE p.id IN ({marks})",
            list(passage_ids),
        )
        return {r[0]: PassageContext(*r[:5], _article(r[5:])) for r in rows}

    async def last_event_seq(self) -> int:
        row = await self._fetchone("SELECT COALESCE(MAX(seq), 0) FROM index_events")
        return row[0]

    async def events_since(self, seq: int) -> list[tuple[int, int]]:
        """(seq, article id) of passage changes after `seq`, oldest first."""
        return await self._fetchall(
            "SELECT seq, article_id FROM index_events WHERE seq > ? ORDER BY seq", (seq,)
        )

    # ---- feeds ----------------------------------------------------------------------------

    async def add_feed(self, url: str, added_by: str | None = None) -> tuple[Feed, bool]:
        """(feed, created): adding a URL twice returns the existing feed."""
        async with self.transaction() as db:
            cur = await db.execute(
                "INSERT OR IGNORE INTO feeds (url, added_at, added_by) VALUES (?, ?, ?)",
                (url, to_iso(now_utc()), added_by),
            )
            created = cur.rowcount > 0
        feed = await self.feed_by_url(url)
        assert feed is not None
        return feed, created

    async def feed_by_url(self, url: str) -> Feed | None:
        row = await self._fetchone(f"SELECT {FEED_COLUMNS} FROM feeds WHERE url = ?", (url,))
        return _feed(row) if row else None

    async def remove_feed(self, url_or_id: str) -> bool:
        async with self.transaction() as db:
            cur = await db.execute(
                "DELETE FROM feeds WHERE url = ? OR CAST(id AS TEXT) = ?", (url_or_id, url_or_id)
            )
            return cur.rowcount > 0

    async def feeds(self) -> list[Feed]:
        return [_feed(r) for r in await self._fetchall(f"SELECT {FEED_COLUMNS} FROM feeds")]

    async def record_feed_poll(
        self,
        feed_id: int,
        *,
        ok: bool,
        title: str | None = None,
        etag: str | None = None,
        last_modified: str | None = None,
        error: str | None = None,
        next_poll_at: datetime | None = None,
        new: int = 0,
        updated: int = 0,
        skipped: int = 0,
    ) -> None:
        now = to_iso(now_utc())
        async with self.transaction() as db:
            if ok:
                await db.execute(
                    "UPDATE feeds SET title = COALESCE(?, title), etag = ?, last_modified = ?,"
                    " last_polled_at = ?, last_success_at = ?, failures = 0, next_poll_at = ?,"
                    " entries_new = entries_new + ?, entries_updated = entries_updated + ?,"
                    " entries_skipped = entries_skipped + ? WHERE id = ?",
                    (title, etag, last_modified, now, now, to_iso(next_poll_at), new, updated,
                     skipped, feed_id),
                )
            else:
                await db.execute(
                    "UPDATE feeds SET last_polled_at = ?, last_error = ?, last_error_at = ?,"
                    " failures = failures + 1, errors_total = errors_total + 1,"
                    " next_poll_at = ? WHERE id = ?",
                    (now, error, now, to_iso(next_poll_at), feed_id),
                )

    # ---- subscriptions and deliveries -----------------------------------------------------

    async def subscribe(
        self, chat_id: int, *, chat_type: str | None, thread_id: int | None, topic: str | None,
        frequency: str | None = None,
    ) -> Subscription:
        """Create or update a chat's subscription; a new one starts after the newest entry."""
        now = to_iso(now_utc())
        async with self.transaction() as db:
            await db.execute(
                "INSERT INTO subscriptions (chat_id, chat_type, thread_id, topic, frequency,"
                " after_article_id, created_at) VALUES (?, ?, ?, ?, ?,"
                " (SELECT COALESCE(MAX(id), 0) FROM articles), ?)"
                " ON CONFLICT(chat_id) DO UPDATE SET topic = excluded.topic,"
                " thread_id = excluded.thread_id, paused = 0, paused_reason = NULL",
                (chat_id, chat_type, thread_id, topic, frequency or "daily", now),
            )
            if frequency:
                await db.execute(
                    "UPDATE subscriptions SET frequency = ? WHERE chat_id = ?", (frequency, chat_id)
                )
        sub = await self.subscription(chat_id)
        assert sub is not None
        return sub

    async def unsubscribe(self, chat_id: int) -> bool:
        async with self.transaction() as db:
            cur = await db.execute("DELETE FROM subscriptions WHERE chat_id = ?", (chat_id,))
            return cur.rowcount > 0

    async def subscription(self, chat_id: int) -> Subscription | None:
        row = await self._fetchone(
            f"SELECT {SUBSCRIPTION_COLUMNS} FROM subscriptions WHERE chat_id = ?", (chat_id,)
        )
        return _subscription(row) if row else None

    async def subscriptions(self, *, active_only: bool = True) -> list[Subscription]:
        where = "WHERE paused = 0" if active_only else ""
        rows = await self._fetchall(
            f"SELECT {SUBSCRIPTION_COLUMNS} FROM subscriptions {where} ORDER BY id"
        )
        return [_subscription(r) for r in rows]

    async def set_frequency(self, chat_id: int, frequency: str) -> bool:
        async with self.transaction() as db:
            cur = await db.execute(
                "UPDATE subscriptions SET frequency = ? WHERE chat_id = ?", (frequency, chat_id)
            )
            return cur.rowcount > 0

    async def request_digest_now(self, chat_id: int) -> bool:
        async with self.transaction() as db:
            cur = await db.execute(
                "UPDATE subscriptions SET force_due = 1 WHERE chat_id = ?", (chat_id,)
            )
            return cur.rowcount > 0

    async def pause_subscription(self, subscription_id: int, reason: str) -> None:
        async with self.transaction() as db:
            await db.execute(
                "UPDATE subscriptions SET paused = 1, paused_reason = ? WHERE id = ?",
                (reason, subscription_id),
            )

    async def pending_entries(self, sub: Subscription, limit: int = 200) -> list[Article]:
        """Entries added after the subscription started that it has not had (nor filtered)."""
        rows = await self._fetchall(
            f"SELECT {', '.join('a.' + c.strip() for c in ARTICLE_COLUMNS.split(','))}"
            " FROM articles a WHERE a.id > ? AND NOT EXISTS (SELECT 1 FROM deliveries d"
            " WHERE d.subscription_id = ? AND d.article_id = a.id AND d.state != 'sending')"
            " ORDER BY a.id LIMIT ?",
            (sub.after_article_id, sub.id, limit),
        )
        return [_article(r) for r in rows]

    async def mark_deliveries(
        self, subscription_id: int, article_ids: Sequence[int], state: str,
        message_id: int | None = None,
    ) -> None:
        """Record (subscription, entry) delivery states in one transaction."""
        now = to_iso(now_utc())
        async with self.transaction() as db:
            await db.executemany(
                "INSERT INTO deliveries (subscription_id, article_id, state, message_id,"
                " attempts, updated_at) VALUES (?, ?, ?, ?, 1, ?) ON CONFLICT"
                " (subscription_id, article_id) DO UPDATE SET state = excluded.state,"
                " message_id = COALESCE(excluded.message_id, message_id),"
                " attempts = attempts + (excluded.state = 'sending'),"
                " updated_at = excluded.updated_at",
                [(subscription_id, a, state, message_id, now) for a in article_ids],
            )

    async def clear_sending(self, subscription_id: int, article_ids: Sequence[int]) -> None:
        """Forget 'sending' marks of a send that failed, so the next run tries again."""
        async with self.transaction() as db:
            await db.executemany(
                "DELETE FROM deliveries WHERE subscription_id = ? AND article_id = ?"
                " AND state = 'sending'",
                [(subscription_id, a) for a in article_ids],
            )

    async def interrupted_deliveries(self) -> list[tuple[int, int]]:
        """(subscription id, article id) left 'sending' by a process that died mid-send."""
        return await self._fetchall(
            "SELECT subscription_id, article_id FROM deliveries WHERE state = 'sending'"
        )

    async def finish_digest(self, subscription_id: int) -> None:
        async with self.transaction() as db:
            await db.execute(
                "UPDATE subscriptions SET last_digest_at = ?, force_due = 0 WHERE id = ?",
                (to_iso(now_utc()), subscription_id),
            )

    async def delivery_counts(self) -> dict[str, int]:
        rows = await self._fetchall("SELECT state, COUNT(*) FROM deliveries GROUP BY state")
        return {state: n for state, n in rows}

    async def last_digest_at(self) -> datetime | None:
        row = await self._fetchone("SELECT MAX(last_digest_at) FROM subscriptions")
        return from_iso(row[0]) if row else None

    async def count_subscriptions(self) -> dict[str, int]:
        row = await self._fetchone(
            "SELECT COUNT(*), COALESCE(SUM(paused), 0) FROM subscriptions"
        )
        return {"subscriptions": row[0], "paused": row[1]}

    # ---- feed and seeds ingest (index.sources) ----------------------------------------------

    async def article_match(
        self, guid: str | None, url_canonical: str | None
    ) -> tuple[int, int | None, str | None] | None:
        """(id, feed id, guid) of the article save_article would take as this one's earlier
        version: by guid first, then by canonical URL."""
        async with self._lock:
            row = await _earlier_version(self._db, guid, url_canonical)
        return (row[0], row[2], row[3]) if row else None

    async def log_ingest_many(self, rows: Sequence[tuple[str, str, str | None]]) -> None:
        """Several (origin, status, detail) ingest-log rows in one transaction."""
        if not rows:
            return
        now = to_iso(now_utc())
        async with self.transaction() as db:
            await db.executemany(
                "INSERT INTO ingest_log (at, origin, status, article_id, detail)"
                " VALUES (?, ?, ?, NULL, ?)",
                [(now, origin, status, detail) for origin, status, detail in rows],
            )

    async def record_feed_problems(self, feed_id: int, problems: Sequence[str]) -> None:
        """Count problems of a poll that still worked (an entry not stored, an entry without
        link or date, a malformed feed read leniently): errors_total and last_error, but not
        the failures-in-a-row counter that drives back-off."""
        if not problems:
            return
        now = to_iso(now_utc())
        async with self.transaction() as db:
            await db.execute(
                "UPDATE feeds SET last_error = ?, last_error_at = ?,"
                " errors_total = errors_total + ? WHERE id = ?",
                (problems[-1], now, len(problems), feed_id),
            )

    async def source_file_states(self) -> dict[str, tuple[int, int]]:
        """path → (mtime_ns, size) of every file rescan_seeds has read."""
        rows = await self._fetchall("SELECT path, mtime_ns, size FROM source_files")
        return {path: (mtime, size) for path, mtime, size in rows}

    async def remember_source_file(self, path: str, mtime_ns: int, size: int) -> None:
        async with self.transaction() as db:
            await db.execute(
                "INSERT INTO source_files (path, mtime_ns, size, seen_at) VALUES (?, ?, ?, ?)"
                " ON CONFLICT(path) DO UPDATE SET mtime_ns = excluded.mtime_ns,"
                " size = excluded.size, seen_at = excluded.seen_at",
                (path, mtime_ns, size, to_iso(now_utc())),
            )

    async def forget_source_files(self, paths: Sequence[str]) -> None:
        async with self.transaction() as db:
            await db.executemany("DELETE FROM source_files WHERE path = ?", [(p,) for p in paths])
