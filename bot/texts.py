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
