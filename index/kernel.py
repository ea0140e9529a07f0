"""The compiled inner loop of BM25Index.search: one numba call per query.

The numpy search (index.bm25) spends most of a query in the interpreter and in numpy's per-call
setup: ~400 Python calls and ~80 small array calls for an 8-term question, each list sliced,
concatenated and searched again per step. Here the same algorithm runs as one compiled loop over
the postings in place: term-at-a-time MaxScore over the float32 impacts (rarest list first,
stopping once the k-th best score provably beats what the lists not scanned could add), the
surviving candidates' remaining lists probed or scanned, then every candidate's score recomputed
exactly in float64 with the very operations, in the very order, of ``BM25Index._exact`` (so the
same bits as the numpy path and as rank-bm25 within rounding).

Queries over many postings (long questions of common terms, where MaxScore with one bound per
term seldom stops and every posting misses the cache in a 4 MB accumulator) run window by window
instead (``_windowed``): block-max MaxScore over fixed ranges of doc ids, with per-window bounds
of the long lists saved with the base (``index.bm25.window_bounds``). Both paths end in the
same exact rescoring; the numpy search has only the first.

Base postings are read where they lie, packed (index.postings, snapshot format 4): a doc id
by its position in O(1) (``_doc``: its block's line plus its bit-packed distance), so binary
searches, gallops and probes work by positions as on a plain array; scans decode block by
block (``_block`` once, then ``_doc_in`` a posting), the impact code from its own byte array.

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

# After a term-at-a-time scan, the candidates come from one sweep of the whole accumulator
# (_sweep) when the postings scanned times this exceed the docs, else from the scanned lists
# walked again. Measured on the realistic 100k long questions, the kernel alone, p50 / p95:
# 4 (a branchy sweep) 65 / 110 µs; vectorised sweep at 4: 64 / 104, 8: 55 / 101, 16: 55 / 97,
# 32: 57 / 140, 64: 59 / 146.
SWEEP_FROM = 16

search: Callable[..., tuple[np.ndarray, np.ndarray]] | None = None
exact: Callable[..., np.ndarray] | None = None
holds: Callable[..., np.ndarray] | None = None


def _lower_bound(keys: np.ndarray, lo: int, hi: int, key: int) -> int:
    """The first position in the sorted keys[lo:hi] holding a value >= `key` (hi if none).

    A select per step, not a branch: each step's outcome is a coin toss, and a mispredicted
    branch costs more than the load it waits for."""
    n = hi - lo
    if n <= 0:
        return lo
    while n > 1:
        half = n >> 1
        lo = lo + half if keys[lo + half] < key else lo
        n -= half
    return lo + (keys[lo] < key)


def _bsearch(keys: np.ndarray, lo: int, hi: int, doc: int) -> int:
    """Position of `doc` in the sorted keys[lo:hi] (delta doc ids), or -1."""
    at = _lower_bound(keys, lo, hi, doc)
    return at if at < hi and keys[at] == doc else -1


# ---- base postings (index.postings): doc ids packed by blocks of 128, read by position ----
# P is the tuple (doc_first, doc_meta, doc_bits, codes) of index.postings.Postings: a block's
# first doc id (searches), its row (base, slope, start: what a read needs), the bits, the codes.


def _block(P, b):  # type: ignore[no-untyped-def]
    """Block b's constants: (where its bits start, its width, its line's base and slope, the
    mask of its width's bits)."""
    m = P[1]
    s = np.int64(m[b, 2])
    w = (np.int64(m[b + 1, 2]) - s) >> 2
    return s, w, np.int64(m[b, 0]), np.int64(m[b, 1]), (np.int64(1) << w) - 1


def _doc_in(bits, s, w, base, slope, mask, i):  # type: ignore[no-untyped-def]
    """Doc id i (0..127) of the block with these constants (see _block)."""
    if w == 32:  # one word a value, unshifted: every block of plain postings (index.postings
        # .Postings.plain, base and slope 0), so the branch is predicted and hoisted in scans
        return base + ((i * slope) >> 7) + np.int64(bits[s + i])
    bit = i * w
    at = s + (bit >> 5)
    x = (np.int64(bits[at + 1]) << 32) | np.int64(bits[at])
    return base + ((i * slope) >> 7) + ((x >> (bit & 31)) & mask)


def _plain(P):  # type: ignore[no-untyped-def]
    """Whether the base's doc ids are plain words (index.postings.is_plain)."""
    return len(P[2]) == (len(P[0]) << 7) + 3


