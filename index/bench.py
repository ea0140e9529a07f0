"""Speed benchmark: naba's BM25Index against plain rank_bm25.BM25Okapi on the same tokens.

The corpus is synthetic, seeded and Arabic-like, so any size can be regenerated exactly:

* **Words**: distinct strings of Arabic letters, 2–10 letters long with the length mix of the
  analyzer's output on real text (mostly 3–5 letter stems); shorter words get the commoner ranks.
* **Word frequencies**: Zipf with exponent 1 over a 500,000-word vocabulary, so a few words are
  in a large share of the passages and most are rare, as after stopword removal in news text.
* **Passage lengths**: normal with mean 29 and standard deviation 8 tokens, clipped to 5–60.
  Measured on the seed article (``seeds/*.txt`` through ``index.ingest.prepare``, i.e.
  ``split_passages`` then ``analyze``): 12 passages of 18–42 tokens, mean 28.6, sd 8.0. The clip
  at 60 is the longest passage the splitter makes (600 characters, about 100 words, of which
  ~60% survive stopwords). ARCD's Wikipedia paragraphs run longer (mean 50): use
  ``--mean-length 50`` with ``python -m index.bench`` to see that case.
* **Queries**: 2–6 words from the same Zipf distribution without the 50 commonest words, like
  questions once their stopwords are gone.

Each side runs in its own spawned child process that regenerates the corpus from the seed, so
its peak RSS is its own. Build time covers only the index construction (the time spent
generating passages is measured and subtracted); query latency is ``perf_counter`` around one
``search(query, k=10)`` (rank-bm25: ``get_scores`` plus picking the top 10). The parent checks
that both sides return the same top 10 (same documents, scores within 1e-6; documents tied
with the 10th score are interchangeable) and that every score naba returns equals rank-bm25's
score for that document.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import resource
import statistics
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from datetime import UTC, datetime
from multiprocessing import get_context
from typing import Any

import numpy as np

# Letters of normalised Arabic text (the analyzer folds أ إ آ → ا, ة → ه, ى → ي).
LETTERS = "ابتثجحخدذرزسشصضطظعغفقكلمنهويء"
# Share of distinct words by length, from the analyzer's output on ARCD's paragraphs.
WORD_LENGTHS = {2: 0.02, 3: 0.22, 4: 0.34, 5: 0.24, 6: 0.10, 7: 0.045, 8: 0.02, 9: 0.01, 10: 0.005}
VOCAB_SIZE = 500_000
ZIPF_EXPONENT = 1.0
# Passage length in tokens: mean and sd of the seed article's passages (see the module docstring).
MEAN_LENGTH = 29.0
SD_LENGTH = 8.0
MIN_LENGTH = 5
MAX_LENGTH = 60
# Queries leave out the commonest words, as the analyzer leaves out stopwords.
QUERY_SKIP = 50
QUERY_WORDS = (2, 6)
# Passages generated per seeded chunk: the corpus is the same however it is consumed.
GEN_CHUNK = 10_000
# rank-bm25 scores every passage in Python for every query term; above this many passages it
# answers a sample of queries only (its build still covers the whole corpus).
RANK_BM25_FULL_LIMIT = 200_000
RANK_BM25_SAMPLE = 20
WARMUP_QUERIES = 10
# "Add one article": this many passages (a long news article), then the first search.
ARTICLE_PASSAGES = 12
ARTICLES = 5
TOP_K = 10
TOLERANCE = 1e-6


@dataclass(frozen=True, slots=True)
class CorpusSpec:
    passages: int
    seed: int = 7
    vocab_size: int = VOCAB_SIZE
    mean_length: float = MEAN_LENGTH
    sd_length: float = SD_LENGTH


class SyntheticCorpus:
    """The seeded corpus, its queries and its extra articles (all deterministic for a spec)."""

    def __init__(self, spec: CorpusSpec) -> None:
        if spec.passages < 1:
            raise ValueError(f"need at least one passage, got {spec.passages}")
        if spec.vocab_size <= QUERY_SKIP:
            raise ValueError(f"vocab_size must exceed {QUERY_SKIP}, got {spec.vocab_size}")
        self.spec = spec
        self.words = make_words(spec.vocab_size, spec.seed)
        self._words = np.array(self.words, dtype=object)
        weights = 1.0 / np.arange(1, spec.vocab_size + 1, dtype=np.float64) ** ZIPF_EXPONENT
        self._cdf = _cdf(weights)
        self._query_cdf = _cdf(weights[QUERY_SKIP:])

    def _passages_of(self, rng: np.random.Generator, n: int) -> list[list[str]]:
        spec = self.spec
        lengths = np.clip(np.rint(rng.normal(spec.mean_length, spec.sd_length, n)),
                          MIN_LENGTH, MAX_LENGTH).astype(np.int64)
        ids = np.searchsorted(self._cdf, rng.random(int(lengths.sum())), side="right")
        # Join and split so every token is a fresh string, as the store's `tokens.split()` gives.
        tokens = " ".join(self._words[ids].tolist()).split(" ")
        ends = np.cumsum(lengths).tolist()
        return [tokens[a:b] for a, b in zip([0, *ends[:-1]], ends, strict=True)]

    def chunks(self) -> Iterator[list[list[str]]]:
        """The corpus as lists of token lists, GEN_CHUNK passages at a time."""
        total = self.spec.passages
        for number, start in enumerate(range(0, total, GEN_CHUNK)):
            rng = np.random.default_rng([self.spec.seed, 1, number])
            yield self._passages_of(rng, min(GEN_CHUNK, total - start))

    def passages(self) -> Iterator[list[str]]:
        for chunk in self.chunks():
            yield from chunk

    def queries(self, n: int, stream: int = 2) -> list[list[str]]:
        """`n` queries of 2–6 words, without the QUERY_SKIP commonest words."""
        rng = np.random.default_rng([self.spec.seed, stream])
        lengths = rng.integers(QUERY_WORDS[0], QUERY_WORDS[1] + 1, n)
        ids = QUERY_SKIP + np.searchsorted(self._query_cdf, rng.random(int(lengths.sum())),
                                           side="right")
        words = self._words[ids].tolist()
        ends = np.cumsum(lengths).tolist()
        return [words[a:b] for a, b in zip([0, *ends[:-1]], ends, strict=True)]

    def article(self, number: int) -> tuple[list[list[str]], list[str]]:
        """A new article (ARTICLE_PASSAGES passages) and a query that must find it.

        Each passage carries a marker word longer than any vocabulary word, so it is new to the
        index; the query is the marker and two more words of the first passage."""
        rng = np.random.default_rng([self.spec.seed, 3, number])
        marker = "".join(LETTERS[i] for i in rng.integers(0, len(LETTERS), 11))
        passages = self._passages_of(rng, ARTICLE_PASSAGES)
        for passage in passages:
            passage.append(marker)
        return passages, [marker, *passages[0][-3:-1]]


def _cdf(weights: np.ndarray) -> np.ndarray:
    cdf = np.cumsum(weights)
    cdf /= cdf[-1]
    cdf[-1] = 1.0
    return cdf


def make_words(n: int, seed: int) -> list[str]:
    """`n` distinct Arabic-letter words, shortest first (so the commonest ranks are short)."""
    rng = np.random.default_rng([seed, 0])
    lengths = np.array(list(WORD_LENGTHS))
    shares = np.array(list(WORD_LENGTHS.values()))
    letters = np.array([ord(c) for c in LETTERS], dtype=np.uint16)
    found: dict[str, None] = {}
    while len(found) < n:
        want = 2 * (n - len(found)) + 100
        drawn = rng.choice(lengths, size=want, p=shares / shares.sum())
        for length in lengths:
            count = int((drawn == length).sum())
            codes = np.full((count, length + 1), ord(" "), dtype=np.uint16)
            codes[:, :length] = letters[rng.integers(0, len(letters), (count, length))]
            found.update(dict.fromkeys(codes.tobytes().decode("utf-16-le").split()))
    words = list(found)[:n]
    words.sort(key=len)
    return words


# ---- the two sides (each runs in its own child process) ------------------------------------


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


class _Timed:
    """Streams the corpus and adds up the time spent generating it (not part of a build)."""

    def __init__(self, corpus: SyntheticCorpus) -> None:
        self.corpus = corpus
        self.seconds = 0.0
        self.tokens = 0

    def __iter__(self) -> Iterator[list[str]]:
        chunks = self.corpus.chunks()
        while True:
            start = time.perf_counter()
            chunk = next(chunks, None)
            self.seconds += time.perf_counter() - start
            if chunk is None:
                return
            self.tokens += sum(map(len, chunk))
            yield from chunk


def _time_queries(
    search: Callable[[list[str]], list[tuple[int, float]]], queries: Sequence[list[str]]
) -> tuple[list[float], list[list[tuple[int, float]]]]:
    latencies, tops = [], []
    for query in queries:
        start = time.perf_counter()
        top = search(query)
        latencies.append((time.perf_counter() - start) * 1000)
        tops.append(top)
    return latencies, tops


def naba_side(spec: CorpusSpec, n_queries: int) -> dict[str, Any]:
    """Build naba's index from the streamed corpus, time the queries and article adds."""
    from index.bm25 import BM25Index

    corpus = SyntheticCorpus(spec)
    queries = corpus.queries(n_queries)
    articles = [corpus.article(i) for i in range(ARTICLES)]
    rss_before = _peak_rss_mb()
    stream = _Timed(corpus)
    gc.collect()
    start = time.perf_counter()
    index = BM25Index.from_corpus(stream)
    build_s = time.perf_counter() - start - stream.seconds
    gc.collect()
    gc.freeze()

    def search(query: list[str]) -> list[tuple[int, float]]:
        return index.search(query, k=TOP_K)

    _time_queries(search, corpus.queries(WARMUP_QUERIES, stream=99))
    latencies, tops = _time_queries(search, queries)
    peak = _peak_rss_mb()  # before the article adds: those are timed, not sized

    visible_ms = []
    for passages, query in articles:
        start = time.perf_counter()
        new = {index.add(p) for p in passages}
        hits = index.search(query, k=TOP_K)
        visible_ms.append((time.perf_counter() - start) * 1000)
        if not new.intersection(doc for doc, _ in hits):
            raise AssertionError("an added article was not found by the next search")
    return {
        "build_s": build_s,
        "generate_s": stream.seconds,
        "latencies_ms": latencies,
        "tops": tops,
        "peak_rss_mb": peak,
        "rss_before_build_mb": rss_before,
        "add_visible_ms": visible_ms,
        "tokens": stream.tokens,
        "terms": len(index.vocab),
    }


