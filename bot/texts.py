"""Every sentence naba says to people about their questions, in one place (Arabic first)."""

from __future__ import annotations

from index.search import MAX_QUERY_CHARS

EXAMPLE = "متى تحررت درعا؟"

# Why a question could not be searched (index.models.Answer.problem).
PROBLEMS = {
    "empty": f"اكتب سؤالك بالعربية، مثل: {EXAMPLE}",
    "too_long": "السؤال طويل جدًا ({n} حرفًا). اكتب سؤالًا أقصر من {max} حرف.",
    "no_words": (
        "لم أجد في رسالتك كلمات يمكن البحث عنها. اكتب سؤالك بكلمات عربية، مثل: " + EXAMPLE
    ),
}

NOT_FOUND = "لم أجد في الأخبار المفهرسة ما يجيب عن سؤالك."
NOT_FOUND_HINT = ("جرّب كلمات أخرى أو اسم مكان أو شخص أو تاريخ، مثل: «متى تحررت درعا؟». "
                  "اكتب /sources لترى الأخبار المتاحة.")
LATIN_HINT = f"أفهم الأسئلة بالعربية فقط. اكتب سؤالك بالعربية، مثل: {EXAMPLE}"
# Before the other outlets that ran a near-copy of a quoted passage.
ALSO_IN = "ورد أيضًا في"


def problem_text(problem: str, query: str) -> str:
    """The Arabic sentence for an Answer.problem code."""
    template = PROBLEMS.get(problem, PROBLEMS["no_words"])
    return template.format(n=len((query or "").strip()), max=MAX_QUERY_CHARS)


# Counted nouns: (singular, dual, plural for 3–10, accusative singular for 11–99).
NEWS = ("خبر", "خبران", "أخبار", "خبرًا")
ARTICLES = ("مقال", "مقالان", "مقالات", "مقالًا")
PASSAGES = ("مقطع", "مقطعان", "مقاطع", "مقطعًا")
_ONE = {"خبر": "خبر واحد", "مقال": "مقال واحد", "مقطع": "مقطع واحد"}


def counted(n: int, noun: tuple[str, str, str, str]) -> str:
    """A count with its noun as Arabic grammar has it: 1 → «خبر واحد», 2 → «خبران»,
    3–10 → «3 أخبار», 11–99 → «11 خبرًا», 100 and round hundreds → «100 خبر», and past 100
    the last two digits decide again (103 → «103 أخبار», 111 → «111 خبرًا»)."""
    singular, dual, plural, accusative = noun
    if n == 0:
        return f"0 {plural}"
    if n == 1:
        return _ONE.get(singular, f"{singular} واحد")
    if n == 2:
        return dual
    rest = n % 100
    if rest == 0:
        return f"{n} {singular}"
    if n > 100 and rest in (1, 2):
        return f"{n} {singular}"
    if 3 <= rest <= 10:
        return f"{n} {plural}"
    return f"{n} {accusative}"


def date_range(first: str, last: str) -> str:
    """«بين 1 أغسطس 2015 و9 أغسطس 2015», or «في 7 ديسمبر 2024» when both are one day."""
    return f"في {first}" if first == last else f"بين {first} و{last}"