def _doc(P, p):  # type: ignore[no-untyped-def]
    """The doc id of base posting p."""
    if _plain(P):
        return np.int64(P[2][p])
    s, w, base, slope, mask = _block(P, p >> 7)
    return _doc_in(P[2], s, w, base, slope, mask, p & 127)


def _first_ge(P, lo, hi, doc):  # type: ignore[no-untyped-def]
    """The first base posting in lo..hi-1 (one block) of a doc id >= `doc` (hi if none)."""
    if lo >= hi:
        return lo
    blk = lo >> 7
    s, w, base, slope, mask = _block(P, blk)
    bits = P[2]
    first = blk << 7
    n = hi - lo
    while n > 1:  # a select per step, as in _lower_bound
        half = n >> 1
        lo = lo + half if _doc_in(bits, s, w, base, slope, mask, lo + half - first) < doc else lo
        n -= half
    return lo + (_doc_in(bits, s, w, base, slope, mask, lo - first) < doc)


def _seek(P, lo, hi, doc, gallop):  # type: ignore[no-untyped-def]
    """The first base posting in lo..hi-1 (one list) of a doc id >= `doc` (hi if none): the
    blocks that start inside the range searched by their first doc ids (doc_first: binary
    search, or galloping from lo), then the one block left by position."""
    if lo >= hi:
        return lo
    first = P[0]
    b_lo = (lo >> 7) + 1  # the blocks whose first posting is in lo+1..hi-1
    b_hi = ((hi - 1) >> 7) + 1
    if gallop:
        step = 1
        j = b_lo
        while j + step - 1 < b_hi and first[j + step - 1] < doc:
            j += step
            step *= 2
        top = min(j + step - 1, b_hi)
    else:
        j, top = b_lo, b_hi
    while j < top:  # the first block of these whose first doc id is >= doc
        mid = (j + top) >> 1
        if first[mid] < doc:
            j = mid + 1
        else:
            top = mid
    # the answer is in the block before block j, from lo on, up to block j's first posting
    end = min(j << 7, hi)
    return _first_ge(P, max(lo, (j - 1) << 7), end, doc)


def _lower_doc(P, lo, hi, doc):  # type: ignore[no-untyped-def]
    """The first base posting in lo..hi-1 (one list) of a doc id >= `doc` (hi if none)."""
    return _seek(P, lo, hi, doc, False)


def _bsearch_doc(P, lo, hi, doc):  # type: ignore[no-untyped-def]
    """Position of `doc` in the base postings lo..hi-1 (one list), or -1."""
    if _plain(P):
        at = _lower_bound(P[2], lo, hi, doc)
        return at if at < hi and P[2][at] == doc else -1
    at = _lower_doc(P, lo, hi, doc)
    return at if at < hi and _doc(P, at) == doc else -1


def _gallop_doc(P, lo, hi, doc):  # type: ignore[no-untyped-def]
    """_lower_doc galloping from lo, cheap when the answer is near it."""
    return _seek(P, lo, hi, doc, True)


def _tf_at(p, d, codes, doc_len, tf_table, exc_pos, exc_tf):  # type: ignore[no-untyped-def]
    """The term frequency of base posting p (of doc d): from its document's length and impact
    code, or else from the exceptions (index.postings.TfCodes)."""
    length = doc_len[d]
    if length < tf_table.shape[0]:
        tf = tf_table[length, codes[p]]
        if tf > 0:
            return tf
    return exc_tf[_lower_bound(exc_pos, 0, len(exc_pos), p)]


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


def _gallop(keys, lo, hi, key):  # type: ignore[no-untyped-def]
    """The first position in keys[lo:hi] (sorted) holding a value >= `key` (hi if none):
    exponential then binary search, cheap when the answer is near `lo` (delta doc ids; the
    base's postings: _gallop_doc)."""
    step = 1
    while lo + step < hi and keys[lo + step] < key:
        lo += step
        step *= 2
    if lo < hi and keys[lo] >= key:
        return lo
    return _lower_bound(keys, lo, min(lo + step + 1, hi), key)


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
    # the insert repeats _push's on purpose: called per posting, routing it through _push
    # measured slower (realistic 100k long questions, p95 ÷ bm25s 0.91–0.93 → 1.03)
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


def _push(d, v, heap_doc, heap_val, size, low, low_at):  # type: ignore[no-untyped-def]
    """Offer doc d's complete approximate score v (each doc once): keep the k best. Returns
    the heap's new (size, low, low_at)."""
    k = len(heap_doc)
    if size < k:
        heap_doc[size] = d
        heap_val[size] = v
        size += 1
        if size == k:
            low_at = _argmin(heap_val)
            low = heap_val[low_at]
    elif v > low:
        heap_doc[low_at] = d
        heap_val[low_at] = v
        low_at = _argmin(heap_val)
        low = heap_val[low_at]
    return size, low, low_at


