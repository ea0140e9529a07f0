"""The compiled inner loop of BM25Index.search: one numba call per query.

The numpy search (index.bm25) spends most of a query in the interpreter and in numpy's per-call
setup: ~400 Python calls and ~80 small array calls for an 8-term question, each list sliced,
concatenated and searched again per step. Here the same algorithm runs as one compiled loop over
the postings in place: term-at-a-time MaxScore over the float32 impacts (rarest list first,
stopping once the k-th best score provably beats what the lists not scanned could add), the
surviving candidates' remaining lists probed or scanned, then every candidate's score recomputed
exactly in float64 with the very operations, in the very order, of ``BM25Index._exact`` (so the
same bits as the numpy path and as rank-bm25 within rounding).

numba rather than a C extension: it ships as wheels for every platform numpy does, bm25s uses it
for the same job, and the loop stays Python-readable next to its numpy twin. ``cache=True``
keeps the compiled code on disk (first compile ~10 s, later loads well under a second); where
no cache directory is writable the functions compile in memory instead. When numba cannot be
imported at all, or ``NABA_NO_NUMBA=1`` is set, ``search`` is None and the index uses numpy.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

import numpy as np

search: Callable[..., tuple[np.ndarray, np.ndarray]] | None = None


def _lower_bound(docs: np.ndarray, lo: int, hi: int, doc: int) -> int:
    """The first position in the sorted docs[lo:hi] holding a doc >= `doc` (hi if none)."""
    while lo < hi:
        mid = (lo + hi) >> 1
        if docs[mid] < doc:
            lo = mid + 1
        else:
            hi = mid
    return lo


def _bsearch(docs: np.ndarray, lo: int, hi: int, doc: int) -> int:
    """Position of `doc` in the sorted docs[lo:hi], or -1."""
    at = _lower_bound(docs, lo, hi, doc)
    return at if at < hi and docs[at] == doc else -1


def _argmin(values):  # type: ignore[no-untyped-def]
    best = 0
    for h in range(1, len(values)):
        if values[h] < values[best]:
            best = h
    return best


def _kth(acc, docs, n, k, top):  # type: ignore[no-untyped-def]
    """The k-th largest acc[d] over docs[:n] (0.0 when n < k), by one pass keeping the k
    largest in `top` (np.partition would copy the values and pass over them several times)."""
    if n < k:
        return 0.0
    for j in range(k):
        top[j] = acc[docs[j]]
    low_at = _argmin(top[:k])
    low = top[low_at]
    for j in range(k, n):
        v = acc[docs[j]]
        if v > low:
            top[low_at] = v
            low_at = _argmin(top[:k])
            low = top[low_at]
    return float(low)


def _gallop(docs, lo, hi, doc):  # type: ignore[no-untyped-def]
    """The first position in docs[lo:hi] (sorted) holding a doc >= `doc` (hi if none):
    exponential then binary search, cheap when the answer is near `lo`."""
    step = 1
    while lo + step < hi and docs[lo + step] < doc:
        lo += step
        step *= 2
    if lo < hi and docs[lo] >= doc:
        return lo
    return _lower_bound(docs, lo, min(lo + step + 1, hi), doc)


def _offer(d, v, live, heap_doc, heap_val, size, low, low_at):  # type: ignore[no-untyped-def]
    """Doc d's accumulator grew to v > low: keep the heap the k best live accumulators.
    Returns the new (size, low, low_at). A doc already in the heap always gets here when it
    grows (its old value was >= low), so a linear search of the k entries finds it; no
    per-doc mark is read for the postings that do not beat low."""
    k = len(heap_doc)
    for h in range(size):
        if heap_doc[h] == d:
            heap_val[h] = v
            if size == k and h == low_at:
                low_at = _argmin(heap_val)
                low = heap_val[low_at]
            return size, low, low_at
    if not live[d]:
        return size, low, low_at
    if size < k:
        heap_doc[size] = d
        heap_val[size] = v
        size += 1
        if size == k:
            low_at = _argmin(heap_val)
            low = heap_val[low_at]
    else:
        heap_doc[low_at] = d
        heap_val[low_at] = v
        low_at = _argmin(heap_val)
        low = heap_val[low_at]
    return size, low, low_at


def _add_delta(  # type: ignore[no-untyped-def]
    i, weights, d_off, d_docs, d_tfs, doc_len, live, k1, b, avgdl, acc, heap_doc, heap_val,
    size, low, low_at,
):
    """Add query term i's delta postings to the accumulator, scored exactly then rounded;
    returns the heap's new (size, low, low_at)."""
    k1p = k1 + 1.0
    for q in range(d_off[i], d_off[i + 1]):
        d = d_docs[q]
        if live[d]:
            tf = float(d_tfs[q])
            norm = k1 * (1 - b + b * float(doc_len[d]) / avgdl)
            v = acc[d] + np.float32(weights[i] * (tf * k1p / (tf + norm)))
            acc[d] = v
            if v > low:
                size, low, low_at = _offer(d, v, live, heap_doc, heap_val, size, low, low_at)
    return size, low, low_at


