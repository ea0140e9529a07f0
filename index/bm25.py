"""BM25 ranking over an inverted index, score-for-score equal to rank_bm25.BM25Okapi.

Layout
------
* A **base segment** in CSR form: for term id ``t`` its postings are
  ``docs[offsets[t]:offsets[t+1]]`` (ascending doc ids, int32), with term frequencies in ``tfs``
  (the narrowest integer type that holds them). Each posting's *impact*, its BM25 term factor
  ``tf * (k1 + 1) / (tf + k1 * (1 - b + b * len / avgdl0))`` as float32 (avgdl0: the mean
  document length when the base was built), is read from a (tf, len) table, and the compiled
  search reads it as a one-byte code rounded down to one of 256 levels (``_Base``). Impacts
  only *select* candidates; every returned score is recomputed in float64 from the tfs (see
  ``search``). Each long list also keeps a one-byte upper bound per window of doc ids
  (``window_bounds``), for the block-max search.
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

Search is exact top-k by term-at-a-time MaxScore over the impacts: posting lists are scanned
rarest first into a dense accumulator; once the k-th best score found so far provably exceeds
what the terms not yet scanned could add together, no unseen document can enter the top k and
the remaining (long, common) lists are only probed for the surviving candidates. The candidates'
scores are then recomputed exactly, the way rank-bm25 computes them. The compiled search runs
queries over many postings window by window over the doc ids instead (block-max MaxScore, see
``window_bounds`` and index.kernel), skipping what the windows' bounds rule out.
"""

from __future__ import annotations

import logging
import math
import threading
from array import array
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from itertools import chain, islice, pairwise

import numpy as np

from index import kernel
from index.params import EPSILON, K1, B
from index.postings import Postings, TfCodes
from index.terms import TermTable

# A query: tokens (repeats count), or token → weight.
Query = Sequence[str] | Mapping[str, float]

# Documents per build chunk: big enough for numpy to amortise, small enough that one chunk's
# token strings and per-token arrays (~100 bytes a token) stay well inside the memory budget.
_BUILD_CHUNK = 25_000
# Postings per block when a pass over the whole base needs per-posting temporaries.
_BLOCK = 1 << 22
# Fold the delta into the base once it holds this many postings: past it, per-query list
# conversion of the delta starts to cost more than a merge does.
MERGE_THRESHOLD = 500_000
# …and, while articles keep coming, not before it holds this share of the base's postings
# too: a merge re-packs the whole base (at 1M passages 12–21 s of a core, in the background
# thread), and during a bulk ingest into 1M passages its contention for the two cores was
# most of the event loop's pauses over 20 ms (index.search.IDLE_MERGE_SECONDS merges the
# rest once the ingest is over).
MERGE_SHARE = 0.1
# Probing a list for a candidate (a binary search) costs about this many times what scanning
# one posting into the accumulator does.
_PROBE_COST = 4
# The same for the compiled search (index.kernel): there a scanned posting costs ~1.5 ns and
# probing a candidate (galloping through the list from the previous candidate) ~30.
_KERNEL_PROBE_COST = 24
# Right after MaxScore's stop, nearly every doc scanned is still a candidate, and each costs a
# probe or a check per list left: the kernel stops scanning only when the postings scanned,
# times this, are fewer than those left (measured on the realistic bench corpus).
_KERNEL_STOP_COST = 4
# Block-max bounds (index.kernel._windowed): doc ids are cut into windows of 2**_WINDOW_SHIFT,
# and every list of at least _WINDOW_LIST postings keeps, per window, its largest impact there
# (one byte: a 255th of the term's largest, rounded up). 16,384 docs: a window's accumulator
# (64 KB) stays in L2; on the 1M bench corpora, in process, windows of 2**14 answered long
# questions 27% faster at p50 and 13% at p95 than windows of 2**11 (bounds a little looser,
# a quarter of the per-window work), and 2**15–2**16 no faster.
_WINDOW_SHIFT = 14
_WINDOW_LIST = 2048
# The compiled search runs window by window when the query's lists hold at least _WINDOW_MIN
# postings and the index has at least _WINDOW_DOCS documents. With format 3's plain words the
# thresholds were 32,768 postings (below, term-at-a-time MaxScore usually stopped early and
# the windows' fixed cost showed) and 262,144 documents (below, the accumulator stayed in L2
# and term-at-a-time was as fast or faster). Packed doc ids (format 4) cost more to decode,
# and term-at-a-time decodes its lists twice (the scan, then the candidates' collection)
# where the windows decode the essential lists once and probe the rest. In process, in the
# same sittings: synthetic 1M p50 / p95 0.075 / 0.263 ms from 4,096 postings against 0.151 /
# 1.161 from 32,768 (realistic 1M no slower); at 100k, windows from 65,536 documents answered
# synthetic / realistic / long questions at p95 0.088 / 0.108 / 0.177 ms against 0.209 /
# 0.415 / 0.548 without (format 3, without: 0.031 / 0.061 / 0.112).
_WINDOW_MIN = 1 << 12
_WINDOW_DOCS = 1 << 16
# A base of at most PLAIN_POSTINGS postings keeps its doc ids as plain 32-bit words
# (index.postings.Postings.encode): ~128 MB at most, against ~55 MB packed, and ~10 MB at the
# 100k bench corpora, where reading a word instead of decoding bits made search ~2× faster.
# With plain words the windows pay only from format 3's thresholds (above).
PLAIN_POSTINGS = 1 << 23
_PLAIN_WINDOW_MIN = 1 << 15
_PLAIN_WINDOW_DOCS = 1 << 18


# Documents' lengths, in memory and in snapshots: 2 bytes a document instead of 8 (6 MB a field
# at a million passages); an index widens them to int64 when a document is longer.
_LEN_DTYPE = np.uint16

# A bulk add that brings at least this many new terms moves the vocabulary's dict into its
# term table (_Vocab.compact): 0.1–0.2 s a million terms, and ~110 bytes a term less.
_COMPACT_TERMS = 50_000

_UNKNOWN = object()
_NO_DOCS = np.zeros(0, dtype=np.int32)
_NO_TFS = np.zeros(0, dtype=np.int32)


class _Vocab:
    """str → dense term id; unseen terms get the next id on `[]`.

    The terms of a loaded snapshot (ids 0..n-1) stay in its TermTable (index.terms), so a
    loaded vocabulary costs no Python object per term; terms added since go to a dict (and a
    list, which a merge running in another thread may slice while terms are added). A bulk
    add that brought many new terms moves them into the table too (`compact`): a string, a
    dict entry and a list slot a term (~140 bytes for a short Arabic word) become ~30.
    """

    __slots__ = ("_added", "_found", "_n_table", "_new_terms", "_table")

    def __init__(self, table: TermTable | None = None) -> None:
        self._table = table if table is not None else TermTable.empty()
        self._n_table = len(self._table)
        self._added: dict[str, int] = {}
        self._new_terms: list[str] = []
        self._found: dict[str, int] = {}  # table lookups, remembered: questions repeat words

    def get(self, term: str, default: int | None = None) -> int | None:
        tid = self._added.get(term)
        if tid is None and self._n_table:
            tid = self._found.get(term)
            if tid is None:
                tid = self._table.find(term)
                if tid is not None:
                    self._found[term] = tid
        return default if tid is None else tid

    def __getitem__(self, term: str) -> int:
        """The term's id, a new one if the term is new."""
        tid = self._added.get(term)  # first: while a build runs, every term is here
        if tid is None:
            tid = self.get(term)
            if tid is None:
                tid = self._added[term] = len(self)
                self._new_terms.append(term)
        return tid

    def __contains__(self, term: str) -> bool:
        return self.get(term) is not None

    def __len__(self) -> int:
        return self._n_table + len(self._new_terms)

    def __iter__(self) -> Iterator[str]:
        return self.terms()

    def terms(self, start: int = 0) -> Iterator[str]:
        """The terms from id `start` on, in id order."""
        yield from self._table.terms(min(start, self._n_table))
        yield from self._new_terms[max(0, start - self._n_table) :]

    def table(self, n: int) -> TermTable:
        """The terms of ids 0..n-1 as a table (safe while another thread adds terms or
        compacts: the table is read before the list, which compact replaces after it)."""
        table = self._table
        n_table = len(table)
        if n == n_table:
            return table
        terms = list(table.terms(0, min(n, n_table)))
        return TermTable.build(terms + self._new_terms[: max(0, n - n_table)])

    def compact(self) -> None:
        """Move the terms added since the table into a new table: what a loaded vocabulary
        is (new objects, not cleared in place: see `table`). Caller holds the index's lock."""
        if not self._new_terms:
            return
        self._table = TermTable.build([*self._table.terms(), *self._new_terms])
        self._n_table = len(self._table)
        self._new_terms = []
        self._added = {}
        self._found = {}


# Token → term id at numpy speed (see _TermIds). A token of up to _KEY_UNITS UTF-16 code units
# packs into one uint64 key, one byte per unit; byte value 255 is kept out so that no key can
# equal the all-ones mark of an empty table slot.
_KEY_UNITS = 8
_MAX_RANK = 254
_EMPTY = np.uint64(2**64 - 1)
_FIBONACCI = np.uint64(0x9E3779B97F4A7C15)  # 2**64 / golden ratio: multiplicative hashing
_KEY_MASK = np.array([(1 << (8 * n)) - 1 for n in range(_KEY_UNITS + 1)], dtype=np.uint64)
_SPACE = 0x20
# Code units str.split() splits on, and surrogates (see _TermIds.ids_of_joined).
_WHITESPACE_OR_SURROGATE = np.zeros(1 << 16, dtype=bool)
_WHITESPACE_OR_SURROGATE[[c for c in range(1 << 16) if chr(c).isspace()]] = True
_WHITESPACE_OR_SURROGATE[0xD800:0xE000] = True