def _delta_max(  # type: ignore[no-untyped-def]
    i, weights, d_off, d_docs, d_tfs, doc_len, live, k1, k1p, b, avgdl, slack, start
):
    """The most a live delta posting of term i adds (with the bounds' slack), or `start`."""
    best = start
    for q in range(d_off[i], d_off[i + 1]):
        d = d_docs[q]
        if live[d]:
            tf = float(d_tfs[q])
            norm = k1 * (1 - b + b * float(doc_len[d]) / avgdl)
            v = weights[i] * (tf * k1p / (tf + norm)) * (1 + slack)
            if v > best:
                best = v
    return best


def _prune(ids, n, acc, mark, cut):  # type: ignore[no-untyped-def]
    """Keep, in place and in order, the first `n` of `ids` whose sum reaches `cut`; clear the
    rest's sum and mark. Returns how many are kept."""
    kept = 0
    for c in range(n):  # without a branch: which docs stay is a coin toss (see _windowed)
        x = ids[c]
        v = acc[x]
        keep = v >= cut
        ids[kept] = x
        kept += keep
        acc[x] = v if keep else np.float32(0)
        mark[x] = mark[x] if keep else 0
    return kept


def _find(P, lo, hi, doc):  # type: ignore[no-untyped-def]
    """Position of `doc` in the base postings lo..hi-1, or -1 (a short range: galloped)."""
    at = _gallop_doc(P, lo, hi, doc)
    return at if at < hi and _doc(P, at) == doc else -1


