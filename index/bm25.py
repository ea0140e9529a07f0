"""BM25 ranking over an inverted index, score-for-score equal to rank_bm25.BM25Okapi.

Layout
------
* A **base segment** in CSR form: for term id ``t`` its postings are
  ``docs[offsets[t]:offsets[t+1]]`` (ascending doc ids, int32) with term frequencies in ``tfs``.
* A **delta segment** of per-term Python lists for documents added since the last merge. Adding a
  document touches only its own terms, so it is visible to the very next query; ``merge()`` folds
  the delta into a new base (callable from a worker thread, see ``merge``).
* Removed documents stay in the postings until the next merge but get an infinite length
  normaliser, so they score exactly 0 and are never returned; every statistic (N, df, avgdl,
  average idf) counts live documents only, so an index that added and removed documents scores
  like one built from scratch on the survivors.

Scoring follows rank_bm25.BM25Okapi exactly: ``idf = log(N - df + 0.5) - log(df + 0.5)``; a
negative idf is replaced by ``epsilon * mean(idf over the vocabulary)``; a query term repeated
counts once per occurrence; terms absent from the corpus add nothing.

Search is exact top-k by term-at-a-time MaxScore: rare terms are scored in full first; as soon as
the k-th best partial score exceeds what all remaining terms could add together, documents not
yet seen cannot enter the top k, so the remaining (long, common) posting lists are only probed
for the surviving candidates with a binary search instead of being scanned.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterable, Sequence
from itertools import chain

import numpy as np

from index.params import EPSILON, K1, B

# Documents per build chunk: big enough for numpy to amortise, small enough that one chunk's
# (term, doc) keys (~8 bytes per token) stay far below the memory budget at 1M passages.
_BUILD_CHUNK = 100_000
# Fold the delta into the base once it holds this many postings: past it, per-query list
# conversion of the delta starts to cost more than a merge does.
MERGE_THRESHOLD = 500_000


class _Vocab(dict):
    """str → dense term id; unseen terms get the next id on lookup (C-speed for known terms)."""

    def __missing__(self, key: str) -> int:
        value = self[key] = len(self)
        return value


def _grow(arr: np.ndarray, size: int, fill: float | int = 0) -> np.ndarray:
    """Return `arr` with capacity for at least `size` items (amortised doubling)."""
    if size <= len(arr):
        return arr
    new = np.full(max(size, 2 * len(arr), 16), fill, dtype=arr.dtype)
    new[: len(arr)] = arr
    return new


def _interleave(
    parts: list[tuple[np.ndarray, np.ndarray, np.ndarray]], n_terms: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Merge (terms, docs, tfs) parts, each sorted by (term, doc) and covering increasing doc
    ranges, into one CSR without a global sort: each part's postings go to their term's slot
    after those of the earlier parts."""
    counts = [np.bincount(t, minlength=n_terms) for t, _, _ in parts]
    total = np.sum(counts, axis=0) if counts else np.zeros(n_terms, dtype=np.int64)
    offsets = np.zeros(n_terms + 1, dtype=np.int64)
    np.cumsum(total, out=offsets[1:])
    nnz = int(offsets[-1])
    out_docs = np.empty(nnz, dtype=np.int32)
    out_tfs = np.empty(nnz, dtype=np.int32)
    written = np.zeros(n_terms, dtype=np.int64)
    for (terms, docs, tfs), cnt in zip(parts, counts, strict=True):
        if len(terms) == 0:
            continue
        first = np.cumsum(cnt) - cnt  # where each term's run starts inside this part
        dest = offsets[:-1][terms] + written[terms] + (np.arange(len(terms)) - first[terms])
        out_docs[dest] = docs
        out_tfs[dest] = tfs
        written += cnt
    return offsets, out_docs, out_tfs


