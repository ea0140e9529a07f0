"""The packed postings of snapshot format 4 (index.postings): doc ids by blocks of 128 (linear
frame of reference, bit-packed), one impact-code byte a posting, and term frequencies read
back from (document length, code) — exactly."""

from __future__ import annotations

import random
from collections import Counter

import numpy as np
import pytest
from rank_bm25 import BM25Okapi

import index.bm25 as bm25_module
from index import kernel, postings
from index.bm25 import BM25Index
from index.postings import TfCodes


@pytest.fixture(params=["numba", "numpy"])
def search_path(request: pytest.FixtureRequest):
    """The compiled search decodes in index.kernel, the numpy one in index.postings: both."""
    compiled, compiled_holds = kernel.search, kernel.holds
    if request.param == "numba" and compiled is None:
        pytest.skip("numba is not importable here (or NABA_NO_NUMBA is set)")
    if request.param == "numpy":
        kernel.search = kernel.holds = None
    yield request.param
    kernel.search, kernel.holds = compiled, compiled_holds


def _csr(rng: np.random.Generator, sizes: list[int], top: int) -> np.ndarray:
    """Lists of these sizes one after the other, each of distinct ascending doc ids < top."""
    return np.concatenate([np.zeros(0, np.int64)] + [
        np.sort(rng.choice(top, size, replace=False)) if top > 10 * size
        else np.sort(rng.permutation(top)[:size]) for size in sizes])


def _edge_cases() -> list[np.ndarray]:
    """Doc id sequences a block layout can get wrong."""
    rng = np.random.default_rng(11)
    top = postings.MAX_DOCS - 1
    return [
        np.zeros(0, np.int64),  # no postings
        np.array([7]),  # one
        np.arange(5),  # a list shorter than a block
        np.arange(postings.BLOCK),  # exactly one block, width 0 (on the line)
        np.arange(postings.BLOCK + 1) * 3,  # one past a block
        np.arange(2 * postings.BLOCK - 1),  # one short of two blocks
        np.array([0, top] * postings.BLOCK + [top]),  # 31-bit jumps: the widest distances
        np.array([top - 2, top - 1, top, 0, 1, 2]),  # the largest ids, then a list from 0
        np.arange(top - 300, top + 1),  # ids near 2**31 over several blocks
        np.array([2**24 - 1, 2**24, 2**24 + 1, 2**25]),  # past the 24 bits of format 3
        _csr(rng, [1, 2, 127, 128, 129, 3, 255, 256, 257, 1, 1000], 5000),  # lists across
        _csr(rng, [1] * 300, 2**31 - 1),  # many one-posting lists over the whole range
        _csr(rng, [50, 4000, 20, 700], 1_000_000),  # long and short lists
    ]


