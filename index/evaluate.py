"""Retrieval quality on SQuAD-format Arabic QA files (ARCD, TyDi QA GoldP).

Every distinct context paragraph (deduplicated by exact text) is a passage; a question is
answered when its own paragraph comes back. Passages and questions go through the production
analyzer and BM25 index, so the numbers describe what the bot retrieves.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Sequence
from dataclasses import dataclass
from os import PathLike
from pathlib import Path
from typing import Any

from index.bm25 import BM25Index
from index.normalize import DEFAULT_ANALYZER, analyze, get_analyzer
from index.params import EPSILON, K1, B
from index.query import IndexVocabulary, parse_query
from index.ranking import Fields, FusedBM25
from index.relevance import Judge
from index.roots import roots
from index.thesaurus import Thesaurus

# Deep enough for Recall@20; MRR@10 only looks at the first ten.
_DEPTH = 20

# ARCD questions often start with a stray " - " (" - من هو جمال خاشقجي؟ ").
_LEADING_DASH = re.compile(r"^\s*-\s*")


@dataclass(frozen=True, slots=True)
class EvalResult:
    """Retrieval quality of one analyzer on one dataset."""

    dataset: str
    analyzer: str
    passages: int
    questions: int
    recall_at_1: float
    recall_at_5: float
    recall_at_20: float
    mrr_at_10: float
    build_s: float  # analysing the passages and building the index
    k1: float = K1
    b: float = B
    ranker: str = "bm25"


def rank_metrics(ranks: Sequence[int | None]) -> dict[str, float]:
    """Recall@1/5/20 and MRR@10 from 1-based ranks of the right passage (None: not retrieved).

    >>> rank_metrics([1, 3, None])["mrr@10"] == (1 + 1 / 3) / 3
    True
    """
    if not ranks:
        raise ValueError("no ranks to score")
    if any(r is not None and r < 1 for r in ranks):
        raise ValueError("ranks are 1-based")
    n = len(ranks)
    found = [r for r in ranks if r is not None]
    return {
        "recall@1": sum(r <= 1 for r in found) / n,
        "recall@5": sum(r <= 5 for r in found) / n,
        "recall@20": sum(r <= 20 for r in found) / n,
        "mrr@10": sum(1 / r for r in found if r <= 10) / n,
    }


def _expect(value: Any, kind: type, where: str) -> Any:
    if not isinstance(value, kind):
        raise ValueError(f"{where}: expected {kind.__name__}, got {type(value).__name__}")
    return value


def load_squad(path: str | PathLike[str]) -> tuple[list[str], list[tuple[str, int]]]:
    """Distinct contexts, and (question, index of its context) pairs, from a SQuAD v1.1 file.

    Raises ValueError naming the file and the first malformed field.
    """
    contexts, _, questions = load_squad_titled(path)
    return contexts, questions


def load_squad_titled(
    path: str | PathLike[str],
) -> tuple[list[str], list[str], list[tuple[str, int]]]:
    """load_squad plus each context's article title ("" where the file has none)."""
    path = Path(path)
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        raise ValueError(f"{path}: not a UTF-8 JSON file ({err})") from None
    contexts: list[str] = []
    titles: list[str] = []
    position: dict[str, int] = {}
    questions: list[tuple[str, int]] = []
    try:
        data = _expect(_expect(doc, dict, "top level").get("data"), list, "data")
        for i, article in enumerate(data):
            where = f"data[{i}]"
            paragraphs = _expect(_expect(article, dict, where).get("paragraphs"), list, where)
            for j, paragraph in enumerate(paragraphs):
                where = f"data[{i}].paragraphs[{j}]"
                _expect(paragraph, dict, where)
                context = _expect(paragraph.get("context"), str, f"{where}.context")
                qas = _expect(paragraph.get("qas"), list, f"{where}.qas")
                if context not in position:
                    position[context] = len(contexts)
                    contexts.append(context)
                    title = article.get("title")
                    titles.append(title.replace("_", " ") if isinstance(title, str) else "")
                for k, qa in enumerate(qas):
                    question = _expect(qa, dict, f"{where}.qas[{k}]").get("question")
                    question = _expect(question, str, f"{where}.qas[{k}].question")
                    questions.append((_LEADING_DASH.sub("", question).strip(), position[context]))
    except ValueError as err:
        raise ValueError(f"{path}: {err}") from None
    if not questions:
        raise ValueError(f"{path}: no questions")
    return contexts, titles, questions