class BM25Index:
    """An incrementally updatable BM25Okapi index.

    >>> idx = BM25Index.from_corpus([["درعا", "تحرير"], ["دمشق"], ["حمص"]])
    >>> [doc for doc, _ in idx.search(["درعا"], k=3)]
    [0]
    """

    def __init__(self, k1: float = K1, b: float = B, epsilon: float = EPSILON) -> None:
        if k1 < 0 or not 0 <= b <= 1:
            raise ValueError(f"need k1 >= 0 and 0 <= b <= 1, got k1={k1}, b={b}")
        self.k1, self.b, self.epsilon = float(k1), float(b), float(epsilon)
        self.vocab: _Vocab = _Vocab()
        self._offsets = np.zeros(1, dtype=np.int64)
        self._docs = np.zeros(0, dtype=np.int32)
        self._tfs = np.zeros(0, dtype=np.int32)
        self._delta_docs: dict[int, list[int]] = {}
        self._delta_tfs: dict[int, list[int]] = {}
        self._delta_cache: dict[int, tuple[np.ndarray, np.ndarray]] = {}
        self._delta_size = 0
        self._df = np.zeros(0, dtype=np.int64)
        self._tfmax = np.zeros(0, dtype=np.int32)
        self._doc_len = np.zeros(0, dtype=np.int64)
        self._live = np.zeros(0, dtype=bool)
        self._n_docs = 0  # doc ids handed out, live or not
        self._n_live = 0
        self._total_len = 0
        self._min_len = 0
        self._stats: tuple | None = None  # derived per change: see _statistics
        self._acc = np.zeros(0, dtype=np.float64)
        self._lock = threading.RLock()
        self._merge_lock = threading.Lock()

    # ---- building -------------------------------------------------------------------------

    @classmethod
    def from_corpus(
        cls,
        corpus: Iterable[Sequence[str]],
        k1: float = K1,
        b: float = B,
        epsilon: float = EPSILON,
    ) -> BM25Index:
        """Build from token lists; doc ids are positions in `corpus` (any iterable, streamed)."""
        index = cls(k1, b, epsilon)
        index.add_many(corpus)
        index.merge()
        return index

    def add_many(self, corpus: Iterable[Sequence[str]]) -> range:
        """Add documents in bulk straight into the base segment; returns their doc ids."""
        with self._lock:
            self.merge()
            first = self._n_docs
            parts: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
            if len(self._docs):
                parts.append((self._posting_terms(), self._docs, self._tfs))
            it = iter(corpus)
            while True:
                chunk = [doc for _, doc in zip(range(_BUILD_CHUNK), it, strict=False)]
                if not chunk:
                    break
                parts.append(self._encode_chunk(chunk))
            n_terms = len(self.vocab)
            self._offsets, self._docs, self._tfs = _interleave(parts, n_terms)
            self._ensure_term_capacity(n_terms)
            counts = np.diff(self._offsets)
            self._df[:n_terms] = counts  # merge() above dropped removed docs' postings
            nonempty = counts > 0
            if nonempty.any():
                # reduceat gives the max of each term's run; empty runs are skipped via the mask
                self._tfmax[:n_terms][nonempty] = np.maximum.reduceat(
                    self._tfs, self._offsets[:-1][nonempty]
                )
            self._invalidate()
            return range(first, self._n_docs)

    def _encode_chunk(
        self, chunk: list[Sequence[str]]
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Turn a chunk of token lists into (terms, docs, tfs) sorted by (term, doc)."""
        n = len(chunk)
        lengths = np.fromiter(map(len, chunk), dtype=np.int64, count=n)
        total = int(lengths.sum())
        ids = np.fromiter(
            map(self.vocab.__getitem__, chain.from_iterable(chunk)), dtype=np.int64, count=total
        )
        first = self._n_docs
        self._register_docs(lengths)
        if total == 0:
            empty = np.zeros(0, dtype=np.int32)
            return empty, empty, empty
        local = np.repeat(np.arange(n, dtype=np.int64), lengths)
        keys = ids * n + local
        keys.sort()
        boundary = np.empty(len(keys), dtype=bool)
        boundary[0] = True
        np.not_equal(keys[1:], keys[:-1], out=boundary[1:])
        starts = np.flatnonzero(boundary)
        tfs = np.diff(np.append(starts, len(keys))).astype(np.int32)
        uniq = keys[starts]
        terms = (uniq // n).astype(np.int32)
        docs = (uniq % n + first).astype(np.int32)
        return terms, docs, tfs

    def _register_docs(self, lengths: np.ndarray) -> None:
        n = len(lengths)
        start, end = self._n_docs, self._n_docs + n
        self._doc_len = _grow(self._doc_len, end)
        self._live = _grow(self._live, end, False)
        self._doc_len[start:end] = lengths
        self._live[start:end] = True
        self._n_docs = end
        if n:
            low = int(lengths.min())
            self._min_len = low if self._n_live == 0 else min(self._min_len, low)
        self._n_live += n
        self._total_len += int(lengths.sum())

    def _ensure_term_capacity(self, n_terms: int) -> None:
        self._df = _grow(self._df, n_terms)
        self._tfmax = _grow(self._tfmax, n_terms)

    def _posting_terms(self) -> np.ndarray:
        """The term id of every base posting (the CSR row index expanded)."""
        counts = np.diff(self._offsets)
        return np.repeat(np.arange(len(counts), dtype=np.int32), counts)

    # ---- incremental updates --------------------------------------------------------------

    def add(self, tokens: Sequence[str]) -> int:
        """Add one document to the delta segment; it is searchable on return."""
        with self._lock:
            doc = self._n_docs
            self._register_docs(np.array([len(tokens)], dtype=np.int64))
            counts = Counter(tokens)
            ids = [self.vocab[t] for t in counts]
            self._ensure_term_capacity(len(self.vocab))
            for tid, tf in zip(ids, counts.values(), strict=True):
                self._delta_docs.setdefault(tid, []).append(doc)
                self._delta_tfs.setdefault(tid, []).append(tf)
                self._delta_cache.pop(tid, None)
                self._df[tid] += 1
                if tf > self._tfmax[tid]:
                    self._tfmax[tid] = tf
            self._delta_size += len(ids)
            self._invalidate()
            return doc

    def remove(self, doc: int) -> None:
        """Remove a document: it scores 0 and leaves N, df and avgdl as if never added."""
        with self._lock:
            if not 0 <= doc < self._n_docs or not self._live[doc]:
                raise KeyError(f"no live document {doc}")
            for tid, _ in self._doc_terms(doc):
                self._df[tid] -= 1
            self._live[doc] = False
            self._n_live -= 1
            self._total_len -= int(self._doc_len[doc])
            self._invalidate()

    def _doc_terms(self, doc: int) -> list[tuple[int, int]]:
        """(term id, tf) of one document, found in the postings (removal is rare: O(nnz))."""
        found: list[tuple[int, int]] = []
        hit = np.flatnonzero(self._docs == doc)
        if len(hit):
            terms = np.searchsorted(self._offsets, hit, side="right") - 1
            found.extend(zip(terms.tolist(), self._tfs[hit].tolist(), strict=True))
        for tid, docs in self._delta_docs.items():
            if docs and docs[-1] >= doc:
                for d, tf in zip(docs, self._delta_tfs[tid], strict=True):
                    if d == doc:
                        found.append((tid, tf))
        return found

    def merge(self) -> None:
        """Fold the delta segment into the base and drop postings of removed documents.

        Built from a snapshot outside the lock, so a merge run in a worker thread (it takes
        seconds at 1M passages) does not stop queries or adds; only the swap-in is locked.
        """
        with self._merge_lock:
            with self._lock:
                if not self._delta_size and self._live[: self._n_docs].all():
                    return
                n_terms = len(self.vocab)
                offsets, docs, tfs = self._offsets, self._docs, self._tfs
                live = self._live[: self._n_docs].copy()
                snap = {t: (list(d), list(self._delta_tfs[t])) for t, d in self._delta_docs.items()}
            base_terms = np.repeat(np.arange(len(offsets) - 1, dtype=np.int32), np.diff(offsets))
            keep = live[docs]
            parts = [(base_terms[keep], docs[keep], tfs[keep])]
            if snap:
                tids = sorted(snap)
                lens = [len(snap[t][0]) for t in tids]
                total = sum(lens)
                d_terms = np.repeat(np.array(tids, dtype=np.int32), lens)
                d_docs = np.fromiter(chain.from_iterable(snap[t][0] for t in tids), np.int32, total)
                d_tfs = np.fromiter(chain.from_iterable(snap[t][1] for t in tids), np.int32, total)
                keep_d = live[d_docs]
                parts.append((d_terms[keep_d], d_docs[keep_d], d_tfs[keep_d]))
            new = _interleave(parts, n_terms)
            with self._lock:
                self._offsets, self._docs, self._tfs = new
                for tid, (merged, _) in snap.items():
                    rest_docs = self._delta_docs[tid][len(merged):]
                    rest_tfs = self._delta_tfs[tid][len(merged):]
                    self._delta_cache.pop(tid, None)
                    if rest_docs:
                        self._delta_docs[tid], self._delta_tfs[tid] = rest_docs, rest_tfs
                    else:
                        del self._delta_docs[tid], self._delta_tfs[tid]
                self._delta_size = sum(len(v) for v in self._delta_docs.values())

    @property
    def delta_size(self) -> int:
        """Postings waiting in the delta segment (see MERGE_THRESHOLD)."""
        return self._delta_size

    # ---- statistics -----------------------------------------------------------------------

    def __len__(self) -> int:
        return self._n_live

    @property
    def n_docs(self) -> int:
        """Doc ids handed out so far (live or removed)."""
        return self._n_docs

    def is_live(self, doc: int) -> bool:
        return 0 <= doc < self._n_docs and bool(self._live[doc])

    def _invalidate(self) -> None:
        self._stats = None

    def _statistics(self) -> tuple[np.ndarray, float, float]:
        """(length normaliser per doc, eps idf floor, min normaliser), recomputed after changes.

        The normaliser is rank-bm25's ``k1 * (1 - b + b * len / avgdl)``, same operation order so
        scores match to the last bit; removed docs get +inf so their contribution is exactly 0.
        """
        if self._stats is None:
            n = self._n_docs
            avgdl = self._total_len / self._n_live if self._n_live else 1.0
            norm = self.k1 * (1 - self.b + self.b * self._doc_len[:n] / avgdl)
            norm[~self._live[:n]] = np.inf
            df = self._df[: len(self.vocab)]
            df = df[df > 0].astype(np.float64)
            if len(df):
                idf = np.log(self._n_live - df + 0.5) - np.log(df + 0.5)
                eps = self.epsilon * float(idf.mean())
            else:
                eps = 0.0
            min_norm = self.k1 * (1 - self.b + self.b * self._min_len / avgdl)
            if len(self._acc) < n:
                self._acc = np.zeros(max(n, 2 * len(self._acc)), dtype=np.float64)
            self._stats = (norm, eps, min_norm)
        return self._stats

    def df(self, term: str) -> int:
        """How many live documents contain `term`."""
        tid = self.vocab.get(term)
        return 0 if tid is None else int(self._df[tid])

    def idf(self, term: str) -> float:
        """rank-bm25's idf for `term` (0 for a term no live document has)."""
        tid = self.vocab.get(term)
        if tid is None or self._df[tid] == 0:
            return 0.0
        _, eps, _ = self._statistics()
        return self._idf_of(int(self._df[tid]), eps)

    def _idf_of(self, df: int, eps: float) -> float:
        value = float(np.log(self._n_live - df + 0.5) - np.log(df + 0.5))
        return eps if value < 0 else value

    # ---- scoring --------------------------------------------------------------------------

    def _postings(self, tid: int) -> list[tuple[np.ndarray, np.ndarray]]:
        out = []
        offsets = self._offsets
        if tid + 1 < len(offsets) and offsets[tid + 1] > offsets[tid]:
            lo, hi = offsets[tid], offsets[tid + 1]
            out.append((self._docs[lo:hi], self._tfs[lo:hi]))
        if tid in self._delta_docs:
            cached = self._delta_cache.get(tid)
            if cached is None:
                cached = (
                    np.array(self._delta_docs[tid], dtype=np.int32),
                    np.array(self._delta_tfs[tid], dtype=np.int32),
                )
                self._delta_cache[tid] = cached
            out.append(cached)
        return out

    def _query_terms(self, query: Sequence[str]) -> list[tuple[int, int]]:
        """(term id, multiplicity) for query terms some live document has."""
        counts = Counter(query)
        terms = []
        for term, mult in counts.items():
            tid = self.vocab.get(term)
            if tid is not None and self._df[tid] > 0:
                terms.append((tid, mult))
        return terms

    def get_scores(self, query: Sequence[str]) -> np.ndarray:
        """Dense scores for every doc id, like BM25Okapi.get_scores (removed docs score 0)."""
        with self._lock:
            norm, eps, _ = self._statistics()
            scores = np.zeros(self._n_docs, dtype=np.float64)
            k1p = self.k1 + 1
            for tid, mult in self._query_terms(query):
                idf = self._idf_of(int(self._df[tid]), eps)
                for docs, tfs in self._postings(tid):
                    scores[docs] += mult * idf * (tfs * k1p / (tfs + norm[docs]))
            return scores

    def search(self, query: Sequence[str], k: int = 10) -> list[tuple[int, float]]:
        """Top-k (doc id, score) with score > 0, best first; ties by ascending doc id."""
        if k <= 0:
            raise ValueError(f"k must be a positive integer, got {k}")
        with self._lock:
            terms = self._query_terms(query)
            if not terms:
                return []
            norm, eps, min_norm = self._statistics()
            k1p = self.k1 + 1
            plan = []
            for tid, mult in terms:
                idf = self._idf_of(int(self._df[tid]), eps)
                tfmax = float(self._tfmax[tid])
                # slack: the bound must stay above a contribution rounded the other way
                bound = mult * idf * (tfmax * k1p / (tfmax + min_norm)) * (1 + 1e-9)
                plan.append((int(self._df[tid]), tid, mult * idf, bound))
            if any(weight <= 0 for _, _, weight, _ in plan):
                # A non-positive idf (degenerate tiny corpora) breaks the pruning argument.
                return self._top_k(self.get_scores(query), k)
            plan.sort()  # rarest first: short lists set a high bar early
            acc = self._acc
            # remaining[i]: the most that terms after the i-th can still add (exactly 0 at the end,
            # never a negative rounding residue that would prune a doc tied with the k-th)
            bounds = [p[3] for p in plan]
            remaining_after = [sum(bounds[i + 1 :]) for i in range(len(plan))]
            cand_parts: list[np.ndarray] = []
            cand: np.ndarray | None = None
            threshold = 0.0
            for (_, tid, weight, _), remaining in zip(plan, remaining_after, strict=True):
                if cand is None:
                    for docs, tfs in self._postings(tid):
                        w = weight * (tfs * k1p / (tfs + norm[docs]))
                        fresh = (acc[docs] == 0) & (w > 0)
                        acc[docs] += w
                        cand_parts.append(docs[fresh])
                    current = np.concatenate(cand_parts) if len(cand_parts) > 1 else cand_parts[0]
                    cand_parts = [current]
                    if len(current) >= k:
                        threshold = float(np.partition(acc[current], -k)[-k])
                        if remaining < threshold:
                            # Nothing unseen can reach the top k any more: probe, don't scan.
                            cand = np.sort(current)
                            cand = cand[acc[cand] + remaining >= threshold]
                else:
                    for docs, tfs in self._postings(tid):
                        pos = np.searchsorted(docs, cand)
                        pos[pos == len(docs)] = 0
                        hit = docs[pos] == cand
                        if hit.any():
                            d = cand[hit]
                            t = tfs[pos[hit]]
                            acc[d] += weight * (t * k1p / (t + norm[d]))
                    threshold = float(np.partition(acc[cand], -k)[-k]) if len(cand) >= k else 0
                    cand = cand[acc[cand] + remaining >= threshold]
            touched = cand_parts[0] if cand_parts else np.zeros(0, dtype=np.int32)
            final = cand if cand is not None else touched
            scores = acc[final]
            result = self._top_from(final, scores, k)
            acc[touched] = 0
            return result

    @staticmethod
    def _top_from(docs: np.ndarray, scores: np.ndarray, k: int) -> list[tuple[int, float]]:
        positive = scores > 0
        docs, scores = docs[positive], scores[positive]
        if len(docs) > k:
            # keep every doc tied with the k-th so the tie-break below is by doc id, not luck
            kth = np.partition(scores, len(scores) - k)[len(scores) - k]
            sel = scores >= kth
            docs, scores = docs[sel], scores[sel]
        order = np.lexsort((docs, -scores))[:k]
        return [(int(docs[i]), float(scores[i])) for i in order]

    def _top_k(self, scores: np.ndarray, k: int) -> list[tuple[int, float]]:
        return self._top_from(np.arange(len(scores), dtype=np.int64), scores, k)

    def docs_containing(self, term: str) -> np.ndarray:
        """Live doc ids whose text has `term`, ascending (for fallbacks where BM25 scores 0,
        e.g. a term in exactly half the documents has idf 0 under rank-bm25's rule)."""
        with self._lock:
            tid = self.vocab.get(term)
            if tid is None:
                return np.zeros(0, dtype=np.int64)
            parts = [docs for docs, _ in self._postings(tid)]
            docs = np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)
            return docs[self._live[docs]].astype(np.int64)
