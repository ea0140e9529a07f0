"""The inverted index must rank exactly like rank_bm25.BM25Okapi, however it was built."""

from __future__ import annotations

import random

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rank_bm25 import BM25Okapi

import index.bm25 as bm25_module
from index import kernel
from index.bm25 import BM25Index

# Windows of 8 doc ids, a bound row for every list of 3 postings or more, and every query
# searched window by window: the block-max search on the tiny corpora hypothesis makes.
TINY_WINDOWS = {"_WINDOW_SHIFT": 3, "_WINDOW_LIST": 3, "_WINDOW_MIN": 0, "_WINDOW_DOCS": 0,
                "_PLAIN_WINDOW_MIN": 0, "_PLAIN_WINDOW_DOCS": 0}
# Small corpora keep plain doc ids (index.postings: PLAIN_POSTINGS); this packs them.
PACKED = {"PLAIN_POSTINGS": -1}


@pytest.fixture(autouse=True, scope="module",
                params=["numba", "numba-packed", "numba-windows", "numba-packed-windows",
                        "numpy", "numpy-packed"])
def search_path(request: pytest.FixtureRequest):
    """Every test here runs six times: with the compiled search (index.kernel) as shipped
    (plain doc ids at these sizes), over bit-packed doc ids (index.postings, as a large base
    has them), either forced through its block-max windows (tiny ones), and with the numpy
    search it replaces when numba is missing or NABA_NO_NUMBA=1, over either layout."""
    compiled, compiled_holds = kernel.search, kernel.holds
    saved = {name: getattr(bm25_module, name) for name in {**TINY_WINDOWS, **PACKED}}
    if request.param.startswith("numba") and compiled is None:
        pytest.skip("numba is not importable here (or NABA_NO_NUMBA is set)")
    if request.param.startswith("numpy"):
        kernel.search = kernel.holds = None
    if request.param.endswith("windows"):
        for name, value in TINY_WINDOWS.items():
            setattr(bm25_module, name, value)
    if "packed" in request.param:
        for name, value in PACKED.items():
            setattr(bm25_module, name, value)
    yield request.param
    kernel.search, kernel.holds = compiled, compiled_holds
    for name, value in saved.items():
        setattr(bm25_module, name, value)

def test_the_doc_id_layout_follows_the_base_size(search_path: str) -> None:
    """A small base keeps plain words (index.bm25.PLAIN_POSTINGS); the packed runs above
    pack it as a large one is, after a merge too."""
    index = BM25Index.from_corpus([["ك1", "ك2"], ["ك2"], ["ك3", "ك1"]])
    index.add(["ك4"])
    index.merge()
    assert index._base.postings.plain is ("packed" not in search_path)


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
    got = [(doc, s) for doc, s in index.search(query, k) if s > 1e-9]
    # rank-bm25's float sums can leave a zero score at 1e-17 (idf floored by epsilon, hypothesis
    # found it): a score that rounds to 0 is no result, for either side
    expected = sorted((s for s in ref_scores if s > 1e-9), reverse=True)[:k]
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


def _with_interleave(hook):
    """Run `hook(index_module)` inside the next merge, between its detach and its swap-in."""
    import index.bm25 as bm25_module

    original = bm25_module._interleave

    def patched(parts, n_terms):
        result = original(parts, n_terms)
        hook()
        return result

    bm25_module._interleave = patched
    return lambda: setattr(bm25_module, "_interleave", original)


def test_questions_adds_and_removals_during_a_merge_see_every_posting() -> None:
    """While a merge builds its base, the detached delta is still searched, adds go to a
    fresh delta and removals reach both: the result equals the same steps without a merge."""
    corpus = [["أ", "ب"], ["ب", "ج"], ["د", "ه"], ["د", "و", "د"], ["ج", "د"]]
    merged, plain = BM25Index.from_corpus(corpus[:2]), BM25Index.from_corpus(corpus[:2])
    for index in (merged, plain):
        index.add(corpus[2])
        index.add(corpus[3])
    seen = {}

    def meanwhile() -> None:
        seen["search"] = merged.search(["د"], k=5)
        merged.add(corpus[4])
        merged.remove(2)  # a document of the detached delta
        seen["df"] = merged.df("د")

    restore = _with_interleave(meanwhile)
    try:
        merged.merge()
    finally:
        restore()
    plain.add(corpus[4])
    plain.remove(2)
    assert seen["search"] == plain_search_before(corpus[:4], ["د"])
    assert seen["df"] == plain.df("د") == 2
    assert merged.delta_size == 2  # the postings of the document added during the merge
    for query in (["د"], ["د", "ج"], ["ب"], ["و"]):
        np.testing.assert_allclose(merged.get_scores(query), plain.get_scores(query))
        assert merged.search(query, k=5) == plain.search(query, k=5)
    merged.merge()
    assert merged.delta_size == 0
    np.testing.assert_allclose(merged.get_scores(["د", "ج"]), plain.get_scores(["د", "ج"]))


