"""index.normalize: one table per rule, the month equivalence, hostile input, offsets."""

from __future__ import annotations

import dataclasses
import itertools
import random
import time

import pyarabic.araby as araby
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from index import normalize as nz
from index.normalize import (
    ANALYZER_VERSION,
    ANALYZERS,
    DEFAULT_ANALYZER,
    LIGHT10,
    NABA_STEMMER,
    STOPWORDS,
    Token,
    analyze,
    analyze_spans,
    normalize,
    tokenize,
)

# --- 1. tashkeel and tatweel -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("مَتَى", "متي"),  # fatha
        ("الْعَرَبِيَّةُ", "العربيه"),  # sukun, kasra, shadda, damma
        ("كِتَابٌ", "كتاب"),  # dammatan
        ("مَاءً", "ماء"),  # fathatan (on a final alef it also drops the alef: see 6b)
        ("سَلَامٍ", "سلام"),  # kasratan
        ("الرَّحْمٰن", "الرحمن"),  # superscript (dagger) alef
        ("درعـــا", "درعا"),  # tatweel
        ("مُـحَـمَّـدٌ", "محمد"),  # both at once
    ],
)
def test_tashkeel_and_tatweel_are_stripped(text: str, expected: str) -> None:
    assert normalize(text) == expected
    assert tokenize(text) == [expected]


@pytest.mark.parametrize("word", ["أَعْلَنَتْ", "مُؤْتَمَرٌ", "رَئِيسٌ", "عَلَى", "درعـــا"])
def test_stripping_agrees_with_pyarabic(word: str) -> None:
    stripped = araby.strip_tatweel(araby.strip_tashkeel(word))
    assert normalize(word) == normalize(stripped)
    assert not set(normalize(word)) & {*araby.TASHKEEL, araby.TATWEEL}


# --- 2. alef, hamza, yeh and teh marbuta -------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("أعلنت", "اعلنت"),  # أ → ا
        ("إلى", "الي"),  # إ → ا and ى → ي
        ("آخر", "اخر"),  # آ → ا
        ("ٱلله", "الله"),  # alef wasla → ا
        ("مؤتمر", "موتمر"),  # ؤ → و
        ("رئيس", "رييس"),  # ئ → ي
        ("على", "علي"),  # ى → ي (not ا, as pyarabic's normalize_alef would)
        ("مدرسة", "مدرسه"),  # ة → ه
        ("سماء", "سماء"),  # a bare hamza stays (normalize_hamza's أ → ء is not used)
        ("ا\u0654علن", "اعلن"),  # decomposed hamza above, as from some keyboards
        ("ﻻ", "لا"),  # presentation-form ligature, via NFKC
        ("فارسی کتاب", "فارسي كتاب"),  # Persian yeh and keheh
    ],
)
def test_letter_forms_fold(text: str, expected: str) -> None:
    assert normalize(text) == expected
    assert tokenize(text) == expected.split()


# --- 3. digits ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("٢٠٢٤", ["2024"]),  # Arabic-Indic
        ("۱۴۰۳", ["1403"]),  # Persian
        ("٧ ديسمبر", ["7", "ديسمبر"]),
        ("2024م", ["2024", "م"]),  # digits and letters split apart
        ("و٢٠٠٢", ["و", "2002"]),
        ("3.5%", ["3", "5"]),
    ],
)
def test_digits_become_ascii(text: str, expected: list[str]) -> None:
    assert tokenize(text) == expected


# --- 4. separators, Latin, emoji ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("دمشق، حلب؛ حمص؟", ["دمشق", "حلب", "حمص"]),
        ("«درعا» “إدلب” (حماة) - طرطوس!", ["درعا", "ادلب", "حماه", "طرطوس"]),
        ("قال: نعم... لا", ["قال", "نعم", "لا"]),
        ("BBC News عربي", ["bbc", "news", "عربي"]),
        ("COVID-19", ["covid", "19"]),
        ("دمشق 🇸🇾 حرة 🎉", ["دمشق", "حره"]),
        ("مرحبا😀عالم", ["مرحبا", "عالم"]),
        ("دمشق\u200bحلب", ["دمشق", "حلب"]),  # zero-width space is a break
        ("دم\u200cشق", ["دمشق"]),  # zero-width non-joiner is not
    ],
)
def test_punctuation_separates_latin_is_kept_emoji_dropped(text: str, expected: list[str]) -> None:
    assert tokenize(text) == expected


