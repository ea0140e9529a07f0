"""Typed rows the store hands out, and the time helpers both databases share.

Times are stored as ISO 8601 text on both SQLite and PostgreSQL, each keeping the offset it was
written with: a story published at 00:30 in Damascus stays dated that day (a timestamptz would
keep only the instant, and its day would be the UTC one).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from index.models import Article

ARTICLE_COLUMNS = ("id", "title", "text", "source", "url", "published", "language", "added_at")
# The article columns a passage's context leaves unread when its text is not wanted (blank):
# the text, and added_at, which SQLite stores after it — reaching it walks the text's overflow
# pages, and that walk was three quarters of answer()'s reads on a cold cache at 1M passages
# (0.61 → 0.15 ms a question; p95 5.9 → 3.1 ms).
WITHOUT_TEXT = ("text", "added_at")
FEED_COLUMNS = (
    "id", "url", "title", "etag", "last_modified", "last_success_at", "last_error",
    "last_error_at", "failures", "next_poll_at", "entries_new", "entries_updated",
    "entries_skipped", "errors_total",
)  # fmt: skip
# The meta key of the database's identity, a random id written once by migration 0007: what
# a snapshot of the index (index.snapshot) names as the database it reflects.
STORE_ID = "store:id"
# A random mark rewritten whenever passages are re-tokenized in place (no change-log event says
# so): a snapshot of the index taken before then is stale.
STORE_TOKENS = "store:tokens"
SUBSCRIPTION_COLUMNS = (
    "id", "chat_id", "chat_type", "thread_id", "topic", "frequency", "paused", "paused_reason",
    "after_article_id", "created_at", "last_digest_at", "force_due",
)  # fmt: skip


def columns(
    names: Sequence[str], table: str | None = None, blank: Sequence[str] = ()
) -> str:
    """«a.id, a.title, …» for a SELECT list; the `blank` ones read as '' (not fetched)."""
    return ", ".join(
        "''" if n in blank else f"{table}.{n}" if table else n for n in names
    )


def now_utc() -> datetime:
    return datetime.now(UTC)


def to_iso(value: datetime | None) -> str | None:
    """ISO 8601 text keeping the value's own UTC offset (naive means UTC)."""
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.isoformat(timespec="seconds")


