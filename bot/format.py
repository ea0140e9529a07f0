"""Render an Answer for people: console text, JSON lines, and Telegram HTML split at 4096.

Plain functions of plain data (index.models), tested without Telegram.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from bot import texts
from bot.texts import (
    ALSO_IN,
    LATIN_HINT,
    LATIN_HINT_EN,
    MONTHS,
    NAME_NOT_GIVEN,
    NO_DATE,
    NO_LINK,
    NOT_FOUND,
    NOT_FOUND_HINT,
    UNKNOWN_SOURCE,
    problem_text,
)
from index.models import Answer, Article, Attribution, DirectAnswer, Hit
from index.store import (
    Feed,
    IngestEntry,
    StoryMember,
    Subscription,
    SubscriptionCounts,
    Summary,
    VoteCounts,
)
from index.timeline import StoryLine

TELEGRAM_LIMIT = 4096
RLM = "\u200f"  # starts each line so a line opening with a digit or Latin word stays RTL
LRI, PDI = "\u2066", "\u2069"  # isolate an LTR run like [1] so it cannot reorder the Arabic

_LATIN = re.compile(r"[A-Za-z]")
_ARABIC = re.compile(r"[\u0600-\u06ff]")


def format_date(value: datetime | None) -> str:
    """«7 ديسمبر 2024» (Western digits, as the articles write them)."""
    if value is None:
        return NO_DATE
    return f"{value.day} {MONTHS[value.month - 1]} {value.year}"


def not_found_text(answer: Answer) -> str:
    """The Arabic reply when nothing relevant was found (or the question was unusable)."""
    if answer.problem:
        return problem_text(answer.problem, answer.query)
    if answer.unnamed is not None:
        told = answer.unnamed
        where = " · ".join(attribution_parts(told) + ([told.url] if told.url else []))
        return f"{NAME_NOT_GIVEN}\n— {where}"
    if _LATIN.search(answer.query) and not _ARABIC.search(answer.query):
        return f"{NOT_FOUND}\n{LATIN_HINT}\n{LATIN_HINT_EN}"
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


def attribution_parts(hit: Hit | Article | Attribution) -> list[str]:
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
    if answer.direct and answer.direct.shown:
        blocks.append(neutral(direct_line(answer.direct)))
    for hit in answer.hits:
        quote = _marked(hit.excerpt, hit.marks, *bold)
        parts = attribution_parts(hit) + ([hit.url] if hit.url else [NO_LINK])
        block = f"{hit.rank}. ❝{quote}❞\n   — " + " · ".join(parts)
        if also := also_sources(hit):
            block += f"\n   ↪ {ALSO_IN}: " + "، ".join(also)
        blocks.append(neutral(block))
    return "\n\n".join(blocks)


def _attribution_json(a: Attribution) -> dict[str, Any]:
    return {"title": a.title, "source": a.source, "url": a.url,
            "published": a.published.date().isoformat() if a.published else None}


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
                "also": [_attribution_json(a) for a in h.also],
            }
            for h in answer.hits
        ],
        # every kind; "shown": whether the bot shows it (index.direct.SHOWN_KINDS)
        "direct_answer": (
            {"text": answer.direct.text, "kind": answer.direct.kind, "rank": answer.direct.rank,
             "shown": answer.direct.shown,
             **({"date": answer.direct.day.isoformat()} if answer.direct.day else {}),
             # a name's rule (index.direct.SHOWN_RULES): which reading gave it
             **({"rule": answer.direct.rule} if answer.direct.rule else {})}
            if answer.direct else None
        ),
    }
    if answer.unnamed is not None:
        # refused: this article tells the story but not the name asked for
        data["unnamed"] = {"article_id": answer.unnamed.article_id,
                           **_attribution_json(answer.unnamed)}
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
        text += f" · {story_command(hit.article_id)}"
    return text


def html_answer(answer: Answer) -> list[str]:
    """Telegram messages (HTML) for an answer, split at result boundaries."""
    if not answer.hits:
        return [esc(not_found_text(answer))]
    header = f"{RLM}{texts.RESULTS_FOR} <i>{esc(_short(answer.query, 120))}</i>"
    if answer.direct and answer.direct.shown:
        header += "\n" + html_direct(answer.direct)
    return split_blocks([header, *(html_hit(h) for h in answer.hits)])


def _direct_value(direct: DirectAnswer) -> tuple[str, str]:
    """What the line states, and the article's own words for it when they were relative:
    («7 أغسطس 2015», «أمس»), or («7 كانون الأول 2024», "")."""
    if direct.day is None:
        return direct.text, ""
    day = datetime(direct.day.year, direct.day.month, direct.day.day, tzinfo=UTC)
    return format_date(day), direct.text


def direct_line(direct: DirectAnswer) -> str:
    """«📌 7 كانون الأول 2024 — من النتيجة 1»: the answer itself, above the quotes; a relative
    day shown with its words: «📌 7 أغسطس 2015 («أمس») — من النتيجة 1»."""
    value, words = _direct_value(direct)
    said = f" («{words}»)" if words else ""
    return f"📌 {value}{said} — {texts.DIRECT_FROM.format(rank=direct.rank)}"


def html_direct(direct: DirectAnswer) -> str:
    """direct_line in HTML, the answer in bold."""
    value, words = _direct_value(direct)
    said = f" («{esc(words)}»)" if words else ""
    source = esc(texts.DIRECT_FROM.format(rank=direct.rank))
    return f"{RLM}📌 <b>{esc(value)}</b>{said} — {source}"


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


# ---- the bot's other replies ---------------------------------------------------------------


def _lines(*lines: str) -> str:
    """Lines of an Arabic reply, each opened by an RLM so a line that starts with a digit or
    a Latin word stays right-to-left."""
    return "\n".join(f"{RLM}{line}" for line in "\n".join(lines).split("\n"))


def html_help(language_code: str | None = None) -> str:
    """/help: in English for a user whose Telegram speaks English, otherwise in Arabic."""
    if (language_code or "").lower().startswith("en"):
        return texts.HELP_EN
    return _lines(texts.HELP)


def html_known(summary: Summary) -> str:
    """«أعرف الآن خبر واحد (4 مقاطع)، منشورة في 7 ديسمبر 2024»."""
    known = texts.KNOWN.format(news=texts.counted(summary.articles, texts.NEWS),
                               passages=texts.counted(summary.passages, texts.PASSAGES))
    if summary.first_published:
        dates = texts.date_range(format_date(summary.first_published),
                                 format_date(summary.last_published))
        known += texts.KNOWN_DATES.format(dates=esc(dates))
    return known


def html_start(summary: Summary, language_code: str | None = None) -> str:
    return f"{RLM}{html_known(summary)}.\n\n{html_help(language_code)}"


def html_unknown_command(language_code: str | None = None) -> str:
    return f"{RLM}{texts.UNKNOWN_COMMAND}\n\n{html_help(language_code)}"


def html_sources(total: int, articles: Sequence[Article]) -> list[str]:
    """/sources: the newest articles, one attributed line each, split at 4096."""
    if not articles:
        return [esc(texts.NOTHING_INDEXED)]
    head = f"{RLM}{texts.SOURCES_HEAD.format(n=total)}"
    lines = [f"{RLM}{i}. {html_attribution(a)}" for i, a in enumerate(articles, 1)]
    return split_blocks([head, *lines], sep="\n")


def html_latest(articles: Sequence[Article], excerpts: Sequence[str]) -> list[str]:
    """/latest: the newest entries with their ledes."""
    if not articles:
        return [esc(texts.NOTHING_INDEXED)]
    blocks = [f"{RLM}{texts.LATEST_HEAD}"]
    blocks += [html_entry_line(a, e) for a, e in zip(articles, excerpts, strict=True)]
    return split_blocks(blocks)


def _minutes(value: datetime) -> str:
    return esc(value.isoformat(" ", "minutes"))


def html_status(
    summary: Summary,
    passages: int,
    last_ingest: IngestEntry | None,
    subscription: Subscription | None,
) -> str:
    """/status: what is indexed, the last ingest, and this chat's subscription."""
    last = (f"{_minutes(last_ingest.at)} ({esc(last_ingest.status)})" if last_ingest
            else texts.STATUS_NO_INGEST)
    lines = [
        texts.STATUS_HEAD,
        texts.STATUS_INDEX.format(articles=summary.articles, passages=passages),
        texts.STATUS_LAST_INGEST.format(last=last),
    ]
    if subscription is None:
        lines.append(texts.STATUS_NOT_SUBSCRIBED)
    else:
        sub = subscription
        lines.append(texts.STATUS_SUBSCRIPTION.format(
            topic=texts.ABOUT_TOPIC.format(topic=esc(sub.topic)) if sub.topic else texts.ALL_NEWS,
            frequency=frequency_name(sub.frequency),
            state=texts.PAUSED if sub.paused else texts.ACTIVE,
            last=_minutes(sub.last_digest_at) if sub.last_digest_at else texts.NO_DIGEST_YET,
        ))
    return _lines(*lines)