def plain_search_before(corpus, query):
    return BM25Index.from_corpus(corpus).search(query, k=5)


def test_a_failed_merge_leaves_the_index_whole_and_the_next_one_works() -> None:
    index = BM25Index.from_corpus([["أ", "ب"], ["ب", "ج"]])
    index.add(["د", "ه"])

    def fail() -> None:
        index.add(["د", "و"])  # lands in the fresh delta, after the detached one
        raise MemoryError("no room for the merged base")

    restore = _with_interleave(fail)
    try:
        with pytest.raises(MemoryError):
            index.merge()
    finally:
        restore()
    ref = BM25Okapi([["أ", "ب"], ["ب", "ج"], ["د", "ه"], ["د", "و"]])
    assert index.delta_size == 4
    np.testing.assert_allclose(index.get_scores(["د", "و"]), ref.get_scores(["د", "و"]))
    index.merge()
    assert index.delta_size == 0
    np.testing.assert_allclose(index.get_scores(["د", "و"]), ref.get_scores(["د", "و"]))


# ---- fast paths added for speed: each must stay exact ----------------------------------------


def test_term_ids_match_a_plain_dict_for_awkward_tokens() -> None:
    """Packed keys cover short tokens of ranked code units; everything else goes through the
    dict. Both routes must give one id per distinct string and never conflate two strings."""
    awkward = [
        "",
        "a",
        "ab",
        "abcdefgh",
        "abcdefghi",
        "درعا",
        "دمشق",
        "ة",
        "\x00",
        "a\x00",
        "\x00a",
        "😀",
        "\ud83d\ude00",
        "\ud83d",
        "\ude00",
        "x😀",
        "long" * 10,
        "ꙮ",
        "١٢٣",
        "123",
        "٣",
    ]
    many_units = [chr(0x4E00 + i) for i in range(300)]  # more distinct units than ranks
    rng = random.Random(5)
    pool = awkward + many_units + [a + b for a in awkward[:8] for b in many_units[:20]]
    chunks = [[rng.choice(pool) for _ in range(rng.randint(1, 400))] for _ in range(40)]
    index = BM25Index()
    expected: dict[str, int] = {}
    for chunk in chunks:
        ids = bm25_module._TermIds.ids(index._term_ids, chunk, index.vocab)
        for token, tid in zip(chunk, ids.tolist(), strict=True):
            assert expected.setdefault(token, tid) == tid
    assert len(set(expected.values())) == len(expected)
    assert all(index.vocab[t] == tid for t, tid in expected.items())


@pytest.mark.parametrize(
    "corpus", [[["a b", "c"], ["a", "b", "c"], ["a b"]], [["a", 1], [2, "2"], ["1", "a"]]]
)
def test_tokens_with_spaces_or_not_strings_fall_back_to_the_dict(corpus) -> None:
    index = BM25Index.from_corpus(corpus)
    ref = BM25Okapi(corpus)
    for query in (["a b"], ["a", "c"], [2], ["2"], [1, "a"]):
        np.testing.assert_allclose(index.get_scores(query), ref.get_scores(query), atol=1e-9)


def test_empty_documents_and_docs_containing() -> None:
    index = BM25Index.from_corpus([[], []])
    assert index.search(["أ"]) == [] and len(index) == 2
    index.add_many([["أ", "ب"], [], ["ب"]])
    index.add(["ب", "ج"])
    index.remove(4)
    assert index.docs_containing("ب").tolist() == [2, 5]
    assert index.docs_containing("غائب").tolist() == []
    assert [d for d, _ in index.search(["ب"], k=5)] == [2, 5]


