"""Dates in questions: «شو صار بالرياض أمس؟», «أخبار الأسبوع الماضي عن الحج», «وش صار يوم ٥
أغسطس؟», «آخر أخبار الحج» — resolved against today into a range of publication days, and
whether the reader wants the newest first.

Relative words in the dialects too (امبارح، البارحة، أول أمس، هالأسبوع), weekday names («يوم
الأحد» is the last Sunday up to today), explicit days in the three month namings, with or
without a year (without: the most recent such day up to today), and «3/8/2015».
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from index.normalize import ANALYZER_VERSION, MONTH_NUMBERS, analyze_spans, normalize
from index.positions import encode

# The analyzer's month names; آب too, which it leaves out as a word (normalized, it is أب,
# "father") but which after a day's number («5 آب») can only be August.
_MONTHS = {**MONTH_NUMBERS, "اب": 8}
_WEEKDAYS = {"الاثنين": 0, "الثلاثاء": 1, "الاربعاء": 2, "الخميس": 3, "الجمعه": 4,
             "السبت": 5, "الاحد": 6}
_MONTH_RE = "|".join(sorted(map(re.escape, _MONTHS), key=len, reverse=True))
_ON = r"(?:(?:يوم|بتاريخ|تاريخ)\s+)?"
_EXPLICIT = re.compile(
    rf"{_ON}(?<!\d)(\d{{1,2}})\s+(?:من\s+)?(?:شهر\s+)?({_MONTH_RE})(?:\s+(\d{{4}}))?"
)
_NUMERIC = re.compile(rf"{_ON}(?<![\d/])(\d{{1,2}})/(\d{{1,2}})(?:/(\d{{4}}))?(?![\d/])")
_WEEKDAY = re.compile(rf"(?:يوم\s+)?({'|'.join(_WEEKDAYS)})(?:\s+(?:الماضي|اللي فات))?")
_NEWEST = re.compile(r"(?:^|\s)(?:[وب]?اخر|احدث|جديد)\s+(?:ال)?(?:اخبار|خبر|مستجدات|تطورات)")

# Relative spans: (pattern on the normalized question, days back from today to the first day,
# days back to the last day).
_RELATIVE: list[tuple[re.Pattern[str], int, int]] = [
    (re.compile(r"(?:اول|قبل)\s+(?:امس|امبارح|البارحه)"), 2, 2),
    (re.compile(r"(?:^|\s)(?:ب|و)?(?:امس|امبارح|البارحه|مبارح)(?=\s|$|؟)"), 1, 1),
    (re.compile(r"(?:^|\s)(?:ب|و)?(?:اليوم|النهارده|اليوم ده|هاليوم)(?=\s|$|؟)"), 0, 0),
    (re.compile(r"الاسبوع\s+(?:الماضي|اللي فات|الفايت)"), 7, 1),
    (re.compile(r"(?:هذا|هاد|هالـ?|ها)\s*الاسبوع|هالاسبوع|الاسبوع\s+(?:هذا|ده|الحالي)"), 6, 0),
    (re.compile(r"(?:الايام|الساعات)\s+(?:الماضيه|الاخيره)"), 6, 0),
]


@dataclass(frozen=True, slots=True)
class DateScope:
    """The publication days a question is about (inclusive), and whether it wants the newest."""

    first: date | None = None
    last: date | None = None
    newest: bool = False
    # the question without its date words, which are no words to find in a passage
    rest: str = ""

    def holds(self, day: date | None) -> bool:
        if self.first is None or self.last is None:
            return True
        return day is not None and self.first <= day <= self.last


def _normalized(text: str) -> str:
    return " ".join(normalize(text).replace("؟", " ").replace("،", " ").split())


def _latest(today: date, month: int, day: int, year: int | None) -> date | None:
    """That day of that year, or (no year) the latest such day up to today."""
    try:
        if year is not None:
            return date(year, month, day)
        candidate = date(today.year, month, day)
        return candidate if candidate <= today else date(today.year - 1, month, day)
    except ValueError:
        return None


def question_dates(text: str, today: date) -> DateScope | None:
    """The dates `text` names, resolved against `today`; None when it names none.

    >>> question_dates("شو صار بالرياض امبارح؟", date(2015, 8, 10)).first
    datetime.date(2015, 8, 9)
    """
    norm = _normalized(text)
    newest_match = _NEWEST.search(norm)
    if newest_match:
        norm = _cut(norm, newest_match)
    newest = newest_match is not None
    if m := _EXPLICIT.search(norm):
        day = _latest(today, _MONTHS[m[2]], int(m[1]), int(m[3]) if m[3] else None)
        if day:
            return DateScope(day, day, newest, _cut(norm, m))
    if m := _NUMERIC.search(norm):
        day = _latest(today, int(m[2]), int(m[1]), int(m[3]) if m[3] else None)
        if day:
            return DateScope(day, day, newest, _cut(norm, m))
    for pattern, back_first, back_last in _RELATIVE:
        if m := pattern.search(norm):
            return DateScope(today - timedelta(back_first), today - timedelta(back_last),
                             newest, _cut(norm, m))
    if m := _WEEKDAY.search(norm):
        day = today - timedelta((today.weekday() - _WEEKDAYS[m[1]]) % 7)
        return DateScope(day, day, newest, _cut(norm, m))
    return DateScope(newest=True, rest=norm) if newest else None


def _cut(text: str, match: re.Match[str]) -> str:
    return " ".join(f"{text[: match.start()]} {text[match.end():]}".split())


# ---- dates inside articles -------------------------------------------------------------------

# A day a passage speaks of, as a term stored with its tokens: no analysed word has a colon.
DAY_TERM = "d:{}"
# What passages are stored with: the analyzer's words and these day terms, and where the words
# stand ("at1": index.positions). Stored passages of another version are re-tokenized
# (index.search.retokenize_stale).
PASSAGE_VERSION = f"{ANALYZER_VERSION}+days1+at1"

_ARTICLE_RELATIVE: list[tuple[re.Pattern[str], int]] = [
    (re.compile(r"(?:اول|قبل)\s+(?:امس|امبارح|البارحه)"), 2),
    (re.compile(r"(?:^|\s)(?:[وب]|يوم\s+)?امس(?=\s|$|[،.؟])"), 1),
    (re.compile(r"(?:^|\s)(?:[وف])?اليوم(?=\s|$|[،.؟])"), 0),
]


def days_mentioned(text: str, published: date) -> list[date]:
    """The days a passage of an article published on `published` speaks of: «أمس» is the day
    before, «اليوم السبت» that day, «الأحد الماضي» the last Sunday before it, «5 أغسطس» that day
    (of the article's year, or the year before if that day is still to come)."""
    norm = _normalized(text)
    days: set[date] = set()
    for pattern, back in _ARTICLE_RELATIVE:
        if pattern.search(norm):
            days.add(published - timedelta(back))
            norm = pattern.sub(" ", norm)  # «أول أمس» is not also «أمس»
    for m in _WEEKDAY.finditer(norm):
        back = (published.weekday() - _WEEKDAYS[m[1]]) % 7
        if back == 0 and ("الماضي" in m[0] or "اللي فات" in m[0]):
            back = 7
        days.add(published - timedelta(back))
    for m in _EXPLICIT.finditer(norm):
        day = _latest(published, _MONTHS[m[2]], int(m[1]), int(m[3]) if m[3] else None)
        if day:
            days.add(day)
    return sorted(days)


def day_terms(text: str, published: date | None) -> list[str]:
    """`days_mentioned` as terms to store with a passage's tokens (none without a date)."""
    if published is None:
        return []
    return [DAY_TERM.format(d.isoformat()) for d in days_mentioned(text, published)]


def passage_terms(text: str, published: date | None) -> tuple[str, str]:
    """A passage's stored terms — its analysed words, then the days it speaks of — and where
    the words stand (index.positions), from one analysis."""
    spans = analyze_spans(text)
    tokens = " ".join([*(t.term for t in spans), *day_terms(text, published)])
    return tokens, encode(text, spans) if tokens else ""


def speaks_of(tokens: frozenset[str] | set[str], scope: DateScope) -> bool:
    """Whether a passage's day terms fall on a day `scope` names."""
    if scope.first is None or scope.last is None:
        return False
    for token in tokens:
        if token.startswith("d:"):
            try:
                if scope.holds(date.fromisoformat(token[2:])):
                    return True
            except ValueError:
                continue
    return False
