"""Dates in questions (index.dates) and what answer() does with them: the articles of the days
named, the newest first for «آخر أخبار», and every answer still when those days hold none.
Articles here are invented."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from index.dates import days_mentioned, question_dates
from index.ingest import ingest_article
from index.models import ArticleIn
from index.search import Library
from index.store import Store

TODAY = date(2015, 8, 10)  # a Monday


@pytest.mark.parametrize(
    ("question", "first", "last", "rest"),
    [
        ("شو صار بالرياض امبارح؟", date(2015, 8, 9), date(2015, 8, 9), "شو صار بالرياض"),
        ("ماذا حدث أمس في جدة؟", date(2015, 8, 9), date(2015, 8, 9), "ماذا حدث في جده"),
        ("وش صار أول أمس بالدمام؟", date(2015, 8, 8), date(2015, 8, 8), "وش صار بالدمام"),
        ("أخبار الحج اليوم", TODAY, TODAY, "اخبار الحج"),
        ("أخبار الحج الأسبوع الماضي", date(2015, 8, 3), date(2015, 8, 9), "اخبار الحج"),
        ("كم حاج وصل هالأسبوع؟", date(2015, 8, 4), TODAY, "كم حاج وصل"),
        ("ماذا حدث في ٥ أغسطس في مكة؟", date(2015, 8, 5), date(2015, 8, 5), "ماذا حدث في في مكه"),
        ("ماذا حدث في 5 آب 2014؟", date(2014, 8, 5), date(2014, 8, 5), "ماذا حدث في"),
        ("شو صار بـ 12 ديسمبر؟", date(2014, 12, 12), date(2014, 12, 12), "شو صار ب"),
        ("ماذا حدث يوم 3/8؟", date(2015, 8, 3), date(2015, 8, 3), "ماذا حدث"),
        ("وش صار يوم الخميس بالرياض؟", date(2015, 8, 6), date(2015, 8, 6), "وش صار بالرياض"),
    ],
)
def test_days_a_question_names(question: str, first: date, last: date, rest: str) -> None:
    scope = question_dates(question, TODAY)
    assert scope is not None
    assert (scope.first, scope.last, scope.rest) == (first, last, rest)
    assert not scope.newest


def test_newest_and_no_date() -> None:
    scope = question_dates("آخر أخبار الحج", TODAY)
    assert scope is not None and scope.newest and scope.first is None and scope.rest == "الحج"
    assert question_dates("متى تحررت درعا؟", TODAY) is None
    assert question_dates("ماذا حدث في 31 فبراير؟", TODAY) is None  # no such day


def story(day: int, text: str) -> ArticleIn:
    return ArticleIn(title=f"خبر تجريبي {day}", text=text, guid=f"day-{day}",
                     published=datetime(2015, 8, day, 9, tzinfo=UTC), source="وكالة الاختبار")


async def test_answer_keeps_the_days_named_and_falls_back_when_they_hold_nothing(
    store: Store,
) -> None:
    await ingest_article(store, story(3, "افتتحت بلدية الواحة الخيالية سوقا جديدا للتمور."), "t")
    await ingest_article(store, story(9, "أغلقت بلدية الواحة الخيالية سوق التمور للصيانة."), "t")
    library = Library(store)
    await library.build()

    yesterday = await library.answer("شو صار بسوق التمور امبارح؟", today=TODAY)
    assert [h.published.day for h in yesterday.hits] == [9]
    on_the_3rd = await library.answer("ماذا حدث لسوق التمور في 3 أغسطس؟", today=TODAY)
    assert [h.published.day for h in on_the_3rd.hits] == [3]
    # the day named holds nothing: the reader still gets what the articles say
    nothing_that_day = await library.answer("ماذا حدث لسوق التمور في 5 أغسطس؟", today=TODAY)
    assert {h.published.day for h in nothing_that_day.hits} == {3, 9}
    newest = await library.answer("آخر أخبار سوق التمور", today=TODAY)
    assert [h.published.day for h in newest.hits] == [9, 3]


@pytest.mark.parametrize(
    ("text", "published", "days"),
    [
        ("وشهدت محافظة درعا يوم أمس معارك عنيفة", date(2024, 12, 8), [date(2024, 12, 7)]),
        ("أعلنت الغرفة اليوم السبت 7 كانون الأول 2024 تحرير المحافظة", date(2024, 12, 7),
         [date(2024, 12, 7)]),
        ("وكان الهجوم قد وقع الأحد الماضي في المدينة", date(2015, 8, 9), [date(2015, 8, 2)]),
        ("وقع الحادث أول أمس قرب السوق", date(2015, 8, 9), [date(2015, 8, 7)]),
        ("افتتح السوق في 28 ديسمبر", date(2015, 1, 3), [date(2014, 12, 28)]),
        ("افتتحت البلدية السوق بحضور الأهالي", date(2015, 8, 9), []),
    ],
    ids=["yesterday", "today-explicit", "last-sunday", "day-before", "last-year", "none"],
)
def test_days_an_article_speaks_of(text: str, published: date, days: list[date]) -> None:
    assert days_mentioned(text, published) == days


async def test_a_day_named_finds_the_next_day_s_report_of_it(store: Store) -> None:
    """The report of the 9th says «أمس»: a question about the 8th finds it."""
    await ingest_article(store, story(9, "أغلقت بلدية الواحة الخيالية أمس سوق التمور للصيانة."),
                         "t")
    await ingest_article(store, story(5, "افتتحت بلدية الواحة الخيالية سوق التمور الجديد."), "t")
    library = Library(store)
    await library.build()
    answer = await library.answer("ماذا حدث لسوق التمور يوم 8 أغسطس؟", today=TODAY)
    assert [h.published.day for h in answer.hits] == [9]