def _search(  # type: ignore[no-untyped-def]
    tids, weights, offsets, docs, tfs, impacts, max_impact, doc_len, live, n_docs,
    d_off, d_docs, d_tfs, k, lo, hi, slack, k1, b, avgdl, probe_cost, stop_cost,
    acc, seen, cand, buf,
):
    """Exact top-k (docs, scores) of a query: best first, ties by ascending doc id, scores > 0.

    n_docs: doc ids in use (acc and live may be longer).
    tids/weights: the query terms (weight = multiplicity * idf, all > 0), in the order the
    exact scores are summed. Base postings of term t: docs/tfs/impacts[offsets[t]:offsets[t+1]];
    delta postings of query term i: d_docs/d_tfs[d_off[i]:d_off[i+1]] (ascending docs).
    lo/hi/slack: how far the float32 impacts may be from the true term factors (see
    BM25Index._candidates). probe_cost: probe the candidates in a list when their number
    times this is below its length; stop_cost: stop scanning only when the postings scanned
    times this are below those left. acc (float32), seen (uint8), cand (int32), buf (float32):
    n_docs-long buffers; acc and seen are all zero on entry and are left so.
    """
    n = len(tids)
    k1p = k1 + 1.0
    n_terms = len(offsets) - 1
    a = np.zeros(n, np.int64)
    e = np.zeros(n, np.int64)
    w32 = np.empty(n, np.float32)
    bound = np.zeros(n, np.float64)
    length = np.zeros(n, np.int64)
    for i in range(n):
        t = tids[i]
        if t < n_terms:
            a[i] = offsets[t]
            e[i] = offsets[t + 1]
        w32[i] = np.float32(weights[i])
        if e[i] > a[i]:
            bound[i] = float(w32[i]) * float(max_impact[t]) * (1 + slack)
        for p in range(d_off[i], d_off[i + 1]):
            d = d_docs[p]
            if live[d]:
                tf = float(d_tfs[p])
                norm = k1 * (1 - b + b * float(doc_len[d]) / avgdl)
                v = weights[i] * (tf * k1p / (tf + norm)) * (1 + slack)
                if v > bound[i]:
                    bound[i] = v
        length[i] = e[i] - a[i] + d_off[i + 1] - d_off[i]
    order = np.argsort(length, kind="mergesort")  # rarest first: short lists set a high bar
    rest = np.zeros(n, np.float64)  # rest[j]: the most the terms after the j-th can add
    for j in range(n - 2, -1, -1):
        rest[j] = rest[j + 1] + bound[order[j + 1]]

    # Scan lists into the float32 accumulator until the rest cannot reach the top k. The k
    # best live accumulators so far are kept as they change: scores only grow, so the
    # smallest of them is the k-th best, known after every list at no extra pass.
    # No list of touched docs is kept: appending to one makes each posting wait for the
    # previous one's memory load; the scanned lists themselves say which docs were touched.
    heap_doc = np.full(k, -1, np.int64)
    heap_val = np.zeros(k, np.float32)
    size = 0
    low = np.float32(-1.0)  # the smallest value in a full heap; -1 until it is full
    low_at = 0
    lower = 0.0  # a lower bound on the k-th best true score
    scanned = 0
    done = 0  # postings scanned
    total = 0
    for i in range(n):
        total += length[i]
    for j in range(n):
        i = order[j]
        wi = w32[i]
        for p in range(a[i], e[i]):
            d = docs[p]
            v = acc[d] + wi * impacts[p]
            acc[d] = v
            if v > low:
                size, low, low_at = _offer(d, v, live, heap_doc, heap_val, size, low, low_at)
        size, low, low_at = _add_delta(i, weights, d_off, d_docs, d_tfs, doc_len, live, k1, b,
                                       avgdl, acc, heap_doc, heap_val, size, low, low_at)
        scanned = j + 1
        if size == k:
            lower = max(lower, lo * float(low))
        done += e[i] - a[i] + d_off[i + 1] - d_off[i]
        # Stop when no unseen doc can reach the top k, unless the candidates left (at most
        # one per posting scanned) would cost more to probe than the rest costs to scan.
        if hi * rest[j] < lower and done * stop_cost < total - done:
            break

    # Candidates: live docs that may still reach the k-th best score (seen = 2 marks them,
    # their acc is kept); every other scanned accumulator is reset on the way.
    cut = lower / hi - rest[scanned - 1]
    cand_val = buf
    n_cand = 0
    if cut > 0 and 4 * done > n_docs:
        # Most docs were touched: one pass over the whole accumulator streams through memory
        # and finds the candidates in doc order; walking the postings again would cost more.
        for d in range(n_docs):
            v = acc[d]
            acc[d] = 0
            if v >= cut and live[d]:
                seen[d] = 2
                cand[n_cand] = d
                cand_val[n_cand] = v
                n_cand += 1
        scanned_again = 0
    else:
        scanned_again = scanned
    for j in range(scanned_again):
        i = order[j]
        for p in range(a[i], e[i] + d_off[i + 1] - d_off[i]):
            d = docs[p] if p < e[i] else d_docs[p - e[i] + d_off[i]]
            v = acc[d]
            acc[d] = 0
            if v >= cut and seen[d] == 0 and live[d]:
                seen[d] = 2
                cand[n_cand] = d
                cand_val[n_cand] = v
                n_cand += 1
    for c in range(n_cand):
        acc[cand[c]] = cand_val[c]

    # The lists not scanned: probed for each candidate, or scanned when that is cheaper.
    for j in range(scanned, n):
        if n_cand <= k:
            break
        i = order[j]
        wi = w32[i]
        if n_cand * probe_cost < e[i] - a[i]:
            # sorted candidates, each found by galloping on from the previous one's position
            cand[:n_cand].sort()
            p = a[i]
            for c in range(n_cand):
                d = cand[c]
                p = _gallop(docs, p, e[i], d)
                if p < e[i] and docs[p] == d:
                    acc[d] += wi * impacts[p]
        else:
            for p in range(a[i], e[i]):
                d = docs[p]
                if seen[d] == 2:
                    acc[d] += wi * impacts[p]
        for q in range(d_off[i], d_off[i + 1]):
            d = d_docs[q]
            if seen[d] == 2:
                tf = float(d_tfs[q])
                norm = k1 * (1 - b + b * float(doc_len[d]) / avgdl)
                acc[d] += np.float32(weights[i] * (tf * k1p / (tf + norm)))
        lower = max(lower, lo * _kth(acc, cand, n_cand, k, cand_val))
        cut = lower / hi - rest[j]
        kept = 0
        for c in range(n_cand):
            d = cand[c]
            if acc[d] >= cut:
                cand[kept] = d
                kept += 1
            else:
                acc[d] = 0
                seen[d] = 0
        n_cand = kept

    # Exact float64 scores, summed term by term in query order as BM25Index._exact does.
    sel = np.sort(cand[:n_cand])
    for c in range(n_cand):
        acc[sel[c]] = 0
        seen[sel[c]] = 0
    scores = np.zeros(n_cand, np.float64)
    for c in range(n_cand):
        d = sel[c]
        norm = k1 * (1 - b + b * float(doc_len[d]) / avgdl)
        s = 0.0
        for i in range(n):
            if e[i] > a[i]:
                p = _bsearch(docs, a[i], e[i], d)
                if p >= 0:
                    tf = float(tfs[p])
                    s += weights[i] * (tf * k1p / (tf + norm))
            if d_off[i + 1] > d_off[i]:
                p = _bsearch(d_docs, d_off[i], d_off[i + 1], d)
                if p >= 0:
                    tf = float(d_tfs[p])
                    s += weights[i] * (tf * k1p / (tf + norm))
        scores[c] = s
    # best first, ties by ascending doc id: a stable sort of docs already ascending
    rank = np.argsort(-scores, kind="mergesort")
    m = 0
    while m < min(k, n_cand) and scores[rank[m]] > 0:
        m += 1
    return sel[rank[:m]], scores[rank[:m]]


def _compile() -> Callable[..., tuple[np.ndarray, np.ndarray]] | None:
    if os.environ.get("NABA_NO_NUMBA"):
        return None
    try:
        import numba
    except ImportError:
        return None

    def jit(fn: Any, cache: bool) -> Any:
        return numba.njit(cache=cache, nogil=True)(fn)

    try:
        # one dispatcher per function; the helpers are inlined into _search's compilation
        return _jit_all(jit, True)
    except RuntimeError:  # no writable cache directory (numba's "cannot cache" error)
        return _jit_all(jit, False)


def _jit_all(jit: Callable[[Any, bool], Any], cache: bool) -> Any:
    """Compile the helpers first: _search finds them as module globals when it compiles."""
    names = ("_lower_bound", "_add_delta", "_argmin", "_bsearch", "_gallop", "_kth", "_offer")
    for name in names:
        fn = globals()[name]
        globals()[name] = jit(getattr(fn, "py_func", fn), cache)
    return jit(_search, cache)


search = _compile()
