"""The SQLite store through aiosqlite: the embedded default, one file for one machine.

Writes happen in explicit transactions (``BEGIN IMMEDIATE``) so a crash leaves either all of
an entry or none of it, and WAL lets a second process (``python -m bot ingest`` while the bot
runs) write safely. All SQL uses ``?`` parameters.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import sqlite3
from collections.abc import AsyncIterator, Callable, Iterable, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

import aiosqlite

from index.models import Article, ArticleIn, PassageIn
from index.store.identity import (
    ARTICLES_ROW,
    Earlier,
    df_changes,
    merged_story,
    rare_title_terms,
    same_story,
    stored_words,
    story_candidates,
    story_heads,
    story_spans,
    words_columns,
)
from index.store.rows import (
    ARTICLE_COLUMNS,
    FEED_COLUMNS,
    STORE_ID,
    STORE_TOKENS,
    STORY_MEMBER_COLUMNS,
    SUBSCRIPTION_COLUMNS,
    VOTE_COLUMNS,
    WITHOUT_TEXT,
    ArticleMatch,
    Changes,
    DeliveryKey,
    Feed,
    FileState,
    IndexEvent,
    IngestEntry,
    IngestOutcome,
    PassageContext,
    PassageTerms,
    Reanalysed,
    StalePassage,
    StoredPassage,
    StoryCandidate,
    StoryMember,
    StoryWords,
    Subscription,
    SubscriptionCounts,
    Summary,
    TermFrequency,
    Vote,
    VoteCounts,
    article_row,
    columns,
    feed_row,
    from_iso,
    ids_text,
    now_utc,
    stories_in_time_order,
    subscription_row,
    terms_by_article,
    text_ids,
    to_iso,
    vote_row,
)

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
    (
        "0003_leases",
        """
        -- Named leases (index.store.protocols.Leases): the scheduler leader, a subscription's
        -- digest fan-out, a feed's poll. `until` is seconds since the epoch by the database's
        -- clock, so processes with skewed clocks still agree on who holds what.
        CREATE TABLE leases (
            name TEXT PRIMARY KEY,
            owner TEXT NOT NULL,
            until REAL NOT NULL
        );
        """,
    ),
    (
        "0004_rate_counters",
        """
        -- Per-user limits shared by every process (index.store.protocols.Limits): one row per
        -- key, its count in the current fixed window.
        CREATE TABLE rate_counters (
            key TEXT PRIMARY KEY,
            window INTEGER NOT NULL,
            count INTEGER NOT NULL
        );
        """,
    ),
    (
        "0005_feedback",
        """
        -- Readers' votes on answers: one row per (answer message, user), the vote changeable;
        -- the question, the passages shown and the analyzer version kept for the developer.
        CREATE TABLE feedback (
            chat_id INTEGER NOT NULL,
            message_id INTEGER NOT NULL,
            user_id INTEGER NOT NULL,
            vote INTEGER NOT NULL CHECK (vote IN (-1, 1)),
            question TEXT NOT NULL,
            passage_ids TEXT NOT NULL,
            analyzer TEXT NOT NULL,
            at TEXT NOT NULL,
            PRIMARY KEY (chat_id, message_id, user_id)
        );
        """,
    ),
    (
        "0006_stories",
        """
        -- Stories across outlets (index.stories): each article's MinHash signature and story,
        -- and its LSH band hashes (the band number is hashed in), looked up by hash to find
        -- the articles that may report the same event.
        CREATE TABLE story_members (
            article_id INTEGER PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
            story_id INTEGER NOT NULL,
            signature BLOB NOT NULL
        );
        CREATE INDEX story_members_by_story ON story_members(story_id);
        CREATE TABLE story_bands (
            hash INTEGER NOT NULL,
            article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
            PRIMARY KEY (hash, article_id)
        );
        CREATE INDEX story_bands_by_article ON story_bands(article_id);
        """,
    ),
    (
        "0007_index_snapshots",
        """
        -- Every start asks for the passages of another analyzer version (a snapshot of the
        -- index is loaded only when there are none): without this, a scan of every passage.
        CREATE INDEX passages_by_analyzer ON passages(analyzer);
        -- The database's identity, made once: a snapshot (index.snapshot) names the database
        -- it was built from, so one of another database is never loaded.
        INSERT INTO meta (key, value) VALUES ('store:id', lower(hex(randomblob(16))));
        """,
    ),
    (
        "0008_story_words",
        """
        -- The second story signal (index.stories): each member's analysed title words and the
        -- words of its title and lead, its title words by day (to find candidates), and how
        -- many members hold each word (the row '' counts the members with words), kept
        -- inside the join's transaction.
        ALTER TABLE story_members ADD COLUMN title_terms TEXT NOT NULL DEFAULT '';
        ALTER TABLE story_members ADD COLUMN terms TEXT NOT NULL DEFAULT '';
        CREATE TABLE story_titles (
            term TEXT NOT NULL,
            day INTEGER NOT NULL,
            article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
            PRIMARY KEY (term, day, article_id)
        );
        CREATE INDEX story_titles_by_article ON story_titles(article_id);
        CREATE TABLE story_terms (term TEXT PRIMARY KEY, df INTEGER NOT NULL);
        """,
    ),
    (
        "0009_conversations",
        """
        -- What each chat was last shown (index.store.protocols.Conversations): the articles a
        -- follow-up is first asked of, whichever replica it reaches. One row per chat.
        CREATE TABLE conversations (
            chat_id INTEGER PRIMARY KEY,
            articles TEXT NOT NULL,
            at REAL NOT NULL
        );
        """,
    ),
    (
        "0010_passage_positions",
        """
        -- Where each passage's analysed words stand in its text (index.positions), so that
        -- quoting it needs no second analysis ('' for none: re-analysed when quoted).
        ALTER TABLE passages ADD COLUMN positions TEXT NOT NULL DEFAULT '';
        """,
    ),
]


class StoreUnavailable(OSError):
    """The SQLite file cannot be created or opened for writing at `path`: its folder cannot be
    made or written, a file stands where a folder should, the file itself is read-only. `reason`
    says which, in a few English words; the caller names the setting that chose the path."""

    def __init__(self, path: Path | str, reason: str) -> None:
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


class SqliteDb:
    """One aiosqlite connection shared by the concerns; the lock keeps two tasks' statements
    and transactions apart. A second, read-only connection (`reader`) serves the reads an
    answer makes, so that a question never queues behind an ingest's write transaction: in
    WAL mode it reads the last commit while the writer works."""

    def __init__(self, db: aiosqlite.Connection, path: Path) -> None:
        self.db = db
        self.path = path
        self.lock = asyncio.Lock()
        # opened once the file is migrated (open_sqlite); none for an in-memory store
        self.reader: aiosqlite.Connection | None = None

    @contextlib.asynccontextmanager
    async def transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        """BEGIN IMMEDIATE … COMMIT (ROLLBACK on error), one task at a time."""
        async with self.lock:
            await self.db.execute("BEGIN IMMEDIATE")
            try:
                yield self.db
            except BaseException:
                await self.db.execute("ROLLBACK")
                raise
            await self.db.execute("COMMIT")

    async def fetchall(self, sql: str, params: Sequence[Any] = ()) -> list[tuple]:
        # one trip to the connection's thread, not three (execute, fetchall, close): each
        # trip is a wake-up of the event loop, and answers read the store twice
        async with self.lock:
            return list(await self.db.execute_fetchall(sql, params))

    async def fetchone(self, sql: str, params: Sequence[Any] = ()) -> tuple | None:
        async with self.lock, self.db.execute(sql, params) as cur:
            return await cur.fetchone()

    async def read(self, sql: str, params: Sequence[Any] = ()) -> list[tuple]:
        """fetchall on the read-only connection (the last commit, whatever the writer is
        doing), or on the shared one when there is none (an in-memory store)."""
        if self.reader is None:
            return await self.fetchall(sql, params)
        # no lock: each read is one call on the connection's thread (aiosqlite runs them in
        # turn), so the reads an answer makes together queue at once, and are answered in one
        # wake-up of the loop instead of one round trip each
        return list(await self.reader.execute_fetchall(sql, params))

    async def migrate(self) -> None:
        """Apply the migrations not yet applied. Each is checked and applied inside one
        BEGIN IMMEDIATE, so two processes opening a new file at once apply it once."""
        await self.db.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY, applied_at TEXT)"
        )
        for name, sql in MIGRATIONS:
            async with self.transaction() as db:
                async with db.execute(
                    "SELECT 1 FROM schema_migrations WHERE name = ?", (name,)
                ) as cur:
                    if await cur.fetchone():
                        continue
                for statement in filter(str.strip, sql.split(";")):
                    await db.execute(statement)
                await db.execute(
                    "INSERT INTO schema_migrations (name, applied_at) VALUES (?, ?)",
                    (name, to_iso(now_utc())),
                )
            log.info("applied migration %s", name)

    async def close(self) -> None:
        if self.reader is not None:
            await self.reader.close()
        await self.db.close()


async def _log(
    db: aiosqlite.Connection, origin: str, status: str, article_id: int | None, detail: str | None
) -> None:
    await db.execute(
        "INSERT INTO ingest_log (at, origin, status, article_id, detail) VALUES (?, ?, ?, ?, ?)",
        (to_iso(now_utc()), origin, status, article_id, detail),
    )


async def _earlier(
    db: aiosqlite.Connection, guid: str | None, url_canonical: str | None
) -> Earlier | None:
    for column, value in (("guid", guid), ("url_canonical", url_canonical)):
        if value:
            async with db.execute(
                f"SELECT id, content_hash, feed_id, guid FROM articles WHERE {column} = ?",
                (value,),
            ) as cur:
                row = await cur.fetchone()
            if row:
                return Earlier(*row)
    return None


async def _one(db: aiosqlite.Connection, sql: str, params: Sequence[Any]) -> Any:
    async with db.execute(sql, params) as cur:
        row = await cur.fetchone()
    return row[0] if row else None


def _marks(n: int) -> str:
    return ",".join("?" * n)


class SqliteArticles:
    def __init__(self, db: SqliteDb) -> None:
        self._db = db

    async def save(
        self,
        article: ArticleIn,
        *,
        url_canonical: str | None,
        content_hash: str,
        passages: Sequence[PassageIn],
        analyzer: str,
        origin: str,
    ) -> IngestOutcome:
        now = to_iso(now_utc())
        async with self._db.transaction() as db:
            earlier = await _earlier(db, article.guid, url_canonical)
            other = earlier.id if earlier else -1
            decision = same_story(
                earlier,
                content_hash,
                hash_holder=await _one(
                    db, "SELECT id FROM articles WHERE content_hash = ? AND id != ?",
                    (content_hash, other),
                ),
                url_owner=await _one(
                    db, "SELECT id FROM articles WHERE url_canonical = ? AND id != ?",
                    (url_canonical, other),
                ) if url_canonical else None,
            )
            if decision.action == "duplicate":
                await _log(db, origin, "duplicate", decision.article_id, decision.detail)
                return IngestOutcome("duplicate", decision.article_id)
            if decision.action == "insert":
                cur = await db.execute(
                    "INSERT INTO articles (guid, url, url_canonical, title, source, published,"
                    " language, text, content_hash, feed_id, added_at, updated_at)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (article.guid, article.url, url_canonical, article.title, article.source,
                     to_iso(article.published), article.language, article.text, content_hash,
                     article.feed_id, now, now),
                )
                article_id, status = cur.lastrowid, "new"
            else:
                article_id, status = decision.article_id, "updated"
                await db.execute(
                    "UPDATE articles SET url = COALESCE(?, url), url_canonical ="
                    " COALESCE(?, url_canonical), title = ?, source = COALESCE(?, source),"
                    " published = COALESCE(?, published), language = ?, text = ?,"
                    " content_hash = ?, updated_at = ? WHERE id = ?",
                    (article.url, url_canonical if decision.claim_url else None, article.title,
                     article.source, to_iso(article.published), article.language, article.text,
                     content_hash, now, article_id),
                )
                await db.execute("DELETE FROM passages WHERE article_id = ?", (article_id,))
            await db.executemany(
                "INSERT INTO passages (article_id, ordinal, start, end, tokens, positions,"
                " analyzer) VALUES (?, ?, ?, ?, ?, ?, ?)",
                [(article_id, p.span.ordinal, p.span.start, p.span.end, p.tokens, p.positions,
                  analyzer) for p in passages],
            )
            await db.execute(
                "INSERT INTO index_events (article_id, at) VALUES (?, ?)", (article_id, now)
            )
            await _log(db, origin, status, article_id, None)
            return IngestOutcome(status, article_id)

    async def match(self, guid: str | None, url_canonical: str | None) -> ArticleMatch | None:
        async with self._db.lock:
            earlier = await _earlier(self._db.db, guid, url_canonical)
        return ArticleMatch(earlier.id, earlier.feed_id, earlier.guid) if earlier else None

    async def get(self, article_id: int) -> Article | None:
        row = await self._db.fetchone(
            f"SELECT {columns(ARTICLE_COLUMNS)} FROM articles WHERE id = ?", (article_id,)
        )
        return article_row(row) if row else None

    async def newest(
        self, *, limit: int = 20, offset: int = 0, after_id: int | None = None
    ) -> list[Article]:
        """Newest first (by when they arrived); `after_id` keeps only those added after it,
        oldest first."""
        if after_id is None:
            rows = await self._db.fetchall(
                f"SELECT {columns(ARTICLE_COLUMNS)} FROM articles ORDER BY id DESC"
                " LIMIT ? OFFSET ?",
                (limit, offset),
            )
        else:
            rows = await self._db.fetchall(
                f"SELECT {columns(ARTICLE_COLUMNS)} FROM articles WHERE id > ? ORDER BY id"
                " LIMIT ?",
                (after_id, limit),
            )
        return [article_row(r) for r in rows]

    async def summary(self) -> Summary:
        row = await self._db.fetchone(
            "SELECT COUNT(*), MIN(published), MAX(published), MAX(id) FROM articles"
        )
        passages = await self._db.fetchone("SELECT COUNT(*) FROM passages")
        return Summary(articles=row[0], passages=passages[0], first_published=from_iso(row[1]),
                       last_published=from_iso(row[2]), max_article_id=row[3] or 0)

    async def all_passages(self) -> list[StoredPassage]:
        rows = await self._db.fetchall("SELECT id, article_id, tokens FROM passages ORDER BY id")
        return [StoredPassage(*r) for r in rows]

    async def passages_of(self, article_id: int) -> list[StoredPassage]:
        rows = await self._db.read(
            "SELECT id, article_id, tokens FROM passages WHERE article_id = ? ORDER BY id",
            (article_id,),
        )
        return [StoredPassage(*r) for r in rows]

    async def published_day(self, guid: str) -> date | None:
        row = await self._db.fetchone("SELECT published FROM articles WHERE guid = ?", (guid,))
        published = from_iso(row[0]) if row else None
        return published.date() if published else None

    async def titles(self, article_ids: Sequence[int] | None = None) -> dict[int, str]:
        if article_ids is None:
            rows = await self._db.fetchall("SELECT id, title FROM articles")
        elif not article_ids:
            return {}
        else:
            rows = await self._db.read(
                f"SELECT id, title FROM articles WHERE id IN ({_marks(len(article_ids))})",
                list(article_ids),
            )
        return dict(rows)

    async def stale_passages(self, analyzer: str) -> list[StalePassage]:
        rows = await self._db.fetchall(
            # two ranges, not !=, so the analyzer index answers it
            "SELECT id, article_id, start, end FROM passages WHERE analyzer < ? OR analyzer > ?",
            (analyzer, analyzer),
        )
        return [StalePassage(*r) for r in rows]

    async def retokenize(self, rows: Sequence[Reanalysed], analyzer: str) -> None:
        async with self._db.transaction() as db:
            await db.executemany(
                "UPDATE passages SET tokens = ?, positions = ?, analyzer = ? WHERE id = ?",
                [(r.tokens, r.positions, analyzer, r.id) for r in rows],
            )
            # tokens rewritten in place, which no change-log event records (see STORE_TOKENS)
            await db.execute(
                "INSERT INTO meta (key, value) VALUES (?, lower(hex(randomblob(8))))"
                " ON CONFLICT(key) DO UPDATE SET value = excluded.value", (STORE_TOKENS,),
            )

    async def passage_contexts(
        self, passage_ids: Sequence[int], *, text: bool = True
    ) -> dict[int, PassageContext]:
        if not passage_ids:
            return {}
        rows = await self._db.read(
            "SELECT p.id, p.article_id, p.start, p.end, p.tokens,"
            f" {columns(ARTICLE_COLUMNS, 'a', () if text else WITHOUT_TEXT)} FROM passages p"
            " JOIN articles a"
            f" ON a.id = p.article_id WHERE p.id IN ({_marks(len(passage_ids))})",
            list(passage_ids),
        )
        return {r[0]: PassageContext(*r[:5], article_row(r[5:])) for r in rows}

    async def terms_of(self, article_ids: Sequence[int]) -> dict[int, list[PassageTerms]]:
        if not article_ids:
            return {}
        ids = list(dict.fromkeys(article_ids))
        rows = await self._db.read(
            "SELECT article_id, start, end, tokens, positions FROM passages"
            f" WHERE article_id IN ({_marks(len(ids))}) ORDER BY article_id, start, id", ids,
        )
        return terms_by_article(rows)

    async def last_event_seq(self) -> int:
        row = await self._db.fetchone("SELECT COALESCE(MAX(seq), 0) FROM index_events")
        return row[0]

    async def change_cursor(self) -> int:
        # One writer at a time: sequence numbers are handed out in commit order, so the last
        # one is a cursor nothing can slip behind.
        return await self.last_event_seq()

    async def on_change(self, wake: Callable[[], None]) -> None:
        """SQLite has no notifications across processes: polling finds the changes."""

    async def changes_since(self, cursor: int) -> Changes:
        # on the reader, like everything a refresh reads: a question refreshes first, and must
        # not wait for an ingest's transaction to see what was committed before it
        rows = await self._db.read(
            "SELECT seq, article_id FROM index_events WHERE seq > ? ORDER BY seq", (cursor,)
        )
        events = [IndexEvent(*r) for r in rows]
        return Changes(events, events[-1].seq if events else cursor)


class SqliteIngestLog:
    def __init__(self, db: SqliteDb) -> None:
        self._db = db

    async def record(
        self, origin: str, status: str, detail: str | None = None, article_id: int | None = None
    ) -> None:
        """An ingest that stored nothing (skipped, failed), so /stats can count it."""
        async with self._db.transaction() as db:
            await _log(db, origin, status, article_id, detail)

    async def record_many(self, rows: Sequence[tuple[str, str, str | None]]) -> None:
        """Several (origin, status, detail) rows in one transaction."""
        if not rows:
            return
        now = to_iso(now_utc())
        async with self._db.transaction() as db:
            await db.executemany(
                "INSERT INTO ingest_log (at, origin, status, article_id, detail)"
                " VALUES (?, ?, ?, NULL, ?)",
                [(now, origin, status, detail) for origin, status, detail in rows],
            )

    async def counts(self) -> dict[str, int]:
        rows = await self._db.fetchall("SELECT status, COUNT(*) FROM ingest_log GROUP BY status")
        return dict(rows)

    async def last(self) -> IngestEntry | None:
        row = await self._db.fetchone(
            "SELECT at, origin, status FROM ingest_log ORDER BY id DESC LIMIT 1"
        )
        return IngestEntry(from_iso(row[0]), row[1], row[2]) if row else None


class SqliteFeeds:
    def __init__(self, db: SqliteDb) -> None:
        self._db = db

    async def add(self, url: str, added_by: str | None = None) -> tuple[Feed, bool]:
        """(feed, created): adding a URL twice returns the existing feed."""
        async with self._db.transaction() as db:
            cur = await db.execute(
                "INSERT OR IGNORE INTO feeds (url, added_at, added_by) VALUES (?, ?, ?)",
                (url, to_iso(now_utc()), added_by),
            )
            created = cur.rowcount > 0
        feed = await self.by_url(url)
        assert feed is not None
        return feed, created

    async def by_url(self, url: str) -> Feed | None:
        row = await self._db.fetchone(
            f"SELECT {columns(FEED_COLUMNS)} FROM feeds WHERE url = ?", (url,)
        )
        return feed_row(row) if row else None

    async def remove(self, url_or_id: str) -> bool:
        async with self._db.transaction() as db:
            cur = await db.execute(
                "DELETE FROM feeds WHERE url = ? OR CAST(id AS TEXT) = ?", (url_or_id, url_or_id)
            )
            return cur.rowcount > 0

    async def all(self) -> list[Feed]:
        rows = await self._db.fetchall(f"SELECT {columns(FEED_COLUMNS)} FROM feeds ORDER BY id")
        return [feed_row(r) for r in rows]

    async def record_poll(
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
        async with self._db.transaction() as db:
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

    async def record_problems(self, feed_id: int, problems: Sequence[str]) -> None:
        """Problems of a poll that still worked: errors_total and last_error, but not the
        failures-in-a-row counter that drives back-off."""
        if not problems:
            return
        now = to_iso(now_utc())
        async with self._db.transaction() as db:
            await db.execute(
                "UPDATE feeds SET last_error = ?, last_error_at = ?,"
                " errors_total = errors_total + ? WHERE id = ?",
                (problems[-1], now, len(problems), feed_id),
            )


class SqliteSeedFiles:
    def __init__(self, db: SqliteDb) -> None:
        self._db = db

    async def states(self) -> dict[str, FileState]:
        rows = await self._db.fetchall("SELECT path, mtime_ns, size FROM source_files")
        return {path: FileState(mtime, size) for path, mtime, size in rows}

    async def remember(self, path: str, mtime_ns: int, size: int) -> None:
        async with self._db.transaction() as db:
            await db.execute(
                "INSERT INTO source_files (path, mtime_ns, size, seen_at) VALUES (?, ?, ?, ?)"
                " ON CONFLICT(path) DO UPDATE SET mtime_ns = excluded.mtime_ns,"
                " size = excluded.size, seen_at = excluded.seen_at",
                (path, mtime_ns, size, to_iso(now_utc())),
            )

    async def forget(self, paths: Sequence[str]) -> None:
        async with self._db.transaction() as db:
            await db.executemany("DELETE FROM source_files WHERE path = ?", [(p,) for p in paths])


class SqliteSubscriptions:
    def __init__(self, db: SqliteDb) -> None:
        self._db = db

    async def subscribe(
        self, chat_id: int, *, chat_type: str | None, thread_id: int | None, topic: str | None,
        frequency: str | None = None,
    ) -> Subscription:
        """Create or update a chat's subscription; a new one starts after the newest entry."""
        now = to_iso(now_utc())
        async with self._db.transaction() as db:
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
        sub = await self.get(chat_id)
        assert sub is not None
        return sub

    async def unsubscribe(self, chat_id: int) -> bool:
        return await self._update("DELETE FROM subscriptions WHERE chat_id = ?", (chat_id,))

    async def get(self, chat_id: int) -> Subscription | None:
        row = await self._db.fetchone(
            f"SELECT {columns(SUBSCRIPTION_COLUMNS)} FROM subscriptions WHERE chat_id = ?",
            (chat_id,),
        )
        return subscription_row(row) if row else None

    async def list(self, *, active_only: bool = True) -> list[Subscription]:
        where = "WHERE paused = 0" if active_only else ""
        rows = await self._db.fetchall(
            f"SELECT {columns(SUBSCRIPTION_COLUMNS)} FROM subscriptions {where} ORDER BY id"
        )
        return [subscription_row(r) for r in rows]

    async def set_frequency(self, chat_id: int, frequency: str) -> bool:
        return await self._update(
            "UPDATE subscriptions SET frequency = ? WHERE chat_id = ?", (frequency, chat_id)
        )

    async def request_now(self, chat_id: int) -> bool:
        return await self._update(
            "UPDATE subscriptions SET force_due = 1 WHERE chat_id = ?", (chat_id,)
        )

    async def pause(self, subscription_id: int, reason: str) -> None:
        await self._update(
            "UPDATE subscriptions SET paused = 1, paused_reason = ? WHERE id = ?",
            (reason, subscription_id),
        )

    async def finish_digest(self, subscription_id: int) -> None:
        await self._update(
            "UPDATE subscriptions SET last_digest_at = ?, force_due = 0 WHERE id = ?",
            (to_iso(now_utc()), subscription_id),
        )

    async def counts(self) -> SubscriptionCounts:
        row = await self._db.fetchone(
            "SELECT COUNT(*), COALESCE(SUM(paused), 0) FROM subscriptions"
        )
        return SubscriptionCounts(row[0], row[1])

    async def last_digest_at(self) -> datetime | None:
        row = await self._db.fetchone("SELECT MAX(last_digest_at) FROM subscriptions")
        return from_iso(row[0]) if row else None

    async def _update(self, sql: str, params: Sequence[Any]) -> bool:
        async with self._db.transaction() as db:
            cur = await db.execute(sql, params)
            return cur.rowcount > 0


