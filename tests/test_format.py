"""Rendering answers: console text, JSON, Telegram HTML and its 4096-character split.

Telegram validity is checked with tests/fakes/telegram_html.py, a port of Telegram's own HTML
parser. Every article here is an invented test fixture."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from fakes.telegram_html import parse_html, utf16_len

from bot.format import (
    LRI,
    PDI,
    RLM,
    TELEGRAM_LIMIT,
    format_date,
    html_answer,
    html_hit,
    not_found_text,
    render_text,
    split_blocks,
    to_json,
    visible_length,
)
from bot.texts import (
    ARTICLES,
    LATIN_HINT,
    LATIN_HINT_EN,
    MONTHS,
    NEWS,
    NO_DATE,
    NO_LINK,
    NOT_FOUND,
    PASSAGES,
    PROBLEMS,
    UNKNOWN_SOURCE,
    counted,
    date_range,
)
from index.models import Answer, Hit

PUBLISHED = datetime(2024, 12, 7, tzinfo=UTC)
EXCERPT = "افتتحت بلدية الواحة الخيالية مكتبة عامة جديدة."


def make_hit(rank: int = 1, excerpt: str = EXCERPT, **kw) -> Hit:
    values = {
        "rank": rank,
        "score": 3.14159265,
        "article_id": 5,
        "passage_id": 50 + rank,
        "title": "خبر تجريبي: مكتبة الواحة",
        "source": "صحيفة الواحة",
        "published": PUBLISHED,
        "url": "https://example.test/news/1",
        "passage": excerpt,
        "excerpt": excerpt,
        "marks": (),
        **kw,
    }
    return Hit(**values)


def answer_of(*hits: Hit, query: str = "ماذا افتتحت بلدية الواحة؟") -> Answer:
    return Answer(query=query, tokens=("افتتحت", "بلد", "واح"), hits=hits, total=len(hits))


def span(text: str, word: str) -> tuple[int, int]:
    start = text.index(word)
    return start, start + len(word)


# ---- dates -------------------------------------------------------------------------------------


def test_format_date() -> None:
    assert format_date(datetime(2024, 12, 7, tzinfo=UTC)) == "7 ديسمبر 2024"
    assert format_date(datetime(2025, 1, 31)) == "31 يناير 2025"
    assert format_date(None) == NO_DATE
    assert len(set(MONTHS)) == 12


# ---- console text and JSON ---------------------------------------------------------------------


def test_render_text_numbers_quotes_and_attributes() -> None:
    hit = make_hit(marks=(span(EXCERPT, "بلدية"), span(EXCERPT, "مكتبة")))
    text = render_text(answer_of(hit, make_hit(2, url=None, source=None, published=None)))
    first, second = text.split("\n\n")
    assert first.startswith("1. ❝افتتحت «بلدية» الواحة الخيالية «مكتبة» عامة جديدة.❞")
    assert "خبر تجريبي: مكتبة الواحة · صحيفة الواحة · 7 ديسمبر 2024" in first
    assert "https://example.test/news/1" in first
    assert second.startswith("2. ❝" + EXCERPT + "❞")
    assert UNKNOWN_SOURCE in second and NO_DATE in second and NO_LINK in second


def test_render_text_bold_markers_are_configurable() -> None:
    hit = make_hit(marks=(span(EXCERPT, "مكتبة"),))
    assert "\033[1mمكتبة\033[0m" in render_text(answer_of(hit), bold=("\033[1m", "\033[0m"))


def test_not_found_texts() -> None:
    arabic = Answer(query="ما هو سعر الذهب اليوم؟", tokens=("سعر", "ذهب", "يوم"))
    latin = Answer(query="what is the price of gold", tokens=("what", "price", "gold"))
    problem = Answer(query="", tokens=(), problem="empty")
    assert render_text(arabic).startswith(NOT_FOUND) and LATIN_HINT not in render_text(arabic)
    assert LATIN_HINT in render_text(latin) and LATIN_HINT_EN in render_text(latin)
    # Latin with an Arabic word in it is not told to write in Arabic
    mixed = Answer(query="Daraa درعا", tokens=("daraa", "درعا"))
    assert LATIN_HINT not in not_found_text(mixed)
    assert render_text(problem) == PROBLEMS["empty"]
    too_long = Answer(query="د" * 1500, tokens=(), problem="too_long")
    assert "1500" in render_text(too_long)


def test_to_json_shape() -> None:
    hit = make_hit(published=datetime(2024, 12, 7, 9, 0, tzinfo=UTC))
    data = to_json(answer_of(hit))
    assert set(data) == {"query", "normalized_tokens", "answers", "direct_answer"}
    assert data["direct_answer"] is None  # this Answer holds none
    assert data["normalized_tokens"] == ["افتتحت", "بلد", "واح"]
    (item,) = data["answers"]
    assert item == {
        "rank": 1,
        "score": 3.141593,
        "article_id": 5,
        "title": "خبر تجريبي: مكتبة الواحة",
        "source": "صحيفة الواحة",
        "published": "2024-12-07",
        "url": "https://example.test/news/1",
        "passage": EXCERPT,
        "excerpt": EXCERPT,
        "also": [],
    }
    assert json.loads(json.dumps(data, ensure_ascii=False)) == data
    none = to_json(answer_of(make_hit(published=None, source=None, url=None)))
    assert none["answers"][0]["published"] is None
    empty = to_json(Answer(query=" ", tokens=(), problem="empty"))
    assert empty["answers"] == [] and empty["error"] == PROBLEMS["empty"]


# ---- Telegram HTML -----------------------------------------------------------------------------


def test_html_escapes_titles_excerpts_and_urls() -> None:
    excerpt = 'قال المسؤول <script>alert("x")</script> إن المكتبة & الحديقة جاهزتان'
    hit = make_hit(
        excerpt=excerpt,
        title="<b>عنوان</b> & <i>مائل",
        source="<صحيفة>",
        url='https://example.test/a?x=1&y="2"',
        marks=(span(excerpt, "المكتبة"),),
    )
    (message,) = html_answer(answer_of(hit, query="<i>سؤال</i>"))
    assert "<script>" not in message and "&lt;script&gt;" in message
    assert "&lt;b&gt;عنوان&lt;/b&gt; &amp; &lt;i&gt;مائل" in message
    assert "&lt;صحيفة&gt;" in message
    assert 'href="https://example.test/a?x=1&amp;y=&quot;2&quot;"' in message
    assert "&lt;i&gt;سؤال&lt;/i&gt;" in message
    parsed = parse_html(message)  # raises on anything Telegram would refuse
    assert excerpt in parsed.text
    links = [e for e in parsed.entities if e["type"] == "text_link"]
    assert [link["url"] for link in links] == ['https://example.test/a?x=1&y="2"']


def test_marks_become_bold() -> None:
    hit = make_hit(marks=(span(EXCERPT, "بلدية"), span(EXCERPT, "مكتبة")))
    block = html_hit(hit)
    assert "<b>بلدية</b>" in block and "<b>مكتبة</b>" in block
    parsed = parse_html(block)
    bold = [
        parsed.text.encode("utf-16-le")[2 * e["offset"] : 2 * (e["offset"] + e["length"])]
        .decode("utf-16-le")
        for e in parsed.entities
        if e["type"] == "bold"
    ]
    assert bold == ["بلدية", "مكتبة"]
    assert any(e["type"] == "blockquote" for e in parsed.entities)


def test_rank_is_isolated_for_rtl() -> None:
    block = html_hit(make_hit(7))
    assert block.startswith(f"{RLM}{LRI}[7]{PDI}\n")
    assert f"{RLM}📰 " in block


def test_not_found_html_is_escaped_arabic() -> None:
    (message,) = html_answer(Answer(query="<b>x</b>", tokens=("x",)))
    assert message.startswith(NOT_FOUND)
    assert LATIN_HINT in message
    parse_html(message)


def test_visible_length_counts_utf16_units_after_entities() -> None:
    assert visible_length("<b>درعا</b>") == 4
    assert visible_length("&lt;&amp;&gt;") == 3
    assert visible_length("😀") == 2 == utf16_len("😀")
    assert visible_length('<a href="https://example.test/">رابط</a>') == 4


LONG = ("افتتحت بلدية الواحة الخيالية مكتبة & حديقة <جديدة> 😀 " * 20).strip()


def test_many_long_results_split_at_result_boundaries() -> None:
    hits = [
        make_hit(k, excerpt=f"({k}) {LONG}", marks=((0, 3), (10, 15)), title=f"عنوان {k}")
        for k in range(1, 13)
    ]
    messages = html_answer(answer_of(*hits))
    assert len(messages) > 1
    for message in messages:
        parsed = parse_html(message)  # balanced, valid tags in every message
        assert utf16_len(parsed.text) <= TELEGRAM_LIMIT
        assert visible_length(message) == utf16_len(parsed.text)
    # every result appears whole in exactly one message, in order
    where = []
    for hit in hits:
        block = html_hit(hit)
        holders = [i for i, m in enumerate(messages) if block in m]
        assert len(holders) == 1, f"result {hit.rank} in messages {holders}"
        marker = f"{LRI}[{hit.rank}]{PDI}"
        assert sum(m.count(marker) for m in messages) == 1
        where.append(holders[0])
    assert where == sorted(where)
    assert "نتائج عن" in messages[0]


def test_split_blocks_packs_greedily() -> None:
    blocks = ["أ" * 1000, "ب" * 1000, "ج" * 1000, "د" * 1000, "ه" * 1000]
    messages = split_blocks(blocks)
    assert messages == ["\n\n".join(blocks[:4]), blocks[4]]  # 4 × 1000 + 3 × 2 = 4006
    assert split_blocks([]) == []


@pytest.mark.parametrize(
    "text",
    [
        "كلمة " * 2000,
        "😀" * 3000,  # 6000 UTF-16 units, cut must not split a surrogate pair
        "&amp;" * 5000,
        ("درعا & دمشق " * 600),
    ],
    ids=["words", "emoji", "entities", "mixed"],
)
def test_single_block_over_the_limit_is_cut_with_tags_closed(text: str) -> None:
    escaped = text if text.startswith("&amp;") else text.replace("&", "&amp;")
    block = f'{RLM}<blockquote><b>{escaped}</b></blockquote>\n<a href="https://example.test/">م</a>'
    assert visible_length(block) > TELEGRAM_LIMIT
    (message,) = split_blocks([block])
    parsed = parse_html(message)
    assert utf16_len(parsed.text) <= TELEGRAM_LIMIT
    assert utf16_len(parsed.text) > TELEGRAM_LIMIT - 200, "the cut keeps most of the text"
    assert parsed.text.endswith("…")
    assert message.endswith("…</b></blockquote>")
    assert {e["type"] for e in parsed.entities} == {"blockquote", "bold"}


def test_long_block_between_short_ones_keeps_order() -> None:
    blocks = ["أول", "ب" * 5000, "آخر"]
    messages = split_blocks(blocks)
    assert len(messages) == 3
    assert messages[0] == "أول" and messages[2] == "آخر"
    assert visible_length(messages[1]) <= TELEGRAM_LIMIT and messages[1].endswith("…")



# ---- bidi controls from outside ---------------------------------------------------------------

RLO, PDF, LRE = "\u202e", "\u202c", "\u202a"
OUTSIDE_BIDI = [chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))]


def test_bidi_controls_in_titles_sources_and_questions_are_neutralised() -> None:
    hit = make_hit(
        title=f"خبر {RLO}evil{PDF} عاجل", source=f"{LRI}وكالة{PDI}",
        excerpt=f"افتتحت البلدية {LRE}مكتبة{PDF} عامة",
    )
    answer = answer_of(hit, query=f"ماذا افتتحت {RLO}البلدية؟")
    html_text = "".join(html_answer(answer))
    # naba's own isolates around «[1]» are the only ones left
    assert html_text.count(LRI) == html_text.count(PDI) == 1
    assert not any(c in html_text for c in OUTSIDE_BIDI if c not in (LRI, PDI))
    plain = render_text(answer)
    assert not any(c in plain for c in OUTSIDE_BIDI)
    assert "مكتبة" in plain and "evil" in plain


# ---- Arabic counts ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("n", "expected"),
    [
        (0, "0 أخبار"),
        (1, "خبر واحد"),
        (2, "خبران"),
        (3, "3 أخبار"),
        (10, "10 أخبار"),
        (11, "11 خبرًا"),
        (99, "99 خبرًا"),
        (100, "100 خبر"),
        (101, "101 خبر"),
        (103, "103 أخبار"),
        (111, "111 خبرًا"),
        (200, "200 خبر"),
        (1000, "1000 خبر"),
        (11922, "11922 خبرًا"),
    ],
)
def test_counted_nouns_follow_arabic_number_rules(n: int, expected: str) -> None:
    assert counted(n, NEWS) == expected


def test_counted_works_for_each_noun_and_ranges_of_one_day() -> None:
    assert counted(1, ARTICLES) == "مقال واحد" and counted(12, PASSAGES) == "12 مقطعًا"
    assert counted(5, PASSAGES) == "5 مقاطع" and counted(2, ARTICLES) == "مقالان"
    assert date_range("7 ديسمبر 2024", "7 ديسمبر 2024") == "في 7 ديسمبر 2024"
    assert date_range("1 أغسطس 2015", "9 أغسطس 2015") == "بين 1 أغسطس 2015 و9 أغسطس 2015"


# ---- the direct answer line ---------------------------------------------------------------------


@pytest.mark.parametrize("shown", [True, False])
def test_the_direct_answer_is_shown_above_the_quotes_only_when_confident(shown: bool) -> None:
    from bot.texts import DIRECT_FROM
    from index.models import DirectAnswer

    direct = DirectAnswer("7 <كانون> الأول 2024", "date", 1, shown=shown)
    answer = Answer(query="متى افتتحت المكتبة؟", tokens=("افتتحت",), hits=(make_hit(),),
                    total=1, direct=direct)
    first = html_answer(answer)[0]
    console = render_text(answer)
    line = f"📌 <b>7 &lt;كانون&gt; الأول 2024</b> — {DIRECT_FROM.format(rank=1)}"
    assert (line in first) is shown  # escaped, in bold, naming the quote it came from
    assert ("📌 7 <كانون> الأول 2024" in console) is shown
    assert first.index("📌") < first.index("<blockquote>") if shown else "📌" not in first
    assert to_json(answer)["direct_answer"]["shown"] is shown


def test_a_relative_day_is_shown_as_its_date_with_the_article_s_words() -> None:
    from datetime import date

    from bot.texts import DIRECT_FROM
    from index.models import DirectAnswer

    direct = DirectAnswer("أمس", "date", 1, shown=True, day=date(2015, 8, 7))
    answer = Answer(query="امتى؟", tokens=("امتى",), hits=(make_hit(),), total=1, direct=direct)
    line = f"📌 <b>7 أغسطس 2015</b> («أمس») — {DIRECT_FROM.format(rank=1)}"
    assert line in html_answer(answer)[0]
    assert to_json(answer)["direct_answer"]["date"] == "2015-08-07"
