"""`python -m bot feeds …` and `python -m bot ingest …` as real processes: a temp database
(NABA_DB), the local feed server in a thread, a progress bar on a pseudo-terminal, and a
SIGKILL in the middle of a long ingest. Every article here is an invented test fixture."""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import re
import select
import signal
import sqlite3
import struct
import subprocess
import sys
import termios
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fakes.feed_server import FeedServer
from test_sources import FEED_TITLE, item, rss, story, story_item

ROOT = Path(__file__).resolve().parents[1]
RUN_TIMEOUT = 60


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    clean = {
        k: v for k, v in os.environ.items()
        if "proxy" not in k.lower() and not k.startswith("NABA_") and k != "TELEGRAM_BOT_TOKEN"
    }
    clean.update(
        NABA_DB=str(tmp_path / "naba.db"),
        NABA_SEEDS=str(tmp_path / "seeds"),
        NABA_LOG_LEVEL="INFO",
        NABA_FEED_POLL_SECONDS="60",
        NABA_FEED_TIMEOUT_SECONDS="5",
        PYTHONPATH=str(ROOT),
    )
    return clean


@pytest.fixture
def server() -> Iterator[FeedServer]:
    with FeedServer().in_thread() as srv:
        yield srv


def bot(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=RUN_TIMEOUT,
    )


def query(db: Path, sql: str) -> list[tuple]:
    with contextlib.closing(sqlite3.connect(db, timeout=5)) as conn:
        return conn.execute(sql).fetchall()


def feed_block(listing: str, url: str) -> str:
    """The lines `feeds list` prints for one feed."""
    match = re.search(rf"^#\d+ {re.escape(url)}\n((?:    .*\n?)*)", listing, re.M)
    assert match, listing
    return match.group(1)


def write_articles(folder: Path, count: int, paragraphs: int = 1) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(count):
        title, text = story(i)
        body = "\n\n".join(f"{text} فقرة {j}." for j in range(paragraphs))
        (folder / f"{i:03d}.md").write_text(f"# {title}\n\n{body}\n", encoding="utf-8")


def test_feeds_add_list_poll_remove(env: dict[str, str], server: FeedServer) -> None:
    english = item("Fictional English entry", "Only English text here.", guid="en")
    server.set_feed("/env", rss(story_item(1) + english), etag='"e1"')
    server.set_feed("/cli", rss(story_item(2) + story_item(3), title="نشرة أخرى"))
    server.set_status("/down", 500)
    env_url, cli_url, down_url = (server.url(p) for p in ("/env", "/cli", "/down"))
    env["NABA_FEEDS"] = env_url

    added = bot(env, "feeds", "add", cli_url)
    assert added.returncode == 0 and f"added: #2 {cli_url}" in added.stdout, added.stderr
    assert "already there" in bot(env, "feeds", "add", cli_url).stdout
    assert bot(env, "feeds", "add", "not-a-url").returncode == 2
    assert bot(env, "feeds", "add", down_url).returncode == 0
    listing = bot(env, "feeds", "list").stdout
    assert "last success: never" in feed_block(listing, env_url)  # NABA_FEEDS is listed too

    polled = bot(env, "feeds", "poll")
    assert polled.returncode == 0, polled.stderr
    assert "feeds: new=3 updated=0 duplicate=0 failed=1 skipped=1" in polled.stdout
    assert f"feed {cli_url}: 2 new, 0 updated" in polled.stderr  # a log line per feed
    assert f"feed {down_url}: failed (1 in a row): HTTP 500" in polled.stderr

    listing = bot(env, "feeds", "list").stdout
    block = feed_block(listing, env_url)
    assert f"title: {FEED_TITLE}" in block and "last error: -" in block
    assert "failures in a row: 0, errors: 0, entries new/updated/skipped: 1/0/1" in block
    assert not re.search(r"last success: never", block)
    block = feed_block(listing, down_url)
    assert "last success: never" in block and "last error: HTTP 500" in block
    assert "failures in a row: 1, errors: 1" in block and "next poll: 20" in block

    again = bot(env, "feeds", "poll")  # unchanged feed: 304, nothing re-ingested
    assert "new=0 updated=0 duplicate=2" in again.stdout  # /cli has no validators
    assert server.requests_for("/env")[-1].headers["If-None-Match"] == '"e1"'
    assert query(Path(env["NABA_DB"]), "SELECT COUNT(*) FROM articles") == [(3,)]

    removed = bot(env, "feeds", "remove", down_url)
    assert removed.returncode == 0 and f"removed: {down_url}" in removed.stdout
    assert bot(env, "feeds", "remove", down_url).returncode == 1
    assert down_url not in bot(env, "feeds", "list").stdout
    gone = bot(env, "feeds", "remove", env_url)
    assert "NABA_FEEDS" in gone.stdout  # it would come back: say so