def rank_bm25_side(
    spec: CorpusSpec, n_queries: int, sample: Sequence[int], naba_docs: Sequence[Sequence[int]]
) -> dict[str, Any]:
    """Build BM25Okapi on the same corpus and time `sample` of the queries.

    Also returns rank-bm25's score of every document naba returned, to check naba's scores."""
    from rank_bm25 import BM25Okapi

    corpus = SyntheticCorpus(spec)
    queries = corpus.queries(n_queries)
    stream = _Timed(corpus)
    gc.collect()
    start = time.perf_counter()
    bm25 = BM25Okapi(stream)
    build_s = time.perf_counter() - start - stream.seconds
    gc.collect()
    gc.freeze()
    scores_of: list[np.ndarray] = []

    def search(query: list[str]) -> list[tuple[int, float]]:
        scores = bm25.get_scores(query)
        scores_of.append(scores)
        top = np.argpartition(-scores, TOP_K)[:TOP_K] if len(scores) > TOP_K else np.arange(
            len(scores))
        return [(int(d), float(scores[d])) for d in top]

    latencies, tops = _time_queries(search, [queries[i] for i in sample])
    ordered = []
    for top in tops:
        positive = [(d, s) for d, s in top if s > 0]
        ordered.append(sorted(positive, key=lambda hit: (-hit[1], hit[0])))
    checks = [[float(scores[d]) for d in naba_docs[i]]
              for scores, i in zip(scores_of, sample, strict=True)]
    return {
        "build_s": build_s,
        "latencies_ms": latencies,
        "tops": ordered,
        "scores_of_naba_docs": checks,
        "peak_rss_mb": _peak_rss_mb(),
    }


