"""Ingest from files and folders into a real temporary store: formats, idempotence, bad files,
unusable texts. Every article here is an invented test fixture."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fakes.documents import write

from index.ingest import (
    MAX_ARTICLE_CHARS,
    MAX_TITLE_CHARS,
    InvalidArticle,
    ingest_article,
    ingest_articles,
    ingest_path,
    prepare,
)
from index.models import ArticleIn
from index.store import Store

TXT = "خبر تجريبي: افتتاح مكتبة في الواحة\nافتتحت بلدية الواحة الخيالية مكتبة عامة جديدة.\n"
MD = """---
title: "خبر تجريبي: مهرجان الكتاب"
source: صحيفة السنابل
url: https://example.test/news/festival
published: 2024-12-07T09:00:00+03:00
---
# خبر تجريبي: مهرجان الكتاب

أقامت قرية السنابل الخيالية مهرجانًا للكتاب
استمر ثلاثة أيام.

وحضره مئات الزوار من القرى المجاورة.
"""
JSON_ITEMS = [
    {
        "title": "خبر تجريبي: حديقة",
        "text": "زرعت بلدة النخيل الخيالية ألف شجرة.",
        "published": "2024-12-08",
    },
    {
        "title": "خبر تجريبي: جسر",
        "content": "افتتحت مدينة الجسور الخيالية جسرًا جديدًا.",
        "url": "https://example.test/bridge",
        "guid": "bridge-1",
    },
]


def count(db: Path, table: str) -> int:
    con = sqlite3.connect(db)
    try:
        return con.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
    finally:
        con.close()


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    root = tmp_path / "articles"
    write(root / "a.txt", TXT)
    write(root / "sub" / "b.md", MD)
    write(root / "list.json", json.dumps(JSON_ITEMS, ensure_ascii=False))
    write(root / "notes.csv", "ليس مقالًا")  # not an article type: ignored
    write(root / ".hidden.txt", "عنوان\nنص مخفي لا يُقرأ.")
    return root


async def test_folder_of_txt_md_and_json(store: Store, folder: Path, db_path: Path) -> None:
    report = await ingest_path(store, folder)
    assert report.counts == {"new": 4}
    assert report.problems == []
    articles = {a.title: a for a in await store.articles.newest(limit=10)}
    assert set(articles) == {
        "خبر تجريبي: افتتاح مكتبة في الواحة",
        "خبر تجريبي: مهرجان الكتاب",
        "خبر تجريبي: حديقة",
        "خبر تجريبي: جسر",
    }
    txt = articles["خبر تجريبي: افتتاح مكتبة في الواحة"]
    assert txt.text == "افتتحت بلدية الواحة الخيالية مكتبة عامة جديدة."
    assert (txt.source, txt.url, txt.published) == (None, None, None)
    md = articles["خبر تجريبي: مهرجان الكتاب"]
    assert md.text == (
        "أقامت قرية السنابل الخيالية مهرجانًا للكتاب استمر ثلاثة أيام.\n"
        "وحضره مئات الزوار من القرى المجاورة."
    )
    assert (md.source, md.url) == ("صحيفة السنابل", "https://example.test/news/festival")
    assert md.published == datetime(2024, 12, 7, 6, 0, tzinfo=UTC)
    assert articles["خبر تجريبي: حديقة"].published == datetime(2024, 12, 8, tzinfo=UTC)
    assert articles["خبر تجريبي: جسر"].text == "افتتحت مدينة الجسور الخيالية جسرًا جديدًا."
    assert count(db_path, "passages") == 5  # one per paragraph: 1 + 2 + 1 + 1
    assert await store.log.counts() == {"new": 4}


async def test_ingesting_twice_stores_nothing_new(store: Store, folder: Path, db_path: Path):
    first = await ingest_path(store, folder)
    rows = (count(db_path, "articles"), count(db_path, "passages"), count(db_path, "index_events"))
    second = await ingest_path(store, folder)
    assert first.counts == {"new": 4}
    assert second.counts == {"duplicate": 4}
    assert second.article_ids == []
    after = (count(db_path, "articles"), count(db_path, "passages"), count(db_path, "index_events"))
    assert after == rows
    assert await store.log.counts() == {"new": 4, "duplicate": 4}


async def test_same_article_in_two_files_is_stored_once(store: Store, tmp_path: Path) -> None:
    write(tmp_path / "one" / "a.txt", TXT)
    # the same story saved elsewhere, with other spacing and a diacritic
    write(tmp_path / "two" / "copy.txt", TXT.replace("مكتبة عامة", "مكتبةٌ  عامة"))
    report = await ingest_path(store, tmp_path)
    assert report.counts == {"new": 1, "duplicate": 1}
    assert (await store.articles.summary()).articles == 1


async def test_edited_file_replaces_its_article(store: Store, tmp_path: Path) -> None:
    path = write(tmp_path / "a.txt", TXT)
    first = await ingest_path(store, tmp_path)
    write(path, TXT + "وستفتح المكتبة أبوابها مساءً أيضًا.\n")
    second = await ingest_path(store, tmp_path)
    assert second.counts == {"updated": 1}
    assert second.article_ids == first.article_ids
    got = await store.articles.get(first.article_ids[0])
    assert got is not None and got.text.endswith("مساءً أيضًا.")


async def test_folders_with_the_same_file_names_do_not_replace_each_other(
    store: Store, tmp_path: Path
) -> None:
    """Ingesting b/ after a/ once "updated" a's stories with b's (same relative names)."""
    stories = {
        "a": ["افتتحت بلدية الواحة مكتبة عامة جديدة.", "زرعت بلدية الواحة ألف نخلة."],
        "b": ["أعلنت بلدية الرمال افتتاح ملعب جديد.", "استقبل مطار الرمال أول رحلة دولية."],
    }
    for folder, texts in stories.items():
        for i, text in enumerate(texts, start=1):
            write(tmp_path / folder / f"{i}.txt", f"خبر {folder}{i}\n{text}\n")
    first = await ingest_path(store, tmp_path / "a")
    second = await ingest_path(store, tmp_path / "b")
    assert first.counts == second.counts == {"new": 2}
    assert (await store.articles.summary()).articles == 4
    # an edit of the same file still updates in place
    write(tmp_path / "a" / "1.txt", "خبر a1\nافتتحت بلدية الواحة مكتبة عامة جديدة مساءً.\n")
    again = await ingest_path(store, tmp_path / "a")
    assert again.counts == {"updated": 1, "duplicate": 1}
    assert (await store.articles.summary()).articles == 4


async def test_bad_files_are_reported_and_good_ones_stored(store: Store, folder: Path) -> None:
    write(folder / "broken.json", '[{"title": "خبر", "text": "نص"')  # cut off
    write(folder / "garbage.txt", b"\x00\x01\x02\xff\xfe\x00binary")  # not text
    write(folder / "empty.md", "   \n")
    report = await ingest_path(store, folder)
    assert report.counts == {"new": 4, "failed": 3}
    problems = "\n".join(report.problems)
    assert "broken.json" in problems and "malformed JSON" in problems
    assert "garbage.txt" in problems
    assert "empty.md" in problems and "empty" in problems
    assert (await store.articles.summary()).articles == 4
    assert (await store.log.counts())["failed"] == 3


BAD_TEXTS = [
    ("", "no text"),
    ("   \n\t  \n", "no text"),
    ("😀🎉🔥 👍", "no searchable words"),
    ("ًٌٍَُِّْ ـــ", "no searchable words"),
    ("… ؟ ! ، «»", "no searchable words"),
]


@pytest.mark.parametrize(("text", "message"), BAD_TEXTS)
async def test_unusable_text_is_refused_and_logged(
    store: Store, db_path: Path, text: str, message: str
) -> None:
    with pytest.raises(InvalidArticle, match=message):
        await ingest_article(store, ArticleIn(title="خبر تجريبي", text=text), "test")
    assert await store.log.counts() == {"failed": 1}
    assert count(db_path, "articles") == 0


async def test_unusable_text_among_good_articles(store: Store) -> None:
    articles = [
        ArticleIn(title="خبر", text="😀😀", guid="emoji"),
        ArticleIn(title="خبر", text="افتتحت بلدية الواحة الخيالية مكتبة.", guid="good"),
    ]
    report = await ingest_articles(store, articles, "test")
    assert report.counts == {"failed": 1, "new": 1}
    assert report.problems == [
        "emoji: the text has no searchable words (only spaces, symbols, emoji or diacritics)"
    ]


async def test_emoji_only_file_is_reported(store: Store, tmp_path: Path) -> None:
    write(tmp_path / "emoji.json", json.dumps({"title": "عنوان", "text": "😀 🎉"}))
    report = await ingest_path(store, tmp_path)
    assert report.counts == {"failed": 1}
    assert "no searchable words" in report.problems[0]


async def test_huge_text_is_refused(store: Store) -> None:
    huge = "كلمة " * (MAX_ARTICLE_CHARS // 5 + 1)
    assert len(huge.strip()) > MAX_ARTICLE_CHARS
    with pytest.raises(InvalidArticle, match="the limit is"):
        await ingest_article(store, ArticleIn(title="طويل", text=huge), "test")
    assert await store.log.counts() == {"failed": 1}


def test_long_title_is_shortened_and_whitespace_collapsed() -> None:
    clean, passages, _, _ = prepare(
        ArticleIn(title="  عنوان \n طويل " + "ج" * 1000, text="نص تجريبي عن مكتبة.")
    )
    assert len(clean.title) == MAX_TITLE_CHARS
    assert clean.title.startswith("عنوان طويل ") and clean.title.endswith("…")
    assert len(passages) == 1


def test_missing_title_comes_from_the_first_line() -> None:
    clean, _, _, _ = prepare(ArticleIn(title="", text="السطر الأول\nالسطر الثاني"))
    assert clean.title == "السطر الأول"


async def test_placeholder_urls_do_not_merge_articles(store: Store) -> None:
    # two unrelated articles whose files both say «url: -» stay two articles
    a = await ingest_article(
        store, ArticleIn(title="أ", text="افتتحت بلدية الواحة مكتبة.", url="-", guid="a"), "t"
    )
    b = await ingest_article(
        store, ArticleIn(title="ب", text="أقامت قرية السنابل مهرجانًا.", url="-", guid="b"), "t"
    )
    assert (a.status, b.status) == ("new", "new")
    assert a.article_id != b.article_id


async def test_non_arabic_is_skipped_when_required(store: Store) -> None:
    english = ArticleIn(title="Library", text="The town opened a library.", guid="en")
    report = await ingest_articles(store, [english], "feed", require_arabic=True)
    assert report.counts == {"skipped": 1}
    assert await store.log.counts() == {"skipped": 1}


async def test_an_outlets_link_line_is_not_a_passage(store: Store) -> None:
    """«رابط الخبر بصحيفة …: <title>» would be a passage of its own, matching questions by the
    title's words and quoted as if it answered them."""
    text = ("أعلنت بلدية الواحة الخيالية افتتاح مكتبة عامة جديدة تضم آلاف الكتب.\n"
            "رابط الخبر بصحيفة الواحة: بلدية الواحة تفتتح مكتبة عامة")
    outcome = await ingest_article(store, ArticleIn(title="بلدية الواحة تفتتح مكتبة عامة",
                                                    text=text, guid="link"), "t")
    article = await store.articles.get(outcome.article_id)
    assert article is not None and "رابط الخبر" not in article.text
    passages = await store.articles.passages_of(outcome.article_id)
    assert len(passages) == 1


