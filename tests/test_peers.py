"""bench --peers and bench --stall: correctness only, never timings.

The peer adapters are tested against rank-bm25 when the `bench` extra is installed; without
it those tests skip, and the interleaving, rows and CLI are tested with a stand-in peer."""

from __future__ import annotations

import json
import random
from pathlib import Path

import numpy as np
import pytest
from rank_bm25 import BM25Okapi

from bot.cli import main
from index import peers, stall
from index.bench import CorpusSpec, SyntheticCorpus, same_top
from index.params import EPSILON, K1, B
from index.peers import Corpus, Engine, QuerySet, Timings, interleave, overlap_at_k, rows_of
from index.realistic import question_sets, realistic_corpus, recombine
from index.stall import synthetic_articles

ROW_KEYS = {"corpus", "cell", "engine", "passages", "queries", "p50_ms", "p95_ms", "build_s",
            "index_mb", "reference_queries"}


def _installed(name: str) -> str | None:
    """Why the peer cannot run here, or None."""
    return peers.missing_peers([name]).get(name)


class RankBm25Peer:
    """A stand-in peer (rank-bm25 itself), so the peer machinery runs without the extra."""

    name = "bm25s"

    def build(self, passages):
        self.bm25 = BM25Okapi(passages, k1=K1, b=B, epsilon=EPSILON)

    def search(self, query, k):
        scores = self.bm25.get_scores(query)
        top = sorted(((float(s), -d) for d, s in enumerate(scores) if s > 0), reverse=True)[:k]
        return [(-d, s) for s, d in top]

    def index_mb(self):
        return 1.0

    def close(self):
        pass