def test_punctuation_is_never_a_token() -> None:
    marks = "، ؛ ؟ « » “ ” . , ! ? : ; ( ) [ ] - – — … ٪ ٫ ٬ ۔ / \\ \" '"
    assert tokenize(marks) == []
    for name in ANALYZERS:
        if name != "none":
            assert analyze(marks, name) == []


# --- 5. stopwords ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "word",
    ["متى", "ما", "من", "هل", "كيف", "أين", "اين", "لماذا", "كم", "ماذا", "ماهو", "ماهي", "أي"],
)
def test_question_words_are_stopwords(word: str) -> None:
    assert analyze(word) == []
    assert analyze(word, "normalize") != []


@pytest.mark.parametrize(
    "word", ["في", "فى", "على", "إلى", "الى", "عن", "الذي", "التي", "هذه", "وهو", "كانت", "و", "م"]
)
def test_function_words_and_lone_letters_are_stopwords(word: str) -> None:
    assert analyze(word) == []


def test_stopwords_are_in_normalized_form() -> None:
    assert all(normalize(w) == w for w in STOPWORDS)


@pytest.mark.parametrize(
    ("stop", "content"),
    [("على", "علي"), ("إلى", "آلي")],  # on / Ali, to / automatic
)
def test_content_words_spelled_like_a_normalized_stopword_survive(stop: str, content: str) -> None:
    assert analyze(stop) == []
    assert analyze(content) != []


def test_a_question_keeps_only_its_content() -> None:
    assert analyze(" - متى سقطت دمشق؟ ") == ["سقطت", "دمشق"]
    assert analyze("ما هي عاصمة سوريا؟") == ["عاصم", "سوريا"]


# --- 6. light stemming -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("word", "light10", "default"),
    [
        ("الكتاب", "كتاب", "كتاب"),  # ال
        ("والمدرسات", "مدرس", "مدرس"),  # وال … ات
        ("بالكتاب", "كتاب", "كتاب"),  # بال
        ("كالبحر", "بحر", "بحر"),  # كال
        ("فالعلم", "علم", "علم"),  # فال
        ("للطلاب", "طلاب", "طلاب"),  # لل
        ("وكتب", "كتب", "كتب"),  # و
        ("كتابها", "كتاب", "كتاب"),  # ها
        ("المعلمون", "معلم", "معلم"),  # ون
        ("المهندسين", "مهندس", "مهندس"),  # ين
        ("فلسطينية", "فلسطين", "فلسطين"),  # ية (normalized to يه)
        ("مدرسة", "مدرس", "مدرس"),  # ة (normalized to ه)
        ("عربي", "عرب", "عرب"),  # ي
        ("عاصمتها", "عاصمت", "عاصم"),  # default: the ت left by ها is a tied ة
        ("سياراتها", "سيار", "سيار"),  # … but ات is a plural, not a tied ة
        ("لمصر", "لمصر", "مصر"),  # default: a bare ل is the preposition
        ("تقع", "تقع", "تقع"),  # the imperfect ت stays (it hit nouns); roots join تقع/يقع
        ("سكان", "سك", "سكان"),  # default: stems keep three letters
    ],
)
def test_light_stemming(word: str, light10: str, default: str) -> None:
    assert LIGHT10(normalize(word)) == light10
    assert NABA_STEMMER(normalize(word)) == default


@pytest.mark.parametrize(
    "word",
    [
        "وصل",  # و must leave three letters: a root that starts with و keeps it
        "الم",  # ال must leave two (light10) or three (default) letters
        "بيت",  # the ت of a three-letter word is a root letter, not a tied ة
        "لعب",  # a bare ل must leave three letters
        "تل",  # a two-letter word is never touched
    ],
)
def test_length_guards_keep_short_words_whole(word: str) -> None:
    assert LIGHT10(word) == word
    assert NABA_STEMMER(word) == word


