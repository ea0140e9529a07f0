"""answer(question) → ranked, quoted, attributed passages: the one entry point every front end
(CLI, console, Telegram) calls.

`Library` keeps the in-memory BM25 fields in step with the store: `build()` loads every stored
passage's tokens — or, given a snapshot folder, the index saved there (index.snapshot) and the
changes since; `refresh()` replays the store's change log, so an article ingested by any
process becomes answerable without a restart or a rebuild.

`answer()` is a pipeline of named steps, each its own module:

    check → analyse (index.query) → retrieve and score (index.ranking, the Ranker seam)
          → decide and rerank (index.relevance) → collapse near-copies (index.results)
          → excerpt (index.excerpt) → the name asked for is there (index.direct)
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from functools import partial
from pathlib import Path

import numpy as np

from index import snapshot, workers
from index.bm25 import MERGE_SHARE, MERGE_THRESHOLD, BM25Index, Merge
from index.dates import PASSAGE_VERSION, DateScope, passage_terms, question_dates, speaks_of
from index.direct import asks_name, direct_answer, gives_name
from index.docmap import DocMap, DocMapState
from index.excerpt import make_hit
from index.models import Answer, Article, Attribution, Hit
from index.normalize import analyze
from index.params import EPSILON, K1, B
from index.query import IndexVocabulary, ParsedQuery, VocabularyTables, parse_query
from index.ranking import Fields, FusedBM25, Ranker, Scored
from index.relevance import Judge
from index.results import Candidate, attribution_of, collapse_copies, merge_same_quotes
from index.roots import ROOTS_VERSION, roots, roots_joined
from index.store import PassageContext, Reanalysed, Store, now_utc
from index.thesaurus import Thesaurus

log = logging.getLogger(__name__)

DEFAULT_TOP = 3
# Longer than any real question (the longest ARCD question is ~250 characters); past this the
# text is a pasted article, not a question, and we say so rather than search it.
MAX_QUERY_CHARS = 1000
# Candidates ranked before the relevance decision: deep pages of answers are rare, and a
# forged page number must not make a search rank the whole corpus. 30, not 50: a passage the
# fused BM25 ranks past 30th that the rerank lifts into the first three is more often a loose
# match to an unanswerable question than the answer (reader sets, relabelled: refused +3 / +5
# / 0 / +4 / 0 / 0 / 0 points on development and held out 1–6, top-3 −1 on development, level
# elsewhere; 20 and 25 no better), and the relevance rule then judges 40% fewer passages.
MIN_CANDIDATES = 30
MAX_CANDIDATES = 200
# A question asking for a name by «اسم» («ايش اسم الفندق اللي احترق بالدمام؟») is answered
# only when a quote shown names one (index.direct.gives_name): the articles tell the hotel
# fire, not the hotel's name. Refused +3 / +3 / +2 / +4 / +2 / +3 unanswerable questions of
# the development and held-out sets 1–5, for 0 / 0 / 1 / 0 / 0 / 0 right answers lost.
NAME_SLOT = True
# …unless one of the next NAME_FURTHER results, scoring at least NAME_FURTHER_SCORE of the
# first, names it: then that quote comes first. Measured on development and held out 1–6: at
# 0.6, top-3 +2 points on held out 5 (one question) and nothing else moved; at 0.5, top-3 +1 /
# 0 / +2 / 0 / 0 / +2 / 0 but refused −4 points on held out 3, 4 and 6 (a name of another story
# read as the asked one: «الناطق باسم قاعدة العند قائد نصر» for «مين قائد غرفة عمليات
# الجنوب…؟»); at 0.75, nothing.
NAME_FURTHER = 10
NAME_FURTHER_SCORE = 0.6
# A question is first asked of the articles of the chat's previous answer (answer(follows=…)),
# by the same relevance rule. Measured (eval's "in conversation" rows: each question after an
# opener about its story), top-3 on development and held out 1–6: 83→87 / 71→71 / 75→78 /
# 65→65 / 67→73 / 51→55 / 53→58, refusal unchanged. A looser rule there (coverage
# 0.35, one concept of half the question's weight left out) answered more (top-3 up to 90 /
# 78 / 82 / 69 / 80 / 64 / 82) but refused 7 / 5 / 20 / 8 / 0 / 0 / 8 points fewer: not taken.
FOLLOW_UPS = True
# How the fields are derived from the stored tokens (a snapshot of other fields is stale).
FIELDS = f"light,root({ROOTS_VERSION}),title"
# Doc ids are never reused: a changed article's passages get new ones, and only a build
# numbers them afresh. A start rebuilds instead of loading a snapshot past this share of dead
# doc ids (each still costs ~70 bytes in per-doc arrays and search buffers).
MAX_DEAD_SHARE = 0.5
# From this many passages an answer's ranking — its one long CPU step, p50 1.4 / p99 3.7 ms
# at a million passages on ARCD questions — runs in a worker thread, so the event loop keeps
# serving other chats meanwhile; while a bulk ingest's merge and analysis share the two cores
# such a step took 10–20 ms on the loop (bench --stall). The other steps stay on the loop
# (the relevance rule 0.4 / 1.7 ms, the rest under 1.4 ms at p99): each hand-off is two
# thread wake-ups, ~0.1 ms of the answer (1M synthetic: p50 +0.12 ms with one hand-off,
# +0.2–0.35 with two). Below it a hand-off would cost more than it frees.
OFF_LOOP_FROM = 200_000
# A delta past MERGE_THRESHOLD that waits for a bulk ingest to end (index.bm25.MERGE_SHARE) is
# merged once no refresh has applied changes for this long: a feed's next poll is minutes
# away, and the merge must not wait for the next burst. Short, because until then the saved
# snapshot lags and a restart replays the delta from the store (5,000 news articles, 33,544
# passages: 7.7 s); long enough that a bulk ingest's batches (one every ~2 s in bench
# --stall) do not look idle between them.
IDLE_MERGE_SECONDS = 10.0


def check_question(text: str) -> str | None:
    """Why a question cannot be searched ("empty", "too_long"), or None."""
    text = (text or "").strip()
    if not text:
        return "empty"
    if len(text) > MAX_QUERY_CHARS:
        return "too_long"
    return None


@dataclass(frozen=True, slots=True)
class Stages:
    """A question's candidate passages and those the relevance rule accepts (passage ids,
    best first): Library.stages."""

    candidates: tuple[int, ...]
    accepted: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class _Accepted:
    candidate: Candidate
    context: PassageContext


class Library:
    """The store plus its derived BM25 fields."""

    def __init__(
        self, store: Store, *, k1: float = K1, b: float = B, epsilon: float = EPSILON,
        ranker: Callable[[Fields], Ranker] = FusedBM25, synonyms: Thesaurus | None = None,
        snapshots: Path | None = None, on_refresh: Callable[[int], None] | None = None,
    ) -> None:
        self.store = store
        # called after each refresh with how many articles it applied (index.collector)
        self._on_refresh = on_refresh
        self._params = (k1, b, epsilon)
        self.fields = Fields.empty(k1, b, epsilon)
        self._make_ranker = ranker  # the seam: a reranker is a new Ranker built on the fields
        self.ranker: Ranker = ranker(self.fields)
        self.synonyms = synonyms if synonyms is not None else Thesaurus.default()
        self._docs = DocMap()  # doc → passage, article → docs
        self._cursor = 0
        # The folder of index snapshots (None: none are read or written); the key a snapshot
        # of this store must have, known once built; how many article changes this library
        # has applied, and how many of them the snapshot last saved or loaded holds.
        self.snapshots = snapshots
        self._key: snapshot.Key | None = None
        self._applied = 0
        self._saved_applied: int | None = None
        # Set by build(): "loaded" (from a snapshot) or "built" (from every passage).
        self.source = ""
        self._refresh_lock = asyncio.Lock()
        # A merge of the delta segment, running in a worker thread; questions never wait on it.
        self._merging: asyncio.Future[bool] | None = None
        self._changed_at = time.monotonic()  # when a refresh last applied changes
        self.vocabulary = IndexVocabulary(lambda: self.fields.light)
        # The relevance rule (index.relevance); None: the calibrated defaults.
        self.min_coverage: float | None = None
        self.max_missing: float | None = None

    @property
    def index(self) -> BM25Index:
        """The light-stem BM25 field (what rank-bm25 equality is tested on)."""
        return self.fields.light

    @property
    def passages(self) -> int:
        return len(self.fields.light)

    def passage_of(self, doc: int) -> int:
        """The stored passage id an index doc holds."""
        return self._docs.passage(doc)

    async def build(self, *, reuse: bool = True) -> int:
        """(Re)build the index from the store; passages analysed by an older analyzer version
        are re-tokenized first. Returns the number of passages indexed.

        With a snapshot folder, a snapshot of this store, analyzer version and parameters is
        loaded instead and the changes stored since it replayed (unless `reuse` is False, as
        for /reindex, or passages were just re-tokenized: that changes no change log); a
        build saves a new one."""
        async with self._refresh_lock:
            retokenized = await retokenize_stale(self.store)
            if self.snapshots is not None:
                store_id, tokens = await self.store.schema.identity()
                self._key = snapshot.Key(store_id, tokens, PASSAGE_VERSION, self._params, FIELDS)
            if reuse and not retokenized and self._key is not None and await self._load():
                await self._apply_changes()
                self.source = "loaded"
            else:
                await self._rebuild()
                self.source = "built"
        return self.passages

    async def _load(self) -> bool:
        """Load the snapshot of this library's key; False (logged) when there is none usable."""
        assert self.snapshots is not None and self._key is not None
        folder, key, params = self.snapshots, self._key, self._params

        def load() -> tuple[snapshot.Loaded, Fields, DocMap]:
            loaded = snapshot.load(folder, key)
            return loaded, Fields.from_frozen(loaded.fields, *params), DocMap(loaded.doc_map)

        try:
            loaded, fields, docs = await asyncio.to_thread(load)
        except snapshot.Unusable as why:
            log.info("index snapshot not used (%s): building from the stored passages", why)
            return False
        except Exception:  # a bug in reading it must cost a rebuild, not the start
            log.exception("index snapshot %s failed to load: building from the stored passages",
                          snapshot.path_for(folder, key))
            return False
        saved = loaded.snapshot
        if len(fields.light) < (1 - MAX_DEAD_SHARE) * fields.light.n_docs:
            log.info("index snapshot %s: %d of its %d doc ids are dead; building anew",
                     saved.path, fields.light.n_docs - len(fields.light), fields.light.n_docs)
            return False
        if saved.cursor > await self.store.articles.change_cursor():
            log.warning("index snapshot %s is ahead of the store's change log (a restored "
                        "backup?): building from the stored passages", saved.path)
            return False
        # filed only for a snapshot that is used (~0.3 s at a 500k-word vocabulary)
        tables = await asyncio.to_thread(VocabularyTables.of, fields.light)
        self._install(fields, docs, saved.cursor, tables)
        self._saved_applied = self._applied
        log.info("index loaded from %s (%.0f MB, %d passages)", saved.path,
                 saved.size / 2**20, self.passages)
        return True

    def _install(
        self, fields: Fields, docs: DocMap, cursor: int, tables: VocabularyTables
    ) -> None:
        self.fields = fields
        self.ranker = self._make_ranker(fields)
        self._docs = docs
        self._cursor = cursor
        self.vocabulary.adopt(tables)

    async def _rebuild(self) -> None:
        """Index every stored passage; with a snapshot folder, save the result there."""
        # read first: later events replay safely
        cursor = await self.store.articles.change_cursor()
        rows = await self.store.articles.all_passages()
        titles = {a: analyze(t) for a, t in (await self.store.articles.titles()).items()}
        fields = Fields.empty(*self._params)
        docs = DocMap.of_rows(np.fromiter((r.id for r in rows), np.int64, len(rows)),
                              np.fromiter((r.article_id for r in rows), np.int64, len(rows)))

        def fill() -> VocabularyTables:
            fields.light.add_many_joined(r.tokens for r in rows)
            fields.root.add_many_joined(roots_joined(r.tokens) for r in rows)
            fields.title.add_many(titles.get(r.article_id, []) for r in rows)
            if self._key is not None:
                # nothing to merge after a build: this only gives each field's state
                self._save(fields.start_merge(), docs.state(), cursor, self._key, self._applied)
            return VocabularyTables.of(fields.light)

        tables = await asyncio.to_thread(fill)
        self._install(fields, docs, cursor, tables)

    def _save(
        self, merges: dict[str, Merge], docs: DocMapState, cursor: int,
        key: snapshot.Key | None, applied: int,
    ) -> bool:
        """Run the merges and save a snapshot of what they leave, under the key of when they
        started, holding the first `applied` changes (in a worker thread). True if saved; one
        that cannot be written is logged: the index answers all the same."""
        for merge in merges.values():
            merge.run()
        if self.snapshots is None or key is None:
            return False
        try:
            path = snapshot.save(self.snapshots, key, cursor,
                                 {name: m.frozen() for name, m in merges.items()}, docs)
        except OSError as err:
            log.warning("cannot save the index snapshot in %s (NABA_INDEX_DIR): %s",
                        self.snapshots, err)
            return False
        if key == self._key:
            self._saved_applied = applied
        log.info("index snapshot saved: %s (%d docs, change log at %d)", path, docs.n, cursor)
        return True

    async def refresh(self) -> int:
        """Apply articles stored since the last build/refresh; returns how many changed."""
        async with self._refresh_lock:
            changed = await self._apply_changes()
        if self._on_refresh is not None:
            self._on_refresh(changed)
        return changed

    async def _apply_changes(self) -> int:
        """refresh() under the lock."""
        changes = await self.store.articles.changes_since(self._cursor)
        events = changes.events
        if not events:
            self._cursor = changes.cursor
            self._merge_when_idle()
            return 0
        changed = list(dict.fromkeys(e.article_id for e in events))
        titles = await self.store.articles.titles(changed)
        for article_id in changed:
            self.fields.remove_many(self._docs.pop_article(article_id))
            title = analyze(titles.get(article_id, ""))
            docs = []
            for row in await self.store.articles.passages_of(article_id):
                tokens = row.tokens.split()
                docs.append(self.fields.add(tokens, roots(tokens), title))
                self._docs.append(row.id)
            if docs:
                self._docs.set_article(article_id, docs)
        self._cursor = changes.cursor
        self._applied += len(changed)
        self._changed_at = time.monotonic()
        if self.fields.merge_due(MERGE_THRESHOLD, MERGE_SHARE) and not self._merge_running():
            # In the background: the index merges the detached delta and swaps the result in
            # under its own lock (index.bm25), so a question asked meanwhile — which
            # refreshes first — need not wait seconds for it (issue 13's stall). With a
            # snapshot folder the merged index is saved, so a start replays little.
            self._merge_in_background()
        return len(changed)

    def _merge_when_idle(self) -> None:
        """A refresh that found nothing new: merge a delta past MERGE_THRESHOLD that waited
        for its ingest to end (MERGE_SHARE), once nothing changed for IDLE_MERGE_SECONDS —
        so the saved snapshot catches up and a restart replays little."""
        if (self.fields.merge_due(MERGE_THRESHOLD, 0.0) and not self._merge_running()
                and time.monotonic() - self._changed_at >= IDLE_MERGE_SECONDS):
            self._merge_in_background()

    def _merge_running(self) -> bool:
        return self._merging is not None and not self._merging.done()

    def _merge_in_background(self) -> asyncio.Future[bool]:
        """Merge every field's delta, and save a snapshot, in a worker thread. Called under
        the refresh lock: the merges detach their deltas at the very moment the doc map and
        the cursor are read, so the snapshot is the index at that cursor."""
        merges = self.fields.start_merge()
        self._merging = asyncio.ensure_future(
            workers.in_background(self._save, merges, self._docs.state(), self._cursor,
                                  self._key, self._applied)
        )
        self._merging.add_done_callback(_merge_done)
        return self._merging

    async def save_snapshot(self) -> bool:
        """Merge and save a snapshot now unless the one in the folder reflects the index
        already (`python -m bot index`, so the bot starts from it). True if one was saved."""
        if self._key is None:
            return False
        while True:
            if self._merge_running():
                await asyncio.wait([self._merging])
            async with self._refresh_lock:
                if self._merge_running():
                    continue  # a refresh started one meanwhile
                if self._saved_applied == self._applied:
                    return False
                merging = self._merge_in_background()
            await asyncio.wait([merging])
            return merging.exception() is None and merging.result()

    # ---- answering -------------------------------------------------------------------------

    def parse(self, text: str) -> ParsedQuery:
        """Step 1: the question's concepts, read against this index's vocabulary."""
        return parse_query(text, self.vocabulary, self.synonyms.alternatives)

    async def answer(
        self, query: str, top: int = DEFAULT_TOP, offset: int = 0, *,
        where: Callable[[Article], bool] | None = None, today: date | None = None,
        dates: bool = True, follows: Collection[int] = (),
    ) -> Answer:
        """The best `top` passages after the first `offset`, each quoted and attributed;
        `where` keeps only passages of the articles it accepts (a date range, an outlet).
        Days the question names («أمس», «الأسبوع الماضي», «5 أغسطس», against `today`, by
        default the UTC date) keep the articles published then — unless none answers, when
        the question is answered from all; «آخر أخبار …» puts the newest first (`dates=False`
        reads no dates, for measuring what they bring). `follows`: the articles the reader was
        just shown (the chat's previous answer); a question they answer is answered from them
        first — «وين هربوا القادة العسكريين؟» after «شو صار بدرعا؟» means Daraa's commanders,
        not the Houthis' of another story that words it as well — and from all otherwise.

        >>> # await library.answer("شو صار بدرعا؟")
        """
        if top <= 0 or offset < 0:
            raise ValueError(f"need top > 0 and offset >= 0, got top={top}, offset={offset}")
        problem = check_question(query)
        if problem:
            return Answer(query=query, tokens=(), problem=problem)
        whole = parsed = self.parse(query.strip())
        scope = question_dates(query, today or now_utc().date()) if dates else None
        if scope is not None:
            narrowed = self.parse(scope.rest)  # «أمس» is no word to look for in a passage…
            if narrowed.concepts:
                parsed = narrowed
        if not parsed.concepts:
            return Answer(query=query, tokens=(), problem="no_words")
        if offset >= MAX_CANDIDATES:
            return Answer(query=query, tokens=parsed.tokens)  # nothing ranks that deep
        if follows and offset == 0 and FOLLOW_UPS:
            followed = await self._follow_up(query, parsed, follows, where, top)
            if followed is not None:
                return followed
        want = min(MAX_CANDIDATES, max(MIN_CANDIDATES, 4 * (offset + top)))
        dated = scope is not None and scope.first is not None
        ranked = await self._retrieve(parsed, MAX_CANDIDATES if dated else want)
        accepted = await self._decide(parsed, ranked, where, scope if dated else None)
        if dated and not accepted:
            # …unless those days hold no answer: then the question as asked, «أمس» and all
            # (an article's «يوم أمس» may be the day the reader means), then without the days
            tries = [(whole, None), (parsed, ranked)] if parsed is not whole else [(whole, ranked)]
            for fallback, candidates in tries:
                if candidates is None:
                    candidates = await self._retrieve(fallback, want)
                # the narrowed question's candidates are already ranked (a superset): reused
                accepted = await self._decide(fallback, candidates, where)
                if accepted:
                    parsed = fallback
                    break
        if scope is not None and scope.newest:
            accepted.sort(key=_newest_first)
        return await self._answered(query, parsed, accepted, offset, top)

    async def _answered(
        self, query: str, parsed: ParsedQuery, accepted: list[_Accepted], offset: int, top: int,
        followed: bool = False,
    ) -> Answer:
        """Steps 5–6 on the accepted passages: near-copies collapsed, the page quoted."""
        # Near-copies collapse; a story's other reports do not: one result per story hid the
        # answering passage (another outlet's wording) for 5–8% of answerable reader questions
        # (top-3 67→62, 56→49, 44→36 %), and each hit names its story's outlets anyway.
        results = collapse_copies([a.candidate for a in accepted])
        hits, folded = await self._excerpts(parsed, results, accepted, offset, top)
        if NAME_SLOT and asks_name(query, parsed.kind):
            named = await self._naming_first(
                query, parsed, results, accepted, top, hits if offset == 0 else None
            )
            if named is not None:  # the page changes: quote it from the new order
                results = named
                hits, folded = await self._excerpts(parsed, results, accepted, offset, top)
        if NAME_SLOT and offset == 0 and not gives_name(query, parsed.kind, hits):
            best = hits[0]  # the story, but not the name: say where we looked
            return Answer(query=query, tokens=parsed.tokens, unnamed=attribution_of(best),
                          followed=followed)
        direct = direct_answer(query, parsed.kind, hits) if offset == 0 else None
        return Answer(
            query=query, tokens=parsed.tokens, hits=hits, total=len(results) - folded,
            direct=direct, followed=followed,
        )

    async def _naming_first(
        self, query: str, parsed: ParsedQuery, results: list[Candidate],
        accepted: Sequence[_Accepted], top: int, first_page: Sequence[Hit] | None,
    ) -> list[Candidate] | None:
        """When none of the first page's quotes (`first_page`, quoted here when None: a later
        page was asked) names what the question asks the name of, the results with the first
        of the next NAME_FURTHER that does (scoring at least NAME_FURTHER_SCORE of the first)
        moved to the front: five outlets reported the Asir bombing, the first quoted tell of
        the bomber without his name, the fourth names him. Every page of the answer is cut
        from this order, so none repeats that quote. None when the order stands."""
        if len(results) <= top:
            return None
        terms = set(parsed.weighted_terms())
        idf = {t: self.fields.light.idf(t) for t in terms}
        articles = {a.context.article.id: a.context.article for a in accepted}
        if first_page is None:
            first_page = await self._quote(results[:top], 1, terms, idf, articles)
        if gives_name(query, parsed.kind, first_page):
            return None
        floor = NAME_FURTHER_SCORE * results[0].score
        further = [c for c in results[top : top + NAME_FURTHER] if c.score >= floor]
        naming = {h.passage_id for h in await self._quote(further, 1, terms, idf, articles)
                  if gives_name(query, parsed.kind, [h])}
        for cand in further:
            if cand.passage_id in naming:
                return [cand, *(c for c in results if c is not cand)]
        return None

    async def _follow_up(
        self, query: str, parsed: ParsedQuery, follows: Collection[int],
        where: Callable[[Article], bool] | None, top: int,
    ) -> Answer | None:
        """The question asked of the passages of the articles the reader was just shown
        (every one of them, scored, not the best of the whole index); None when none of
        them answers it, by the same relevance rule as any question."""
        docs = [int(d) for article in follows for d in self._docs.docs_of(article)]
        ranked = self.ranker.score(parsed, docs)
        accepted = await self._decide(parsed, ranked, where) if ranked else []
        if not accepted:
            return None
        return await self._answered(query, parsed, accepted, 0, top, followed=True)

    async def stages(self, query: str, k: int = 50) -> Stages:
        """Where a question's passages stand before its answer is cut: the ranker's `k` best
        candidates and, of them, those the relevance rule accepts, best first (passage ids).
        The plain path — no dates, no follow-up — for measuring where a right passage is lost
        (`python -m bot eval`, index.readers.run_stages)."""
        if check_question(query):
            return Stages((), ())
        parsed = self.parse(query.strip())
        if not parsed.concepts:
            return Stages((), ())
        ranked = await self._retrieve(parsed, k)
        accepted = await self._decide(parsed, ranked)
        return Stages(tuple(self.passage_of(s.doc) for s in ranked),
                      tuple(a.context.passage_id for a in accepted))

    async def _retrieve(self, parsed: ParsedQuery, want: int) -> list[Scored]:
        """Steps 2–3 (`_rank`), in a worker thread in a large library (OFF_LOOP_FROM)."""
        if self.passages < OFF_LOOP_FROM:
            return self._rank(parsed, want)
        return await asyncio.to_thread(self._rank, parsed, want)

    def _rank(self, parsed: ParsedQuery, want: int) -> list[Scored]:
        """The ranker's candidates, then passages holding a query term that BM25 scores 0
        (idf 0: the term is in exactly half of a tiny corpus), ranked last."""
        ranked = self.ranker.rank(parsed, want)
        if len(ranked) < want:
            seen = {s.doc for s in ranked}
            counts: dict[int, int] = {}
            for term in parsed.weighted_terms():
                for doc in self.fields.light.docs_containing(term).tolist():
                    if doc not in seen:
                        counts[doc] = counts.get(doc, 0) + 1
            best = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
            ranked += [Scored(doc, 0.0) for doc, _ in best[: want - len(ranked)]]
        return ranked

    async def _decide(
        self, parsed: ParsedQuery, ranked: Sequence[Scored],
        where: Callable[[Article], bool] | None = None, days: DateScope | None = None,
    ) -> list[_Accepted]:
        """Step 4: keep the passages that cover the question (index.relevance), dropping a
        window that overlaps a passage already kept; with `days`, only passages published on
        those days or speaking of them («أمس» in the next day's report)."""
        judge = self._judge(parsed)
        credits, rows = self._may_answer(judge, ranked)
        contexts = await self.store.articles.passage_contexts(
            [self.passage_of(ranked[row].doc) for row in rows], text=False
        )
        return self._accept(judge, ranked, rows, credits, contexts, where, days)

    def _may_answer(
        self, judge: Judge, ranked: Sequence[Scored]
    ) -> tuple[np.ndarray, list[int]]:
        """Every candidate's concept credits, and the rows the rule could accept: only those
        are read from the store (issue 13: fetch only what can be shown; 61% of the reader
        questions' candidates are not)."""
        # every candidate's credits in one pass over the index, not one set per passage
        docs = np.fromiter((s.doc for s in ranked), dtype=np.int64, count=len(ranked))
        light, root, title = self.fields.light, self.fields.root, self.fields.title
        credits = judge.credits(
            len(docs), lambda terms: light.holds_each(terms, docs),
            lambda rs: root.holds_each(rs, docs), lambda terms: title.holds_each(terms, docs),
        )
        rows = np.flatnonzero(
            judge.may_answer(credits, self.min_coverage)
        ).tolist()
        return credits, rows

    def _accept(
        self, judge: Judge, ranked: Sequence[Scored], rows: Sequence[int], credits: np.ndarray,
        contexts: Mapping[int, PassageContext], where: Callable[[Article], bool] | None,
        days: DateScope | None,
    ) -> list[_Accepted]:
        """The rows whose passages the rule accepts, reranked, best first."""
        best = ranked[0].score if ranked else 0.0
        accepted: list[_Accepted] = []
        kept: dict[int, list[PassageContext]] = {}  # the accepted windows, by article
        held = _Held(self.fields.light, self._docs, judge,
                     [ctx.article_id for ctx in contexts.values()])
        for row in rows:
            scored = ranked[row]
            ctx = contexts.get(self.passage_of(scored.doc))
            if ctx is None:  # deleted since the index last refreshed
                continue
            if where is not None and not where(ctx.article):
                continue
            sequence = ctx.tokens.split()  # analysed at ingest: no re-analysis
            tokens = frozenset(sequence)
            if days is not None and not _on(ctx.article, tokens, days):
                continue
            coverage = judge.coverage(
                tokens, sequence, partial(held, ctx.article_id), credits[row]
            )
            if not coverage.answers(self.min_coverage, self.max_missing):
                continue
            if any(_overlaps(ctx, other) for other in kept.get(ctx.article_id, ())):
                continue  # an overlapping window of a passage already shown
            score = judge.rerank(
                scored.score, best, coverage, sequence, tokens,
                lead=judge.event and self._is_lead(ctx),
            )
            cand = Candidate(scored.doc, ctx.passage_id, ctx.article_id, score, tokens)
            accepted.append(_Accepted(cand, ctx))
            kept.setdefault(ctx.article_id, []).append(ctx)
        accepted.sort(key=lambda a: (-a.candidate.score, a.candidate.doc))
        return accepted

    def _is_lead(self, ctx: PassageContext) -> bool:
        """Whether the passage opens its article (a news lead: who, what, where, when)."""
        docs = self._docs.docs_of(ctx.article_id)
        return len(docs) > 0 and self._docs.passage(int(docs[0])) == ctx.passage_id

    async def _excerpts(
        self, parsed: ParsedQuery, results: Sequence[Candidate], accepted: Sequence[_Accepted],
        offset: int, top: int,
    ) -> tuple[tuple[Hit, ...], int]:
        """Step 6: quote the page of results, each with the outlets that ran a near-copy or the
        same quoted words (index.results.merge_same_quotes); also how many results the
        merging folded away so far. The quotes before the page are made too, so that a page
        never repeats a quote an earlier page showed."""
        terms = set(parsed.weighted_terms())
        idf = {t: self.fields.light.idf(t) for t in terms}
        articles = {a.context.article.id: a.context.article for a in accepted}
        want = offset + top
        hits: list[Hit] = []
        done = 0
        while len(hits) < want and done < len(results):
            # a quote folded into an earlier one is replaced by the next result: a second
            # round trip to the store, which only such answers (1–2% of them) pay
            batch = results[done : done + want - len(hits)]
            hits = merge_same_quotes(
                [*hits, *await self._quote(batch, done + 1, terms, idf, articles)]
            )
            done += len(batch)
        return tuple(hits[offset:want]), done - len(hits)

    async def _quote(
        self, batch: Sequence[Candidate], first_rank: int, terms: set[str],
        idf: dict[str, float], articles: dict[int, Article],
    ) -> list[Hit]:
        """Hits for a batch of results, ranked from `first_rank`, with the outlets each story
        and near-copy adds; a result deleted since it was ranked is left out."""
        # the texts of the quoted passages' articles only (issue 13: not the 50 ranked)
        articles_of = [c.article_id for c in batch]
        # the three reads at once (one wake-up, not three round trips): the passages with
        # their articles' texts, the stories' other reports, and where the articles' words
        # stand (index.positions: no analysing them again)
        context, stories, known = await asyncio.gather(
            self.store.articles.passage_contexts([c.passage_id for c in batch]),
            self.store.stories.reports_of(articles_of),
            self.store.articles.terms_of(articles_of),
        )
        hits = []
        for rank, cand in enumerate(batch, start=first_rank):
            also = [Attribution(a.id, a.title, a.source, a.published, a.url)
                    for a in (articles[i] for i in cand.copies)]
            # and the other reports of the article's story (index.stories): the outlets that
            # reported the same event in their own words
            shown = {cand.article_id, *cand.copies}
            also += [Attribution(m.article_id, m.title, m.source, m.published, m.url)
                     for m in stories.get(cand.article_id, [])
                     if m.article_id not in shown]
            if cand.passage_id not in context:
                continue  # deleted since it was ranked: nothing left to quote
            hits.append(make_hit(rank, cand.score, context[cand.passage_id], terms, idf, also,
                                 known.get(cand.article_id, ())))
        return hits

    async def matches_topic(self, topic: str, article_id: int) -> bool:
        """Whether an article is about `topic` (digest filters): one of its passages covers
        the topic by the rule answers use."""
        parsed = self.parse(topic)
        if not parsed.concepts:
            return True
        judge = self._judge(parsed)
        for row in await self.store.articles.passages_of(article_id):
            sequence = row.tokens.split()
            coverage = judge.coverage(set(sequence), sequence)
            if coverage.answers(self.min_coverage, self.max_missing):
                return True
        return False

    def _judge(self, parsed: ParsedQuery) -> Judge:
        return Judge(parsed, len(self.fields.light), self.fields.light.df)


