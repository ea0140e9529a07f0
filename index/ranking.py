"""Steps 2 and 3 of answering: retrieve candidates and score them, behind one seam.

`Ranker` is the seam: a reranker (a cross-encoder, a learned fusion) is one new class with the
same `rank` method. The default, `FusedBM25`, scores three BM25 fields of every passage, each
score-for-score equal to rank_bm25.BM25Okapi on its own tokens (tests/test_bm25.py):

* **light** — the analyzer's light stems: the main signal;
* **root** — the ISRI root of each stem (index.roots), so a verb finds its masdar;
* **title** — the article's title, analysed, so a passage that never names the subject of its
  article («أعلنت الغرفة…») is still found by it.

fused = light + ROOT_WEIGHT × root + TITLE_WEIGHT × title, the weights chosen on arcd-train
(README, "Answer quality").
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

import numpy as np

from index.bm25 import BM25Index, Frozen, Merge
from index.query import ParsedQuery

_T = TypeVar("_T")

ROOT_WEIGHT = 1.0
TITLE_WEIGHT = 0.7


@dataclass(frozen=True, slots=True)
class Scored:
    """A candidate passage (by index doc id) and its fused score with its parts."""

    doc: int
    score: float
    light: float = 0.0
    root: float = 0.0
    title: float = 0.0


class Ranker(Protocol):
    def rank(self, query: ParsedQuery, k: int) -> list[Scored]:
        """The best k candidates for `query`, best first."""
        ...

    def score(self, query: ParsedQuery, docs: Iterable[int], k: int | None = None
              ) -> list[Scored]:
        """These docs scored for `query`, best first (those scoring 0 left out), the first `k`
        of them: a follow-up question asked of the passages the reader was just shown."""
        ...


@dataclass(slots=True)
class Fields:
    """The three BM25 indexes over the same doc ids (one doc per passage)."""

    light: BM25Index
    root: BM25Index
    title: BM25Index

    @classmethod
    def empty(cls, k1: float, b: float, epsilon: float) -> Fields:
        return cls(BM25Index(k1, b, epsilon), BM25Index(k1, b, epsilon), BM25Index(k1, b, epsilon))

    def add(self, light: Sequence[str], root: Sequence[str], title: Sequence[str]) -> int:
        doc = self.light.add(light)
        if self.root.add(root) != doc or self.title.add(title) != doc:
            raise RuntimeError("field indexes out of step")
        return doc

    def remove_many(self, docs: Sequence[int]) -> None:
        for index in (self.light, self.root, self.title):
            index.remove_many(docs)

    @property
    def delta_size(self) -> int:
        return max(self.light.delta_size, self.root.delta_size, self.title.delta_size)

    def merge_due(self, floor: int, share: float) -> bool:
        """Whether a field's delta holds more than `floor` postings and more than `share`
        of its base's (a merge re-packs the whole base: the larger it is, the rarer)."""
        return any(index.delta_size > max(floor, share * index.base_postings)
                   for index in self.named().values())

    def merge(self) -> None:
        for index in self.named().values():
            index.merge()

    def named(self) -> dict[str, BM25Index]:
        """The fields by name (a snapshot's arrays are named after them)."""
        return {"light": self.light, "root": self.root, "title": self.title}

    def start_merge(self) -> dict[str, Merge]:
        """Each field's merge, detached now (BM25Index.start_merge)."""
        return {name: index.start_merge() for name, index in self.named().items()}

    @classmethod
    def from_frozen(
        cls, frozen: Mapping[str, Frozen], k1: float, b: float, epsilon: float
    ) -> Fields:
        return cls(*(BM25Index.from_frozen(frozen[name], k1, b, epsilon)
                     for name in ("light", "root", "title")))


class FusedBM25:
    """light + ROOT_WEIGHT·root + TITLE_WEIGHT·title over the union of each field's top hits."""

    def __init__(
        self, fields: Fields, root_weight: float | None = None, title_weight: float | None = None
    ) -> None:
        self.fields = fields
        self.root_weight = ROOT_WEIGHT if root_weight is None else root_weight
        self.title_weight = TITLE_WEIGHT if title_weight is None else title_weight

    def rank(self, query: ParsedQuery, k: int) -> list[Scored]:
        light_q = query.weighted_terms()
        root_q = query.weighted_roots()
        f = self.fields
        found = _at_once(
            (f.light.search, light_q, k) if light_q else None,
            (f.root.search, root_q, k) if root_q and self.root_weight else None,
            (f.title.search, light_q, k) if light_q and self.title_weight else None,
        )
        return self.score(query, {d for hits in found for d, _ in hits}, k)

    def score(self, query: ParsedQuery, docs: Iterable[int], k: int | None = None) -> list[Scored]:
        """The docs that score above 0, best first (ties by doc id), the first `k` of them."""
        light_q = query.weighted_terms()
        root_q = query.weighted_roots()
        f = self.fields
        ids = np.unique(np.fromiter(docs, dtype=np.int64))
        if not len(ids):
            return []
        # one after another: scoring a few dozen docs is too short to hand to another thread;
        # the fields side by side as arrays (a dict per field and a Python loop over every
        # candidate were a fifth of a 1M ranking)
        light = f.light.score_sorted(light_q, ids)
        total = light
        root = title = None
        if root_q and self.root_weight:
            root = f.root.score_sorted(root_q, ids)
            total = total + self.root_weight * root
        if self.title_weight:
            title = f.title.score_sorted(light_q, ids)
            total = total + self.title_weight * title
        keep = np.flatnonzero(total > 0)
        order = keep[np.lexsort((ids[keep], -total[keep]))]
        if k is not None:
            order = order[:k]
        parts = [a[order].tolist() if a is not None else [0.0] * len(order)
                 for a in (light, root, title)]
        return [Scored(*row) for row in zip(ids[order].tolist(), total[order].tolist(), *parts,
                                            strict=True)]


# The three fields are searched at once: the compiled kernel lets go of the GIL, so on two
# cores the three searches of a 1M-passage reader question take p50 1.5 / p95 3.3 ms instead
# of 2.2 / 4.5 (README, "The whole answer at 1M passages", session 10). Each field has its own
# lock, which the merges that swap a field's arrays take too. One core: one after another, as
# a pool there would only add hand-offs.
PARALLEL_FIELDS = (os.cpu_count() or 1) > 1
_POOL: ThreadPoolExecutor | None = None
_POOL_LOCK = threading.Lock()


def _pool() -> ThreadPoolExecutor:
    global _POOL
    with _POOL_LOCK:
        if _POOL is None:
            _POOL = ThreadPoolExecutor(max_workers=2, thread_name_prefix="naba-field")
        return _POOL


def _at_once(*calls: tuple[Callable[..., _T], Any, Any] | None) -> list[_T]:
    """Each (function, query, arg) called, the first here and the others in the pool; a
    None call gives (). Results in the calls' order."""
    live = [c for c in calls if c is not None]
    if not PARALLEL_FIELDS or len(live) < 2:
        return [c[0](c[1], c[2]) if c is not None else () for c in calls]
    first = next(i for i, c in enumerate(calls) if c is not None)
    futures = {i: _pool().submit(c[0], c[1], c[2]) for i, c in enumerate(calls)
               if c is not None and i != first}
    out: list[Any] = [()] * len(calls)
    try:
        out[first] = calls[first][0](calls[first][1], calls[first][2])
    finally:
        for i, future in futures.items():
            out[i] = future.result()
    return out
