"""Which passage each index doc is, and which docs each article has: the Library's bookkeeping,
kept in arrays so that it loads from a snapshot (index.snapshot) without a Python object per
passage — a list and a dict of lists cost ~0.3 s and ~60 MB to rebuild at a million passages.

Docs are numbered in the order they are added; an article's docs are replaced whole when it
changes (the old ones are popped, the new ones set), as Library.refresh does.
"""

from __future__ import annotations

from array import array
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True, slots=True)
class DocMapState:
    """A DocMap at one moment (DocMap.state), turned into arrays later, in another thread."""

    n: int
    passages: array
    ids: np.ndarray
    offsets: np.ndarray
    docs: np.ndarray
    gone: frozenset[int]
    new: dict[int, list[int]]

    def arrays(self) -> dict[str, np.ndarray]:
        """passages: the passage id of each doc; article_ids (ascending), article_offsets,
        article_docs: article_ids[i]'s docs are article_docs[article_offsets[i]:…[i + 1]]."""
        passages = np.frombuffer(self.passages[: self.n], dtype=np.int64)
        if len(passages) and int(passages.min()) >= 0 and int(passages.max()) < 2**31:
            passages = passages.astype(np.int32)  # saved in half (DocMap reads either back)
        counts = np.diff(self.offsets)
        kept = ~np.isin(self.ids, np.fromiter(self.gone, np.int64, len(self.gone)))
        owners = [np.repeat(self.ids[kept], counts[kept])]
        docs = [self.docs[np.repeat(kept, counts)]]
        if self.new:
            owners.append(np.repeat(np.fromiter(self.new, np.int64, len(self.new)),
                                    [len(d) for d in self.new.values()]))
            docs.append(np.fromiter((d for ds in self.new.values() for d in ds), np.int64))
        return {"passages": passages, **_grouped(np.concatenate(owners), np.concatenate(docs))}


def _grouped(owners: np.ndarray, docs: np.ndarray) -> dict[str, np.ndarray]:
    """CSR of docs by owner: owners ascending, each one's docs ascending."""
    order = np.lexsort((docs, owners))
    # doc ids in four bytes, as the postings hold them (4 MB less a million docs, saved)
    owners, docs = owners[order], docs[order].astype(np.int32)
    ids, starts = np.unique(owners, return_index=True)
    offsets = np.append(starts, len(owners)).astype(np.int64)
    return {"article_ids": ids.astype(np.int64), "article_offsets": offsets, "article_docs": docs}


class DocMap:
    """doc → passage id, and article id → its docs."""

    def __init__(self, arrays: dict[str, np.ndarray] | None = None) -> None:
        arrays = arrays or _grouped(np.zeros(0, np.int64), np.zeros(0, np.int64))
        # array('q'): appends in place, no int object per doc; copied from a snapshot (8 MB
        # at a million docs) so that appends never write to the file's pages
        self._passages = array("q")
        if "passages" in arrays:
            self._passages.frombytes(np.ascontiguousarray(arrays["passages"], np.int64).tobytes())
        # the articles as loaded or built (immutable), those popped since, those set since
        self._ids = arrays["article_ids"]
        self._offsets = arrays["article_offsets"]
        self._docs = arrays["article_docs"]
        self._gone: set[int] = set()
        self._new: dict[int, list[int]] = {}
        if len(self._offsets) != len(self._ids) + 1 or (
            len(self._ids) and int(self._offsets[-1]) != len(self._docs)
        ):
            raise ValueError("doc map: the article offsets do not match")

    @classmethod
    def of_rows(cls, passage_ids: np.ndarray, article_ids: np.ndarray) -> DocMap:
        """Docs 0..n-1 holding these passages, of these articles."""
        return cls({"passages": passage_ids,
                    **_grouped(article_ids, np.arange(len(article_ids), dtype=np.int64))})

    def __len__(self) -> int:
        return len(self._passages)

    def passage(self, doc: int) -> int:
        return self._passages[doc]

    def append(self, passage_id: int) -> None:
        """The next doc holds this passage."""
        self._passages.append(passage_id)

    def pop_article(self, article_id: int) -> list[int]:
        """The article's docs, forgotten (empty if it has none)."""
        docs = self.docs_of(article_id).tolist()
        if self._new.pop(article_id, None) is None and docs:
            self._gone.add(article_id)
        return docs

    def docs_of(self, article_id: int) -> np.ndarray:
        """The article's docs, ascending (empty if it has none), left in place."""
        docs = self._new.get(article_id)
        if docs is not None:
            return np.asarray(docs, dtype=np.int64)
        if article_id in self._gone:
            return np.zeros(0, np.int64)
        at = int(np.searchsorted(self._ids, article_id))
        if at < len(self._ids) and self._ids[at] == article_id:
            return self._docs[self._offsets[at] : self._offsets[at + 1]]
        return np.zeros(0, np.int64)

    def set_article(self, article_id: int, docs: list[int]) -> None:
        """The article's docs are now these (pop_article first: the old ones are not kept)."""
        self._gone.add(article_id)
        self._new[article_id] = docs

    def state(self) -> DocMapState:
        """This map now, cheaply (the dict of articles changed since load is copied), for
        arrays() to be called later while the map changes."""
        return DocMapState(len(self._passages), self._passages, self._ids, self._offsets,
                           self._docs, frozenset(self._gone), dict(self._new))