def frequency_name(frequency: str) -> str:
    return texts.FREQUENCY.get(frequency, frequency)


def html_subscribed(topic: str | None, frequency: str) -> str:
    what = texts.NEWS_ABOUT.format(topic=esc(topic)) if topic else texts.ALL_NEW
    return _lines(texts.SUBSCRIBED.format(what=what, frequency=frequency_name(frequency)))


def html_stats(
    summary: Summary,
    subscriptions: SubscriptionCounts,
    deliveries: Mapping[str, int],
    ingests: Mapping[str, int],
    feeds: Sequence[Feed],
    votes: VoteCounts,
) -> str:
    """/stats for admins: articles, subscribers, deliveries, ingest outcomes, feeds."""
    counts = {k: ingests.get(k, 0)
              for k in ("new", "updated", "duplicate", "skipped", "failed")}
    return _lines(texts.STATS.format(
        articles=summary.articles, passages=summary.passages,
        subscriptions=subscriptions.subscriptions, paused=subscriptions.paused,
        sent=deliveries.get("sent", 0), sending=deliveries.get("sending", 0),
        filtered=deliveries.get("filtered", 0), feeds=len(feeds),
        feed_errors=sum(f.errors_total for f in feeds), up=votes.up, down=votes.down,
        rate=texts.VOTE_RATE.format(percent=round(100 * votes.rate)) if votes.rate is not None
        else "",
        **counts,
    ))


