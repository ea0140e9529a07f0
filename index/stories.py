"""Stories across outlets: an article that reports the same event as articles already stored
(another outlet's rewording, the agency copy re-run) joins their story.

Method (measured on 218 hand-labelled pairs of the news corpus, eval/stories/pairs.jsonl;
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

Reports written independently share too few word pairs for that; a second signal, weighing
rare title words (second_signal, same_headline; RARE_SHARE … SHARED_RARE), joins some of
them, with document frequencies the store keeps inside the join (docs/stories.md).
"""

from __future__ import annotations

import hashlib
import logging
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

import numpy as np
from datasketch import MinHash

from index.normalize import analyze
from index.store import Store
from index.store.rows import StoryCandidate, StoryMember, StoryWords, TermFrequency

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

# The second signal (session 6), for reports written independently, whose ledes share too few
# word pairs: an article that joins no story by its lede joins the story of a report sharing a
# rare title word (held by at most RARE_SHARE of the stored articles), published within
# WINDOW_DAYS, when — weighing each word by its rarity, idf = ln((n + 1) / (df + 1)) over the
# stored articles' titles and ledes — each title's weight lies at least TITLE_COVER in the
# other article's title and lead, the two articles' words overlap by at least WORDS_JACCARD
# (weighted Jaccard), and neither title holds a word as rare as ABSENT_IDF (about one article
# in 55) that the other article lacks («عمل الجوف» and «عمل خيبر» are two inspections). It
# joins one story only, whose first report must pass the same test (no chains of
# look-alikes), and only once the store holds MIN_ARTICLES articles with words (rarity means
# nothing in a handful). Chosen on the labelled pairs (docs/stories.md, "A second signal").
RARE_SHARE = 0.02
TITLE_COVER = 0.7
WORDS_JACCARD = 0.1
ABSENT_IDF = 4.0
MIN_ARTICLES = 200
# … unless the two were published the same day and share at least SHARED_RARE words as rare
# as ABSENT_IDF in their titles and ledes (session 7): independently written reports of one
# event name the same people, places and figures in their ledes («بلاكبوش», «8538»,
# «هوازن»), while two events of one kind share the kind's words and differ in the names —
# and their headlines' own verbs («تنفي» / «تكشف حقيقة») are no veto. Chosen on half of the
# labelled pairs, reported on the other half too (docs/stories.md, "Same day, rare words").
SHARED_RARE = 5


@dataclass(frozen=True, slots=True)
class Fingerprint:
    """What an article brings to the story index: its MinHash signature (NUM_PERM unsigned
    32-bit values, as bytes), its BANDS band hashes, and its words for the second signal."""

    signature: bytes
    bands: tuple[int, ...]
    words: StoryWords | None = None


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


def _fits(first: datetime | None, last: datetime | None, candidate: StoryCandidate,
          days: int) -> tuple[datetime | None, datetime | None] | None:
    """The united span when the candidate's story, joined, still spans at most `days`."""
    lo = min((d for d in (first, candidate.story_first) if d is not None), default=None)
    hi = max((d for d in (last, candidate.story_last) if d is not None), default=None)
    if lo is not None and hi is not None and (hi.date() - lo.date()).days > days:
        return None
    return lo, hi


def stories_to_join(
    signature: bytes, published: datetime | None, candidates: Sequence[StoryCandidate],
    days: int = WINDOW_DAYS, words: StoryWords | None = None,
) -> list[int]:
    """The stories an incoming article joins: those of the candidates reporting the same
    event, best match first, as long as the united story still spans at most `days` — so
    daily bulletins and templated cables (the weather, «القيادة تهنئ …», the market close),
    each day's much like the day before's, do not chain into one story a week long. When the
    lede joins none, the second signal (same_headline) may name one."""
    best: dict[int, tuple[float, StoryCandidate]] = {}
    for candidate in candidates:
        estimate = same_event(signature, published, candidate)
        if estimate is not None and estimate > best.get(candidate.story_id, (-1.0, None))[0]:
            best[candidate.story_id] = (estimate, candidate)
    first, last = published, published
    chosen = []
    for story, (_, candidate) in sorted(best.items(), key=lambda kv: (-kv[1][0], kv[0])):
        span = _fits(first, last, candidate, days)
        if span is None:
            continue
        first, last = span
        chosen.append(story)
    if chosen or words is None:
        return chosen
    story = second_signal(words, published, candidates, days)
    return [story] if story is not None else []