class SqliteDeliveries:
    def __init__(self, db: SqliteDb) -> None:
        self._db = db

    async def pending(self, sub: Subscription, limit: int = 200) -> list[Article]:
        """Entries added after the subscription started that it has not had (nor filtered)."""
        rows = await self._db.fetchall(
            f"SELECT {columns(ARTICLE_COLUMNS, 'a')}"
            " FROM articles a WHERE a.id > ? AND NOT EXISTS (SELECT 1 FROM deliveries d"
            " WHERE d.subscription_id = ? AND d.article_id = a.id AND d.state != 'sending')"
            " ORDER BY a.id LIMIT ?",
            (sub.after_article_id, sub.id, limit),
        )
        return [article_row(r) for r in rows]

    async def mark(
        self, subscription_id: int, article_ids: Sequence[int], state: str,
        message_id: int | None = None,
    ) -> None:
        """Record (subscription, entry) delivery states in one transaction."""
        now = to_iso(now_utc())
        async with self._db.transaction() as db:
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
        async with self._db.transaction() as db:
            await db.executemany(
                "DELETE FROM deliveries WHERE subscription_id = ? AND article_id = ?"
                " AND state = 'sending'",
                [(subscription_id, a) for a in article_ids],
            )

    async def interrupted(self) -> list[DeliveryKey]:
        """Deliveries left 'sending' by a process that died mid-send."""
        rows = await self._db.fetchall(
            "SELECT subscription_id, article_id FROM deliveries WHERE state = 'sending'"
        )
        return [DeliveryKey(*r) for r in rows]

    async def counts(self) -> dict[str, int]:
        rows = await self._db.fetchall("SELECT state, COUNT(*) FROM deliveries GROUP BY state")
        return dict(rows)