class Recorder:
    """An engine that records which queries it was asked."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.asked: list[tuple[str, ...]] = []

    def search(self, query, k):
        self.asked.append(tuple(query))
        return [(len(query), 1.0)]


def _tiny_corpus(n: int = 600, seed: int = 3) -> tuple[list[list[str]], list[list[str]]]:
    corpus = SyntheticCorpus(CorpusSpec(n, seed=seed, vocab_size=3_000))
    return list(corpus.passages()), corpus.queries(40)


def test_interleaving_asks_every_engine_every_query_in_every_pass() -> None:
    engines = [Recorder("naba"), Recorder("bm25s"), Recorder("tantivy")]
    queries = [[f"w{i}"] for i in range(25)]
    timings = interleave(engines, queries, 3, random.Random(1))
    for engine in engines:
        assert sorted(engine.asked) == sorted(tuple(q) for q in queries * 3)
        assert len(timings.latencies[engine.name]) == 75
        assert all(hits == [(1, 1.0)] for hits in timings.tops[engine.name])
    # engines take turns going first, and queries come in a new order each pass
    assert len(timings.order) == 75 and {order[0] for order in timings.order} == {
        "naba", "bm25s", "tantivy"}
    first = engines[0].asked
    assert first[:25] != first[25:50] or first[25:50] != first[50:]


def test_rows_carry_every_figure_and_the_ratios_are_naba_over_the_peer() -> None:
    corpus = Corpus("synthetic", [["a"]] * 3, [QuerySet("regular", [["a"], ["b"]])])
    timings = {"regular": Timings(
        latencies={"naba": [2.0, 2.0, 4.0], "bm25s": [1.0, 1.0, 1.0], "tantivy": [4.0, 4.0, 4.0]},
        tops={})}
    build = {name: {"build_s": 1.5, "index_mb": 7.0} for name in ("naba", "bm25s", "tantivy")}
    checks = {"regular": {"reference_queries": 2, "top10_agreement": 1.0,
                          "overlap_at_10": {"bm25s": 1.0, "tantivy": 0.9}}}
    rows = {r["engine"]: r for r in rows_of(corpus, timings, build, checks)}
    assert all(row.keys() >= ROW_KEYS for row in rows.values())
    naba_p95 = float(np.percentile([2.0, 2.0, 4.0], 95))
    assert rows["naba"]["p50_ms"] == 2.0 and rows["naba"]["top10_agreement"] == 1.0
    assert rows["bm25s"]["ratio_p50"] == 2.0 and rows["tantivy"]["ratio_p50"] == 0.5
    assert rows["bm25s"]["ratio_p95"] == pytest.approx(naba_p95 / 1.0, abs=1e-3)
    assert rows["naba"]["ratio_p50_tantivy"] == 0.5 and rows["tantivy"]["overlap_at_10"] == 0.9
    table = peers.format_rows(list(rows.values()))
    assert "2.00 / " in table and "0.50 / " in table  # the ratio table
    assert "100% of 2 queries" in table and "tantivy 90%" in table


def test_overlap_counts_documents_tied_at_the_cut() -> None:
    scores = np.array([5.0, 3.0, 3.0, 1.0, 0.0])
    ref = [(0, 5.0), (1, 3.0)]
    assert overlap_at_k([(0, 5.0), (2, 3.0)], scores, ref) == 1.0  # doc 2 ties doc 1
    assert overlap_at_k([(0, 5.0), (3, 1.0)], scores, ref) == 0.5
    assert overlap_at_k([], np.zeros(3), []) == 1.0


def test_the_whole_run_with_a_stand_in_peer_agrees_with_rank_bm25(monkeypatch) -> None:
    monkeypatch.setitem(peers.ENGINES, "bm25s", RankBm25Peer)
    report = peers.run(800, 15, 4, peers=["bm25s"], passes=2, realistic=None)
    assert peers.agreement_ok(report)
    (naba, other) = report["rows"]
    assert naba["engine"] == "naba" and naba["top10_agreement"] == 1.0
    assert naba["samples"] == 30 and naba["reference_queries"] == 15
    assert other["overlap_at_10"] == 1.0 and other["ratio_p50"] > 0
    assert report["notes"][0].startswith("800 synthetic passages")
    assert "naba ÷ peer" in peers.format_report(report)


@pytest.mark.parametrize("name", peers.PEERS)
def test_each_peer_returns_rank_bm25s_top_documents(name) -> None:
    reason = _installed(name)
    if reason:
        pytest.skip(reason)
    passages, queries = _tiny_corpus()
    bm25 = BM25Okapi(passages, k1=K1, b=B, epsilon=EPSILON)
    engine: Engine = peers.ENGINES[name]()
    try:
        engine.build(passages)
        assert engine.index_mb() > 0
        overlaps = []
        for query in queries:
            scores = bm25.get_scores(query)
            ref = peers._reference_top(scores, 10)
            hits = engine.search(query, 10)
            assert len(hits) == len(ref)
            assert [s for _, s in hits] == sorted((s for _, s in hits), reverse=True)
            overlaps.append(overlap_at_k(hits, scores, ref))
            if len(query) == 1 or name == "bm25s":
                # one term (tantivy: same tf and length part, idf a constant) or bm25s's
                # BM25Okapi variant: the very documents, tie-aware
                assert overlaps[-1] == 1.0, query
        assert np.mean(overlaps) > 0.9
        # a query of words the corpus never saw finds nothing
        assert engine.search(["غير_موجود"], 10) == []
    finally:
        engine.close()


def test_naba_adapter_is_exactly_rank_bm25() -> None:
    passages, queries = _tiny_corpus(seed=9)
    bm25 = BM25Okapi(passages, k1=K1, b=B, epsilon=EPSILON)
    engine = peers.NabaEngine()
    engine.build(passages)
    for query in queries:
        scores = bm25.get_scores(query)
        hits = engine.search(query, 10)
        assert same_top(hits, peers._reference_top(scores, 10), [scores[d] for d, _ in hits])


def _squad(path, paragraphs: list[tuple[str, list[str]]]) -> None:
    path.write_text(json.dumps({"data": [{"paragraphs": [
        {"context": context, "qas": [{"id": str(i), "question": q, "answers": []}
                                     for i, q in enumerate(questions)]}
        for context, questions in paragraphs]}]}, ensure_ascii=False), encoding="utf-8")


LONG_Q = "ما هي المدينة التي استضافت افتتاح بطولة كأس العالم لكرة القدم في قطر عام"


def test_realistic_corpus_from_squad_sentences(tmp_path) -> None:
    assert realistic_corpus(100, 10, shared=tmp_path) == (
        f"realistic cells skipped: {tmp_path / 'arcd.json'}, "
        f"{tmp_path / 'tydiqa-goldp-v1.1-dev-ar.json'} not found")
    _squad(tmp_path / "arcd.json", [
        ("سقطت دمشق في الثامن من كانون الأول. وأعلنت الفصائل دخول العاصمة بعد معارك طويلة.",
         ["متى سقطت دمشق؟", LONG_Q]),
        ("أعلنت غرفة عمليات الجنوب تحرير درعا بالكامل. وانسحبت القوات نحو الشمال.",
         ["من حرر درعا؟"]),
    ])
    _squad(tmp_path / "tydiqa-goldp-v1.1-dev-ar.json", [
        ("افتتحت البطولة في الدوحة بحضور جماهيري كبير. وفاز المنتخب المضيف.",
         ["أين افتتحت البطولة؟"]),
    ])
    made = realistic_corpus(500, 10, seed=2, shared=tmp_path)
    assert isinstance(made, Corpus)
    assert len(made.passages) == 500 and all(5 <= len(p) <= 60 for p in made.passages)
    assert {q.name for q in made.query_sets} == {"regular", "long"}
    long = next(q for q in made.query_sets if q.name == "long")
    assert all(len(q) >= 8 for q in long.queries)
    assert "6 sentences" in made.note
    assert realistic_corpus(500, 10, seed=2, shared=tmp_path).passages == made.passages
    assert realistic_corpus(100, 10, source="news", shared=tmp_path).endswith("not found")


def test_recombined_passages_are_the_pool_words_and_sets_are_capped() -> None:
    pool = [["a", "b", "c"], ["d", "e"], ["f"]]
    passages = recombine(pool, 200, seed=1)
    assert len(passages) == 200 and {w for p in passages for w in p} <= set("abcdef")
    sets = question_sets(["ما هو " + " ".join(["كلمه"] * i) for i in range(2, 30)], 5, seed=1)
    assert all(len(s.queries) <= 5 for s in sets)


def test_bench_peers_cli_names_what_is_wrong(monkeypatch, capsys) -> None:
    assert main(["bench", "--peers", "lucene"]) == 2
    assert "unknown peer lucene" in capsys.readouterr().err

    class Missing:
        def __init__(self) -> None:
            raise peers.PeerMissing("tantivy needs `pip install -e '.[bench]'`")

    monkeypatch.setitem(peers.ENGINES, "tantivy", Missing)
    assert main(["bench", "--peers", "tantivy", "--passages", "100"]) == 2
    assert ".[bench]" in capsys.readouterr().err


def test_bench_peers_cli_json_rows(monkeypatch, capsys) -> None:
    monkeypatch.setitem(peers.ENGINES, "bm25s", RankBm25Peer)
    assert main(["bench", "--peers", "bm25s", "--passages", "500", "--queries", "8",
                 "--passes", "2", "--realistic", "none", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert [r["engine"] for r in report["rows"]] == ["naba", "bm25s"]
    assert all(r.keys() >= ROW_KEYS for r in report["rows"])
    assert {"ratio_p50", "ratio_p95"} <= report["rows"][1].keys()
    assert report["machine"] and report["date"] and "stall" not in report


async def test_a_bulk_ingest_does_not_stall_the_loop(tmp_path) -> None:
    base, burst = synthetic_articles(60, seed=4), synthetic_articles(250, seed=4, first=60)
    questions = [" ".join(a.text.split()[:4]) for a in burst[:3] + base[:3]]
    report = await stall.measure(base, burst, questions, folder=tmp_path, batch=50,
                                 quiet_s=0.2)
    assert report["articles"] == 250 and report["passages_after"] > report["base_passages"] > 0
    assert report["questions"] > 0 and report["ticks"] > 10 and report["questions_quiet"] > 0
    # generous: a real stall (a merge or a rebuild on the loop) holds it for seconds at scale
    assert report["loop_max_pause_ms"] < 1000
    assert "no stall: 250 articles" in stall.format_stall(report)
    assert report["gc_passes"] >= report["gc_full_passes"] >= 0


async def test_the_stall_bench_runs_over_a_store_its_fill_made(tmp_path) -> None:
    """`bench --stall --stall-passages N`: the running library is what `fill` stored at the
    database's path (the base articles are not ingested then)."""
    from index.ingest import ingest_articles
    from index.store import Store

    made, burst = synthetic_articles(40, seed=6), synthetic_articles(30, seed=6, first=40)
    filled: list[Path] = []

    async def fill(db: Path) -> None:
        filled.append(db)
        async with await Store.open(db) as store:
            await ingest_articles(store, made, "fill")

    unused = synthetic_articles(5, seed=6, first=500)
    report = await stall.measure(unused, burst, ["كلمة"], folder=tmp_path, batch=10,
                                 quiet_s=0.1, fill=fill)
    assert len(filled) == 1 and filled[0].name == "stall.db"
    with_base = await stall.measure(made, burst, ["كلمة"], folder=tmp_path, batch=10,
                                    quiet_s=0.1)
    assert report["base_passages"] == with_base["base_passages"] > 0
    assert report["passages_after"] == with_base["passages_after"] > report["base_passages"]
    assert report["base_articles"] is None and with_base["base_articles"] == 40


