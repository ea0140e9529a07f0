"""Event-loop lag during a bulk ingest into a running Library (issue 13, part 4: "no stall").

A bot answers questions on one asyncio loop; an ingest that holds the loop (a merge, a table
rebuild, tokenizing on it) freezes every chat meanwhile. This measures it as the bot lives it:

1. a store (SQLite, in a temporary folder) gets the `base` articles — or, with `fill`, is
   filled by it first (``bench --stall --stall-passages 1000000``: copies of the news articles
   up to a million passages, index.startup.fill_store_news) — and a Library is built;
2. three coroutines then share the loop: a *ticker* that sleeps TICK_S and records how late it
   wakes (the loop's pauses), an *asker* that answers a question every ASK_EVERY_S through
   ``Library.answer`` (the full answer path, timed), and the *ingest*: the `burst` articles
   through ``ingest_articles`` in batches of BATCH, each followed by ``library.refresh()``,
   as the bot's feed poller does; then the background merge is awaited.

The report is the longest pause, the 99th percentile and the count over 20 ms, and the
questions' p50/p95 during the ingest; and the garbage collector's passes meanwhile (timed
through ``gc.callbacks``, in wall and in CPU time), which tell a collection that holds the
loop from CPU the machine's other jobs take. Tests bound these loosely; the bench prints them.
"""

from __future__ import annotations

import asyncio
import gc
import gzip
import json
import tempfile
import threading
import time
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np

from index import collector, workers
from index.models import ArticleIn

TICK_S = 0.002
ASK_EVERY_S = 0.05
BATCH = 100
STALL_MS = 20.0
# The same observation without an ingest first: what the machine itself adds (other
# processes, the questions' own time on the loop).
QUIET_S = 5.0


def news_articles(path: Path) -> list[ArticleIn]:
    """The articles of a gzipped JSON list in naba's article format (SaudiNewsNet)."""
    with gzip.open(path, "rt", encoding="utf-8") as f:
        items = json.load(f)
    return [
        ArticleIn(title=item["title"], text=item["text"], source=item.get("source"),
                  url=item.get("url"), guid=item.get("guid"),
                  published=datetime.fromisoformat(item["published"])
                  if item.get("published") else None)
        for item in items
    ]


def synthetic_articles(n: int, seed: int = 7, first: int = 0) -> list[ArticleIn]:
    """`n` Arabic-letter articles of 4–10 sentences of synthetic words (index.bench's)."""
    from index.bench import make_words

    words = make_words(5_000, seed)
    weights = 1.0 / np.arange(1, len(words) + 1)
    weights /= weights.sum()
    out = []
    for number in range(first, first + n):
        rng = np.random.default_rng([seed, 8, number])
        sentences = []
        for _ in range(int(rng.integers(4, 11))):
            picked = rng.choice(len(words), int(rng.integers(8, 20)), p=weights)
            sentences.append(" ".join(words[i] for i in picked) + ".")
        out.append(ArticleIn(title=" ".join(sentences[0].split()[:6]), text="\n".join(sentences),
                             guid=f"bench-{seed}-{number}"))
    return out


def inputs(articles: int, shared: Path, seed: int = 7, base: int | None = None
           ) -> tuple[list[ArticleIn], list[ArticleIn], list[str], str]:
    """(base articles, the `articles` to ingest, questions, a note on what they are): the
    SaudiNewsNet articles and ARCD's questions when the shared folder holds them (`base`
    articles, by default all those not ingested), else synthetic articles and questions."""
    news = shared / "news" / "saudinewsnet-2015-08-01_09.json.gz"
    arcd = shared / "arcd.json"
    if news.is_file() and arcd.is_file():
        from index.evaluate import load_squad

        every = news_articles(news)
        burst, rest = every[:articles], every[articles:]
        rest = rest if base is None else rest[:base]
        questions = [question for question, _ in load_squad(arcd)[1]]
        note = (f"SaudiNewsNet: {len(burst):,} articles ingested over {len(rest):,} stored, "
                f"ARCD questions")
        return rest, burst, questions, note
    n_base = 2_000 if base is None else base
    rest = synthetic_articles(n_base, seed)
    burst = synthetic_articles(articles, seed, first=n_base)
    questions = [" ".join(a.text.split()[:4]) for a in rest[:200]]
    note = f"synthetic articles ({news} or {arcd} not found): {articles:,} over {n_base:,}"
    return rest, burst, questions, note