@pytest.mark.parametrize(
    "forms",
    [
        ("عاصمة", "العاصمة", "عاصمتها", "وعاصمته"),
        ("مصر", "لمصر", "ومصر"),
        ("الكتب", "وكتب", "بالكتب"),
        ("حكومة", "الحكومة", "حكومته", "حكومتهم", "حكومتنا", "وحكومتكم"),
        ("تصريحات", "التصريحات", "تصريحاته", "تصريحاتها", "تصريحاتهم"),
        ("حياة", "الحياة", "حياته", "حياتها", "حياتهم", "وحياتهن", "لحياتنا"),
        ("مباراة", "المباراة", "مباراته", "مباراتها", "مباراتهم"),
        ("وفاة", "الوفاة", "وفاته", "وفاتها"),
        ("بيوت", "البيوت", "بيوتهم", "بيوتها"),
        ("جهة", "الجهة", "جهته", "جهتها", "جهتهم"),
        ("خطة", "الخطة", "خطته", "خطتها", "خطتنا"),
        # a name whose «ين» is its own, and its nisba (index.lexicon.OWN_YEH_NOON_WORDS)
        ("فلسطين", "لفلسطين", "فلسطيني", "الفلسطينيين", "الفلسطينيون", "فلسطينية"),
        ("البحرين", "للبحرين", "والبحرين", "بحريني", "البحرينية"),
    ],
)
def test_inflected_forms_share_one_term(forms: tuple[str, ...]) -> None:
    assert len({tuple(analyze(f)) for f in forms}) == 1


@pytest.mark.parametrize(
    ("name", "other"),
    [
        ("البحرين", "البحر"),  # Bahrain, the sea
        ("شاهين", "الشاه"),  # a surname, the Shah
        ("نسرين", "نسر"),  # a first name, an eagle
        ("برلين", "برل"),
        ("واشنطن", "اشنطن"),  # its «و» is no conjunction
        ("ليفربول", "يفربول"),  # nor its «ل» a preposition
    ],
)
def test_a_name_keeps_what_looks_like_an_affix(name: str, other: str) -> None:
    assert analyze(name) == [normalize(name).removeprefix("ال")]
    assert analyze(name) != analyze(other)


# --- 6b. defects of the first analyzer, each fixed (issue: "Answer the questions real readers
# type"); the first column is what it did, kept to show what each row guards against.


