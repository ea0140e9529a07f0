"""Command-line commands. Each parses its arguments, calls one library function, prints."""

from __future__ import annotations

import argparse
import asyncio
import io
import json
import logging
import os
import sqlite3
import sys
from collections.abc import Sequence
from pathlib import Path

from tqdm import tqdm

from bot.config import ConfigError, Settings
from bot.format import render_text, story_lines, timeline_lines, to_json
from bot.texts import CANNOT_REACH_DB, CANNOT_WRITE_DB, STORY_NOT_FOUND, TIMELINE_EMPTY
from index.feeds import looks_like_feed_url
from index.search import DEFAULT_TOP, Library
from index.sources import (
    ingest_sources,
    poll_due_feeds,
    rescan_seeds,
    source_units,
)
from index.store import Store, StoreUnavailable, redacted_url
from index.stories import group_ungrouped, story_reports
from index.timeline import timeline

log = logging.getLogger("naba")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bot",
        description="naba: answers Arabic questions about the news with quoted, attributed "
        "excerpts. Without a command: the Telegram bot if TELEGRAM_BOT_TOKEN is set, "
        "otherwise an Arabic console chat.",
    )
    sub = parser.add_subparsers(dest="command")

    ask = sub.add_parser("ask", help="answer one question (or '-' for one per line on stdin)")
    ask.add_argument("question", nargs="+",
                     help="the question (quotes optional), or - to answer stdin line by line")
    ask.add_argument("--json", action="store_true", help="print JSON (one object a line)")
    ask.add_argument("--top", type=int, default=DEFAULT_TOP, help="how many passages (default 3)")

    story = sub.add_parser("story", help="every report of one story, oldest first: date · "
                           "outlet · title · link")
    story.add_argument("article_id", help="an article's number (#12, /story_12 or 12)")
    timeline = sub.add_parser("timeline", help="the stories on a topic, oldest first: date · "
                              "title · sources")
    timeline.add_argument("words", nargs="+", help="the topic: a few Arabic words")

    ingest = sub.add_parser("ingest", help="ingest article files, folders or feed URLs")
    ingest.add_argument("paths", nargs="+", help=".txt/.md/.json files, folders, or feed URLs")
    ingest.add_argument("--no-progress", action="store_true", help="no progress bar")

    sub.add_parser("index", help="ingest NABA_SEEDS and rebuild the index")
    migrate = sub.add_parser(
        "migrate-store",
        help="copy the SQLite store (NABA_DB) into an empty PostgreSQL database: articles, "
        "passages, feeds, subscriptions and delivery records, ids kept",
    )
    migrate.add_argument("--to", required=True, metavar="postgresql://…",
                         help="the destination database (then set NABA_DATABASE_URL to it)")
    sub.add_parser("console", help="the Arabic console chat")
    sub.add_parser("run", help="run the Telegram bot (needs TELEGRAM_BOT_TOKEN)")

    feeds = sub.add_parser("feeds", help="manage feeds: add URL | remove URL | list")
    feeds.add_argument("action", choices=["add", "remove", "list", "poll"])
    feeds.add_argument("url", nargs="?")

    ev = sub.add_parser(
        "eval",
        help="answer quality: the reader-question set through answer(), then retrieval on "
        "SQuAD-format Arabic QA files",
    )
    ev.add_argument("--dataset", action="append", type=Path, help="SQuAD JSON file (repeatable)")
    ev.add_argument("--analyzer", action="append", help="analyzer name (repeatable) or 'all'")
    ev.add_argument("--ranker", action="append", choices=["bm25", "naba"],
                    help="bm25: the analyzer's terms in one field; naba: the bot's ranking "
                    "(default: both)")
    ev.add_argument("--readers", action="append", type=Path,
                    help="reader-question .jsonl file or folder (default: eval/readers, then "
                    "the held-out eval/readers-holdout)")
    ev.add_argument("--news", type=Path,
                    help="a (gzipped) JSON list of articles the reader set's news questions "
                    "are about (default: ../shared/eval/news/*.json.gz when present)")
    ev.add_argument("--no-news", action="store_true",
                    help="the reader set over seeds/ only (news questions skipped)")
    ev.add_argument("--no-readers", action="store_true", help="skip the reader-question set")
    ev.add_argument("--no-squad", action="store_true", help="skip the SQuAD retrieval table")
    ev.add_argument("--details", action="store_true",
                    help="print each reader question the bot got wrong")
    ev.add_argument("--json", action="store_true", help="one JSON object a line")
    ev.add_argument("--direct", action="store_true",
                    help="the direct answer (the date, count or name of when / how-many / "
                    "who / where / what-name questions) against the answer spans of the "
                    "--dataset files (default arcd-train and arcd-test)")
    ev.add_argument("--dates", action="store_true",
                    help="date questions about the news corpus (eval/dates), each asked on its "
                    "own day, with and without reading their dates")
    ev.add_argument("--stories", action="store_true",
                    help="stories across outlets: precision and recall of the grouping on the "
                    "hand-labelled pairs of the news corpus (eval/stories), and story sizes")
    ev.add_argument("--feedback", action="store_true",
                    help="readers' 👍/👎 from the store (NABA_DB or NABA_DATABASE_URL): the rate, "
                    "and with --export the disliked questions as reader-set rows")
    ev.add_argument("--export", type=Path, metavar="FILE.jsonl",
                    help="with --feedback: write each disliked question as a reader-set row "
                    "(expect left null: fill in the phrase the right passage holds)")
    ev.add_argument(
        "--thresholds",
        action="store_true",
        help="relevance-threshold table: the first --dataset's questions against its own "
        "passages (answerable) and against the second's (unanswerable); default arcd-train "
        "and arcd-test",
    )

    bench = sub.add_parser("bench", help="speed against plain rank-bm25 on the same corpus")
    bench.add_argument("--passages", type=int, default=100_000)
    bench.add_argument("--queries", type=int, default=300)
    bench.add_argument("--json", action="store_true")
    bench.add_argument("--seed", type=int, default=7)
    bench.add_argument("--mean-length", type=float, default=None,
                       help="mean tokens per passage (default: the seed article's, 29)")
    bench.add_argument("--no-rank-bm25", action="store_true", help="measure naba's side only")
    bench.add_argument("--peers", default=None, metavar="NAMES",
                       help="compare with these engines, interleaved in one process "
                            "(bm25s,tantivy; they come with the `bench` extra)")
    bench.add_argument("--passes", type=int, default=3,
                       help="with --peers: times each query list is run")
    bench.add_argument("--realistic", choices=("sentences", "news", "none"), default="sentences",
                       help="with --peers: the realistic corpus (ARCD/TyDi-ar sentences, or "
                            "the SaudiNewsNet articles' sentences) from ../shared/eval")
    bench.add_argument("--stall", action="store_true",
                       help="also measure the event loop's longest pause while a bulk ingest "
                            "runs into a live library, with questions asked meanwhile")
    bench.add_argument("--stall-articles", type=int, default=5_000,
                       help="with --stall: articles ingested (SaudiNewsNet when present)")
    bench.add_argument("--stall-passages", type=int, default=None, metavar="N",
                       help="with --stall: the running library holds N passages first "
                            "(copies of the SaudiNewsNet articles), not the articles left")
    bench.add_argument("--startup", action="store_true",
                       help="instead: start-up time and memory from a saved index against a "
                            "rebuild, on a SQLite store of --passages synthetic passages")
    bench.add_argument("--news", action="store_true",
                       help="with --startup: the store holds the SaudiNewsNet articles, copied "
                            "up to --passages, and answer() is timed on reader questions")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    # Questions piped in another encoding (a Windows-1256 file) must get the Arabic "no words"
    # reply, not a UnicodeDecodeError: undecodable bytes become U+FFFD, which no word holds.
    if isinstance(sys.stdin, io.TextIOWrapper):
        sys.stdin.reconfigure(errors="replace")
    try:
        settings = Settings.from_env()
    except ConfigError as err:
        print(f"configuration error: {err}", file=sys.stderr)
        return 2
    from bot.logs import configure_logging

    configure_logging(settings.log_level)
    command = args.command
    if command is None:
        command = "run" if settings.token else "console"
    try:
        if command == "ask":
            return asyncio.run(cmd_ask(settings, args))
        if command == "story":
            return asyncio.run(cmd_story(settings, args.article_id))
        if command == "timeline":
            return asyncio.run(cmd_timeline(settings, " ".join(args.words)))
        if command == "ingest":
            return asyncio.run(cmd_ingest(settings, args.paths, progress=not args.no_progress))
        if command == "index":
            return asyncio.run(cmd_index(settings))
        if command == "feeds":
            return asyncio.run(cmd_feeds(settings, args.action, args.url))
        if command == "migrate-store":
            return asyncio.run(cmd_migrate_store(settings, args.to))
        if command == "console":
            from bot.console import run_console

            return run_console(settings)
        if command == "run":
            if not settings.token:
                print("TELEGRAM_BOT_TOKEN is not set; `python -m bot console` chats here.",
                      file=sys.stderr)
                return 2
            from telegram.error import InvalidToken, TelegramError

            from bot.app import run_bot
            from bot.logs import RedactToken

            try:
                run_bot(settings)
            except InvalidToken:
                print("Telegram rejected TELEGRAM_BOT_TOKEN (401 Unauthorized): check it with "
                      "@BotFather; naba stops here.", file=sys.stderr)
                return 2
            except TelegramError as err:
                print(f"naba stops: the Bot API failed at start-up: "
                      f"{RedactToken(settings.token).clean(str(err))}", file=sys.stderr)
                return 2
            return 0
        if command == "eval" and args.direct:
            from bot.measure import DEFAULT_DATASET, cmd_direct

            paths = args.dataset or [DEFAULT_DATASET.with_name(n)
                                     for n in ("arcd-train.json", "arcd-test.json")]
            return asyncio.run(cmd_direct([Path(p) for p in paths]))
        if command == "eval" and args.dates:
            from bot.measure import DEFAULT_DATE_QUESTIONS, DEFAULT_NEWS, cmd_dates

            news = args.news or (DEFAULT_NEWS if DEFAULT_NEWS.is_file() else None)
            return asyncio.run(cmd_dates(DEFAULT_DATE_QUESTIONS, news))
        if command == "eval" and args.stories:
            from bot.measure import DEFAULT_NEWS, DEFAULT_STORY_PAIRS, cmd_stories

            news = args.news or (DEFAULT_NEWS if DEFAULT_NEWS.is_file() else None)
            return asyncio.run(cmd_stories(DEFAULT_STORY_PAIRS, news))
        if command == "eval" and args.feedback:
            from bot.measure import cmd_feedback

            return asyncio.run(cmd_feedback(settings, args.export))
        if command == "eval":
            from bot.measure import cmd_eval

            return cmd_eval(args)
        if command == "bench":
            from bot.measure import cmd_bench

            return cmd_bench(args)
    except KeyboardInterrupt:
        return 130
    except StoreUnavailable as err:
        line = CANNOT_REACH_DB if settings.database_url else CANNOT_WRITE_DB
        print(line.format(path=err.path, reason=err.reason), file=sys.stderr)
        return 2
    except sqlite3.DatabaseError as err:
        print(f"cannot use the database {settings.store_name}: {err}", file=sys.stderr)
        return 2
    raise AssertionError(command)