async def measure(
    base: Sequence[ArticleIn],
    burst: Sequence[ArticleIn],
    questions: Sequence[str],
    *,
    folder: Path | None = None,
    batch: int = BATCH,
    tick_s: float = TICK_S,
    ask_every_s: float = ASK_EVERY_S,
    quiet_s: float | None = None,
    analysis_workers: int = 1,
    fill: Callable[[Path], Awaitable[Any]] | None = None,
    log: Callable[[str], None] = lambda _m: None,
) -> dict[str, Any]:
    """Ingest `burst` into a running Library over `base` (or over what `fill` stores at the
    database's path first); the loop's pauses and question latencies meanwhile. The burst is
    analysed in `analysis_workers` processes, as the bot does (index.workers; 0: in a
    thread)."""
    from index.ingest import ingest_articles
    from index.search import Library
    from index.store import Store

    quiet_s = QUIET_S if quiet_s is None else quiet_s
    if not questions:
        raise ValueError("need at least one question to ask during the ingest")
    with tempfile.TemporaryDirectory(prefix="naba-stall-", dir=folder) as tmp:
        db = Path(tmp) / "stall.db"
        start = time.perf_counter()
        if fill is not None:
            log("stall: filling the base store")
            await fill(db)
        async with await Store.open(db) as store:
            if fill is None:
                log(f"stall: storing {len(base):,} base articles")
                await ingest_articles(store, base, "bench-base")
            # the collector policy the bot runs (bot/app.py, index.collector)
            library = Library(store, on_refresh=collector.after_refresh)
            await library.build()
            collector.settle()
            base_passages = library.passages
            log(f"stall: {base_passages:,} passages indexed in {time.perf_counter() - start:.0f}"
                f" s; ingesting {len(burst):,} more while asking questions")
            for question in questions[:5]:  # first calls: lazy tables, caches
                await library.answer(question)

            quiet = await _observe(library, questions, asyncio.sleep(quiet_s), tick_s,
                                   ask_every_s)

            async def ingest() -> None:
                for i in range(0, len(burst), batch):
                    await ingest_articles(store, burst[i : i + batch], "bench-burst")
                    await library.refresh()
                # the merge the last refresh started, in a worker thread: part of the ingest
                merging = library._merging
                if merging is not None:
                    await merging

            async with workers.started(analysis_workers):
                start = time.perf_counter()
                with Collections() as collections:
                    busy = await _observe(library, questions, ingest(), tick_s, ask_every_s)
                ingest_s = time.perf_counter() - start
            passages = library.passages
    return {
        "analysis_workers": analysis_workers,
        "base_articles": len(base) if fill is None else None,
        "base_passages": base_passages,
        "articles": len(burst),
        "passages_after": passages,
        "ingest_s": round(ingest_s, 2),
        **_figures(busy, ""),
        **collections.figures(),
        **_figures(quiet, "_quiet"),
        "quiet_s": quiet_s,
    }