@pytest.mark.parametrize(
    ("word", "was", "now"),
    [
        # the imperfect-ت rule rewrote nouns
        ("تونس", "يونس", "تونس"),
        ("تركيا", "يركيا", "تركيا"),
        ("تاريخ", "ياريخ", "تاريخ"),
        ("تحرير", "يحرير", "تحرير"),
        # «ال» that belongs to the word was stripped, and inconsistently
        ("التماس", "يماس", "التماس"),
        ("الالتماس", "التماس", "التماس"),
        ("ألمانيا", "مانيا", "المانيا"),
        ("لألمانيا", "المانيا", "المانيا"),
        ("الالتزام", "التزام", "التزام"),
        ("التزام", "يزام", "التزام"),
        # suffixes came off before the ل prefix was seen
        ("لسكان", "لسك", "سكان"),
        ("سكان", "سكان", "سكان"),
        ("للجنة", "جنه", "لجن"),  # … and a word that begins with ل keeps it
        ("اللجنة", "لجن", "لجن"),
        ("لليبيا", "يبيا", "ليبيا"),
        ("ليرة", "يره", "لير"),  # the lira lost its ل as a preposition (found by a price test)
        ("ليرات", "يرات", "لير"),
        # tanween alef stayed
        ("متراً", "مترا", "متر"),
        ("مترًا", "مترا", "متر"),
        ("نائباً", "نايبا", "نايب"),
        ("اعتصاماً", "اعتصاما", "اعتصام"),
        # pronoun suffixes هم/هن/كم stayed glued
        ("تأشيراتهم", "تاشيراته", "تاشير"),
        ("بيوتهن", "بيوته", "بيوت"),
        ("حقوقكم", "حقوقك", "حقوق"),
        # a root-initial و was stripped from some words and not others
        ("وصول", "صول", "وصول"),
        ("وصل", "وصل", "وصل"),
        ("وزارة", "زار", "وزار"),
        ("الوزارة", "وزار", "وزار"),
        ("ووزارة", "وزاره", "وزار"),
        # the dual «-ان» came off names and masdars far more often than off a dual (session
        # 5): Taliban read as students, Sudan as black, Iran as «اير»
        ("طالبان", "طالب", "طالبان"),
        ("السودان", "سود", "سودان"),
        ("إيران", "اير", "ايران"),
        ("سلمان", "سلم", "سلمان"),
        ("البرلمان", "برلم", "برلمان"),
        ("الطيران", "طير", "طيران"),
        # session 16: a pronoun's ت is a tied ة after هم/هن/كم as after ها/ه, and after «نا»
        ("حكومتهم", "حكومت", "حكوم"),
        ("سيارتهم", "سيارت", "سيار"),
        ("حكومتنا", "حكومتنا", "حكوم"),
        ("مملكتنا", "مملكتنا", "مملك"),
        ("خدماتنا", "خدماتنا", "خدم"),
        ("بيتنا", "بيتنا", "بيت"),  # a three-letter stem keeps its ت
        # … a plural's ات before «ه» stayed, while «ها» and «هم» took it off
        ("تصريحاته", "تصريحات", "تصريح"),
        ("عملياته", "عمليات", "عمل"),
        # … a ـاة noun (index.lexicon.TIED_AH_WORDS) read as a plural, or lost its و
        ("حياته", "حيات", "حيا"),
        ("مباراتها", "مبار", "مبارا"),
        ("وفاته", "فات", "وفا"),
        ("قضاته", "قضات", "قضا"),
        ("بوفاته", "بوفات", "بوفا"),  # as «بوفاة»: the glued ب is the query side's
        # … and a root ت (index.lexicon.ROOT_TEH_WORDS) went as if tied
        ("بيوتها", "بيو", "بيوت"),
        # … and a two-letter stem kept its ة's ت (index.lexicon.SHORT_TIED_WORDS)
        ("جهته", "جهت", "جهه"),
        ("ثقتهم", "ثقتهم", "ثقه"),
        ("قوتنا", "قوتنا", "قوه"),
        # … and «والد» with a pronoun lost «وال» as if it were «و» + «ال»
        ("والدته", "دته", "والد"),
        ("والدها", "دها", "والد"),
        ("بوالدته", "بوالد", "والد"),
    ],
)
def test_first_analyzer_defects_are_fixed(word: str, was: str, now: str) -> None:
    assert analyze(word) == [now], f"{word}: was {was}"


@pytest.mark.parametrize(
    ("word", "term"),
    [
        ("غانا", "غانا"),  # «نا» comes off only after a tied ت
        ("كورونا", "كورونا"),
        ("ذاته", "ذات"),  # ات that would leave too little stays
        ("جناته", "جنات"),  # gardens («فسيح جناته»): not listed as a ـاة noun
        ("بناته", "بنات"),  # daughters
        ("الكويتيين", "كويت"),  # a nisba's ت is no pronoun's
        ("شنتها", "شنت"),  # a verb's feminine ت: «شنّت» as it is indexed
        ("بيته", "بيت"),
        ("والدين", "دين"),  # «و» + «الدين» (and the religion), as before: no pronoun
    ],
)
def test_pronoun_rules_leave_other_words_alone(word: str, term: str) -> None:
    assert analyze(word) == [term]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("<b>درعا</b>", ["درعا"]),  # markup letters were searched as words («b»)
        ("<a href='x'>حمص</a> &amp; &#1583;", ["حمص"]),
        ("a < b > c", ["a", "b", "c"]),  # a bare < is not a tag
    ],
)
def test_markup_is_not_words(text: str, expected: list[str]) -> None:
    assert analyze(text) == expected
    assert [t.term for t in analyze_spans(text)] == expected


