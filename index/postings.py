"""A base segment's postings as the search reads them (snapshot format 4): doc ids packed by
blocks of 128 postings, one impact-code byte a posting, and no stored term frequencies.

What a posting costs, and why:

* **doc id: 1.6–1.8 bytes** on the 1M bench corpora, block data included (realistic / synthetic:
  40.0 / 45.6 MB for 26.4 / 26.5 M postings; it was 3 bytes of a 4-byte word in format 3).
  The postings of every list, one after the other in CSR order, are cut into blocks of 128
  positions (a block may hold the end of one list and the start of the next). A block keeps
  its doc ids as *linear frame of reference*: the line from its first doc id to its last
  (``first + (i * slope >> 7)`` at position i, slope = 128 × (last − first) // 127; 0 when the
  last is smaller, as where lists meet), and each doc id's distance above that line minus the
  block's smallest, bit-packed at
  the block's width (the bits of its largest distance, 0–32). A long list's doc ids rise nearly
  evenly, so the distances are small: 11.7 / 13.4 bits a posting on those corpora, where plain
  frame of reference (distance from the block's first doc id) needed 14.9 / 15.6. Per block:
  the line's start (``base``: the first doc id plus the smallest distance), its ``slope`` and
  where its bits start (``start``, in 32-bit words, 4 × width of them a block, so the width is
  the difference of two starts): a 12-byte int32 row of ``doc_meta``, what a read needs; and
  the block's first doc id in ``doc_first``, a dense array that searches go through (a
  binary search over blocks, then one within the block). 16 bytes a block, 0.125 a posting.
  A lookup costs ~1.5× a binary search in format 3's plain words (measured on the synthetic
  1M lists: ~280 against ~190 ns, cold).
* **O(1) access by position.** Doc id i of block b is base + (i·slope >> 7) + the w bits at i·w:
  two 32-bit loads, a multiply and shifts, no decoding of the block before it. So every loop
  of the search keeps working by positions — binary searches, gallops, probes, the exact
  rescoring — and scans decode block by block with the block's constants hoisted
  (index.kernel). Delta coding (tantivy's and Lucene's, per list) would pack the doc ids of
  the realistic corpus in 11 bits instead of 11.7 but reaches a posting only by decoding its
  block up to it, in every probe; and one-posting lists, which synthetic text has by the
  hundred thousand, would need a block header each.
* **impact code: 1 byte**, in its own array (``codes``): the impact rounded down to one of 256
  levels (index.bm25._Base). Codes vary too much inside a block for frame of reference to
  save anything (measured: 24 of 25 MB at 1M).
* **term frequency: nothing**, read from (document length, code) — below.

**Plain words for a small base.** A base of at most index.bm25.PLAIN_POSTINGS postings keeps
each doc id as a whole 32-bit word (``encode(plain=True)``): the same arrays, every block 32
bits wide on the line 0, so every reader above works unchanged, and the kernel reads a word
instead of decoding bits (is_plain tells the layout by its three spare words). At 100k
passages that is ~10 MB, and the searches it serves are the ones that touch few postings,
where decoding was most of the cost.

Doc ids may be anything below 2**31 (the distances take at most 32 bits): the format-3 word's
24-bit limit is gone. ``bits`` ends with two spare words so that a block's last value can
always be read as two words.

**term frequency**: a posting's impact code is its impact rounded down to one of 256 levels,
and its impact is a function of (tf, document length) increasing in tf; so (length, code)
almost always tells the tf. ``TfCodes.table[length, code]`` holds it wherever every posting
of that (length, code) has the same tf (which rounding makes so for all but high tfs in
short documents); 0 elsewhere, and those postings — and those of documents of
``TF_TABLE_LEN`` tokens or more — are exceptions, their tfs kept by position. The table is
made from the postings themselves and the exceptions are exactly the postings it does not
decode, so the decoding is exact by construction (tests/test_postings.py). The exact
rescoring reads the tf of a few candidates per query term; the scan never needs it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

CODE_BITS = 8
CODE_MASK = (1 << CODE_BITS) - 1
# Postings a block: doc ids are packed 128 at a time (index.kernel hard-codes 7 and 127).
BLOCK_SHIFT = 7
BLOCK = 1 << BLOCK_SHIFT
# Doc ids must be below this (int32 everywhere; a distance then fits 32 bits).
MAX_DOCS = 1 << 31
# Rows of the tf table: document lengths below this (passages are ~30 tokens; a longer
# document's postings are exceptions). At most 256 KB; ~15 KB on passages.
TF_TABLE_LEN = 1024
# Postings handled at a time when a pass over all of them needs temporaries (a multiple of
# BLOCK).
_BLOCK = 1 << 22
# The names of a Postings' arrays, as saved (index.snapshot) and held by index.bm25.Frozen.
ARRAYS = ("doc_first", "doc_meta", "doc_bits", "codes")
# The columns of doc_meta (a row a block, and one more whose START ends the last block).
BASE, SLOPE, START = range(3)
# A line's slope is in 128ths of a doc id a position (a multiply and a shift to read, where a
# division by 127 cost 50% more decoding time).
SLOPE_SHIFT = 7


def _widths(values: np.ndarray) -> np.ndarray:
    """The bits of each row's largest value (values >= 0, below 2**32), 0 for all zeros."""
    # frexp's exponent of a positive integer (exact in float64) is its bit length
    return np.frexp(values.max(axis=1).astype(np.float64))[1].astype(np.int64)


