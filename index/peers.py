"""naba's index against other BM25 engines, interleaved in one process on the same tokens.

The peers are bench-only extras (``pip install -e '.[bench]'``), never runtime dependencies:

* **bm25s** (with numba): the fastest pure-Python-ecosystem BM25, an eager sparse matrix of
  precomputed scores searched by a numba kernel. Built with ``method="robertson"``, the variant
  closest to rank-bm25's BM25Okapi: the same idf log((N-df+0.5)/(df+0.5)) (negative values
  clamped to 0 where BM25Okapi floors them at ε·mean idf) and the same term-frequency part
  without the constant factor k1+1, which does not change a ranking. Scores are float32.
* **tantivy** (tantivy-py): a Rust Lucene-like engine. Passages are indexed as their tokens
  joined by spaces into a text field with a whitespace-only analyzer (nothing is re-analysed),
  frequencies without positions; a query is an OR (``Should``) of term queries. Its BM25 is
  Lucene's: idf log(1 + (N-df+0.5)/(df+0.5)) and document lengths rounded to one byte, so only
  the top-10 overlap, not the scores, can be compared with rank-bm25.

Every engine gets the same token lists and query token lists. For each query the engines run
in a seeded random order, and the whole query list is run several times (passes, each in a
new random query order), so slow moments of a shared machine fall on every engine alike. The
latencies of all passes are pooled into p50/p95 per engine; ``ratio_p50`` is naba's p50 ÷ the
peer's (above 1: naba is slower).

Correctness: for a sample of the queries rank-bm25's BM25Okapi scores every passage (it is
built after the timings, in the same process); naba's top 10 must be rank-bm25's (`same_top`),
and each peer's share of rank-bm25's top 10 (``overlap_at_10``, ties at the cut counted as
hits) is reported for information.
"""

from __future__ import annotations

import gc
import logging
import os
import platform
import random
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from index.bench import TOLERANCE, TOP_K, CorpusSpec, SyntheticCorpus, _machine, _pct, same_top
from index.params import EPSILON, K1, B

PEERS = ("bm25s", "tantivy")
PASSES = 3
WARMUP = 10
# rank-bm25 scores every passage in Python: it checks this many queries per cell (fewer on a
# corpus this big, where one of its queries takes seconds).
REFERENCE_SAMPLE = 100
REFERENCE_SAMPLE_LARGE = 20
LARGE = 200_000

Hits = list[tuple[int, float]]


class Engine(Protocol):
    """One BM25 engine: build once, then answer top-k queries of tokens."""

    name: str

    def build(self, passages: Sequence[list[str]]) -> None: ...

    def search(self, query: list[str], k: int) -> Hits: ...

    def index_mb(self) -> float: ...

    def close(self) -> None: ...


class PeerMissing(RuntimeError):
    """A peer's package is not installed (it comes with the `bench` extra)."""


def _arrays_mb(*holders: object) -> float:
    """Bytes of the numpy arrays held by these objects' attributes (slots or __dict__)."""
    buffers: dict[int, int] = {}

    def count(a: np.ndarray) -> None:
        while isinstance(a.base, np.ndarray):  # a view: its whole buffer, once
            a = a.base
        buffers[id(a)] = a.nbytes

    for holder in holders:
        names = getattr(holder, "__slots__", ()) or getattr(holder, "__dict__", ())
        for name in names:
            value = getattr(holder, name, None)
            if isinstance(value, np.ndarray):
                count(value)
            elif isinstance(value, dict):
                for v in value.values():
                    if isinstance(v, np.ndarray):
                        count(v)
    return sum(buffers.values()) / 2**20


def _dict_mb(terms: dict[str, Any]) -> float:
    """A term dictionary's own table and its key strings (the values are small ints)."""
    return (sys.getsizeof(terms) + sum(map(sys.getsizeof, terms))) / 2**20


class NabaEngine:
    name = "naba"

    def __init__(self) -> None:
        from index.bm25 import BM25Index

        self.index = BM25Index(K1, B, EPSILON)

    def build(self, passages: Sequence[list[str]]) -> None:
        self.index.add_many(passages)

    def search(self, query: list[str], k: int) -> Hits:
        return self.index.search(query, k=k)

    def index_mb(self) -> float:
        """Arrays (each buffer once: a view of another array is not counted again) and the
        vocabulary: its term table's arrays and text, and the terms held as Python strings in
        its dicts and list (with the dicts and list themselves)."""
        index = self.index
        base, vocab = index._base, index.vocab
        table = vocab._table
        held = (sys.getsizeof(table._text) + sys.getsizeof(vocab._new_terms)) / 2**20
        return (_arrays_mb(index, base, base.postings, base.tf_codes, index._term_ids, table)
                + _dict_mb(vocab._added) + _dict_mb(vocab._found) + held)

    def close(self) -> None:
        pass