# Seconds since the epoch by SQLite's clock (julianday has sub-second precision everywhere;
# unixepoch('subsec') needs SQLite 3.42).
_SQLITE_NOW = "((julianday('now') - 2440587.5) * 86400.0)"


class SqliteLeases:
    def __init__(self, db: SqliteDb) -> None:
        self._db = db

    async def acquire(self, name: str, owner: str, seconds: float) -> bool:
        async with self._db.transaction() as db:
            cur = await db.execute(
                f"INSERT INTO leases (name, owner, until) VALUES (?, ?, {_SQLITE_NOW} + ?)"
                " ON CONFLICT(name) DO UPDATE SET owner = excluded.owner, until = excluded.until"
                f" WHERE leases.until < {_SQLITE_NOW} OR leases.owner = excluded.owner",
                (name, owner, seconds),
            )
            return cur.rowcount > 0

    async def release(self, name: str, owner: str) -> None:
        async with self._db.transaction() as db:
            await db.execute("DELETE FROM leases WHERE name = ? AND owner = ?", (name, owner))

    async def holder(self, name: str) -> str | None:
        row = await self._db.fetchone(
            f"SELECT owner FROM leases WHERE name = ? AND until >= {_SQLITE_NOW}", (name,)
        )
        return row[0] if row else None


