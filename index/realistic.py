"""A realistic bench corpus: real Arabic sentences through naba's analyzer, recombined to any size.

Sources (read from the shared evaluation folder beside the repository, never copied into it;
the bench skips the realistic cells with a note when they are absent):

* ``sentences`` (default): the sentences of every ARCD and TyDi-ar (Arabic dev) paragraph,
  3,785 sentences with ~14k distinct analysed terms, so query terms have long postings;
* ``news``: the sentences of the SaudiNewsNet articles (11,922 articles, far richer vocabulary).

A passage is sentences drawn uniformly at random (seeded) and concatenated until it reaches a
length drawn like the synthetic corpus's (normal, mean 29, sd 8 tokens, clipped to 5–60), then
cut to that length. So any number of passages can be made, nearly all distinct, with the real
term statistics of the source.

Queries are the ARCD and TyDi-ar questions through the same analyzer: ``regular`` those of
2–7 terms, ``long`` those of 8 or more (about a hundred distinct questions of 8–13 terms).
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

import numpy as np

from index.bench import MAX_LENGTH, MEAN_LENGTH, MIN_LENGTH, SD_LENGTH
from index.normalize import analyze
from index.passages import sentence_spans
from index.peers import Corpus, QuerySet

SHARED = Path(__file__).resolve().parents[2] / "shared" / "eval"
SQUAD_FILES = ("arcd.json", "tydiqa-goldp-v1.1-dev-ar.json")
NEWS_FILE = Path("news") / "saudinewsnet-2015-08-01_09.json.gz"
SOURCES = ("sentences", "news")
LONG_QUESTION = 8
REGULAR_TERMS = (2, LONG_QUESTION - 1)


def squad_texts(paths: Iterable[Path]) -> tuple[list[str], list[str]]:
    """(distinct paragraphs, questions) of these SQuAD files."""
    from index.evaluate import load_squad

    contexts: dict[str, None] = {}
    questions: list[str] = []
    for path in paths:
        found, asked = load_squad(path)
        contexts.update(dict.fromkeys(found))
        questions += [question for question, _ in asked]
    return list(contexts), questions


def news_texts(path: Path) -> list[str]:
    """The article texts of a gzipped JSON list in naba's article format."""
    with gzip.open(path, "rt", encoding="utf-8") as f:
        return [article["text"] for article in json.load(f)]


def analysed_sentences(texts: Iterable[str]) -> list[list[str]]:
    """Every sentence of every text through naba's analyzer (sentences left empty dropped)."""
    out = []
    for text in texts:
        for a, b in sentence_spans(text):
            tokens = analyze(text[a:b])
            if tokens:
                out.append(tokens)
    return out


def recombine(pool: Sequence[list[str]], n: int, seed: int,
              mean_length: float = MEAN_LENGTH) -> list[list[str]]:
    """`n` passages of random sentences from `pool`, each cut to a drawn length."""
    if not pool:
        raise ValueError("no sentences to make passages from")
    rng = np.random.default_rng([seed, 5])
    lengths = np.clip(np.rint(rng.normal(mean_length, SD_LENGTH, n)), MIN_LENGTH,
                      MAX_LENGTH).astype(np.int64).tolist()
    # Enough draws for the longest passages of the shortest sentences; refilled if run out.
    picks = iter(())
    passages = []
    for length in lengths:
        tokens: list[str] = []
        while len(tokens) < length:
            pick = next(picks, None)
            if pick is None:
                picks = iter(rng.integers(0, len(pool), 65_536).tolist())
                pick = next(picks)
            tokens += pool[pick]
        passages.append(tokens[:length])
    return passages


def question_sets(questions: Iterable[str], n: int, seed: int) -> list[QuerySet]:
    """`regular` (2–7 terms) and `long` (8+ terms) query sets: distinct analysed questions,
    at most `n` of each, a seeded sample when there are more."""
    rng = np.random.default_rng([seed, 6])
    distinct = list(dict.fromkeys(tuple(analyze(q)) for q in questions))
    regular = [list(q) for q in distinct if REGULAR_TERMS[0] <= len(q) <= REGULAR_TERMS[1]]
    long = [list(q) for q in distinct if len(q) >= LONG_QUESTION]
    sets = []
    for name, pool in (("regular", regular), ("long", long)):
        if len(pool) > n:
            pool = [pool[i] for i in sorted(rng.choice(len(pool), n, replace=False).tolist())]
        if pool:
            sets.append(QuerySet(name, pool))
    return sets


def realistic_corpus(passages: int, queries: int, seed: int = 7, source: str = "sentences",
                     shared: Path = SHARED, log: Callable[[str], None] = lambda _m: None
                     ) -> Corpus | str:
    """The realistic corpus and its query sets, or why it cannot be made here (a note)."""
    if source not in SOURCES:
        raise ValueError(f"unknown source {source!r}; choose from {', '.join(SOURCES)}")
    squad = [shared / name for name in SQUAD_FILES]
    absent = [str(p) for p in squad if not p.is_file()]
    if source == "news" and not (shared / NEWS_FILE).is_file():
        absent.append(str(shared / NEWS_FILE))
    if absent:
        return f"realistic cells skipped: {', '.join(absent)} not found"
    contexts, questions = squad_texts(squad)
    log(f"realistic: analysing the {source} sentences")
    texts = news_texts(shared / NEWS_FILE) if source == "news" else contexts
    pool = analysed_sentences(texts)
    terms = len({term for sentence in pool for term in sentence})
    source_name = "ARCD and TyDi-ar paragraphs" if source == "sentences" else "SaudiNewsNet"
    note = (f"{passages:,} passages recombined from {len(pool):,} sentences of {source_name} "
            f"({terms:,} distinct terms)")
    return Corpus("realistic" if source == "sentences" else "news",
                  recombine(pool, passages, seed), question_sets(questions, queries, seed), note)