class Bm25sEngine:
    name = "bm25s"

    def __init__(self) -> None:
        try:
            import bm25s
            import numba  # noqa: F401  (bm25s falls back to numpy without it: not what we measure)
        except ImportError as err:
            raise PeerMissing(f"bm25s needs `pip install -e '.[bench]'` ({err})") from err
        # Its progress notes are DEBUG records: not for the bench's output.
        logging.getLogger("bm25s").setLevel(logging.WARNING)
        # Constructed (and its numba kernels compiled) before the build is timed.
        self.model = bm25s.BM25(k1=K1, b=B, method="robertson", backend="numba")

    def build(self, passages: Sequence[list[str]]) -> None:
        self.model.index(list(passages), show_progress=False)

    def search(self, query: list[str], k: int) -> Hits:
        k = min(k, self.model.scores["num_docs"])
        docs, scores = self.model.retrieve([query], k=k, n_threads=1, show_progress=False)
        # bm25s always fills k places; documents sharing no term with the query score 0.
        return [(int(d), float(s)) for d, s in zip(docs[0], scores[0], strict=True) if s > 0]

    def index_mb(self) -> float:
        arrays = sum(v.nbytes for v in self.model.scores.values() if isinstance(v, np.ndarray))
        return arrays / 2**20 + _dict_mb(self.model.vocab_dict)

    def close(self) -> None:
        pass


class TantivyEngine:
    name = "tantivy"
    FIELD = "body"

    def __init__(self) -> None:
        try:
            import tantivy
        except ImportError as err:
            raise PeerMissing(f"tantivy needs `pip install -e '.[bench]'` ({err})") from err
        self._t = tantivy
        self._dir = Path(tempfile.mkdtemp(prefix="naba-bench-tantivy-"))
        builder = tantivy.SchemaBuilder()
        # Frequencies without positions: BM25 needs no more, and naba keeps no positions either.
        builder.add_text_field(self.FIELD, tokenizer_name="naba_tokens", index_option="freq")
        builder.add_integer_field("id", fast=True)
        self.schema = builder.build()
        self.index = tantivy.Index(self.schema, path=str(self._dir))
        # Split on whitespace only: the tokens are naba's analyzer output already.
        self.index.register_tokenizer(
            "naba_tokens", tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.whitespace()).build())
        self.searcher: Any = None

    def build(self, passages: Sequence[list[str]]) -> None:
        document = self._t.Document
        # One indexing thread and a heap big enough for one segment: the same single core naba
        # builds on, and the fastest layout to search.
        writer = self.index.writer(heap_size=2_000_000_000, num_threads=1)
        for doc, tokens in enumerate(passages):
            writer.add_document(document(id=doc, body=" ".join(tokens)))
        writer.commit()
        writer.wait_merging_threads()
        self.index.reload()
        self.searcher = self.index.searcher()

    def search(self, query: list[str], k: int) -> Hits:
        t = self._t
        clauses = [(t.Occur.Should, t.Query.term_query(self.schema, self.FIELD, term,
                                                       index_option="freq")) for term in query]
        if not clauses:
            return []
        hits = self.searcher.search(t.Query.boolean_query(clauses), limit=k, count=False).hits
        ids = self.searcher.fast_field_values("id", [address for _, address in hits])
        return [(int(doc), float(score)) for (score, _), doc in zip(hits, ids, strict=True)]

    def segments(self) -> int:
        return int(self.searcher.num_segments)

    def index_mb(self) -> float:
        return sum(p.stat().st_size for p in self._dir.rglob("*") if p.is_file()) / 2**20

    def close(self) -> None:
        self.searcher = None
        self.index = None
        shutil.rmtree(self._dir, ignore_errors=True)


ENGINES: dict[str, Callable[[], Engine]] = {
    "naba": NabaEngine, "bm25s": Bm25sEngine, "tantivy": TantivyEngine}


def parse_peers(text: str) -> list[str]:
    """"bm25s,tantivy" → ["bm25s", "tantivy"]; raises ValueError naming an unknown peer."""
    names = [name.strip() for name in text.split(",") if name.strip()]
    unknown = [name for name in names if name not in PEERS]
    if unknown:
        raise ValueError(f"unknown peer {', '.join(unknown)}; choose from {', '.join(PEERS)}")
    return list(dict.fromkeys(names))


