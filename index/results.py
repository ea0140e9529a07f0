"""Step 5 of answering: shape the accepted passages into the results a reader wants.

* **One result per story.** The same story from several outlets («واس» and three papers that
  ran its wire copy) would fill the top three with near-copies; passages of different articles
  whose word sets overlap by NEAR_COPY or more collapse into the best one, which lists the
  others as «ورد أيضًا في: …».

What a question word asks for (a date for «متى», a number for «كم») is a small score boost in
index.relevance.Judge.rerank, not a reordering here: moving the closest dated passage first
for «متى» was measured on the reader set and lost one first answer (README, "Answer quality").
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from index.attributes import NUMBER_TERMS

# Jaccard overlap of two passages' distinct terms at which they count as one story's copies.
NEAR_COPY = 0.6

_YEAR = re.compile(r"^(1[89]|20)\d\d$")
# Analysed terms that date a passage: month tokens, years, weekdays, «أمس/اليوم».
_DATE_WORDS = frozenset(
    ["سبت", "احد", "اثنين", "ثلاثاء", "اربعاء", "خميس", "جمعه", "امس", "يوم"]
)


@dataclass(slots=True)
class Candidate:
    """An accepted passage on its way to becoming a Hit."""

    doc: int
    passage_id: int
    article_id: int
    score: float
    tokens: frozenset[str]
    copies: list[int] = field(default_factory=list)  # article ids of collapsed near-copies


def has_date(tokens: frozenset[str] | set[str]) -> bool:
    """Whether analysed terms include a date: «7 كانون الأول 2024» → month12, 2024."""
    return any(t.startswith("month") or _YEAR.match(t) or t in _DATE_WORDS for t in tokens)


def has_number(tokens: frozenset[str] | set[str]) -> bool:
    """Whether analysed terms include a quantity: «13 سيارة», «تسعة أشخاص»."""
    return any(t.isdigit() or t in NUMBER_TERMS for t in tokens)


def fits_kind(tokens: frozenset[str] | set[str], kind: str | None) -> bool:
    """Whether a passage holds the kind of thing the question asks for (a date for «متى», a
    quantity for «كم»); True when the question asks for nothing in particular."""
    if kind == "when":
        return has_date(tokens)
    if kind == "how_many":
        return has_number(tokens)
    return True


def _similar(a: frozenset[str], b: frozenset[str]) -> bool:
    if not a or not b:
        return False
    small, large = (a, b) if len(a) <= len(b) else (b, a)
    if len(small) < NEAR_COPY * len(large):
        return False  # the Jaccard bound |a∩b|/|a∪b| ≤ |small|/|large|
    inter = len(small & large)
    return inter / (len(a) + len(b) - inter) >= NEAR_COPY


def collapse_copies(candidates: Sequence[Candidate]) -> list[Candidate]:
    """Keep the first of each group of near-copies from different articles; the kept one
    lists the others' article ids in `copies`."""
    kept: list[Candidate] = []
    for cand in candidates:
        for best in kept:
            if best.article_id != cand.article_id and _similar(best.tokens, cand.tokens):
                if cand.article_id not in best.copies:
                    best.copies.append(cand.article_id)
                break
        else:
            kept.append(cand)
    return kept