def test_the_collectors_passes_are_timed_while_installed_and_only_then() -> None:
    import gc

    with stall.Collections() as collections:
        gc.collect()
        assert collections in gc.callbacks
    assert collections not in gc.callbacks
    gc.collect()  # not recorded: uninstalled
    assert collections.passes[-1][0] == 2  # the one full pass (and any young one before it)
    figures = collections.figures()
    assert figures["gc_full_passes"] == 1 and figures["gc_passes"] >= 1
    assert figures["gc_longest_ms"] >= 0 and figures["gc_longest_cpu_ms"] >= 0


def test_bench_stall_cli_reports_the_figure(monkeypatch, capsys) -> None:
    def small(articles, shared, seed=7, base=None):
        return synthetic_articles(30, seed), synthetic_articles(articles, seed, first=30), [
            "سؤال عن شيء"], "synthetic"

    monkeypatch.setattr(stall, "inputs", small)
    monkeypatch.setattr(stall, "QUIET_S", 0.1)
    assert main(["bench", "--stall", "--stall-articles", "40", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["stall"]["articles"] == 40 and report["stall"]["source"] == "synthetic"
    assert report["stall"]["loop_max_pause_ms"] >= 0 and "rows" not in report
    assert main(["bench", "--stall", "--stall-articles", "0"]) == 2