class _Held:
    """Which candidate articles hold a concept in any of their passages (the article-context
    rule, index.relevance.ELSEWHERE), worked out for every candidate article at once the first
    time a concept is asked: one binary search per term over all their docs, not one per
    article and term (the latter was a third of answer()'s time). The docs are gathered on the
    first ask: a question whose candidates miss no concept never needs them."""

    def __init__(
        self, index: BM25Index, docmap: DocMap, judge: Judge, article_ids: Sequence[int]
    ) -> None:
        self._index, self._docmap, self._judge = index, docmap, judge
        self._wanted = list(dict.fromkeys(article_ids))
        self._by_concept: dict[int, dict[int, bool]] = {}

    def _gather(self) -> None:
        parts = [self._docmap.docs_of(a) for a in self._wanted]
        self._articles = [a for a, p in zip(self._wanted, parts, strict=True) if len(p)]
        parts = [p for p in parts if len(p)]
        self._docs = np.concatenate(parts) if parts else np.zeros(0, np.int64)
        self._starts = np.cumsum([0, *map(len, parts[:-1])]) if parts else np.zeros(0, np.int64)

    def __call__(self, article_id: int, concept: int) -> bool:
        held = self._by_concept.get(concept)
        if held is None:
            if not self._by_concept:
                self._gather()
            concept_of = self._judge.concepts[concept]
            terms = list(dict.fromkeys([*concept_of.terms, *concept_of.place]))
            found = self._index.holds_each(terms, self._docs).any(axis=0)
            flags = np.logical_or.reduceat(found, self._starts) if len(found) else ()
            held = self._by_concept[concept] = dict(
                zip(self._articles, map(bool, flags), strict=True)
            )
        return held.get(article_id, False)