def test_a_term_first_added_alone_keeps_its_id_in_later_bulk_adds() -> None:
    index = BM25Index.from_corpus([["قديم"]])
    index.add(["جديد", "قديم"])
    index.add_many([["جديد"], ["جديد", "آخر"]])
    corpus = [["قديم"], ["جديد", "قديم"], ["جديد"], ["جديد", "آخر"]]
    ref = BM25Okapi(corpus)
    np.testing.assert_allclose(index.get_scores(["جديد"]), ref.get_scores(["جديد"]), atol=1e-9)
    assert index.df("جديد") == 3


@pytest.fixture
def tiny_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    """Builds in many chunks and interleaves in many blocks, as at a million passages."""
    monkeypatch.setattr(bm25_module, "_BUILD_CHUNK", 37)
    monkeypatch.setattr(bm25_module, "_BLOCK", 64)


def _zipf_corpus(rng: random.Random, n_docs: int, n_words: int = 3000) -> list[list[str]]:
    vocab = [f"و{i}" for i in range(n_words)]
    weights = [1 / (i + 1) for i in range(n_words)]
    return [rng.choices(vocab, weights, k=rng.randint(1, 50)) for _ in range(n_docs)]


@pytest.mark.usefixtures("tiny_chunks")
def test_chunked_build_and_merge_match_reference() -> None:
    rng = random.Random(11)
    corpus = _zipf_corpus(rng, 1500)
    index = BM25Index.from_corpus(corpus[:1000])
    for doc in corpus[1000:1200]:
        index.add(doc)
    index.add_many(corpus[1200:])  # merges the delta first
    for doc in range(0, 1500, 7):
        index.remove(doc)
    index.merge()
    survivors = [d for i, d in enumerate(corpus) if i % 7]
    ref = BM25Okapi(survivors)
    ids = [i for i in range(len(corpus)) if i % 7]
    for _ in range(60):
        query = rng.choices([f"و{i}" for i in range(20, 400)], k=rng.randint(1, 6))
        got = index.get_scores(query)[ids]
        np.testing.assert_allclose(got, ref.get_scores(query), atol=1e-9)


@pytest.mark.parametrize("probe_cost", [0, 10**9])
def test_pruned_search_equals_reference_when_probing_or_scanning(monkeypatch, probe_cost):
    """Lists left after the pruning stop are either probed or scanned, by estimated cost:
    force each way and check both against rank-bm25."""
    monkeypatch.setattr(bm25_module, "_PROBE_COST", probe_cost)
    monkeypatch.setattr(bm25_module, "_KERNEL_PROBE_COST", probe_cost)
    rng = random.Random(3)
    corpus = _zipf_corpus(rng, 4000, n_words=800)
    index = BM25Index.from_corpus(corpus)
    ref = BM25Okapi(corpus)
    vocab = [f"و{i}" for i in range(800)]
    for _ in range(80):
        # one rare word and several common ones: the case MaxScore prunes
        query = [rng.choice(vocab[300:]), *rng.choices(vocab[5:60], k=rng.randint(1, 5))]
        assert_same_top_k(index, ref, query, k=rng.choice([1, 3, 10, 40]))


def test_scores_stay_exact_when_avgdl_drifts_far_from_the_base() -> None:
    """Impacts are computed with the avgdl of the last build; adds and removals move avgdl
    (here by about 4x each way) and the search must stay exact through the bound widening."""
    rng = random.Random(8)
    corpus = _zipf_corpus(rng, 600, n_words=500)
    vocab = [f"و{i}" for i in range(500)]
    for grow in (True, False):
        index = BM25Index.from_corpus(corpus)
        docs = list(corpus)
        if grow:
            for _ in range(1200):
                doc = rng.choices(vocab, k=rng.randint(100, 200))
                index.add(doc)
                docs.append(doc)
            survivors = list(range(len(docs)))
        else:
            for _ in range(600):
                doc = rng.choices(vocab, k=rng.randint(1, 3))
                index.add(doc)
                docs.append(doc)
            long_ones = [i for i, d in enumerate(corpus) if len(d) > 10]
            for doc in long_ones:
                index.remove(doc)
            survivors = [i for i in range(len(docs)) if i not in set(long_ones)]
        ref = BM25Okapi([docs[i] for i in survivors])
        for _ in range(60):
            query = rng.choices(vocab[10:300], k=rng.randint(1, 5))
            ref_scores = ref.get_scores(query)
            got = index.search(query, 10)
            expected = sorted((s for s in ref_scores if s > 0), reverse=True)[:10]
            assert [s for _, s in got] == pytest.approx(expected, abs=1e-6)
            for doc, score in got:
                assert score == pytest.approx(ref_scores[survivors.index(doc)], abs=1e-6)


