"""The inverted index must rank exactly like rank_bm25.BM25Okapi, however it was built."""

from __future__ import annotations

import random

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rank_bm25 import BM25Okapi

from index.bm25 import BM25Index

WORDS = [f"ك{i}" for i in range(40)]
# Zipf-like weights so some terms are in most documents (negative idf, epsilon floor) and
# others in one (high idf): both ends of rank-bm25's idf rule get exercised.
WEIGHTS = [1 / (i + 1) for i in range(len(WORDS))]

corpora = st.lists(
    st.lists(st.sampled_from(WORDS), min_size=0, max_size=25), min_size=1, max_size=60
).filter(lambda c: any(c))
queries = st.lists(st.sampled_from([*WORDS, "غائب"]), min_size=1, max_size=6)


def assert_same_top_k(index: BM25Index, ref: BM25Okapi, query: list[str], k: int = 10) -> None:
    """Same top-k scores as rank-bm25 (within 1e-6), and each returned doc has its ref score."""
    ref_scores = ref.get_scores(query)
    got = index.search(query, k)
    expected = sorted((s for s in ref_scores if s > 0), reverse=True)[:k]
    assert [round(s, 6) for _, s in got] == pytest.approx([round(s, 6) for s in expected], abs=2e-6)
    for doc, score in got:
        assert score == pytest.approx(ref_scores[doc], abs=1e-6)


@settings(max_examples=150, deadline=None)
@given(corpus=corpora, query=queries)
def test_scores_equal_rank_bm25(corpus: list[list[str]], query: list[str]) -> None:
    ref = BM25Okapi(corpus)
    index = BM25Index.from_corpus(corpus)
    np.testing.assert_allclose(index.get_scores(query), ref.get_scores(query), atol=1e-9)
    assert_same_top_k(index, ref, query)


@settings(max_examples=80, deadline=None)
@given(corpus=corpora, query=queries, split=st.floats(0, 1), merge=st.booleans())
def test_incremental_adds_equal_full_rebuild(corpus, query, split, merge) -> None:
    cut = int(len(corpus) * split)
    index = BM25Index.from_corpus(corpus[:cut])
    ids = [index.add(doc) for doc in corpus[cut:]]
    assert ids == list(range(cut, len(corpus)))
    if merge:
        index.merge()
        assert index.delta_size == 0
    rebuilt = BM25Index.from_corpus(corpus)
    np.testing.assert_allclose(index.get_scores(query), rebuilt.get_scores(query), atol=1e-9)
    got, want = index.search(query, 5), rebuilt.search(query, 5)
    assert [d for d, _ in got] == [d for d, _ in want]
    assert [s for _, s in got] == pytest.approx([s for _, s in want], abs=1e-9)
    assert_same_top_k(index, BM25Okapi(corpus), query)


@settings(max_examples=80, deadline=None)
@given(corpus=corpora, query=queries, data=st.data())
def test_removal_equals_rebuild_on_survivors(corpus, query, data) -> None:
    index = BM25Index.from_corpus(corpus)
    extra = data.draw(st.lists(st.sampled_from(WORDS), min_size=1, max_size=10))
    added = index.add(extra)
    docs = [*corpus, extra]
    removed = set(data.draw(st.sets(st.integers(0, len(docs) - 1), max_size=len(docs) - 1)))
    survivors = [i for i in range(len(docs)) if i not in removed]
    if not any(docs[i] for i in survivors):
        return
    for doc in removed:
        index.remove(doc)
    if data.draw(st.booleans()):
        index.merge()
    ref = BM25Okapi([docs[i] for i in survivors])
    ref_scores = ref.get_scores(query)
    scores = index.get_scores(query)
    for pos, doc in enumerate(survivors):
        assert scores[doc] == pytest.approx(ref_scores[pos], abs=1e-9)
    for doc in removed:
        assert scores[doc] == 0
    got = index.search(query, 10)
    assert {d for d, _ in got}.isdisjoint(removed)
    expected = sorted((s for s in ref_scores if s > 0), reverse=True)[:10]
    assert [s for _, s in got] == pytest.approx(expected, abs=1e-6)
    assert len(index) == len(survivors)
    assert added == len(corpus)


def test_larger_random_corpora_match_reference() -> None:
    """Bigger than hypothesis goes: exercises the MaxScore pruning with long posting lists."""
    rng = random.Random(20241207)
    vocab = [f"w{i}" for i in range(2000)]
    weights = [1 / (i + 1) ** 1.05 for i in range(len(vocab))]
    corpus = [rng.choices(vocab, weights, k=rng.randint(3, 60)) for _ in range(3000)]
    index = BM25Index.from_corpus(corpus[:2000])
    for doc in corpus[2000:]:
        index.add(doc)
    ref = BM25Okapi(corpus)
    for _ in range(150):
        query = rng.choices(vocab[20:], k=rng.randint(1, 6))
        assert_same_top_k(index, ref, query, k=10)


def test_ties_break_by_doc_id_and_nothing_for_unknown_terms() -> None:
    index = BM25Index.from_corpus([["أ"], ["ب", "ج"], ["ب", "ج"], ["ب", "ج"], ["د"]])
    hits = index.search(["ب"], k=2)
    assert [d for d, _ in hits] == [1, 2]
    assert hits[0][1] == hits[1][1] > 0
    assert index.search(["غير-موجود"], k=3) == []
    assert index.search([], k=3) == []
    with pytest.raises(ValueError, match="positive"):
        index.search(["ب"], k=0)


def test_remove_unknown_document_raises() -> None:
    index = BM25Index.from_corpus([["أ"], ["ب"]])
    index.remove(0)
    with pytest.raises(KeyError):
        index.remove(0)
    with pytest.raises(KeyError):
        index.remove(7)


def test_background_merge_keeps_adds_made_during_it() -> None:
    """Adds that land between a merge's snapshot and its swap-in must survive the swap."""
    index = BM25Index.from_corpus([["أ", "ب"], ["ب", "ج"]])
    index.add(["د", "ه"])
    original_interleave = __import__("index.bm25", fromlist=["_interleave"])._interleave

    def add_during_merge(parts, n_terms):
        result = original_interleave(parts, n_terms)
        index.add(["د", "و"])  # arrives while the merge builds its arrays
        return result

    import index.bm25 as bm25_module

    bm25_module._interleave = add_during_merge
    try:
        index.merge()
    finally:
        bm25_module._interleave = original_interleave
    ref = BM25Okapi([["أ", "ب"], ["ب", "ج"], ["د", "ه"], ["د", "و"]])
    np.testing.assert_allclose(index.get_scores(["د", "و"]), ref.get_scores(["د", "و"]))
    assert index.delta_size == 2
