"""The store: the single source of truth for articles, passages, feeds, subscriptions and
digest deliveries. Everything else (the BM25 index) is derived from it.

`Store` bundles one implementation of each concern (index.store.protocols): ``store.articles``,
``store.log``, ``store.feeds``, ``store.seeds``, ``store.subscriptions``,
``store.deliveries``, ``store.stories``, ``store.schema``, ``store.leases``, ``store.limits``,
``store.feedback``, ``store.conversations``. `Store.open` picks the database from its
target: a file path is SQLite (index.store.sqlite, the embedded default); a
``postgresql://`` URL is PostgreSQL (index.store.postgres), for several processes on several
machines.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from index.store.identity import Decision, Earlier, same_story
from index.store.protocols import (
    Articles,
    Conversations,
    Deliveries,
    Feedback,
    Feeds,
    IngestLog,
    Leases,
    Limits,
    Schema,
    SeedFiles,
    Stories,
    Subscriptions,
)
from index.store.rows import (
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
    from_iso,
    now_utc,
    to_iso,
)
from index.store.sqlite import MIGRATIONS, StoreUnavailable

__all__ = [
    "MIGRATIONS",
    "ArticleMatch",
    "Articles",
    "Changes",
    "Conversations",
    "Decision",
    "Deliveries",
    "DeliveryKey",
    "Earlier",
    "Feed",
    "Feedback",
    "Feeds",
    "FileState",
    "IndexEvent",
    "IngestEntry",
    "IngestLog",
    "IngestOutcome",
    "Leases",
    "Limits",
    "PassageContext",
    "PassageTerms",
    "Reanalysed",
    "Schema",
    "SeedFiles",
    "StalePassage",
    "Store",
    "StoreUnavailable",
    "StoredPassage",
    "Stories",
    "StoryCandidate",
    "StoryMember",
    "StoryWords",
    "Subscription",
    "SubscriptionCounts",
    "Subscriptions",
    "Summary",
    "TermFrequency",
    "Vote",
    "VoteCounts",
    "from_iso",
    "is_postgres_url",
    "now_utc",
    "redacted_url",
    "same_story",
    "to_iso",
]


def is_postgres_url(target: str | Path) -> bool:
    return str(target).startswith(("postgresql://", "postgres://"))


def redacted_url(url: str) -> str:
    """The URL without its password, for logs and messages."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return urlunsplit(parts._replace(netloc=netloc))


@dataclass(eq=False)
class Store:
    """One open database, by concern. ``async with await Store.open(target) as store``."""

    articles: Articles
    log: IngestLog
    feeds: Feeds
    seeds: SeedFiles
    subscriptions: Subscriptions
    deliveries: Deliveries
    stories: Stories
    schema: Schema
    leases: Leases
    limits: Limits
    feedback: Feedback
    conversations: Conversations
    target: str  # the file path or the URL without its password, for messages
    kind: str  # "sqlite" | "postgresql"
    _close: Callable[[], Awaitable[None]] = field(repr=False)
    # the descriptors `prewarm` read through: closed only after the database connections are
    # (index.store.prewarm.open_held says why)
    _held: list[int] = field(default_factory=list, repr=False)

    @classmethod
    async def open(cls, target: str | Path) -> Store:
        """The SQLite file at a path (created with its folder), or the PostgreSQL database
        at a ``postgresql://`` URL; migrated either way."""
        if is_postgres_url(target):
            from index.store import postgres

            try:
                pg = await postgres.open_postgres(str(target))
            except (OSError, postgres.asyncpg.PostgresError,
                    postgres.asyncpg.InterfaceError) as err:
                # unreachable, refused, no such database or role, wrong password: one line
                reason = " ".join(str(err).split()) or type(err).__name__
                raise StoreUnavailable(redacted_url(str(target)), reason) from err
            return cls(
                articles=postgres.PgArticles(pg),
                log=postgres.PgIngestLog(pg),
                feeds=postgres.PgFeeds(pg),
                seeds=postgres.PgSeedFiles(pg),
                subscriptions=postgres.PgSubscriptions(pg),
                deliveries=postgres.PgDeliveries(pg),
                stories=postgres.PgStories(pg),
                schema=postgres.PgSchema(pg),
                leases=postgres.PgLeases(pg),
                limits=postgres.PgLimits(pg),
                feedback=postgres.PgFeedback(pg),
                conversations=postgres.PgConversations(pg),
                target=redacted_url(str(target)),
                kind="postgresql",
                _close=pg.close,
            )
        from index.store import sqlite

        db = await sqlite.open_sqlite(target)
        return cls(
            articles=sqlite.SqliteArticles(db),
            log=sqlite.SqliteIngestLog(db),
            feeds=sqlite.SqliteFeeds(db),
            seeds=sqlite.SqliteSeedFiles(db),
            subscriptions=sqlite.SqliteSubscriptions(db),
            deliveries=sqlite.SqliteDeliveries(db),
            stories=sqlite.SqliteStories(db),
            schema=sqlite.SqliteSchema(db),
            leases=sqlite.SqliteLeases(db),
            limits=sqlite.SqliteLimits(db),
            feedback=sqlite.SqliteFeedback(db),
            conversations=sqlite.SqliteConversations(db),
            target=str(db.path),
            kind="sqlite",
            _close=db.close,
        )

    @property
    def files(self) -> tuple[Path, ...]:
        """What `prewarm` reads into the OS cache: the SQLite file (PostgreSQL keeps its own
        buffers, which pg_prewarm fills on the server; an in-memory store has no file)."""
        if self.kind != "sqlite" or self.target == ":memory:":
            return ()
        return (Path(self.target),)

    async def prewarm(self, limit_mb: int) -> int:
        """Read the store's file into the OS page cache, in the background thread, up to
        `limit_mb` (and a share of the memory available; index.store.prewarm); the bytes
        read. The bot starts it after opening the store, not waiting for it."""
        from index import workers
        from index.store import prewarm

        if not self.files or limit_mb <= 0:
            return 0
        limit = prewarm.budget(limit_mb, prewarm.available_bytes())
        fds = [fd for fd in map(prewarm.open_held, self.files) if fd is not None]
        self._held.extend(fds)
        return await workers.in_background(prewarm.read_into_cache, fds, limit)

    async def close(self) -> None:
        await self._close()
        # after the connections: closing a descriptor of the file drops every lock this
        # process holds on it (index.store.prewarm.open_held)
        held, self._held = self._held, []
        for fd in held:
            with contextlib.suppress(OSError):
                os.close(fd)

    async def __aenter__(self) -> Store:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()
