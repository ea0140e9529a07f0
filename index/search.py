"""answer(question) → ranked, quoted, attributed passages: the one entry point every front end
(CLI, console, Telegram) calls.

`Library` keeps the in-memory BM25 index in step with the store: `build()` loads every stored
passage's tokens; `refresh()` replays the store's change log, so an article ingested by any
process becomes answerable without a restart or a rebuild.
"""

from __future__ import annotations

import asyncio
import logging
import math
from collections.abc import Sequence
from dataclasses import dataclass

from index.bm25 import MERGE_THRESHOLD, BM25Index
from index.models import Answer, Hit
from index.normalize import ANALYZER_VERSION, DEFAULT_ANALYZER, analyze, analyze_spans
from index.params import EPSILON, K1, B
from index.passages import sentence_spans
from index.store import PassageContext, Store

log = logging.getLogger(__name__)

DEFAULT_TOP = 3
# Longer than any real question (the longest ARCD question is ~250 characters); past this the
# text is a pasted article, not a question, and we say so rather than search it.
MAX_QUERY_CHARS = 1000
# A passage answers only if it holds at least this share of the question's term weight, each
# distinct term weighted by its idf, log(1 + (N - df + 0.5) / (df + 0.5)), df at least 1.
# Chosen on arcd-train (README, "Relevance threshold"): at 0.4 the right passage still comes
# first for 98% of the questions it did without a threshold, while 40% of the questions whose
# passage is missing from the corpus get "not found" instead of noise.
MIN_COVERAGE = 0.4
# A word matched only through a spelling neighbour («تحررت» ~ «تحرير») counts this much
# toward coverage: enough to complete a question, never enough to carry one alone
# («باريس» ~ «بارزة» must not make a weather question answerable).
FUZZY_CREDIT = 0.5
# An excerpt quotes at most this many characters: a sentence or two, readable in a chat bubble.
MAX_EXCERPT_CHARS = 420
# A best sentence shorter than this gets its neighbour, so the quote carries context.
SHORT_SENTENCE = 90

MSG_EMPTY = "اكتب سؤالك بالعربية، مثل: متى تحررت درعا؟"
MSG_TOO_LONG = "السؤال طويل جدًا ({n} حرفًا). اكتب سؤالًا أقصر من {max} حرف."
MSG_NO_WORDS = (
    "لم أجد في رسالتك كلمات يمكن البحث عنها. اكتب سؤالك بكلمات عربية، مثل: متى تحررت درعا؟"
)


def coverage_weight(n_docs: int, df: int) -> float:
    """A term's weight in the relevance threshold: idf that is never zero or negative, with
    df counted as at least 1 (see Library.term_weight)."""
    df = max(df, 1)
    return math.log(1 + (n_docs - df + 0.5) / (df + 0.5))


@dataclass(frozen=True, slots=True)
class _Candidate:
    passage_id: int
    score: float