def from_iso(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


@dataclass(frozen=True, slots=True)
class StoredPassage:
    """What the index needs of a passage."""

    id: int
    article_id: int
    tokens: str


@dataclass(frozen=True, slots=True)
class PassageTerms:
    """Where a stored passage is in its article, its terms, and where its words stand
    (index.positions): what quoting it needs besides the text."""

    start: int
    end: int
    tokens: str
    positions: str


@dataclass(frozen=True, slots=True)
class Reanalysed:
    """A passage's terms and positions from the current analyzer (retokenize)."""

    id: int
    tokens: str
    positions: str = ""


@dataclass(frozen=True, slots=True)
class StalePassage:
    """A passage analysed by another analyzer version: re-analyse article text[start:end]."""

    id: int
    article_id: int
    start: int
    end: int


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
class ArticleMatch:
    """The stored article an incoming one would replace (same guid, else same link)."""

    id: int
    feed_id: int | None
    guid: str | None


@dataclass(frozen=True, slots=True)
class Summary:
    """Counts and the published-date range, for /start, /status and /stats."""

    articles: int
    passages: int
    first_published: datetime | None
    last_published: datetime | None
    max_article_id: int


@dataclass(frozen=True, slots=True)
class IndexEvent:
    """One change to an article's passages, in commit order (seq)."""

    seq: int
    article_id: int


@dataclass(frozen=True, slots=True)
class Changes:
    """The change-log events past a cursor, and the cursor to ask from next time."""

    events: list[IndexEvent]
    cursor: int


@dataclass(frozen=True, slots=True)
class IngestEntry:
    at: datetime
    origin: str
    status: str


@dataclass(frozen=True, slots=True)
class FileState:
    """A seeds-folder file as it was when last read."""

    mtime_ns: int
    size: int


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
class SubscriptionCounts:
    subscriptions: int
    paused: int


@dataclass(frozen=True, slots=True)
class DeliveryKey:
    subscription_id: int
    article_id: int


@dataclass(frozen=True, slots=True)
class Vote:
    """A reader's 👍 (+1) or 👎 (-1) on one answer message, with what it answered."""

    chat_id: int
    message_id: int
    user_id: int
    vote: int
    question: str
    passage_ids: tuple[int, ...]
    analyzer: str
    at: datetime


@dataclass(frozen=True, slots=True)
class VoteCounts:
    up: int
    down: int

    @property
    def rate(self) -> float | None:
        """Share of 👍 among votes; None before the first."""
        total = self.up + self.down
        return self.up / total if total else None


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


def terms_by_article(rows: Iterable[Sequence[Any]]) -> dict[int, list[PassageTerms]]:
    """Rows of (article_id, start, end, tokens, positions), ordered by article and start, as
    each article's PassageTerms (Articles.terms_of on either store)."""
    found: dict[int, list[PassageTerms]] = {}
    for r in rows:
        found.setdefault(r[0], []).append(PassageTerms(*r[1:]))
    return found


def article_row(row: Sequence[Any]) -> Article:
    """An Article from ARTICLE_COLUMNS, in that order."""
    return Article(
        id=row[0],
        title=row[1],
        text=row[2],
        source=row[3],
        url=row[4],
        published=from_iso(row[5]),
        language=row[6],
        added_at=from_iso(row[7]),
    )


def feed_row(row: Sequence[Any]) -> Feed:
    """A Feed from FEED_COLUMNS, in that order."""
    values = dict(zip(FEED_COLUMNS, row, strict=True))
    for name in ("last_success_at", "last_error_at", "next_poll_at"):
        values[name] = from_iso(values[name])
    return Feed(**values)


VOTE_COLUMNS = (
    "chat_id", "message_id", "user_id", "vote", "question", "passage_ids", "analyzer", "at",
)  # fmt: skip


def ids_text(ids: Iterable[int]) -> str:
    """Ids as stored in one text column: «12 7 40»."""
    return " ".join(str(int(i)) for i in ids)


def text_ids(text: str | None) -> tuple[int, ...]:
    return tuple(int(i) for i in (text or "").split())


def vote_row(row: Sequence[Any]) -> Vote:
    """A Vote from VOTE_COLUMNS, in that order (passage ids stored space-separated)."""
    values = dict(zip(VOTE_COLUMNS, row, strict=True))
    values["passage_ids"] = text_ids(values["passage_ids"])
    values["at"] = from_iso(values["at"]) or now_utc()
    return Vote(**values)


def subscription_row(row: Sequence[Any]) -> Subscription:
    """A Subscription from SUBSCRIPTION_COLUMNS, in that order."""
    values = dict(zip(SUBSCRIPTION_COLUMNS, row, strict=True))
    values["paused"] = bool(values["paused"])
    values["force_due"] = bool(values["force_due"])
    values["created_at"] = from_iso(values["created_at"]) or now_utc()
    values["last_digest_at"] = from_iso(values["last_digest_at"])
    return Subscription(**values)


@dataclass(frozen=True, slots=True)
class StoryWords:
    """What an article brings to the second story signal (index.stories): its analysed title's
    words, every word of its title and lead, and its day (a date's ordinal; None undated)."""

    title: tuple[str, ...]
    words: frozenset[str]
    day: int | None


@dataclass(frozen=True, slots=True)
class TermFrequency:
    """Document frequencies as one story join read them: `n` articles with words in the story
    index, and `df[word]` of them holding the word in their title or lead (words not asked for
    are absent)."""

    n: int
    df: dict[str, int]


@dataclass(frozen=True, slots=True)
class StoryCandidate:
    """A stored article that shares a band hash with an incoming one, or a rare title word
    (index.stories)."""

    article_id: int
    story_id: int
    signature: bytes
    published: datetime | None
    # when the candidate's story was first and last reported (its span, as it stands)
    story_first: datetime | None
    story_last: datetime | None
    # Found by a rare title word (the second signal), with its words, its story's first report's
    # words, and the document frequencies of all of them and of the incoming article's words.
    words: StoryWords | None = None
    head: StoryWords | None = None
    head_id: int | None = None
    freq: TermFrequency | None = None


@dataclass(frozen=True, slots=True)
class StoryMember:
    """One report of a story: what /story, timelines and answers show of it."""

    story_id: int
    article_id: int
    title: str
    source: str | None
    published: datetime | None
    url: str | None


STORY_MEMBER_COLUMNS = ("s.story_id", "a.id", "a.title", "a.source", "a.published", "a.url")


def story_member_row(row: Sequence[Any]) -> StoryMember:
    """A StoryMember from STORY_MEMBER_COLUMNS, in that order."""
    return StoryMember(row[0], row[1], row[2], row[3], from_iso(row[4]), row[5])


def stories_in_time_order(
    rows: Sequence[Sequence[Any]], *, keyed: bool = False
) -> dict[int, list[StoryMember]]:
    """Rows of STORY_MEMBER_COLUMNS as each story's reports, oldest first (undated ones
    last), ties by arrival: by story id, or with `keyed` by each row's first column (rows
    that carry it before the member's columns)."""
    out: dict[int, list[StoryMember]] = {}
    for row in rows:
        member = story_member_row(row[1:] if keyed else row)
        out.setdefault(row[0] if keyed else member.story_id, []).append(member)
    return {
        story: sorted(members, key=lambda m: (
            m.published is None, m.published.timestamp() if m.published else 0.0, m.article_id))
        for story, members in out.items()
    }