def html_ingest_report(summary: str, problems: Sequence[str]) -> str:
    """An admin's ingest result: the counts, then the first five problems."""
    lines = [texts.INGEST_RESULT.format(summary=esc(summary)), *(esc(p) for p in problems[:5])]
    return "\n".join(lines)


def html_feeds(feeds: Sequence[Feed]) -> list[str]:
    """/feeds list: each feed's health, split at 4096."""
    if not feeds:
        return [esc(texts.NO_FEEDS)]
    return split_blocks([
        texts.FEED_LINE.format(
            id=f.id, url=esc(f.url), error=esc(f.last_error or "-"), new=f.entries_new,
            errors=f.errors_total,
            ok=_minutes(f.last_success_at) if f.last_success_at else texts.NEVER,
        )
        for f in feeds
    ])


def story_command(article_id: int) -> str:
    """«/story_12»: a command Telegram shows as a link, which lists that article's story."""
    return f"/story_{article_id}"


def _sources_line(articles: Sequence[Article | StoryMember], article_id: int) -> str:
    """«↪ المصادر: الرياض، عكاظ · /story_12» for an item reported by several outlets."""
    names = list(dict.fromkeys(a.source or UNKNOWN_SOURCE for a in articles))
    return (f"{RLM}↪ {texts.SOURCES}: " + "، ".join(esc(n) for n in names)
            + f" · {story_command(article_id)}")