def _in_child(fn: Callable[..., dict[str, Any]], *args: Any) -> dict[str, Any]:
    """Run fn(*args) in a fresh spawned process, so its peak RSS is its own."""
    with ProcessPoolExecutor(max_workers=1, mp_context=get_context("spawn")) as pool:
        return pool.submit(fn, *args).result()


# ---- comparing and reporting ---------------------------------------------------------------


def same_top(
    ours: Sequence[tuple[int, float]],
    ref: Sequence[tuple[int, float]],
    ref_scores_of_ours: Sequence[float],
    tol: float = TOLERANCE,
) -> bool:
    """Same top-k: equal length, scores pairwise within `tol`, each of our documents has
    rank-bm25's score, and the documents above the k-th score are the same (documents tied
    with the k-th score are interchangeable)."""
    if len(ours) != len(ref):
        return False
    if any(abs(a[1] - b[1]) > tol for a, b in zip(ours, ref, strict=True)):
        return False
    if any(abs(score - want) > tol for (_, score), want in zip(ours, ref_scores_of_ours,
                                                                strict=True)):
        return False
    if not ref:
        return True
    kth = ref[-1][1]
    return {d for d, s in ours if s > kth + tol} == {d for d, s in ref if s > kth + tol}


def _machine() -> str:
    """CPU model and memory, e.g. "AMD EPYC, 2 CPUs, 24 GiB"."""
    model = platform.processor() or platform.machine()
    memory = ""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            model = next((line.split(":", 1)[1].strip() for line in f
                          if line.startswith("model name")), model)
        with open("/proc/meminfo", encoding="utf-8") as f:
            kib = int(next(line.split()[1] for line in f if line.startswith("MemTotal")))
        memory = f", {kib / 2**20:.0f} GiB"
    except (OSError, StopIteration, ValueError):
        pass
    return f"{model}, {os.cpu_count()} CPUs{memory}"