def _ranked(index: BM25Index, tokens: list[str], k: int) -> list[int]:
    """Doc ids of the top k, best first (ties by doc id); docs that match nothing are left out."""
    return [doc for doc, _ in index.search(tokens, k)]


RANKERS = ("bm25", "naba")


def build_fields(light: Sequence[list[str]], titles: Sequence[str], k1: float = K1,
                 b: float = B) -> Fields:
    """The production fields over passages given as their analysed terms: those terms, their
    roots, and each passage's analysed title."""
    return Fields(
        BM25Index.from_corpus(light, k1=k1, b=b, epsilon=EPSILON),
        BM25Index.from_corpus((roots(ts) for ts in light), k1=k1, b=b, epsilon=EPSILON),
        BM25Index.from_corpus((analyze(t) for t in titles), k1=k1, b=b, epsilon=EPSILON),
    )


def _naba_ranked(parsed, fused: FusedBM25, fields: Fields, tokens: list[list[str]]) -> list[int]:
    """The bot's order without its threshold: fused fields, then the rerank of answer()."""
    ranked = fused.rank(parsed, max(_DEPTH, 50))
    if not ranked:
        return []
    judge = Judge(parsed, len(fields.light), fields.light.df)
    best = ranked[0].score
    final = []
    for s in ranked:
        sequence = tokens[s.doc]
        present = frozenset(sequence)
        coverage = judge.coverage(present, sequence)
        final.append((judge.rerank(s.score, best, coverage, sequence, present), s.doc))
    final.sort(key=lambda x: (-x[0], x[1]))
    return [doc for _, doc in final[:_DEPTH]]


def evaluate(
    path: str | PathLike[str],
    analyzer: str = DEFAULT_ANALYZER,
    k1: float = K1,
    b: float = B,
    ranker: str = "bm25",
) -> EvalResult:
    """Index the file's distinct contexts and score how well each question finds its own.

    ranker "bm25": the analyzer's terms in one BM25 field (rank-bm25's ranking, for comparing
    analyzers); "naba": what the bot ranks with — query analysis against the vocabulary,
    synonyms, and the fused light/root/title fields (default analyzer only)."""
    terms_of = get_analyzer(analyzer).terms  # an unknown name fails before any work
    if ranker not in RANKERS:
        raise ValueError(f"unknown ranker {ranker!r}; choose one of: {', '.join(RANKERS)}")
    if ranker == "naba" and analyzer != DEFAULT_ANALYZER:
        raise ValueError(f"the naba ranker uses the {DEFAULT_ANALYZER} analyzer")
    contexts, titles, questions = load_squad_titled(path)
    started = time.perf_counter()
    if ranker == "naba":
        light_tokens = [analyze(c) for c in contexts]
        fields = build_fields(light_tokens, titles, k1, b)
        fused = FusedBM25(fields)
        vocabulary = IndexVocabulary(lambda: fields.light)
        thesaurus = Thesaurus.default()
    else:
        index = BM25Index.from_corpus((terms_of(c) for c in contexts), k1=k1, b=b,
                                      epsilon=EPSILON)
    build_s = time.perf_counter() - started
    ranks: list[int | None] = []
    for question, gold in questions:
        if ranker == "naba":
            parsed = parse_query(question, vocabulary, thesaurus.alternatives)
            top = _naba_ranked(parsed, fused, fields, light_tokens) if parsed.concepts else []
        else:
            tokens = terms_of(question)
            top = _ranked(index, tokens, _DEPTH) if tokens else []
        ranks.append(top.index(gold) + 1 if gold in top else None)
    m = rank_metrics(ranks)
    return EvalResult(
        dataset=Path(path).stem,
        analyzer=analyzer,
        passages=len(contexts),
        questions=len(questions),
        recall_at_1=m["recall@1"],
        recall_at_5=m["recall@5"],
        recall_at_20=m["recall@20"],
        mrr_at_10=m["mrr@10"],
        build_s=build_s,
        k1=k1,
        b=b,
        ranker=ranker,
    )