def missing_peers(names: Iterable[str]) -> dict[str, str]:
    """The peers that cannot run here, each with the reason (the bench extra is missing)."""
    missing = {}
    for name in names:
        try:
            ENGINES[name]().close()
        except PeerMissing as err:
            missing[name] = str(err)
    return missing


# ---- the interleaved run --------------------------------------------------------------------


@dataclass
class QuerySet:
    """A cell: a named list of queries asked of one corpus."""

    name: str
    queries: list[list[str]]


@dataclass
class Corpus:
    """Token lists every engine indexes, and the query sets asked of it."""

    name: str
    passages: list[list[str]]
    query_sets: list[QuerySet]
    note: str = ""


@dataclass
class Timings:
    """Per engine: every latency (ms) of every pass, and the last pass's top-k per query."""

    latencies: dict[str, list[float]] = field(default_factory=dict)
    tops: dict[str, list[Hits]] = field(default_factory=dict)
    order: list[list[str]] = field(default_factory=list)  # engine order of each (pass, query)


def interleave(engines: Sequence[Engine], queries: Sequence[list[str]], passes: int,
               rng: random.Random, k: int = TOP_K) -> Timings:
    """Time every engine on every query, `passes` times, engines in random order per query."""
    out = Timings({e.name: [] for e in engines}, {e.name: [None] * len(queries) for e in engines})
    clock = time.perf_counter
    for _ in range(passes):
        for q in rng.sample(range(len(queries)), len(queries)):
            order = rng.sample(list(engines), len(engines))
            out.order.append([e.name for e in order])
            for engine in order:
                start = clock()
                hits = engine.search(queries[q], k)
                out.latencies[engine.name].append((clock() - start) * 1000)
                out.tops[engine.name][q] = hits
    return out


def overlap_at_k(hits: Hits, ref_scores: np.ndarray, ref_top: Hits) -> float:
    """Share of rank-bm25's top k that `hits` returns; a document tied with rank-bm25's k-th
    score counts as a hit (rank-bm25 could have returned it instead)."""
    if not ref_top:
        return 1.0 if not hits else 0.0
    kth = ref_top[-1][1]
    found = sum(1 for doc, _ in hits if ref_scores[doc] >= kth - TOLERANCE)
    return min(found, len(ref_top)) / len(ref_top)


def _reference_top(scores: np.ndarray, k: int) -> Hits:
    top = np.argpartition(-scores, k)[:k] if len(scores) > k else np.arange(len(scores))
    hits = [(int(d), float(scores[d])) for d in top if scores[d] > 0]
    return sorted(hits, key=lambda hit: (-hit[1], hit[0]))


def _sample(n: int, passages: int) -> list[int]:
    want = REFERENCE_SAMPLE_LARGE if passages > LARGE else REFERENCE_SAMPLE
    if n <= want:
        return list(range(n))
    step = n / want
    return [int(i * step) for i in range(want)]


def check_against_rank_bm25(corpus: Corpus, tops: dict[str, dict[str, list[Hits]]]
                            ) -> dict[str, dict[str, Any]]:
    """Per query set: naba's top-10 agreement with rank-bm25 and each peer's overlap@10."""
    from rank_bm25 import BM25Okapi

    bm25 = BM25Okapi(corpus.passages, k1=K1, b=B, epsilon=EPSILON)
    out: dict[str, dict[str, Any]] = {}
    for query_set in corpus.query_sets:
        sample = _sample(len(query_set.queries), len(corpus.passages))
        got = tops[query_set.name]
        agree: list[bool] = []
        overlap: dict[str, list[float]] = {name: [] for name in got if name != "naba"}
        for q in sample:
            scores = bm25.get_scores(query_set.queries[q])
            ref = _reference_top(scores, TOP_K)
            ours = got["naba"][q]
            agree.append(same_top(ours, ref, [float(scores[d]) for d, _ in ours]))
            for name in overlap:
                overlap[name].append(overlap_at_k(got[name][q], scores, ref))
        out[query_set.name] = {
            "reference_queries": len(sample),
            "top10_agreement": sum(agree) / len(agree),
            "overlap_at_10": {name: float(np.mean(v)) for name, v in overlap.items()},
        }
    del bm25
    gc.collect()
    return out


