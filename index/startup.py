"""Start-up bench (issue 13, part 3): how long a process takes to be ready to answer at N
passages, and what memory it holds, with the saved index (index.snapshot) and without it.

1. A real SQLite store in a temporary folder is filled with `passages` synthetic passages
   (index.bench's seeded corpus: its tokens are stored as the analyzer's output would be),
   twelve to an article, each article titled with six words of the same vocabulary. Stored
   through the store's own save, with the current analyzer version, so nothing is re-tokenized.
2. **Rebuild** (a fresh spawned process): ``Library(store).build()`` from every stored
   passage — the start-up before snapshots.
3. **Build + save**: the same with a snapshot folder, which also writes the snapshot.
4. **Start** (a fresh spawned process): the imports and the search kernel's load from numba's
   cache (timed apart), then ``Store.open`` and ``Library(store, snapshots=folder).build()``,
   which loads the snapshot (``ready_s``: those two); then `queries`
   synthetic queries through the Library's ranker (all three fields). RSS is read from
   /proc/self/status after the start and after the queries: ``rss`` in all, ``anon`` the
   process's own memory, ``file`` the mapped snapshot pages the queries touched (shared with
   other processes mapping the file and reclaimable by the kernel: the page cache's).
   As in the bot, the store's file is read into the OS cache in the background from the
   store's opening on (index.store.prewarm), and the collector is settled after the build
   (index.collector). The files the build wrote are synced to disk first: a restart comes
   long after they were written, not during their write-back.

With `news` (`bench --startup --news`) the store holds real text instead: the SaudiNewsNet
articles of ../shared/eval/news, analysed once and stored again under new ids until there are
`passages` passages (80,212 a copy), and the fresh process also times `answer()` — the whole
path a reader's message takes — on the development set's answerable news questions (issue 13,
part 5: answer() p95 at 1M).

Each step runs in its own process, so each RSS and peak is its own.
"""

from __future__ import annotations

import asyncio
import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ARTICLE_PASSAGES = 12
TITLE_WORDS = 6
WARMUP = 10
# answer() is timed on this many of the queries (each reads the store: slower than the ranker)
ANSWER_QUERIES = 300


def _memory() -> dict[str, float]:
    """RSS, its parts and its peak (MB) from /proc/self/status (VmHWM, not getrusage: a spawned
    child's ru_maxrss still counts the parent it was forked from before its exec)."""
    fields = {"VmRSS": "rss_mb", "RssAnon": "anon_mb", "RssFile": "file_mb",
              "VmHWM": "peak_rss_mb"}
    out: dict[str, float] = {}
    with open("/proc/self/status", encoding="ascii") as f:
        for line in f:
            name, _, value = line.partition(":")
            if name in fields:
                out[fields[name]] = round(int(value.split()[0]) / 1024, 1)
    return out


async def fill_store(db: Path, passages: int, seed: int,
                     log: Callable[[str], None] = lambda _m: None) -> dict[str, Any]:
    """Store `passages` synthetic passages (ARTICLE_PASSAGES to an article) in a new store."""
    from index.bench import CorpusSpec, SyntheticCorpus
    from index.dates import PASSAGE_VERSION
    from index.models import ArticleIn, PassageIn, PassageSpan
    from index.normalize import Token
    from index.positions import encode
    from index.store import Store

    corpus = SyntheticCorpus(CorpusSpec(passages, seed))
    start = time.perf_counter()
    number = 0
    pending: list[list[str]] = []
    async with await Store.open(db) as store:

        async def save(batch: list[list[str]]) -> None:
            nonlocal number
            texts = [" ".join(tokens) for tokens in batch]
            spans, at = [], 0
            for ordinal, (text, tokens) in enumerate(zip(texts, batch, strict=True)):
                # each word is its own term (stored as the analyzer's output), so each stands
                # on its own raw word: the positions a real passage's ingest stores
                words, a = [], 0
                for word in tokens:
                    words.append(Token(word, a, a + len(word)))
                    a += len(word) + 1
                spans.append(PassageIn(PassageSpan(ordinal, at, at + len(text)), text,
                                       encode(text, words)))
                at += len(text) + 1
            await store.articles.save(
                ArticleIn(title=" ".join(batch[0][:TITLE_WORDS]), text="\n".join(texts),
                          guid=f"startup-{seed}-{number}"),
                url_canonical=None, content_hash=f"startup-{seed}-{number}", passages=spans,
                analyzer=PASSAGE_VERSION, origin="bench",
            )
            number += 1

        for chunk in corpus.chunks():
            stored = number * ARTICLE_PASSAGES
            pending += chunk
            while len(pending) >= ARTICLE_PASSAGES:
                await save(pending[:ARTICLE_PASSAGES])
                del pending[:ARTICLE_PASSAGES]
            if (number * ARTICLE_PASSAGES) // 100_000 > stored // 100_000:
                log(f"startup: {number * ARTICLE_PASSAGES:,} passages stored")
        if pending:
            await save(pending)
    return {"articles": number, "fill_s": round(time.perf_counter() - start, 1),
            "db_mb": round(db.stat().st_size / 2**20, 1)}


