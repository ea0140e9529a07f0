"""The store, split by concern: what the rest of naba may ask of it, as typed protocols. The
SQLite (index.store.sqlite) and PostgreSQL (index.store.postgres) stores both satisfy them,
and one contract suite (tests/test_store.py) holds them to it."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date, datetime
from typing import Protocol

from index.models import Article, ArticleIn, PassageIn
from index.store.rows import (
    ArticleMatch,
    Changes,
    DeliveryKey,
    Feed,
    FileState,
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
    Vote,
    VoteCounts,
)


class Articles(Protocol):
    """Articles, their passages, and the change log the in-memory index replays."""

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
        """Store one article and its passages in one transaction, deduplicated
        (index.store.identity decides), with a change-log event and an ingest-log row."""
        ...

    async def match(self, guid: str | None, url_canonical: str | None) -> ArticleMatch | None: ...
    async def get(self, article_id: int) -> Article | None: ...
    async def newest(
        self, *, limit: int = 20, offset: int = 0, after_id: int | None = None
    ) -> list[Article]: ...
    async def summary(self) -> Summary: ...
    async def all_passages(self) -> list[StoredPassage]: ...
    async def passages_of(self, article_id: int) -> list[StoredPassage]: ...
    async def published_day(self, guid: str) -> date | None: ...
    async def titles(self, article_ids: Sequence[int] | None = None) -> dict[int, str]: ...
    async def stale_passages(self, analyzer: str) -> list[StalePassage]: ...
    async def retokenize(self, rows: Sequence[Reanalysed], analyzer: str) -> None: ...
    async def passage_contexts(
        self, passage_ids: Sequence[int], *, text: bool = True
    ) -> dict[int, PassageContext]:
        """Passages with their articles; without `text`, each article's text is "" and its
        added_at None (deciding needs the tokens and the attribution; only the passages shown
        are quoted)."""
        ...
    async def terms_of(self, article_ids: Sequence[int]) -> dict[int, list[PassageTerms]]:
        """Each article's passages by start, with where their words stand: what quoting
        needs besides the text (index.positions)."""
        ...
    async def last_event_seq(self) -> int: ...
    async def change_cursor(self) -> int:
        """A cursor taken before reading passages: changes_since(it) returns every change the
        read may have missed (some twice, which replays harmlessly), none lost."""
        ...

    async def changes_since(self, cursor: int) -> Changes: ...
    async def on_change(self, wake: Callable[[], None]) -> None:
        """Call `wake` soon after another process commits a change (PostgreSQL: LISTEN/NOTIFY),
        so a replica refreshes at once instead of at its next poll; a store that cannot tell
        does nothing, and polling (NABA_REFRESH_SECONDS) still finds every change. Only a
        wake-up: changes_since decides what changed."""
        ...


class IngestLog(Protocol):
    """One row per ingest outcome (new, updated, duplicate, skipped, failed, warning)."""

    async def record(
        self, origin: str, status: str, detail: str | None = None, article_id: int | None = None
    ) -> None: ...
    async def record_many(self, rows: Sequence[tuple[str, str, str | None]]) -> None: ...
    async def counts(self) -> Mapping[str, int]: ...
    async def last(self) -> IngestEntry | None: ...


class Feeds(Protocol):
    """RSS/Atom feeds polled on a schedule, with their validators and health."""

    async def add(self, url: str, added_by: str | None = None) -> tuple[Feed, bool]: ...
    async def by_url(self, url: str) -> Feed | None: ...
    async def remove(self, url_or_id: str) -> bool: ...
    async def all(self) -> list[Feed]: ...
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
    ) -> None: ...
    async def record_problems(self, feed_id: int, problems: Sequence[str]) -> None: ...


class SeedFiles(Protocol):
    """What the seeds-folder rescan has read, so it reads only new and changed files."""

    async def states(self) -> dict[str, FileState]: ...
    async def remember(self, path: str, mtime_ns: int, size: int) -> None: ...
    async def forget(self, paths: Sequence[str]) -> None: ...


class Subscriptions(Protocol):
    """Chats subscribed to digests of new entries."""

    async def subscribe(
        self, chat_id: int, *, chat_type: str | None, thread_id: int | None,
        topic: str | None, frequency: str | None = None,
    ) -> Subscription: ...
    async def unsubscribe(self, chat_id: int) -> bool: ...
    async def get(self, chat_id: int) -> Subscription | None: ...
    async def list(self, *, active_only: bool = True) -> list[Subscription]: ...
    async def set_frequency(self, chat_id: int, frequency: str) -> bool: ...
    async def request_now(self, chat_id: int) -> bool: ...
    async def pause(self, subscription_id: int, reason: str) -> None: ...
    async def finish_digest(self, subscription_id: int) -> None: ...
    async def counts(self) -> SubscriptionCounts: ...
    async def last_digest_at(self) -> datetime | None: ...


class Deliveries(Protocol):
    """Exactly-once digests: one row per (subscription, entry), 'sending' before the Bot API
    call and 'sent' after it."""

    async def pending(self, sub: Subscription, limit: int = 200) -> list[Article]: ...
    async def mark(
        self, subscription_id: int, article_ids: Sequence[int], state: str,
        message_id: int | None = None,
    ) -> None: ...
    async def clear_sending(self, subscription_id: int, article_ids: Sequence[int]) -> None: ...
    async def interrupted(self) -> list[DeliveryKey]: ...
    async def counts(self) -> Mapping[str, int]: ...


class Stories(Protocol):
    """Which articles report the same event (index.stories): each article's MinHash signature
    and LSH band hashes, and the story it belongs to. A story is numbered by an article id."""

    async def join(
        self, article_id: int, *, signature: bytes, bands: Sequence[int],
        choose: Callable[[list[StoryCandidate]], Iterable[int]],
        words: StoryWords | None = None, rare_share: float = 0.02, window_days: int = 3,
    ) -> int:
        """Record the article's signature and band hashes and put it in a story, in one
        transaction no other join runs beside (two processes ingesting two copies at once end
        in one story): `choose` is given the candidates — the articles sharing a band hash,
        each with its story's span — and names the stories the article joins (index.stories);
        those are united under the smallest id, with the article's own story if it had one (an
        edit); with none, the article starts a story numbered by its id. Returns the story.

        With `words` (the second signal), the same transaction counts the article's words in
        the document frequencies (once per article: an edit swaps its old words for its new),
        and adds the candidates sharing a title word held by at most `rare_share` of the
        articles and published within `window_days` days; those carry their words, their
        story's first report's words and the frequencies of all the words involved."""
        ...

    async def story_ids(self, article_ids: Sequence[int]) -> dict[int, int]: ...
    async def members(self, story_ids: Sequence[int]) -> dict[int, list[StoryMember]]:
        """Each story's reports, oldest first."""
        ...

    async def reports_of(self, article_ids: Sequence[int]) -> dict[int, list[StoryMember]]:
        """For each article, the reports of its story, oldest first (one query: answers ask
        it for every page)."""
        ...

    async def ungrouped(self, limit: int = 500, after: int = 0) -> list[int]:
        """Articles in no story yet (stored before stories were kept), or in one without
        their words (stored before story words were kept), by id after `after`."""
        ...

    async def words_of(self, article_ids: Sequence[int]) -> dict[int, StoryWords]:
        """The words each article brought to its story (its title's, and its title's and
        lead's: index.stories.article_words); articles without them are left out."""
        ...

    async def sizes(self) -> list[int]:
        """How many reports each story has."""
        ...