def run_corpus(corpus: Corpus, peers: Sequence[str], *, passes: int = PASSES, seed: int = 7,
               reference: bool = True, log: Callable[[str], None] = lambda _m: None
               ) -> list[dict[str, Any]]:
    """Build naba and every peer on `corpus`, time its query sets interleaved; one JSON row per
    (engine, query set)."""
    engines: list[Engine] = []
    build: dict[str, dict[str, float]] = {}
    try:
        for name in ("naba", *peers):
            log(f"{corpus.name}: building {name} on {len(corpus.passages):,} passages")
            engine = ENGINES[name]()
            engines.append(engine)  # closed (its files removed) even if its build fails
            gc.collect()
            start = time.perf_counter()
            engine.build(corpus.passages)
            build[name] = {"build_s": time.perf_counter() - start, "index_mb": engine.index_mb()}
        rng = random.Random(seed)
        timings: dict[str, Timings] = {}
        for query_set in corpus.query_sets:
            log(f"{corpus.name}: {len(query_set.queries)} {query_set.name} queries × {passes} "
                f"passes, interleaved")
            warm = query_set.queries[:WARMUP]
            interleave(engines, warm, 1, rng)  # first calls: numba dispatch, caches, page-ins
            timings[query_set.name] = interleave(engines, query_set.queries, passes, rng)
    finally:
        for engine in engines:
            engine.close()
        engines.clear()  # free every index before rank-bm25 builds its own
        gc.collect()
    checks: dict[str, dict[str, Any]] = {}
    if reference:
        log(f"{corpus.name}: rank-bm25 reference top 10 on a sample of the queries")
        checks = check_against_rank_bm25(corpus, {n: t.tops for n, t in timings.items()})
    return rows_of(corpus, timings, build, checks)