class Collections:
    """The garbage collector's passes while installed (a ``gc.callbacks`` entry): each one's
    generation, wall time and the collecting thread's CPU time, in ms."""

    def __init__(self) -> None:
        self.passes: list[tuple[int, float, float]] = []
        self._started: dict[int, tuple[float, float]] = {}

    def __call__(self, phase: str, info: dict[str, int]) -> None:
        thread = threading.get_ident()
        if phase == "start":
            self._started[thread] = (time.perf_counter(), time.thread_time())
            return
        began = self._started.pop(thread, None)
        if began is not None:
            self.passes.append((info["generation"], (time.perf_counter() - began[0]) * 1000,
                                (time.thread_time() - began[1]) * 1000))

    def __enter__(self) -> Collections:
        gc.callbacks.append(self)
        return self

    def __exit__(self, *exc: object) -> None:
        gc.callbacks.remove(self)

    def figures(self) -> dict[str, Any]:
        return {
            "gc_passes": len(self.passes),
            "gc_full_passes": sum(generation == 2 for generation, _, _ in self.passes),
            "gc_longest_ms": round(max((wall for _, wall, _ in self.passes), default=0.0), 2),
            "gc_longest_cpu_ms": round(max((cpu for _, _, cpu in self.passes), default=0.0), 2),
        }


async def _observe(library: Any, questions: Sequence[str], work: Awaitable[None],
                   tick_s: float, ask_every_s: float) -> tuple[list[float], list[float]]:
    """The loop's pauses (ms) and the questions' latencies (ms) while `work` runs."""
    done = asyncio.Event()
    pauses: list[float] = []
    answers_ms: list[float] = []
    clock = time.perf_counter

    async def ticker() -> None:
        while not done.is_set():
            before = clock()
            await asyncio.sleep(tick_s)
            pauses.append(max(0.0, (clock() - before - tick_s) * 1000))

    async def asker() -> None:
        n = 0
        while not done.is_set():
            before = clock()
            await library.answer(questions[n % len(questions)])
            answers_ms.append((clock() - before) * 1000)
            n += 1
            await asyncio.sleep(ask_every_s)

    tasks = [asyncio.create_task(ticker()), asyncio.create_task(asker())]
    try:
        await work
    finally:
        done.set()
        await asyncio.gather(*tasks)
    return pauses, answers_ms


def _figures(observed: tuple[list[float], list[float]], suffix: str) -> dict[str, Any]:
    pauses, answers = observed

    def pct(values: list[float], q: float) -> float | None:
        return round(float(np.percentile(values, q)), 2) if values else None

    return {
        f"loop_max_pause_ms{suffix}": round(max(pauses, default=0.0), 2),
        f"loop_p99_pause_ms{suffix}": pct(pauses, 99),
        f"loop_pauses_over_20ms{suffix}": sum(p > STALL_MS for p in pauses),
        f"ticks{suffix}": len(pauses),
        f"questions{suffix}": len(answers),
        f"question_p50_ms{suffix}": pct(answers, 50),
        f"question_p95_ms{suffix}": pct(answers, 95),
        f"question_max_ms{suffix}": round(max(answers), 2) if answers else None,
    }


def format_stall(r: dict[str, Any]) -> str:
    """One paragraph: the loop's pauses and the questions' latency during the ingest."""
    quiet = (f"without an ingest ({r['quiet_s']:g} s): longest pause "
             f"{r['loop_max_pause_ms_quiet']:.1f} ms, questions p95 "
             f"{r['question_p95_ms_quiet']} ms")
    return (
        f"no stall: {r['articles']:,} articles ingested in {r['ingest_s']:.0f} s into a running "
        f"library of {r['base_passages']:,} passages ({r['passages_after']:,} after): longest "
        f"event-loop pause {r['loop_max_pause_ms']:.1f} ms (p99 {r['loop_p99_pause_ms']:.1f} "
        f"ms, {r['loop_pauses_over_20ms']} over {STALL_MS:.0f} ms in {r['ticks']:,} ticks); "
        f"{r['questions']:,} questions meanwhile: p50 {r['question_p50_ms']} ms, "
        f"p95 {r['question_p95_ms']} ms, max {r['question_max_ms']} ms; garbage collector "
        f"meanwhile: {r['gc_passes']:,} passes ({r['gc_full_passes']} full), the longest "
        f"{r['gc_longest_ms']:.1f} ms ({r['gc_longest_cpu_ms']:.1f} ms of CPU); {quiet}"
    )