def test_markup_keeps_offsets() -> None:
    text = "<b>درعا</b> تحررت"
    spans = analyze_spans(text)
    assert [text[t.start : t.end] for t in spans] == ["درعا", "تحررت"]


@pytest.mark.parametrize(
    "text",
    [
        "بغداد", "بيروت", "بيان", "سياسة", "سنوات", "حرب", "هجوم", "لبنان", "ليبيا",
    ],
)
def test_letters_that_look_like_particles_stay_on_words(text: str) -> None:
    """Glued ب, future س and colloquial ح/ه are left to the query side (index.query): here
    they would cut real words."""
    (term,) = analyze(text)
    assert term[0] == normalize(text)[0]


@pytest.mark.parametrize("text", ["2024", "١٩٥٨", "islands", "Reuters"])
def test_digits_and_latin_are_not_stemmed(text: str) -> None:
    assert analyze(text) == tokenize(text)


# --- 7. months ---------------------------------------------------------------------------------

_MONTHS = {
    1: ["كانون الثاني", "يناير", "جانفي", "January"],
    2: ["شباط", "فبراير", "فيفري", "February"],
    3: ["آذار", "مارس", "March"],
    4: ["نيسان", "أبريل", "ابريل", "إبريل", "أفريل", "April"],
    5: ["أيار", "مايو", "ماي", "May"],
    6: ["حزيران", "يونيو", "يونيه", "جوان", "June"],
    7: ["تموز", "يوليو", "يوليوز", "جويلية", "July"],
    8: ["آب", "أغسطس", "اغسطس", "أوت", "August"],
    9: ["أيلول", "سبتمبر", "September"],
    10: ["تشرين الأول", "أكتوبر", "October"],
    11: ["تشرين الثاني", "نوفمبر", "November"],
    12: ["كانون الأول", "ديسمبر", "December"],
}


@pytest.mark.parametrize(
    ("number", "name"), [(n, name) for n, names in _MONTHS.items() for name in names]
)
def test_every_month_name_is_one_token(number: int, name: str) -> None:
    assert analyze(f"7 {name} 2024") == ["7", f"month{number:02d}", "2024"]


def test_three_naming_systems_analyze_alike() -> None:
    expected = ["7", "month12", "2024"]
    assert analyze("7 ديسمبر 2024") == expected
    assert analyze("٧ كانون الأول ٢٠٢٤") == expected
    assert analyze("7 December 2024") == expected
    assert analyze("السبت 7 كانون الأول 2024") == analyze("السبت 7 ديسمبر 2024")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("تشرين الثاني", ["month11"]),  # no الثاني left behind
        ("تشرين ثاني", ["month11"]),  # Levantine, without ال
        ("وكانون الأول", ["month12"]),  # glued و
        ("بديسمبر", ["month12"]),  # glued ب
        ("في كانون", ["كان"]),  # a head alone is a word like any other (light10 takes ون)
        ("كانون كانون الثاني", ["كان", "month01"]),
        ("الفصل الأول", ["فصل", "اول"]),  # الأول without a head is just a word
        ("أب", ["اب"]),  # «father», not August: only آب with madda is the month
        ("7 آب", ["7", "month08"]),
        ("تموز وآب", ["month07", "month08"]),
        ("باب", ["باب"]),  # «door»: ب + اب is not a glued August
    ],
)
def test_month_edge_cases(text: str, expected: list[str]) -> None:
    assert analyze(text) == expected


def test_two_word_month_span_covers_both_words() -> None:
    text = "في 7 كانون الأول 2024"
    month = next(t for t in analyze_spans(text) if t.term == "month12")
    assert text[month.start : month.end] == "كانون الأول"


def test_tokenize_does_not_fold_months() -> None:
    assert tokenize("كانون الأول") == ["كانون", "الاول"]


# --- hostile input -----------------------------------------------------------------------------