@dataclass(frozen=True, slots=True)
class Postings:
    """Doc ids packed by blocks (see the module's doc) and impact codes, in CSR order."""

    doc_first: np.ndarray  # int32 per block: its first doc id (what a search looks through)
    # int32 (blocks + 1, 3), a row a block: its line's base and slope, where its bits start in
    # doc_bits (32-bit words); the last row holds only the end's START
    doc_meta: np.ndarray
    doc_bits: np.ndarray  # uint32: the distances above the lines, then two spare words
    codes: np.ndarray  # uint8 per posting: the impact code

    def __len__(self) -> int:
        return len(self.codes)

    @property
    def nbytes(self) -> int:
        return sum(getattr(self, name).nbytes for name in ARRAYS)

    def arrays(self) -> dict[str, np.ndarray]:
        return {name: getattr(self, name) for name in ARRAYS}

    @classmethod
    def from_arrays(cls, arrays: dict[str, np.ndarray]) -> Postings:
        return cls(*(arrays[name] for name in ARRAYS))

    @property
    def kernel(self) -> tuple[np.ndarray, ...]:
        """The arrays as index.kernel takes them (one tuple argument)."""
        return (self.doc_first, self.doc_meta, self.doc_bits, self.codes)

    @property
    def widths(self) -> np.ndarray:
        """Each block's width in bits (int64)."""
        return np.diff(self.doc_meta[:, START].astype(np.int64)) // (BLOCK // 32)

    @property
    def plain(self) -> bool:
        """Whether the doc ids are plain words (doc_bits[p] is doc id p; see encode)."""
        return is_plain(len(self.doc_first), len(self.doc_bits))

    @classmethod
    def encode(cls, docs: np.ndarray, codes: np.ndarray, plain: bool = False) -> Postings:
        """The postings of these doc ids (each below MAX_DOCS) and impact codes; `plain`: as
        32-bit words, each block 32 bits wide on the line 0 (a small base, where reading a
        word beats decoding bits and the size hardly matters: PLAIN_POSTINGS)."""
        n = len(docs)
        if len(codes) != n:
            raise ValueError(f"{n} doc ids but {len(codes)} codes")
        if n and (int(docs.min()) < 0 or int(docs.max()) >= MAX_DOCS):
            raise ValueError("doc ids must be in 0 .. 2**31 - 1")
        n_blocks = -(-n // BLOCK)
        if plain:
            meta = np.zeros((n_blocks + 1, 3), dtype=np.int32)
            meta[:, START] = np.arange(n_blocks + 1, dtype=np.int64) * BLOCK
            bits = np.zeros(n_blocks * BLOCK + 3, dtype=np.uint32)  # see is_plain
            bits[:n] = docs
            if n:
                bits[n : n_blocks * BLOCK] = docs[-1]  # the last block padded, as packed
            firsts = np.ascontiguousarray(bits[: n_blocks * BLOCK : BLOCK], dtype=np.int32)
            return cls(firsts, meta, bits, np.ascontiguousarray(codes, np.uint8))
        meta = np.zeros((n_blocks + 1, 3), dtype=np.int32)
        firsts = np.zeros(n_blocks, dtype=np.int32)
        width = np.zeros(n_blocks, dtype=np.int64)
        parts = []
        i = np.arange(BLOCK, dtype=np.int64)
        for lo in range(0, n, _BLOCK):
            hi = min(lo + _BLOCK, n)
            b0 = lo >> BLOCK_SHIFT
            k = -(-(hi - lo) // BLOCK)
            d = np.empty(k * BLOCK, dtype=np.int64)
            d[: hi - lo] = docs[lo:hi]
            d[hi - lo :] = d[hi - lo - 1]  # the last block padded with its last doc id
            d = d.reshape(k, BLOCK)
            first = d[:, 0]
            rise = np.maximum(d[:, -1] - first, 0)
            slope = np.minimum((rise << SLOPE_SHIFT) // (BLOCK - 1), np.iinfo(np.int32).max)
            off = d - (first[:, None] + ((i[None, :] * slope[:, None]) >> SLOPE_SHIFT))
            low = off.min(axis=1)
            off -= low[:, None]
            w = _widths(off)
            firsts[b0 : b0 + k] = first
            meta[b0 : b0 + k, BASE] = first + low
            meta[b0 : b0 + k, SLOPE] = slope
            width[b0 : b0 + k] = w
            parts.append(_pack(off, w))
        start = np.zeros(n_blocks + 1, dtype=np.int64)
        np.cumsum(width * (BLOCK // 32), out=start[1:])
        if int(start[-1]) + 2 > np.iinfo(np.int32).max:
            raise ValueError("too many postings for 32-bit block starts")
        meta[:, START] = start
        bits = np.concatenate([np.zeros(0, np.uint32), *parts, np.zeros(2, np.uint32)])
        return cls(firsts, meta, bits, np.ascontiguousarray(codes, np.uint8))

    @classmethod
    def empty(cls) -> Postings:
        return cls.encode(np.zeros(0, np.int32), np.zeros(0, np.uint8))

    def docs_at(self, positions: np.ndarray) -> np.ndarray:
        """The doc ids (int64) at these positions (each below len(self))."""
        p = np.asarray(positions, dtype=np.int64)
        b = p >> BLOCK_SHIFT
        i = p & (BLOCK - 1)
        meta = self.doc_meta
        s = meta[b, START].astype(np.int64)
        w = (meta[b + 1, START].astype(np.int64) - s) >> 2
        bit = i * w
        at = s + (bit >> 5)
        x = (self.doc_bits[at + 1].astype(np.uint64) << np.uint64(32)) | self.doc_bits[at]
        dist = (x >> (bit & 31).astype(np.uint64)) & ((np.uint64(1) << w.astype(np.uint64))
                                                      - np.uint64(1))
        return (meta[b, BASE].astype(np.int64) + ((i * meta[b, SLOPE]) >> SLOPE_SHIFT)
                + dist.astype(np.int64))

    def docs(self, lo: int, hi: int) -> np.ndarray:
        """The doc ids (int32) of postings lo..hi-1 (decoded a few million at a time: whole
        temporaries of a long range would cost several times more); hi past the end reads as
        the end, as a slice would."""
        hi = min(hi, len(self))
        out = np.empty(max(hi - lo, 0), dtype=np.int32)
        for at in range(lo, hi, _BLOCK):
            end = min(at + _BLOCK, hi)
            out[at - lo : end - lo] = self.docs_at(np.arange(at, end, dtype=np.int64))
        return out

    def find(self, lo: int, hi: int, docs: np.ndarray) -> np.ndarray:
        """For each of `docs`, the first position in lo..hi-1 (one ascending list) whose doc
        id is at least it (hi if none): a binary search of all of them at once."""
        docs = np.asarray(docs, dtype=np.int64)
        left = np.full(len(docs), lo, dtype=np.int64)
        right = np.full(len(docs), hi, dtype=np.int64)
        going = np.flatnonzero(left < right)
        while len(going):
            mid = (left[going] + right[going]) >> 1
            below = self.docs_at(mid) < docs[going]
            left[going[below]] = mid[below] + 1
            right[going[~below]] = mid[~below]
            going = going[left[going] < right[going]]
        return left


def is_plain(n_blocks: int, n_words: int) -> bool:
    """Whether postings of `n_blocks` blocks whose bits take `n_words` are plain words: they
    end with three spare words, where packed bits (4 × width words a block) end with two, so
    no packed layout has their length, not even one 32 bits wide in every block."""
    return n_words == n_blocks * BLOCK + 3


def _pack(values: np.ndarray, widths: np.ndarray) -> np.ndarray:
    """Rows of BLOCK values (int64, each below 2**width of its row) bit-packed, a row in
    4 × width uint32 words, value i at bit i × width (little-endian across words)."""
    k = len(widths)
    starts = np.zeros(k + 1, dtype=np.int64)
    np.cumsum(widths * (BLOCK // 32), out=starts[1:])
    total = int(starts[-1])
    if not total:
        return np.zeros(0, dtype=np.uint32)
    bit = np.arange(BLOCK, dtype=np.int64)[None, :] * widths[:, None]
    word = starts[:-1, None] + (bit >> 5)
    shift = bit & 31
    low = (values << shift) & 0xFFFFFFFF
    # the bits past the word's end go to the next word (a shift by 32 leaves nothing)
    high = values >> (32 - shift)
    keep = widths > 0
    word, low, high = word[keep].ravel(), low[keep].ravel(), high[keep].ravel()
    # non-overlapping bit fields: their sum is their OR, exact in float64 below 2**53
    out = np.bincount(word, weights=low, minlength=total + 1)
    out += np.bincount(word + 1, weights=high, minlength=total + 1)
    return out[:total].astype(np.uint32)


@dataclass(frozen=True, slots=True)
class TfCodes:
    """How to read a posting's term frequency from its document's length and impact code:
    table[length, code] (uint8; 0: an exception), else exc_tf at the posting's position in
    exc_pos (int64, ascending)."""

    table: np.ndarray
    exc_pos: np.ndarray
    exc_tf: np.ndarray

    @classmethod
    def build(cls, tfs: np.ndarray, docs: np.ndarray, doc_len: np.ndarray,
              codes: np.ndarray) -> TfCodes:
        """The decoding of postings with these tfs, doc ids and impact codes, given every
        document's length."""
        rows = max(1, min(int(doc_len.max(initial=0)) + 1, TF_TABLE_LEN))
        # lengths past the table all read as "past it", in two bytes a document
        dl = np.minimum(doc_len, TF_TABLE_LEN).astype(np.uint16)
        low = np.full(rows * 256, np.iinfo(np.int64).max, dtype=np.int64)
        high = np.zeros(rows * 256, dtype=np.int64)
        blocks = range(0, len(tfs), _BLOCK)
        for lo in blocks:
            hi = min(lo + _BLOCK, len(tfs))
            lengths = dl[docs[lo:hi]]
            inside = lengths < rows
            key = lengths[inside].astype(np.int64) * 256 + codes[lo:hi][inside]
            tf = tfs[lo:hi][inside].astype(np.int64)
            np.minimum.at(low, key, tf)
            np.maximum.at(high, key, tf)
        # one tf for the whole (length, code) group, and small enough for a byte
        single = (low == high) & (high <= np.iinfo(np.uint8).max)
        table = np.where(single, high, 0).astype(np.uint8).reshape(rows, 256)
        missed = [lo + np.flatnonzero(
                      cls._decoded(table, dl[docs[lo : lo + _BLOCK]], codes[lo : lo + _BLOCK])
                      != tfs[lo : lo + _BLOCK])
                  for lo in blocks]
        exc_pos = np.concatenate([np.zeros(0, np.int64), *missed]).astype(np.int64)
        return cls(table, exc_pos, tfs[exc_pos].astype(np.int32))

    @staticmethod
    def _decoded(table: np.ndarray, lengths: np.ndarray, codes: np.ndarray) -> np.ndarray:
        """What the table says (uint8; 0: an exception, or a length past it)."""
        inside = lengths < len(table)
        if inside.all():
            return table[lengths, codes]
        out = np.zeros(len(codes), dtype=np.uint8)
        out[inside] = table[lengths[inside], codes[inside]]
        return out

    def tfs(self, lo: int, lengths: np.ndarray, codes: np.ndarray) -> np.ndarray:
        """The tfs (int32) of the postings lo, lo + 1, ... with these lengths and codes."""
        out = self._decoded(self.table, lengths, codes).astype(np.int32)
        missing = np.flatnonzero(out == 0)
        if len(missing):
            out[missing] = self._exception(missing + lo)
        return out

    def tfs_at(self, positions: np.ndarray, lengths: np.ndarray, codes: np.ndarray
               ) -> np.ndarray:
        """The tfs (int32) of the postings at these positions, with these lengths and codes."""
        out = self._decoded(self.table, lengths, codes).astype(np.int32)
        missing = np.flatnonzero(out == 0)
        if len(missing):
            out[missing] = self._exception(positions[missing])
        return out

    @property
    def narrowest(self) -> type[np.unsignedinteger] | type[np.signedinteger]:
        """A type that holds every tf: one byte unless an exception needs more."""
        return np.uint8 if int(self.exc_tf.max(initial=0)) <= CODE_MASK else np.int32

    def _exception(self, positions: np.ndarray) -> np.ndarray:
        """The tfs of postings the table does not decode (each one is an exception)."""
        return self.exc_tf[np.searchsorted(self.exc_pos, positions)]

    @classmethod
    def empty(cls) -> TfCodes:
        return cls(np.zeros((1, 256), np.uint8), np.zeros(0, np.int64), np.zeros(0, np.int32))
