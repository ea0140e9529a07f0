"""The speed benchmark and the measuring commands: correctness only, never timings."""

from __future__ import annotations

import json
import re

import pytest

from bot.cli import main
from bot.measure import DEFAULT_NEWS
from index.bench import (
    MAX_LENGTH,
    MIN_LENGTH,
    QUERY_SKIP,
    CorpusSpec,
    SyntheticCorpus,
    same_top,
)

REQUIRED = {
    "passages", "build_s", "p50_ms", "p95_ms", "rank_bm25_p50_ms", "speedup", "top10_agreement",
    "peak_rss_mb", "rank_bm25_build_s", "rank_bm25_p95_ms", "add_visible_ms", "queries",
    "rank_bm25_queries",
}
ARABIC_WORD = re.compile(r"^[\u0621-\u064a]+$")


def test_corpus_is_deterministic_for_a_seed() -> None:
    spec = CorpusSpec(1_200, seed=3, vocab_size=20_000)
    one, two = SyntheticCorpus(spec), SyntheticCorpus(spec)
    assert list(one.passages()) == list(two.passages())
    assert one.queries(50) == two.queries(50)
    assert one.article(2) == two.article(2)
    other = SyntheticCorpus(CorpusSpec(1_200, seed=4, vocab_size=20_000))
    assert list(other.passages()) != list(one.passages())


def test_corpus_looks_like_analyzed_arabic_news() -> None:
    corpus = SyntheticCorpus(CorpusSpec(3_000, seed=1, vocab_size=20_000))
    passages = list(corpus.passages())
    assert len(passages) == 3_000
    assert all(MIN_LENGTH <= len(p) <= MAX_LENGTH for p in passages)
    assert 25 < sum(map(len, passages)) / len(passages) < 33
    assert len(set(corpus.words)) == len(corpus.words) == 20_000
    assert all(ARABIC_WORD.match(w) for w in corpus.words[:500] + corpus.words[-500:])
    common = set(corpus.words[:QUERY_SKIP])
    queries = corpus.queries(300)
    assert all(2 <= len(q) <= 6 and not common.intersection(q) for q in queries)
    # Zipf: the commonest word is in far more passages than the 1000th
    first, thousandth = corpus.words[0], corpus.words[999]
    assert sum(first in p for p in passages) > 20 * sum(thousandth in p for p in passages)


def test_top_ten_comparison_treats_ties_at_the_cut_as_interchangeable() -> None:
    ref = [(4, 9.0), (1, 5.0), (2, 3.0)]
    assert same_top(ref, ref, [9.0, 5.0, 3.0])
    # doc 7 ties doc 2 at the last place: either may be returned
    assert same_top([(4, 9.0), (1, 5.0), (7, 3.0)], ref, [9.0, 5.0, 3.0])
    # ...but it must really score 3.0, and the places above the cut must agree
    assert not same_top([(4, 9.0), (1, 5.0), (7, 3.0)], ref, [9.0, 5.0, 2.5])
    assert not same_top([(4, 9.0), (8, 5.0), (2, 3.0)], ref, [9.0, 5.0, 3.0])
    assert not same_top([(4, 9.0), (1, 5.0)], ref, [9.0, 5.0])
    assert not same_top([(4, 9.0), (1, 5.0000011), (2, 3.0)], ref, [9.0, 5.0, 3.0])


def test_tiny_bench_agrees_with_rank_bm25_and_reports_every_figure(capsys) -> None:
    assert main(["bench", "--passages", "2000", "--queries", "30", "--seed", "5", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report.keys() >= REQUIRED
    assert report["top10_agreement"] == 1.0
    assert report["passages"] == 2000 and report["queries"] == report["rank_bm25_queries"] == 30
    assert 0 < report["p50_ms"] <= report["p95_ms"]
    assert 0 < report["rank_bm25_p50_ms"] <= report["rank_bm25_p95_ms"]
    assert report["build_s"] > 0 and report["rank_bm25_build_s"] > 0
    assert report["peak_rss_mb"] > 10 and report["add_visible_ms"] > 0
    assert report["speedup"] == pytest.approx(
        report["rank_bm25_p50_ms"] / report["p50_ms"], rel=0.05)


def test_startup_bench_starts_a_process_from_the_snapshot_and_reports_every_figure(
    capsys,
) -> None:
    """bench --startup: the rebuild, the build that saves, and a fresh process that loaded the
    snapshot (it raises otherwise) and answered the queries; figures present, not judged."""
    assert main(["bench", "--startup", "--passages", "500", "--queries", "20", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["passages"] == report["rebuild"]["passages"] == report["start"]["passages"]
    assert report["articles"] == 42 and report["snapshot_mb"] > 0
    for memory in (report["start"]["after_start"], report["start"]["after_queries"]):
        assert memory.keys() >= {"rss_mb", "anon_mb", "file_mb", "peak_rss_mb"}
    assert report["start"].keys() >= {"import_s", "kernel_s", "open_s", "load_s", "ready_s",
                                      "query_p50_ms", "query_p95_ms", "first_query_ms",
                                      "answer_p50_ms", "answer_p95_ms"}
    assert report["start"]["answers"] == 20  # synthetic words: mostly refused (see --news)


def test_bench_rejects_nonsense_sizes(capsys) -> None:
    assert main(["bench", "--passages", "0"]) == 2
    assert "--passages" in capsys.readouterr().err


def test_eval_names_what_is_wrong(tmp_path, capsys) -> None:
    assert main(["eval", "--dataset", str(tmp_path / "missing.json")]) == 2
    assert "no such file" in capsys.readouterr().err
    squad = tmp_path / "tiny.json"
    squad.write_text(json.dumps({"data": [{"paragraphs": [
        {"context": "سقطت دمشق في الثامن من كانون الأول.",
         "qas": [{"question": "متى سقطت دمشق؟", "id": "1", "answers": []}]},
        {"context": "أعلنت غرفة عمليات الجنوب تحرير درعا بالكامل.",
         "qas": [{"question": "من حرر درعا؟", "id": "2", "answers": []}]},
    ]}]}, ensure_ascii=False), encoding="utf-8")
    assert main(["eval", "--dataset", str(squad), "--analyzer", "bogus"]) == 2
    assert "choose from" in capsys.readouterr().err
    assert main(["eval", "--dataset", str(squad), "--analyzer", "all"]) == 0
    table = capsys.readouterr().out
    for name in ("none", "normalize", "stopwords", "light", "naba"):
        assert re.search(rf"tiny\s+{name}\s", table)


@pytest.mark.skipif(not DEFAULT_NEWS.is_file(), reason="needs ../shared/eval/news (SaudiNewsNet)")
def test_startup_bench_over_news_times_answer_on_reader_questions(capsys) -> None:
    """bench --startup --news: real text copied up to --passages, and answer() timed on the
    development set's news questions, most of which it answers."""
    assert main(["bench", "--startup", "--news", "--passages", "3000", "--queries", "20",
                 "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["corpus"] == "news" and report["stored_passages"] == 3000
    start = report["start"]
    assert start["passages"] == 3000 and start["answers"] > 50
    assert start["answered"] > 0 and start["answer_p95_ms"] >= start["answer_p50_ms"] > 0
