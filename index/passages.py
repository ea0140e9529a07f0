"""Split article text into passages and sentences, as character offsets into the original text.

Offsets (never copies of normalised text) are what every later stage keeps, so an excerpt always
quotes the article exactly as published.
"""

from __future__ import annotations

import re

from index.models import PassageSpan

# A passage this long (characters) or shorter stays one passage: about two or three news
# sentences, short enough to quote whole in a chat message.
MAX_PASSAGE_CHARS = 600
# Long paragraphs become windows of this many sentences, the last one repeated at the start of
# the next window so an answer that straddles two sentences is never cut in half.
WINDOW_SENTENCES = 3
WINDOW_OVERLAP = 1

_PARAGRAPH = re.compile(r"[^\n]+")
# A sentence ends at . ! ? ؟ … or the Arabic full stop ۔ followed by space, plus any closing
# quotes; digits around a dot (2.5, 7.12.2024) are not sentence ends.
_SENTENCE_END = re.compile(r"(?<!\d)[.!?؟…۔]+[\"'»”)\]]*(?=\s|$)|(?<=\d)[.!?؟…۔]+(?=\s+\D|$)")


def sentence_spans(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """(start, end) of each sentence in text[start:end], trimmed of surrounding whitespace.

    >>> t = "أعلنت الغرفة التحرير. وبدأ التقدم نحو دمشق؟ نعم"
    >>> [t[a:b] for a, b in sentence_spans(t)]
    ['أعلنت الغرفة التحرير.', 'وبدأ التقدم نحو دمشق؟', 'نعم']
    """
    end = len(text) if end is None else end
    spans: list[tuple[int, int]] = []
    pos = start
    for match in _SENTENCE_END.finditer(text, start, end):
        spans.append((pos, match.end()))
        pos = match.end()
    spans.append((pos, end))
    out = []
    for a, b in spans:
        while a < b and text[a].isspace():
            a += 1
        while b > a and text[b - 1].isspace():
            b -= 1
        if b > a:
            out.append((a, b))
    return out


def sentences_after(text: str, pos: int, limit: int) -> list[tuple[int, int]]:
    """The sentences after `pos` — the rest of its paragraph, then the next paragraphs' — in
    order, up to the first that would end past `limit`.

    >>> t = "الأولى. الثانية.\\nالثالثة بلا نقطة\\nالرابعة."
    >>> [t[a:b] for a, b in sentences_after(t, 7, 33)]
    ['الثانية.', 'الثالثة بلا نقطة']
    """
    out: list[tuple[int, int]] = []
    for para in _PARAGRAPH.finditer(text, pos):
        for a, b in sentence_spans(text, para.start(), para.end()):
            if b > limit:
                return out
            out.append((a, b))
    return out


def split_passages(
    text: str,
    max_chars: int = MAX_PASSAGE_CHARS,
    window: int = WINDOW_SENTENCES,
    overlap: int = WINDOW_OVERLAP,
) -> list[PassageSpan]:
    """Paragraphs as passages; a paragraph over `max_chars` becomes overlapping sentence windows.

    A window also stops growing once it would pass `max_chars`, so one run-on paragraph
    without punctuation still yields passages of bounded size (cut at a space).
    """
    if not 0 <= overlap < window:
        raise ValueError(f"need 0 <= overlap < window, got overlap={overlap}, window={window}")
    spans: list[tuple[int, int]] = []
    for para in _PARAGRAPH.finditer(text):
        sentences = sentence_spans(text, para.start(), para.end())
        if not sentences:
            continue
        if sentences[-1][1] - sentences[0][0] <= max_chars:
            spans.append((sentences[0][0], sentences[-1][1]))
            continue
        pieces = [p for a, b in sentences for p in _cut_long(text, a, b, max_chars)]
        i = 0
        while i < len(pieces):
            j = i + 1
            while j < len(pieces) and j - i < window and pieces[j][1] - pieces[i][0] <= max_chars:
                j += 1
            spans.append((pieces[i][0], pieces[j - 1][1]))
            if j >= len(pieces):
                break
            i = max(j - overlap, i + 1)
    return [PassageSpan(n, a, b) for n, (a, b) in enumerate(spans)]


def _cut_long(text: str, start: int, end: int, max_chars: int) -> list[tuple[int, int]]:
    """Split one over-long sentence at spaces into pieces of at most `max_chars`."""
    pieces = []
    while end - start > max_chars:
        cut = text.rfind(" ", start + 1, start + max_chars)
        if cut <= start:
            cut = start + max_chars
        # rfind finds the last of several spaces in a row: keep the others out of the piece too
        piece_end = cut
        while piece_end > start and text[piece_end - 1].isspace():
            piece_end -= 1
        pieces.append((start, piece_end))
        start = cut
        while start < end and text[start].isspace():
            start += 1
    if end > start:
        pieces.append((start, end))
    return pieces
