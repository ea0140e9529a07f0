"""An immutable term → id table held in four arrays, so a vocabulary loads without a Python
object per term.

A BM25 index's vocabulary is a dict of str → int while it is built; loaded from a snapshot
(index.snapshot) a million terms would cost ~0.4 s and ~165 MB to put back into a dict. Here
the terms stay as they were saved:

* ``text``: every term, in id order, joined into one UTF-8 string (decoded once at load: one
  str, a few MB, not a million);
* ``starts``: where each term begins in that string, in code points (``n + 1`` offsets);
* ``hashes``: a 64-bit hash of each term, sorted; ``order``: the term id of each hash.

A lookup hashes the term, binary-searches ``hashes`` and compares the candidate's text, so two
terms whose hashes collide are still told apart. The hash is computed for all terms at once
with numpy when the table is made, and the same way for one term in Python at lookup.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from itertools import pairwise

import numpy as np

_MASK = (1 << 64) - 1
_MULT = 0x100000001B3  # FNV-1's 64-bit prime: a good multiplier for a polynomial hash
_MIX1 = 0xBF58476D1CE4E5B9
_MIX2 = 0x94D049BB133111EB
_ENCODING = "utf-8"
_ERRORS = "surrogatepass"  # a token may hold a lone surrogate (argv bytes that were not UTF-8)


def term_hash(term: str) -> int:
    """The table's hash of one term (equal to what `_hashes` computes for it)."""
    h = len(term)
    for ch in term:
        h = (h * _MULT + ord(ch)) & _MASK
    # splitmix64's finalizer: the polynomial alone leaves the low bits poorly mixed
    h ^= h >> 30
    h = (h * _MIX1) & _MASK
    h ^= h >> 27
    h = (h * _MIX2) & _MASK
    return h ^ (h >> 31)


def _hashes(text: str, starts: np.ndarray) -> np.ndarray:
    """term_hash of every term of `text` (bounded by `starts`), vectorised: Horner's rule one
    character position at a time over the terms still that long (longest first)."""
    n = len(starts) - 1
    codes = np.frombuffer(text.encode("utf-32-le", _ERRORS), dtype="<u4").astype(np.uint64)
    lengths = np.diff(starts)
    order = np.argsort(-lengths, kind="stable")
    first = starts[:-1][order]
    by_length = lengths[order]
    h = by_length.astype(np.uint64)
    mult = np.uint64(_MULT)
    # by_length is descending: the terms longer than k are a prefix of it
    longer = np.searchsorted(-by_length, -np.arange(int(by_length[0]) if n else 0), side="left")
    for k, m in enumerate(longer.tolist()):
        h[:m] = h[:m] * mult + codes[first[:m] + k]
    h ^= h >> np.uint64(30)
    h *= np.uint64(_MIX1)
    h ^= h >> np.uint64(27)
    h *= np.uint64(_MIX2)
    h ^= h >> np.uint64(31)
    out = np.empty(n, dtype=np.uint64)
    out[order] = h
    return out


class TermTable:
    """Terms with ids 0..n-1, looked up by hash; immutable (a vocabulary grows in a dict beside
    it: index.bm25._Vocab)."""

    __slots__ = ("_hashes", "_order", "_starts", "_text")

    def __init__(self, text: str, starts: np.ndarray, hashes: np.ndarray, order: np.ndarray):
        self._text = text
        self._starts = starts
        self._hashes = hashes
        self._order = order

    @classmethod
    def build(cls, terms: Sequence[str]) -> TermTable:
        """The table of `terms`, term i getting id i (the terms must be distinct)."""
        text = "".join(terms)
        starts = np.zeros(len(terms) + 1, dtype=np.int64)
        np.cumsum(np.fromiter(map(len, terms), dtype=np.int64, count=len(terms)), out=starts[1:])
        hashes = _hashes(text, starts)
        order = np.argsort(hashes, kind="stable")
        # offsets and ids in four bytes while they fit (8 MB less a million terms, saved)
        narrow = np.int32 if len(text) <= np.iinfo(np.int32).max else np.int64
        return cls(text, starts.astype(narrow), hashes[order], order.astype(narrow))

    @classmethod
    def empty(cls) -> TermTable:
        return cls.build([])

    def __len__(self) -> int:
        return len(self._starts) - 1

    def find(self, term: str) -> int | None:
        """The id of `term`, or None."""
        hashes = self._hashes
        if not len(hashes):
            return None
        h = np.uint64(term_hash(term))
        at = int(np.searchsorted(hashes, h))
        while at < len(hashes) and hashes[at] == h:
            tid = int(self._order[at])
            if self.term(tid) == term:
                return tid
            at += 1
        return None

    def term(self, tid: int) -> str:
        return self._text[self._starts[tid] : self._starts[tid + 1]]

    def terms(self, start: int = 0, stop: int | None = None) -> Iterator[str]:
        """The terms of ids start..stop-1, in id order."""
        bounds = self._starts[start : (len(self) if stop is None else stop) + 1].tolist()
        text = self._text
        for a, b in pairwise(bounds):
            yield text[a:b]

    def arrays(self) -> dict[str, np.ndarray]:
        """What a snapshot saves (from_arrays takes it back)."""
        text = np.frombuffer(self._text.encode(_ENCODING, _ERRORS), dtype=np.uint8)
        return {"text": text, "starts": self._starts, "hashes": self._hashes,
                "order": self._order}

    @classmethod
    def from_arrays(cls, arrays: Mapping[str, np.ndarray]) -> TermTable:
        text = arrays["text"].tobytes().decode(_ENCODING, _ERRORS)
        starts = arrays["starts"]
        if len(starts) < 1 or int(starts[-1]) != len(text):
            raise ValueError("term table: the offsets do not match the text")
        return cls(text, starts, arrays["hashes"], arrays["order"])
