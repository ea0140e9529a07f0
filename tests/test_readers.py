"""index.readers: the reader-question set and the eval that runs it through answer()."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import REPO

from index.ingest import ingest_path
from index.models import Answer, Hit
from index.normalize import DEFAULT_ANALYZER
from index.readers import (
    DIALECTS,
    ReaderQuestion,
    format_losses,
    format_reader_table,
    judge,
    load_reader_questions,
    reader_table,
    run_readers,
    run_stages,
    summarize,
)
from index.search import Library, Stages
from index.store import Store

READERS = REPO / "eval" / "readers"
SEED_TEXT = next((REPO / "seeds").glob("*.txt")).read_text(encoding="utf-8")


def test_the_shipped_set_is_big_and_varied_enough() -> None:
    questions = load_reader_questions([READERS])
    assert len(questions) >= 150
    assert sum(not q.answerable for q in questions) >= 40
    for dialect in DIALECTS:
        assert sum(dialect in q.style for q in questions) >= 10, dialect
    for habit in ("typo", "no-hamza", "glued-prep", "digits", "markup", "synonym"):
        assert any(habit in q.style for q in questions), habit


def test_every_seed_phrase_is_in_the_seed_article() -> None:
    sets = [READERS / "seed.jsonl", REPO / "eval" / "readers-holdout",
            REPO / "eval" / "readers-holdout2", REPO / "eval" / "readers-holdout3",
            REPO / "eval" / "readers-holdout4", REPO / "eval" / "readers-holdout5",
            REPO / "eval" / "readers-holdout6", REPO / "eval" / "readers-holdout7",
            REPO / "eval" / "readers-holdout8", REPO / "eval" / "readers-holdout9"]
    for q in load_reader_questions(sets):
        if q.corpus == "seed":
            for phrase in q.expect or ():
                assert phrase in SEED_TEXT, (q.id, phrase)


def test_the_held_out_sets_load_and_hold_both_kinds() -> None:
    for folder in ("readers-holdout", "readers-holdout2", "readers-holdout3", "readers-holdout4",
                   "readers-holdout5", "readers-holdout6", "readers-holdout7",
                   "readers-holdout8", "readers-holdout9"):
        questions = load_reader_questions([REPO / "eval" / folder])
        assert sum(q.answerable for q in questions) >= 40, folder
        assert sum(not q.answerable for q in questions) >= 20, folder


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ("{not json", "not a reader question"),
        ('{"id": "a", "question": "س"}', "not a reader question"),  # no expect
        ('{"id": "a", "question": "س", "expect": []}', "empty expect"),
    ],
)
def test_bad_lines_name_the_file_and_line(tmp_path: Path, line: str, problem: str) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text('{"id": "ok", "question": "س", "expect": null}\n' + line + "\n")
    with pytest.raises(ValueError, match=rf"bad.jsonl:2: {problem}"):
        load_reader_questions([path])


def test_duplicate_ids_are_refused(tmp_path: Path) -> None:
    row = json.dumps({"id": "x", "question": "س", "expect": None})
    (tmp_path / "a.jsonl").write_text(row + "\n" + row + "\n")
    with pytest.raises(ValueError, match="duplicate id x"):
        load_reader_questions([tmp_path])


def hit(rank: int, passage: str) -> Hit:
    return Hit(rank=rank, score=1.0, article_id=1, passage_id=rank, title="t", source=None,
               published=None, url=None, passage=passage, excerpt=passage)


def test_judge_finds_the_first_passage_with_a_phrase_however_spelled() -> None:
    q = ReaderQuestion("q", "seed", "متى؟", ("أعلنت غرفة عمليات الجنوب",))
    answer = Answer("متى؟", (), hits=(hit(1, "نص آخر"), hit(2, "اعلنت  غرفة عمليات الجنوب اليوم")))
    outcome = judge(q, answer)
    assert (outcome.answered, outcome.rank) == (True, 2)
    assert judge(q, Answer("متى؟", ())).answered is False


def test_judge_grades_what_is_shown_not_the_passage_it_is_cut_from() -> None:
    q = ReaderQuestion("q", "seed", "كم؟", ("وصل إلى 3660 موقوفاً",))
    passage = "بلغ 4368 موقوفاً. وأوضحت الوزارة أن عدد السعوديين وصل إلى 3660 موقوفاً."
    cut = Hit(rank=1, score=1.0, article_id=1, passage_id=1, title="t", source=None,
              published=None, url=None, passage=passage, excerpt="بلغ 4368 موقوفاً.")
    assert judge(q, Answer("كم؟", (), hits=(cut,))).rank is None
    assert judge(q, Answer("كم؟", (), hits=(hit(1, passage),))).rank == 1


def test_summary_counts_each_side() -> None:
    good = ReaderQuestion("a", "seed", "س", ("x",), ("gulf",))
    bad = ReaderQuestion("b", "none", "س", None, ("gulf", "typo"))
    outcomes = [judge(good, Answer("س", (), hits=(hit(1, "y"), hit(2, "x")))),
                judge(bad, Answer("س", ()))]
    row = summarize(outcomes)
    assert (row.top1, row.top3, row.answered, row.refused) == (0.0, 1.0, 1.0, 1.0)
    groups = [r.group for r in reader_table(outcomes)]
    assert groups[:3] == ["all", "corpus=none", "corpus=seed"] and "gulf" in groups
    assert "typo" in format_reader_table(reader_table(outcomes))


async def test_the_seed_questions_through_answer(store: Store, seed_dir: Path) -> None:
    """The whole path a reader meets, on the shipped seed article: a floor under today's
    quality (README, "Answer quality"), so a change that breaks dialect questions fails."""
    await ingest_path(store, seed_dir)
    library = Library(store)
    await library.build()
    questions = [q for q in load_reader_questions([READERS]) if q.corpus != "news"]
    row = summarize(await run_readers(library, questions))
    assert row.answerable >= 45 and row.unanswerable >= 20
    assert row.top3 is not None and row.top3 >= 0.5, row
    assert row.refused is not None and row.refused >= 0.75, row
    assert DEFAULT_ANALYZER == "naba"


async def test_stages_say_where_a_right_passage_is_lost(store: Store, seed_dir: Path) -> None:
    """Library.stages: the accepted passages are a subset of the candidates, best first; an
    off-topic question's candidates are all refused; run_stages counts a right passage at
    each stage, and a stage never holds more right passages than the one before it."""
    await ingest_path(store, seed_dir)
    library = Library(store)
    await library.build()
    stages = await library.stages("شو صار بدرعا؟")
    assert stages.accepted and set(stages.accepted) <= set(stages.candidates)
    off = await library.stages("كم سعر كيلو البندورة في سوق الهال؟")
    assert off.accepted == ()
    assert await library.stages("   ") == await library.stages("🙂🙂") == Stages((), ())
    questions = [q for q in load_reader_questions([READERS]) if q.corpus == "seed"]
    outcomes = await run_readers(library, questions)
    row = await run_stages(library, outcomes)
    assert row.answerable == len(questions)
    assert row.candidates is not None and row.accepted is not None and row.top3 is not None
    assert 1.0 >= row.candidates >= row.accepted > 0.5
    assert row.accepted >= row.top3 - 0.05  # answer() may also use dates: nearly a subset
    assert "accepted by the relevance rule" in format_losses(row)
    # an unreachable expectation is found at no stage
    lost = ReaderQuestion("x", "seed", "شو صار بدرعا؟", ("لا يوجد هذا في المقال",), (), "")
    nowhere = await run_stages(library, await run_readers(library, [lost]))
    assert (nowhere.candidates, nowhere.accepted, nowhere.top3) == (0.0, 0.0, 0.0)


def test_eval_prints_json_rows_with_the_losses(seed_dir: Path, capsys) -> None:
    """`eval --json` over the seed: one object per table row and one for where the right
    passages got to (it raised on the rows' slots once)."""
    from bot.cli import main

    seed_only = load_reader_questions([READERS / "seed.jsonl"])
    assert seed_only
    status = main(["eval", "--readers", str(READERS / "seed.jsonl"), "--no-news",
                   "--no-squad", "--json"])
    assert status == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines() if line]
    assert rows[0]["group"] == "all" and rows[0]["answerable"] == sum(
        q.answerable for q in seed_only)
    losses = [r for r in rows if r["group"] == "right passage"]
    assert len(losses) == 1 and 0 < losses[0]["accepted"] <= losses[0]["candidates"] <= 1