# -- analysis in a worker process (index.workers) -----------------------------------------------

WORKER_ARTICLES = [
    ArticleIn(title="مكتبة الواحة", text="افتتحت بلدية الواحة الخيالية مكتبة عامة جديدة أمس.\n"
              "وتضم المكتبة آلاف المخطوطات النادرة.", guid="w1",
              published=datetime(2024, 12, 7, tzinfo=UTC)),
    ArticleIn(title="حديقة", text="زرعت بلدية الواحة ألف شجرة نخيل في حديقتها الكبرى.", guid="w2"),
]


async def stored(store: Store) -> list[tuple]:
    """Every stored article's passages and tokens, in a comparable form."""
    out = []
    for article in sorted(await store.articles.newest(limit=100), key=lambda a: a.title):
        out.append((article.title, article.text, article.published,
                    [p.tokens for p in await store.articles.passages_of(article.id)]))
    return out


async def test_a_worker_process_stores_what_a_thread_stores(tmp_path: Path) -> None:
    """The bot analyses in a worker process (so that a bulk ingest does not hold the GIL its
    questions need): the same passages, tokens and dates as in a thread, and a bad article is
    refused the same way, its exception carried back across the process boundary."""
    from index import workers

    results = []
    for use_workers in (False, True):
        async with await Store.open(tmp_path / f"w{use_workers}.db") as store:
            async with workers.started(1 if use_workers else 0) as running:
                assert running is use_workers
                for article in WORKER_ARTICLES:
                    assert (await ingest_article(store, article, "test")).status == "new"
                if use_workers:  # the analysis really ran in another process
                    assert workers._pool is not None and workers._pool._processes
                with pytest.raises(InvalidArticle, match="no text"):
                    await ingest_article(store, ArticleIn(title="فارغ", text=" "), "test")
            results.append(await stored(store))
    assert results[0] == results[1] and len(results[0]) == 2


