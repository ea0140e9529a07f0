"""HTML to paragraphs, Arabic detection and the content hash. All Arabic text is invented."""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from index.cleaning import (
    arabic_ratio,
    content_hash,
    html_to_text,
    is_arabic,
    normalize_text,
    strip_boilerplate,
)

# --- html_to_text ------------------------------------------------------------------------------


def test_paragraph_elements_become_lines() -> None:
    html = (
        "<h2>خبر تجريبي: افتتاح مكتبة</h2>"
        "<p>الفقرة الأولى من النص التجريبي.</p>"
        "<p>سطر أول<br>سطر ثان<br/><br/>سطر ثالث</p>"
        "<ul><li>البند الأول</li><li>البند <b>الثاني</b></li></ul>"
        "<blockquote>اقتباس تجريبي</blockquote>"
    )
    assert html_to_text(html).split("\n") == [
        "خبر تجريبي: افتتاح مكتبة",
        "الفقرة الأولى من النص التجريبي.",
        "سطر أول",
        "سطر ثان",
        "سطر ثالث",
        "البند الأول",
        "البند الثاني",
        "اقتباس تجريبي",
    ]


def test_inline_elements_do_not_break_words() -> None:
    assert html_to_text("<p>مكت<b>بة</b> <a href='#'>المدينة</a><i>!</i></p>") == "مكتبة المدينة!"


def test_noise_elements_are_dropped() -> None:
    html = """<html><head><title>عنوان الصفحة</title><style>p{color:red}</style></head>
    <body><nav>الرئيسية | أخبار</nav><script>var x = "نص برمجي";</script>
    <p>نص الخبر التجريبي.</p>
    <figure><img src="x.jpg"><figcaption>صورة: مصور خيالي</figcaption></figure>
    <aside>اقرأ أيضا</aside><noscript>فعّل جافاسكربت</noscript><!-- تعليق -->
    <p>الفقرة الأخيرة.</p></body></html>"""
    assert html_to_text(html) == "نص الخبر التجريبي.\nالفقرة الأخيرة."


def test_entities_are_decoded_and_whitespace_collapsed() -> None:
    html = "<p>  قال&nbsp;&nbsp;المتحدث:\n\n   &laquo;تجربة&raquo; &amp; اختبار &#1605;  </p>"
    assert html_to_text(html) == "قال المتحدث: «تجربة» & اختبار م"


def test_arabic_text_survives_unchanged() -> None:
    text = "الْعَرَبِيَّةُ لغةٌ جميلة ـــ ١٢٣ ؟ ، ؛"
    assert html_to_text(f"<p>{text}</p>") == text


def test_plain_text_and_empty_input() -> None:
    assert html_to_text("نص بلا وسوم &lt;b&gt;") == "نص بلا وسوم <b>"
    assert html_to_text("") == ""
    assert html_to_text("   \n ") == ""
    assert html_to_text("<p> </p><div><br></div>") == ""


def test_invisible_characters_are_removed() -> None:
    assert html_to_text("<p>كل\u200bمة\ufeff واحدة\u00ad</p>") == "كلمة واحدة"


def test_deeply_nested_html_does_not_hit_the_recursion_limit() -> None:
    html = "<div>" * 5000 + "نص عميق" + "</div>" * 5000
    assert html_to_text(html) == "نص عميق"


def test_normalize_text_keeps_lines_and_drops_blank_ones() -> None:
    assert normalize_text("  أ   ب \n\n\t ج\u00a0 د \n") == "أ ب\nج د"


@given(st.text(max_size=200))
def test_html_to_text_output_is_normalized(html: str) -> None:
    text = html_to_text(html)
    assert text == normalize_text(text)


# --- Arabic detection ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "ratio"),
    [
        ("مرحبا", 1.0),
        ("hello", 0.0),
        ("abcd مرحب", 0.5),  # 4 Latin letters, 4 Arabic letters
        ("123 !؟ ،", 0.0),  # no letters at all
        ("", 0.0),
        ("ﻻ ﺍ", 1.0),  # presentation forms are Arabic script
        ("مَرْحَبًا", 1.0),  # diacritics are not letters and do not dilute the ratio
    ],
)
def test_arabic_ratio(text: str, ratio: float) -> None:
    assert arabic_ratio(text) == pytest.approx(ratio)


def test_is_arabic_threshold() -> None:
    mixed = "خبر تجريبي about a fictional library opening"  # mostly Latin letters
    assert is_arabic("خبر تجريبي عن مكتبة خيالية")
    assert not is_arabic(mixed)
    assert is_arabic(mixed, threshold=0.2)
    assert not is_arabic("Only English here")
    assert not is_arabic("12345")
    assert not is_arabic("", threshold=0.0)