def _windowed(  # type: ignore[no-untyped-def]
    n, a, e, w32, bound, tids, weights, P, qtab, max_impact, live, n_docs,
    d_off, d_docs, d_tfs, doc_len, k, lo, hi, slack, k1, b, avgdl, block_max, block_slot, shift,
    probe_cost, acc, seen, cand, buf,
):
    """Block-max MaxScore over windows of 2**shift doc ids, for queries over many postings
    (where term-at-a-time MaxScore seldom stops and the dense accumulator misses the cache
    at every posting). Returns the number of candidates put in cand[:] (their approximate
    scores in buf[:]): live docs, a superset of the exact top k.

    Per window: each term's bound there — from block_max for a long list (its largest impact
    in the window, quantised up to 1/255 of the term's largest), else the term's own bound
    when its list has a posting in the window — and their sum. A window whose sum cannot
    reach the k-th best score so far is skipped whole. Otherwise, as in Lucene's windowed
    MaxScore: the terms sorted by bound, the longest prefix of small ones that together
    cannot make a doc competitive is non-essential; the essential lists' postings in the
    window are added into a window-sized accumulator (cache-resident: the start of acc), the
    touched docs that the non-essential terms could still lift are kept, and those terms are
    added for them — a search in the window's postings per doc, or the window's postings
    scanned against a mark when that costs less — highest bound first, a doc dropped as soon
    as what is left cannot lift it to the k-th best. A doc scored completely enters the heap
    of the k best complete scores, whose smallest sets the bar.
    """
    k1p = k1 + 1.0
    bits, codes = P[2], P[3]
    width = 1 << shift
    n_windows = (n_docs + width - 1) >> shift
    n_block_windows = block_max.shape[1]
    n_slots = len(block_slot)
    slot = np.full(n, -1, np.int64)
    scale = np.zeros(n, np.float64)
    for i in range(n):
        if e[i] > a[i] and tids[i] < n_slots:
            slot[i] = block_slot[tids[i]]
            scale[i] = float(w32[i]) * (1 + slack) / 255.0
    dbound = np.zeros(n, np.float64)  # the most a delta posting of term i adds
    for i in range(n):
        dbound[i] = _delta_max(i, weights, d_off, d_docs, d_tfs, doc_len, live, k1, k1p, b,
                               avgdl, slack, 0.0)
    ptr = a.copy()  # each list's first posting not before the current window
    dptr = d_off[:n].copy()
    seg = np.zeros(n, np.int64)  # the window's postings: base [ptr, seg), delta [dptr, dseg)
    dseg = np.zeros(n, np.int64)
    m_of = np.zeros(n, np.float64)
    ords = np.zeros(n, np.int64)
    pre = np.zeros(n + 1, np.float64)
    # the window's accumulator and marks: the start of acc and seen (zero on entry, and
    # every touched entry is zeroed again after its window), not 80 KB zeroed per query
    if len(acc) >= width and len(seen) >= width:
        wacc = acc[:width]
        wmark = seen[:width]
    else:
        wacc = np.zeros(width, np.float32)
        wmark = np.zeros(width, np.uint8)
    touched = np.empty(width + 1, np.int32)  # one more: the branch-free append's spare slot
    heap_doc = np.full(k, -1, np.int64)
    heap_val = np.zeros(k, np.float32)
    size = 0
    low = np.float32(-1.0)
    low_at = 0
    lower = 0.0
    n_cand = 0
    for r in range(n_windows):
        start = r << shift
        end = start + width
        total = 0.0
        m = 0
        for i in range(n):
            mi = 0.0
            if slot[i] >= 0:
                if r < n_block_windows:
                    mi = scale[i] * (float(max_impact[tids[i]]) * float(block_max[slot[i], r]))
            elif e[i] > ptr[i]:
                if _doc(P, ptr[i]) < start:
                    ptr[i] = _gallop_doc(P, ptr[i], e[i], start)
                if ptr[i] < e[i] and _doc(P, ptr[i]) < end:
                    mi = bound[i]
            if d_off[i + 1] > dptr[i]:
                if d_docs[dptr[i]] < start:
                    dptr[i] = _gallop(d_docs, dptr[i], d_off[i + 1], start)
                if dptr[i] < d_off[i + 1] and d_docs[dptr[i]] < end and dbound[i] > mi:
                    mi = dbound[i]
            m_of[i] = mi
            total += mi
            if mi > 0:
                # insertion into ords, ascending by bound
                h = m
                while h > 0 and m_of[ords[h - 1]] > mi:
                    ords[h] = ords[h - 1]
                    h -= 1
                ords[h] = i
                m += 1
        if m == 0 or hi * total < lower:
            continue
        # non-essential prefix: together they cannot lift an unseen doc to the bar
        ne = 0
        pre[0] = 0.0
        while ne < m and hi * (pre[ne] + m_of[ords[ne]]) < lower:
            pre[ne + 1] = pre[ne] + m_of[ords[ne]]
            ne += 1
        # each list's postings in this window
        for h in range(m):
            i = ords[h]
            if e[i] > ptr[i] and _doc(P, ptr[i]) < start:
                ptr[i] = _gallop_doc(P, ptr[i], e[i], start)
            seg[i] = _gallop_doc(P, ptr[i], e[i], end) if ptr[i] < e[i] else ptr[i]
            dseg[i] = dptr[i]
            if d_off[i + 1] > dptr[i]:
                if d_docs[dptr[i]] < start:
                    dptr[i] = _gallop(d_docs, dptr[i], d_off[i + 1], start)
                dseg[i] = _gallop(d_docs, dptr[i], d_off[i + 1], end)
        n_touched = 0
        for h in range(ne, m):
            i = ords[h]
            wi = w32[i]
            p = ptr[i]
            while p < seg[i]:
                blk = p >> 7
                stop = min(seg[i], (blk + 1) << 7)
                s, wd, bb, sp, mk = _block(P, blk)
                for q in range(p, stop):
                    x = _doc_in(bits, s, wd, bb, sp, mk, q & 127) - start
                    v = wacc[x]
                    # appended without a branch: whether a doc is new is a coin toss here,
                    # and a mispredicted branch costs more than the store
                    touched[n_touched] = x
                    n_touched += v == 0
                    wacc[x] = v + wi * qtab[codes[q]]
                p = stop
            for q in range(dptr[i], dseg[i]):
                d = d_docs[q]
                if live[d]:
                    x = d - start
                    v = wacc[x]
                    if v == 0:
                        touched[n_touched] = x
                        n_touched += 1
                    tf = float(d_tfs[q])
                    norm = k1 * (1 - b + b * float(doc_len[d]) / avgdl)
                    wacc[x] = v + np.float32(weights[i] * (tf * k1p / (tf + norm)))
        # the touched docs that the non-essential terms could still lift to the bar
        n_live = 0
        cut = lower / hi - pre[ne]
        for c in range(n_touched):
            x = touched[c]
            v = wacc[x]
            # & rather than `and`: three in four touched docs stay, at random, and a
            # mispredicted branch per doc cost more than reading `live` for all (realistic 1M)
            keep = (v >= cut) & live[start + x]
            touched[n_live] = x
            n_live += keep
            wmark[x] = keep
            wacc[x] = v if keep else np.float32(0)
        # the non-essential terms, highest bound first: probed for the docs left, or their
        # window's postings scanned against the mark when that costs less
        for h in range(ne - 1, -1, -1):
            if n_live == 0:
                break
            i = ords[h]
            wi = w32[i]
            if n_live * probe_cost < seg[i] - ptr[i]:
                for c in range(n_live):
                    x = touched[c]
                    p = _find(P, ptr[i], seg[i], start + x)
                    if p >= 0:
                        wacc[x] += wi * qtab[codes[p]]
            else:
                p = ptr[i]
                while p < seg[i]:
                    blk = p >> 7
                    stop = min(seg[i], (blk + 1) << 7)
                    s, wd, bb, sp, mk = _block(P, blk)
                    for q in range(p, stop):
                        x = _doc_in(bits, s, wd, bb, sp, mk, q & 127) - start
                        # added times the mark, not under a branch on it (half the docs
                        # are marked, at random): an unmarked doc's sum is 0 and stays 0
                        wacc[x] += np.float32(wmark[x] != 0) * (wi * qtab[codes[q]])
                    p = stop
            for q in range(dptr[i], dseg[i]):
                d = d_docs[q]
                x = d - start
                if wmark[x]:
                    tf = float(d_tfs[q])
                    norm = k1 * (1 - b + b * float(doc_len[d]) / avgdl)
                    wacc[x] += np.float32(weights[i] * (tf * k1p / (tf + norm)))
            n_live = _prune(touched, n_live, wacc, wmark, lower / hi - pre[h])
        # complete scores: into the heap of the k best, and kept as candidates
        for c in range(n_live):
            x = touched[c]
            v = wacc[x]
            wacc[x] = 0
            wmark[x] = 0
            if hi * float(v) >= lower:
                cand[n_cand] = start + x
                buf[n_cand] = v
                n_cand += 1
                size, low, low_at = _push(start + x, v, heap_doc, heap_val, size, low, low_at)
                if size == k:
                    lower = max(lower, lo * float(low))
        for h in range(m):
            i = ords[h]
            ptr[i] = seg[i]
            dptr[i] = dseg[i]
    # the bar only rose: keep the candidates that still reach it
    kept = 0
    for c in range(n_cand):
        if hi * float(buf[c]) >= lower:
            cand[kept] = cand[c]
            buf[kept] = buf[c]
            kept += 1
    return kept


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
    tids, weights, offsets, P, qtab, tf_table, exc_pos, exc_tf, max_impact, doc_len, live,
    n_docs, d_off, d_docs, d_tfs, k, lo, hi, slack, k1, b, avgdl, probe_cost, stop_cost,
    acc, seen, cand, buf, block_max, block_slot, shift, window_min,
):
    """Exact top-k (docs, scores) of a query: best first, ties by ascending doc id, scores > 0.

    n_docs: doc ids in use (acc and live may be longer).
    tids/weights: the query terms (weight = multiplicity * idf, all > 0), in the order the
    exact scores are summed. Base postings of term t: positions offsets[t]..offsets[t+1]-1 of
    P, the arrays of index.postings.Postings (doc id by _doc, impact code codes[p]), a
    posting's impact read as qtab[code], at most its
    float32 impact and at least that over the base's quantisation spread (index.bm25._Base;
    `hi` includes the spread), its tf read by _tf_at from tf_table, exc_pos and exc_tf;
    delta postings of query term i: d_docs/d_tfs[d_off[i]:d_off[i+1]] (ascending docs).
    lo/hi/slack: how far the float32 impacts may be from the true term factors (see
    BM25Index._candidates). probe_cost: probe the candidates in a list when their number
    times this is below its length; stop_cost: stop scanning only when the postings scanned
    times this are below those left. acc (float32), seen (uint8), cand (int32), buf (float32):
    n_docs-long buffers; acc and seen are all zero on entry and are left so.
    block_max/block_slot/shift: the base's per-window bounds (see _windowed), used instead of
    the term-at-a-time scan when the query's lists hold at least window_min postings (never
    when window_min is negative).
    """
    n = len(tids)
    k1p = k1 + 1.0
    a, e = _spans(tids, offsets)
    w32 = np.empty(n, np.float32)
    bound = np.zeros(n, np.float64)
    length = np.zeros(n, np.int64)
    for i in range(n):
        t = tids[i]
        w32[i] = np.float32(weights[i])
        if e[i] > a[i]:
            bound[i] = float(w32[i]) * float(max_impact[t]) * (1 + slack)
        bound[i] = _delta_max(i, weights, d_off, d_docs, d_tfs, doc_len, live, k1, k1p, b,
                              avgdl, slack, bound[i])
        length[i] = e[i] - a[i] + d_off[i + 1] - d_off[i]
    if shift > 0 and window_min >= 0 and length.sum() >= window_min:
        n_cand = _windowed(n, a, e, w32, bound, tids, weights, P, qtab,
                           max_impact, live, n_docs, d_off, d_docs, d_tfs, doc_len, k, lo, hi,
                           slack, k1, b, avgdl, block_max, block_slot, shift, probe_cost, acc,
                           seen, cand, buf)
        return _exact_top(cand[:n_cand], n, a, e, weights, P, tf_table, exc_pos, exc_tf,
                          d_off, d_docs, d_tfs, doc_len, live, k, k1, b, avgdl)
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
    bits, codes = P[2], P[3]
    # Plain doc ids (a base of at most index.bm25.PLAIN_POSTINGS) are scanned by a loop of
    # their own, not through _block/_doc_in's line arithmetic (base 0, slope 0 there):
    # realistic 100k, the kernel alone, long questions p50 / p95 62 / 111 → 51 / 93 µs.
    plain = _plain(P)
    for j in range(n):
        i = order[j]
        wi = w32[i]
        p = a[i]
        if plain:
            for q in range(p, e[i]):
                d = np.int64(bits[q])
                v = acc[d] + wi * qtab[codes[q]]
                acc[d] = v
                if v > low:
                    size, low, low_at = _offer(d, v, live, heap_doc, heap_val, size, low,
                                               low_at)
            p = e[i]
        while p < e[i]:
            blk = p >> 7
            stop = min(e[i], (blk + 1) << 7)
            s, wd, bb, sp, mk = _block(P, blk)
            for q in range(p, stop):
                d = _doc_in(bits, s, wd, bb, sp, mk, q & 127)
                v = acc[d] + wi * qtab[codes[q]]
                acc[d] = v
                if v > low:
                    size, low, low_at = _offer(d, v, live, heap_doc, heap_val, size, low,
                                               low_at)
            p = stop
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
    if cut > 0 and SWEEP_FROM * done > n_docs:
        # Many docs were touched: one vectorised pass over the whole accumulator finds the
        # candidates in doc order; walking the postings again would cost more.
        n_cand = _sweep(acc, live, seen, cand, cand_val, n_docs, cut)
        scanned_again = 0
    else:
        scanned_again = scanned
    words = bits.view(np.int32)  # plain doc ids as the delta's dtype: one loop serves both
    for j in range(scanned_again):
        i = order[j]
        p = a[i]
        while not plain and p < e[i]:  # packed doc ids, decoded block by block
            blk = p >> 7
            stop = min(e[i], (blk + 1) << 7)
            s, wd, bb, sp, mk = _block(P, blk)
            for q in range(p, stop):
                d = _doc_in(bits, s, wd, bb, sp, mk, q & 127)
                # written out, not a helper's call: as a call (numba keeps it one, with its
                # six arrays) it made this loop ~20 ns a posting, 4× the scan's (synthetic
                # 100k p95 0.137 → 0.033 ms in process)
                v = acc[d]
                acc[d] = 0
                if v >= cut and seen[d] == 0 and live[d]:
                    seen[d] = 2  # taken: a candidate, its value kept in cand_val
                    cand[n_cand] = d
                    cand_val[n_cand] = v
                    n_cand += 1
            p = stop
        # the plain doc ids (from p: none left when packed), then the delta's
        for part in range(2):
            ids = words if part == 0 else d_docs
            for q in range(p if part == 0 else d_off[i], e[i] if part == 0 else d_off[i + 1]):
                d = np.int64(ids[q])
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
                if plain:
                    p = _gallop(bits, p, e[i], d)
                    if p < e[i] and bits[p] == d:
                        acc[d] += wi * qtab[codes[p]]
                else:
                    p = _gallop_doc(P, p, e[i], d)
                    if p < e[i] and _doc(P, p) == d:
                        acc[d] += wi * qtab[codes[p]]
        else:
            p = a[i]
            if plain:
                for q in range(p, e[i]):
                    d = np.int64(bits[q])
                    if seen[d] == 2:
                        acc[d] += wi * qtab[codes[q]]
                p = e[i]
            while p < e[i]:
                blk = p >> 7
                stop = min(e[i], (blk + 1) << 7)
                s, wd, bb, sp, mk = _block(P, blk)
                for q in range(p, stop):
                    d = _doc_in(bits, s, wd, bb, sp, mk, q & 127)
                    if seen[d] == 2:
                        acc[d] += wi * qtab[codes[q]]
                p = stop
        for q in range(d_off[i], d_off[i + 1]):
            d = d_docs[q]
            if seen[d] == 2:
                tf = float(d_tfs[q])
                norm = k1 * (1 - b + b * float(doc_len[d]) / avgdl)
                acc[d] += np.float32(weights[i] * (tf * k1p / (tf + norm)))
        lower = max(lower, lo * _kth(acc, cand, n_cand, k, cand_val))
        n_cand = _prune(cand, n_cand, acc, seen, lower / hi - rest[j])

    sel = np.sort(cand[:n_cand])
    for c in range(n_cand):
        acc[sel[c]] = 0
        seen[sel[c]] = 0
    return _exact_top(sel, n, a, e, weights, P, tf_table, exc_pos, exc_tf, d_off, d_docs,
                      d_tfs, doc_len, live, k, k1, b, avgdl)


