"""Where a passage's words stand, stored at ingest (index.positions): quoting from the stored
terms and positions gives exactly what analysing the text again gives — the same tokens, the
same spans, the same Hit — and anything that does not fit falls back to the analysis."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from index.articles import read_article_file
from index.excerpt import make_hit
from index.ingest import prepare
from index.models import Article, ArticleIn
from index.normalize import analyze, analyze_spans
from index.passages import sentences_after
from index.positions import MAX_GAP, analysed, decode, encode, tokens_between
from index.store import PassageContext, PassageTerms

SEED = next((Path(__file__).resolve().parents[1] / "seeds").glob("*.txt"))

# what readers paste and outlets publish: markup, digits of both kinds, a month named by two
# words and by one, diacritics, tatweel, tanween, Latin, emoji, a glued «وال», punctuation
AWKWARD = [
    "<b>درعا</b> &amp; حمص: سيطرت الفصائل على المدينة في ٧ كانون الأول ٢٠٢٤.",
    "قالَ المتحدثُ إنّ الـــقوات دخلت المدينةَ فجراً، وأن 12 مدنياً قُتلوا 🙏 (Reuters).",
    "وفي تشرين الثاني الماضي، اجتمع وزراء الخارجية والدفاع في الرياض يوم 5 أغسطس 2015م.",
    "ﷺ ① ،،، ... !!! «» — والدته وبوالدها ولبنان للبنان",
]


def seed_article() -> Article:
    clean, _, _, _ = prepare(read_article_file(SEED))
    return Article(1, clean.title, clean.text, clean.source, clean.url, clean.published, "ar",
                   None)


def stored(text: str) -> list[PassageTerms]:
    """The passages ingest would store for `text`, as the store hands them back."""
    _, passages, _, _ = prepare(ArticleIn(title="t", text=text,
                                          published=datetime(2024, 12, 7, tzinfo=UTC)))
    return [PassageTerms(p.span.start, p.span.end, p.tokens, p.positions) for p in passages]


@pytest.mark.parametrize("text", [read_article_file(SEED).text, *AWKWARD])
def test_every_passage_decodes_to_its_analysis(text: str) -> None:
    clean_text = prepare(ArticleIn(title="t", text=text))[0].text
    passages = stored(text)
    assert passages and all(p.positions for p in passages)
    for p in passages:
        decoded = decode(clean_text, p.start, p.end, p.tokens.split(), p.positions)
        assert decoded == analysed(clean_text, p.start, p.end)


def test_windows_after_a_passage_read_from_the_next_passages() -> None:
    """make_hit's two windows — the passage, then the sentences after it — from the stored
    passages equal the analysis of the same windows, for every passage of the seed."""
    article = seed_article()
    known = stored(read_article_file(SEED).text)
    assert len(known) > 3
    for p in known:
        assert tokens_between(article.text, p.start, p.end, known) == analysed(
            article.text, p.start, p.end)
        after = sentences_after(article.text, p.end, p.start + 600)
        if after:
            end = after[-1][1]
            assert tokens_between(article.text, p.end, end, known) == analysed(
                article.text, p.end, end)


def test_what_no_code_covers_is_analysed() -> None:
    text = "سيطرت الفصائل على درعا.\nودخلت القوات المدينة فجرا.\nوقال المتحدث إن الوضع هادئ."
    known = stored(text)
    expected = analysed(text, 0, len(text))
    # none stored (a passage from before positions), one, or a code that does not fit the text
    without = [PassageTerms(p.start, p.end, p.tokens, "") for p in known]
    broken = [PassageTerms(p.start, p.end, p.tokens, "~" * 40) for p in known]
    for passages in ([], without, known[:1], known[1:], broken):
        assert tokens_between(text, 0, len(text), passages) == expected


def test_codes_that_cannot_hold_a_passage_are_left_empty() -> None:
    # more stopwords in a row than a character can skip: no code, the passage is re-analysed
    text = "درعا " + "في " * (MAX_GAP + 1) + "حمص"
    assert [t.term for t in analyze_spans(text)] == ["درعا", "حمص"]
    assert encode(text, analyze_spans(text)) == ""
    text = "درعا " + "في " * (MAX_GAP - 1) + "حمص"
    code = encode(text, analyze_spans(text))
    assert decode(text, 0, len(text), ["درعا", "حمص"], code) == analyze_spans(text)


def test_a_code_that_does_not_fit_is_refused() -> None:
    text = "سيطرت الفصائل على مدينة درعا"
    terms = [t.term for t in analyze_spans(text)]
    code = encode(text, analyze_spans(text))
    assert decode(text, 0, len(text), terms, code) is not None
    assert decode(text, 0, len(text), terms, "") is None
    assert decode(text, 0, len(text), terms[:-1], code) is None  # more codes than terms
    assert decode(text, 0, len(text), [*terms, "زائد"], code) is None  # a word left over
    assert decode(text, 0, len(text), [*terms, "d:2024-12-07"], code) is not None  # a day
    assert decode("درعا", 0, 4, terms, code) is None  # another text: past its last word


def test_a_hit_quoted_from_stored_positions_is_the_analysed_one() -> None:
    article = seed_article()
    known = stored(read_article_file(SEED).text)
    idf = {"درعا": 2.0, "فصايل": 1.5, "سيطر": 1.0, "مدين": 0.5}
    for p in known:
        ctx = PassageContext(7, 1, p.start, p.end, p.tokens, article)
        for terms in ({"درعا"}, {"فصايل", "سيطر"}, set(idf)):
            hit = make_hit(1, 1.0, ctx, terms, idf, known=known)
            assert hit == make_hit(1, 1.0, ctx, terms, idf)
            # the words that make two quotes the same, without analysing the quote again
            assert hit.quoted == frozenset(analyze(hit.focus_text))


def test_only_the_wanted_words_are_read() -> None:
    """Quoting reads the question's words only: the same tokens as the whole analysis,
    filtered; a passage holding none of them is not decoded at all."""
    article = seed_article()
    known = stored(read_article_file(SEED).text)
    everything = analysed(article.text, 0, len(article.text))
    for wanted in ({"درعا"}, {"فصايل", "سيطر", "month12"}, {"لا-توجد"}):
        assert tokens_between(article.text, 0, len(article.text), known, wanted) == [
            t for t in everything if t.term in wanted]
    p = known[0]
    assert decode(article.text, p.start, p.end, p.tokens.split(), p.positions, {"لا-توجد"}) == []
