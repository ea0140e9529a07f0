"""index.evaluate: metrics on hand-made ranks and a hand-made SQuAD file with known answers."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from index.evaluate import (
    EvalResult,
    evaluate,
    format_table,
    load_squad,
    rank_metrics,
    threshold_table,
    to_json,
)

# --- metrics -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("ranks", "r1", "r5", "r20", "mrr"),
    [
        ([1, 3, None], 1 / 3, 2 / 3, 2 / 3, (1 + 1 / 3) / 3),
        ([1], 1.0, 1.0, 1.0, 1.0),
        ([None, None], 0.0, 0.0, 0.0, 0.0),
        ([2, 5, 6, 10, 11, 20, 21], 0, 2 / 7, 6 / 7, (1 / 2 + 1 / 5 + 1 / 6 + 1 / 10) / 7),
    ],
)
def test_rank_metrics(
    ranks: list[int | None], r1: float, r5: float, r20: float, mrr: float
) -> None:
    m = rank_metrics(ranks)
    assert m["recall@1"] == pytest.approx(r1)
    assert m["recall@5"] == pytest.approx(r5)
    assert m["recall@20"] == pytest.approx(r20)
    assert m["mrr@10"] == pytest.approx(mrr)


@pytest.mark.parametrize("ranks", [[], [0], [1, -2]])
def test_rank_metrics_rejects_nonsense(ranks: list[int | None]) -> None:
    with pytest.raises(ValueError):
        rank_metrics(ranks)


# --- a tiny SQuAD file -------------------------------------------------------------------------

DAMASCUS = "دمشق عاصمة سوريا وأقدم مدينة مأهولة في العالم ويمر بها نهر بردى."
CAIRO = "القاهرة عاصمة مصر وأكبر مدنها ويمر بها نهر النيل."
RABAT = "الرباط عاصمة المغرب وتقع على ساحل المحيط الأطلسي."


def _qa(question: str) -> dict[str, Any]:
    return {"id": question[:8], "question": question, "answers": [{"text": "", "answer_start": 0}]}


def _squad(tmp_path: Path, doc: Any, name: str = "tiny.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return path


@pytest.fixture
def tiny(tmp_path: Path) -> Path:
    # Ranks by construction. Q1 (بردى) and Q2 (أكبر, مدن, مصر) share rare words with their own
    # paragraph only: 1st. Q3 belongs to Damascus but names the Nile and Cairo, two words of
    # Cairo's paragraph against Damascus's one: 2nd. Q4 shares no word with any paragraph.
    doc = {
        "version": "1.1",
        "data": [
            {
                "title": "مدن",
                "paragraphs": [
                    {"context": DAMASCUS, "qas": [_qa(" - ما هو النهر الذي يمر بدمشق، بردى؟ ")]},
                    {"context": CAIRO, "qas": [_qa("ما هي أكبر مدن مصر؟")]},
                ],
            },
            {
                "paragraphs": [
                    # the same paragraph again, in another article: one passage, not two
                    {"context": DAMASCUS, "qas": [_qa("هل نهر النيل في القاهرة أم في دمشق؟")]},
                    {"context": RABAT, "qas": [_qa("Who wrote Hamlet?")]},
                ],
            },
        ],
    }
    return _squad(tmp_path, doc)


def test_load_squad_dedups_contexts_and_cleans_questions(tiny: Path) -> None:
    contexts, questions = load_squad(tiny)
    assert contexts == [DAMASCUS, CAIRO, RABAT]
    assert questions == [
        ("ما هو النهر الذي يمر بدمشق، بردى؟", 0),
        ("ما هي أكبر مدن مصر؟", 1),
        ("هل نهر النيل في القاهرة أم في دمشق؟", 0),
        ("Who wrote Hamlet?", 2),
    ]


def test_evaluate_on_known_answers(tiny: Path) -> None:
    result = evaluate(tiny)
    assert (result.dataset, result.passages, result.questions) == ("tiny", 3, 4)
    # ranks [1, 1, 2, None]
    assert result.recall_at_1 == pytest.approx(2 / 4)
    assert result.recall_at_5 == pytest.approx(3 / 4)
    assert result.recall_at_20 == pytest.approx(3 / 4)
    assert result.mrr_at_10 == pytest.approx((1 + 1 + 1 / 2) / 4)
    assert result.build_s >= 0


def test_evaluate_depends_on_the_analyzer(tiny: Path) -> None:
    # Whitespace tokens keep «مصر؟» and «بدمشق،» whole, so Q1 and Q2 lose a matching word.
    assert evaluate(tiny, "none").mrr_at_10 < evaluate(tiny, "normalize").mrr_at_10


def test_evaluate_rejects_an_unknown_analyzer(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="naba"):
        evaluate(tmp_path / "missing.json", analyzer="porter")


@pytest.mark.parametrize(
    ("doc", "where"),
    [
        ([], "top level"),
        ({"version": "1.1"}, "data"),
        ({"data": {"paragraphs": []}}, "data"),
        ({"data": ["x"]}, r"data\[0\]"),
        ({"data": [{"paragraphs": [{"qas": []}]}]}, r"paragraphs\[0\]\.context"),
        ({"data": [{"paragraphs": [{"context": "نص", "qas": {}}]}]}, r"\.qas"),
        ({"data": [{"paragraphs": [{"context": "نص", "qas": [{"id": "1"}]}]}]}, r"\.question"),
        ({"data": [{"paragraphs": [{"context": "نص", "qas": [{"question": 7}]}]}]}, "question"),
        ({"data": [{"paragraphs": [{"context": "نص", "qas": []}]}]}, "no questions"),
    ],
)
def test_malformed_files_raise_value_error(tmp_path: Path, doc: Any, where: str) -> None:
    path = _squad(tmp_path, doc)
    with pytest.raises(ValueError, match=where) as err:
        load_squad(path)
    assert str(path) in str(err.value)


@pytest.mark.parametrize("content", [b"{not json", b"\xff\xfe\x00garbage", b""])
def test_unreadable_files_raise_value_error(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "broken.json"
    path.write_bytes(content)
    with pytest.raises(ValueError, match=r"broken\.json"):
        load_squad(path)


# --- reporting ---------------------------------------------------------------------------------


def _result(dataset: str, analyzer: str, mrr: float) -> EvalResult:
    return EvalResult(dataset, analyzer, 460, 1395, 0.5, 0.75, 0.875, mrr, 0.123)


def test_format_table_aligns_one_row_per_result() -> None:
    table = format_table([_result("arcd", "naba", 0.78125), _result("tydiqa-dev", "none", 0.5)])
    lines = table.splitlines()
    assert len(lines) == 4  # header, rule, two rows
    assert len({len(line) for line in lines}) == 1
    assert lines[0].split() == [
        "dataset",
        "analyzer",
        "ranker",
        "passages",
        "questions",
        "R@1",
        "R@5",
        "R@20",
        "MRR@10",
        "build",
        "s",
    ]
    assert lines[2].split() == [
        "arcd",
        "naba",
        "bm25",
        "460",
        "1395",
        "0.500",
        "0.750",
        "0.875",
        "0.781",
        "0.12",
    ]
    # numbers end in the same column as their header
    assert lines[2].index("0.781") + len("0.781") == lines[0].index("MRR@10") + len("MRR@10")


def test_to_json_uses_the_quoted_metric_names() -> None:
    out = to_json(_result("arcd", "naba", 0.78125))
    assert {"dataset", "analyzer", "passages", "questions", "build_s"} <= out.keys()
    assert out["recall@1"] == 0.5 and out["recall@5"] == 0.75 and out["recall@20"] == 0.875
    assert out["mrr@10"] == pytest.approx(0.7812, abs=1e-4)
    assert json.loads(json.dumps(out)) == out


# --- the real data, when it sits beside the clone ----------------------------------------------

_EVAL = Path(__file__).resolve().parents[2] / "shared" / "eval"


@pytest.mark.skipif(not (_EVAL / "arcd.json").exists(), reason="ARCD not beside the clone")
def test_default_analyzer_meets_its_targets_on_arcd() -> None:
    result = evaluate(_EVAL / "arcd.json")
    assert (result.passages, result.questions) == (460, 1395)
    assert result.mrr_at_10 >= 0.78
    assert result.recall_at_5 >= 0.92


def test_threshold_table_trades_answers_for_silence(tmp_path: Path, tiny: Path) -> None:
    # Questions of `tiny` against paragraphs about other things: nothing right exists there.
    others = [
        "يمر نهر دجلة في بغداد عاصمة العراق.",
        "تشتهر مدينة حلب بقلعتها القديمة.",
        "يزرع القمح في سهول حوران.",  # unrelated ones give «نهر» a positive idf
        "تقع تدمر في بادية الشام.",
    ]
    paragraphs = [{"context": c, "qas": [_qa(f"سؤال {i}؟")]} for i, c in enumerate(others)]
    doc = {"version": "1.1", "data": [{"paragraphs": paragraphs}]}
    elsewhere = _squad(tmp_path, doc, name="elsewhere.json")
    low, high = threshold_table(tiny, elsewhere, rules=((0.0, 1.0), (0.99, 0.0)))
    # With no threshold every question with a shared word is answered; Q1 and Q2 correctly.
    assert low.right_first == pytest.approx(2 / 4) and low.answered == pytest.approx(3 / 4)
    # Q1 shares «نهر» and «يمر» with Baghdad's paragraph, so it is "answered" there.
    assert low.noise > 0
    # Demanding (almost) every term silences the partial matches on both sides.
    assert high.answered <= low.answered and high.noise == 0
    # Q1 («… يمر بدمشق، بردى؟») and Q2 are covered whole: «بدمشق» is read as «دمشق»
    assert high.right_first == pytest.approx(2 / 4)


def test_eval_command_prints_the_threshold_table(tmp_path: Path, tiny: Path, capsys) -> None:
    import argparse

    from bot.measure import cmd_eval
    from index.relevance import MAX_MISSING, MIN_COVERAGE

    args = argparse.Namespace(dataset=[tiny, tiny], analyzer=None, json=True, thresholds=True)
    assert cmd_eval(args) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert (MIN_COVERAGE, MAX_MISSING) in [(r["threshold"], r["max_missing"]) for r in rows]
    # Against its own passages nothing is "unanswerable": refused is 1 - answered.
    assert all(r["refused"] == pytest.approx(1 - r["answered"]) for r in rows)
    args = argparse.Namespace(dataset=[tiny], analyzer=None, json=False, thresholds=True)
    assert cmd_eval(args) == 2
    assert "two --dataset" in capsys.readouterr().err