async def fill_store_news(db: Path, passages: int, news: Path,
                          log: Callable[[str], None] = lambda _m: None) -> dict[str, Any]:
    """Store the news articles again and again (new ids, the same analysed passages) until
    there are `passages` passages; no story joins (copies are not news)."""
    from dataclasses import replace

    from index.dates import PASSAGE_VERSION
    from index.ingest import InvalidArticle, prepare
    from index.readers import news_dump_articles
    from index.store import Store

    prepared = []
    for article in news_dump_articles(news):
        try:
            prepared.append(prepare(article))
        except InvalidArticle:
            continue
    start = time.perf_counter()
    stored = number = 0
    async with await Store.open(db) as store:
        while stored < passages:
            for clean, spans, digest, _url in prepared:
                if stored >= passages:
                    break
                spans = spans[: passages - stored]
                await store.articles.save(
                    replace(clean, guid=f"{clean.guid or digest}-{number}"),
                    url_canonical=None, content_hash=f"{digest}-{number}", passages=spans,
                    analyzer=PASSAGE_VERSION, origin="bench",
                )
                stored += len(spans)
                number += 1
                if number % 20_000 == 0:
                    log(f"startup: {stored:,} passages stored")
    return {"articles": number, "stored_passages": stored,
            "fill_s": round(time.perf_counter() - start, 1),
            "db_mb": round(db.stat().st_size / 2**20, 1)}


def build_side(db: str, folder: str | None) -> dict[str, Any]:
    """A fresh process: Library.build() from every passage (and save, given a folder)."""
    return asyncio.run(_build(Path(db), Path(folder) if folder else None))


async def _build(db: Path, folder: Path | None) -> dict[str, Any]:
    from index.search import Library
    from index.store import Store

    async with await Store.open(db) as store:
        library = Library(store, snapshots=folder)
        start = time.perf_counter()
        passages = await library.build()
        seconds = time.perf_counter() - start
        if library.source != "built":
            raise AssertionError(f"expected a build, got {library.source}")
    return {"passages": passages, "build_s": round(seconds, 3), **_memory()}


def start_side(db: str, folder: str, queries: list[list[str]],
               questions: list[str] | None = None) -> dict[str, Any]:
    """A fresh process: imports, opening the store, loading the snapshot; then the queries."""
    start = time.perf_counter()

    import index.search  # noqa: F401  (timed: numpy, numba, the analyzer's tables)
    from index.bm25 import _warm_kernel

    imported = time.perf_counter()
    _warm_kernel()  # the compiled search, from numba's cache on disk
    warmed = time.perf_counter()
    return {"import_s": round(imported - start, 3), "kernel_s": round(warmed - imported, 3),
            **asyncio.run(_start(Path(db), Path(folder), queries, questions))}


