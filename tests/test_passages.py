"""Passages and sentences are offsets into the original text: they must round-trip exactly,
cover every word, overlap by one sentence in long paragraphs, and stay bounded in size."""

from __future__ import annotations

import itertools
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from index.articles import read_article_file
from index.models import PassageSpan
from index.passages import (
    MAX_PASSAGE_CHARS,
    WINDOW_OVERLAP,
    WINDOW_SENTENCES,
    sentence_spans,
    sentences_after,
    split_passages,
)

# Invented sentences, about 60-80 characters each.
SENTENCES = [
    f"افتتحت البلدية الخيالية رقم {n} مكتبة عامة جديدة تضم آلاف الكتب للقراء."
    for n in range(1, 40)
]


def words(text: str) -> list[str]:
    return text.split()


def paragraph_bounds(text: str) -> list[tuple[int, int]]:
    return [m.span() for m in re.finditer(r"[^\n]+", text)]


def check_invariants(text: str, spans: list[PassageSpan], max_chars: int) -> None:
    """Offsets valid and trimmed, ordinals 0..n-1, each passage inside one paragraph, bounded,
    and every non-space character of every paragraph inside some passage."""
    assert [p.ordinal for p in spans] == list(range(len(spans)))
    covered = [False] * len(text)
    paragraphs = paragraph_bounds(text)
    for p in spans:
        assert 0 <= p.start < p.end <= len(text)
        piece = text[p.start : p.end]
        assert piece == piece.strip(), "passages are trimmed"
        assert "\n" not in piece, "a passage never spans two paragraphs"
        assert p.end - p.start <= max_chars
        for i in range(p.start, p.end):
            covered[i] = True
    for a, b in paragraphs:
        for i in range(a, b):
            if not text[i].isspace():
                assert covered[i], f"character {i} ({text[i]!r}) is in no passage"
    starts = [p.start for p in spans]
    assert starts == sorted(starts), "passages come in text order"


# ---- sentences --------------------------------------------------------------------------------


def test_sentences_split_at_arabic_and_latin_marks() -> None:
    text = "أعلنت الغرفة التحرير. هل بدأ التقدم؟ نعم! وقال «انتهى الأمر.» ثم غادر…  آخر"
    got = [text[a:b] for a, b in sentence_spans(text)]
    assert got == [
        "أعلنت الغرفة التحرير.",
        "هل بدأ التقدم؟",
        "نعم!",
        "وقال «انتهى الأمر.»",
        "ثم غادر…",
        "آخر",
    ]


def test_digits_around_a_dot_do_not_end_a_sentence() -> None:
    text = "ارتفع المؤشر 2.5 بالمئة في 7.12.2024 صباحًا. ثم هبط في عام 2024. وبعدها استقر"
    got = [text[a:b] for a, b in sentence_spans(text)]
    assert got == [
        "ارتفع المؤشر 2.5 بالمئة في 7.12.2024 صباحًا.",
        "ثم هبط في عام 2024.",
        "وبعدها استقر",
    ]


def test_sentence_spans_inside_a_range_use_absolute_offsets() -> None:
    text = "مقدمة لا تدخل. الجملة الأولى. الجملة الثانية."
    start = text.index("الجملة")
    spans = sentence_spans(text, start, len(text))
    assert [text[a:b] for a, b in spans] == ["الجملة الأولى.", "الجملة الثانية."]
    assert all(a >= start for a, _ in spans)


@pytest.mark.parametrize("text", ["", "   ", "\t \u00a0 "])
def test_no_sentences_in_blank_text(text: str) -> None:
    assert sentence_spans(text) == []
    assert split_passages(text) == []


# ---- passages ---------------------------------------------------------------------------------


def test_short_paragraphs_are_one_passage_each() -> None:
    paras = [SENTENCES[0], SENTENCES[1] + " " + SENTENCES[2], SENTENCES[3]]
    text = "\n".join(paras)
    spans = split_passages(text)
    assert [text[p.start : p.end] for p in spans] == paras
    check_invariants(text, spans, MAX_PASSAGE_CHARS)


def test_surrounding_whitespace_and_blank_lines_are_left_out() -> None:
    text = "  \n\n   " + SENTENCES[0] + "   \n \n\t" + SENTENCES[1] + "  \n"
    spans = split_passages(text)
    assert [text[p.start : p.end] for p in spans] == [SENTENCES[0], SENTENCES[1]]


