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

_LETTERS = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ى": "ي", "ة": "ه", "ـ": None})
_TASHKEEL = re.compile(r"[\u064b-\u0652\u0670]")
_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")

# Month names, normalized (ة→ه, أ→ا), in the three namings, → month number.
_MONTHS = {
    "يناير": 1, "كانون الثاني": 1, "فبراير": 2, "شباط": 2, "مارس": 3, "اذار": 3,
    "ابريل": 4, "نيسان": 4, "مايو": 5, "ايار": 5, "يونيو": 6, "يونيه": 6, "حزيران": 6,
    "يوليو": 7, "يوليه": 7, "تموز": 7, "اغسطس": 8, "اب": 8, "سبتمبر": 9, "ايلول": 9,
    "اكتوبر": 10, "تشرين الاول": 10, "نوفمبر": 11, "تشرين الثاني": 11, "ديسمبر": 12,
    "كانون الاول": 12,
}  # fmt: skip
_WEEKDAYS = {"الاثنين": 0, "الثلاثاء": 1, "الاربعاء": 2, "الخميس": 3, "الجمعه": 4,
             "السبت": 5, "الاحد": 6}
_MONTH_RE = "|".join(sorted(map(re.escape, _MONTHS), key=len, reverse=True))
_EXPLICIT = re.compile(rf"(?<!\d)(\d{{1,2}})\s+(?:من\s+)?(?:شهر\s+)?({_MONTH_RE})(?:\s+(\d{{4}}))?")
_NUMERIC = re.compile(r"(?<![\d/])(\d{1,2})/(\d{1,2})(?:/(\d{4}))?(?![\d/])")
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
    text = _TASHKEEL.sub("", text).translate(_LETTERS).translate(_DIGITS)
    return " ".join(text.replace("؟", " ").replace("،", " ").split())


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
