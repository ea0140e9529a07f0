"""`python -m bot eval` and `python -m bot bench`: retrieval quality and speed, measured."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
# The shared evaluation data sits beside the repository when it is checked out with it.
DEFAULT_DATASET = REPO.parent / "shared" / "eval" / "arcd.json"


def _fail(message: str) -> int:
    print(message, file=sys.stderr)
    return 2


def cmd_eval(args: argparse.Namespace) -> int:
    """Recall@1/5/20 and MRR@10 of each analyzer on each SQuAD-format dataset, one table."""
    from index.evaluate import evaluate, format_table, to_json
    from index.normalize import ANALYZERS, DEFAULT_ANALYZER

    if getattr(args, "thresholds", False):
        return _thresholds(args)
    datasets = list(args.dataset or [])
    if not datasets:
        if not DEFAULT_DATASET.is_file():
            return _fail(f"no dataset: {DEFAULT_DATASET} is not there; pass --dataset PATH "
                         "(a SQuAD-format JSON file such as ARCD or TyDi QA GoldP)")
        datasets = [DEFAULT_DATASET]
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
    results = []
    for path in datasets:
        for name in names:
            try:
                result = evaluate(path, name)
            except ValueError as err:
                return _fail(f"--dataset {path}: {err}")
            if args.json:
                print(json.dumps(to_json(result), ensure_ascii=False), flush=True)
            results.append(result)
    if not args.json:
        print(format_table(results))
    return 0


def _thresholds(args: argparse.Namespace) -> int:
    """How the answer threshold (index.search.MIN_COVERAGE) trades answers for silence."""
    from index.evaluate import threshold_table
    from index.search import MIN_COVERAGE

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