async def _start(db: Path, folder: Path, queries: list[list[str]],
                 questions: list[str] | None = None) -> dict[str, Any]:
    from index import collector
    from index.query import Concept, ParsedQuery
    from index.roots import root_of
    from index.search import Library
    from index.store import Store
    from index.store.prewarm import DEFAULT_LIMIT_MB

    start = time.perf_counter()
    async with await Store.open(db) as store:
        opened = time.perf_counter()
        # as the bot does once its store is open: the file read into the OS cache beside the
        # snapshot's load (index.store.prewarm)
        prewarming = asyncio.ensure_future(store.prewarm(DEFAULT_LIMIT_MB))
        library = Library(store, snapshots=folder)
        passages = await library.build()
        ready = time.perf_counter()
        if library.source != "loaded":
            raise AssertionError(f"the snapshot was not loaded ({library.source})")
        # then as the bot goes on after its build (bot.app): what lives on frozen, the GIL
        # handed over every 1 ms
        collector.settle()
        after_start = _memory()

        def parsed(words: list[str]) -> ParsedQuery:
            return ParsedQuery(" ".join(words), tuple(words), tuple(
                Concept(w, {w: 1.0}, {root_of(w): 1.0}, True) for w in words))

        asked = [parsed(q) for q in queries]
        first = time.perf_counter()
        library.ranker.rank(asked[0], 10)
        first_s = time.perf_counter() - first
        latencies = []
        for query in asked:
            t = time.perf_counter()
            library.ranker.rank(query, 10)
            latencies.append((time.perf_counter() - t) * 1000)
        after_queries = _memory()
        # the whole answer() — analysis, three fields, the relevance rule, the store's rows,
        # excerpts, names — for the same words asked as a reader's message (issue 13, part 5)
        answers, answered = [], 0
        asked_as = questions or [" ".join(words) for words in queries[:ANSWER_QUERIES]]
        for question in asked_as:
            t = time.perf_counter()
            answer = await library.answer(question)
            answers.append((time.perf_counter() - t) * 1000)
            answered += bool(answer.hits)
        prewarmed = await prewarming
    answers.sort()
    latencies.sort()
    return {
        "passages": passages,
        "open_s": round(opened - start, 3),
        "load_s": round(ready - opened, 3),
        "ready_s": round(ready - start, 3),
        "first_query_ms": round(first_s * 1000, 2),
        "query_p50_ms": round(latencies[len(latencies) // 2], 3),
        "query_p95_ms": round(latencies[int(len(latencies) * 0.95)], 3),
        "after_start": after_start,
        "after_queries": after_queries,
        "answer_p50_ms": round(answers[len(answers) // 2], 3) if answers else None,
        "answer_p95_ms": round(answers[int(len(answers) * 0.95)], 3) if answers else None,
        "answers": len(answers),
        "answered": answered,
        "prewarm_mb": round(prewarmed / 2**20),
    }


def run(passages: int, queries: int = 1000, seed: int = 7, *, folder: Path | None = None,
        news: Path | None = None, questions: list[str] | None = None,
        log: Callable[[str], None] = lambda _m: None) -> dict[str, Any]:
    """The start-up report (the JSON object `bench --startup --json` prints)."""
    from index.bench import CorpusSpec, SyntheticCorpus, _in_child, _machine

    with tempfile.TemporaryDirectory(prefix="naba-startup-", dir=folder) as tmp:
        db, index_dir = Path(tmp) / "startup.db", Path(tmp) / "index"
        if news is None:
            log(f"startup: storing {passages:,} synthetic passages")
            filled = asyncio.run(fill_store(db, passages, seed, log))
        else:
            log(f"startup: storing {passages:,} passages of {news.name}, copied")
            filled = asyncio.run(fill_store_news(db, passages, news, log))
        report: dict[str, Any] = {"passages": passages, "queries": queries, "seed": seed,
                                  "corpus": "news" if news else "synthetic", **filled}
        log("startup: rebuilding from every passage (no snapshot)")
        report["rebuild"] = _in_child(build_side, str(db), None)
        log("startup: building and saving the snapshot")
        report["build_save"] = _in_child(build_side, str(db), str(index_dir))
        files = list(index_dir.glob("*.naba-index"))
        report["snapshot_mb"] = round(sum(f.stat().st_size for f in files) / 2**20, 1)
        log(f"startup: a fresh process starting from the snapshot, then {queries} queries")
        if questions:
            from index.normalize import analyze

            analysed = [terms for terms in map(analyze, questions) if terms]
            asked = [analysed[i % len(analysed)] for i in range(queries)]
        else:
            asked = SyntheticCorpus(CorpusSpec(passages, seed)).queries(queries + WARMUP)
            asked = asked[WARMUP:]
        # a restart comes long after the files were written: the write-back of what the
        # build just wrote is not part of the start it measures
        if hasattr(os, "sync"):
            os.sync()
        report["start"] = _in_child(start_side, str(db), str(index_dir), asked, questions)
    report["machine"] = _machine()
    report["load_average"] = _load_average()
    return report


def _load_average() -> str:
    try:
        with open("/proc/loadavg", encoding="ascii") as f:
            return " ".join(f.read().split()[:3])
    except OSError:
        return "?"


def format_startup(r: dict[str, Any]) -> str:
    start, rebuild, built = r["start"], r["rebuild"], r["build_save"]
    after_s, after_q = start["after_start"], start["after_queries"]
    return "\n".join([
        f"start-up: {r['passages']:,} {r.get('corpus', 'synthetic')} passages in a SQLite "
        f"store of "
        f"{r['articles']:,} articles ({r['db_mb']:,.0f} MB); {r['machine']}; load "
        f"{r['load_average']}",
        f"  rebuild from every passage (no snapshot): {rebuild['build_s']:.2f} s, "
        f"RSS {rebuild['rss_mb']:,.0f} MB (peak {rebuild['peak_rss_mb']:,.0f})",
        f"  build + save the snapshot: {built['build_s']:.2f} s; snapshot "
        f"{r['snapshot_mb']:,.0f} MB on disk",
        f"  a fresh process: imports {start['import_s']:.2f} s, the search kernel from "
        f"numba's cache {start['kernel_s']:.2f} s; then open the store {start['open_s']:.3f} s, "
        f"load the snapshot {start['load_s']:.3f} s → ready {start['ready_s']:.3f} s",
        f"  RSS after start {after_s['rss_mb']:,.0f} MB (own {after_s['anon_mb']:,.0f}, "
        f"mapped file {after_s['file_mb']:,.0f}); after {r['queries']:,} queries "
        f"{after_q['rss_mb']:,.0f} MB (own {after_q['anon_mb']:,.0f}, mapped file "
        f"{after_q['file_mb']:,.0f})",
        f"  queries (the ranker, three fields): first {start['first_query_ms']:.1f} ms, p50 "
        f"{start['query_p50_ms']:.2f} ms, p95 {start['query_p95_ms']:.2f} ms",
        f"  answer() (the whole path; "
        f"{'reader questions' if r.get('corpus') == 'news' else 'the same words as messages'}"
        f"): p50 "
        f"{start['answer_p50_ms']:.2f} ms, p95 {start['answer_p95_ms']:.2f} ms over "
        f"{start['answers']} ({start['answered']} answered); the store's first "
        f"{start.get('prewarm_mb', 0):,} MB read into the OS cache meanwhile",
    ])
