"""Digest building and scheduling as plain functions (the Telegram side is in test_telegram)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from bot.digest import digest_messages, is_due, one_line_excerpt
from bot.format import visible_length
from index.models import Article
from index.store import Subscription

NOW = datetime(2024, 12, 8, 12, 0, tzinfo=UTC)


def article(i: int, *, title: str | None = None, text: str | None = None) -> Article:
    return Article(
        id=i,
        title=title or f"خبر تجريبي رقم {i} <عن> مدينة & خيالية",
        text=text or f"الجملة الأولى من الخبر التجريبي {i}. جملة ثانية لا تظهر في الموجز.",
        source="وكالة الاختبار",
        url=f"https://example.test/{i}?a=1&b=2",
        published=NOW,
        language="ar",
        added_at=NOW,
    )


SUB = Subscription(
    id=1,
    chat_id=1,
    chat_type="private",
    thread_id=None,
    topic=None,
    frequency="daily",
    paused=False,
    paused_reason=None,
    after_article_id=0,
    created_at=NOW - timedelta(days=3),
    last_digest_at=None,
    force_due=False,
)


def test_due_follows_frequency_force_and_pause() -> None:
    recent = replace(SUB, last_digest_at=NOW - timedelta(minutes=30))
    assert is_due(replace(recent, frequency="instant"), NOW)
    assert not is_due(replace(recent, frequency="hourly"), NOW)
    assert is_due(replace(recent, frequency="hourly"), NOW + timedelta(minutes=31))
    assert not is_due(recent, NOW + timedelta(hours=23))
    assert is_due(recent, NOW + timedelta(hours=24))
    assert is_due(replace(recent, force_due=True), NOW)
    assert not is_due(replace(recent, force_due=True, paused=True), NOW)
    assert is_due(SUB, NOW)  # never sent: due a period after subscribing


def test_digest_splits_at_entry_boundaries_and_lists_each_entry_once() -> None:
    entries = [article(i, text=f"جملة طويلة جدا عن الخبر {i} " * 8 + ".") for i in range(1, 61)]
    messages = digest_messages(entries, topic=None)
    assert len(messages) > 1
    ids = [i for _, group in messages for i in group]
    assert ids == [e.id for e in entries]
    for text, group in messages:
        assert visible_length(text) <= 4096
        for entry in entries:
            shown = f"/{entry.id}?" in text
            assert shown == (entry.id in group)
    assert "(60)" in messages[0][0] and "تابع" in messages[1][0]


def test_digest_escapes_and_links() -> None:
    [(text, ids)] = digest_messages([article(7)], topic="مدينة <خيالية>")
    assert ids == [7]
    assert "&lt;عن&gt;" in text and "&amp; خيالية" in text
    assert 'href="https://example.test/7?a=1&amp;b=2"' in text
    assert "«مدينة &lt;خيالية&gt;»" in text
    assert "الجملة الأولى" in text and "جملة ثانية" not in text


def test_one_line_excerpt_skips_a_repeated_title() -> None:
    item = article(3, title="العنوان", text="العنوان\nما حدث اليوم في المدينة. وتفاصيل أخرى.")
    assert one_line_excerpt(item) == "ما حدث اليوم في المدينة."