def test_removed_documents_that_led_the_ranking_do_not_hide_the_rest() -> None:
    """Removed documents keep their postings (and impacts) until a merge: when they held the
    best approximate scores, the k-th best must be found among the live ones."""
    corpus = [["أ", "ب"] * 3] * 30 + [["أ", "ج", "د"]] * 5 + [["د"] * 2] * 40 + [["ه"]] * 40
    index = BM25Index.from_corpus(corpus)
    for doc in range(30):
        index.remove(doc)
    survivors = corpus[30:]
    ref = BM25Okapi(survivors)
    for query in (["أ", "ب"], ["أ"], ["أ", "د"], ["ب", "د", "أ"]):
        got = index.search(query, 5)
        ref_scores = ref.get_scores(query)
        expected = sorted((s for s in ref_scores if s > 0), reverse=True)[:5]
        assert [s for _, s in got] == pytest.approx(expected, abs=1e-9)
        assert all(doc >= 30 for doc, _ in got)


@pytest.mark.parametrize(("k1", "b"), [(1.2, 0.0), (2.0, 1.0), (0.01, 0.3), (1.5, 0.75)])
def test_parameter_edges_match_reference(k1: float, b: float) -> None:
    rng = random.Random(int(k1 * 10 + b * 100))
    corpus = _zipf_corpus(rng, 400, n_words=300)
    index = BM25Index.from_corpus(corpus, k1=k1, b=b)
    ref = BM25Okapi(corpus, k1=k1, b=b)
    for _ in range(30):
        query = rng.choices([f"و{i}" for i in range(5, 200)], k=rng.randint(1, 4))
        np.testing.assert_allclose(index.get_scores(query), ref.get_scores(query), atol=1e-9)
        assert_same_top_k(index, ref, query)


def test_k1_zero_scores_each_present_term_by_its_idf() -> None:
    """rank-bm25 gives NaN here (0/0 for absent terms); a term that is present counts idf."""
    corpus = [["أ", "ب"], ["ب"] * 5, ["ج"], ["د"], ["ه"]]
    index = BM25Index.from_corpus(corpus, k1=0.0)
    hits = index.search(["أ", "ب"], k=5)
    assert [d for d, _ in hits] == [0, 1]
    assert hits[0][1] == pytest.approx(index.idf("أ") + index.idf("ب"))
    assert hits[1][1] == pytest.approx(index.idf("ب"))


def test_large_term_frequencies_keep_their_value() -> None:
    """Term frequencies are stored in the narrowest type that holds them (one byte for real
    passages); a frequency past 255 or 65,535 must widen the type, not wrap."""
    corpus = [["س"] * 70_000, ["س"] * 300 + ["ص"], ["ص", "ع"], ["ع"] * 3]
    index = BM25Index.from_corpus(corpus)
    ref = BM25Okapi(corpus)
    for query in (["س"], ["ص", "س"], ["ع"]):
        np.testing.assert_allclose(index.get_scores(query), ref.get_scores(query), atol=1e-9)
        assert_same_top_k(index, ref, query)


