"""index.excerpt: which sentence of a passage matches best, and what of the passage is quoted."""

from __future__ import annotations

from itertools import permutations

from index.excerpt import MAX_EXCERPT_CHARS, focused, make_hit, matched_weight, widened
from index.models import Article
from index.normalize import analyze
from index.store import PassageContext


def test_matched_words_weigh_the_same_in_any_order() -> None:
    """A sentence's weight once depended on the order a set gave its words in (a plain float
    sum), which follows the process's string hashing: two sentences that tie mathematically
    quoted one or the other after a restart («العسكري السعودي اللي لزموه يم مسجد بالجهراء…»)."""
    idf = {"a": 0.1, "b": 0.2, "c": 0.7, "d": 0.0, "e": 0.3, "f": 3.3}
    orders = list(permutations(idf))
    # the orders a plain sum tells apart (the test means something) …
    assert len({sum(idf[t] + 1.0 for t in order) for order in orders}) > 1
    # … weigh the same here
    assert len({matched_weight(order, idf) for order in orders}) == 1
    assert matched_weight([], idf) == 0.0
    assert matched_weight(["a", "zz"], {"a": -0.5}) == 2.0  # never below 0; unknown words 0


def test_the_quote_widens_to_the_sentence_after_the_one_that_matched() -> None:
    """The sentence that repeats the question's words is often followed by the one that
    answers it («… بلغ 4368 موقوفاً.» then «… من السعوديين وصل إلى 3660 موقوفاً»): the quote
    grows forward first, then back, by whole sentences, within the cap."""
    spans = [(0, 100), (101, 200), (201, 300), (301, 400)]
    assert widened(spans, (101, 200), 199) == (101, 300)  # the next one first …
    assert widened(spans, (101, 200), 299) == (101, 400)  # … all that follow …
    assert widened(spans, (101, 200), 400) == (0, 400)  # … then the one before
    assert widened(spans, (101, 200), 50) == (101, 200)  # the focus is never cut here
    assert widened(spans, (301, 400), 199) == (201, 400)  # the last grows backward


def article(text: str, end: int | None = None) -> PassageContext:
    """A passage context for text[0:end] (the whole text by default) of a one-article store."""
    art = Article(id=1, title="t", text=text, source="s", url=None, published=None,
                  language="ar", added_at=None)
    return PassageContext(passage_id=1, article_id=1, start=0,
                          end=len(text) if end is None else end, tokens="", article=art)


def test_a_passage_that_fits_is_quoted_whole_and_the_focus_is_its_best_sentence() -> None:
    first = ("كشفت وزارة الداخلية أن عدد الموقوفين في سجون المباحث العامة في قضايا إرهاب بلغ "
             "4368 موقوفاً حتى شهر شوال الجاري.")
    second = "وأوضحت الوزارة أن عدد السعوديين وصل إلى 3660 موقوفاً، وبلغ عدد الأجانب 708."
    text = f"{first} {second}"
    terms = set(analyze("كم عدد الموقوفين في سجون المباحث بقضايا الإرهاب"))
    hit = make_hit(1, 1.0, article(text), terms, {t: 1.0 for t in terms})
    assert hit.excerpt == text, "the answer (the next sentence) is in the quote"
    assert hit.focus_text == first
    narrow = focused(hit)
    assert narrow.excerpt == first and narrow.focus is None
    assert narrow.marks and all(narrow.excerpt[a:b] == hit.excerpt[a:b] for a, b in narrow.marks)


def test_an_over_long_passage_is_cut_and_its_focus_kept_inside_the_cut() -> None:
    words = " ".join(["كلمة"] * 200)  # one sentence of ~1000 characters, no stop
    hit = make_hit(1, 1.0, article(words), {"كلمه"}, {"كلمه": 1.0})
    assert hit.excerpt.endswith("…") and len(hit.excerpt) <= MAX_EXCERPT_CHARS + 1
    assert hit.focus is not None and 0 <= hit.focus[0] <= hit.focus[1] <= len(hit.excerpt)


def test_a_short_passage_is_quoted_with_the_next_paragraph_and_its_marks() -> None:
    """The fire's report is the passage that matched; its cause is the next paragraph's first
    sentence: the quote runs on into it (within the cap), the passage's own sentences first."""
    report = ("اندلع حريق في عمارة سكنية بحي العوالي في مكة المكرمة صباح اليوم، وباشرت فرق "
              "الدفاع المدني إخماده.")
    cause = "وأوضح المتحدث أن سبب الحريق التماس كهربائي في مفتاح مكيف المطبخ."
    later = "ثم " + "كلام " * 150 + "طويل."
    text = f"{report}\n{cause}\n{later}"
    terms = set(analyze("شو سبب الحريق بالعمارة بحي العوالي بمكة"))
    hit = make_hit(1, 1.0, article(text, len(report)), terms, {t: 1.0 for t in terms})
    assert hit.excerpt == f"{report}\n{cause}", "the next paragraph's sentence, not the long one"
    assert hit.passage == report and hit.focus_text == report
    assert "الحريق" in {hit.excerpt[a:b] for a, b in hit.marks if a > len(report)}


def test_the_passage_s_earlier_sentence_comes_before_the_next_paragraph() -> None:
    permit = ("أفاد بلاغ بتأخر قارب نزهة عن العودة في التصريح الممنوح له لمدة 24 ساعة من مركز "
              "المزروعية.")
    matched = ("وكان القارب المفقود قد أبحر مساء الأربعاء على أن يعود مساء الخميس وعلى متنه "
               "أربعة سعوديين.")
    other = "وتابعت فرق البحث والإنقاذ عملها طوال الليل في عرض البحر قرب الساحل الشرقي. " * 6
    text = f"{permit} {matched}\n{other.strip()}"
    terms = set(analyze("القارب المفقود وعلى متنه اربعة سعوديين"))
    ctx = article(text, len(permit) + 1 + len(matched))
    hit = make_hit(1, 1.0, ctx, terms, {t: 1.0 for t in terms})
    assert hit.focus_text == matched
    assert hit.excerpt.startswith(permit), "the answer before the matched sentence is quoted"
    assert len(hit.excerpt) <= MAX_EXCERPT_CHARS