def _pct(values: Sequence[float], q: float) -> float:
    return float(np.percentile(np.asarray(values), q))


def run(
    passages: int,
    queries: int = 300,
    seed: int = 7,
    *,
    mean_length: float = MEAN_LENGTH,
    rank_bm25: bool = True,
    log: Callable[[str], None] | None = None,
) -> dict[str, Any]:
    """Run both sides and return the report (the JSON object `--json` prints)."""
    if queries < 1:
        raise ValueError(f"need at least one query, got {queries}")
    spec = CorpusSpec(passages, seed, mean_length=mean_length)
    note = log or (lambda _msg: None)
    note(f"naba: building {passages:,} passages and running {queries} queries")
    ours = _in_child(naba_side, spec, queries)
    report: dict[str, Any] = {
        "passages": passages,
        "queries": queries,
        "seed": seed,
        "mean_length": mean_length,
        "build_s": round(ours["build_s"], 3),
        "p50_ms": round(_pct(ours["latencies_ms"], 50), 4),
        "p95_ms": round(_pct(ours["latencies_ms"], 95), 4),
        "p99_ms": round(_pct(ours["latencies_ms"], 99), 4),
        "max_ms": round(max(ours["latencies_ms"]), 4),
        "peak_rss_mb": round(ours["peak_rss_mb"], 1),
        "rss_before_build_mb": round(ours["rss_before_build_mb"], 1),
        "add_visible_ms": round(statistics.median(ours["add_visible_ms"]), 3),
        "add_visible_max_ms": round(max(ours["add_visible_ms"]), 3),
        "tokens": ours["tokens"],
        "terms": ours["terms"],
        "rank_bm25_queries": 0,
        "rank_bm25_build_s": None,
        "rank_bm25_p50_ms": None,
        "rank_bm25_p95_ms": None,
        "rank_bm25_peak_rss_mb": None,
        "speedup": None,
        "top10_agreement": None,
        "cpus": os.cpu_count(),
        "machine": _machine(),
        "python": platform.python_version(),
        "date": datetime.now(UTC).strftime("%Y-%m-%d"),
    }
    if not rank_bm25:
        return report
    if passages > RANK_BM25_FULL_LIMIT and queries > RANK_BM25_SAMPLE:
        step = queries / RANK_BM25_SAMPLE
        sample = [int(i * step) for i in range(RANK_BM25_SAMPLE)]
    else:
        sample = list(range(queries))
    note(f"rank-bm25: building {passages:,} passages and running {len(sample)} queries")
    naba_docs = [[d for d, _ in top] for top in ours["tops"]]
    try:
        ref = _in_child(rank_bm25_side, spec, queries, sample, naba_docs)
    except (BrokenProcessPool, MemoryError) as err:
        report["rank_bm25_error"] = f"rank-bm25 did not finish (out of memory?): {err!r}"
        return report
    agree = [
        same_top(ours["tops"][i], ref_top, checks)
        for i, ref_top, checks in zip(sample, ref["tops"], ref["scores_of_naba_docs"], strict=True)
    ]
    ours_on_sample = [ours["latencies_ms"][i] for i in sample]
    report.update(
        rank_bm25_queries=len(sample),
        rank_bm25_build_s=round(ref["build_s"], 3),
        rank_bm25_p50_ms=round(_pct(ref["latencies_ms"], 50), 3),
        rank_bm25_p95_ms=round(_pct(ref["latencies_ms"], 95), 3),
        rank_bm25_peak_rss_mb=round(ref["peak_rss_mb"], 1),
        # p50 against p50 on the very queries rank-bm25 answered
        speedup=round(_pct(ref["latencies_ms"], 50) / _pct(ours_on_sample, 50), 1),
        top10_agreement=sum(agree) / len(agree),
        top10_disagreements=[sample[i] for i, ok in enumerate(agree) if not ok][:10],
    )
    return report