_HOSTILE = [
    "",
    "   \n\t  ",
    "\u064e\u064f\u0650\u0651\u0652",  # only diacritics
    "ـــــ",  # only tatweel
    "😀🎉🇸🇾👍🏽",  # only emoji
    "\u200f\u200e\u202b\ufeff",  # only bidi marks and BOM
    "Hello, World!",
    "<p class='x'>دمشق <b>حرة</b></p><script>alert(1)</script>",
    "'; DROP TABLE passages; -- ",
    "\u202bدمشق\u202c Damascus \u200fحلب\u200f Aleppo",  # mixed RTL/LTR with bidi controls
    "\x00\x01\x7f\ud7ff\uffff",
    "ﷺ ﷲ",  # ligatures that NFKC expands to several words
]


@pytest.mark.parametrize("text", _HOSTILE)
@pytest.mark.parametrize("analyzer", list(ANALYZERS))
def test_hostile_input_never_raises(text: str, analyzer: str) -> None:
    terms = analyze(text, analyzer)
    assert terms == [t.term for t in analyze_spans(text, analyzer)]
    assert all(t and not any(c.isspace() for c in t) for t in terms)


@pytest.mark.parametrize("text", _HOSTILE[:6])
def test_nothing_to_say_gives_no_terms(text: str) -> None:
    assert analyze(text) == []
    assert tokenize(text) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Hello, World!", ["hello", "world"]),
        ("<b>دمشق</b>", ["دمشق"]),  # markup is not words
        ("'; DROP TABLE passages; --", ["drop", "table", "passages"]),
        ("\u202bدمشق\u202c Damascus \u200fحلب\u200f", ["دمشق", "damascus", "حلب"]),
    ],
)
def test_hostile_input_gives_sensible_terms(text: str, expected: list[str]) -> None:
    assert analyze(text) == expected


def _arabic_text(n_chars: int, seed: int) -> str:
    rng = random.Random(seed)
    words = ["أعلنت", "غرفة", "عمليات", "الجنوب", "اليوم", "السبت", "تحرير", "محافظة", "درعا"]
    words += ["بالكامل", "من", "سيطرة", "قوات", "٢٠٢٤", "كانون الأول", "،", "؟", "😀", "Reuters"]
    words += ["مَتَى", "درعـــا"]
    out: list[str] = []
    while sum(map(len, out)) < n_chars:
        out.append(rng.choice(words))
    return " ".join(out)[:n_chars]


def test_ten_thousand_characters_are_fast() -> None:
    text = _arabic_text(10_000, seed=1)
    terms = analyze(text)
    assert len(terms) > 1000
    started = time.perf_counter()
    for _ in range(20):
        analyze(text)
    # ~1,500 terms per run: 20 runs in 2 s is 15k terms/s, a tenth of the speed on a slow laptop;
    # only a pathological slowdown (regex backtracking, a lost cache) fails this.
    assert time.perf_counter() - started < 2.0


# --- spans -------------------------------------------------------------------------------------


def test_spans_slice_the_original_words() -> None:
    text = "أَعلنت غرفةُ العمليات، اليوم ٧ كانون الأول ٢٠٢٤م: «تحرير درعـــا»!"
    got = [(t.term, text[t.start : t.end]) for t in analyze_spans(text)]
    assert got == [
        ("اعلنت", "أَعلنت"),
        ("غرف", "غرفةُ"),
        ("عمل", "العمليات"),
        ("يوم", "اليوم"),
        ("7", "٧"),
        ("month12", "كانون الأول"),
        ("2024", "٢٠٢٤"),
        ("تحرير", "تحرير"),
        ("درعا", "درعـــا"),
    ]


@pytest.mark.parametrize("analyzer", ["normalize", "stopwords", "light"])
def test_each_span_is_one_word_whose_normalized_form_holds_the_term(analyzer: str) -> None:
    text = _arabic_text(2_000, seed=2)
    for token in analyze_spans(text, analyzer):
        source = text[token.start : token.end]
        assert source.strip() == source and " " not in source
        assert token.term in normalize(source)