def test_long_paragraph_becomes_windows_overlapping_by_one_sentence() -> None:
    paragraph = " ".join(SENTENCES[:20])
    assert len(paragraph) > MAX_PASSAGE_CHARS
    text = f"{SENTENCES[30]}\n{paragraph}\n{SENTENCES[31]}"
    spans = split_passages(text)
    check_invariants(text, spans, MAX_PASSAGE_CHARS)
    first, *windows, last = spans
    assert text[first.start : first.end] == SENTENCES[30]
    assert text[last.start : last.end] == SENTENCES[31]
    assert len(windows) > 1
    sentences = set(SENTENCES[:20])
    for prev, nxt in itertools.pairwise(windows):
        prev_sentences = [text[a:b] for a, b in sentence_spans(text, prev.start, prev.end)]
        next_sentences = [text[a:b] for a, b in sentence_spans(text, nxt.start, nxt.end)]
        assert len(prev_sentences) <= WINDOW_SENTENCES
        assert set(prev_sentences) <= sentences
        # the last sentence of one window is the first of the next, and only that one
        assert prev_sentences[-WINDOW_OVERLAP:] == next_sentences[:WINDOW_OVERLAP]
        assert nxt.start < prev.end
    # windows follow the paragraph's sentence order and reach its last sentence
    assert text[windows[-1].start : windows[-1].end].endswith(SENTENCES[19])
    assert text[windows[0].start : windows[0].end].startswith(SENTENCES[0])


def test_run_on_paragraph_without_punctuation_is_cut_at_spaces() -> None:
    text = " ".join(["كلمة"] * 1000)  # 4999 characters, no sentence end
    spans = split_passages(text)
    check_invariants(text, spans, MAX_PASSAGE_CHARS)
    assert len(spans) > len(text) // MAX_PASSAGE_CHARS
    for p in spans:
        assert set(words(text[p.start : p.end])) == {"كلمة"}, "cut between words, not inside"


def test_one_endless_word_is_still_bounded() -> None:
    text = "ب" * 2500
    spans = split_passages(text)
    check_invariants(text, spans, MAX_PASSAGE_CHARS)
    assert "".join(text[p.start : p.end] for p in spans) == text


def test_bad_window_settings_are_refused() -> None:
    with pytest.raises(ValueError, match="overlap"):
        split_passages("نص", window=2, overlap=2)


def test_seed_article_passages_round_trip(seed_file) -> None:
    article = read_article_file(seed_file)
    spans = split_passages(article.text)
    check_invariants(article.text, spans, MAX_PASSAGE_CHARS)
    # the seed's paragraphs are all short: one passage per line
    assert [article.text[p.start : p.end] for p in spans] == article.text.split("\n")
    assert any("7 كانون الأول 2024" in article.text[p.start : p.end] for p in spans)


# ---- property ---------------------------------------------------------------------------------

ARABIC_WORD = st.text(alphabet="ابتثجحخدذرزسشصضطظعغفقكلمنهويةىأإآءئؤ", min_size=1, max_size=12)
DIACRITICS = st.sampled_from(["", "", "", "َ", "ُ", "ِ", "ّ", "ً", "ْ"])
TOKEN = st.one_of(
    st.builds(lambda w, d: w + d, ARABIC_WORD, DIACRITICS),
    ARABIC_WORD,
    st.from_regex(r"[0-9٠-٩]{1,4}", fullmatch=True),
    st.sampled_from([".", "؟", "!", "…", "،", "»", "«", "2.5", "7.12.2024", "ـ", "😀", "Daraa"]),
)
SEPARATOR = st.sampled_from([" ", " ", " ", "  ", "\n", "\n\n", ". ", "؟ ", "\t", "\u00a0"])


@st.composite
def arabic_ish_text(draw: st.DrawFn) -> str:
    tokens = draw(st.lists(TOKEN, max_size=400))
    out = []
    for token in tokens:
        out.append(token)
        out.append(draw(SEPARATOR))
    return "".join(out)


@settings(max_examples=150, deadline=None)
@given(
    text=arabic_ish_text(),
    max_chars=st.integers(min_value=20, max_value=700),
    window=st.integers(min_value=1, max_value=4),
    data=st.data(),
)
def test_passages_round_trip_on_random_text(
    text: str, max_chars: int, window: int, data: st.DataObject
) -> None:
    overlap = data.draw(st.integers(min_value=0, max_value=window - 1))
    spans = split_passages(text, max_chars=max_chars, window=window, overlap=overlap)
    check_invariants(text, spans, max_chars)
    # every sentence span is a trimmed slice of its own paragraph
    for a, b in paragraph_bounds(text):
        for s, e in sentence_spans(text, a, b):
            assert a <= s < e <= b
            assert text[s:e] == text[s:e].strip()


def test_sentences_after_run_on_into_the_next_paragraphs_up_to_a_limit() -> None:
    text = "الأولى. الثانية.\nالثالثة بلا نقطة\n\nالرابعة. الخامسة."
    spans = sentences_after(text, text.index("الثانية"), len(text))
    assert [text[a:b] for a, b in spans] == ["الثانية.", "الثالثة بلا نقطة", "الرابعة.",
                                             "الخامسة."]
    # a paragraph without a full stop ends at its line: never glued to the next one
    limit = text.index("الرابعة") + 3
    assert [text[a:b] for a, b in sentences_after(text, 8, limit)] == ["الثانية.",
                                                                       "الثالثة بلا نقطة"]
    assert sentences_after(text, len(text), len(text)) == []
    assert sentences_after(text, 0, 3) == []
