"""Step 5 of answering: shape the accepted passages into the results a reader wants.

* **One result per story.** The same story from several outlets («واس» and three papers that
  ran its wire copy) would fill the top three with near-copies; passages of different articles
  whose word sets overlap by NEAR_COPY or more collapse into the best one, which lists the
  others as «ورد أيضًا في: …».
* **One quote once.** Two outlets' passages may differ while the sentence quoted from each is
  the same wire sentence; the later hit then joins the earlier one's «ورد أيضًا في» instead of
  quoting it again (`merge_same_quotes`).

What a question word asks for (a date for «متى», a number for «كم») is a small score boost in
index.relevance.Judge.rerank, not a reordering here: moving the closest dated passage first
for «متى» was measured on the reader set and lost one first answer (README, "Answer quality").
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from index.attributes import NUMBER_TERMS
from index.models import Attribution, Hit
from index.normalize import analyze

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


# A cause given, as analysed terms: «بسبب», «نتيجة», «جراء», «إثر», «أرجع … إلى», «عزا», «بهدف»,
# «يعود إلى», «ناتج عن», «تسبب», «بداعي» («من أجل» is left out: «أجّل» is a verb of the news).
CAUSE_TERMS = frozenset({
    "بسبب", "سبب", "نتيج", "جراء", "اثر", "ارجع", "يرجع", "عزا", "عزت", "بهدف", "يعود",
    "ناتج", "تسبب", "بداع",
})


def has_cause(tokens: frozenset[str] | set[str]) -> bool:
    """Whether analysed terms give a cause: «بسبب سوء الأحوال الجوية»."""
    return not CAUSE_TERMS.isdisjoint(tokens)


def fits_kind(tokens: frozenset[str] | set[str], kind: str | None) -> bool:
    """Whether a passage holds the kind of thing the question asks for (a date for «متى», a
    quantity for «كم», a cause for «ليش»); True when the question asks for nothing in
    particular."""
    if kind == "when":
        return has_date(tokens)
    if kind == "how_many":
        return has_number(tokens)
    if kind == "why":
        return has_cause(tokens)
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


def quote_key(hit: Hit) -> frozenset[str]:
    """What makes two quotes the same: the analysed words of their focus, whatever the
    quotation marks, punctuation or spelling variants of the outlet («خليجي 23» and
    «"خليجي" 23») — as quoting found them, or analysed here."""
    return hit.quoted if hit.quoted is not None else frozenset(analyze(hit.focus_text))


def merge_same_quotes(hits: Sequence[Hit]) -> list[Hit]:
    """Each quote once, in order: a hit whose best sentence(s) (`Hit.focus_text`) quote the
    same words as an earlier one's is folded into it — its outlet, and the outlets it listed,
    join the earlier hit's `also` — and the kept hits are numbered again from 1. The focus,
    not the whole quote: a wire sentence two outlets ran inside different paragraphs answers
    once, whatever each paragraph says around it."""
    kept: list[Hit] = []
    keys: dict[frozenset[str], int] = {}
    for hit in hits:
        key = quote_key(hit)
        at = keys.get(key) if key else None
        if at is None:
            keys[key] = len(kept)
            kept.append(hit)
            continue
        first = kept[at]
        named = {first.article_id, *(a.article_id for a in first.also)}
        joined = [*first.also]
        for other in (attribution_of(hit), *hit.also):
            if other.article_id not in named:
                named.add(other.article_id)
                joined.append(other)
        kept[at] = replace(first, also=tuple(joined))
    return [replace(h, rank=i) for i, h in enumerate(kept, start=1)]


def attribution_of(hit: Hit) -> Attribution:
    """Where a hit's passage comes from, as another hit's «ورد أيضًا في» names it."""
    return Attribution(hit.article_id, hit.title, hit.source, hit.published, hit.url)