def format_report(r: dict[str, Any]) -> str:
    """The human table."""

    def num(value: float | None, fmt: str) -> str:
        return "-" if value is None else format(value, fmt)

    def ratio(a: float | None, b: float | None) -> str:
        return "-" if a is None or b is None or b == 0 else f"{a / b:,.1f}×"

    lines = [
        f"bench: {r['passages']:,} synthetic passages (mean {r['mean_length']:g} tokens), "
        f"{r['queries']} queries, seed {r['seed']}, {r['date']}, {r['machine']}",
        f"{'':18}{'naba':>12}{'rank-bm25':>12}{'rank-bm25/naba':>16}",
        f"{'build (s)':18}{num(r['build_s'], ',.2f'):>12}{num(r['rank_bm25_build_s'], ',.2f'):>12}"
        f"{ratio(r['rank_bm25_build_s'], r['build_s']):>16}",
        f"{'query p50 (ms)':18}{num(r['p50_ms'], ',.3f'):>12}"
        f"{num(r['rank_bm25_p50_ms'], ',.1f'):>12}{ratio(r['rank_bm25_p50_ms'], r['p50_ms']):>16}",
        f"{'query p95 (ms)':18}{num(r['p95_ms'], ',.3f'):>12}"
        f"{num(r['rank_bm25_p95_ms'], ',.1f'):>12}{ratio(r['rank_bm25_p95_ms'], r['p95_ms']):>16}",
        f"{'peak RSS (MB)':18}{num(r['peak_rss_mb'], ',.0f'):>12}"
        f"{num(r['rank_bm25_peak_rss_mb'], ',.0f'):>12}"
        f"{ratio(r['rank_bm25_peak_rss_mb'], r['peak_rss_mb']):>16}",
    ]
    if r.get("rank_bm25_error"):
        lines.append(r["rank_bm25_error"])
    elif r["top10_agreement"] is not None:
        lines.append(
            f"speed-up (p50, same {r['rank_bm25_queries']} queries): {r['speedup']:,.1f}×; "
            f"top-10 agreement: {r['top10_agreement']:.1%} of {r['rank_bm25_queries']} queries"
        )
    lines.append(
        f"add one article ({ARTICLE_PASSAGES} passages) until a search sees it: "
        f"{r['add_visible_ms']:.1f} ms median, {r['add_visible_max_ms']:.1f} ms max "
        f"({ARTICLES} articles)"
    )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m index.bench", description=__doc__.split(
        "\n")[0])
    parser.add_argument("--passages", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--mean-length", type=float, default=MEAN_LENGTH)
    parser.add_argument("--no-rank-bm25", action="store_true", help="naba's side only")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    report = run(args.passages, args.queries, args.seed, mean_length=args.mean_length,
                 rank_bm25=not args.no_rank_bm25, log=lambda m: print(m, file=sys.stderr))
    print(json.dumps(report) if args.json else format_report(report))
    return 0 if report["top10_agreement"] in (None, 1.0) else 1


if __name__ == "__main__":
    sys.exit(main())