@pytest.mark.parametrize("plain", [False, True])
def test_packed_doc_ids_and_codes_round_trip(plain: bool) -> None:
    """Every doc id and code comes back, read at any position, in any range, from numpy and
    from the kernel's reader; the layout is what the snapshot's checks expect. Packed bits
    and plain words both."""
    rng = np.random.default_rng(12)
    for docs in _edge_cases():
        codes = rng.integers(0, 256, len(docs)).astype(np.uint8)
        packed = postings.Postings.encode(docs, codes, plain=plain)
        assert packed.plain is plain
        n = len(docs)
        assert len(packed) == n and packed.codes.dtype == np.uint8
        np.testing.assert_array_equal(packed.codes, codes)
        np.testing.assert_array_equal(packed.docs(0, n), docs)
        assert packed.docs(0, n).dtype == np.int32
        for lo, hi in [(0, 1), (1, 3), (127, 129), (128, 256), (n - 1, n), (n - 1, n + 50)]:
            lo, hi = max(0, min(lo, n)), max(0, min(hi, n + 50))
            np.testing.assert_array_equal(packed.docs(lo, hi), docs[lo:hi])
        blocks = -(-n // postings.BLOCK)
        meta = packed.doc_meta
        assert meta.shape == (blocks + 1, 3) and meta[0, postings.START] == 0
        np.testing.assert_array_equal(packed.doc_first, docs[:: postings.BLOCK])
        widths = packed.widths
        assert ((widths >= 0) & (widths <= 32)).all()
        assert len(packed.doc_bits) == int(meta[-1, postings.START]) + (3 if plain else 2)
        if plain:
            assert (widths == 32).all() and not meta[:, : postings.START].any()
        if kernel.search is not None:
            doc = kernel._doc
            assert [doc(packed.kernel, p) for p in range(n)] == docs.tolist()
    # the widest and the narrowest blocks are both there
    assert 32 in postings.Postings.encode(_edge_cases()[6], np.zeros(
        2 * postings.BLOCK + 1, np.uint8)).widths
    assert postings.Postings.encode(np.arange(postings.BLOCK), np.zeros(
        postings.BLOCK, np.uint8)).widths.tolist() == [0]
    with pytest.raises(ValueError, match="2\\*\\*31"):
        postings.Postings.encode(np.array([postings.MAX_DOCS]), np.zeros(1, np.uint8))


def test_no_packed_layout_reads_as_plain_words() -> None:
    """A block of 31-bit jumps is 32 bits wide when packed, like every plain block: the
    layouts still differ (spare words), and the kernel reads each by its own rule."""
    docs = np.array([0, postings.MAX_DOCS - 1] * (postings.BLOCK // 2))
    packed = postings.Postings.encode(docs, np.zeros(len(docs), np.uint8))
    assert packed.widths.tolist() == [32] and not packed.plain
    plain = postings.Postings.encode(docs, np.zeros(len(docs), np.uint8), plain=True)
    assert plain.plain and len(plain.doc_bits) != len(packed.doc_bits)
    for layout in (packed, plain):
        np.testing.assert_array_equal(layout.docs(0, len(docs)), docs)
        if kernel.search is not None:
            assert [kernel._doc(layout.kernel, p) for p in range(len(docs))] == docs.tolist()


def test_long_lists_cost_under_two_bytes_a_posting() -> None:
    """The point of the layout: a long list's doc ids take ~1 byte here (format 3: 3)."""
    rng = np.random.default_rng(13)
    docs = _csr(rng, [20_000, 5_000, 60_000], 1_000_000)
    packed = postings.Postings.encode(docs, np.zeros(len(docs), np.uint8))
    per_posting = (packed.nbytes - len(docs)) / len(docs)
    assert per_posting < 1.7, per_posting


@pytest.mark.parametrize("plain", [False, True])
def test_finding_docs_in_a_list_equals_searchsorted(plain: bool) -> None:
    """Postings.find (numpy) and the kernel's searches (_lower_doc, _gallop_doc, _bsearch_doc)
    find each doc where searchsorted on the plain list would, at block boundaries too."""
    rng = np.random.default_rng(14)
    sizes = [3, 128, 300, 1, 1000, 129]
    docs = _csr(rng, sizes, 70_000)
    packed = postings.Postings.encode(docs, np.zeros(len(docs), np.uint8), plain=plain)
    ends = np.cumsum([0, *sizes])
    for lo, hi in zip(ends[:-1].tolist(), ends[1:].tolist(), strict=True):
        plain = docs[lo:hi]
        probes = np.unique(np.concatenate([plain, plain + 1, plain - 1, [0, 70_000]]))
        want = lo + np.searchsorted(plain, probes)
        np.testing.assert_array_equal(packed.find(lo, hi, probes), want)
        if kernel.search is not None:
            P = packed.kernel
            for probe, at in zip(probes.tolist(), want.tolist(), strict=True):
                assert kernel._lower_doc(P, lo, hi, probe) == at
                assert kernel._gallop_doc(P, lo, hi, probe) == at
                hit = at < hi and docs[at] == probe
                assert kernel._bsearch_doc(P, lo, hi, probe) == (at if hit else -1)


def _true_tfs(index: BM25Index, corpus: list[list[str]]) -> np.ndarray:
    """Each base posting's tf, counted from the tokens (not read from the index)."""
    counts = [Counter(doc) for doc in corpus]
    base = index._base
    docs = base.docs_of(0, base.n_postings)
    terms = list(index.vocab)
    term_of = np.repeat(np.arange(len(base.offsets) - 1), np.diff(base.offsets))
    return np.array([counts[d][terms[t]] for d, t in zip(docs.tolist(), term_of.tolist(),
                                                         strict=True)])


def _exceptional_corpus(rng: random.Random) -> list[list[str]]:
    """Ordinary passages, and documents whose tfs the table cannot tell from the code: high
    tfs in short documents (neighbouring tfs share an impact level), documents longer than the
    table, a tf past one byte, a one-posting list, an empty document."""
    corpus = [[f"ر{min(int(rng.paretovariate(1.1)), 300)}" for _ in range(rng.randint(3, 40))]
              for _ in range(600)]
    corpus += [["ق"] * tf + ["ك"] * 2 for tf in range(1, 60)]
    corpus += [["ق"] * tf + ["ك"] * 3 for tf in range(20, 60)]
    corpus.append(["ق"] * 3 + ["ط"] * (postings.TF_TABLE_LEN + 5))
    corpus.append(["ع"] * 300 + ["ق"])
    corpus.append(["وحيد"])
    corpus.append([])
    rng.shuffle(corpus)
    return corpus


def test_every_tf_decodes_exactly_and_the_exceptions_are_used() -> None:
    corpus = _exceptional_corpus(random.Random(1))
    index = BM25Index.from_corpus(corpus)
    base = index._base
    truth = _true_tfs(index, corpus)
    np.testing.assert_array_equal(base.tfs_of(0, base.n_postings), truth)
    codes = base.tf_codes
    # the table alone would be wrong somewhere: the exceptions carry those postings
    assert len(codes.exc_pos) > 3 and (np.diff(codes.exc_pos) > 0).all()
    assert (codes.exc_tf == truth[codes.exc_pos]).all()
    assert truth.max() >= 300  # a tf past a byte, kept as an exception
    # any slice decodes the same as the whole (exceptions are found by absolute position)
    for lo, hi in [(0, 1), (5, 17), (base.n_postings - 1, base.n_postings)]:
        np.testing.assert_array_equal(base.tfs_of(lo, hi), truth[lo:hi])


def test_decoding_off_by_one_is_seen() -> None:
    """The exactness checks can see a decoding that is off by one: an exception read from its
    neighbour's position, or a table read at the next length, gives other tfs."""
    corpus = _exceptional_corpus(random.Random(2))
    index = BM25Index.from_corpus(corpus)
    base = index._base
    truth = _true_tfs(index, corpus)
    codes = base.tf_codes
    lengths = base.doc_len[base.docs_of(0, base.n_postings)]
    levels = base.postings.codes
    shifted = TfCodes(codes.table, codes.exc_pos + 1, codes.exc_tf)
    assert (shifted.tfs(0, lengths, levels) != truth).any()
    # the table read at the next length, or the next code, where it holds a tf at all
    for wrong in (TfCodes._decoded(codes.table, lengths + 1, levels),
                  TfCodes._decoded(codes.table, lengths, np.minimum(levels + 1, 255))):
        held = wrong > 0
        assert held.sum() > 100 and (wrong[held] != truth[held]).any()


def test_an_empty_base_decodes_nothing() -> None:
    index = BM25Index.from_corpus([[]])
    base = index._base
    assert base.n_postings == 0 and len(base.tfs_of(0, 0)) == 0
    assert len(TfCodes.empty().tfs(0, np.zeros(0, np.int64), np.zeros(0, np.uint8))) == 0


def test_searches_with_exceptions_equal_rank_bm25(search_path: str) -> None:
    """Exact top 10 against rank-bm25 (which counts tfs from the tokens) where the exact
    rescoring must read tfs from the exceptions, through adds, removals and merges of the base
    and the delta (lists of every length, across blocks)."""
    rng = random.Random(3)
    corpus = _exceptional_corpus(rng)
    index = BM25Index.from_corpus(corpus[:500])
    assert index._base.n_postings > 10 * postings.BLOCK
    for doc in corpus[500:]:
        index.add(doc)
    words = ["ق", "ك", "ع", "ط", "وحيد", *(f"ر{i}" for i in range(1, 30))]
    stages = ["added", "merged", "removed", "merged again"]
    live = list(range(len(corpus)))
    for stage in stages:
        if stage.startswith("merged"):
            index.merge()
        elif stage == "removed":
            gone = rng.sample(live, 60)
            index.remove_many(gone)
            live = [d for d in live if d not in set(gone)]
        ref = BM25Okapi([corpus[d] for d in live])
        for _ in range(40):
            query = rng.sample(words[:5], rng.randint(1, 3)) + rng.sample(words[5:], 2)
            got = index.search(query, 10)
            ref_scores = ref.get_scores(query)
            expected = sorted(ref_scores, reverse=True)[:len(got)]
            assert [s for _, s in got] == pytest.approx(expected, abs=1e-9), (stage, query)
            for doc, score in got:
                assert score == pytest.approx(ref_scores[live.index(doc)], abs=1e-9)
    if search_path == "numba":
        assert kernel.search is not None  # the kernel compiled for these arrays: not numpy


def test_a_frozen_index_keeps_the_exceptions(search_path: str) -> None:
    """What a snapshot saves (Frozen) decodes the same tfs and answers the same."""
    corpus = _exceptional_corpus(random.Random(4))
    index = BM25Index.from_corpus(corpus)
    index.add(["ق"] * 40 + ["ك"])
    merge = index.start_merge()
    merge.run()
    loaded = BM25Index.from_frozen(merge.frozen())
    base = loaded._base
    np.testing.assert_array_equal(base.tfs_of(0, base.n_postings),
                                  index._base.tfs_of(0, index._base.n_postings))
    for query in (["ق", "ك"], ["ط", "ق"], ["ع"], ["وحيد", "ر1"]):
        assert loaded.search(query, 10) == index.search(query, 10)
        assert loaded.search(query, 10) == bm25_module.BM25Index._top_k(
            loaded, loaded.get_scores(query), 10)


def test_a_document_longer_than_two_bytes_widens_the_lengths(search_path: str) -> None:
    """Lengths are kept in two bytes until a document needs more: then they widen, and scores
    stay rank-bm25's (the long document's postings are tf exceptions too)."""
    corpus = [["ن", "م"], ["م", "ل"], ["ن"] * 3 + ["ل"]]
    index = BM25Index.from_corpus(corpus)
    assert index._doc_len.dtype == np.uint16
    long_doc = ["ن"] * 70_000 + ["م"] * 2
    corpus.append(long_doc)
    index.add(long_doc)
    assert index._doc_len.dtype == np.int64 and index._doc_len[3] == 70_002
    for merged in (False, True):
        if merged:
            index.merge()
        ref = BM25Okapi(corpus)
        for query in (["ن"], ["م", "ل"], ["ن", "م", "ل"]):
            got = index.search(query, 10)
            ref_scores = ref.get_scores(query)
            assert [s for _, s in got] == pytest.approx(
                sorted(ref_scores, reverse=True)[:len(got)], abs=1e-9)


def test_tfs_found_by_doc_decode_only_what_they_find() -> None:
    """score_docs and holds look docs up in a list by binary search (tfs_for) instead of
    decoding it: the same tfs as the tokens' counts, 0 for docs without the term — also for
    doc ids past the base (added since) and exceptions (high tfs, long documents)."""
    corpus = _exceptional_corpus(random.Random(5))
    index = BM25Index.from_corpus(corpus)
    index.add(["ق"] * 45 + ["ك"])
    base = index._base
    wanted = np.arange(index.n_docs, dtype=np.int64)
    for term in ("ق", "ك", "ط", "ع", "وحيد", "ر1"):
        lo, hi = base.span(index.vocab.get(term))
        truth = np.array([doc.count(term) if d < len(corpus) else 0
                          for d, doc in enumerate([*corpus, []])])
        np.testing.assert_array_equal(base.tfs_for(lo, hi, wanted), truth)
        shuffled = np.random.default_rng(1).permutation(wanted)
        expected = np.array([doc.count(term) > 0 for doc in [*corpus, ["ق"] * 45 + ["ك"]]])
        np.testing.assert_array_equal(index.holds(term, shuffled), expected[shuffled])


def test_compiled_exact_scores_are_the_numpy_ones_bit_for_bit() -> None:
    """score_docs (the fusion of fields) runs compiled when numba is there: the same floats as
    the numpy _exact, for live, removed and delta documents and tf exceptions."""
    if kernel.search is None or kernel.exact is None:
        pytest.skip("numba is not importable here (or NABA_NO_NUMBA is set)")
    rng = random.Random(6)
    corpus = _exceptional_corpus(rng)
    index = BM25Index.from_corpus(corpus[:600])
    for doc in corpus[600:]:
        index.add(doc)
    index.remove_many(rng.sample(range(index.n_docs), 40))
    wanted = list(range(index.n_docs))
    for query in (["ق", "ك"], ["ط", "ع", "ق"], ["وحيد"], [f"ر{i}" for i in range(1, 9)]):
        compiled = index.score_docs(query, wanted)
        saved, kernel.search = kernel.search, None
        try:
            plain = index.score_docs(query, wanted)
        finally:
            kernel.search = saved
        assert compiled == plain  # exact equality: the same bits


@pytest.mark.parametrize("past_a_byte", [False, True])
def test_all_postings_decode_in_one_byte_unless_a_tf_needs_more(
    past_a_byte: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A merge's input (all_postings): every doc id and tf, tfs in one byte unless an
    exception is past 255 (then int32), decoded block by block (blocks shrunk here)."""
    corpus = _exceptional_corpus(random.Random(7))
    if not past_a_byte:
        corpus = [doc for doc in corpus if max(Counter(doc).values(), default=0) <= 255]
    index = BM25Index.from_corpus(corpus)
    base = index._base
    monkeypatch.setattr(bm25_module, "_BLOCK", 97)
    docs, tfs = base.all_postings()
    assert tfs.dtype == (np.int32 if past_a_byte else np.uint8)
    np.testing.assert_array_equal(docs, base.docs_of(0, base.n_postings))
    np.testing.assert_array_equal(tfs, _true_tfs(index, corpus))
