"""Render an Answer for people: console text, JSON lines, and Telegram HTML split at 4096.

Plain functions of plain data (index.models), tested without Telegram.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from bot.texts import ALSO_IN, LATIN_HINT, NOT_FOUND, NOT_FOUND_HINT, problem_text
from index.models import Answer, Article, Hit

TELEGRAM_LIMIT = 4096
# Arabic month names as Arabic-language news sites print them (Egypt, Gulf; the Levantine names
# are folded to the same month by the analyzer anyway).
MONTHS_AR = ("يناير", "فبراير", "مارس", "أبريل", "مايو", "يونيو", "يوليو", "أغسطس", "سبتمبر",
             "أكتوبر", "نوفمبر", "ديسمبر")
UNKNOWN_SOURCE = "المصدر غير معروف"
NO_DATE = "تاريخ النشر غير معروف"
RLM = "\u200f"  # starts each line so a line opening with a digit or Latin word stays RTL
LRI, PDI = "\u2066", "\u2069"  # isolate an LTR run like [1] so it cannot reorder the Arabic

_LATIN = re.compile(r"[A-Za-z]")
_ARABIC = re.compile(r"[\u0600-\u06ff]")


def format_date(value: datetime | None) -> str:
    """«7 ديسمبر 2024» (Western digits, as the articles write them)."""
    if value is None:
        return NO_DATE
    return f"{value.day} {MONTHS_AR[value.month - 1]} {value.year}"


def not_found_text(answer: Answer) -> str:
    """The Arabic reply when nothing relevant was found (or the question was unusable)."""
    if answer.problem:
        return problem_text(answer.problem, answer.query)
    if _LATIN.search(answer.query) and not _ARABIC.search(answer.query):
        return f"{NOT_FOUND}\n{LATIN_HINT}"
    return f"{NOT_FOUND}\n{NOT_FOUND_HINT}"


def _marked(text: str, marks: Sequence[tuple[int, int]], open_: str, close: str,
            escape=lambda s: s) -> str:
    out, pos = [], 0
    for start, end in sorted(marks):
        if start < pos:
            continue
        out += [escape(text[pos:start]), open_, escape(text[start:end]), close]
        pos = end
    out.append(escape(text[pos:]))
    return "".join(out)


def attribution_parts(hit: Hit | Article) -> list[str]:
    return [
        hit.title,
        hit.source or UNKNOWN_SOURCE,
        format_date(hit.published),
    ]


# ---- console / CLI -----------------------------------------------------------------------


def render_text(answer: Answer, *, bold: tuple[str, str] = ("«", "»")) -> str:
    """Plain text for the console: numbered quotes, matched words wrapped in `bold`."""
    if not answer.hits:
        return not_found_text(answer)
    blocks = []
    for hit in answer.hits:
        quote = _marked(hit.excerpt, hit.marks, *bold)
        parts = attribution_parts(hit) + ([hit.url] if hit.url else ["الرابط غير معروف"])
        block = f"{hit.rank}. ❝{quote}❞\n   — " + " · ".join(parts)
        if also := also_sources(hit):
            block += f"\n   ↪ {ALSO_IN}: " + "، ".join(also)
        blocks.append(neutral(block))
    return "\n\n".join(blocks)


def to_json(answer: Answer) -> dict[str, Any]:
    """The `ask --json` object: query, normalized_tokens, answers (empty when none), and
    problem (a code) with error (its Arabic sentence) when the question could not be searched."""
    data: dict[str, Any] = {
        "query": answer.query,
        "normalized_tokens": list(answer.tokens),
        "answers": [
            {
                "rank": h.rank,
                "score": round(h.score, 6),
                "article_id": h.article_id,
                "title": h.title,
                "source": h.source,
                "published": h.published.date().isoformat() if h.published else None,
                "url": h.url,
                "passage": h.passage,
                "excerpt": h.excerpt,
                "also": [
                    {"title": a.title, "source": a.source, "url": a.url,
                     "published": a.published.date().isoformat() if a.published else None}
                    for a in h.also
                ],
            }
            for h in answer.hits
        ],
    }
    if answer.problem:
        data["problem"] = answer.problem  # a code for scripts: empty, too_long, no_words
        data["error"] = problem_text(answer.problem, answer.query)
    return data


# ---- Telegram HTML -----------------------------------------------------------------------


# Bidi embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069) in a title, a source
# or a question could reverse the rest of a reply («‮» turns what follows right to left and
# back): they are deleted from every outside text before it is shown. naba's own isolates
# around «[1]» are added after this.
_BIDI_CONTROLS = dict.fromkeys(
    [*range(0x202A, 0x202F), *range(0x2066, 0x206A)]
)


def neutral(text: str) -> str:
    """Text from outside (articles, feeds, users) without bidi control characters."""
    return text.translate(_BIDI_CONTROLS)


def esc(text: str) -> str:
    """HTML-escaped, bidi-neutral text for Telegram."""
    return html.escape(neutral(text), quote=True)


def visible_length(html_text: str) -> int:
    """Length as Telegram counts it: UTF-16 code units of the text after entity parsing."""
    plain = html.unescape(re.sub(r"<[^>]*>", "", html_text))
    return len(plain.encode("utf-16-le")) // 2


def html_attribution(item: Hit | Article) -> str:
    title = f"<b>{esc(item.title)}</b>"
    # Only web links become links: a javascript: or data: URL from a feed must not.
    if item.url and item.url.lower().startswith(("http://", "https://")):
        title = f'<a href="{esc(item.url)}">{esc(item.title)}</a>'
    rest = [esc(item.source or UNKNOWN_SOURCE), esc(format_date(item.published))]
    return f"{RLM}📰 " + " · ".join([title, *rest])


def also_sources(hit: Hit) -> list[str]:
    """Distinct outlets (or titles, when the outlet is unknown) that ran a near-copy."""
    names = [a.source or a.title for a in hit.also]
    return list(dict.fromkeys(n for n in names if n and n != hit.source))


def html_hit(hit: Hit) -> str:
    quote = _marked(hit.excerpt, hit.marks, "<b>", "</b>", esc)
    text = f"{RLM}{LRI}[{hit.rank}]{PDI}\n<blockquote>{quote}</blockquote>\n{html_attribution(hit)}"
    if also := also_sources(hit):
        text += f"\n{RLM}↪ {ALSO_IN}: " + "، ".join(esc(n) for n in also)
    return text


def html_answer(answer: Answer) -> list[str]:
    """Telegram messages (HTML) for an answer, split at result boundaries."""
    if not answer.hits:
        return [esc(not_found_text(answer))]
    header = f"{RLM}🔎 نتائج عن: <i>{esc(_short(answer.query, 120))}</i>"
    return split_blocks([header, *(html_hit(h) for h in answer.hits)])


def split_blocks(
    blocks: Iterable[str], limit: int = TELEGRAM_LIMIT, sep: str = "\n\n"
) -> list[str]:
    """Join whole blocks into messages of at most `limit` visible characters each; a block
    that alone is too long is cut at a word, outside any tag, and its tags closed."""
    return [text for text, _ in split_blocks_indexed(list(blocks), limit, sep)]


def split_blocks_indexed(
    blocks: Sequence[str], limit: int = TELEGRAM_LIMIT, sep: str = "\n\n"
) -> list[tuple[str, list[int]]]:
    """split_blocks, with the indices of the blocks each message carries."""
    return [
        (sep.join(blocks[i] for i in group) if len(group) > 1 else _fit(blocks[group[0]], limit),
         group)
        for group in pack_blocks(blocks, limit, sep)
    ]


def pack_blocks(
    blocks: Sequence[str], limit: int = TELEGRAM_LIMIT, sep: str = "\n\n"
) -> list[list[int]]:
    """Indices of the blocks in each message, in order, packing greedily under `limit`."""
    groups: list[list[int]] = []
    used = 0
    sep_len = visible_length(sep)
    for i, block in enumerate(blocks):
        size = min(visible_length(block), limit)
        if groups and used + sep_len + size <= limit:
            groups[-1].append(i)
            used += sep_len + size
        else:
            groups.append([i])
            used = size
    return groups


def _fit(block: str, limit: int) -> str:
    return block if visible_length(block) <= limit else _truncate_html(block, limit)


_TOKEN = re.compile(r"(<[^>]+>)|(&[^;\s]+;)|([^<&]+)")


def _truncate_html(block: str, limit: int) -> str:
    """Keep tags balanced while cutting visible text to fit `limit` (with an ellipsis)."""
    budget = limit - 1
    out: list[str] = []
    stack: list[str] = []
    for tag, entity, text in _TOKEN.findall(block):
        if budget <= 0:
            break
        if tag:
            name = tag.strip("</>").split()[0]
            if tag.startswith("</"):
                if stack and stack[-1] == name:
                    stack.pop()
            elif not tag.endswith("/>"):
                stack.append(name)
            out.append(tag)
        elif entity:
            out.append(entity)
            budget -= 1
        else:
            units = len(text.encode("utf-16-le")) // 2
            if units > budget:
                cut = text[:budget]
                while len(cut.encode("utf-16-le")) // 2 > budget:
                    cut = cut[:-1]
                space = cut.rfind(" ")
                text = cut[:space] if space > len(cut) // 2 else cut
                units = budget
            out.append(text)
            budget -= units
    out.append("…")
    out.extend(f"</{name}>" for name in reversed(stack))
    return "".join(out)


def _short(text: str, n: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"


def html_entry_line(article: Article, excerpt: str) -> str:
    """One digest entry: title (linked), source, date, and a one-line excerpt."""
    return f"{html_attribution(article)}\n{RLM}<i>{esc(_short(excerpt, 200))}</i>"
