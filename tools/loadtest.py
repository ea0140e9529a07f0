"""Load test: many readers at once against the real `python -m bot` process.

The bot runs as its own process (polling) against the fake Bot API of the test suite on
127.0.0.1; this script injects the questions and times each reply from the moment its
question was queued to the moment the bot's sendMessage reached the fake. Nothing leaves the
machine. Questions are the reader sets' (eval/readers), cycled.

    .venv/bin/python tools/loadtest.py                       # a burst: 200 readers × 10
    .venv/bin/python tools/loadtest.py --rate 20 --seconds 30  # 20 questions/s, paced
    .venv/bin/python tools/loadtest.py --news ../shared/eval/news/…json.gz --articles 10000

Prints answers/s, latency p50/p95/max, lost replies and the bot's peak RSS (and --json).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(REPO / "tests")]

from fakes.bot_api import FakeBotApi  # noqa: E402

from index.readers import load_reader_questions  # noqa: E402

TOKEN = "123456789:LOAD-test_token_for_the_fake_api"


async def _prepare_store(db: Path, news: Path | None, articles: int) -> None:
    """Seeds, and the first `articles` articles of the news dump, in a fresh store."""
    from index.ingest import ingest_path
    from index.readers import ingest_news_dump
    from index.store import Store

    async with await Store.open(db) as store:
        await ingest_path(store, REPO / "seeds")
        if news is not None and articles > 0:
            await ingest_news_dump(store, news, limit=articles)


def _peak_rss_mb(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


async def run(args: argparse.Namespace) -> dict:
    questions = [q.question for q in load_reader_questions([REPO / "eval" / "readers"])]
    with tempfile.TemporaryDirectory(prefix="naba-load-") as tmp:
        db = Path(tmp) / "naba.db"
        await _prepare_store(db, args.news, args.articles)
        async with FakeBotApi(token=TOKEN) as api:
            env = {
                **{k: v for k, v in os.environ.items() if not k.startswith(("NABA_", "TELEGRAM_"))},
                "TELEGRAM_BOT_TOKEN": TOKEN,
                "TELEGRAM_API_BASE_URL": api.base_url,
                "NABA_DB": str(db),
                "NABA_SEEDS": str(REPO / "seeds"),
                "NABA_QUESTIONS_PER_MINUTE": "100000",  # measure answering, not the limiter
                "NABA_LOG_LEVEL": "WARNING",
            }
            log = open(Path(tmp) / "bot.log", "wb")  # noqa: SIM115
            proc = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "bot", "run", cwd=REPO, env=env, stdout=log, stderr=log
            )
            try:
                await api.wait_for_polling(timeout=120)
                total = args.users * args.questions if args.rate == 0 else int(
                    args.rate * args.seconds)
                sent_at: dict[tuple[int, int], float] = {}
                started = time.monotonic()
                for i in range(total):
                    chat = 100_000 + (i % args.users if args.rate == 0 else i)
                    update_id = api.send_text(chat, questions[i % len(questions)])
                    payload = api.update(update_id).payload["message"]
                    sent_at[(chat, payload["message_id"])] = api.update(update_id).time
                    if args.rate:
                        await asyncio.sleep(max(0.0, started + (i + 1) / args.rate
                                                - time.monotonic()))
                deadline = time.monotonic() + args.timeout
                while time.monotonic() < deadline:
                    replied = {(m.chat_id, m.reply_to) for m in api.sent if m.reply_to}
                    if len(replied & set(sent_at)) >= total:
                        break
                    await asyncio.sleep(0.2)
                first_reply: dict[tuple[int, int], float] = {}
                for m in api.sent:
                    key = (m.chat_id, m.reply_to)
                    if key in sent_at and key not in first_reply:
                        first_reply[key] = m.time
                latencies = sorted(first_reply[k] - sent_at[k] for k in first_reply)
                span = (max(first_reply.values()) - min(sent_at.values())) if first_reply else 0
                rss = _peak_rss_mb(proc.pid)
            finally:
                proc.terminate()
                await asyncio.wait_for(proc.wait(), 30)
                log.close()

    def pct(p: float) -> float | None:
        if not latencies:
            return None
        return latencies[min(len(latencies) - 1, int(p * len(latencies)))]

    return {
        "mode": "burst" if args.rate == 0 else f"{args.rate}/s",
        "articles": 1 + (args.articles if args.news else 0),
        "questions": total,
        "answered": len(latencies),
        "lost": total - len(latencies),
        "answers_per_s": round(len(latencies) / span, 1) if span else None,
        "p50_s": round(statistics.median(latencies), 3) if latencies else None,
        "p95_s": round(pct(0.95), 3) if latencies else None,
        "max_s": round(latencies[-1], 3) if latencies else None,
        "peak_rss_mb": round(rss, 1) if rss else None,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--questions", type=int, default=10, help="per user, in a burst")
    parser.add_argument("--rate", type=float, default=0, help="questions/s; 0: one burst")
    parser.add_argument("--seconds", type=float, default=30, help="how long at --rate")
    parser.add_argument("--news", type=Path, help="a (gzipped) JSON list of articles")
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--timeout", type=float, default=600)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    result = asyncio.run(run(args))
    if args.json:
        print(json.dumps(result))
    else:
        for key, value in result.items():
            print(f"{key:>14}: {value}")
    return 0 if result["lost"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