async def _story_spans(
    db: aiosqlite.Connection, story_ids: set[int]
) -> dict[int, tuple[datetime | None, datetime | None]]:
    """(first, last) publication of each story's reports (parsed: offsets may differ)."""
    if not story_ids:
        return {}
    async with db.execute(
        "SELECT m.story_id, a.published FROM story_members m JOIN articles a"
        f" ON a.id = m.article_id WHERE m.story_id IN ({_marks(len(story_ids))})",
        list(story_ids),
    ) as cur:
        rows = await cur.fetchall()
    return story_spans((story, from_iso(published)) for story, published in rows)


async def _frequencies(db: aiosqlite.Connection, terms: set[str]) -> dict[str, int]:
    """story_terms' counts of `terms` (those counted; asked in chunks under SQLite's limit)."""
    found: dict[str, int] = {}
    ordered = sorted(terms)
    for at in range(0, len(ordered), 500):
        chunk = ordered[at : at + 500]
        async with db.execute(
            f"SELECT term, df FROM story_terms WHERE term IN ({_marks(len(chunk))})", chunk
        ) as cur:
            found.update({r[0]: r[1] for r in await cur.fetchall()})
    return found


async def _story_heads(
    db: aiosqlite.Connection, story_ids: set[int]
) -> dict[int, tuple[int, StoryWords | None]]:
    """Each story's first report and its words (identity.story_heads)."""
    if not story_ids:
        return {}
    async with db.execute(
        "SELECT m.story_id, m.article_id, a.published, m.title_terms, m.terms"
        " FROM story_members m JOIN articles a ON a.id = m.article_id"
        f" WHERE m.story_id IN ({_marks(len(story_ids))})", list(story_ids),
    ) as cur:
        rows = await cur.fetchall()
    return story_heads((r[0], r[1], from_iso(r[2]), r[3], r[4]) for r in rows)


