"""Ingest: an article from any source → validated → passages → tokens → one store transaction.

The CPU work (splitting, analysing) runs in a worker thread and nothing is locked while it
does, so queries keep being answered during a long ingest; only the final write is a short
transaction. Duplicates are decided by the store (guid, canonical URL, content hash).
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC
from pathlib import Path

from index import workers
from index.articles import FileArticles, article_files, read_file
from index.cleaning import content_hash, is_arabic, strip_boilerplate
from index.dates import PASSAGE_VERSION, passage_terms
from index.feeds import looks_like_feed_url
from index.models import ArticleIn, PassageIn
from index.passages import split_passages
from index.store import IngestOutcome, Store
from index.stories import Fingerprint, article_fingerprint, join_story
from index.urls import canonical_url

log = logging.getLogger(__name__)

# Longest article text accepted (characters): several times the longest news feature, and a
# bound on what one bad file or feed entry can make the indexer chew on.
MAX_ARTICLE_CHARS = 2_000_000
MAX_TITLE_CHARS = 500


class InvalidArticle(ValueError):
    """The article cannot be stored; the message says why, in plain words."""


@dataclass
class IngestReport:
    """Counts by outcome: new, updated, duplicate, skipped, failed; problems as text."""

    counts: Counter = field(default_factory=Counter)
    problems: list[str] = field(default_factory=list)
    article_ids: list[int] = field(default_factory=list)

    def add(self, status: str, article_id: int | None = None) -> None:
        self.counts[status] += 1
        if article_id is not None and status in ("new", "updated"):
            self.article_ids.append(article_id)

    def merge(self, other: IngestReport) -> None:
        self.counts.update(other.counts)
        self.problems.extend(other.problems)
        self.article_ids.extend(other.article_ids)

    def summary(self) -> str:
        parts = [f"{k}={self.counts.get(k, 0)}" for k in ("new", "updated", "duplicate")]
        parts += [f"{k}={v}" for k, v in sorted(self.counts.items()) if k not in
                  ("new", "updated", "duplicate")]
        return " ".join(parts)


def prepare(article: ArticleIn) -> tuple[ArticleIn, list[PassageIn], str, str | None]:
    """Validate and analyse: (clean article, its passages, content hash, canonical URL)."""
    title = " ".join((article.title or "").split())
    text = (article.text or "").strip()
    # Sources that treat a title as the whole report (feed tickers) pass it as the text
    # themselves; here an empty text is a broken article, not one to index by its title.
    if not text:
        raise InvalidArticle("the article has no text")
    if len(text) > MAX_ARTICLE_CHARS:
        raise InvalidArticle(f"the text is {len(text):,} characters; the limit is "
                             f"{MAX_ARTICLE_CHARS:,}")
    if not title:
        title = text.split("\n", 1)[0][:MAX_TITLE_CHARS]
    if len(title) > MAX_TITLE_CHARS:
        title = title[: MAX_TITLE_CHARS - 1].rstrip() + "…"
    text = strip_boilerplate(text)
    spans = split_passages(text)
    day = article.published.date() if article.published else None
    passages = [PassageIn(span, *passage_terms(text[span.start : span.end], day))
                for span in spans]
    passages = [p for p in passages if p.tokens]
    if not passages:
        raise InvalidArticle(
            "the text has no searchable words (only spaces, symbols, emoji or diacritics)"
        )
    url = article.url.strip() if article.url else None
    published = article.published
    if published is not None and published.tzinfo is None:
        # a time without a zone is UTC, as the store reads it back: a story's dates (aware,
        # from the store) are compared with this one's (index.stories)
        published = published.replace(tzinfo=UTC)
    clean = replace(article, title=title, text=text, url=url or None, published=published)
    return clean, passages, content_hash(text), identity_url(url)


def identity_url(url: str | None) -> str | None:
    """The canonical form of a web address, by which an article is recognised again; None
    for anything else: a placeholder in a file («-», «TBD») would otherwise make unrelated
    articles updates of one another."""
    return canonical_url(url) if url and looks_like_feed_url(url) else None


def _prepare_with_fingerprint(
    article: ArticleIn,
) -> tuple[ArticleIn, list[PassageIn], str, str | None, Fingerprint | None]:
    clean, passages, digest, canonical = prepare(article)
    return (clean, passages, digest, canonical,
            article_fingerprint(clean.title, [p.tokens for p in passages],
                                clean.published))


async def ingest_article(store: Store, article: ArticleIn, origin: str) -> IngestOutcome:
    """Store one article (one transaction), then put it in its story (index.stories: a
    second, short one); raises InvalidArticle, logged as 'failed'."""
    try:
        # in a worker process when the bot runs them (index.workers), else in a thread
        clean, passages, digest, canonical, print_ = await workers.run(
            _prepare_with_fingerprint, article
        )
    except InvalidArticle as err:
        await store.log.record(origin, "failed", str(err))
        raise
    outcome = await store.articles.save(
        clean,
        url_canonical=canonical,
        content_hash=digest,
        passages=passages,
        analyzer=PASSAGE_VERSION,
        origin=origin,
    )
    if outcome.status in ("new", "updated"):
        # A crash between the two leaves the article in no story, and the next start's
        # group_ungrouped gives it one.
        await join_story(store, outcome.article_id, clean.published, print_)
    return outcome


async def ingest_articles(
    store: Store,
    articles: Iterable[ArticleIn],
    origin: str,
    *,
    require_arabic: bool = False,
    on_progress: Callable[[int], None] | None = None,
) -> IngestReport:
    """Ingest many articles, each in its own transaction; a bad one is reported, not fatal."""
    report = IngestReport()
    for article in articles:
        where = article.guid or article.url or origin
        if require_arabic and not is_arabic(f"{article.title}\n{article.text}"):
            report.add("skipped")
            report.problems.append(f"{where}: not Arabic, skipped")
            await store.log.record(where, "skipped", "not Arabic")
        else:
            try:
                outcome = await ingest_article(store, article, where)
            except InvalidArticle as err:
                report.add("failed")
                report.problems.append(f"{where}: {err}")
            else:
                report.add(outcome.status, outcome.article_id)
        if on_progress:
            on_progress(1)
    return report


async def ingest_file(store: Store, file: Path) -> IngestReport:
    """Every article in one file, each in its own transaction; an unreadable file, or a bad
    item of a JSON list (named by its position from 1), is reported and logged as failed,
    never raised, and the file's good items are still stored."""
    report = IngestReport()
    try:
        read = await asyncio.to_thread(read_file, file)
    except ValueError as err:
        read = FileArticles([], [str(err)])
    for problem in read.problems:
        report.add("failed")
        report.problems.append(problem)
    if read.problems:
        await store.log.record_many([(str(file), "failed", p) for p in read.problems])
    report.merge(await ingest_articles(store, read.articles, str(file)))
    return report


async def ingest_path(
    store: Store,
    path: Path,
    *,
    on_progress: Callable[[int], None] | None = None,
) -> IngestReport:
    """Ingest a file or, recursively, a folder of .txt / .md / .json articles."""
    report = IngestReport()
    for file in article_files(path):
        report.merge(await ingest_file(store, file))
        if on_progress:
            on_progress(1)
    for problem in report.problems:
        log.warning("ingest %s: %s", path, problem)
    return report