def test_ingest_files_folders_and_a_feed_url(
    env: dict[str, str], server: FeedServer, tmp_path: Path
) -> None:
    folder = tmp_path / "articles"
    write_articles(folder / "sub", 2)
    (folder / "list.json").write_text(json.dumps([
        {"title": story(10)[0], "text": story(10)[1], "published": "2025-01-06T10:00:00+03:00",
         "url": "https://example.test/j/10", "source": "مصدر تجريبي"},
        {"title": story(11)[0], "content": story(11)[1]},
    ], ensure_ascii=False), encoding="utf-8")
    (folder / "notes.csv").write_text("ignored", encoding="utf-8")
    (folder / ".hidden.txt").write_text("مخفي", encoding="utf-8")
    single = tmp_path / "one.txt"
    single.write_text("\n".join(story(20)), encoding="utf-8")
    server.set_feed("/rss", rss(story_item(30) + story_item(31)))

    first = bot(env, "ingest", str(folder), str(single), server.url("/rss"))
    assert first.returncode == 0, first.stderr
    assert "ingest: new=7 updated=0 duplicate=0" in first.stdout
    assert "\r" not in first.stderr  # stderr is a pipe: no progress bar drawn into it
    db = Path(env["NABA_DB"])
    assert query(db, "SELECT published, source FROM articles WHERE url LIKE '%/j/10'") == [
        ("2025-01-06T10:00:00+03:00", "مصدر تجريبي")  # the publisher's own offset is kept
    ]
    assert query(db, "SELECT url FROM feeds") == []  # fetched once, not kept as a feed

    second = bot(env, "ingest", str(folder), str(single), server.url("/rss"))
    assert "ingest: new=0 updated=0 duplicate=7" in second.stdout
    assert query(db, "SELECT COUNT(*) FROM articles") == [(7,)]

    missing = bot(env, "ingest", str(tmp_path / "nowhere"))
    assert missing.returncode == 1 and "no such file or folder" in missing.stderr


def test_progress_bar_is_drawn_on_a_terminal(env: dict[str, str], tmp_path: Path) -> None:
    folder = tmp_path / "articles"
    write_articles(folder, 5)
    leader, follower = os.openpty()
    # A fresh pseudo-terminal is 0 columns wide, and tqdm draws nothing into that.
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot", "ingest", str(folder)],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=follower, text=True,
    )
    os.close(follower)
    chunks: list[bytes] = []
    deadline = time.monotonic() + RUN_TIMEOUT
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([leader], [], [], 0.2)
            if not ready:
                if proc.poll() is not None:
                    break
                continue
            try:
                data = os.read(leader, 65536)
            except OSError:  # EIO: the child closed the terminal
                break
            if not data:
                break
            chunks.append(data)
        stdout, _ = proc.communicate(timeout=RUN_TIMEOUT)
    finally:
        os.close(leader)
        if proc.poll() is None:
            proc.kill()
    drawn = b"".join(chunks).decode("utf-8", "replace")
    assert proc.returncode == 0, drawn
    assert "ingest: new=5" in stdout
    assert re.search(r"ingest: 100%.*5/5", drawn), drawn


def test_sigkill_mid_ingest_leaves_a_consistent_store(env: dict[str, str], tmp_path: Path) -> None:
    total = 300
    folder = tmp_path / "articles"
    write_articles(folder, total, paragraphs=20)
    db = Path(env["NABA_DB"])
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot", "ingest", "--no-progress", str(folder)],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    stored = 0
    deadline = time.monotonic() + RUN_TIMEOUT
    try:
        while time.monotonic() < deadline and proc.poll() is None:
            if db.exists():
                with contextlib.suppress(sqlite3.OperationalError), contextlib.closing(
                    sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1)
                ) as conn:
                    stored = conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
            if stored >= 10:
                break
            time.sleep(0.01)
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=RUN_TIMEOUT)
    assert proc.returncode == -signal.SIGKILL, "the ingest finished before it could be killed"

    def consistency() -> int:
        assert query(db, "PRAGMA integrity_check") == [("ok",)]
        assert query(db, "SELECT COUNT(*) FROM articles a WHERE NOT EXISTS"
                         " (SELECT 1 FROM passages p WHERE p.article_id = a.id)") == [(0,)]
        assert query(db, "SELECT COUNT(*) FROM passages p WHERE NOT EXISTS"
                         " (SELECT 1 FROM articles a WHERE a.id = p.article_id)") == [(0,)]
        [(articles,)] = query(db, "SELECT COUNT(*) FROM articles")
        # Each article came with its index event and its log row, in the same transaction.
        assert query(db, "SELECT COUNT(DISTINCT article_id) FROM index_events") == [(articles,)]
        assert query(db, "SELECT COUNT(*) FROM ingest_log WHERE status = 'new'") == [(articles,)]
        return articles

    kept = consistency()
    assert 10 <= kept < total

    rerun = bot(env, "ingest", "--no-progress", str(folder))
    assert rerun.returncode == 0, rerun.stderr
    assert f"ingest: new={total - kept} updated=0 duplicate={kept}" in rerun.stdout
    assert consistency() == total
    assert query(db, "SELECT COUNT(DISTINCT guid), COUNT(DISTINCT title) FROM articles") == [
        (total, total)
    ]
