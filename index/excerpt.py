"""Step 6 of answering: quote the part of a passage that answers, with the matched words marked."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import replace

from index.models import Attribution, Hit
from index.normalize import Token
from index.passages import MAX_PASSAGE_CHARS, sentence_spans, sentences_after
from index.positions import Located, tokens_between
from index.store import PassageContext

# An excerpt quotes at most this many characters: a passage's most (index.passages), so a
# passage is quoted whole, and a short one with the article's next sentences. Quoting only
# the best sentence or two (420 characters, sessions 1–17) hid the answer for 4–9% of the
# reader sets' answerable questions: the sentence that repeats the question's words is shown,
# the next one, which answers, is not («… بلغ 4368 موقوفاً» quoted, «… من السعوديين وصل إلى
# 3660 موقوفاً» cut); often that next sentence opens the next paragraph.
MAX_EXCERPT_CHARS = MAX_PASSAGE_CHARS
# A best sentence shorter than this gets its neighbour in the focus, so it carries context.
SHORT_SENTENCE = 90


def matched_weight(found: Iterable[str], idf: dict[str, float]) -> float:
    """What a sentence's matched words weigh: each distinct one its idf (never below 0) + 1 —
    idf can be ~0 in a tiny corpus yet the word matters. Summed exactly (fsum), so the same
    words weigh the same in any order: a plain sum's last bits followed the order a set gave
    them in, which follows the process's string hashing, and two sentences that tie quoted
    one or the other after a restart."""
    return math.fsum(max(idf.get(t, 0.0), 0.0) + 1.0 for t in found)


def best_excerpt(
    start: int, end: int, sentences: Sequence[tuple[int, int]], terms: set[str],
    idf: dict[str, float], tokens: Sequence[Token],
) -> tuple[int, int]:
    """(start, end) of the sentence (plus its neighbour when short) that covers the most query
    idf in the window [start, end) of a text; `sentences`, the window's sentence spans and
    `tokens`, the window analysed, both with offsets into the text (make_hit reads both)."""
    if not sentences:
        return start, end

    def weight(span: tuple[int, int]) -> float:
        found = {t.term for t in tokens if span[0] <= t.start and t.end <= span[1]} & terms
        return matched_weight(found, idf)

    scores = [weight(s) for s in sentences]
    best = max(range(len(sentences)), key=lambda i: (scores[i], -i))
    a, b = sentences[best]
    if b - a < SHORT_SENTENCE and len(sentences) > 1:
        if best + 1 < len(sentences) and (best == 0 or scores[best + 1] >= scores[best - 1]):
            b = sentences[best + 1][1]
        else:
            a = sentences[best - 1][0]
    return a, b


def widened(
    sentences: Sequence[tuple[int, int]], focus: tuple[int, int], cap: int
) -> tuple[int, int]:
    """`focus` grown by whole sentences while the span stays within `cap` characters: the
    following ones first — the sentence that repeats the question's words tends to come just
    before the one that answers it — then the preceding ones.

    >>> widened([(0, 10), (11, 20), (21, 30)], (11, 20), 19)
    (11, 30)
    >>> widened([(0, 10), (11, 20), (21, 30)], (11, 20), 30)
    (0, 30)
    """
    a, b = focus
    after = [s for s in sentences if s[0] >= b]
    before = [s for s in sentences if s[1] <= a][::-1]
    for span in after:
        if span[1] - a > cap:
            break
        b = span[1]
    for span in before:
        if b - span[0] > cap:
            break
        a = span[0]
    return a, b


def make_hit(
    rank: int,
    score: float,
    ctx: PassageContext,
    terms: set[str],
    idf: dict[str, float],
    also: Sequence[Attribution] = (),
    known: Sequence[Located] = (),
) -> Hit:
    """A Hit quoting its best sentence(s) with the passage around them and, in what room
    MAX_EXCERPT_CHARS leaves, the article's next sentences. `known`: the article's stored
    passages by start (index.store.PassageTerms), whose words need no analysing again
    (index.positions); what they do not cover is analysed here."""
    article = ctx.article
    # the window's words, read once: the question's weigh the sentences and are marked, and
    # the focus's are what makes two quotes the same (index.results.merge_same_quotes)
    every = tokens_between(article.text, ctx.start, ctx.end, known)
    tokens = [t for t in every if t.term in terms]
    sentences = sentence_spans(article.text, ctx.start, ctx.end)
    focus = best_excerpt(ctx.start, ctx.end, sentences, terms, idf, tokens)
    start, end = widened(sentences, focus, MAX_EXCERPT_CHARS)
    # The passage first (the sentence before the focus may be the answer: the boat's permit
    # «من مركز المزروعية» comes before the sentence «وعلى متنه أربعة سعوديين» matched), then
    # forward only: the next paragraph often answers what this one reports (reader sets,
    # top-1 +2 to +11 points; session 18).
    after = sentences_after(article.text, ctx.end, start + MAX_EXCERPT_CHARS)
    if after:
        start, end = widened([(start, end), *after], (start, end), MAX_EXCERPT_CHARS)
        if end > ctx.end:
            tokens += tokens_between(article.text, ctx.end, end, known, terms)
    excerpt = article.text[start:end]
    # `tokens` holds the question's words only (both windows read for `terms`)
    marks = tuple((t.start - start, t.end - start) for t in tokens
                  if start <= t.start and t.end <= end)
    focus_at = (focus[0] - start, focus[1] - start)
    if end - start > MAX_EXCERPT_CHARS:
        cut = excerpt.rfind(" ", 0, MAX_EXCERPT_CHARS)
        cut = cut if cut > MAX_EXCERPT_CHARS // 2 else MAX_EXCERPT_CHARS
        excerpt = excerpt[:cut].rstrip() + "…"
        marks = tuple((a, b) for a, b in marks if b <= cut)
        focus_at = (min(focus_at[0], cut), min(focus_at[1], cut))
    a, b = start + focus_at[0], start + focus_at[1]
    return Hit(
        rank=rank,
        score=score,
        article_id=article.id,
        passage_id=ctx.passage_id,
        title=article.title,
        source=article.source,
        published=article.published,
        url=article.url,
        passage=article.text[ctx.start : ctx.end],
        excerpt=excerpt,
        marks=marks,
        also=tuple(also),
        focus=focus_at,
        quoted=frozenset(t.term for t in every if a <= t.start and t.end <= b),
    )


def focused(hit: Hit) -> Hit:
    """The hit with its quote narrowed to the focus (marks moved along): what the direct
    answer and the check for an asked name read (index.direct)."""
    if hit.focus is None:
        return hit
    a, b = hit.focus
    marks = tuple((s - a, e - a) for s, e in hit.marks if a <= s and e <= b)
    return replace(hit, excerpt=hit.excerpt[a:b], marks=marks, focus=None)
