"""index.query: how a reader's words are read against the index's vocabulary."""

from __future__ import annotations

import pytest

from index.bm25 import BM25Index
from index.normalize import analyze
from index.query import (
    FUZZY_CREDIT,
    IndexVocabulary,
    parse_query,
    question_type,
)


def vocab_of(*texts: str) -> IndexVocabulary:
    index = BM25Index.from_corpus(analyze(t) for t in texts)
    return IndexVocabulary(lambda: index)


def concept_terms(question: str, vocabulary: IndexVocabulary) -> list[dict[str, float]]:
    return [c.terms for c in parse_query(question, vocabulary).concepts]


@pytest.mark.parametrize(
    ("question", "known", "reading"),
    [
        ("بحمص", "حمص", "حمص"),  # a glued preposition the stemmer keeps
        ("عالحدود", "الحدود", "حدود"),  # Levantine «على ال»
        ("ستستغرق", "تستغرق", "تستغرق"),  # the future س
        ("بيقولو", "يقول", "يقول"),  # indicative ب + colloquial plural و
        ("انقتل", "قتل", "قتل"),  # the انفعل passive
        ("جنديا", "جندي", "جند"),  # tanween alef without its mark
        ("تقع", "يقع", "يقع"),  # the imperfect's person prefix
    ],
)
def test_a_reading_the_index_knows_is_used(question: str, known: str, reading: str) -> None:
    vocabulary = vocab_of(f"خبر عن {known}", "نص آخر", "ثالث")
    ((terms),) = concept_terms(question, vocabulary)
    assert terms.get(reading) == 1.0, terms


@pytest.mark.parametrize("word", ["بغداد", "بيان", "سياسة", "لبنان"])
def test_a_word_the_index_knows_is_not_cut(word: str) -> None:
    """«بغداد» is never read as ب + «غداد», even when «غداد» were a word."""
    vocabulary = vocab_of(f"خبر عن {word}", "غداد يان ياسه بنان", "ثالث")
    ((terms),) = concept_terms(word, vocabulary)
    assert list(terms) == analyze(word)


def test_a_rare_glued_spelling_yields_to_the_common_word() -> None:
    texts = ["بحمص مرة"] + [f"حمص خبر {i}" for i in range(6)]
    ((terms),) = concept_terms("بحمص", vocab_of(*texts))
    assert set(terms) == {"بحمص", "حمص"}


def test_glued_forms_in_the_articles_are_found() -> None:
    ((terms),) = concept_terms("درعا", vocab_of("معارك بدرعا", "تحرير درعا", "كدرعا اليوم"))
    assert {"درعا", "بدرعا", "كدرعا"} <= set(terms)


def test_spelling_neighbours_get_part_credit_and_swaps_count_once() -> None:
    vocabulary = vocab_of("معركة كسر القيود", "تحرير المحافظة", "خبر")
    ((terms),) = concept_terms("المعكرة", vocabulary)  # two letters swapped
    assert terms["معرك"] == FUZZY_CREDIT


def test_neighbours_follow_a_growing_vocabulary() -> None:
    index = BM25Index.from_corpus([analyze("خبر أول"), analyze("خبر ثان")])
    vocabulary = IndexVocabulary(lambda: index)
    assert vocabulary.neighbours("تحررت") == []
    index.add(analyze("تحرير درعا"))
    assert vocabulary.neighbours("تحررت") == ["تحرير"]


@pytest.mark.parametrize(
    ("question", "words"),
    [
        ("شو صار في درعا؟", ["درعا"]),  # "happened" frames the question
        ("وين هربوا القادة؟", ["هربوا", "قاد"]),  # وين is a dialect stopword
        ("أين تقع القريتين؟", ["قريت"]),  # «تقع» frames «where»
        ("ايش اللي حصل؟", ["حصل"]),  # nothing else left: the verb stays
        ("السلام عليكم، سمعت انه درعا تحررت، صدق ولا لا؟", ["درعا", "تحررت"]),  # chat
        ("شو القصة بالضبط بحزب الله؟", ["بحزب", "الل"]),  # «الله» of a name stays
    ],
)
def test_dialect_and_frame_words_are_not_concepts(question: str, words: list[str]) -> None:
    vocabulary = vocab_of("معارك درعا", "القادة فروا", "القريتين بريف حمص")
    assert [c.word for c in parse_query(question, vocabulary).concepts] == words


def test_colloquial_words_reach_the_msa_terms() -> None:
    vocabulary = vocab_of("انتهت المعارك في حمص", "نص", "آخر")
    concepts = parse_query("المعارك خلصت بحمص؟", vocabulary).concepts
    assert "انتهت" in concepts[1].terms and concepts[1].known


def test_unknown_words_are_concepts_that_are_not_known() -> None:
    vocabulary = vocab_of("تحرير درعا", "نص", "آخر")
    concepts = parse_query("سعر البندورة في درعا", vocabulary).concepts
    assert [(c.word, c.known) for c in concepts] == [("سعر", False), ("بندور", False),
                                                     ("درعا", True)]


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("متى تحررت درعا؟", "when"),
        ("امتى تحررت درعا؟", "when"),
        ("وين هربوا؟", "where"),
        ("مين اللي اعلن؟", "who"),
        ("قديش عدد القتلى؟", "how_many"),
        ("شكد عدد القتلى؟", "how_many"),
        ("ليش انسحبوا؟", "why"),
        ("إزاي حصل ده؟", "how"),
        ("تحرير درعا", None),
    ],
)
def test_question_type_reads_dialect_question_words(question: str, kind: str | None) -> None:
    assert question_type(question) == kind


def test_weighted_terms_add_up_repeats() -> None:
    vocabulary = vocab_of("درعا درعا", "نص", "آخر")
    parsed = parse_query("درعا درعا", vocabulary)
    assert parsed.weighted_terms() == {"درعا": 2.0}
    assert parsed.tokens == ("درعا", "درعا")
