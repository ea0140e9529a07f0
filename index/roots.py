"""Arabic roots as a second, lower-weighted term stream beside the light stems.

Light stems keep a word's pattern, so a verb and its masdar stay apart: «اجتمعوا» → «اجتمع»
but «الاجتماع» → «اجتماع»; «هاجم» / «هجوم»; «تحررت» / «تحرير». Their roots meet: جمع، هجم،
حرر. Roots also merge unrelated words (كتاب and مكتب are both كتب), which is why they are a
separate field with a smaller weight (index.ranking) and never replace the stems.

The root of each *stem* is taken with NLTK's ISRI stemmer (Taghva, Elkhoury and Coombs, 2005;
a root extractor without a root dictionary), so the root field is derived from the tokens the
store already keeps: no second column, no re-analysis of the text when the index is built.
Digits, Latin words and month tokens are their own root.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

import nltk
from nltk.stem.isri import ISRIStemmer

_ISRI = ISRIStemmer()
# What the root field is derived with: a saved index (index.snapshot) of another is stale.
ROOTS_VERSION = f"isri-nltk-{nltk.__version__}"


@lru_cache(maxsize=1 << 18)
def root_of(term: str) -> str:
    """The root of an analysed term: «اجتماع» → «جمع», «هجوم» → «هجم», «2024» → «2024»."""
    if term.isascii():
        return term
    return _ISRI.stem(term) or term


def roots(terms: Iterable[str]) -> list[str]:
    """root_of for each term, in order."""
    return [root_of(t) for t in terms]


def roots_joined(tokens: str) -> str:
    """Roots of space-joined tokens, space-joined (the store's token format)."""
    return " ".join(root_of(t) for t in tokens.split())