# --- content_hash ----------------------------------------------------------------------------

BASE = "افتتاح مكتبة في مدينة خيالية يوم الاثنين، وأعلنت إدارة المكتبة عن 120 كتابا جديدا."


@pytest.mark.parametrize(
    "variant",
    [
        BASE,
        "  " + BASE.replace(" ", "   \n") + "\n",  # whitespace
        "اِفْتِتَاحُ مكتبةٍ في مدينةٍ خياليةٍ يوم الاثنين، وأعلنت إدارة المكتبة عن 120 كتابا جديدا.",
        BASE.replace("مكتبة", "مكتـــبة"),  # tatweel
        BASE.replace("إدارة", "ادارة").replace("افتتاح", "إفتتاح"),  # alef forms
        BASE.replace("في", "فى"),  # alef maqsura for ya
        BASE.replace("مدينة", "مدينه"),  # ha for ta marbuta
        BASE.replace("120", "١٢٠"),  # Arabic-Indic digits
        "\u200f" + BASE + "\u200e",  # bidi marks
    ],
)
def test_trivial_differences_hash_equal(variant: str) -> None:
    assert content_hash(variant) == content_hash(BASE)


@pytest.mark.parametrize(
    "different",
    [
        BASE.replace("120", "121"),
        BASE.replace("مكتبة", "مدرسة"),
        BASE + " وخبر إضافي.",
        BASE.replace("الاثنين", "الثلاثاء"),
    ],
)
def test_real_differences_hash_differently(different: str) -> None:
    assert content_hash(different) != content_hash(BASE)


def test_content_hash_is_sha256_of_the_normalized_text() -> None:
    expected = hashlib.sha256("ابي مدرسه 7 abc".encode()).hexdigest()
    assert content_hash("  أَبِى\tمدرسـة\n ٧ ABC ") == expected


# ---- outlet boilerplate (index.cleaning.strip_boilerplate) ---------------------------------------

STORY = "أعلنت بلدية الواحة الخيالية افتتاح مكتبة عامة جديدة.\nوتضم المكتبة آلاف الكتب."


@pytest.mark.parametrize(
    "tail",
    [
        "رابط الخبر بصحيفة الواحة: بلدية الواحة تفتتح مكتبة عامة",
        "للتواصل أرسل sms إلى 88548 الاتصالات، 636250 موبايلي، 738303 زين تبدأ بالرمز 211",
        "للتواصل مع الكاتب ارسل رسالة SMS",
        "88591 - Stc",
        "زين تبدأ بالرمز 154 مسافة ثم الرسالة",
        " ...المزيد",
        "مقالات أخرى للكاتبعنوان مقال آخرعنوان ثالث",
    ],
    ids=["link-line", "sms-codes", "sms-contact", "sms-number", "sms-prefix", "more", "columns"],
)
def test_outlet_lines_that_tell_no_story_go(tail: str) -> None:
    assert strip_boilerplate(f"{STORY}\n{tail}") == STORY


@pytest.mark.parametrize(
    "line",
    [
        # news about SMS, a contact sentence without a number, the word «المزيد» in prose
        "بثت غرفة حائل عدداً من الرسائل التوعوية (sms) عن حملة تصحيح الأوضاع.",
        "للتواصل مع الأهالي أطلقت البلدية منصة جديدة للشكاوى.",
        "وطالب الأهالي بالمزيد من الحدائق العامة.",
        # a tag list run onto the last sentence names the article's subjects: kept
        "وإنا لله وإنا إليه راجعون. سمات العريف أحمد المجيشي جثمان شهيد",
    ],
    ids=["sms-news", "contact-prose", "more-prose", "tags"],
)
def test_story_lines_stay(line: str) -> None:
    assert strip_boilerplate(f"{STORY}\n{line}") == f"{STORY}\n{line}"


def test_a_link_line_run_onto_the_last_sentence_goes() -> None:
    text = f"{STORY}\nوقال إنه لغز..!!”. رابط الخبر بصحيفة الواحة: البلدية تفتتح مكتبة"
    assert strip_boilerplate(text) == f"{STORY}\nوقال إنه لغز..!!”."


def test_a_text_that_is_only_boilerplate_is_left_whole() -> None:
    only = "رابط الخبر بصحيفة الواحة: بلدية الواحة تفتتح مكتبة عامة"
    assert strip_boilerplate(only) == only
