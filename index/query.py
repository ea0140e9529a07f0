"""Step 1 of answering: a reader's question → the concepts to look for.

A concept is one content word of the question with the index terms that may stand for it, each
with a credit (1.0 for the word itself, less for looser matches). Readers do not write the way
articles do, so each word is read against the index's own vocabulary:

* **Glued particles** that the stemmer leaves on because they also begin real words: «بحمص» →
  «حمص», «عالحدود» → «حدود», future «ستستغرق» → «تستغرق», colloquial «بيقولوا» → «يقولوا» →
  «يقول», passive «انقتل» → «قتل», a dropped tanween «جنديا» → «جندي», «تقع» ~ «يقع». A reading
  is used only when the index knows it (and, for a word the index also knows, when it is far
  more common), so «بغداد» never becomes «غداد».
* **Glued forms in the articles**: «درعا» also finds passages that wrote «بدرعا».
* **Spelling neighbours** for a word the index lacks (a typo, a dropped hamza): «تحررت» ~
  «تحرير», at half credit.
* **Synonyms** from a small curated news vocabulary (index.synonyms), at reduced credit.

Dialect function words («شو»، «وين»، «اللي») are stopwords of the analyzer, so they never
become concepts; `question_type` still reads them («امتى» → "when").
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from itertools import islice
from typing import Protocol

from rapidfuzz import process
from rapidfuzz.distance import OSA

from index.bm25 import BM25Index
from index.dialects import COLLOQUIAL_WORDS, EVENT_VERBS, QUESTION_TYPE
from index.normalize import (
    DEFAULT_ANALYZER,
    Analyzer,
    analyze,
    get_analyzer,
    normalize,
    tokenize,
)
from index.roots import root_of

# Credit of a spelling neighbour: enough to complete a question, never enough to carry one
# alone («باريس» ~ «بارزة» must not make a weather question answerable).
FUZZY_CREDIT = 0.5
# Credit of a synonym from index.synonyms. Off: measured on the reader set it changed no
# answer for the better (README, "Answer quality"), so the map stays for a later, phrase-aware
# use and the expansion code stays tested, but production does not expand by it.
SYNONYM_CREDIT = 0.0
# Credit of an indexed form with a proclitic glued on («بدرعا» for «درعا»): the same word,
# but a rare spelling whose high idf must not outweigh the word itself.
GLUED_CREDIT = 1.0
# Switches for measuring what each step buys (README, "Answer quality"); all on in production.
READINGS = True  # glued particles, colloquial verb forms, tanween, ت/ي
COLLOQUIAL = True  # index.dialects.COLLOQUIAL_WORDS
# A reading of a word the index knows replaces it only when this many times more common.
REWRITE_RATIO = 5

# One-letter proclitics the stemmer keeps (they begin too many words) but readers glue on.
_PROCLITICS = "بلكفو"
# Future and colloquial aspect particles glued to an imperfect verb: س (MSA), ح/ه (Egyptian,
# Levantine), ب (Levantine, Egyptian indicative), ك (Maghrebi), م (Levantine 1st plural).
_VERB_PARTICLES = "سحهبكم"
_IMPERFECT = "يتنا"


# Words that frame a question rather than name its subject: «أين تقع القريتين؟», «ما اسم
# القائد؟», «كم عدد القتلى؟». The passage that answers rarely repeats them, so like the
# "happened" verbs they are not concepts (unless nothing else is left).
FRAME_WORDS = frozenset(
    {"تقع", "يقع", "توجد", "يوجد", "اسم", "عدد", "يسمي", "تسمي", "يدعي", "تدعي"}
)


# Conversation around a question, not its subject: greetings, blessings, "I heard", "is it
# true", "exactly", "the story", "I'm worried" — typed by readers in chat, in every dialect
# («السلام عليكم، سمعت انه…», «الله يخليكن طمنوني», «صدق ولا لا؟», «شو القصة بالضبط؟»).
# Normalized surface forms; dropped like the frame words, from questions only. Left out on
# purpose: «الله» (حزب الله), «صباح»/«مساء» (the time asked about), «حد» (limit, border).
CHAT_WORDS = frozenset(
    {
        "السلام", "عليكم", "مرحبا", "هلا", "اهلين", "الخير", "النور", "والله", "يخليك", "يخليكم",
        "يخليكن", "يخليكي", "يحميك", "يحميكم", "يحميكن", "يعطيك", "العافيه", "تسلم", "تسلمو",
        "مشكور", "شكرا", "لو", "سمحت", "سمحتو", "سمحتوا", "فضلك", "طمنوني", "طمني", "سمعت",
        "سمعنا", "سامع", "قالولي", "بيقولو", "يقولون", "شفت", "شفنا", "قريت", "قرات", "صدق",
        "صح", "صحيح", "صدك", "معقول", "بالضبط", "بالظبط", "بالزبط", "تماما", "القصه", "السالفه",
        "الموضوع", "الحكايه", "شي", "شيء", "حاجه", "اشي", "حاجات", "فهمت", "فاهم", "فاهمه",
        "عارف", "عارفه", "اعرف", "ابغي", "ابي", "بدي", "عايز", "عاوز", "نفسي", "خايف", "خايفه",
        "قلقان", "يا", "جماعه", "شباب", "اخوان", "يااخوان", "ياجماعه", "ياشباب", "مين",
        "يعرف",
    }
)


class Vocabulary(Protocol):
    """What query analysis needs to know of the index."""

    def df(self, term: str) -> int: ...

    def glued_forms(self, term: str) -> list[str]:
        """Index terms that are `term` with a one-letter proclitic glued on («بدرعا»)."""
        ...

    def neighbours(self, term: str) -> list[str]:
        """Index terms one or two letters away from `term` (same first three letters)."""
        ...


@dataclass(frozen=True, slots=True)
class Concept:
    """One content word of the question and the index terms that may stand for it."""

    word: str  # the term the analyzer made of what the reader typed
    terms: dict[str, float]  # index term → credit (1.0: the word itself)
    roots: dict[str, float]  # root-field term → credit (roots of the known terms)
    known: bool  # the index holds at least one of `terms`


@dataclass(frozen=True, slots=True)
class ParsedQuery:
    """The question, analysed: its concepts and what kind of answer it asks for."""

    text: str
    tokens: tuple[str, ...]
    concepts: tuple[Concept, ...]
    kind: str | None = None  # "when", "where", "who", "how_many", … (index.dialects)

    def weighted_terms(self) -> dict[str, float]:
        """Light-field query: each candidate term with its credit (repeats add up)."""
        return _summed(c.terms for c in self.concepts)

    def weighted_roots(self) -> dict[str, float]:
        """Root-field query, summed the same way."""
        return _summed(c.roots for c in self.concepts)


def _summed(credits: Iterable[dict[str, float]]) -> dict[str, float]:
    out: dict[str, float] = {}
    for mapping in credits:
        for term, credit in mapping.items():
            out[term] = out.get(term, 0.0) + credit
    return out


def question_type(text: str) -> str | None:
    """The answer a question asks for, from its question word: «امتى تحررت درعا» → "when"."""
    for word in tokenize(text)[:4]:
        for candidate in (word, word[1:] if word[:1] in "وف" else word):
            if candidate in QUESTION_TYPE:
                return QUESTION_TYPE[candidate]
    return None


def _readings(norm: str) -> list[str]:
    """Other ways to read one normalized word a reader typed, most plausible first."""
    out: list[str] = []
    if norm.startswith("عال") and len(norm) >= 5:  # «عالحدود» = على + الحدود
        out.append(norm[1:])
    if norm[:1] in _PROCLITICS and len(norm) >= 4:
        out.append(norm[1:])
        if norm[1:2] in "بلك" and len(norm) >= 5:  # «وبدرعا», «فبالرياض»
            out.append(norm[2:])
    if norm[:1] in _VERB_PARTICLES and norm[1:2] in _IMPERFECT and len(norm) >= 4:
        out.append(norm[1:])
    for verb in [*out, norm]:
        # colloquial plural -و for -وا/-ون: «بيقولو», «قالو»
        if verb.endswith("و") and len(verb) >= 4:
            out += [verb + "ا", verb + "ن", verb[:-1]]
    if norm[:2] in ("ان", "ات") and len(norm) >= 5:  # passive انفعل/اتفعل: «انقتل» → «قتل»
        out.append(norm[2:])
    if norm.endswith("ا") and len(norm) >= 4:
        out.append(norm + "ء")  # a dropped final hamza: «السويدا» for «السويداء»
        out.append(norm[:-1])  # «جنديا»: tanween written without its mark
    elif norm.endswith("اء") and len(norm) >= 5:
        out.append(norm[:-1])  # the other way round: «صحراء» where articles write «صحرا»
    if norm[:1] == "ت" and len(norm) >= 3:  # «تقع» ~ «يقع»: the imperfect's person prefix
        out.append("ي" + norm[1:])
    elif norm[:1] == "ي" and len(norm) >= 3:
        out.append("ت" + norm[1:])
    return list(dict.fromkeys(r for r in out if r != norm))


@lru_cache(maxsize=4096)
def _colloquial_terms(key: str) -> tuple[str, ...]:
    out: list[str] = []
    for msa in COLLOQUIAL_WORDS.get(key, ()):
        out += analyze(msa)
    return tuple(dict.fromkeys(out))


def _colloquial(norm: str, word: str) -> tuple[str, ...]:
    """Index terms of the MSA words for a dialect word: «خلصت» → «انتهت», «انتهاء»."""
    for key in (norm, word, norm[1:] if norm[:1] in _PROCLITICS else norm):
        if key in COLLOQUIAL_WORDS:
            return _colloquial_terms(key)
    return ()


def parse_query(
    text: str,
    vocabulary: Vocabulary,
    synonyms: Callable[[str], Iterable[str]] | None = None,
    analyzer: str = DEFAULT_ANALYZER,
) -> ParsedQuery:
    """Analyse a question against the index: «شو صار بدرعا؟» → one concept, «درعا»."""
    chain = get_analyzer(analyzer)
    spans = chain.spans(text)
    concepts: list[Concept] = []
    seen: dict[str, int] = {}
    words = [(t.term, normalize(text[t.start : t.end])) for t in spans]
    framing = EVENT_VERBS | FRAME_WORDS | CHAT_WORDS
    if any(norm not in framing for _, norm in words):
        # «شو صار بدرعا؟»: "happened" asks for news, it is not what the news is about
        words = [(w, norm) for w, norm in words if norm not in framing]
    for word, norm in words:
        if word in seen:  # a repeated word counts again, as rank-bm25 counts repeats
            concepts.append(concepts[seen[word]])
            continue
        terms = _terms_for(word, norm, chain, vocabulary)
        for msa in _colloquial(norm, word) if COLLOQUIAL else ():
            terms.setdefault(msa, 1.0)
        if synonyms is not None and SYNONYM_CREDIT:
            for alt in synonyms(word):
                terms.setdefault(alt, SYNONYM_CREDIT)
        known_terms = [t for t in terms if vocabulary.df(t) > 0]
        roots: dict[str, float] = {}
        for term in known_terms or [word]:
            root = root_of(term)
            roots[root] = max(roots.get(root, 0.0), terms.get(term, 1.0))
        seen[word] = len(concepts)
        concepts.append(Concept(word=word, terms=terms, roots=roots, known=bool(known_terms)))
    return ParsedQuery(
        text=text,
        tokens=tuple(t.term for t in spans),
        concepts=tuple(concepts),
        kind=question_type(text),
    )


def _terms_for(
    word: str, norm: str, chain: Analyzer, vocabulary: Vocabulary
) -> dict[str, float]:
    """Index terms for one analysed word: itself, better readings, glued forms, neighbours."""
    terms: dict[str, float] = {word: 1.0}
    if word.startswith("month") or word.isascii():
        return terms
    df = vocabulary.df(word)
    readings = [*_readings(norm), *_readings(word)] if READINGS else []
    for reading in dict.fromkeys(readings):
        stems = chain.terms(reading)
        if len(stems) != 1:
            continue
        stem = stems[0]
        other = vocabulary.df(stem)
        if other > 0 and (df == 0 or other >= REWRITE_RATIO * df):
            terms.setdefault(stem, 1.0)
            if df == 0:
                break
    if GLUED_CREDIT:
        for glued in vocabulary.glued_forms(word):
            terms.setdefault(glued, GLUED_CREDIT)
    if not any(vocabulary.df(t) > 0 for t in terms):
        for near in vocabulary.neighbours(word):
            terms.setdefault(near, FUZZY_CREDIT)
    return terms


class IndexVocabulary:
    """The Vocabulary of a live BM25 index. Its lookup tables grow with the vocabulary: only
    terms added since the last look are filed (the index hands out term ids in order)."""

    def __init__(self, index: Callable[[], BM25Index]) -> None:
        self._index = index  # a callable: the Library swaps its index on rebuild
        self._owner: BM25Index | None = None
        self._size = 0
        self._by_letter: dict[str, list[str]] = {}
        self._glued: dict[str, list[str]] = {}

    def df(self, term: str) -> int:
        return self._index().df(term)

    def _tables(self) -> None:
        index = self._index()
        if index is not self._owner:
            self._owner, self._size, self._by_letter, self._glued = index, 0, {}, {}
        vocab = index.vocab
        if self._size == len(vocab):
            return
        for word in islice(vocab, self._size, None):
            if len(word) >= 3 and not word.isascii():
                self._by_letter.setdefault(word[0], []).append(word)
            if len(word) >= 5 and word[0] in "بلك":
                self._glued.setdefault(word[1:], []).append(word)
        self._size = len(vocab)

    def glued_forms(self, term: str) -> list[str]:
        """Indexed words that are `term` with ب/ل/ك glued on: «درعا» → «بدرعا»."""
        if len(term) < 4:
            return []
        self._tables()
        return [w for w in self._glued.get(term, ()) if self.df(w) > 0]

    def neighbours(self, term: str) -> list[str]:
        """Indexed words within one edit (two for longer words; a swap of two letters is one)
        of an unknown query word with the same first letter: «تحررت» → «تحرير», «المعكره» →
        «المعركة». Most common first among equally near ones."""
        if len(term) < 4 or term.isascii():
            return []
        self._tables()
        limit = 1 if len(term) < 5 else 2
        found = process.extract(
            term, self._by_letter.get(term[0], []), scorer=OSA.distance,
            score_cutoff=limit, limit=None,
        )
        near = sorted(
            ((distance, -self.df(word), word) for word, distance, _ in found
             if word != term and self.df(word) > 0),
        )
        return [w for _, _, w in near[:2]]