def to_json(result: EvalResult) -> dict[str, Any]:
    """A flat JSON-ready dict with the metric names people quote ("recall@5", "mrr@10")."""
    return {
        "dataset": result.dataset,
        "analyzer": result.analyzer,
        "ranker": result.ranker,
        "passages": result.passages,
        "questions": result.questions,
        "recall@1": round(result.recall_at_1, 4),
        "recall@5": round(result.recall_at_5, 4),
        "recall@20": round(result.recall_at_20, 4),
        "mrr@10": round(result.mrr_at_10, 4),
        "build_s": round(result.build_s, 3),
        "k1": result.k1,
        "b": result.b,
    }


_COLUMNS = (
    "dataset", "analyzer", "ranker", "passages", "questions", "R@1", "R@5", "R@20", "MRR@10",
    "build s",
)


def format_table(results: Sequence[EvalResult]) -> str:
    """One aligned plain-text table, a row per result: text columns left, numbers right."""
    rows = [
        (
            r.dataset,
            r.analyzer,
            r.ranker,
            str(r.passages),
            str(r.questions),
            f"{r.recall_at_1:.3f}",
            f"{r.recall_at_5:.3f}",
            f"{r.recall_at_20:.3f}",
            f"{r.mrr_at_10:.3f}",
            f"{r.build_s:.2f}",
        )
        for r in results
    ]
    widths = [max(len(row[i]) for row in [_COLUMNS, *rows]) for i in range(len(_COLUMNS))]

    def line(cells: Sequence[str]) -> str:
        # dataset and analyzer read left to right; numbers line up on the right
        cols = enumerate(zip(cells, widths, strict=True))
        return "  ".join(c.ljust(w) if i < 3 else c.rjust(w) for i, (c, w) in cols)

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([line(_COLUMNS), rule, *(line(row) for row in rows)])


@dataclass(frozen=True)
class ThresholdRow:
    """How one relevance rule (index.relevance) trades answers for silence."""

    threshold: float  # MIN_COVERAGE
    max_missing: float  # MAX_MISSING
    right_first: float  # answerable questions whose first accepted passage is the right one
    answered: float  # answerable questions that got any passage
    noise: float  # unanswerable questions that got a passage anyway


Rule = tuple[float, float]  # (min coverage, max missing)


def _first_accepted(path_q: str | PathLike[str], path_c: str | PathLike[str],
                    rules: Sequence[Rule]) -> list[tuple[int, list[int | None]]]:
    """(gold, first accepted passage per rule) for each question of path_q, ranked as the bot
    ranks among path_c's passages (the gold index only means something when the paths are
    equal)."""
    _, questions = load_squad(path_q)
    contexts, titles, _ = load_squad_titled(path_c)
    tokens = [analyze(c) for c in contexts]
    fields = build_fields(tokens, titles)
    fused = FusedBM25(fields)
    vocabulary = IndexVocabulary(lambda: fields.light)
    thesaurus = Thesaurus.default()
    out = []
    for question, gold in questions:
        parsed = parse_query(question, vocabulary, thesaurus.alternatives)
        ranked = _naba_ranked(parsed, fused, fields, tokens)[:10] if parsed.concepts else []
        judge = Judge(parsed, len(fields.light), fields.light.df)
        cover = [judge.coverage(set(tokens[d]), tokens[d]) for d in ranked]
        firsts = [next((d for d, c in zip(ranked, cover, strict=True) if c.answers(*rule)),
                       None) for rule in rules]
        out.append((gold, firsts))
    return out


def threshold_table(
    answerable: str | PathLike[str],
    unanswerable_contexts: str | PathLike[str],
    rules: Sequence[Rule] = ((0.3, 1.0), (0.4, 1.0), (0.5, 1.0), (0.6, 1.0)),
) -> list[ThresholdRow]:
    """Answerable: `answerable`'s questions among its own passages. Unanswerable: the same
    questions among another file's passages (different articles), where nothing is right."""
    own = _first_accepted(answerable, answerable, rules)
    other = _first_accepted(answerable, unanswerable_contexts, rules)
    rows = []
    for i, (th, missing) in enumerate(rules):
        rows.append(ThresholdRow(
            threshold=th,
            max_missing=missing,
            right_first=sum(f[i] == g for g, f in own) / len(own),
            answered=sum(f[i] is not None for _, f in own) / len(own),
            noise=sum(f[i] is not None for _, f in other) / len(other),
        ))
    return rows