@pytest.mark.parametrize("odd", [False, True])
def test_joined_documents_index_like_their_split(odd: bool) -> None:
    """add_many_joined(texts) must equal add_many(t.split() for t in texts); texts that are
    not single-space separated (tabs, double spaces, astral characters) take the split path."""
    rng = random.Random(21)
    words = [*(f"ن{i}" for i in range(300)), "طويلةجداجدا", "x", "١٢"]
    texts = [" ".join(rng.choices(words, k=rng.randint(0, 30))) for _ in range(500)]
    if odd:
        texts[7] = "أ  ب\tج\n"
        texts[8] = " 😀 أ "
        texts[9] = "\u00a0"
    joined = BM25Index()
    joined.add_many_joined(texts[:250])
    joined.add(texts[250].split())
    joined.add_many_joined(texts[251:])
    split = BM25Index.from_corpus(t.split() for t in texts)
    assert joined.n_docs == split.n_docs == len(texts) and len(joined.vocab) == len(split.vocab)
    for query in (["أ"], ["😀", "ج"], *(rng.choices(words, k=3) for _ in range(40))):
        np.testing.assert_allclose(joined.get_scores(query), split.get_scores(query), atol=1e-12)
        assert joined.search(query, 7) == split.search(query, 7)


@settings(max_examples=60, deadline=None)
@given(corpus=corpora, query=queries, data=st.data())
def test_removing_a_batch_equals_removing_one_by_one(corpus, query, data) -> None:
    one_by_one = BM25Index.from_corpus(corpus)
    batch = BM25Index.from_corpus(corpus)
    extra = data.draw(
        st.lists(st.lists(st.sampled_from(WORDS), min_size=1, max_size=8), max_size=4)
    )
    for doc in extra:  # some in the delta segment too
        one_by_one.add(doc)
        batch.add(doc)
    removed = data.draw(st.lists(st.integers(0, len(corpus) + len(extra) - 1), max_size=6))
    for doc in set(removed):
        one_by_one.remove(doc)
    batch.remove_many(removed)  # duplicates in the batch count once
    np.testing.assert_array_equal(batch.get_scores(query), one_by_one.get_scores(query))
    assert len(batch) == len(one_by_one)
    assert all(batch.df(w) == one_by_one.df(w) for w in WORDS)
    with pytest.raises(KeyError):
        batch.remove_many([*set(removed), 10_000])


def test_naba_no_numba_selects_the_numpy_search(monkeypatch: pytest.MonkeyPatch) -> None:
    """NABA_NO_NUMBA=1 (or numba missing) leaves kernel.search, kernel.exact and kernel.holds None:
    search() and score_docs() use numpy."""
    monkeypatch.setenv("NABA_NO_NUMBA", "1")
    assert kernel._compile() == (None, None, None)
    monkeypatch.delenv("NABA_NO_NUMBA")
    if kernel.search is not None:
        assert None not in kernel._compile()


def test_holds_agrees_with_docs_containing_across_segments_and_removals() -> None:
    rng = random.Random(7)
    words = [f"w{i}" for i in range(30)]
    index = BM25Index.from_corpus([rng.choices(words, k=8) for _ in range(200)])
    for _ in range(50):  # a delta segment on top of the base
        index.add(rng.choices(words, k=8))
    index.remove_many(rng.sample(range(250), 40))
    live = np.arange(250, dtype=np.int64)  # removed docs among them: never held
    for word in [*words, "absent"]:
        want = set(index.docs_containing(word).tolist())
        got = index.holds(word, live)
        assert {int(d) for d in live[got]} == want, word
    merge = index.start_merge()
    merge.run()
    reloaded = BM25Index.from_frozen(merge.frozen())  # as a snapshot loads it
    for copy in (index, reloaded):
        for word in words:
            assert set(live[copy.holds(word, live)].tolist()) == set(
                index.docs_containing(word).tolist()
            )


def test_holds_each_asks_many_terms_at_once_as_one_by_one() -> None:
    """holds_each (the relevance rule's batch: a row per term, the base's lists searched in one
    call) holds what docs_containing says for every term at once — base and delta postings,
    removed docs never, an unknown term nowhere — in any order of the docs, and before and
    after a merge."""
    rng = random.Random(11)
    words = [f"w{i}" for i in range(40)]
    index = BM25Index.from_corpus([rng.choices(words, k=6) for _ in range(300)])
    for _ in range(60):
        index.add(rng.choices(words[:20], k=6))
    index.remove_many(rng.sample(range(360), 50))
    docs = np.array(rng.sample(range(360), 120), dtype=np.int64)  # unsorted, removed ones too
    asked = ["absent", *rng.sample(words, 25), "w3", "also-absent"]
    for copy in (index, None):
        if copy is None:
            merge = index.start_merge()
            merge.run()
            copy = BM25Index.from_frozen(merge.frozen())
        rows = copy.holds_each(asked, docs)
        assert rows.shape == (len(asked), len(docs))
        for term, row in zip(asked, rows, strict=True):
            assert set(docs[row].tolist()) == set(copy.docs_containing(term).tolist()) & set(
                docs.tolist()), term
    assert index.holds_each([], docs).shape == (0, len(docs))
    assert index.holds_each(asked, docs[:0]).shape == (len(asked), 0)