async def seed_if_empty(store: Store, settings: Settings) -> None:
    """An empty store (a fresh clone, another folder, a new NABA_DB) first gets NABA_SEEDS,
    so a question is never answered «not found» by a store that holds nothing."""
    if (await store.articles.summary()).articles:
        return
    if not settings.seeds_dir.is_dir():
        print(f"nothing is indexed in {settings.store_name} and NABA_SEEDS ({settings.seeds_dir}) "
              "is not a folder: run `make run`, or `.venv/bin/python -m bot ingest PATH`",
              file=sys.stderr)
        return
    report = await rescan_seeds(store, settings.seeds_dir)
    print(f"(the store {settings.store_name} was empty: indexed {settings.seeds_dir} first — "
          f"{report.summary()})", file=sys.stderr)


async def open_library(settings: Settings) -> Library:
    store = await Store.open(settings.store_target)
    library = Library(store, snapshots=settings.index_folder)
    try:
        await seed_if_empty(store, settings)
        await library.build()
    except BaseException:
        # An open connection's worker thread would keep the process alive after the error.
        await store.close()
        raise
    return library


async def cmd_ask(settings: Settings, args: argparse.Namespace) -> int:
    if args.top <= 0:
        print("--top must be a positive number", file=sys.stderr)
        return 2
    library = await open_library(settings)
    try:
        if args.question == ["-"]:
            # One JSON line out per line in, each as soon as its line arrives, so a script
            # (or a person typing) can pair them up; an empty line gets its "empty" object.
            while line := sys.stdin.readline():
                await _print_answer(library, line.rstrip("\r\n"), args.top, as_json=True)
        else:
            # Python keeps argv bytes that are not UTF-8 as lone surrogates, which cannot be
            # printed back; make them U+FFFD, as on stdin.
            question = " ".join(args.question)
            question = os.fsencode(question).decode("utf-8", "replace")
            await _print_answer(library, question, args.top, as_json=args.json)
    finally:
        await library.store.close()
    return 0


