"""Stories across outlets: an article that reports the same event as articles already stored
(another outlet's rewording, the agency copy re-run) joins their story.

Method (measured on 125 hand-labelled pairs of the news corpus, eval/stories/pairs.jsonl;
`python -m bot eval --stories`; README, "Stories across outlets"): an article is the set of
word 2-shingles of its analysed title and first two passages (the lede, which in news says
what happened); a MinHash signature of NUM_PERM permutations (datasketch) estimates the
Jaccard similarity of two such sets. Two articles report the same event when the estimate is
at least THRESHOLD and they were published at most WINDOW_DAYS apart; a story spans at most
WINDOW_DAYS. Candidates are found by LSH: the signature cut into BANDS bands of ROWS values,
each band hashed; articles sharing a band hash are candidates. The band hashes live in the
database (index.store.protocols.Stories), so every process — the bot, an ingest run beside
it, another replica — finds the same candidates with an indexed query, and a story survives
restarts.

Why these numbers: 2-shingles of title + two passages gave the best precision at a recall
over 0.85 (single words and three passages let templated cables and background in); 0.3
kept recall at 0.86 with precision 0.94 on the exact Jaccard, where 0.5 lost a third of the
rewordings. 64 bands of 2 rows make a pair at Jaccard 0.3 a candidate with probability
1 − (1 − 0.3²)⁶⁴ ≈ 0.998.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

import numpy as np
from datasketch import MinHash

from index.normalize import analyze
from index.store import Store
from index.store.rows import StoryCandidate, StoryMember

log = logging.getLogger(__name__)

NUM_PERM = 128
BANDS = 64
ROWS = NUM_PERM // BANDS
SHINGLE = 2
LEAD_PASSAGES = 2
THRESHOLD = 0.3
WINDOW_DAYS = 3
# A fixed seed: signatures stored by one process are compared with those of another.
SEED = 1


@dataclass(frozen=True, slots=True)
class Fingerprint:
    """What an article brings to the story index: its MinHash signature (NUM_PERM unsigned
    32-bit values, as bytes) and its BANDS band hashes."""

    signature: bytes
    bands: tuple[int, ...]


def shingles(title_tokens: Sequence[str], passage_tokens: Iterable[Sequence[str]]) -> set[str]:
    """Word 2-shingles of the analysed title and lead passages (day terms left out: «d:…» says
    which day a passage speaks of, not what happened)."""
    words = [t for t in title_tokens if ":" not in t]
    for passage in list(passage_tokens)[:LEAD_PASSAGES]:
        words += [t for t in passage if ":" not in t]
    if len(words) < SHINGLE:
        return {" ".join(words)} if words else set()
    return {" ".join(words[i : i + SHINGLE]) for i in range(len(words) - SHINGLE + 1)}


def fingerprint(features: set[str]) -> Fingerprint | None:
    """The signature and band hashes of a shingle set; None for an empty one."""
    if not features:
        return None
    minhash = MinHash(num_perm=NUM_PERM, seed=SEED)
    minhash.update_batch([f.encode("utf-8") for f in sorted(features)])
    values = minhash.hashvalues.astype("<u4")  # datasketch keeps them below 2**32
    raw = values.tobytes()
    width = ROWS * 4
    bands = tuple(
        # 7 bytes: a positive 56-bit integer, which both SQLite and PostgreSQL BIGINT hold
        int.from_bytes(
            hashlib.blake2b(bytes([band]) + raw[band * width : (band + 1) * width],
                            digest_size=7).digest(), "big")
        for band in range(BANDS)
    )
    return Fingerprint(raw, bands)


def similarity(a: bytes, b: bytes) -> float:
    """The Jaccard estimate of two signatures: the share of permutations whose minimum agrees."""
    left = np.frombuffer(a, dtype="<u4")
    right = np.frombuffer(b, dtype="<u4")
    if left.shape != right.shape or not len(left):
        return 0.0
    return float(np.count_nonzero(left == right)) / len(left)


def within_window(a: datetime | None, b: datetime | None, days: int = WINDOW_DAYS) -> bool:
    """Published at most `days` apart by calendar day (an unknown date does not rule out)."""
    if a is None or b is None:
        return True
    return abs((a.date() - b.date()).days) <= days


def same_event(
    signature: bytes, published: datetime | None, other: StoryCandidate,
    threshold: float = THRESHOLD,
) -> float | None:
    """The Jaccard estimate with a stored candidate when it reports the same event as the
    incoming article (published within the window, estimate at least `threshold`), else None."""
    if not within_window(published, other.published):
        return None
    estimate = similarity(signature, other.signature)
    return estimate if estimate >= threshold else None


def stories_to_join(
    signature: bytes, published: datetime | None, candidates: Sequence[StoryCandidate],
    days: int = WINDOW_DAYS,
) -> list[int]:
    """The stories an incoming article joins: those of the candidates reporting the same
    event, best match first, as long as the united story still spans at most `days` — so
    daily bulletins and templated cables (the weather, «القيادة تهنئ …», the market close),
    each day's much like the day before's, do not chain into one story a week long."""
    best: dict[int, tuple[float, StoryCandidate]] = {}
    for candidate in candidates:
        estimate = same_event(signature, published, candidate)
        if estimate is not None and estimate > best.get(candidate.story_id, (-1.0, None))[0]:
            best[candidate.story_id] = (estimate, candidate)
    first = last = published
    chosen = []
    for story, (_, candidate) in sorted(best.items(), key=lambda kv: (-kv[1][0], kv[0])):
        lo = min((d for d in (first, candidate.story_first) if d is not None), default=None)
        hi = max((d for d in (last, candidate.story_last) if d is not None), default=None)
        if lo is not None and hi is not None and (hi.date() - lo.date()).days > days:
            continue
        first, last = lo, hi
        chosen.append(story)
    return chosen


def article_fingerprint(title: str, passage_tokens: Sequence[str]) -> Fingerprint | None:
    """An article's fingerprint from its title and its passages' stored tokens (space-joined,
    in order), as ingest has them."""
    return fingerprint(shingles(analyze(title), [t.split() for t in passage_tokens]))


async def join_story(
    store: Store, article_id: int, published: datetime | None, print_: Fingerprint | None
) -> int | None:
    """Put a stored article in its story (index.store.protocols.Stories.join); None for an
    article with no words to compare."""
    if print_ is None:
        return None
    return await store.stories.join(
        article_id, signature=print_.signature, bands=print_.bands,
        choose=lambda candidates: stories_to_join(print_.signature, published, candidates),
    )


async def group_ungrouped(store: Store, batch: int = 500) -> int:
    """Give a story to every article stored before stories were kept (oldest first, so each
    finds the earlier reports); returns how many were grouped."""
    done = 0
    seen: set[int] = set()
    while ids := [i for i in await store.stories.ungrouped(batch) if i not in seen]:
        for article_id in ids:
            seen.add(article_id)  # one with no words stays ungrouped: not asked again
            article = await store.articles.get(article_id)
            if article is None:
                continue
            tokens = [p.tokens for p in await store.articles.passages_of(article_id)]
            if await join_story(store, article_id, article.published,
                                article_fingerprint(article.title, tokens)) is not None:
                done += 1
    if done:
        log.info("grouped %d stored articles into stories", done)
    return done


async def story_reports(store: Store, article_id: int) -> list[StoryMember]:
    """Every report of the story an article belongs to, oldest first (the article alone when
    it is in no story); empty for an unknown article."""
    story = (await store.stories.story_ids([article_id])).get(article_id)
    if story is not None:
        return (await store.stories.members([story])).get(story, [])
    article = await store.articles.get(article_id)
    if article is None:
        return []
    return [StoryMember(article.id, article.id, article.title, article.source,
                        article.published, article.url)]