def test_token_is_a_frozen_value() -> None:
    token = Token("دمشق", 0, 4)
    assert token == Token("دمشق", 0, 4)
    with pytest.raises(dataclasses.FrozenInstanceError):
        token.term = "حلب"  # type: ignore[misc]


_ALPHABET = st.sampled_from(
    list("ابتثجحخدذرزسشصضطظعغفقكلمنهويءأإآؤئىةٱ")
    + list("\u064b\u064c\u064d\u064e\u064f\u0650\u0651\u0652\u0670\u0640")
    + list("٠١٢٣٤٥٦٧٨٩۰۱0123456789")
    + list(" \n\t،؛؟«»“”.,!-()")
    + list("abcXYZéß")
    + ["😀", "\u200f", "\u200c", "\u200b", "ﻻ", "ﷺ", "①"]
    + ["كانون", " كانون ", "تشرين", " الأول ", " الثاني ", "ديسمبر", "آب", " و"]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_ALPHABET, max_size=60).map("".join))
def test_terms_and_spans_agree_on_any_text(text: str) -> None:
    for name in ANALYZERS:
        spans = analyze_spans(text, name)
        assert analyze(text, name) == [t.term for t in spans]
        assert all(0 <= t.start < t.end <= len(text) for t in spans)
        assert all(a.start <= b.start for a, b in itertools.pairwise(spans))
        assert all(t.term for t in spans)


# --- analyzers and versioning ------------------------------------------------------------------


def test_required_analyzers_exist_and_default_is_one_of_them() -> None:
    assert {"none", "normalize", "stopwords", "light"} <= set(ANALYZERS)
    assert DEFAULT_ANALYZER in ANALYZERS
    assert analyze("كتابها") == analyze("كتابها", DEFAULT_ANALYZER)


def test_each_analyzer_adds_its_step() -> None:
    text = "  ما هي العاصمةُ؟ "
    assert analyze(text, "none") == ["ما", "هي", "العاصمةُ؟"]
    assert analyze(text, "normalize") == ["ما", "هي", "العاصمه"]
    assert analyze(text, "stopwords") == ["العاصمه"]
    assert analyze(text, "light") == ["عاصم"]


def test_unknown_analyzer_names_the_choices() -> None:
    with pytest.raises(ValueError, match="light"):
        analyze("دمشق", "porter")


def test_version_is_the_same_in_every_process() -> None:
    """The version keys stored passages and index snapshots: a part that follows the process's
    string hashing (a set's repr) would re-analyse every passage at each start."""
    import os
    import subprocess
    import sys

    versions = set()
    for seed in ("1", "2", "3"):
        out = subprocess.run(
            [sys.executable, "-c", "from index.normalize import ANALYZER_VERSION as v; print(v)"],
            env={**os.environ, "PYTHONHASHSEED": seed}, capture_output=True, text=True,
            check=True, timeout=60,
        )
        versions.add(out.stdout.strip())
    assert versions == {ANALYZER_VERSION}


def test_version_names_the_default_and_follows_its_tables() -> None:
    assert ANALYZER_VERSION.startswith(DEFAULT_ANALYZER + "-")
    default = ANALYZERS[DEFAULT_ANALYZER]
    assert nz._fingerprint(default) == ANALYZER_VERSION.removeprefix(DEFAULT_ANALYZER + "-")
    fewer_stopwords = nz.Analyzer(
        "x", "", months=True, stopwords=STOPWORDS - {"في"}, stem=NABA_STEMMER
    )
    shorter_stems = dataclasses.replace(NABA_STEMMER, min_stem=2)
    other_stemmer = nz.Analyzer("x", "", months=True, stopwords=STOPWORDS, stem=shorter_stems)
    same = nz.Analyzer("x", "", months=True, stopwords=STOPWORDS, stem=NABA_STEMMER)
    assert nz._fingerprint(fewer_stopwords) != nz._fingerprint(default)
    assert nz._fingerprint(other_stemmer) != nz._fingerprint(default)
    assert nz._fingerprint(same) == nz._fingerprint(default)
