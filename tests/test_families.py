"""index.families: a derived verb and its masdar where ISRI's roots do not join them."""

from __future__ import annotations

import doctest

import pytest

import index.families
from index.families import relatives
from index.normalize import analyze
from index.query import FAMILY_CREDIT, IndexVocabulary, parse_query
from index.roots import root_of
from tests.test_query import vocab_of


@pytest.mark.parametrize(
    ("verb", "masdar"),
    [
        ("ينحازوا", "الانحياز"),  # form VII, hollow: «انحاز» / «انحياز»
        ("انهار", "الانهيار"),
        ("ينشقون", "الانشقاقات"),  # form VII, doubled: «انشق» / «انشقاق»
        ("انضموا", "الانضمام"),
        ("احتل", "الاحتلال"),  # form VIII, doubled
        ("يهتم", "الاهتمام"),
        ("اضطر", "الاضطرار"),  # … with its ت assimilated to ط
        ("يختار", "الاختيار"),  # form VIII, hollow
        ("احتاجت", "الاحتياج"),
        ("ازداد", "الازدياد"),  # … with its ت assimilated to د
        ("يستمر", "الاستمرار"),  # form X, doubled
        ("يستقيل", "الاستقالة"),  # form X, hollow: the masdar's stem is the past's
        ("انسحبوا", "الانسحاب"),  # sound roots, which the roots join anyway
        ("يعتقل", "الاعتقال"),
        ("استخدم", "الاستخدام"),
        ("انتهى", "الانتهاء"),  # a defective root, whose «ى» the analyzer drops
        ("يعتدي", "الاعتداء"),
        ("اختفت", "الاختفاء"),
        ("استدعى", "الاستدعاء"),
        ("يتحرك", "التحرك"),  # form V: the past is the masdar's stem (ISRI: تحر, حرك)
    ],
)
def test_a_derived_verb_reaches_its_masdar_and_back(verb: str, masdar: str) -> None:
    (v,) = analyze(verb)
    (m,) = analyze(masdar)
    assert m in relatives(v)
    if m != analyze("استقال")[0]:
        # and back: the past, its plural and feminine, and the imperfect
        assert {f for f in relatives(m)} & {analyze(verb)[0], v.removesuffix("وا"),
                                             v.removesuffix("ت")}


@pytest.mark.parametrize(
    ("verb", "masdar"),
    [("ينحاز", "انحياز"), ("انشق", "انشقاق"), ("احتل", "احتلال"), ("يختار", "اختيار"),
     ("يستمر", "استمرار")],
)
def test_these_are_the_pairs_the_roots_miss(verb: str, masdar: str) -> None:
    # why the module exists: were ISRI to join them one day, the root field would do it
    assert root_of(verb) != root_of(masdar)


@pytest.mark.parametrize(
    "word",
    ["اسعار", "اخبار", "انواع", "اتحاد", "استاد", "اتفق", "مدرس", "سيار", "قال",
     "بيروت", "2024", "dara", "ان"],
)
def test_words_of_no_derived_shape_have_no_relatives(word: str) -> None:
    assert relatives(word) == ()


def test_a_hollow_form_x_is_not_read_as_a_form_viii_masdar() -> None:
    # «استقال» has the shape of «استماع»; read as a masdar it would give «استقل» (became
    # independent), another verb
    assert "استقل" not in relatives("استقال")
    assert set(relatives("استقال")) == {"استقالت", "استقالوا", "يستقيل"}


def _terms(question: str, vocabulary: IndexVocabulary) -> dict[str, float]:
    (concept,) = parse_query(question, vocabulary).concepts
    return concept.terms


def test_the_question_takes_only_relatives_the_index_holds() -> None:
    vocabulary = vocab_of("دعا الضباط إلى الانحياز إلى الشعب", "ينشر الموقع الخبر", "نص")
    terms = _terms("ينحازوا", vocabulary)
    assert terms[analyze("الانحياز")[0]] == FAMILY_CREDIT
    # «ينشر» has the shape of a form VII imperfect; no article writes its "masdar"
    assert _terms("ينشر", vocabulary) == {analyze("ينشر")[0]: 1.0}


def test_relatives_come_from_the_word_not_from_its_colloquial_equivalents() -> None:
    # «نزلت» is read as «انخفضت» (prices went down) too; the masdar of that reading is a
    # second guess on a guess, not taken
    vocabulary = vocab_of("انخفضت الأسعار", "الانخفاض في الأسعار", "نزلت الأمطار", "نص")
    terms = _terms("نزلت", vocabulary)
    assert analyze("الانخفاض")[0] not in terms


def test_switched_off_no_relative_is_added(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("index.query.FAMILY_CREDIT", 0.0)
    vocabulary = vocab_of("دعا الضباط إلى الانحياز إلى الشعب", "نص")
    assert analyze("الانحياز")[0] not in _terms("ينحازوا", vocabulary)


def test_a_reading_the_index_lacks_still_finds_its_masdar() -> None:
    # Egyptian future «هـ» + «ينشقوا»: neither «هينشقوا» nor «ينشقوا» is indexed, the
    # seed's «الانشقاق» is
    vocabulary = vocab_of("دعا الضباط إلى الانشقاق عن النظام", "نص")
    terms = _terms("هينشقوا", vocabulary)
    assert terms[analyze("الانشقاق")[0]] == FAMILY_CREDIT


def test_the_docstring_examples_hold() -> None:
    result = doctest.testmod(index.families)
    assert result.attempted >= 1 and result.failed == 0