class Leases(Protocol):
    """Named leases that outlive no crash by more than their length: the one process that holds
    "scheduler" runs the scheduled jobs, the one that holds "digest:<id>" sends that
    subscription's digest, "feed:<id>" polls that feed. Time is the database's clock."""

    async def acquire(self, name: str, owner: str, seconds: float) -> bool:
        """Take (or, as its owner, renew) the lease for `seconds`; False while another owner
        holds it unexpired."""
        ...

    async def release(self, name: str, owner: str) -> None: ...
    async def holder(self, name: str) -> str | None: ...


class Feedback(Protocol):
    """Readers' 👍/👎 on answers: one vote per user per answer message, changeable."""

    async def vote(
        self, *, chat_id: int, message_id: int, user_id: int, vote: int, question: str,
        passage_ids: Sequence[int], analyzer: str,
    ) -> None: ...
    async def counts(self) -> VoteCounts: ...
    async def votes(self, *, vote: int | None = None, limit: int = 1000) -> list[Vote]:
        """Newest first; only 👍 (1) or 👎 (-1) ones when `vote` is given."""
        ...


class Limits(Protocol):
    """Counters shared by every process: the per-user question limit holds across replicas."""

    async def count(self, key: str, window_seconds: int) -> int:
        """Count one more for `key` in the current fixed window (the database's clock) and
        return the window's count so far."""
        ...


class Conversations(Protocol):
    """What each chat was last shown, by the database's clock: a follow-up («وين هربوا
    القادة؟» after «شو صار بدرعا؟») is first asked of those articles, whichever replica it
    reaches."""

    async def remember(self, chat_id: int, article_ids: Sequence[int]) -> None:
        """The articles the chat was just shown, in place of what it was shown before."""
        ...

    async def recall(self, chat_id: int, within_seconds: float) -> tuple[int, ...]:
        """The articles last shown to the chat, if that was less than `within_seconds` ago."""
        ...


class Schema(Protocol):
    """Named, append-only migrations, applied under a lock at open; and which analyzer version
    the stored passages should be analysed by."""

    async def applied(self) -> list[str]: ...
    async def identity(self) -> tuple[str, str]:
        """(this database's random id, made once by its migrations — another database at the
        same path or URL has another; a mark that changes whenever passages are re-tokenized
        in place, '' if they never were). An index snapshot must match both."""
        ...

    async def claim_analyzer(self, version: str) -> bool:
        """Record that a process runs analyzer `version`; True if it is the newest version the
        database has seen (the first to arrive last), whose owner may re-tokenize passages.
        In a rolling deploy the old replicas then never re-tokenize back."""
        ...
