"""What readers get: the reader-question set run through the bot's own `answer()` path.

The set (eval/readers/*.jsonl, written for naba) holds questions typed the way people type them
in chat — MSA and Levantine, Gulf, Egyptian, Iraqi and Maghrebi dialects, typos, dropped
hamzas, glued prepositions, Arabic-Indic digits, markup — each with the phrases one of which
the right passage contains, or `"expect": null` when the articles do not answer it. Unlike the
retrieval metrics of index.evaluate, this measures the whole path a reader meets: analysis,
ranking, the relevance threshold, near-copy collapsing, paging.

One line of a set:
    {"id": "seed-014", "corpus": "seed", "question": "صح انو درعا تحررت يوم ٧ ديسمبر؟",
     "expect": ["اليوم السبت 7 كانون الأول 2024"], "style": ["levantine", "digits"], "note": ""}
"""

from __future__ import annotations

import gzip
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from os import PathLike
from pathlib import Path

from index.articles import parse_article_bytes
from index.ingest import ingest_articles
from index.models import Answer, ArticleIn
from index.normalize import normalize
from index.search import Library
from index.store import Store

DIALECTS = ("msa", "levantine", "gulf", "egyptian", "iraqi", "maghrebi")
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class ReaderQuestion:
    """One question of the reader set; `expect` is None when the articles do not answer it."""

    id: str
    corpus: str
    question: str
    expect: tuple[str, ...] | None
    style: tuple[str, ...] = ()
    note: str = ""
    guid: str | None = None  # the article a news question is about

    @property
    def answerable(self) -> bool:
        return self.expect is not None


@dataclass(frozen=True, slots=True)
class ReaderOutcome:
    """What the bot did with one question: how many passages it gave, and where (1-based)
    the first one holding an expected phrase came, if it did."""

    question: ReaderQuestion
    answered: bool
    rank: int | None
    first: str | None = None  # the first excerpt shown, for reports