def _exact_top(  # type: ignore[no-untyped-def]
    cands, n, a, e, weights, P, tf_table, exc_pos, exc_tf, d_off, d_docs, d_tfs, doc_len,
    live, k, k1, b, avgdl,
):
    """The top k of the candidates by exact float64 scores: (docs, scores), best first, ties
    by ascending doc id."""
    sel = np.sort(cands)
    n_cand = len(sel)
    scores = _exact_scores(sel, n, a, e, weights, P, tf_table, exc_pos, exc_tf, d_off,
                           d_docs, d_tfs, doc_len, live, k1, b, avgdl)
    # best first, ties by ascending doc id: a stable sort of docs already ascending
    rank = np.argsort(-scores, kind="mergesort")
    m = 0
    while m < min(k, n_cand) and scores[rank[m]] > 0:
        m += 1
    return sel[rank[:m]], scores[rank[:m]]


def _exact_scores(  # type: ignore[no-untyped-def]
    sel, n, a, e, weights, P, tf_table, exc_pos, exc_tf, d_off, d_docs, d_tfs, doc_len,
    live, k1, b, avgdl,
):
    """The exact float64 score of each doc of `sel` (sorted, distinct), summed term by term
    in query order as BM25Index._exact does (so the same bits); 0 for a removed doc, as there.

    Term by term, each list walked once by galloping from the last doc found (the docs are
    sorted), not a binary search of the whole list per doc and term: the gallops stay near
    where the last one ended. Measured on the readers' questions at 1M news passages, the
    three fields' fusion: 0.13 → 0.09 ms a call, the same bits. Each doc's sum still runs
    base then delta for term 0, then term 1, …: the order of its additions is unchanged."""
    k1p = k1 + 1.0
    m = len(sel)
    scores = np.zeros(m, np.float64)
    norm = np.empty(m, np.float64)
    for c in range(m):
        norm[c] = k1 * (1 - b + b * float(doc_len[sel[c]]) / avgdl)
    for i in range(n):
        w = weights[i]
        for delta in range(2):  # the term's base postings, then its delta's
            lo, hi = (a[i], e[i]) if delta == 0 else (d_off[i], d_off[i + 1])
            if hi <= lo:
                continue
            for c in range(m):
                d = sel[c]
                if not live[d]:
                    continue
                p = _gallop_doc(P, lo, hi, d) if delta == 0 else _gallop(d_docs, lo, hi, d)
                if p >= hi:
                    break  # the list ends before d: it holds none of the later docs either
                lo = p
                if delta == 0 and _doc(P, p) == d:
                    tf = float(_tf_at(p, d, P[3], doc_len, tf_table, exc_pos, exc_tf))
                elif delta == 1 and d_docs[p] == d:
                    tf = float(d_tfs[p])
                else:
                    continue
                scores[c] += w * (tf * k1p / (tf + norm[c]))
    return scores


