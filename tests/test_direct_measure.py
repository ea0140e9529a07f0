"""What `python -m bot eval --direct` counts (bot.measure.cmd_direct), on a small SQuAD file of
invented paragraphs: the rows per question word and rule, and the organisation rows — "org
wanted" for questions whose gold answer is an organisation (index.direct.wants_organisation),
"org given" for answers of kind "org", right or wrong."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from bot.measure import cmd_direct, direct_rows_of
from index.direct import wants_organisation
from index.models import DirectAnswer


@pytest.mark.parametrize(
    ("kind", "golds", "wanted"),
    [
        ("who", ["جمعية أصدقاء المكتبة"], True),
        # past «ل», «و», «ب» and «ال»: «للمجلس …», «والاتحاد …», «بكلية …»
        ("who", ["للمجلس الأعلى لشؤون الواحة."], True),
        ("which", ["والاتحاد الخيالي للكرة"], True),
        ("where", ["بكلية الفنون في جامعة الواحة،"], True),
        # a person, a date, a place are not organisations
        ("who", ["سامر الخيالي"], False),
        ("when", ["عام 1907"], False),
        ("where", ["مدينة السراب"], False),
        # a clause that opens with a head is no name; «كيف/لماذا» want clauses
        ("what", ["الفريق الذي يحرز أهدافا أكثر من الفريق الآخر يكون هو الفائز"], False),
        ("how", ["الفريق الأقوى"], False),
        # any of the gold spans
        ("who", ["سامر", "نادي الواحة"], True),
    ],
    ids=["org", "li-article", "wa-article", "bi-faculty", "person", "date", "place", "clause",
         "how", "any-gold"],
)
def test_which_gold_answers_are_organisations(kind: str, golds: list[str], wanted: bool) -> None:
    assert wants_organisation(kind, golds) is wanted


def test_the_rows_a_question_counts_in() -> None:
    org = DirectAnswer("جمعية أصدقاء المكتبة", "org", 1, rule="org")
    person = DirectAnswer("سامر الخيالي", "person", 1, shown=True, rule="title")
    assert direct_rows_of("who", org, org=True) == ["who", "who/org", "org wanted", "org given"]
    # an organisation given where a person was wanted still counts against org precision
    assert direct_rows_of("who", org, org=False) == ["who", "who/org", "org given"]
    # a «which» question is measured only when it wants an organisation
    assert direct_rows_of("which", None, org=True) == ["org wanted"]
    assert direct_rows_of("which", None, org=False) == []
    assert direct_rows_of("who", person, org=True) == ["who", "who/title", "org wanted"]


PARAGRAPHS = [
    ("أعلنت جمعية أصدقاء المكتبة تنظيم معرض الكتاب الخيالي في الواحة هذا الشهر.",
     [("مين أعلن تنظيم معرض الكتاب الخيالي؟", "جمعية أصدقاء المكتبة")]),
    ("وأعلن المقدم سامر الخيالي افتتاح الجسر الجديد فوق نهر السراب.",
     [("من أعلن افتتاح الجسر الجديد؟", "سامر الخيالي")]),
    ("وتأسس نادي الواحة للفروسية في السهول الشرقية قبل قرن ونصف.",
     [("أي نادي للفروسية تأسس في السهول الشرقية؟", "نادي الواحة للفروسية")]),
]


def _row(output: str, name: str) -> list[str] | None:
    for line in output.splitlines():
        if line.startswith(name + " ") and line[len(name):].strip()[:1].isdigit():
            return line[len(name):].split()
    return None


def test_eval_direct_counts_the_organisation_rows(tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    data = {"data": [{"title": f"خبر {i}", "paragraphs": [{"context": context, "qas": [
        {"id": f"{i}-{j}", "question": q, "answers": [{"text": a, "answer_start": 0}]}
        for j, (q, a) in enumerate(qas)]}]} for i, (context, qas) in enumerate(PARAGRAPHS)]}
    path = tmp_path / "fictional.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    assert asyncio.run(cmd_direct([path])) == 0
    out = capsys.readouterr().out
    # two questions want an organisation: the society (answered, by the «org» rule) and the
    # club (a «which» question: no name rule reads it, so none given)
    wanted = _row(out, "org wanted")
    assert wanted is not None and wanted[:3] == ["2", "50%", "0%"]
    given = _row(out, "org given")
    assert given is not None and given[:2] == ["1", "100%"]
    assert given[4] == "100%"  # contained: the society's name is the gold one
    # the person is no organisation: counted under «who» only
    who = _row(out, "who")
    assert who is not None and who[0] == "2"