def load_reader_questions(paths: Iterable[str | PathLike[str]]) -> list[ReaderQuestion]:
    """Questions from .jsonl files or folders of them; ValueError names the file and line."""
    files: list[Path] = []
    for path in map(Path, paths):
        files += sorted(path.glob("*.jsonl")) if path.is_dir() else [path]
    out: list[ReaderQuestion] = []
    ids: set[str] = set()
    for file in files:
        for number, line in enumerate(file.read_text(encoding="utf-8").splitlines(), start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                expect = row["expect"]
                question = ReaderQuestion(
                    id=str(row["id"]),
                    corpus=str(row.get("corpus", "")),
                    question=str(row["question"]),
                    expect=None if expect is None else tuple(map(str, expect)),
                    style=tuple(row.get("style", ())),
                    note=str(row.get("note", "")),
                    guid=row.get("guid") or None,
                )
            except (json.JSONDecodeError, KeyError, TypeError) as err:
                raise ValueError(f"{file}:{number}: not a reader question ({err})") from None
            if question.expect is not None and not question.expect:
                raise ValueError(f"{file}:{number}: empty expect list (use null: unanswerable)")
            if question.id in ids:
                raise ValueError(f"{file}:{number}: duplicate id {question.id}")
            ids.add(question.id)
            out.append(question)
    if not out:
        raise ValueError("no reader questions found")
    return out


def _folded(text: str) -> str:
    return _SPACE.sub(" ", normalize(text)).strip()


def judge(question: ReaderQuestion, answer: Answer) -> ReaderOutcome:
    """Where the first quote holding one of the expected phrases came in the answer: graded on
    what the reader is shown (`Hit.excerpt`), not on the passage it is cut from — when quotes
    were a sentence or two, grading the passage counted 4–9% of answerable questions right
    whose answer the reader never saw."""
    rank = None
    if question.expect is not None:
        phrases = [_folded(p) for p in question.expect]
        for hit in answer.hits:
            shown = _folded(hit.excerpt)
            if any(p in shown for p in phrases):
                rank = hit.rank
                break
    first = answer.hits[0].excerpt if answer.hits else None
    return ReaderOutcome(question, bool(answer.hits), rank, first)


async def run_readers(
    library: Library, questions: Sequence[ReaderQuestion], top: int = 3
) -> list[ReaderOutcome]:
    """Ask every question through `Library.answer` exactly as the bot does."""
    return [judge(q, await library.answer(q.question, top=top)) for q in questions]


# The conversation a seed question follows: a reader who asked what happened in Daraa.
SEED_OPENER = "شو صار بدرعا؟"


async def run_conversation(
    library: Library, questions: Sequence[ReaderQuestion], top: int = 3
) -> list[ReaderOutcome]:
    """Every question asked as a follow-up in a chat about its story, as the bot asks it
    (`answer(follows=…)`: the articles of the chat's previous answer): after «شو صار بدرعا؟»
    for the seed's questions and the unanswerable ones of no corpus (most name Daraa), after
    its article's title for a news question that names its article; the others alone."""
    shown: dict[str, tuple[int, ...]] = {}
    out = []
    for q in questions:
        opener = await _opener(library, q)
        if opener is not None and opener not in shown:
            first = await library.answer(opener, top=top)
            shown[opener] = first.articles
        follows = shown[opener] if opener is not None else ()
        out.append(judge(q, await library.answer(q.question, top=top, follows=follows)))
    return out


async def _opener(library: Library, q: ReaderQuestion) -> str | None:
    if q.corpus in ("seed", "none"):
        return SEED_OPENER
    if q.guid:
        found = await library.store.articles.match(q.guid, None)
        article = await library.store.articles.get(found.id) if found else None
        return article.title if article is not None and article.title else None
    return None


async def run_shifted(
    library: Library, questions: Sequence[ReaderQuestion], top: int = 3
) -> list[ReaderOutcome]:
    """The news questions asked of *other days'* articles only: each becomes unanswerable
    (a calibration source for the relevance rule: the same outlets, topics and names, but
    not the day the fact was reported). Questions whose article is unknown are skipped."""
    out = []
    for q in questions:
        if q.corpus != "news" or q.expect is None or not q.guid:
            continue
        day = await library.store.articles.published_day(q.guid)
        if day is None:
            continue
        answer = await library.answer(
            q.question, top=top,
            where=lambda a, day=day: a.published is None or a.published.date() != day,
        )
        shifted = ReaderQuestion(q.id, q.corpus, q.question, None, q.style, q.note)
        out.append(judge(shifted, answer))
    return out


@dataclass(frozen=True, slots=True)
class LossRow:
    """Where the answerable questions' right passages get to: among the ranker's candidates,
    accepted by the relevance rule, shown in the first three (shares of `answerable`)."""

    answerable: int
    candidates: float | None
    accepted: float | None
    top3: float | None


async def run_stages(
    library: Library, outcomes: Sequence[ReaderOutcome], k: int = 50
) -> LossRow:
    """For each answerable question of `outcomes` (run_readers'), whether a passage holding
    an expected phrase is among the ranker's `k` candidates and among those the relevance rule
    accepts (Library.stages): a question missed in the first three was lost by retrieval,
    by the rule, or by the order."""
    found = accepted = shown = 0
    good = [o for o in outcomes if o.question.answerable]
    for o in good:
        stages = await library.stages(o.question.question, k)
        contexts = await library.store.articles.passage_contexts(list(stages.candidates))
        phrases = [_folded(p) for p in o.question.expect or ()]
        right = {pid for pid, c in contexts.items()
                 if any(p in _folded(c.article.text[c.start : c.end]) for p in phrases)}
        found += bool(right)
        accepted += bool(right.intersection(stages.accepted))
        shown += o.rank is not None and o.rank <= 3
    n = len(good)
    return LossRow(n, found / n if n else None, accepted / n if n else None,
                   shown / n if n else None)


def format_losses(row: LossRow, k: int = 50) -> str:
    """One line: where the right passages of the answerable questions get to."""
    def pct(value: float | None) -> str:
        return "—" if value is None else f"{100 * value:.0f}%"

    return (f"right passage ({row.answerable} answerable): among the ranker's {k} candidates "
            f"{pct(row.candidates)}, accepted by the relevance rule {pct(row.accepted)}, "
            f"in the first three {pct(row.top3)}")


@dataclass(frozen=True, slots=True)
class ReaderRow:
    """Reader-set quality for one group of questions."""

    group: str
    answerable: int
    unanswerable: int
    top1: float | None  # answerable questions whose first passage is right
    top3: float | None  # … with a right passage among the first three
    answered: float | None  # answerable questions that got any passage
    refused: float | None  # unanswerable questions that got «لم أجد»


def summarize(outcomes: Sequence[ReaderOutcome], group: str = "all") -> ReaderRow:
    good = [o for o in outcomes if o.question.answerable]
    bad = [o for o in outcomes if not o.question.answerable]

    def share(items: Sequence[ReaderOutcome], test) -> float | None:
        return sum(map(test, items)) / len(items) if items else None

    return ReaderRow(
        group=group,
        answerable=len(good),
        unanswerable=len(bad),
        top1=share(good, lambda o: o.rank == 1),
        top3=share(good, lambda o: o.rank is not None and o.rank <= 3),
        answered=share(good, lambda o: o.answered),
        refused=share(bad, lambda o: not o.answered),
    )


def reader_table(outcomes: Sequence[ReaderOutcome]) -> list[ReaderRow]:
    """All questions, then one row per corpus, per dialect and per reader habit."""
    rows = [summarize(outcomes)]
    corpora = sorted({o.question.corpus for o in outcomes})
    rows += [summarize([o for o in outcomes if o.question.corpus == c], f"corpus={c}")
             for c in corpora]
    for dialect in DIALECTS:
        group = [o for o in outcomes if dialect in o.question.style]
        if group:
            rows.append(summarize(group, dialect))
    habits = sorted({s for o in outcomes for s in o.question.style} - set(DIALECTS))
    for habit in habits:
        rows.append(summarize([o for o in outcomes if habit in o.question.style], habit))
    return rows


def format_reader_table(rows: Sequence[ReaderRow]) -> str:
    head = ("group", "answerable", "unanswerable", "top-1", "top-3", "answered", "refused")

    def pct(value: float | None) -> str:
        return "—" if value is None else f"{100 * value:.0f}%"

    body = [
        (r.group, str(r.answerable), str(r.unanswerable), pct(r.top1), pct(r.top3),
         pct(r.answered), pct(r.refused))
        for r in rows
    ]
    widths = [max(len(row[i]) for row in [head, *body]) for i in range(len(head))]

    def line(cells: Sequence[str]) -> str:
        return "  ".join(c.ljust(w) if i == 0 else c.rjust(w)
                         for i, (c, w) in enumerate(zip(cells, widths, strict=True)))

    return "\n".join([line(head), "  ".join("-" * w for w in widths), *map(line, body)])


def news_dump_articles(path: str | PathLike[str]) -> list[ArticleIn]:
    """The articles of a (gzipped) JSON list in naba's .json format."""
    path = Path(path)
    raw = path.read_bytes()
    if path.suffix == ".gz":
        raw = gzip.decompress(raw)
    return parse_article_bytes(raw, path.with_suffix("").name, f"file:{path.name}").articles


async def ingest_news_dump(
    store: Store, path: str | PathLike[str], limit: int | None = None
) -> int:
    """Ingest a (gzipped) JSON list of articles in naba's .json format (its first `limit`
    ones); returns how many were stored or recognised."""
    articles = news_dump_articles(path)
    if limit is not None:
        articles = articles[:limit]
    report = await ingest_articles(store, articles, str(path))
    return sum(report.counts.values())