def _sweep(acc, live, seen, cand, cand_val, n_docs, cut):  # type: ignore[no-untyped-def]
    """The live docs whose acc reaches `cut` (> 0), into cand/cand_val in doc order, marked
    2 in seen; acc[:n_docs] is left zero. Returns how many.

    Chunks of 64 are first counted against the cut — as int32 bits, which order non-negative
    floats as their values do, in a loop LLVM vectorises — and only a chunk with a hit is
    walked; then one memset. A branch per doc ran at ~1 cycle a doc (100k docs: 26 µs against
    8 µs in cache)."""
    least = np.empty(1, np.float32)  # the least float32 >= cut, as bits
    least[0] = np.float32(cut)
    if float(least[0]) < cut:
        least[0] = np.nextafter(least[0], np.float32(np.inf))
    cut_bits = least.view(np.int32)[0]
    bits = acc[:n_docs].view(np.int32)
    n_cand = 0
    full = n_docs >> 6
    for c in range(full + 1):
        c0 = c << 6
        c1 = min(c0 + 64, n_docs)
        if c < full:
            hits = 0
            chunk = bits[c0:c1]  # a slice of constant length: what lets the count vectorise
            for x in range(64):
                hits += chunk[x] >= cut_bits
            if hits == 0:
                continue
        for d in range(c0, c1):
            v = acc[d]
            if v >= cut and live[d]:
                seen[d] = 2
                cand[n_cand] = d
                cand_val[n_cand] = v
                n_cand += 1
    acc[:n_docs] = 0
    return n_cand