class SqliteStories:
    def __init__(self, db: SqliteDb) -> None:
        self._db = db

    async def join(
        self, article_id: int, *, signature: bytes, bands: Sequence[int],
        choose: Callable[[list[StoryCandidate]], Iterable[int]],
        words: StoryWords | None = None, rare_share: float = 0.02, window_days: int = 3,
    ) -> int:
        bands = list(dict.fromkeys(bands))
        # BEGIN IMMEDIATE: one writer at a time across processes, so a join always sees the
        # joins committed before it
        async with self._db.transaction() as db:
            async with db.execute(
                "SELECT m.article_id, m.story_id, m.signature, a.published"
                " FROM story_members m JOIN articles a ON a.id = m.article_id"
                " WHERE m.article_id IN (SELECT article_id FROM story_bands"
                f" WHERE hash IN ({_marks(len(bands))})) AND m.article_id != ?",
                [*bands, article_id],
            ) as cur:
                rows = [tuple(r) for r in await cur.fetchall()]
            async with db.execute(
                "SELECT story_id, title_terms, terms FROM story_members WHERE article_id = ?",
                (article_id,),
            ) as cur:
                own = await cur.fetchone()
            current = own[0] if own else None
            titled: dict[int, StoryWords | None] = {}
            heads: dict[int, tuple[int, StoryWords | None]] = {}
            freq = None
            # counted inside this transaction, so an article's words count once however often
            # it joins (an edit counts its new words instead of its old ones)
            up, down = df_changes(stored_words(own[1], own[2]) if own else None, words)
            await db.executemany(
                "INSERT INTO story_terms (term, df) VALUES (?, 1)"
                " ON CONFLICT (term) DO UPDATE SET df = df + 1", [(t,) for t in up])
            await db.executemany(
                "UPDATE story_terms SET df = df - 1 WHERE term = ?", [(t,) for t in down])
            if words is not None:
                df = await _frequencies(db, {*words.words, ARTICLES_ROW})
                n = df.get(ARTICLES_ROW, 0)
                rare = rare_title_terms(words, df, n, rare_share)
                if rare and words.day is not None:
                    async with db.execute(
                        "SELECT m.article_id, m.story_id, m.signature, a.published,"
                        " m.title_terms, m.terms FROM story_members m"
                        " JOIN articles a ON a.id = m.article_id WHERE m.article_id IN"
                        " (SELECT article_id FROM story_titles"
                        f" WHERE term IN ({_marks(len(rare))}) AND day BETWEEN ? AND ?)"
                        " AND m.article_id != ?",
                        [*rare, words.day - window_days, words.day + window_days, article_id],
                    ) as cur:
                        found = await cur.fetchall()
                    titled = {r[0]: stored_words(r[4], r[5]) for r in found}
                    known = {r[0] for r in rows}
                    rows += [tuple(r[:4]) for r in found if r[0] not in known]
                heads = await _story_heads(db, {r[1] for r in rows if r[0] in titled})
                asked = {t for w in [*titled.values(), *(h for _, h in heads.values())]
                         if w is not None for t in w.words} - df.keys()
                df |= await _frequencies(db, asked)
                freq = TermFrequency(n, df)
            spans = await _story_spans(db, {r[1] for r in rows})
            joined = set(choose(story_candidates(rows, titled, heads, spans, freq)))
            story = merged_story(article_id, current, joined)
            others = [s for s in {*joined, current} if s is not None and s != story]
            if others:
                await db.execute(
                    "UPDATE story_members SET story_id = ?"
                    f" WHERE story_id IN ({_marks(len(others))})", [story, *others],
                )
            title_terms, terms = words_columns(words)
            await db.execute(
                "INSERT INTO story_members (article_id, story_id, signature, title_terms, terms)"
                " VALUES (?, ?, ?, ?, ?)"
                " ON CONFLICT (article_id) DO UPDATE SET story_id = excluded.story_id,"
                " signature = excluded.signature, title_terms = excluded.title_terms,"
                " terms = excluded.terms",
                (article_id, story, signature, title_terms, terms),
            )
            await db.execute("DELETE FROM story_bands WHERE article_id = ?", (article_id,))
            await db.executemany(
                "INSERT INTO story_bands (hash, article_id) VALUES (?, ?)",
                [(h, article_id) for h in bands],
            )
            await db.execute("DELETE FROM story_titles WHERE article_id = ?", (article_id,))
            if words is not None and words.day is not None:
                await db.executemany(
                    "INSERT INTO story_titles (term, day, article_id) VALUES (?, ?, ?)",
                    [(t, words.day, article_id) for t in sorted(set(words.title))],
                )
            return story

    async def story_ids(self, article_ids: Sequence[int]) -> dict[int, int]:
        if not article_ids:
            return {}
        rows = await self._db.fetchall(
            "SELECT article_id, story_id FROM story_members"
            f" WHERE article_id IN ({_marks(len(article_ids))})", list(article_ids),
        )
        return dict(rows)

    async def members(self, story_ids: Sequence[int]) -> dict[int, list[StoryMember]]:
        if not story_ids:
            return {}
        rows = await self._db.fetchall(
            f"SELECT {', '.join(STORY_MEMBER_COLUMNS)} FROM story_members s"
            " JOIN articles a ON a.id = s.article_id"
            f" WHERE s.story_id IN ({_marks(len(story_ids))})", list(story_ids),
        )
        return stories_in_time_order(rows)

    async def reports_of(self, article_ids: Sequence[int]) -> dict[int, list[StoryMember]]:
        if not article_ids:
            return {}
        rows = await self._db.read(
            f"SELECT asked.article_id, {', '.join(STORY_MEMBER_COLUMNS)}"
            " FROM story_members asked JOIN story_members s ON s.story_id = asked.story_id"
            " JOIN articles a ON a.id = s.article_id"
            f" WHERE asked.article_id IN ({_marks(len(article_ids))})", list(article_ids),
        )
        return stories_in_time_order(rows, keyed=True)

    async def ungrouped(self, limit: int = 500, after: int = 0) -> list[int]:
        rows = await self._db.fetchall(
            "SELECT a.id FROM articles a LEFT JOIN story_members s ON s.article_id = a.id"
            " WHERE (s.article_id IS NULL OR s.terms = '') AND a.id > ? ORDER BY a.id LIMIT ?",
            (after, limit),
        )
        return [r[0] for r in rows]

    async def words_of(self, article_ids: Sequence[int]) -> dict[int, StoryWords]:
        found: dict[int, StoryWords] = {}
        ordered = sorted(set(article_ids))
        for at in range(0, len(ordered), 500):
            chunk = ordered[at : at + 500]
            rows = await self._db.fetchall(
                "SELECT article_id, title_terms, terms FROM story_members"
                f" WHERE article_id IN ({_marks(len(chunk))})", chunk,
            )
            found.update({r[0]: w for r in rows if (w := stored_words(r[1], r[2]))})
        return found

    async def sizes(self) -> list[int]:
        rows = await self._db.fetchall(
            "SELECT COUNT(*) FROM story_members GROUP BY story_id ORDER BY story_id"
        )
        return [r[0] for r in rows]