class Library:
    """The store plus its derived BM25 index."""

    def __init__(self, store: Store, *, k1: float = K1, b: float = B, epsilon: float = EPSILON):
        self.store = store
        self._params = (k1, b, epsilon)
        self.index = BM25Index(k1, b, epsilon)
        self._passage_of_doc: list[int] = []
        self._docs_of_article: dict[int, list[int]] = {}
        self._seq = 0
        self._refresh_lock = asyncio.Lock()
        self._fuzzy: dict[str, list[str]] = {}
        self._fuzzy_vocab_size = -1

    @property
    def passages(self) -> int:
        return len(self.index)

    async def build(self) -> int:
        """(Re)build the index from the store; passages analysed by an older analyzer version
        are re-tokenized first. Returns the number of passages indexed."""
        async with self._refresh_lock:
            await retokenize_stale(self.store)
            seq = await self.store.last_event_seq()  # read first: later events replay safely
            rows = await self.store.all_passages()
            index = BM25Index(*self._params)
            await asyncio.to_thread(index.add_many_joined, (r.tokens for r in rows))
            docs_of_article: dict[int, list[int]] = {}
            for doc, row in enumerate(rows):
                docs_of_article.setdefault(row.article_id, []).append(doc)
            self.index = index
            self._passage_of_doc = [r.id for r in rows]
            self._docs_of_article = docs_of_article
            self._seq = seq
            self._fuzzy_vocab_size = -1
        return len(rows)

    async def refresh(self) -> int:
        """Apply articles stored since the last build/refresh; returns how many changed."""
        async with self._refresh_lock:
            events = await self.store.events_since(self._seq)
            if not events:
                return 0
            changed = list(dict.fromkeys(article for _, article in events))
            for article_id in changed:
                self.index.remove_many(self._docs_of_article.pop(article_id, []))
                docs = []
                for row in await self.store.passages_of(article_id):
                    docs.append(self.index.add(row.tokens.split()))
                    self._passage_of_doc.append(row.id)
                if docs:
                    self._docs_of_article[article_id] = docs
            self._seq = events[-1][0]
            if self.index.delta_size > MERGE_THRESHOLD:
                await asyncio.to_thread(self.index.merge)
            return len(changed)

    async def answer(self, query: str, top: int = DEFAULT_TOP, offset: int = 0) -> Answer:
        """The best `top` passages after the first `offset`, each quoted and attributed.

        >>> # await library.answer("متى أعلنت غرفة عمليات الجنوب تحرير درعا؟")
        """
        if top <= 0 or offset < 0:
            raise ValueError(f"need top > 0 and offset >= 0, got top={top}, offset={offset}")
        text = (query or "").strip()
        if not text:
            return Answer(query=query, tokens=(), problem=MSG_EMPTY)
        if len(text) > MAX_QUERY_CHARS:
            return Answer(
                query=query,
                tokens=(),
                problem=MSG_TOO_LONG.format(n=len(text), max=MAX_QUERY_CHARS),
            )
        tokens = analyze(text)
        if not tokens:
            return Answer(query=query, tokens=(), problem=MSG_NO_WORDS)
        terms = list(dict.fromkeys(tokens))
        expansions = {t: self._expand(t) for t in terms if not self._known(t)}
        search_terms = list(tokens) + [alt for alts in expansions.values() for alt in alts]
        # Rank generously, then keep only passages that clear the coverage bar; deep pages
        # of answers are rare, so a fixed over-fetch is enough.
        want = max(50, 4 * (offset + top))
        ranked = self.index.search(search_terms, k=want)
        if len(ranked) < want:
            ranked += self._zero_score_matches(search_terms, {d for d, _ in ranked}, want)
        wanted = {t: {t, *expansions.get(t, ())} for t in terms}
        weights = {t: self.term_weight(t, expansions.get(t, ())) for t in terms}
        total_weight = sum(weights.values())
        accepted: list[tuple[_Candidate, PassageContext]] = []
        contexts = await self.store.passage_contexts(
            [self._passage_of_doc[doc] for doc, _ in ranked]
        )
        for doc, score in ranked:
            ctx = contexts.get(self._passage_of_doc[doc])
            if ctx is None:  # deleted since the index last refreshed
                continue
            present = set(ctx.tokens.split())  # analysed at ingest: no re-analysis per query
            matched = sum(
                weights[t] if t in present else weights[t] * FUZZY_CREDIT
                for t, alts in wanted.items()
                if alts & present
            )
            if matched < MIN_COVERAGE * total_weight:
                continue
            if any(_overlaps(ctx, other) for _, other in accepted):
                continue  # an overlapping window of a passage already shown
            accepted.append((_Candidate(ctx.passage_id, score), ctx))
        page = accepted[offset : offset + top]
        all_terms = {t for alts in wanted.values() for t in alts}
        idf = {t: self.index.idf(t) for t in all_terms}
        hits = tuple(
            self._hit(rank, cand, ctx, all_terms, idf)
            for rank, (cand, ctx) in enumerate(page, start=offset + 1)
        )
        return Answer(query=query, tokens=tuple(tokens), hits=hits, total=len(accepted))

    async def matches_topic(self, topic: str, article_id: int) -> bool:
        """Whether an article is about `topic` (digest filters): one of its passages holds at
        least MIN_COVERAGE of the topic's term weight, the rule answers use."""
        weights = {t: self.term_weight(t) for t in analyze(topic)}
        if not weights:
            return True
        need = MIN_COVERAGE * sum(weights.values())
        for row in await self.store.passages_of(article_id):
            present = set(row.tokens.split())
            if sum(w for t, w in weights.items() if t in present) >= need:
                return True
        return False

    def term_weight(self, term: str, alternatives: Sequence[str] = ()) -> float:
        """idf that is never negative or zero, for coverage (not ranking). A word the corpus
        lacks weighs like its rarest word: in a small corpus most everyday words are missing,
        and weighing them higher still would make «ماذا حدث في السويداء؟» unanswerable."""
        df = self.index.df(term) or max((self.index.df(a) for a in alternatives), default=0)
        return coverage_weight(len(self.index), df)

    def _zero_score_matches(
        self, terms: Sequence[str], seen: set[int], limit: int
    ) -> list[tuple[int, float]]:
        """Passages holding query terms that BM25 scores 0 (idf 0: the term is in exactly half
        of a small corpus), most distinct terms first: still answers, ranked last."""
        counts: dict[int, int] = {}
        for term in set(terms):
            for doc in self.index.docs_containing(term).tolist():
                if doc not in seen:
                    counts[doc] = counts.get(doc, 0) + 1
        best = sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:limit]
        return [(doc, 0.0) for doc, _ in best]

    def _known(self, term: str) -> bool:
        return self.index.df(term) > 0

    def _expand(self, term: str) -> list[str]:
        """Indexed words one or two letters away from an unknown query word (same first three
        letters), e.g. «تحررت» → «تحرير»: morphology the light stemmer leaves apart."""
        if len(term) < 4 or term.isdigit():
            return []
        vocab = self.index.vocab
        if self._fuzzy_vocab_size != len(vocab):
            self._fuzzy = {}
            for word in vocab:
                if len(word) >= 3:
                    self._fuzzy.setdefault(word[:3], []).append(word)
            self._fuzzy_vocab_size = len(vocab)
        limit = 1 if len(term) < 5 else 2
        near = []
        for word in self._fuzzy.get(term[:3], ()):
            if abs(len(word) - len(term)) <= limit and self.index.df(word) > 0:
                distance = _edit_distance(term, word, limit)
                if distance <= limit:
                    near.append((distance, word))
        near.sort()
        return [w for _, w in near[:2]]

    def _hit(
        self, rank: int, cand: _Candidate, ctx: PassageContext, terms: set[str],
        idf: dict[str, float],
    ) -> Hit:
        article = ctx.article
        start, end = best_excerpt(article.text, ctx.start, ctx.end, terms, idf)
        excerpt = article.text[start:end]
        marks = tuple(
            (t.start, t.end) for t in analyze_spans(excerpt) if t.term in terms
        )
        if end - start > MAX_EXCERPT_CHARS:
            cut = excerpt.rfind(" ", 0, MAX_EXCERPT_CHARS)
            cut = cut if cut > MAX_EXCERPT_CHARS // 2 else MAX_EXCERPT_CHARS
            excerpt = excerpt[:cut].rstrip() + "…"
            marks = tuple((a, b) for a, b in marks if b <= cut)
        return Hit(
            rank=rank,
            score=cand.score,
            article_id=article.id,
            passage_id=cand.passage_id,
            title=article.title,
            source=article.source,
            published=article.published,
            url=article.url,
            passage=article.text[ctx.start : ctx.end],
            excerpt=excerpt,
            marks=marks,
        )