@settings(max_examples=60, deadline=None)
@given(corpus=corpora, extra=corpora, query=queries, data=st.data())
def test_an_index_frozen_and_reloaded_ranks_as_before_and_as_rank_bm25(
    corpus, extra, query, data
) -> None:
    """What a snapshot saves (BM25Index.start_merge → Merge.frozen) and loads (from_frozen):
    the same scores and top k, and rank-bm25's over the surviving documents — also after
    adds and removals on the reloaded index, and after its own merge."""
    index = BM25Index.from_corpus(corpus)
    for doc in extra[: len(extra) // 2]:
        index.add(doc)
    gone = data.draw(st.sets(st.integers(0, index.n_docs - 1), max_size=index.n_docs - 1))
    index.remove_many(sorted(gone))
    merge = index.start_merge()
    merge.run()
    reloaded = BM25Index.from_frozen(merge.frozen())
    assert reloaded.search(query, 10) == index.search(query, 10)
    np.testing.assert_array_equal(reloaded.get_scores(query), index.get_scores(query))
    for copy in (index, reloaded):
        for doc in extra[len(extra) // 2 :]:
            copy.add(doc)
        copy.remove_many([d for d in range(copy.n_docs) if d % 3 == 1 and d not in gone])
    assert reloaded.search(query, 10) == index.search(query, 10)
    docs = [*corpus, *extra]
    alive = [d for d in range(len(docs)) if d not in gone and d % 3 != 1]
    if any(docs[d] for d in alive):
        ref = BM25Okapi([docs[d] for d in alive])
        scores = reloaded.get_scores(query)[alive]
        np.testing.assert_allclose(scores, ref.get_scores(query), atol=1e-9)
    reloaded.merge()
    np.testing.assert_allclose(reloaded.get_scores(query), index.get_scores(query), atol=1e-12)


def _brute_top(index: BM25Index, query: list[str], k: int) -> list[tuple[int, float]]:
    """The top k by dense exact scores: what search() must return, bit for bit."""
    return index._top_k(index.get_scores(query), k)


@pytest.mark.parametrize("shift", [4, 7])
def test_block_max_windows_equal_brute_force_through_adds_removals_and_merges(
    monkeypatch: pytest.MonkeyPatch, shift: int
) -> None:
    """Common-term queries over a corpus of many windows (each long list has a bound per
    window), on randomized corpora, after adds (delta postings in windows past the base's),
    removals and merges (bounds recomputed): the block-max search returns exactly the dense
    top k. Run with the windows forced on every path of the module fixture."""
    monkeypatch.setattr(bm25_module, "_WINDOW_SHIFT", shift)
    monkeypatch.setattr(bm25_module, "_WINDOW_LIST", 8)
    for name in ("_WINDOW_MIN", "_WINDOW_DOCS", "_PLAIN_WINDOW_MIN", "_PLAIN_WINDOW_DOCS"):
        monkeypatch.setattr(bm25_module, name, 0)
    for seed in range(3):
        rng = random.Random(seed)
        corpus = _zipf_corpus(rng, 3000, n_words=300)
        vocab = [f"و{i}" for i in range(300)]
        index = BM25Index.from_corpus(corpus[:2000])
        base = index._base
        assert base.block_shift == shift and base.block_max.shape[1] == -(-2000 // 2**shift)
        assert (base.block_slot >= 0).sum() > 50  # many long lists carry window bounds
        stages = ["built", "added", "removed", "merged", "added again"]
        for stage in stages:
            if stage == "added":
                for doc in corpus[2000:2600]:
                    index.add(doc)
            elif stage == "removed":
                index.remove_many(rng.sample(range(index.n_docs), 400))
            elif stage == "merged":
                index.merge()
            elif stage == "added again":
                index.add_many(corpus[2600:])
            for _ in range(25):
                # only common terms (the case block-max is for), sometimes one rarer one
                query = rng.choices(vocab[:40], k=rng.randint(2, 10))
                if rng.random() < 0.3:
                    query.append(rng.choice(vocab[40:]))
                k = rng.choice([1, 10, 50])
                assert index.search(query, k) == _brute_top(index, query, k), (seed, stage)


def test_a_wrong_window_bound_changes_the_results(monkeypatch: pytest.MonkeyPatch) -> None:
    """The test above can see a bad bound: with every window's bound understated, the
    windowed search (numba) loses documents of the true top k."""
    if kernel.search is None:
        pytest.skip("the block-max windows are the compiled search's")
    monkeypatch.setattr(bm25_module, "_WINDOW_SHIFT", 5)
    monkeypatch.setattr(bm25_module, "_WINDOW_LIST", 8)
    for name in ("_WINDOW_MIN", "_WINDOW_DOCS", "_PLAIN_WINDOW_MIN", "_PLAIN_WINDOW_DOCS"):
        monkeypatch.setattr(bm25_module, name, 0)
    rng = random.Random(5)
    corpus = _zipf_corpus(rng, 3000, n_words=300)
    vocab = [f"و{i}" for i in range(300)]
    index = BM25Index.from_corpus(corpus)
    queries = [rng.choices(vocab[:40], k=rng.randint(2, 8)) for _ in range(40)]
    assert all(index.search(q, 10) == _brute_top(index, q, 10) for q in queries)
    index._base.block_max[:] //= 2  # a bound at half the true largest impact of the window
    assert any(index.search(q, 10) != _brute_top(index, q, 10) for q in queries)


def test_window_bounds_cover_every_impact_of_their_window() -> None:
    """Each stored bound, as the search reads it (max_impact * q / 255), is at least every
    impact of its list in its window, and 0 exactly where the list has none there."""
    rng = random.Random(9)
    index = BM25Index.from_corpus(_zipf_corpus(rng, 5000, n_words=400))
    base = index._base
    shift = 6
    docs = base.docs_of(0, base.n_postings)
    slots, bounds = bm25_module.window_bounds(base.offsets, docs, base.impacts_of,
                                              base.max_impact, 5000, shift, 10)
    impacts = base.impacts_of(0, base.n_postings)
    for t in np.flatnonzero(slots >= 0).tolist():
        lo, hi = base.offsets[t], base.offsets[t + 1]
        windows = docs[lo:hi] >> shift
        top = np.zeros(bounds.shape[1])
        np.maximum.at(top, windows, impacts[lo:hi].astype(np.float64))
        got = float(base.max_impact[t]) * bounds[slots[t]].astype(np.float64) / 255.0
        assert (got >= top).all()
        assert ((bounds[slots[t]] == 0) == (top == 0)).all()
        assert (got - top < float(base.max_impact[t]) / 255.0 * 1.01).all()


@pytest.mark.parametrize(("k1", "b"), [(1.5, 0.75), (0.0, 0.75), (1.2, 0.0)])
def test_impact_codes_bracket_every_impact(k1: float, b: float) -> None:
    """The compiled search reads one-byte impact codes: each posting's level is at most its
    impact and at least the impact over the base's spread (which the search's bounds
    include), and the impacts read from the (tf, length) table are the formula's, also for
    documents longer than the table and frequencies past it."""
    rng = random.Random(4)
    corpus = _zipf_corpus(rng, 800, n_words=200)
    corpus += [["و1"] * 70 + ["و2"] * 5, ["و3"] * (bm25_module._TABLE_LEN + 30)]
    index = BM25Index.from_corpus(corpus, k1=k1, b=b)
    base = index._base
    docs = base.docs_of(0, base.n_postings)
    impacts = base.impacts_of(0, base.n_postings).astype(np.float64)
    tf = base.tfs_of(0, base.n_postings).astype(np.float64)
    length = np.array([len(d) for d in corpus], dtype=np.float64)[docs]
    norm = k1 * (1 - b + b * length / base.avgdl)
    np.testing.assert_array_equal(impacts, (tf * (k1 + 1) / (tf + norm)).astype(np.float32))
    levels = base.qtab[base.postings.codes].astype(np.float64)
    assert (levels <= impacts).all()
    assert (impacts <= levels * base.spread).all()
    assert 1.0 <= base.spread < 1.05


def test_a_bulk_add_of_many_new_terms_moves_them_into_the_term_table(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Past _COMPACT_TERMS new terms a bulk add compacts the vocabulary into its term table
    (a loaded vocabulary's form): ids, lookups, later adds and answers stay the same."""
    rng = random.Random(21)
    corpus = _zipf_corpus(rng, 400, n_words=300)
    plain = BM25Index.from_corpus(corpus)
    monkeypatch.setattr(bm25_module, "_COMPACT_TERMS", 10)
    compacted = BM25Index.from_corpus(corpus)
    vocab = compacted.vocab
    assert vocab._n_table == len(vocab) == len(plain.vocab) and not vocab._added
    assert list(vocab) == list(plain.vocab)
    assert all(vocab.get(t) == plain.vocab.get(t) for t in plain.vocab)
    for index in (plain, compacted):
        index.add(["جديد", *corpus[0]])
    assert compacted.vocab.get("جديد") == plain.vocab.get("جديد") == len(plain.vocab) - 1
    assert compacted.vocab.table(len(vocab)).find("جديد") == len(vocab) - 1
    for _ in range(30):
        query = [*rng.choice(corpus)[:3], "جديد"]
        assert compacted.search(query, 10) == plain.search(query, 10)


@pytest.mark.parametrize("n_docs", [1, 63, 64, 65, 1000, 4099])
def test_the_accumulator_sweep_finds_every_candidate_and_leaves_it_zero(n_docs: int) -> None:
    """index.kernel._sweep (the candidates after a scan that touched many docs) against a
    plain loop: the same live docs reaching the cut, in doc order, with their values, marked
    in seen; the whole accumulator zero afterwards. Cuts on a value, just above and below it."""
    if kernel.search is None:
        pytest.skip("the sweep is the compiled search's")
    rng = np.random.default_rng(n_docs)
    for trial in range(20):
        acc = np.zeros(n_docs + 5, dtype=np.float32)
        touched = rng.random(n_docs) < rng.choice([0.01, 0.3, 1.0])
        acc[:n_docs][touched] = rng.gamma(2.0, 2.0, int(touched.sum())).astype(np.float32)
        live = rng.random(n_docs + 5) < 0.9
        values = acc[:n_docs][acc[:n_docs] > 0]
        cut = float(rng.choice(values)) if len(values) else 1.0
        cut = [cut, float(np.nextafter(np.float32(cut), np.float32(0))), cut * (1 + 1e-9),
               cut / 2, 1e-30][trial % 5]
        want = [d for d in range(n_docs) if float(acc[d]) >= cut and live[d]]  # in float64
        want_values = acc[want].copy()
        seen = np.zeros(n_docs + 5, dtype=np.uint8)
        cand = np.zeros(n_docs + 5, dtype=np.int32)
        cand_val = np.zeros(n_docs + 5, dtype=np.float32)
        acc[n_docs:] = 7.0  # past n_docs: neither read nor cleared
        n = kernel._sweep(acc, live, seen, cand, cand_val, n_docs, cut)
        assert cand[:n].tolist() == want
        np.testing.assert_array_equal(cand_val[:n], want_values)
        assert np.flatnonzero(seen).tolist() == want and set(seen[want].tolist()) <= {2}
        assert not acc[:n_docs].any() and (acc[n_docs:] == 7.0).all()


def test_the_branchless_lower_bound_is_searchsorted() -> None:
    """index.kernel._lower_bound (a select per step; the searches in plain doc ids) is numpy's
    searchsorted(side="left") on every sub-range, key inside, between and outside the keys."""
    if kernel.search is None:
        pytest.skip("a helper of the compiled search")
    rng = np.random.default_rng(3)
    keys = np.unique(rng.integers(0, 5000, 700)).astype(np.uint32)
    for _ in range(3000):
        lo = int(rng.integers(0, len(keys) + 1))
        hi = int(rng.integers(lo, len(keys) + 1))
        key = int(rng.integers(-2, 5003))
        want = lo + int(np.searchsorted(keys[lo:hi], key, side="left"))
        assert kernel._lower_bound(keys, lo, hi, key) == want, (lo, hi, key)