def html_digest(
    items: Sequence[Sequence[Article]], excerpts: Sequence[str], topic: str | None
) -> list[tuple[str, list[int]]]:
    """(HTML text, entry ids) per digest message, one item per story — its first entry's
    title, link and lede, and every outlet that reported it — split at item boundaries within
    4096 characters; the first message has the header, the others «تابع الموجز». Every entry
    of an item is among its message's ids, so each is marked delivered exactly once."""
    header = (
        texts.DIGEST_HEADER_TOPIC.format(topic=esc(topic), n=len(items))
        if topic
        else texts.DIGEST_HEADER.format(n=len(items))
    )
    blocks = []
    for item, excerpt in zip(items, excerpts, strict=True):
        block = html_entry_line(item[0], excerpt)
        if len(item) > 1:
            block += "\n" + _sources_line(item, item[0].id)
        blocks.append(block)
    # Room for the longest header, so every message can carry one.
    room = TELEGRAM_LIMIT - visible_length(f"{RLM}{header}\n\n") - 8
    out = []
    for n, (body, group) in enumerate(split_blocks_indexed(blocks, room)):
        title = header if n == 0 else texts.DIGEST_CONTINUED
        out.append((f"{RLM}{title}\n\n{body}", [e.id for i in group for e in items[i]]))
    return out


# ---- stories across outlets: /story and /timeline -------------------------------------------


def _names(sources: Iterable[str | None]) -> str:
    return "، ".join(dict.fromkeys(s or UNKNOWN_SOURCE for s in sources))


def story_lines(reports: Sequence[StoryMember]) -> list[str]:
    """A story's reports, oldest first: «date · outlet · title · link», plain text."""
    return [" · ".join([format_date(m.published), m.source or UNKNOWN_SOURCE, m.title,
                        m.url or NO_LINK]) for m in reports]


def html_story(reports: Sequence[StoryMember]) -> list[str]:
    """/story: one line per report, oldest first, each title linked; split at 4096."""
    head = f"{RLM}{texts.STORY_HEAD.format(n=len(reports))}"
    lines = []
    for i, m in enumerate(reports, 1):
        title = esc(_short(m.title, 150))
        if m.url and m.url.lower().startswith(("http://", "https://")):
            title = f'<a href="{esc(m.url)}">{title}</a>'
        lines.append(f"{RLM}{i}. {esc(format_date(m.published))} · "
                     f"{esc(m.source or UNKNOWN_SOURCE)} · {title}")
    return split_blocks([head, *lines], sep="\n")


def timeline_lines(stories: Sequence[StoryLine]) -> list[str]:
    """One plain line per story: «date · title · sources (n) · story id»."""
    return [
        f"{format_date(s.published)} · {s.title} · {_names(s.sources)}"
        + (f" ({s.reports})" if s.reports > 1 else "") + f" · #{s.article_id}"
        for s in stories
    ]


def html_timeline(topic: str, stories: Sequence[StoryLine], offset: int, page: int) -> str:
    """/timeline: the page of `page` stories from `offset`, one line each — date · title ·
    sources — with the /story_N command that lists the story's reports."""
    shown = stories[offset : offset + page]
    head = texts.TIMELINE_HEAD.format(topic=esc(_short(topic, 80)), n=len(stories))
    if len(stories) > len(shown):
        head += " " + texts.TIMELINE_PAGE.format(first=offset + 1, last=offset + len(shown),
                                                 n=len(stories))
    lines = [
        f"{RLM}{esc(format_date(s.published))} · <b>{esc(_short(s.title, 120))}</b> · "
        f"{esc(_names(s.sources))} · {story_command(s.article_id)}"
        for s in shown
    ]
    return _fit("\n".join([f"{RLM}{head}", *lines]), TELEGRAM_LIMIT)