async def test_a_dead_worker_loses_no_article(tmp_path: Path) -> None:
    """The worker killed mid-ingest (out of memory, a signal): the article it held is analysed
    again in a thread, and so is every later one."""
    import os
    import signal

    from index import workers

    async with await Store.open(tmp_path / "w.db") as store:
        async with workers.started(1):
            assert (await ingest_article(store, WORKER_ARTICLES[0], "test")).status == "new"
            pids = list(workers._pool._processes)  # type: ignore[union-attr]
            assert pids
            for pid in pids:
                os.kill(pid, signal.SIGKILL)
            outcome = await ingest_article(store, WORKER_ARTICLES[1], "test")
            assert outcome.status == "new"
            assert not workers.running()
        assert len(await stored(store)) == 2


async def test_the_worker_runs_at_a_lower_priority_than_the_bot() -> None:
    """Analysis is background work: the kernel gives a contended core to the event loop
    first (issue 13's stall: the loop waited for the CPU, not for the collector)."""
    import os

    from index import workers

    if not hasattr(os, "nice"):
        pytest.skip("no process priorities here")
    ours = workers.niceness()
    async with workers.started(1):
        theirs = await workers.run(workers.niceness)
    assert theirs == min(19, ours + workers.NICENESS)
    assert theirs > ours or ours == 19
    assert workers.niceness() == ours  # the bot's own priority is untouched