def _spans(tids, offsets):  # type: ignore[no-untyped-def]
    """Each query term's base postings [a, e) (empty for a term past the base's)."""
    n = len(tids)
    a = np.zeros(n, np.int64)
    e = np.zeros(n, np.int64)
    for i in range(n):
        if tids[i] < len(offsets) - 1:
            a[i] = offsets[tids[i]]
            e[i] = offsets[tids[i] + 1]
    return a, e


def _exact(  # type: ignore[no-untyped-def]
    docs, tids, weights, offsets, P, tf_table, exc_pos, exc_tf, doc_len, live, d_off,
    d_docs, d_tfs, k1, b, avgdl,
):
    """BM25Index._exact compiled: the exact scores of the sorted distinct `docs` for the
    query terms (arguments as for _search), for score_docs (the fusion of fields), which
    otherwise costs a dozen numpy calls per term."""
    a, e = _spans(tids, offsets)
    return _exact_scores(docs, len(tids), a, e, weights, P, tf_table, exc_pos, exc_tf,
                         d_off, d_docs, d_tfs, doc_len, live, k1, b, avgdl)


def _holds(docs, lo, hi, P):  # type: ignore[no-untyped-def]
    """Which of `docs` each term's base postings lo[t]..hi[t]-1 hold (a row per term): for
    the relevance rule, which asks of ~30 candidates whether they hold each of ~30 terms, in
    one call (numpy's vectorised search over packed doc ids is ~15 array calls a step, ~250 a
    term; a compiled call per term, ~10 µs of dispatch each)."""
    out = np.zeros((len(lo), len(docs)), np.bool_)
    for t in range(len(lo)):
        if hi[t] > lo[t]:
            for i in range(len(docs)):
                out[t, i] = _bsearch_doc(P, lo[t], hi[t], docs[i]) >= 0
    return out