def second_signal(
    words: StoryWords, published: datetime | None, candidates: Sequence[StoryCandidate],
    days: int = WINDOW_DAYS,
) -> int | None:
    """The story the second signal joins, if any: that of the best candidate found by a rare
    title word that reports the same event by same_headline, when its story's first report
    does too and the story, joined, still spans at most `days`."""
    scored = []
    for candidate in candidates:
        if candidate.words is None or candidate.freq is None:
            continue
        if candidate.freq.n < MIN_ARTICLES or not within_window(published, candidate.published):
            continue
        # the store keeps no day with the words: the candidate's is its publication's
        dated = replace(candidate.words, day=candidate.published.date().toordinal()
                        if candidate.published else None)
        score = same_headline(words, dated, candidate.freq)
        if score is not None:
            scored.append((score, candidate.article_id, candidate))
    if not scored:
        return None
    _, _, best = max(scored, key=lambda s: (s[0], -s[1]))
    if best.head_id not in (None, best.article_id) and (
        best.head is None or best.freq is None
        or same_headline(words, best.head, best.freq) is None
    ):
        return None  # it matches a later report, not the story's first: no chains
    return best.story_id if _fits(published, published, best, days) is not None else None


def same_headline(a: StoryWords, b: StoryWords, freq: TermFrequency) -> float | None:
    """How much of each title the other article holds, weighed by rarity (the smaller of the
    two shares), when two articles report the same event by their headlines and ledes; else
    None (see RARE_SHARE … SHARED_RARE)."""
    n = freq.n

    def idf(term: str) -> float:
        return math.log((n + 1) / (freq.df.get(term, 0) + 1))

    def cover(title: tuple[str, ...], other: frozenset[str]) -> float:
        weights = {t: idf(t) for t in set(title)}
        total = sum(weights.values())
        return sum(w for t, w in weights.items() if t in other) / total if total else 0.0

    a_words, b_words = a.words | set(a.title), b.words | set(b.title)
    score = min(cover(a.title, b_words), cover(b.title, a_words))
    if score < TITLE_COVER:
        return None
    union = sum(idf(t) for t in a_words | b_words)
    if not union or sum(idf(t) for t in a_words & b_words) / union < WORDS_JACCARD:
        return None
    absent = min(max((idf(t) for t in set(a.title) - b_words), default=0.0),
                 max((idf(t) for t in set(b.title) - a_words), default=0.0))
    if absent < ABSENT_IDF:
        return score
    same_day = a.day is not None and a.day == b.day
    rare = sum(1 for t in a_words & b_words if idf(t) >= ABSENT_IDF)
    return score if same_day and rare >= SHARED_RARE else None


def article_words(
    title_tokens: Sequence[str], passage_tokens: Iterable[Sequence[str]],
    published: datetime | None,
) -> StoryWords | None:
    """The second signal's words of an article: its analysed title's words and every word of
    its title and lead (day terms left out), and its day; None with no title words."""
    title = tuple(t for t in title_tokens if ":" not in t)
    if not title:
        return None
    lead = {t for passage in list(passage_tokens)[:LEAD_PASSAGES] for t in passage if ":" not in t}
    return StoryWords(title, frozenset(lead | set(title)),
                      published.date().toordinal() if published else None)


def article_fingerprint(
    title: str, passage_tokens: Sequence[str], published: datetime | None = None
) -> Fingerprint | None:
    """An article's fingerprint from its title and its passages' stored tokens (space-joined,
    in order), as ingest has them, with its words for the second signal."""
    title_tokens = analyze(title)
    passages = [t.split() for t in passage_tokens]
    print_ = fingerprint(shingles(title_tokens, passages))
    if print_ is None:
        return None
    return Fingerprint(print_.signature, print_.bands,
                       article_words(title_tokens, passages, published))


async def join_story(
    store: Store, article_id: int, published: datetime | None, print_: Fingerprint | None
) -> int | None:
    """Put a stored article in its story (index.store.protocols.Stories.join); None for an
    article with no words to compare."""
    if print_ is None:
        return None
    return await store.stories.join(
        article_id, signature=print_.signature, bands=print_.bands,
        choose=lambda candidates: stories_to_join(print_.signature, published, candidates,
                                                  words=print_.words),
        words=print_.words, rare_share=RARE_SHARE, window_days=WINDOW_DAYS,
    )


async def group_ungrouped(store: Store, batch: int = 500) -> int:
    """Give a story to every article stored before stories were kept, and its words to one
    stored before story words were kept (oldest first, so each finds the earlier reports;
    joining again may unite its story with others by the title signal); returns how many
    were (re)joined. Each article is asked once a run: one with no words stays as it is."""
    done = 0
    after = 0
    while ids := await store.stories.ungrouped(batch, after):
        after = ids[-1]
        for article_id in ids:
            article = await store.articles.get(article_id)
            if article is None:
                continue
            tokens = [p.tokens for p in await store.articles.passages_of(article_id)]
            if await join_story(store, article_id, article.published,
                                article_fingerprint(article.title, tokens,
                                                    article.published)) is not None:
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
