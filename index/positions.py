"""Where a passage's analysed words stand in its text, kept at ingest beside its terms, so that
quoting a passage needs no second analysis (issue 13, part 5).

Quoting marks the question's words and weighs each sentence by the words it holds: both need
every term's place in the text. Re-analysing the quoted passage and the sentences after it
took 0.3–1 ms a result at 1M passages — most of it words the analyzer's cache no longer held —
while the store already holds the terms themselves. So each passage is stored with a code of
one character per analysed word: how many raw words (index.normalize.word_spans) on from the
previous term's it starts, and whether it spans one raw word or two (a month named by two
words, «كانون الثاني»). A term's offsets are then its raw words' offsets, found again by one
regular expression over the text.

    >>> from index.normalize import analyze_spans
    >>> text = "سيطرت الفصائل على درعا في 7 كانون الأول"
    >>> terms = "سيطرت فصايل درعا 7 month12".split()
    >>> encode(text, analyze_spans(text))  # «على» and «في» are stopwords: skipped words
    '02443'
    >>> [text[t.start:t.end] for t in decode(text, 0, len(text), terms, "02443")]
    ['سيطرت', 'الفصائل', 'درعا', '7', 'كانون الأول']
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Protocol

from index.normalize import Token, analyze_spans, word_spans

# A term's character: FIRST + 2 × (raw words since the previous term's) + (1 if it spans
# two raw words). Printable ASCII, so one byte in either store's text column.
FIRST = 0x30
LAST = 0x7E
MAX_GAP = (LAST - FIRST - 1) // 2


class Located(Protocol):
    """A stored passage's span, terms and code (index.store.PassageTerms)."""

    start: int
    end: int
    tokens: str
    positions: str


def encode(text: str, tokens: Sequence[Token]) -> str:
    """The code of `tokens` (text analysed, offsets into text); "" when a term does not sit on
    raw words as expected, or too far from the previous one: such a passage is re-analysed
    when quoted, as every passage was before."""
    words = word_spans(text)
    first = {a: i for i, (a, _) in enumerate(words)}
    last = {b: i for i, (_, b) in enumerate(words)}
    out, previous = [], 0
    for token in tokens:
        i, j = first.get(token.start), last.get(token.end)
        if i is None or j is None or not 0 <= j - i <= 1 or not 0 <= i - previous <= MAX_GAP:
            return ""
        out.append(chr(FIRST + 2 * (i - previous) + (j - i)))
        previous = i
    return "".join(out)


def decode(
    text: str, start: int, end: int, terms: Sequence[str], code: str,
    wanted: Collection[str] | None = None,
) -> list[Token] | None:
    """The Tokens of the passage text[start:end] (offsets into text) from its stored `terms`
    (its analysed words, then day terms «d:…», index.dates) and `code` — only those of the
    `wanted` terms, when given; None when the code does not fit them (none stored, or text
    that is not the one analysed)."""
    if not code or len(code) > len(terms):
        return None
    if any(not t.startswith("d:") for t in terms[len(code):]):
        return None
    if wanted is not None and wanted.isdisjoint(terms):
        return []  # quoting reads only the question's words: none here
    words = word_spans(text[start:end])
    out, i = [], 0
    for term, char in zip(terms, code, strict=False):
        step = ord(char) - FIRST
        i += step >> 1
        j = i + (step & 1)
        if step < 0 or j >= len(words):
            return None
        if wanted is None or term in wanted:
            out.append(Token(term, words[i][0] + start, words[j][1] + start))
    return out


def analysed(
    text: str, start: int, end: int, wanted: Collection[str] | None = None
) -> list[Token]:
    """text[start:end] analysed, its spans as offsets into `text` (only the `wanted` terms')."""
    return [Token(t.term, t.start + start, t.end + start) for t in analyze_spans(text[start:end])
            if wanted is None or t.term in wanted]


def tokens_between(
    text: str, start: int, end: int, known: Sequence[Located] = (),
    wanted: Collection[str] | None = None,
) -> list[Token]:
    """The analysed words of text[start:end] (only the `wanted` terms', when given), offsets
    into text: from the stored passages of `known` (the article's, by start) that cover it,
    analysed afresh where none does (a passage stored without a code, the spaces between
    paragraphs)."""
    out: list[Token] = []
    at = start
    for passage in known:
        if passage.end <= at or not passage.positions:
            continue
        if passage.start >= end:
            break
        tokens = decode(text, passage.start, passage.end, passage.tokens.split(),
                        passage.positions, wanted)
        if tokens is None:
            continue
        if passage.start > at:
            if not text[at : passage.start].isspace():  # a paragraph's newline: no words
                out += analysed(text, at, passage.start, wanted)
            at = passage.start
        # overlapping windows of a long paragraph share a sentence: its words are taken once
        out += [t for t in tokens if t.start >= at and t.end <= end]
        at = min(passage.end, end)
        if at >= end:
            return out
    if at < end:
        out += analysed(text, at, end, wanted)
    return out