async def cmd_story(settings: Settings, article_id: str) -> int:
    raw = article_id.strip().removeprefix("/story_").lstrip("#")
    if not raw.isascii() or not raw.isdigit():
        print(f"not an article number: {article_id!r} (e.g. 12)", file=sys.stderr)
        return 2
    async with await Store.open(settings.store_target) as store:
        reports = await story_reports(store, int(raw))
    if not reports:
        print(STORY_NOT_FOUND, file=sys.stderr)
        return 1
    print("\n".join(story_lines(reports)), flush=True)
    return 0


async def cmd_timeline(settings: Settings, words: str) -> int:
    library = await open_library(settings)
    try:
        stories = await timeline(library, words)
    finally:
        await library.store.close()
    print("\n".join(timeline_lines(stories)) if stories else TIMELINE_EMPTY, flush=True)
    return 0


async def _print_answer(library: Library, question: str, top: int, *, as_json: bool) -> None:
    answer = await library.answer(question, top=top)
    if as_json:
        print(json.dumps(to_json(answer), ensure_ascii=False), flush=True)
    else:
        print(render_text(answer), flush=True)


async def cmd_ingest(settings: Settings, paths: Sequence[str], *, progress: bool = True) -> int:
    async with await Store.open(settings.store_target) as store:
        # disable=None: a bar only on a terminal, so logs and pipes stay clean.
        total = source_units(paths) if progress else None
        with tqdm(desc="ingest", unit=" files", total=total or None,
                  disable=not progress or None) as bar:
            report = await ingest_sources(
                store, paths, options=settings.feed_options, on_progress=bar.update
            )
    for problem in report.problems:
        print(f"problem: {problem}", file=sys.stderr)
    print(f"ingest: {report.summary()}")
    # The good items are stored either way; a script still learns that something failed.
    return 1 if report.counts.get("failed") else 0