def _compile() -> tuple[Any, Any, Any]:
    """(search, exact, holds) compiled, or Nones without numba."""
    if os.environ.get("NABA_NO_NUMBA"):
        return None, None, None
    try:
        import numba
    except ImportError:
        return None, None, None

    def jit(fn: Any, cache: bool) -> Any:
        inline = "always" if fn.__name__ in _INLINED else "never"
        return numba.njit(cache=cache, nogil=True, inline=inline)(fn)

    try:
        # one dispatcher per function; the helpers are inlined into _search's compilation
        return _jit_all(jit, True)
    except RuntimeError:  # no writable cache directory (numba's "cannot cache" error)
        return _jit_all(jit, False)


# Inlined by numba itself, not left to LLVM: the probes' chain of helpers (each a call that
# passes the postings' four arrays). Measured on the realistic 1M corpus, in process: p50
# −10–15%, p95 −5% (all the helpers inlined: no better); the first compile takes ~3 s more.
_INLINED = frozenset({"_find", "_gallop_doc", "_seek", "_first_ge", "_doc", "_block", "_doc_in",
                      "_plain"})


def _jit_all(jit: Callable[[Any, bool], Any], cache: bool) -> tuple[Any, Any, Any]:
    """Compile the helpers first: _search finds them as module globals when it compiles."""
    names = ("_lower_bound", "_plain", "_add_delta", "_argmin", "_bsearch", "_block", "_doc_in",
             "_doc", "_first_ge", "_seek", "_lower_doc", "_bsearch_doc", "_gallop_doc", "_tf_at",
             "_gallop", "_kth", "_offer", "_push", "_find", "_prune", "_delta_max",
             "_windowed", "_sweep", "_exact_top", "_exact_scores", "_spans")
    for name in names:
        fn = globals()[name]
        globals()[name] = jit(getattr(fn, "py_func", fn), cache)
    return jit(_search, cache), jit(_exact, cache), jit(_holds, cache)


search, exact, holds = _compile()
