"""A base segment's postings as the search reads them: one word per posting, and no stored term
frequencies (snapshot format 3).

Format 2 kept three arrays a posting: its doc id (int32), its term frequency (uint8) and its
one-byte impact code — 6 bytes, 159 MB of the light field's 184 MB at a million passages.
Here:

* **word** = ``doc << 8 | code``: the doc id and the impact code in one uint32 while doc ids
  fit in 24 bits (up to 16,777,216 documents; past that the words are int64). A list stays
  sorted by doc id as its words are sorted, so a doc is searched for by its key ``doc << 8``
  (the smallest word it can have), and the scan reads one array instead of two.
* **term frequency**: a posting's impact code is its impact rounded down to one of 256 levels,
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
# Words are uint32 while every doc id is below this; int64 past it (not uint64: mixed with
# int64 keys, numba would compare uint64 words as floats).
PACKED32_DOCS = 1 << (32 - CODE_BITS)
# Rows of the tf table: document lengths below this (passages are ~30 tokens; a longer
# document's postings are exceptions). At most 256 KB; ~15 KB on passages.
TF_TABLE_LEN = 1024
# Postings handled at a time when a pass over all of them needs temporaries.
_BLOCK = 1 << 22


def word_dtype(n_docs: int) -> type[np.unsignedinteger] | type[np.signedinteger]:
    """The word type for doc ids below `n_docs`."""
    return np.uint32 if n_docs <= PACKED32_DOCS else np.int64


def pack(docs: np.ndarray, codes: np.ndarray, n_docs: int) -> np.ndarray:
    """Words of postings (doc id, impact code); doc ids below `n_docs`."""
    dtype = word_dtype(n_docs)
    words = docs.astype(dtype) << dtype(CODE_BITS)
    words |= codes.astype(dtype)
    return words


def docs_of(words: np.ndarray) -> np.ndarray:
    """The doc ids (int32) of these words."""
    return (words >> words.dtype.type(CODE_BITS)).astype(np.int32)


def codes_of(words: np.ndarray) -> np.ndarray:
    """The impact codes (uint8) of these words."""
    return (words & words.dtype.type(CODE_MASK)).astype(np.uint8)


def keys_of(docs: np.ndarray, words: np.ndarray) -> np.ndarray:
    """Search keys for doc ids in `words`: searchsorted(words, keys) is the first posting of
    each doc or after it, as searchsorted(docs, docs) would be."""
    return docs.astype(words.dtype) << words.dtype.type(CODE_BITS)


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
