"""Query expansion by synonyms: the curated groups of index.synonyms as analysed terms.

A group's single words are analysed like the text (so «اغتيال» and «الاغتيال» are one entry)
and every word maps to the other words of its group. Multi-word entries («رئيس الوزراء») take
part only through their words, which BM25 already matches, so they are left out of the map.
"""

from __future__ import annotations

from collections.abc import Iterable

from index.normalize import analyze


class Thesaurus:
    """analysed term → analysed terms that mean the same in news text."""

    def __init__(self, groups: Iterable[Iterable[str]] = ()) -> None:
        self._map: dict[str, list[str]] = {}
        for group in groups:
            terms = []
            for word in group:
                analysed = analyze(word)
                if len(analysed) == 1:
                    terms.append(analysed[0])
            terms = list(dict.fromkeys(terms))
            for term in terms:
                others = self._map.setdefault(term, [])
                others += [t for t in terms if t != term and t not in others]

    @classmethod
    def default(cls) -> Thesaurus:
        """The curated news vocabulary (index.synonyms)."""
        from index.synonyms import SYNONYM_GROUPS

        return cls(group.words for group in SYNONYM_GROUPS)

    def alternatives(self, term: str) -> list[str]:
        return self._map.get(term, [])

    def __len__(self) -> int:
        return len(self._map)