def best_excerpt(
    text: str, start: int, end: int, terms: set[str], idf: dict[str, float]
) -> tuple[int, int]:
    """(start, end) of the sentence (plus its neighbour when short) that covers the most query
    idf inside text[start:end]."""
    sentences = sentence_spans(text, start, end)
    if not sentences:
        return start, end
    def weight(span: tuple[int, int]) -> float:
        found = {t.term for t in analyze_spans(text[span[0] : span[1]])} & terms
        # Every distinct match counts: idf can be ~0 in a tiny corpus yet the word matters.
        return sum(max(idf.get(t, 0.0), 0.0) + 1.0 for t in found)
    scores = [weight(s) for s in sentences]
    best = max(range(len(sentences)), key=lambda i: (scores[i], -i))
    a, b = sentences[best]
    if b - a < SHORT_SENTENCE and len(sentences) > 1:
        if best + 1 < len(sentences) and (best == 0 or scores[best + 1] >= scores[best - 1]):
            b = sentences[best + 1][1]
        else:
            a = sentences[best - 1][0]
    return a, b


def _overlaps(a: PassageContext, b: PassageContext) -> bool:
    return a.article_id == b.article_id and a.start < b.end and b.start < a.end


def _edit_distance(a: str, b: str, limit: int) -> int:
    """Levenshtein distance, giving up (returning limit + 1) once it must exceed `limit`."""
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, start=1):
        current = [i]
        for j, cb in enumerate(b, start=1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        if min(current) > limit:
            return limit + 1
        previous = current
    return previous[-1]


async def retokenize_stale(store: Store) -> int:
    """Re-analyse passages stored by an older analyzer version (tokens are derived data)."""
    stale = await store.stale_passages(ANALYZER_VERSION)
    if not stale:
        return 0
    texts: dict[int, str] = {}
    rows = []
    for pid, article_id, start, end in stale:
        if article_id not in texts:
            article = await store.get_article(article_id)
            texts[article_id] = article.text if article else ""
        rows.append((pid, " ".join(analyze(texts[article_id][start:end], DEFAULT_ANALYZER))))
    await store.retokenize(rows, ANALYZER_VERSION)
    log.info("re-tokenized %d passages for analyzer %s", len(rows), ANALYZER_VERSION)
    return len(rows)

