"""Broken plurals the analyzer does not join to their singular, for query expansion.

A reader asks «مين نواب زعيم طالبان؟» and the article says «نائبين»; «كم وزير استقال؟» and it
says «الوزراء». Sound plurals share the singular's stem, and most broken plurals its root
(«ضباط» ~ «ضابط», «أطفال» ~ «طفل»: the root field matches those, at index.relevance.ROOT_CREDIT).
The pairs below are those whose roots come apart under the ISRI stemmer — hollow, hamzated and
defective roots («قادة» → قاد, «قائد» → قيد; «وزراء» → زرء, «وزير» → وزر; «مدن» → مدن, «مدينة»
→ دين) — or whose light stem the stemmer cuts short («قوانين» → قوان, «قانون» → قان).

How the list was made: about 200 singular/plural pairs of nouns common in news (people and
their roles, places, things counted in reports) were run through the analyzer and `root_of`;
every pair whose stems and roots both differ is listed, except where one side is mostly another
word in news text: «دور» (role, not houses), «عام» (general), «آب» (August in the Levant),
«إخوان» (the Brotherhood), «وجه» (directed), «حد» (limit; «حد» someone), «جان» (Jean), «علماء»
beside «عالم» (world), «أماكن» and «ملايين» (the stemmer leaves «اما» and «ملا», which are
«أما» and «الملا»), «أسئلة» (its stem is the name «أسيل»), «أنهار» (the verb «انهار»,
collapsed), «أيدي» («أيّد», supported), «أحياء» («إحياء», reviving), «شباب» (youth, the club
«الشباب»), «أسماء» («اسم» is a frame word of name questions). Written for naba from ordinary
Arabic grammar; not a published list.

Each pair maps both ways: the question's singular also finds the plural, and the other way
round, at PLURAL_CREDIT (index.query).
"""

from __future__ import annotations

from functools import lru_cache

from index.normalize import analyze, unmarked_accusative

# (singular, plural, …) as written; more than one plural where news uses both
BROKEN_PLURALS: tuple[tuple[str, ...], ...] = (
    # people and roles
    ("نائب", "نواب"),
    ("قائد", "قادة", "قواد"),
    ("وزير", "وزراء"),
    ("رئيس", "رؤساء"),
    ("شهيد", "شهداء"),
    ("سفير", "سفراء"),
    ("أمير", "أمراء"),
    ("عضو", "أعضاء"),
    ("خبير", "خبراء"),
    ("مدير", "مدراء"),
    ("شيخ", "مشايخ"),
    ("زعيم", "زعماء"),
    ("شريك", "شركاء"),
    ("وكيل", "وكلاء"),
    ("طبيب", "أطباء"),
    ("مريض", "مرضى"),
    ("ضحية", "ضحايا"),
    ("صديق", "أصدقاء"),
    ("عدو", "أعداء"),
    ("ابن", "أبناء"),
    ("امرأة", "نساء"),
    ("أخ", "إخوة"),
    ("حاج", "حجاج"),
    ("زائر", "زوار"),
    ("قاض", "قضاة"),
    ("سجين", "سجناء"),
    ("رهينة", "رهائن"),
    ("فتاة", "فتيات"),
    # places
    ("مدينة", "مدن"),
    ("ميناء", "موانئ"),
    ("بئر", "آبار"),
    ("نادي", "أندية"),
    ("مبنى", "مباني"),
    ("منشأة", "منشآت"),
    # things reported and counted
    ("يوم", "أيام"),
    ("سنة", "سنوات", "سنين"),
    ("قضية", "قضايا"),
    ("رسالة", "رسائل"),
    ("وسيلة", "وسائل"),
    ("دليل", "أدلة"),
    ("مال", "أموال"),
    ("قانون", "قوانين"),
    ("مشروع", "مشاريع"),
    ("برنامج", "برامج"),
    ("مباراة", "مباريات"),
    ("وثيقة", "وثائق"),
    ("صاروخ", "صواريخ"),
    ("قذيفة", "قذائف"),
    ("جريمة", "جرائم"),
    ("وظيفة", "وظائف"),
    ("ماء", "مياه"),
    ("رأي", "آراء"),
    ("رأس", "رؤوس"),
    ("دم", "دماء"),
    ("كأس", "كؤوس"),
)


@lru_cache(maxsize=1)
def _table() -> dict[str, tuple[str, ...]]:
    """Each listed form's analysed term → the analysed terms of its other number (built on
    the first question: the analyzer is not loaded at import)."""
    table: dict[str, list[str]] = {}
    for forms in BROKEN_PLURALS:
        terms = [t for form in forms for t in analyze(form)]
        singular, plurals = terms[0], terms[1:]
        # the accusative the articles write without its mark keeps its alef in the index
        # («عُيّن نائبا للرئيس» → نايبا): a plural asked also finds it
        accusative = unmarked_accusative(singular)
        told = [singular, accusative] if accusative else [singular]
        table.setdefault(singular, []).extend(plurals)
        for plural in plurals:
            table.setdefault(plural, []).extend(
                t for t in [*told, *plurals] if t != plural
            )
    return {term: tuple(dict.fromkeys(others)) for term, others in table.items()}


def other_numbers(term: str) -> tuple[str, ...]:
    """The analysed forms of the other number of a noun: «نواب» → («نايب», «نايبا»), «قايد»
    → («قاد», «قواد»); () for a term not listed."""
    return _table().get(term, ())