class SqliteFeedback:
    def __init__(self, db: SqliteDb) -> None:
        self._db = db

    async def vote(
        self, *, chat_id: int, message_id: int, user_id: int, vote: int, question: str,
        passage_ids: Sequence[int], analyzer: str,
    ) -> None:
        async with self._db.transaction() as db:
            await db.execute(
                f"INSERT INTO feedback ({columns(VOTE_COLUMNS)}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (chat_id, message_id, user_id) DO UPDATE SET vote = excluded.vote,"
                " at = excluded.at",
                (chat_id, message_id, user_id, vote, question,
                 ids_text(passage_ids), analyzer, to_iso(now_utc())),
            )

    async def counts(self) -> VoteCounts:
        row = await self._db.fetchone(
            "SELECT COALESCE(SUM(vote = 1), 0), COALESCE(SUM(vote = -1), 0) FROM feedback"
        )
        return VoteCounts(row[0], row[1])

    async def votes(self, *, vote: int | None = None, limit: int = 1000) -> list[Vote]:
        where = "WHERE vote = ?" if vote is not None else ""
        params = (vote, limit) if vote is not None else (limit,)
        rows = await self._db.fetchall(
            f"SELECT {columns(VOTE_COLUMNS)} FROM feedback {where} ORDER BY at DESC LIMIT ?",
            params,
        )
        return [vote_row(r) for r in rows]