def rows_of(corpus: Corpus, timings: dict[str, Timings], build: dict[str, dict[str, float]],
            checks: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """The JSON rows: per engine and cell, its figures and naba's ratios against each peer."""
    rows = []
    for query_set in corpus.query_sets:
        lat = timings[query_set.name].latencies
        p50 = {name: _pct(v, 50) for name, v in lat.items()}
        p95 = {name: _pct(v, 95) for name, v in lat.items()}
        check = checks.get(query_set.name, {})
        for name in lat:
            row: dict[str, Any] = {
                "corpus": corpus.name,
                "cell": query_set.name,
                "engine": name,
                "passages": len(corpus.passages),
                "queries": len(query_set.queries),
                "samples": len(lat[name]),
                "p50_ms": round(p50[name], 4),
                "p95_ms": round(p95[name], 4),
                "build_s": round(build[name]["build_s"], 3),
                "index_mb": round(build[name]["index_mb"], 1),
            }
            if name == "naba":
                for peer in lat:
                    if peer != "naba":
                        row[f"ratio_p50_{peer}"] = round(p50["naba"] / p50[peer], 3)
                        row[f"ratio_p95_{peer}"] = round(p95["naba"] / p95[peer], 3)
                row["top10_agreement"] = check.get("top10_agreement")
            else:
                row["ratio_p50"] = round(p50["naba"] / p50[name], 3)
                row["ratio_p95"] = round(p95["naba"] / p95[name], 3)
                row["overlap_at_10"] = check.get("overlap_at_10", {}).get(name)
            row["reference_queries"] = check.get("reference_queries", 0)
            rows.append(row)
    return rows


def _size(n: int) -> str:
    """1000000 → "1M", 100000 → "100k", 800 → "800"."""
    if n >= 1_000_000 and n % 100_000 == 0:
        return f"{n / 1_000_000:g}M"
    return f"{n / 1000:g}k" if n >= 1000 and n % 100 == 0 else f"{n:,}"


def format_rows(rows: Sequence[dict[str, Any]]) -> str:
    """The latency table per engine and cell, then naba ÷ peer ratios shaped like issue 13's."""
    cells = list(dict.fromkeys((r["corpus"], r["cell"], r["passages"]) for r in rows))
    engines = list(dict.fromkeys(r["engine"] for r in rows))
    by = {(r["corpus"], r["cell"], r["passages"], r["engine"]): r for r in rows}
    label = {c: f"{c[0]} {_size(c[2])}{'' if c[1] == 'regular' else ', ' + c[1]}"
             for c in cells}
    width = max(24, *(len(v) + 2 for v in label.values()))
    lines = [f"{'p50 / p95 ms':{width}}" + "".join(f"{e:>18}" for e in engines)]
    for c in cells:
        lines.append(f"{label[c]:{width}}" + "".join(
            f"{by[(*c, e)]['p50_ms']:>8.3f} / {by[(*c, e)]['p95_ms']:<7.3f}"
            if (*c, e) in by else f"{'-':>18}" for e in engines))
    lines.append("")
    lines.append(f"{'build s / index MB':{width}}" + "".join(f"{e:>18}" for e in engines))
    for c in cells:
        if c[1] != "regular":
            continue
        lines.append(f"{label[c]:{width}}" + "".join(
            f"{by[(*c, e)]['build_s']:>8.1f} / {by[(*c, e)]['index_mb']:<7.1f}"
            if (*c, e) in by else f"{'-':>18}" for e in engines))
    peers = [e for e in engines if e != "naba"]
    if peers:
        lines.append("")
        lines.append("naba ÷ peer, p50 / p95 (above 1: naba is slower)")
        lines.append(f"{'':{width}}" + "".join(f"{'÷ ' + p:>18}" for p in peers))
        for c in cells:
            lines.append(f"{label[c]:{width}}" + "".join(
                f"{by[(*c, p)]['ratio_p50']:>8.2f} / {by[(*c, p)]['ratio_p95']:<7.2f}"
                if (*c, p) in by else f"{'-':>18}" for p in peers))
    checked = [r for r in rows if r["reference_queries"]]
    if checked:
        lines.append("")
        for c in cells:
            naba = by.get((*c, "naba"))
            if not naba or not naba["reference_queries"]:
                continue
            overlaps = ", ".join(f"{p} {by[(*c, p)]['overlap_at_10']:.0%}"
                                 for p in peers if (*c, p) in by)
            lines.append(f"{label[c]}: naba = rank-bm25 top 10 on "
                         f"{naba['top10_agreement']:.0%} of {naba['reference_queries']} queries"
                         + (f"; overlap@10 with rank-bm25: {overlaps}" if overlaps else ""))
    return "\n".join(lines)


def _versions(names: Iterable[str]) -> dict[str, str]:
    out = {}
    for name in names:
        try:
            out[name] = version(name)
        except PackageNotFoundError:
            out[name] = "absent"
    return out


def run(
    passages: int,
    queries: int = 300,
    seed: int = 7,
    *,
    peers: Sequence[str] = PEERS,
    passes: int = PASSES,
    realistic: str | None = "sentences",
    reference: bool = True,
    log: Callable[[str], None] = lambda _m: None,
) -> dict[str, Any]:
    """Every cell: the synthetic corpus, then the realistic one when its data is here."""
    from index.realistic import realistic_corpus

    if passages < 1 or queries < 1 or passes < 1:
        raise ValueError(f"need passages, queries and passes >= 1, got {passages}, {queries}, "
                         f"{passes}")
    notes = []
    rows: list[dict[str, Any]] = []
    synthetic = SyntheticCorpus(CorpusSpec(passages, seed))
    corpus = Corpus("synthetic", list(synthetic.passages()),
                    [QuerySet("regular", synthetic.queries(queries))],
                    f"{passages:,} synthetic passages (index.bench)")
    del synthetic
    notes.append(corpus.note)
    rows += run_corpus(corpus, peers, passes=passes, seed=seed, reference=reference, log=log)
    del corpus
    gc.collect()
    if realistic:
        made = realistic_corpus(passages, queries, seed, realistic, log=log)
        if isinstance(made, str):
            notes.append(made)
        else:
            notes.append(made.note)
            rows += run_corpus(made, peers, passes=passes, seed=seed, reference=reference,
                               log=log)
    return {
        "passages": passages,
        "queries": queries,
        "passes": passes,
        "seed": seed,
        "peers": list(peers),
        "rows": rows,
        "notes": notes,
        "versions": _versions(("rank-bm25", "bm25s", "numba", "tantivy", "numpy")),
        "cpus": os.cpu_count(),
        "machine": _machine(),
        "python": platform.python_version(),
        "date": datetime.now(UTC).strftime("%Y-%m-%d"),
    }


def agreement_ok(report: dict[str, Any]) -> bool:
    """naba's top 10 was rank-bm25's on every checked query of every cell."""
    return all(row["top10_agreement"] in (None, 1.0) for row in report["rows"]
               if row["engine"] == "naba")


def format_report(report: dict[str, Any]) -> str:
    """The human output of `bench --peers`."""
    versions = ", ".join(f"{k} {v}" for k, v in report["versions"].items() if v != "absent")
    head = (f"bench --peers: {report['queries']} queries per cell × {report['passes']} passes, "
            f"interleaved; seed {report['seed']}, {report['date']}, {report['machine']}; "
            f"{versions}")
    return "\n".join([head, *report["notes"], "", format_rows(report["rows"])])
