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
# Measured: TyDi and arcd-test level (0.886, 0.851), arcd.json 0.821 → 0.820; reader held out
# 2 one question more in the first three, held out 4 one fewer first.
FORM_V = True
# What the root field is derived with: a saved index (index.snapshot) of another is stale.
ROOTS_VERSION = f"isri-nltk-{nltk.__version__}+form5"


@lru_cache(maxsize=1 << 18)
def root_of(term: str) -> str:
    """The root of an analysed term: «اجتماع» → «جمع», «هجوم» → «هجم», «2024» → «2024»."""
    if term.isascii():
        return term
    root = _ISRI.stem(term) or term
    if FORM_V and len(term) == 4 and term[0] == "ت" and root[0] == "ت" and root != term[1:] \
            and root not in (term.replace("ا", ""), term.replace("ي", "")):
        # ISRI takes a form V verb's last letter for a pronoun or its و for a long vowel:
        # «تحرك» → «تحر», «تزوج» → «تزج», «تطور» → «تطر»; its root is the verb without «ت»
        # («تجار» → «تجر» stays: there ISRI drops a long vowel)
        return term[1:]
    return root


def roots(terms: Iterable[str]) -> list[str]:
    """root_of for each term, in order."""
    return [root_of(t) for t in terms]


def roots_joined(tokens: str) -> str:
    """Roots of space-joined tokens, space-joined (the store's token format)."""
    return " ".join(root_of(t) for t in tokens.split())
