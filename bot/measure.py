"""`python -m bot eval` and `python -m bot bench`: retrieval quality and speed, measured."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
# The shared evaluation data sits beside the repository when it is checked out with it.
DEFAULT_DATASET = REPO.parent / "shared" / "eval" / "arcd.json"


def _fail(message: str) -> int:
    print(message, file=sys.stderr)
    return 2


DEFAULT_READERS = REPO / "eval" / "readers"
DEFAULT_NEWS = REPO.parent / "shared" / "eval" / "news" / "saudinewsnet-2015-08-01_09.json.gz"
# Retrieval datasets of the default table: ARCD (whole, and its held-out half) and TyDi-ar.
DEFAULT_SQUAD = ("arcd.json", "arcd-test.json", "tydiqa-goldp-v1.1-dev-ar.json")


def cmd_eval(args: argparse.Namespace) -> int:
    """The reader-set table (what users get), then the retrieval table (ARCD, TyDi)."""
    if getattr(args, "thresholds", False):
        return _thresholds(args)
    if not args.no_readers and not args.dataset:
        status = asyncio.run(_readers(args))
        if status:
            return status
    if args.no_squad:
        return 0
    return _squad(args)


def _squad(args: argparse.Namespace) -> int:
    """Recall@1/5/20 and MRR@10 of each analyzer and ranker on each SQuAD-format dataset."""
    from index.evaluate import evaluate, format_table, to_json
    from index.normalize import ANALYZERS, DEFAULT_ANALYZER

    datasets = list(args.dataset or [])
    if not datasets:
        datasets = [DEFAULT_DATASET.with_name(n) for n in DEFAULT_SQUAD]
        datasets = [d for d in datasets if d.is_file()]
        if not datasets:
            return _fail(f"no dataset: {DEFAULT_DATASET} is not there; pass --dataset PATH "
                         "(a SQuAD-format JSON file such as ARCD or TyDi QA GoldP)")
    for path in datasets:
        if not Path(path).is_file():
            return _fail(f"--dataset {path}: no such file")
    names = list(args.analyzer or [DEFAULT_ANALYZER])
    if "all" in names:
        names = list(ANALYZERS)
    unknown = [n for n in names if n not in ANALYZERS]
    if unknown:
        return _fail(f"unknown analyzer {unknown[0]!r}; choose from: all, {', '.join(ANALYZERS)}")
    names = list(dict.fromkeys(names))
    rankers = list(dict.fromkeys(getattr(args, "ranker", None) or ["bm25", "naba"]))
    results = []
    for path in datasets:
        for name in names:
            for ranker in rankers:
                if ranker == "naba" and name != DEFAULT_ANALYZER:
                    continue  # the bot's ranking uses the default analyzer only
                try:
                    result = evaluate(path, name, ranker=ranker)
                except ValueError as err:
                    return _fail(f"--dataset {path}: {err}")
                if args.json:
                    print(json.dumps(to_json(result), ensure_ascii=False), flush=True)
                results.append(result)
    if not args.json:
        print(format_table(results))
    return 0


async def _readers(args: argparse.Namespace) -> int:
    """Ask the reader set through Library.answer over seeds/ (+ the news corpus if present)."""
    from index.ingest import ingest_path
    from index.readers import (
        format_reader_table,
        ingest_news_dump,
        load_reader_questions,
        reader_table,
        run_readers,
    )
    from index.search import Library
    from index.store import Store

    try:
        questions = load_reader_questions(args.readers or [DEFAULT_READERS])
    except (OSError, ValueError) as err:
        return _fail(f"--readers: {err}")
    news = args.news or (DEFAULT_NEWS if DEFAULT_NEWS.is_file() else None)
    if getattr(args, "no_news", False):
        news = None
    if news is not None and not Path(news).is_file():
        return _fail(f"--news {news}: no such file")
    if news is None:
        skipped = [q for q in questions if q.corpus == "news"]
        questions = [q for q in questions if q.corpus != "news"]
        print(f"(no news corpus: {len(skipped)} news questions skipped; pass --news PATH)",
              file=sys.stderr)
    with tempfile.TemporaryDirectory(prefix="naba-eval-") as tmp:
        async with await Store.open(Path(tmp) / "eval.db") as store:
            await ingest_path(store, REPO / "seeds")
            if news is not None:
                print(f"indexing {news} …", file=sys.stderr, flush=True)
                await ingest_news_dump(store, news)
            library = Library(store)
            await library.build()
            outcomes = await run_readers(library, questions)
    rows = reader_table(outcomes)
    if args.json:
        for row in rows:
            print(json.dumps({"table": "readers", **row.__dict__}, ensure_ascii=False))
    else:
        print(f"reader questions: {len(questions)} ({library.passages} passages indexed)")
        print(format_reader_table(rows))
        print()
    if getattr(args, "details", False):
        for o in outcomes:
            q = o.question
            wrong = (o.rank is None or o.rank > 1) if q.answerable else o.answered
            if wrong:
                got = (o.first or "—").replace("\n", " ")[:110]
                print(f"{q.id}\t{q.question}\trank={o.rank}\tgot: {got}", file=sys.stderr)
    return 0


def _thresholds(args: argparse.Namespace) -> int:
    """How the answer threshold (index.relevance.MIN_COVERAGE) trades answers for silence."""
    from index.evaluate import threshold_table
    from index.relevance import MIN_COVERAGE

    paths = list(args.dataset or [])
    if not paths:
        paths = [DEFAULT_DATASET.with_name("arcd-train.json"),
                 DEFAULT_DATASET.with_name("arcd-test.json")]
    if len(paths) != 2:
        return _fail("--thresholds takes two --dataset files: questions, then other passages")
    for path in paths:
        if not Path(path).is_file():
            return _fail(f"--dataset {path}: no such file")
    rows = threshold_table(paths[0], paths[1], (0.2, 0.3, MIN_COVERAGE, 0.5, 0.6, 0.7))
    if args.json:
        for row in rows:
            print(json.dumps(row.__dict__))
        return 0
    print(f"questions: {paths[0]}  unanswerable against: {paths[1]}")
    print("threshold  right first  answered  unanswerable answered anyway")
    for row in sorted(rows, key=lambda r: r.threshold):
        mark = "  <- MIN_COVERAGE" if row.threshold == MIN_COVERAGE else ""
        print(f"{row.threshold:9.2f}  {row.right_first:11.3f}  {row.answered:8.3f}  "
              f"{row.noise:29.3f}{mark}")
    return 0


def cmd_bench(args: argparse.Namespace) -> int:
    """naba's index against rank-bm25 on one synthetic corpus (see index/bench.py)."""
    from index.bench import format_report, run

    if args.passages < 1:
        return _fail(f"--passages must be at least 1, got {args.passages}")
    if args.queries < 1:
        return _fail(f"--queries must be at least 1, got {args.queries}")
    options = {"rank_bm25": not getattr(args, "no_rank_bm25", False)}
    if getattr(args, "mean_length", None) is not None:
        options["mean_length"] = args.mean_length
    report = run(args.passages, args.queries, args.seed, **options,
                 log=lambda message: print(message, file=sys.stderr, flush=True))
    print(json.dumps(report) if args.json else format_report(report))
    # A ranking that differs from rank-bm25's is a bug, not a slow run: say so in the status.
    return 0 if report["top10_agreement"] in (None, 1.0) else 1