class SqliteLimits:
    def __init__(self, db: SqliteDb) -> None:
        self._db = db

    async def count(self, key: str, window_seconds: int) -> int:
        sql = (
            "INSERT INTO rate_counters (key, window, count)"
            f" VALUES (?, CAST({_SQLITE_NOW} / ? AS INTEGER), 1)"
            " ON CONFLICT(key) DO UPDATE SET count = CASE WHEN rate_counters.window ="
            " excluded.window THEN rate_counters.count + 1 ELSE 1 END,"
            " window = excluded.window RETURNING count"
        )
        async with self._db.transaction() as db, db.execute(sql, (key, window_seconds)) as cur:
            row = await cur.fetchone()
        return row[0]


class SqliteConversations:
    def __init__(self, db: SqliteDb) -> None:
        self._db = db

    async def remember(self, chat_id: int, article_ids: Sequence[int]) -> None:
        async with self._db.transaction() as db:
            await db.execute(
                "INSERT INTO conversations (chat_id, articles, at)"
                f" VALUES (?, ?, {_SQLITE_NOW}) ON CONFLICT(chat_id) DO UPDATE SET"
                " articles = excluded.articles, at = excluded.at",
                (chat_id, ids_text(article_ids)),
            )

    async def recall(self, chat_id: int, within_seconds: float) -> tuple[int, ...]:
        # on the read-only connection: a question must not wait for an ingest's transaction
        rows = await self._db.read(
            f"SELECT articles FROM conversations WHERE chat_id = ? AND at > {_SQLITE_NOW} - ?",
            (chat_id, within_seconds),
        )
        return text_ids(rows[0][0]) if rows else ()