async def cmd_index(settings: Settings) -> int:
    async with await Store.open(settings.store_target) as store:
        if settings.seeds_dir.exists():
            report = await rescan_seeds(store, settings.seeds_dir)
            print(f"seeds ({settings.seeds_dir}): {report.summary()}")
            for problem in report.problems:
                print(f"problem: {problem}", file=sys.stderr)
        else:
            print(f"seeds folder {settings.seeds_dir} does not exist (NABA_SEEDS)", file=sys.stderr)
        library = Library(store, snapshots=settings.index_folder)
        passages = await library.build()
        # the articles just ingested are in the saved index too: the bot starts from it
        await library.save_snapshot()
        # articles stored before stories were kept get theirs
        await group_ungrouped(store)
        summary = await store.articles.summary()
    print(f"index: {summary.articles} articles, {passages} passages ({settings.store_name})")
    if settings.index_folder is not None:
        print(f"index snapshot: {settings.index_folder} (NABA_INDEX_DIR)")
    return 0


async def cmd_migrate_store(settings: Settings, url: str) -> int:
    from index.store.migrate import MigrationRefused, copy_sqlite_to_postgres

    try:
        copied = await copy_sqlite_to_postgres(settings.db_path, url)
    except MigrationRefused as err:
        print(f"migrate-store: {err}", file=sys.stderr)
        return 1
    print(f"copied {settings.db_path} → {redacted_url(url)}: {copied.summary()}")
    print("next: set NABA_DATABASE_URL to that URL for every naba process")
    return 0


async def cmd_feeds(settings: Settings, action: str, url: str | None) -> int:
    if action in ("add", "remove") and not url:
        print(f"usage: python -m bot feeds {action} URL", file=sys.stderr)
        return 2
    async with await Store.open(settings.store_target) as store:
        for env_url in settings.feeds:  # NABA_FEEDS are feeds like the others
            if looks_like_feed_url(env_url):
                await store.feeds.add(env_url, added_by="env")
        if action == "add":
            if not looks_like_feed_url(url):
                print(f"not an http(s) URL: {url}", file=sys.stderr)
                return 2
            feed, created = await store.feeds.add(url, added_by="cli")
            print(("added" if created else "already there") + f": #{feed.id} {feed.url}")
        elif action == "remove":
            if not await store.feeds.remove(url):
                print(f"no such feed: {url}", file=sys.stderr)
                return 1
            print(f"removed: {url}")
            if url in settings.feeds:
                print("note: it is listed in NABA_FEEDS and comes back unless removed there")
        elif action == "poll":
            report = await poll_due_feeds(
                store, settings.feed_options, extra_urls=settings.feeds, force=True
            )
            print(f"feeds: {report.summary()}")
            for problem in report.problems:
                print(f"problem: {problem}", file=sys.stderr)
        else:
            feeds = await store.feeds.all()
            if not feeds:
                print("no feeds (python -m bot feeds add URL, or NABA_FEEDS)")
            for f in feeds:
                ok = f.last_success_at.isoformat() if f.last_success_at else "never"
                err = f"{f.last_error} at {f.last_error_at.isoformat()}" if f.last_error else "-"
                due = f.next_poll_at.isoformat() if f.next_poll_at else "now"
                print(f"#{f.id} {f.url}\n    title: {f.title or '-'}\n    last success: {ok}"
                      f"\n    last error: {err}\n    next poll: {due}"
                      f"\n    failures in a row: {f.failures}, errors: "
                      f"{f.errors_total}, entries new/updated/skipped: {f.entries_new}/"
                      f"{f.entries_updated}/{f.entries_skipped}")
    return 0