_ORPHAN_SCRIPT = """
import asyncio
from index import workers

async def main():
    workers.start(1)
    await workers.warm()
    print(*workers._pool._processes, flush=True)
    await asyncio.sleep(120)

if __name__ == "__main__":
    asyncio.run(main())
"""


def _alive(pid: int) -> bool:
    """Whether a process runs (a zombie waiting for its new parent to reap it does not)."""
    import os

    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False
    except OSError:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        return True


def test_a_killed_bots_worker_does_not_outlive_it(tmp_path: Path) -> None:
    """A bot killed outright (SIGKILL, the OOM killer) cannot stop its analysis worker: the
    worker sees its parent gone and exits (it used to wait for work for ever; found after a
    test's SIGKILLed bot left one running)."""
    import os
    import subprocess
    import sys
    import time

    from index import workers

    script = tmp_path / "bot_like.py"
    script.write_text(_ORPHAN_SCRIPT, encoding="utf-8")
    root = Path(__file__).resolve().parents[1]
    env = {**os.environ, "PYTHONPATH": str(root)}
    proc = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, text=True,
                            cwd=root, env=env)
    try:
        import selectors

        with selectors.DefaultSelector() as ready:  # the worker is up: its pid, within 60 s
            ready.register(proc.stdout, selectors.EVENT_READ)  # type: ignore[arg-type]
            assert ready.select(timeout=60), "the bot-like process never started its worker"
        line = proc.stdout.readline()  # type: ignore[union-attr]
        pids = [int(p) for p in line.split()]
        assert pids and all(_alive(p) for p in pids)
    finally:
        proc.kill()
        proc.wait(timeout=30)
    deadline = time.monotonic() + 10 * workers.PARENT_CHECK_SECONDS + 10
    while any(_alive(p) for p in pids) and time.monotonic() < deadline:
        time.sleep(0.1)
    left = [p for p in pids if _alive(p)]
    for pid in left:  # not to leave it behind when the test fails
        os.kill(pid, 9)
    assert not left, "the analysis worker outlived its killed bot"