class SqliteSchema:
    def __init__(self, db: SqliteDb) -> None:
        self._db = db

    async def claim_analyzer(self, version: str) -> bool:
        async with self._db.transaction() as db:
            await db.execute(
                f"INSERT OR IGNORE INTO meta (key, value) VALUES (?, {_SQLITE_NOW})",
                (f"analyzer:{version}",),
            )
            async with db.execute(
                "SELECT key FROM meta WHERE key LIKE 'analyzer:%'"
                " ORDER BY CAST(value AS REAL) DESC, key DESC LIMIT 1"
            ) as cur:
                newest = await cur.fetchone()
        return newest[0] == f"analyzer:{version}"

    async def applied(self) -> list[str]:
        rows = await self._db.fetchall("SELECT name FROM schema_migrations ORDER BY 1")
        return [r[0] for r in rows]

    async def identity(self) -> tuple[str, str]:
        rows = dict(await self._db.fetchall(
            "SELECT key, value FROM meta WHERE key IN (?, ?)", (STORE_ID, STORE_TOKENS)
        ))
        return rows[STORE_ID], rows.get(STORE_TOKENS, "")


async def _wal(conn: aiosqlite.Connection, attempts: int = 100) -> None:
    """Put the file in WAL mode (once: the mode is kept in the file). Switching needs the file
    to itself, and SQLite answers «database is locked» at once, without its busy timeout, while
    another connection — a replica opening the same new file — holds it: wait and ask again."""
    for attempt in range(attempts):
        try:
            async with conn.execute("PRAGMA journal_mode") as cur:
                if (await cur.fetchone())[0].lower() == "wal":
                    return
            await conn.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as err:
            if "locked" not in str(err) or attempt == attempts - 1:
                raise
            await asyncio.sleep(min(0.01 * (attempt + 1), 0.2))


async def _open_reader(path: Path) -> aiosqlite.Connection:
    """The read-only second connection (see SqliteDb)."""
    reader = await aiosqlite.connect(path, isolation_level=None)
    try:
        await reader.execute("PRAGMA busy_timeout=10000")
        await reader.execute("PRAGMA query_only=ON")
    except BaseException:
        await reader.close()
        raise
    return reader


async def open_sqlite(path: str | Path) -> SqliteDb:
    """Open (creating it and its folder if need be) the SQLite file at `path`, migrated.
    Raises StoreUnavailable when the file cannot be created, opened or written there."""
    path = Path(path)
    try:
        if str(path) != ":memory:":
            path.parent.mkdir(parents=True, exist_ok=True)
        conn = await aiosqlite.connect(path, isolation_level=None)
    except (OSError, sqlite3.OperationalError) as err:
        if isinstance(err, sqlite3.OperationalError) and not _cannot_write(err):
            raise
        raise StoreUnavailable(path, _unwritable_reason(path, err)) from err
    db = SqliteDb(conn, path)
    try:
        # Another process may hold the write lock for a moment (an ingest while the bot runs, a
        # replica opening the same new file): wait for it, from the very first statement.
        await conn.execute("PRAGMA busy_timeout=10000")
        await _wal(conn)
        await conn.execute("PRAGMA foreign_keys=ON")
        await conn.execute("PRAGMA synchronous=NORMAL")
        await db.migrate()
        if str(path) != ":memory:":
            db.reader = await _open_reader(path)
    except BaseException as err:
        if db.reader is not None:
            await db.reader.close()
        await conn.close()
        if isinstance(err, sqlite3.OperationalError) and _cannot_write(err):
            raise StoreUnavailable(path, _unwritable_reason(path, err)) from err
        raise
    return db