class _TermIds:
    """Token strings → term ids for a whole chunk at once, exactly.

    Looking every token up in `vocab` costs ~400 ns a token at a million passages (the probe
    and the key comparison miss the cache); this costs under 100. Each UTF-16 code unit gets a
    rank 1..254 in order of first appearance, and a token of at most 8 ranked units is *packed*
    into a uint64 whose byte i is the rank of unit i: an injective encoding, not a hash, so two
    different strings never share a key. Keys find their term ids in an open-addressing table
    probed for all tokens together. Any other token (longer, holding a surrogate or a unit past
    the 254th) is looked up in `vocab`, which stays the one source of truth: the table only
    caches it, so a term first seen by `BM25Index.add` keeps its id.
    """

    def __init__(self) -> None:
        self._rank = np.zeros(1 << 16, dtype=np.uint8)
        self._n_ranks = 0
        self._keys = np.full(1 << 10, _EMPTY)
        self._vals = np.zeros(1 << 10, dtype=np.int32)
        self._size = 0

    def ids(self, tokens: list[str], vocab: _Vocab) -> np.ndarray:
        """The term id of every token (new terms are added to `vocab`)."""
        try:
            text = " ".join(tokens) + " "
        except TypeError:  # not strings: the dict copes with any hashable token
            text = None
        ids = None if text is None else self._ids_of_text(text, len(tokens), vocab, tokens)
        if ids is None:  # some token holds a space itself
            ids = np.fromiter(map(vocab.__getitem__, tokens), dtype=np.int64, count=len(tokens))
        return ids

    def ids_of_joined(self, text: str, n: int, vocab: _Vocab) -> np.ndarray | None:
        """The ids of the `n` tokens of `text`, each followed by one space, or None when the
        text is not exactly that (empty tokens, other whitespace, a surrogate)."""
        return self._ids_of_text(text, n, vocab, None)

    def _ids_of_text(
        self, text: str, n: int, vocab: _Vocab, tokens: list[str] | None
    ) -> np.ndarray | None:
        """Ids of the n tokens of `text` (each followed by a space); their strings are
        `tokens`, or else slices of `text`."""
        units = np.frombuffer(text.encode("utf-16-le", "surrogatepass"), dtype=np.uint16)
        ends = np.flatnonzero(units == _SPACE)
        if len(ends) != n:
            return None
        starts = np.empty(n, dtype=np.int64)
        starts[:1] = 0
        starts[1:] = ends[:-1] + 1
        lengths = ends - starts
        if tokens is None:
            # to slice tokens out of the text, unit offsets must be str offsets: no surrogates
            if not lengths.all() or _WHITESPACE_OR_SURROGATE[units].sum() != n:
                return None

            def word(i: int) -> str:
                return text[starts[i] : ends[i]]
        else:
            word = tokens.__getitem__
        ranks = self._rank[units]
        unranked = ranks == 0
        unranked[ends] = False
        if unranked.any():
            self._learn(units[unranked])
            ranks = self._rank[units]
            unranked = ranks == 0
            unranked[ends] = False
        padded = np.zeros(len(ranks) + _KEY_UNITS, dtype=np.uint8)
        padded[: len(ranks)] = ranks
        # the 8 bytes from each position as one (unaligned) uint64: one gather per token
        windows = np.ndarray((len(ranks),), dtype="<u8", buffer=padded, strides=(1,))
        keys = windows[starts] & _KEY_MASK[np.minimum(lengths, _KEY_UNITS)]
        packed = lengths <= _KEY_UNITS
        if unranked.any():
            packed &= np.add.reduceat(unranked, starts, dtype=np.int64) == 0
        if packed.all():
            return self._lookup(keys, np.arange(n), word, vocab)
        ids = np.empty(n, dtype=np.int64)
        where = np.flatnonzero(packed)
        ids[where] = self._lookup(keys[where], where, word, vocab)
        rest = np.flatnonzero(~packed)
        ids[rest] = [vocab[word(i)] for i in rest.tolist()]
        return ids

    def _learn(self, units: np.ndarray) -> None:
        for unit in np.flatnonzero(np.bincount(units, minlength=1 << 16)).tolist():
            # A surrogate never gets a rank: "\ud83d\ude00" and "😀" share their code units.
            if self._n_ranks < _MAX_RANK and not 0xD800 <= unit <= 0xDFFF:
                self._n_ranks += 1
                self._rank[unit] = self._n_ranks

    def _home(self, keys: np.ndarray) -> np.ndarray:
        shift = np.uint64(64 - (len(self._keys).bit_length() - 1))
        return ((keys * _FIBONACCI) >> shift).astype(np.int64)

    def _probe(self, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(slot, found) per key: the slot holding it, or else the empty slot ending its probe."""
        mask = len(self._keys) - 1
        slots = self._home(keys)
        there = self._keys[slots]
        found = there == keys
        going = np.flatnonzero(~found & (there != _EMPTY))
        while len(going):
            at = (slots[going] + 1) & mask
            slots[going] = at
            there = self._keys[at]
            hit = there == keys[going]
            found[going[hit]] = True
            going = going[~hit & (there != _EMPTY)]
        return slots, found

    def _insert(self, keys: np.ndarray, vals: np.ndarray | None = None) -> np.ndarray:
        """Put distinct keys not in the table yet into it; returns their slots."""
        if 2 * (self._size + len(keys)) > len(self._keys):
            capacity = len(self._keys)
            while 2 * (self._size + len(keys)) > capacity:
                capacity *= 2
            self._rehash(capacity)
        mask = len(self._keys) - 1
        out = np.empty(len(keys), dtype=np.int64)
        todo = np.arange(len(keys))
        slots = self._home(keys)
        owner = self._scratch()
        while len(todo):
            free = np.flatnonzero(self._keys[slots] == _EMPTY)
            owner[slots[free]] = free  # of keys meeting at one free slot, one wins
            won = free[owner[slots[free]] == free]
            self._keys[slots[won]] = keys[todo[won]]
            if vals is not None:
                self._vals[slots[won]] = vals[todo[won]]
            out[todo[won]] = slots[won]
            left = np.ones(len(todo), dtype=bool)
            left[won] = False
            todo = todo[left]
            slots = (slots[left] + 1) & mask
        self._size += len(keys)
        return out

    def _rehash(self, capacity: int) -> None:
        used = self._keys != _EMPTY
        keys, vals = self._keys[used], self._vals[used]
        self._keys = np.full(capacity, _EMPTY)
        self._vals = np.zeros(capacity, dtype=np.int32)
        self._size = 0
        self._insert(keys, vals)

    def _scratch(self) -> np.ndarray:
        """A slot-indexed scratch array for one call (not kept: 8 bytes a slot, written only
        where keys land; zero pages cost nothing until touched)."""
        return np.zeros(len(self._keys), dtype=np.int64)

    def _lookup(
        self,
        keys: np.ndarray,
        positions: np.ndarray,
        word: Callable[[int], str],
        vocab: _Vocab,
    ) -> np.ndarray:
        slots, found = self._probe(keys)
        if not found.all():
            miss = np.flatnonzero(~found)
            capacity = len(self._keys)
            new_slots = self._insert(_distinct(keys[miss]))
            if len(self._keys) != capacity:  # rehashed: every key may have moved
                slots, _ = self._probe(keys)
            else:
                slots[miss], _ = self._probe(keys[miss])
            owner = self._scratch()
            owner[slots[miss]] = miss  # some token of each new key, to read its string
            # vocab[]: a term first met by BM25Index.add (or in a loaded table) keeps its id
            self._vals[new_slots] = [
                vocab[word(p)] for p in positions[owner[new_slots]].tolist()
            ]
        return self._vals[slots].astype(np.int64)


def _distinct(values: np.ndarray) -> np.ndarray:
    """np.unique without its hash table, which is slower than sorting for millions of keys."""
    values = np.sort(values)
    keep = np.empty(len(values), dtype=bool)
    keep[:1] = True
    np.not_equal(values[1:], values[:-1], out=keep[1:])
    return values[keep]


def _grow(arr: np.ndarray, size: int, fill: float | int = 0) -> np.ndarray:
    """Return `arr` with capacity for at least `size` items (amortised doubling)."""
    if size <= len(arr):
        return arr
    new = np.full(max(size, 2 * len(arr), 16), fill, dtype=arr.dtype)
    new[: len(arr)] = arr
    return new


def _tf_dtype(max_tf: int) -> type[np.unsignedinteger] | type[np.signedinteger]:
    """The narrowest type for term frequencies: one byte for any real passage."""
    if max_tf <= np.iinfo(np.uint8).max:
        return np.uint8
    return np.uint16 if max_tf <= np.iinfo(np.uint16).max else np.int32


def _blocks(offsets: np.ndarray, block: int = _BLOCK) -> list[tuple[int, int]]:
    """Term ranges [t0, t1) whose postings add up to about `block` (at least one term each)."""
    n_terms = len(offsets) - 1
    cuts = np.searchsorted(offsets, np.arange(block, int(offsets[-1]), block), side="right") - 1
    bounds = [0, *sorted({int(c) for c in cuts if 0 < c < n_terms}), n_terms]
    return list(pairwise(bounds))


# A part is (terms, counts, docs, tfs): counts[i] postings of terms[i] (terms ascending), each
# term's postings in ascending doc order.
_Part = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]


def _part(counts: np.ndarray, docs: np.ndarray, tfs: np.ndarray) -> _Part:
    """A part from dense per-term counts (only the terms present are kept)."""
    terms = np.flatnonzero(counts)
    return terms, counts[terms], docs, tfs


def _interleave(parts: list[_Part], n_terms: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Merge parts covering increasing doc ranges into one CSR without a global sort: each
    part's postings go to their term's slot after those of the earlier parts.

    Consumes `parts`: each is dropped once copied, so the postings are not held twice."""
    total = np.zeros(n_terms, dtype=np.int64)
    for terms, counts, _, _ in parts:
        total[terms] += counts
    offsets = np.zeros(n_terms + 1, dtype=np.int64)
    np.cumsum(total, out=offsets[1:])
    nnz = int(offsets[-1])
    max_tf = max((int(tfs.max()) for _, _, _, tfs in parts if len(tfs)), default=0)
    out_docs = np.empty(nnz, dtype=np.int32)
    out_tfs = np.empty(nnz, dtype=_tf_dtype(max_tf))
    written = np.zeros(n_terms, dtype=np.int64)
    while parts:
        terms, counts, docs, tfs = parts.pop(0)
        starts = np.zeros(len(terms) + 1, dtype=np.int64)
        np.cumsum(counts, out=starts[1:])
        # the run of terms[i] moves from starts[i] in the part to offsets + written in the CSR
        shift = offsets[terms] + written[terms] - starts[:-1]
        for i0, i1 in _blocks(starts):
            lo, hi = int(starts[i0]), int(starts[i1])
            dest = np.repeat(shift[i0:i1], counts[i0:i1])
            dest += np.arange(lo, hi)
            out_docs[dest] = docs[lo:hi]
            out_tfs[dest] = tfs[lo:hi]
        written[terms] += counts
    return offsets, out_docs, out_tfs


def window_bounds(
    offsets: np.ndarray, docs: np.ndarray, impacts_of: Callable[[int, int], np.ndarray],
    max_impact: np.ndarray, n_docs: int, shift: int, min_list: int,
) -> tuple[np.ndarray, np.ndarray]:
    """(slot per term, -1 for a list shorter than `min_list`; bounds[slot, window]): for each
    long list, its largest impact among the docs of each window of 2**shift doc ids, as q in
    0..255 with ``max_impact * q / 255`` never below it (0: no posting in the window).
    impacts_of(lo, hi): the impacts of postings lo..hi-1."""
    counts = np.diff(offsets)
    long_terms = np.flatnonzero(counts >= min_list)
    slots = np.full(len(counts), -1, dtype=np.int32)
    slots[long_terms] = np.arange(len(long_terms), dtype=np.int32)
    n_windows = max(1, (n_docs + (1 << shift) - 1) >> shift)
    bounds = np.zeros((len(long_terms), n_windows), dtype=np.uint8)
    for slot, t in enumerate(long_terms.tolist()):
        lo, hi = int(offsets[t]), int(offsets[t + 1])
        windows = docs[lo:hi] >> shift
        starts = np.flatnonzero(np.diff(windows, prepend=-1))
        top = np.maximum.reduceat(impacts_of(lo, hi), starts).astype(np.float64)
        most = float(max_impact[t])
        # rounded up, with a margin far above float64 rounding: a bound must never undershoot
        q = np.minimum(np.ceil(top * 255.0 / most * (1 + 1e-9)), 255)
        bounds[slot, windows[starts]] = q.astype(np.uint8)
    return slots, bounds


# The impact table covers term frequencies below _TABLE_TF and document lengths below
# _TABLE_LEN (at most 256 KB; passages need ~15 KB); other postings compute theirs.
_TABLE_TF = 64
_TABLE_LEN = 1024


class _Impacts:
    """The exact float32 impact of (tf, document) pairs under one avgdl — a posting's BM25
    term factor ``tf * (k1 + 1) / (tf + k1 * (1 - b + b * len / avgdl))`` — read from a small
    table of (tf, length) by the document's length (`dl`, two bytes a document), computed with
    the same operations past the table. Both are made on first use: a loaded base searched by
    the kernel never needs them, and making them would read every length into memory."""

    __slots__ = ("avgdl", "b", "dl", "doc_len", "k1", "table")

    def __init__(self, doc_len: np.ndarray, avgdl: float, k1: float, b: float) -> None:
        self.doc_len, self.avgdl, self.k1, self.b = doc_len, avgdl, k1, b
        self.dl: np.ndarray | None = None
        self.table: np.ndarray | None = None

    def factor(self, tf: np.ndarray, length: np.ndarray) -> np.ndarray:
        """The float32 impact of these (float64 tf, integer length) pairs: the operations of
        rank-bm25's normaliser, in its order."""
        norm = self.k1 * (1 - self.b + self.b * length / self.avgdl)
        return (tf * (self.k1 + 1) / (tf + norm)).astype(np.float32)

    def of(self, tf: np.ndarray, docs: np.ndarray) -> np.ndarray:
        """The impacts (float32) of postings with these tfs and doc ids."""
        if self.table is None or self.dl is None:
            doc_len = self.doc_len
            self.dl = np.minimum(doc_len, np.iinfo(np.uint16).max).astype(np.uint16)
            max_len = int(doc_len.max()) if len(doc_len) else 0
            tf_range = np.arange(_TABLE_TF, dtype=np.float64)[:, None]
            with np.errstate(invalid="ignore", divide="ignore"):  # the tf = 0 row at k1 = 0
                self.table = self.factor(tf_range, np.arange(min(max_len + 1, _TABLE_LEN)))
        table = self.table
        length = self.dl[docs]
        n_tf, n_len = table.shape
        inside = (tf < n_tf) & (length < n_len)
        if inside.all():
            return table[tf, length]
        out = np.empty(len(tf), dtype=np.float32)
        out[inside] = table[tf[inside], length[inside]]
        outside = ~inside
        out[outside] = self.factor(tf[outside].astype(np.float64), self.doc_len[docs[outside]])
        return out


class _Base:
    """The base segment: CSR postings, replaced whole (never edited).

    Postings are doc ids packed by blocks and one-byte codes (index.postings.Postings): a
    posting's impact — its
    BM25 term factor under the avgdl of the build, as float32 (_Impacts) — is read by the
    compiled search as a one-byte code, the impact rounded down to one of 256 levels (`qtab`)
    spaced evenly in log between the base's smallest and largest impact, so a level is at most
    the impact and at least the impact over `spread` (~0.5% on passages); the search widens its
    bounds by that much and rescores candidates exactly from their tfs. The tfs are not stored:
    `tf_codes` reads each from its document's length and its code (index.postings.TfCodes)."""

    __slots__ = ("avgdl", "b", "block_max", "block_shift", "block_slot", "doc_len", "impacts",
                 "k1", "max_impact", "offsets", "postings", "qtab", "spread", "tf_codes")

    def __init__(
        self,
        offsets: np.ndarray,
        packed: Postings,
        qtab: np.ndarray,
        tf_codes: TfCodes,
        avgdl: float,
        doc_len: np.ndarray,
        k1: float,
        b: float,
        max_impact: np.ndarray,
        blocks: tuple[int, np.ndarray, np.ndarray],
    ) -> None:
        """A base as saved (see build). doc_len: the lengths of documents 0..n-1, every doc of
        the postings among them."""
        self.offsets, self.postings, self.qtab, self.tf_codes = offsets, packed, qtab, tf_codes
        self.avgdl, self.k1, self.b = avgdl, k1, b
        self.doc_len = doc_len
        self.impacts = _Impacts(doc_len, avgdl, k1, b)
        self.max_impact = max_impact
        self.block_shift, self.block_slot, self.block_max = blocks
        with np.errstate(invalid="ignore", divide="ignore"):  # no levels: an empty base
            steps = self.qtab[1:].astype(np.float64) / self.qtab[:-1]
        # the most an impact can exceed its level (the last level is the largest impact)
        self.spread = float(steps[np.isfinite(steps)].max(initial=1.0)) * (1 + 2.0**-40)

    @classmethod
    def build(
        cls, offsets: np.ndarray, docs: np.ndarray, tfs: np.ndarray, avgdl: float,
        doc_len: np.ndarray, k1: float = K1, b: float = B,
    ) -> _Base:
        """The base of these CSR postings: impacts, their codes, the bounds and the tf
        decoding computed from them (reading every posting once more per pass)."""
        impacts = _Impacts(doc_len, avgdl, k1, b)

        def impacts_of(lo: int, hi: int) -> np.ndarray:
            return impacts.of(tfs[lo:hi], docs[lo:hi])

        max_impact = _run_max(offsets, impacts_of)
        # read at call time: tests shrink the windows
        blocks = (_WINDOW_SHIFT, *window_bounds(offsets, docs, impacts_of, max_impact,
                                                len(doc_len), _WINDOW_SHIFT, _WINDOW_LIST))
        codes, qtab = _quantise(len(docs), max_impact, impacts_of)
        tf_codes = TfCodes.build(tfs, docs, doc_len, codes)
        # read at call time: tests force either layout
        packed = Postings.encode(docs, codes, plain=len(docs) <= PLAIN_POSTINGS)
        return cls(offsets, packed, qtab, tf_codes, avgdl, doc_len, k1, b, max_impact, blocks)

    @property
    def n_postings(self) -> int:
        return len(self.postings)

    def docs_of(self, lo: int, hi: int) -> np.ndarray:
        """The doc ids (int32) of postings lo..hi-1."""
        return self.postings.docs(lo, hi)

    def tfs_of(self, lo: int, hi: int, docs: np.ndarray | None = None) -> np.ndarray:
        """The term frequencies (int32) of postings lo..hi-1 (whose doc ids are `docs`, when
        the caller has them decoded already)."""
        if docs is None:
            docs = self.docs_of(lo, hi)
        return self.tf_codes.tfs(lo, self.doc_len[docs], self.postings.codes[lo:hi])

    def all_postings(self) -> tuple[np.ndarray, np.ndarray]:
        """Every posting's doc id (int32) and tf (one byte unless a tf needs more), decoded
        block by block: a merge's or a build's input, without whole-base temporaries."""
        n = self.n_postings
        docs = np.empty(n, dtype=np.int32)
        tfs = np.empty(n, dtype=self.tf_codes.narrowest)
        for lo in range(0, n, _BLOCK):
            hi = min(lo + _BLOCK, n)
            docs[lo:hi] = self.docs_of(lo, hi)
            tfs[lo:hi] = self.tfs_of(lo, hi, docs[lo:hi])
        return docs, tfs

    def tfs_for(self, lo: int, hi: int, docs: np.ndarray) -> np.ndarray:
        """The tf (int32) in postings lo..hi-1 (one list) of each of `docs`, 0 where absent."""
        out = np.zeros(len(docs), dtype=np.int32)
        if hi > lo and len(docs):
            at, held = self._found(lo, hi, docs)
            hit = np.flatnonzero(held)
            found = at[hit]
            out[hit] = self.tf_codes.tfs_at(found, self.doc_len[docs[hit]],
                                            self.postings.codes[found])
        return out

    def _found(self, lo: int, hi: int, docs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """For each of `docs` (lo < hi), a position in lo..hi-1 and whether the doc is there
        (numpy: a vectorised binary search over the packed doc ids)."""
        packed = self.postings
        at = np.minimum(packed.find(lo, hi, docs), hi - 1)
        return at, packed.docs_at(at) == docs

    def has_each(self, lo: np.ndarray, hi: np.ndarray, docs: np.ndarray) -> np.ndarray:
        """Which of `docs` each list t (postings lo[t]..hi[t]-1) holds, a row per list:
        `tfs_for` without decoding a single tf, for the relevance rule, which asks only whether
        a passage holds a word."""
        if not len(docs) or not len(lo):
            return np.zeros((len(lo), len(docs)), dtype=bool)
        if kernel.holds is not None:
            return kernel.holds(np.asarray(docs, dtype=np.int64), lo.astype(np.int64),
                                hi.astype(np.int64), self.postings.kernel)
        out = np.zeros((len(lo), len(docs)), dtype=bool)
        for t, (a, e) in enumerate(zip(lo.tolist(), hi.tolist(), strict=True)):
            if e > a:
                out[t] = self._found(a, e, docs)[1]
        return out

    def impacts_of(self, lo: int, hi: int) -> np.ndarray:
        """The exact impacts (float32) of postings lo..hi-1."""
        docs = self.docs_of(lo, hi)
        return self.impacts.of(self.tfs_of(lo, hi, docs), docs)

    @classmethod
    def empty(cls) -> _Base:
        return cls.build(np.zeros(1, dtype=np.int64), _NO_DOCS, np.zeros(0, dtype=np.uint8),
                         1.0, np.zeros(0, dtype=np.int64))

    def span(self, tid: int) -> tuple[int, int]:
        if tid >= len(self.offsets) - 1:
            return 0, 0
        return int(self.offsets[tid]), int(self.offsets[tid + 1])

    def counts(self) -> np.ndarray:
        return np.diff(self.offsets)

    def padded(self, n_terms: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(offsets, max_impact, block_slot) covering `n_terms` terms: terms past the base's
        have no postings."""
        offsets, max_impact, block_slot = self.offsets, self.max_impact, self.block_slot
        missing = n_terms + 1 - len(offsets)
        if missing > 0:
            offsets = np.concatenate([offsets, np.full(missing, offsets[-1], offsets.dtype)])
            max_impact = np.concatenate([max_impact, np.zeros(missing, max_impact.dtype)])
            block_slot = np.concatenate([block_slot, np.full(missing, -1, block_slot.dtype)])
        return offsets, max_impact, block_slot


def _quantise(
    n: int, max_impact: np.ndarray, impacts_of: Callable[[int, int], np.ndarray]
) -> tuple[np.ndarray, np.ndarray]:
    """(code per posting, 256 levels): the largest level at most each of the n impacts."""
    positive = max_impact[max_impact > 0]
    levels = np.zeros(256, dtype=np.float32)
    codes = np.zeros(n, dtype=np.uint8)
    if not len(positive):
        return codes, levels
    low = min(float(impacts_of(lo, min(lo + _BLOCK, n)).min()) for lo in range(0, n, _BLOCK))
    high = float(positive.max())
    levels[:] = np.geomspace(low, high, 256) if high > low else high
    levels[0], levels[-1] = low, high  # exactly, whatever the float rounding
    levels = np.maximum.accumulate(levels)
    for lo in range(0, n, _BLOCK):
        hi = min(lo + _BLOCK, n)
        codes[lo:hi] = np.searchsorted(levels, impacts_of(lo, hi), side="right") - 1
    return codes, levels


def _run_max(offsets: np.ndarray, impacts_of: Callable[[int, int], np.ndarray]) -> np.ndarray:
    """The largest impact of each term's postings (0 for a term without any), computed block
    by block: the impacts are never all held at once."""
    out = np.zeros(len(offsets) - 1, dtype=np.float32)
    for t0, t1 in _blocks(offsets):
        lo = int(offsets[t0])
        local = offsets[t0 : t1 + 1] - lo
        nonempty = np.flatnonzero(local[1:] > local[:-1])
        if len(nonempty):
            impacts = impacts_of(lo, int(offsets[t1]))
            out[t0 + nonempty] = np.maximum.reduceat(impacts, local[nonempty])
    return out


@dataclass(frozen=True, slots=True)
class Frozen:
    """A BM25Index as arrays, as a merge leaves it: the base segment (the postings of every live
    document and of no other), every document's length and liveness, and the vocabulary.
    What a snapshot saves (index.snapshot); BM25Index.from_frozen makes an index of it."""

    offsets: np.ndarray  # int64, n_terms + 1
    # the postings (index.postings.Postings): doc ids packed by blocks of 128, impact codes
    doc_first: np.ndarray  # int32 per block: its first doc id
    doc_meta: np.ndarray  # int32 (blocks + 1, 3): base, slope, start a block
    doc_bits: np.ndarray  # uint32: the bit-packed distances
    codes: np.ndarray  # uint8 per posting
    qtab: np.ndarray  # float32, 256 impact levels (see _Base)
    tf_table: np.ndarray  # uint8 (lengths, 256): the postings' tfs (index.postings.TfCodes)
    tf_exc_pos: np.ndarray  # int64: the postings the table does not decode
    tf_exc_tf: np.ndarray  # int32: their tfs
    max_impact: np.ndarray  # float32, per term
    block_shift: int  # windows of 2**block_shift doc ids
    block_slot: np.ndarray  # int32 per term: its row of block_max, -1 for a short list
    block_max: np.ndarray  # uint8 (long lists, windows): see window_bounds
    avgdl: float  # the mean document length the impacts were computed with
    doc_len: np.ndarray  # uint16 (int64 with a document past 65,535 tokens), n_docs
    live: np.ndarray  # bool, n_docs
    terms: TermTable


class Merge:
    """A merge whose delta is detached (BM25Index.start_merge): `run()` builds the new base
    and swaps it in; `frozen()` then gives the index as the merge left it."""

    def __init__(self, index: BM25Index, n: int, n_terms: int, live: np.ndarray,
                 doc_len: np.ndarray, avgdl: float, base: _Base) -> None:
        self._index = index
        self.n, self.n_terms, self.live, self.doc_len, self.avgdl = n, n_terms, live, doc_len, avgdl
        self.base = base
        # the detached delta (docs, tfs by term id); None: nothing to merge, the base stays
        self.deltas: tuple[dict[int, array], dict[int, array]] | None = None
        self._done = False

    def run(self) -> None:
        with self._index._merge_lock:
            self._run()

    def _run(self) -> None:
        index = self._index
        try:
            if self.deltas is not None:
                self.base = index._build_merged(self)
        except BaseException:
            with index._lock:
                index._reattach()
                index._pending = None
            raise
        with index._lock:
            if self.deltas is not None:
                index._base = self.base
                index._delta_size -= index._merging_size
                index._merging_docs, index._merging_tfs, index._merging_size = {}, {}, 0
                # cached arrays of a term hold its merged postings too: now in the base
                index._delta_cache.clear()
                self.deltas = None
            index._pending = None
            self._done = True

    def frozen(self) -> Frozen:
        """The index as this merge left it (after run()): the merged base, the documents and
        their liveness when the merge started, the vocabulary of then."""
        if not self._done:
            raise RuntimeError("the merge has not run")
        base = self.base
        offsets, max_impact, block_slot = base.padded(self.n_terms)
        codes = base.tf_codes
        return Frozen(offsets, *base.postings.kernel, base.qtab, codes.table, codes.exc_pos,
                      codes.exc_tf, max_impact, base.block_shift, block_slot, base.block_max,
                      base.avgdl, self.doc_len, self.live, self._index.vocab.table(self.n_terms))


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
        self._term_ids = _TermIds()
        self._base = _Base.empty()
        # Postings as int32 arrays, not lists of int objects: a delta of 500,000 postings
        # takes 4 MB instead of ~36 MB, and the garbage collector's full passes (which pause
        # the event loop during a bulk ingest, bench --stall) need not visit each posting.
        self._delta_docs: dict[int, array] = {}
        self._delta_tfs: dict[int, array] = {}
        # The delta a running merge is folding into the base: detached from the live delta
        # above when the merge starts (so nothing is copied under the lock), searched with it
        # until the merged base is swapped in. Empty when no merge runs.
        self._merging_docs: dict[int, array] = {}
        self._merging_tfs: dict[int, array] = {}
        self._merging_size = 0
        self._delta_cache: dict[int, tuple[np.ndarray, np.ndarray]] = {}
        self._delta_size = 0  # postings in both deltas
        self._df = np.zeros(0, dtype=np.int64)
        # two bytes a document (a passage is ~30 tokens); int64 once a longer one comes
        self._doc_len = np.zeros(0, dtype=_LEN_DTYPE)
        self._live = np.zeros(0, dtype=bool)
        self._n_docs = 0  # doc ids handed out, live or not
        self._n_live = 0
        self._total_len = 0
        self._cache: dict[str, object] = {}  # statistics derived on demand, dropped on change
        self._acc = np.zeros(0, dtype=np.float32)  # approximate scores; all 0 between searches
        # the compiled search's other buffers, as long as _acc (seen: all 0 between searches)
        self._seen = np.zeros(0, dtype=np.uint8)
        self._cand = np.zeros(0, dtype=np.int32)
        self._buf = np.zeros(0, dtype=np.float32)
        self._lock = threading.RLock()
        self._merge_lock = threading.Lock()  # always taken before _lock
        self._pending: Merge | None = None  # a merge started and not finished

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
        return index

    @classmethod
    def from_frozen(
        cls, frozen: Frozen, k1: float = K1, b: float = B, epsilon: float = EPSILON
    ) -> BM25Index:
        """The index a Frozen state describes (as a merge left it), without copying its
        postings: memory-mapped arrays stay on disk until a query reads them."""
        index = cls(k1, b, epsilon)
        index.vocab = _Vocab(frozen.terms)
        index._base = _Base(
            frozen.offsets,
            Postings(frozen.doc_first, frozen.doc_meta, frozen.doc_bits, frozen.codes),
            frozen.qtab,
            TfCodes(frozen.tf_table, frozen.tf_exc_pos, frozen.tf_exc_tf), frozen.avgdl,
            frozen.doc_len, index.k1, index.b, frozen.max_impact,
            (frozen.block_shift, frozen.block_slot, frozen.block_max))
        # a merged base holds exactly the live documents' postings: df is each term's count
        index._df = np.diff(frozen.offsets)
        index._doc_len, index._live = frozen.doc_len, frozen.live
        index._n_docs = len(frozen.doc_len)
        index._n_live = int(np.count_nonzero(frozen.live))
        index._total_len = int(frozen.doc_len[frozen.live].sum())
        _warm_kernel(index._base)
        return index

    def add_many(self, corpus: Iterable[Sequence[str]]) -> range:
        """Add documents in bulk straight into the base segment; returns their doc ids."""
        return self._add_many(corpus, self._encode_chunk)

    def add_many_joined(self, texts: Iterable[str]) -> range:
        """add_many for documents given as their tokens joined by single spaces, as the store
        keeps them: ``add_many_joined(t for t in texts)`` equals ``add_many(t.split() for t in
        texts)`` but never makes a string per token, which would cost as much as the build."""
        return self._add_many(texts, self._encode_joined)

    def _add_many(self, corpus: Iterable, encode: Callable[[list], _Part]) -> range:
        with self._merge_lock, self._lock:
            self._merge()
            first = self._n_docs
            base = self._base
            parts: list[_Part] = []
            if base.n_postings:
                parts.append(_part(base.counts(), *base.all_postings()))
            it = iter(corpus)
            while True:
                chunk = list(islice(it, _BUILD_CHUNK))
                if not chunk:
                    break
                parts.append(encode(chunk))
                del chunk  # before the next chunk is read, not after
            n_terms = len(self.vocab)
            offsets, docs, tfs = _interleave(parts, n_terms)
            self._ensure_term_capacity(n_terms)
            self._df[:n_terms] = np.diff(offsets)  # _merge() left no delta, no removed docs
            self._base = self._new_base(offsets, docs, tfs, self._doc_len[: self._n_docs],
                                        self._avgdl())
            self._invalidate()
            if len(self.vocab) - self.vocab._n_table >= _COMPACT_TERMS:
                self.vocab.compact()
            _warm_kernel(self._base)
            return range(first, self._n_docs)

    def _encode_chunk(self, chunk: list[Sequence[str]]) -> _Part:
        """Turn a chunk of token lists into a part: postings grouped by term, then doc."""
        lengths = np.fromiter(map(len, chunk), dtype=np.int64, count=len(chunk))
        ids = None
        if lengths.any():
            ids = self._term_ids.ids(list(chain.from_iterable(chunk)), self.vocab)
        return self._encode(lengths, ids)

    def _encode_joined(self, chunk: list[str]) -> _Part:
        """_encode_chunk for space-joined documents."""
        lengths = np.fromiter((t.count(" ") + 1 if t else 0 for t in chunk), np.int64, len(chunk))
        ids = None
        if lengths.any():
            text = " ".join(t for t in chunk if t) + " "
            ids = self._term_ids.ids_of_joined(text, int(lengths.sum()), self.vocab)
            if ids is None:  # not single-space separated: let str.split() decide
                return self._encode_chunk([t.split() for t in chunk])
        return self._encode(lengths, ids)

    def _encode(self, lengths: np.ndarray, ids: np.ndarray | None) -> _Part:
        """The part of the next len(lengths) documents, given every token's term id."""
        n = len(lengths)
        total = int(lengths.sum())
        first = self._n_docs
        self._register_docs(lengths)
        if total == 0:
            none = np.zeros(0, dtype=np.int64)
            return none, none, none.astype(np.int32), none.astype(np.uint8)
        keys = ids * n + np.repeat(np.arange(n, dtype=np.int64), lengths)
        del ids
        keys.sort()
        boundary = np.empty(len(keys), dtype=bool)
        boundary[0] = True
        np.not_equal(keys[1:], keys[:-1], out=boundary[1:])
        starts = np.flatnonzero(boundary)
        del boundary
        tfs = np.diff(np.append(starts, len(keys)))
        uniq = keys[starts]
        del keys, starts
        counts = np.bincount(uniq // n, minlength=len(self.vocab))
        docs = (uniq % n + first).astype(np.int32)
        return _part(counts, docs, tfs.astype(_tf_dtype(int(tfs.max()))))

    def _new_base(
        self,
        offsets: np.ndarray,
        docs: np.ndarray,
        tfs: np.ndarray,
        doc_len: np.ndarray,
        avgdl: float,
    ) -> _Base:
        """A base segment whose impacts are under `avgdl` (documents 0..len(doc_len)-1)."""
        return _Base.build(offsets, docs, tfs, avgdl if avgdl > 0 else 1.0, doc_len, self.k1,
                           self.b)

    def _register_docs(self, lengths: np.ndarray) -> None:
        n = len(lengths)
        start, end = self._n_docs, self._n_docs + n
        if len(lengths) and int(lengths.max()) > np.iinfo(self._doc_len.dtype).max:
            self._doc_len = self._doc_len.astype(np.int64)
        self._doc_len = _grow(self._doc_len, end)
        self._live = _grow(self._live, end, False)
        self._doc_len[start:end] = lengths
        self._live[start:end] = True
        self._n_docs = end
        self._n_live += n
        self._total_len += int(lengths.sum())

    def _ensure_term_capacity(self, n_terms: int) -> None:
        self._df = _grow(self._df, n_terms)

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
                docs = self._delta_docs.get(tid)
                if docs is None:
                    docs = self._delta_docs[tid] = array("i")
                    self._delta_tfs[tid] = array("i")
                docs.append(doc)
                self._delta_tfs[tid].append(tf)
                self._delta_cache.pop(tid, None)
                self._df[tid] += 1
            self._delta_size += len(ids)
            self._invalidate()
            return doc

    def remove(self, doc: int) -> None:
        """Remove a document: it scores 0 and leaves N, df and avgdl as if never added."""
        self.remove_many([doc])

    def remove_many(self, docs: Sequence[int]) -> None:
        """Remove documents (an edited article's passages) with one pass over the postings:
        finding a document's terms is a scan, so removing them one by one costs a scan each."""
        with self._lock:
            wanted = sorted(set(docs))
            for doc in wanted:
                if not 0 <= doc < self._n_docs or not self._live[doc]:
                    raise KeyError(f"no live document {doc}")
            if not wanted:
                return
            for tid, count in self._terms_of(wanted).items():
                self._df[tid] -= count
            for doc in wanted:
                self._live[doc] = False
                self._n_live -= 1
                self._total_len -= int(self._doc_len[doc])
            self._invalidate()

    def _terms_of(self, docs: list[int]) -> Counter:
        """term id → how many of `docs` contain it, found in the postings (removal is rare:
        one O(nnz) scan for the whole batch)."""
        found: Counter = Counter()
        base = self._base
        keys = np.asarray(docs, dtype=np.int32)
        hit = np.concatenate([
            lo + np.flatnonzero(np.isin(base.docs_of(lo, lo + _BLOCK), keys))
            for lo in range(0, base.n_postings, _BLOCK)
        ] + [np.zeros(0, dtype=np.int64)])
        if len(hit):
            terms = np.searchsorted(base.offsets, hit, side="right") - 1
            found.update(terms.tolist())
        wanted = set(docs)
        first = docs[0]
        for delta in (self._merging_docs, self._delta_docs):
            for tid, posting in delta.items():
                if posting and posting[-1] >= first:
                    found[tid] += sum(1 for d in posting if d in wanted)
        return found

    def merge(self) -> None:
        """Fold the delta segment into the base and drop postings of removed documents.

        Built outside the lock, so a merge run in a worker thread (it takes seconds at 1M
        passages) does not stop queries or adds: under the lock it only detaches the delta
        (adds go to a fresh one) and later swaps the new base in, both O(1). Copying the
        delta under the lock instead held it for 1.2–2.3 s at 500,000 postings (mostly the
        garbage collector, woken by a quarter of a million new lists), and every question
        asked meanwhile waited on the event loop.
        """
        with self._merge_lock:
            self._merge()

    def _merge(self) -> None:
        self.start_merge()._run()

    def start_merge(self) -> Merge:
        """Detach the delta now, for a merge that `Merge.run()` completes (in any thread).

        For a caller that must know which documents the merged base holds — those added before
        this call, as live as they were then (index.snapshot saves that state with the change
        log position it reflects) — and that detaches while nothing is being added."""
        with self._lock:
            if self._pending is not None:
                raise RuntimeError("a merge of this index is already under way")
            n = self._n_docs
            job = Merge(self, n, len(self.vocab), self._live[:n].copy(), self._doc_len[:n],
                        self._avgdl(), self._base)
            if self._delta_size or not job.live.all():
                self._detach()
                job.deltas = self._merging_docs, self._merging_tfs
            self._pending = job
            return job

    def _build_merged(self, job: Merge) -> _Base:
        """The new base of a detached merge: the old base and the detached delta, without the
        postings of documents removed before the merge started (no lock needed)."""
        frozen_docs, frozen_tfs = job.deltas
        live, n_terms = job.live, job.n_terms
        parts = [_live_part(job.base, live)]
        if frozen_docs:
            tids = sorted(frozen_docs)
            lens = [len(frozen_docs[t]) for t in tids]
            total = sum(lens)
            d_terms = np.repeat(np.array(tids, dtype=np.int64), lens)
            d_docs = np.fromiter(chain.from_iterable(frozen_docs[t] for t in tids), np.int32,
                                 total)
            d_tfs = np.fromiter(chain.from_iterable(frozen_tfs[t] for t in tids), np.int64,
                                total)
            keep = live[d_docs]
            counts = np.bincount(d_terms[keep], minlength=n_terms)
            parts.append(_part(counts, d_docs[keep], d_tfs[keep]))
        offsets, docs, tfs = _interleave(parts, n_terms)
        return self._new_base(offsets, docs, tfs, job.doc_len, job.avgdl)

    def _detach(self) -> None:
        """Hand the live delta to the merge about to run; adds start a fresh one. Caller
        holds the lock. A term's cached arrays stay right: its postings are only split."""
        if self._merging_docs:  # a merge that failed left its part: fold it back first
            self._reattach()
        self._merging_docs, self._merging_tfs = self._delta_docs, self._delta_tfs
        self._merging_size = self._delta_size
        self._delta_docs, self._delta_tfs = {}, {}

    def _reattach(self) -> None:
        """Undo _detach (the merge failed): the detached postings come first again, as their
        documents are older. Caller holds the lock."""
        docs, tfs = self._merging_docs, self._merging_tfs
        for tid, later in self._delta_docs.items():
            docs.setdefault(tid, array("i")).extend(later)
            tfs.setdefault(tid, array("i")).extend(self._delta_tfs[tid])
        self._delta_docs, self._delta_tfs = docs, tfs
        self._merging_docs, self._merging_tfs, self._merging_size = {}, {}, 0

    @property
    def delta_size(self) -> int:
        """Postings waiting in the delta segment (see MERGE_THRESHOLD)."""
        return self._delta_size

    @property
    def base_postings(self) -> int:
        """Postings in the base (see MERGE_SHARE)."""
        return self._base.n_postings

    # ---- statistics -----------------------------------------------------------------------

    def __len__(self) -> int:
        return self._n_live

    @property
    def n_docs(self) -> int:
        """Doc ids handed out so far (live or removed)."""
        return self._n_docs

    def _invalidate(self) -> None:
        self._cache = {}

    def _avgdl(self) -> float:
        return self._total_len / self._n_live if self._n_live else 1.0

    def _norm_of(self, docs: np.ndarray) -> np.ndarray:
        """rank-bm25's length normaliser ``k1 * (1 - b + b * len / avgdl)`` for `docs`, with the
        same operations in the same order so scores match to the last bit; removed docs get
        +inf so their contribution is exactly 0."""
        norm = self.k1 * (1 - self.b + self.b * self._doc_len[docs] / self._avgdl())
        norm[~self._live[docs]] = np.inf
        return norm

    def _norm_all(self) -> np.ndarray:
        norm = self._cache.get("norm")
        if norm is None:
            norm = self._cache["norm"] = self._norm_of(np.arange(self._n_docs))
        return norm  # type: ignore[return-value]

    def _eps(self) -> float:
        """The idf floor: epsilon times the mean idf over the vocabulary (computed on demand,
        since only a term in over half of the documents needs it)."""
        eps = self._cache.get("eps")
        if eps is None:
            df = self._df[: len(self.vocab)]
            df = df[df > 0].astype(np.float64)
            if len(df):
                idf = np.log(self._n_live - df + 0.5) - np.log(df + 0.5)
                eps = self.epsilon * float(idf.mean())
            else:
                eps = 0.0
            self._cache["eps"] = eps
        return eps  # type: ignore[return-value]

    def df(self, term: str) -> int:
        """How many live documents contain `term`."""
        tid = self.vocab.get(term)
        return 0 if tid is None else int(self._df[tid])

    def idf(self, term: str) -> float:
        """rank-bm25's idf for `term` (0 for a term no live document has)."""
        with self._lock:
            tid = self.vocab.get(term)
            if tid is None or self._df[tid] == 0:
                return 0.0
            return self._idf_of(int(self._df[tid]))

    def _idf_of(self, df: int) -> float:
        value = math.log(self._n_live - df + 0.5) - math.log(df + 0.5)  # as rank-bm25 has it
        return self._eps() if value < 0 else value

    # ---- scoring --------------------------------------------------------------------------

    def _delta(self, tid: int) -> tuple[np.ndarray, np.ndarray] | None:
        """The delta segment's (docs, tfs) of a term as arrays, cached until the term changes;
        during a merge, the detached delta's postings first (their documents are older)."""
        if tid not in self._delta_docs and tid not in self._merging_docs:
            return None
        cached = self._delta_cache.get(tid)
        if cached is None:
            empty = array("i")
            # `+` makes new arrays, and np.array copies them: no numpy view may pin a live
            # delta array's buffer (an append to it would then fail)
            docs = self._merging_docs.get(tid, empty) + self._delta_docs.get(tid, empty)
            tfs = self._merging_tfs.get(tid, empty) + self._delta_tfs.get(tid, empty)
            cached = self._delta_cache[tid] = (np.array(docs, dtype=np.int32),
                                               np.array(tfs, dtype=np.int32))
        return cached

    def _postings(self, tid: int) -> list[tuple[np.ndarray, np.ndarray]]:
        out = []
        base = self._base
        lo, hi = base.span(tid)
        if hi > lo:
            out.append((base.docs_of(lo, hi), base.tfs_of(lo, hi)))
        delta = self._delta(tid)
        if delta is not None:
            out.append(delta)
        return out

    def _tfs_in(self, tid: int, docs: np.ndarray) -> list[np.ndarray]:
        """Per segment (base, then delta), the tf of the term in each of `docs` (0: absent),
        by binary search: a common term costs no more than a rare one, and the base decodes
        only the postings found."""
        base = self._base
        lo, hi = base.span(tid)
        out = [base.tfs_for(lo, hi, docs)] if hi > lo else []
        delta = self._delta(tid)
        if delta is not None:
            have, tfs = delta
            # searching all but the last posting gives a valid index even past the end
            at = np.searchsorted(have[:-1], docs)
            out.append(np.where(have[at] == docs, tfs[at], 0))
        return out

    def _weights(self, query: Query) -> list[tuple[int, float]]:
        """(term id, multiplicity * idf) for the query terms some live document has; a mapping
        gives each term its multiplicity directly (a weight, 1.0 being one occurrence)."""
        weights = []
        counts = query if isinstance(query, Mapping) else Counter(query)
        # term id → idf (None: no live document has it), kept until the index changes: two
        # logs and a numpy scalar read per term were a tenth of a compiled search
        idfs: dict[int, float | None] = self._cache.setdefault("idf", {})  # type: ignore[assignment]
        for term, mult in counts.items():
            if mult <= 0:
                continue
            tid = self.vocab.get(term)
            if tid is None:
                continue
            idf = idfs.get(tid, _UNKNOWN)
            if idf is _UNKNOWN:
                df = int(self._df[tid])
                idf = idfs[tid] = self._idf_of(df) if df > 0 else None
            if idf is not None:
                weights.append((tid, mult * idf))
        return weights

    def get_scores(self, query: Query) -> np.ndarray:
        """Dense scores for every doc id, like BM25Okapi.get_scores (removed docs score 0)."""
        with self._lock:
            scores = np.zeros(self._n_docs, dtype=np.float64)
            weights = self._weights(query)
            if not weights:
                return scores
            norm = self._norm_all()
            k1p = self.k1 + 1
            for tid, weight in weights:
                for docs, tfs in self._postings(tid):
                    scores[docs] += weight * (tfs * k1p / (tfs + norm[docs]))
            return scores

    def _exact(self, docs: np.ndarray, weights: list[tuple[int, float]]) -> np.ndarray:
        """get_scores(query)[docs] for sorted distinct `docs`, by binary search in the postings
        (the same operations in the same order, so the very same floats)."""
        scores = np.zeros(len(docs), dtype=np.float64)
        if not len(docs):
            return scores
        if kernel.search is not None and kernel.exact is not None:
            base, codes = self._base, self._base.tf_codes
            tids, wts, d_off, d_docs, d_tfs = self._kernel_terms(weights)
            return kernel.exact(docs.astype(np.int64), tids, wts, base.offsets,
                                base.postings.kernel,
                                codes.table, codes.exc_pos, codes.exc_tf, self._doc_len,
                                self._live, d_off, d_docs, d_tfs, self.k1, self.b,
                                self._avgdl())
        norm = self._norm_of(docs)
        k1p = self.k1 + 1
        for tid, weight in weights:
            for tf in self._tfs_in(tid, docs):
                # absent: tf 0 adds exactly 0.0 (0/0 only for k1 = 0, so divide where tf > 0)
                part = np.divide(tf * k1p, tf + norm, out=np.zeros(len(docs)), where=tf > 0)
                scores += weight * part
        return scores

    def score_docs(self, query: Query, docs: Iterable[int]) -> dict[int, float]:
        """Exact scores of the given doc ids (as get_scores has them), for fusing fields."""
        wanted = np.unique(np.fromiter(docs, dtype=np.int64))
        with self._lock:
            wanted = wanted[(wanted >= 0) & (wanted < self._n_docs)]
            if not self._weights(query) or not len(wanted):
                return {}
            scores = self.score_sorted(query, wanted)
            return dict(zip(wanted.tolist(), scores.tolist(), strict=True))

    def score_sorted(self, query: Query, docs: np.ndarray) -> np.ndarray:
        """get_scores(query)[docs] for sorted distinct int64 `docs` (0.0 for an id the index
        does not have): the fields' scores side by side, fused without a dict per field."""
        scores = np.zeros(len(docs), dtype=np.float64)
        with self._lock:
            weights = self._weights(query)
            if not weights or not len(docs):
                return scores
            inside = (docs >= 0) & (docs < self._n_docs)
            if inside.all():
                return self._exact(docs, weights)
            scores[inside] = self._exact(docs[inside], weights)
            return scores

    def search(self, query: Query, k: int = 10) -> list[tuple[int, float]]:
        """Top-k (doc id, score) with score > 0, best first; ties by ascending doc id.

        `query` is a token list (a repeated token counts once per occurrence, as in rank-bm25)
        or a mapping of token → weight (expansions at reduced weight)."""
        if k <= 0:
            raise ValueError(f"k must be a positive integer, got {k}")
        with self._lock:
            weights = self._weights(query)
            if not weights:
                return []
            if any(weight <= 0 for _, weight in weights):
                # A non-positive idf (degenerate tiny corpora) breaks the pruning argument.
                return self._top_k(self.get_scores(query), k)
            if len(self._acc) < self._n_docs:
                self._acc = np.zeros(max(self._n_docs, 2 * len(self._acc)), dtype=np.float32)
            if kernel.search is not None:
                return self._search_compiled(weights, k)
            try:
                cand = self._candidates(weights, k)
            except BaseException:
                self._acc[:] = 0
                raise
            return self._top_from(cand, self._exact(cand, weights), k)

    def _search_compiled(self, weights: list[tuple[int, float]], k: int) -> list[tuple[int, float]]:
        """search() by the numba kernel (index.kernel): the same MaxScore over the impacts and
        the same exact float64 sums as _candidates and _exact, in one compiled call."""
        n = len(self._acc)
        if len(self._seen) != n:  # buffers the kernel keeps zeroed between calls
            self._seen = np.zeros(n, dtype=np.uint8)
            self._cand = np.zeros(n, dtype=np.int32)
            self._buf = np.zeros(n, dtype=np.float32)
        base = self._base
        tids, wts, d_off, d_docs, d_tfs = self._kernel_terms(weights)
        avgdl = self._avgdl()
        ratio = avgdl / base.avgdl if base.n_postings else 1.0  # no impacts: no drift
        slack = (len(weights) + 4) * 2.0**-23
        try:
            docs, scores = kernel.search(
                tids, wts, base.offsets, base.postings.kernel, base.qtab, base.tf_codes.table,
                base.tf_codes.exc_pos, base.tf_codes.exc_tf, base.max_impact, self._doc_len,
                self._live, self._n_docs, d_off, d_docs, d_tfs, k,
                min(1.0, ratio) * (1 - slack), max(1.0, ratio) * (1 + slack) * base.spread, slack,
                self.k1, self.b, avgdl, _KERNEL_PROBE_COST, _KERNEL_STOP_COST,
                self._acc, self._seen, self._cand, self._buf, base.block_max, base.block_slot,
                base.block_shift, self._window_min(),
            )
        except BaseException:
            self._acc[:] = 0
            self._seen[:] = 0
            raise
        return list(zip(docs.tolist(), scores.tolist(), strict=True))

    def _window_min(self) -> int:
        """The kernel's window_min for this base's layout: -1 for no windows (_WINDOW_MIN;
        read at call time: tests lower the thresholds)."""
        if self._base.postings.plain:
            least, docs = _PLAIN_WINDOW_MIN, _PLAIN_WINDOW_DOCS
        else:
            least, docs = _WINDOW_MIN, _WINDOW_DOCS
        return least if self._n_docs >= docs else -1

    def _kernel_terms(
        self, weights: list[tuple[int, float]]
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """The query terms as the kernel takes them: (term ids, weights, and the delta's
        postings of query term i at d_docs/d_tfs[d_off[i]:d_off[i + 1]])."""
        terms, values = zip(*weights, strict=True)
        tids = np.array(terms, dtype=np.int64)
        wts = np.array(values, dtype=np.float64)
        d_off = np.zeros(len(weights) + 1, dtype=np.int64)
        d_docs, d_tfs = _NO_DOCS, _NO_TFS
        if self._delta_size:
            found = [self._delta(t) for t, _ in weights]
            if any(f is not None for f in found):
                d_off[1:] = np.cumsum([0 if f is None else len(f[0]) for f in found])
                d_docs = np.concatenate([f[0] for f in found if f is not None])
                d_tfs = np.concatenate([f[1] for f in found if f is not None])
        return tids, wts, d_off, d_docs, d_tfs

    def _candidates(self, weights: list[tuple[int, float]], k: int) -> np.ndarray:
        """Sorted live doc ids that include every document of the exact top k.

        Works on *approximate* scores: float32 sums of ``weight * impact``. With avgdl now `a`
        and `a0` when the impacts were computed, each length normaliser is the old one times a
        factor between min(1, a0/a) and max(1, a0/a), so a term's true contribution lies between
        ``lo * approx`` and ``hi * approx`` with lo = min(1, a/a0), hi = max(1, a/a0), widened
        by the float32 rounding of products and sums (`slack`). Delta postings are scored
        exactly (then rounded), which obeys the same bounds. Fancy indexing uses int64 doc ids
        and a float32 accumulator: that halves the cost of the scattered memory accesses.
        """
        base = self._base
        ratio = self._avgdl() / base.avgdl if base.n_postings else 1.0  # no impacts: no drift
        slack = (len(weights) + 4) * 2.0**-23
        lo = min(1.0, ratio) * (1 - slack)
        hi = max(1.0, ratio) * (1 + slack)
        k1p = self.k1 + 1
        plan = []
        for tid, weight in weights:
            a, b = base.span(tid)
            w32 = np.float32(weight)
            # the most one posting can add to an approximate score, rounding included
            bound = float(w32) * float(base.max_impact[tid]) * (1 + slack) if b > a else 0.0
            delta = self._delta(tid)
            if delta is not None:
                d_docs, d_tfs = delta
                d_vals = weight * (d_tfs * k1p / (d_tfs + self._norm_of(d_docs)))
                bound = max(bound, float(d_vals.max()) * (1 + slack))
                delta = (d_docs.astype(np.int64), d_vals.astype(np.float32))
            plan.append((b - a + (len(delta[0]) if delta else 0), a, b, w32, delta, bound))
        plan.sort(key=lambda p: p[0])  # rarest first: short lists set a high bar early
        bounds = [p[-1] for p in plan]
        # rest[i]: the most the terms after the i-th can add (exactly 0 after the last one)
        rest = [sum(bounds[i + 1 :]) for i in range(len(plan))]
        acc = self._acc
        parts: list[np.ndarray] = []
        lower = 0.0  # a lower bound on the k-th best true score
        for i, (_, a, b, w32, delta, _) in enumerate(plan):
            docs, vals = self._scan(a, b, w32, delta)
            if i == 0:
                first = docs, vals  # a single list needs no accumulator
            else:
                if i == 1:
                    acc[first[0]] = first[1]
                acc[docs] += vals
            parts.append(docs)
            scanned = i + 1
            pooled = False
            if scanned < len(plan) and hi * rest[i] < lo * sum(bounds[:scanned]):
                pool, approx = self._pool(parts, first, acc)
                lower = max(lower, lo * self._kth_best(pool, approx, k, scanned))
                pooled = True
                if hi * rest[i] < lower:
                    break  # no document outside the pool can reach the top k
        if not pooled:
            pool, approx = self._pool(parts, first, acc)
            lower = max(lower, lo * self._kth_best(pool, approx, k, scanned))
        keep = approx >= lower / hi - rest[scanned - 1]
        if len(parts) == 1:  # one sorted list: its docs are distinct already
            cand, approx = pool[keep], approx[keep].astype(np.float64)
        else:
            cand = _distinct(pool[keep])
            approx = acc[cand].astype(np.float64)
            acc[pool] = 0
        live = self._live[cand]
        cand, approx = cand[live], approx[live]
        # The lists not scanned: probed for the candidates, or scanned if that is cheaper.
        for i in range(scanned, len(plan)):
            if len(cand) <= k:
                break
            length, a, b, w32, delta, _ = plan[i]
            if len(cand) * _PROBE_COST < length:
                approx += self._probe(cand, base.docs_of(a, b), base.impacts_of(a, b)) * float(w32)
                if delta is not None:
                    approx += self._probe(cand, delta[0], delta[1])
            else:
                docs, vals = self._scan(a, b, w32, delta)
                acc[docs] = vals
                approx += acc[cand]
                acc[docs] = 0
            kth = np.partition(approx, len(approx) - k)[len(approx) - k]
            lower = max(lower, lo * float(kth))
            keep = approx >= lower / hi - rest[i]
            cand, approx = cand[keep], approx[keep]
        return cand

    def _scan(
        self, a: int, b: int, w32: np.float32, delta: tuple[np.ndarray, np.ndarray] | None
    ) -> tuple[np.ndarray, np.ndarray]:
        """A term's (docs as int64, approximate contributions as float32), base then delta."""
        base = self._base
        docs = base.docs_of(a, b).astype(np.int64)
        vals = base.impacts_of(a, b) * w32
        if delta is not None:
            docs = np.concatenate([docs, delta[0]])
            vals = np.concatenate([vals, delta[1]])
        return docs, vals

    @staticmethod
    def _pool(
        parts: list[np.ndarray], first: tuple[np.ndarray, np.ndarray], acc: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """Every scanned (doc, approximate score so far); a doc once per list it is in."""
        if len(parts) == 1:
            return first
        pool = np.concatenate(parts)
        return pool, acc[pool]

    def _kth_best(self, pool: np.ndarray, approx: np.ndarray, k: int, copies: int) -> float:
        """The k-th largest approximate score among the distinct live docs of the pool (each
        doc appears at most `copies` times, with the same score), or 0 when there are fewer
        than k of them."""
        attempts = [(pool, approx)]
        top = len(pool) - k * copies
        if top > 0:  # the k * copies best entries hold at least k distinct docs
            sel = approx >= np.partition(approx, top)[top]
            attempts.insert(0, (pool[sel], approx[sel]))
        for docs, vals in attempts:
            if copies > 1:
                order = np.argsort(docs)
                docs, vals = docs[order], vals[order]
                distinct = np.empty(len(docs), dtype=bool)
                distinct[:1] = True
                np.not_equal(docs[1:], docs[:-1], out=distinct[1:])
                docs, vals = docs[distinct], vals[distinct]
            vals = vals[self._live[docs]]
            if len(vals) >= k:
                return float(np.partition(vals, len(vals) - k)[len(vals) - k])
        return 0.0

    @staticmethod
    def _probe(cand: np.ndarray, docs: np.ndarray, vals: np.ndarray) -> np.ndarray:
        """vals at each candidate's position in the sorted `docs` (0 where it is absent)."""
        out = np.zeros(len(cand), dtype=np.float64)
        if len(docs):
            keys = cand.astype(docs.dtype)  # searchsorted would convert the whole list instead
            pos = np.minimum(np.searchsorted(docs, keys), len(docs) - 1)
            hit = docs[pos] == keys
            out[hit] = vals[pos[hit]]
        return out

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

    def holds(self, term: str, docs: np.ndarray) -> np.ndarray:
        """Which of `docs` (live doc ids) have `term`: a binary search in each segment's
        ascending postings, so a common term costs no more than a rare one."""
        return self.holds_each([term], docs)[0]

    def holds_each(self, terms: Sequence[str], docs: np.ndarray) -> np.ndarray:
        """`holds` for every one of `terms` (a row each), the base's lists searched in one
        call: the relevance rule asks it of ~30 terms per question."""
        found = np.zeros((len(terms), len(docs)), dtype=bool)
        if not len(docs) or not terms:
            return found
        with self._lock:
            tids = [self.vocab.get(term) for term in terms]
            rows = [row for row, tid in enumerate(tids) if tid is not None]
            if not rows:
                return found
            base = self._base
            spans = np.array([base.span(tids[row]) for row in rows], dtype=np.int64)
            found[rows] = base.has_each(spans[:, 0], spans[:, 1], docs)
            for row in rows:
                delta = self._delta(tids[row])
                if delta is not None:
                    have = delta[0]
                    # searching all but the last posting gives a valid index even past the end
                    found[row] |= have[np.searchsorted(have[:-1], docs)] == docs
            found &= self._live[docs]
            return found


def _warm_kernel(base: _Base | None = None) -> None:
    """Compile (or load from numba's cache) the kernel for this base's array types now, at
    build or load time, so the first question does not wait for it: a one-doc search."""
    if kernel.search is None:
        return
    lengths = base.doc_len.dtype if base is not None else np.dtype(np.int64)
    try:
        _warm_call(lengths)
    except Exception:  # a numba that cannot compile the kernel: the numpy search still works
        logging.getLogger(__name__).exception("numba kernel failed to compile; using numpy")
        kernel.search = kernel.holds = None


def _warm_call(lengths: np.dtype) -> None:
    one = np.ones(1, dtype=np.float32)
    packed = Postings.encode(np.zeros(1, dtype=np.int32), np.zeros(1, dtype=np.uint8)).kernel
    if kernel.exact is not None:
        kernel.exact(
            np.zeros(1, dtype=np.int64), np.zeros(1, dtype=np.int64), np.ones(1),
            np.array([0, 1]), packed, np.ones((1, 256), dtype=np.uint8),
            np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int32), np.ones(1, dtype=lengths),
            np.ones(1, dtype=bool), np.zeros(2, dtype=np.int64), _NO_DOCS, _NO_TFS, K1, B, 1.0,
        )
    if kernel.holds is not None:
        kernel.holds(np.zeros(1, dtype=np.int64), np.zeros(1, dtype=np.int64),
                     np.ones(1, dtype=np.int64), packed)
    kernel.search(
        np.zeros(1, dtype=np.int64), np.ones(1), np.array([0, 1]), packed,
        np.ones(256, dtype=np.float32), np.ones((1, 256), dtype=np.uint8),
        np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int32), one,
        np.ones(1, dtype=lengths), np.ones(1, dtype=bool),
        1, np.zeros(2, dtype=np.int64), _NO_DOCS, _NO_TFS, 1, 1.0, 1.0, 0.0, K1, B, 1.0,
        _KERNEL_PROBE_COST, _KERNEL_STOP_COST, np.zeros(1, dtype=np.float32),
        np.zeros(1, dtype=np.uint8), np.zeros(1, dtype=np.int32), np.zeros(1, dtype=np.float32),
        np.zeros((1, 1), dtype=np.uint8), np.zeros(1, dtype=np.int32), _WINDOW_SHIFT, _WINDOW_MIN,
    )


def _live_part(base: _Base, live: np.ndarray) -> _Part:
    """The base's postings as a part, without those of removed documents."""
    counts = base.counts()
    docs, tfs = base.all_postings()
    keep = live[docs]
    if keep.all():
        return _part(counts, docs, tfs)
    kept = np.zeros(len(counts), dtype=np.int64)
    nonempty = np.flatnonzero(counts)
    if len(nonempty):
        kept[nonempty] = np.add.reduceat(keep, base.offsets[nonempty], dtype=np.int64)
    return _part(kept, docs[keep], tfs[keep])