def _merge_done(merge: asyncio.Future[bool]) -> None:
    if not merge.cancelled() and merge.exception() is not None:
        # the delta stays as it was and is merged next time: answers are right, only slower
        log.error("background index merge failed", exc_info=merge.exception())


def _on(article: Article, tokens: frozenset[str], days: DateScope) -> bool:
    """Published on one of `days`, or speaking of one of them."""
    published = article.published.date() if article.published else None
    return days.holds(published) or speaks_of(tokens, days)


def _newest_first(accepted: _Accepted) -> tuple[float, float]:
    published = accepted.context.article.published
    return (-(published.timestamp() if published else float("-inf")), -accepted.candidate.score)


def _overlaps(a: PassageContext, b: PassageContext) -> bool:
    return a.article_id == b.article_id and a.start < b.end and b.start < a.end


async def retokenize_stale(store: Store) -> int:
    """Re-analyse passages stored by another analyzer version (tokens are derived data) — if
    this process's version is the newest the database has seen: during a rolling deploy the
    replicas still on the old version index the new tokens as they are, instead of
    re-tokenizing them back."""
    if not await store.schema.claim_analyzer(PASSAGE_VERSION):
        log.info("analyzer %s is not the newest this store has seen; not re-tokenizing",
                 PASSAGE_VERSION)
        return 0
    stale = await store.articles.stale_passages(PASSAGE_VERSION)
    if not stale:
        return 0
    articles: dict[int, Article | None] = {}
    rows = []
    for passage in stale:
        if passage.article_id not in articles:
            articles[passage.article_id] = await store.articles.get(passage.article_id)
        article = articles[passage.article_id]
        text = article.text[passage.start : passage.end] if article else ""
        day = article.published.date() if article and article.published else None
        rows.append(Reanalysed(passage.id, *passage_terms(text, day)))
    await store.articles.retokenize(rows, PASSAGE_VERSION)
    log.info("re-tokenized %d passages for analyzer %s", len(rows), PASSAGE_VERSION)
    return len(rows)

