"""`python -m bot` as a real process: index the seed, ask the issue's two questions, read
questions from stdin, survive hostile input, ingest idempotently, and chat in the console.

Each test gets its own NABA_DB and a copy of seeds/ (NABA_SEEDS) under tmp_path; no token, so
nothing can reach Telegram."""

from __future__ import annotations

import asyncio
import json
import os
import select
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
TIMEOUT = 60
ISSUE_QUESTION = "متى أعلنت غرفة عمليات الجنوب تحرير درعا؟"
GOLD_QUESTION = "ما هو سعر الذهب اليوم؟"
SEED_TITLE = "غرفة عمليات الجنوب تعلن تحرير درعا بالكامل وتواصل التقدم نحو دمشق"
ANSWER_KEYS = {
    "rank", "score", "article_id", "title", "source", "published", "url", "passage", "excerpt",
    "also",
}  # fmt: skip


@pytest.fixture
def env(tmp_path: Path, seed_dir: Path) -> dict[str, str]:
    clean = {
        k: v
        for k, v in os.environ.items()
        if "proxy" not in k.lower() and not k.startswith("NABA_") and k != "TELEGRAM_BOT_TOKEN"
    }
    clean.update(
        NABA_DB=str(tmp_path / "data" / "naba.db"),
        NABA_SEEDS=str(seed_dir),
        PYTHONPATH=str(ROOT),
        PYTHONIOENCODING="utf-8",
    )
    return clean


def bot(env: dict[str, str], *args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=ROOT,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=TIMEOUT,
    )


def ok(result: subprocess.CompletedProcess) -> subprocess.CompletedProcess:
    assert result.returncode == 0, f"exit {result.returncode}\n{result.stdout}\n{result.stderr}"
    assert "Traceback" not in result.stderr, result.stderr
    return result


@pytest.fixture
def indexed(env: dict[str, str]) -> dict[str, str]:
    result = ok(bot(env, "index"))
    assert "new=1" in result.stdout
    assert "index: 1 articles" in result.stdout
    return env


def test_index_then_the_issue_question(indexed: dict[str, str]) -> None:
    result = ok(bot(indexed, "ask", "--json", ISSUE_QUESTION))
    lines = result.stdout.splitlines()
    assert len(lines) == 1
    data = json.loads(lines[0])
    assert data["query"] == ISSUE_QUESTION
    assert "درعا" in data["normalized_tokens"]
    first = data["answers"][0]
    assert set(first) == ANSWER_KEYS
    assert first["rank"] == 1
    assert "7 كانون الأول 2024" in first["passage"]
    assert first["excerpt"][:50] in first["passage"], "the quote starts in the passage"
    assert first["title"] == SEED_TITLE
    assert first["published"] == "2024-12-07"
    assert first["source"] is None and first["url"] is None
    assert [a["rank"] for a in data["answers"]] == list(range(1, len(data["answers"]) + 1))
    # the date the best passage states (index.direct), shown to people too
    assert data["direct_answer"] == {
        "text": "7 كانون الأول 2024", "kind": "date", "rank": 1, "shown": True
    }


def test_a_who_question_s_person_in_json(indexed: dict[str, str]) -> None:
    question = "مين أعلن بدء المرحلة الأخيرة لتطويق دمشق؟"
    data = json.loads(ok(bot(indexed, "ask", "--json", question)).stdout)
    # the person the best quote names after his rank (index.names), and the rule that read it
    assert data["direct_answer"] == {
        "text": "حسن عبد الغني", "kind": "person", "rank": 1, "shown": True, "rule": "title"
    }


def test_gold_question_has_no_answers(indexed: dict[str, str]) -> None:
    data = json.loads(ok(bot(indexed, "ask", "--json", GOLD_QUESTION)).stdout)
    assert data["answers"] == []
    assert data["query"] == GOLD_QUESTION
    # and as text: the Arabic not-found reply
    text = ok(bot(indexed, "ask", GOLD_QUESTION)).stdout
    assert "لم أجد" in text


def test_questions_from_stdin_one_json_object_a_line(indexed: dict[str, str]) -> None:
    stdin = f"{ISSUE_QUESTION}\n\n   \n{GOLD_QUESTION}\nماذا حدث في السويداء؟\n"
    result = ok(bot(indexed, "ask", "-", stdin=stdin))
    objects = [json.loads(line) for line in result.stdout.splitlines()]
    # one object per line in, empty lines included, so output lines up with input
    assert [o["query"] for o in objects] == [
        ISSUE_QUESTION, "", "   ", GOLD_QUESTION, "ماذا حدث في السويداء؟",
    ]  # fmt: skip
    for o in objects:
        assert {"query", "normalized_tokens", "answers"} <= set(o)
        assert isinstance(o["normalized_tokens"], list)
        for answer in o["answers"]:
            assert set(answer) == ANSWER_KEYS
    assert "7 كانون الأول 2024" in objects[0]["answers"][0]["passage"]
    assert [o.get("problem") for o in objects] == [None, "empty", "empty", None, None]
    assert "اكتب سؤالك" in objects[1]["error"]
    assert objects[3]["answers"] == []
    assert "السويداء" in objects[4]["answers"][0]["passage"]


def _read_line(proc: subprocess.Popen, timeout: float = TIMEOUT) -> str:
    """One line of a child's stdout, or fail after `timeout` seconds (never hang the suite)."""
    ready, _, _ = select.select([proc.stdout], [], [], timeout)
    assert ready, f"no output within {timeout} s"
    return proc.stdout.readline()


def test_ask_stdin_answers_each_line_as_it_arrives(indexed: dict[str, str]) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot", "ask", "-"], cwd=ROOT, env=indexed, stdin=subprocess.PIPE,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, encoding="utf-8",
    )
    try:
        proc.stdin.write(ISSUE_QUESTION + "\n")
        proc.stdin.flush()
        first = json.loads(_read_line(proc))  # stdin is still open: answered line by line
        assert first["query"] == ISSUE_QUESTION and first["answers"]
        proc.stdin.write("\n")
        proc.stdin.flush()
        assert json.loads(_read_line(proc))["problem"] == "empty"
        proc.stdin.close()
        assert proc.wait(timeout=TIMEOUT) == 0
    finally:
        proc.kill()


def test_an_unquoted_question_is_one_question(indexed: dict[str, str]) -> None:
    data = json.loads(ok(bot(indexed, "ask", "--json", *ISSUE_QUESTION.split())).stdout)
    assert data["query"] == ISSUE_QUESTION
    assert "7 كانون الأول 2024" in data["answers"][0]["passage"]


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("", "اكتب سؤالك"),
        ("د" * 10_000, "طويل"),
        ("😀🔥🎉", "لم أجد"),
    ],
    ids=["empty", "10000-chars", "emoji"],
)
def test_hostile_questions_get_a_clear_message(
    indexed: dict[str, str], question: str, expected: str
) -> None:
    result = ok(bot(indexed, "ask", question))
    assert expected in result.stdout
    data = json.loads(ok(bot(indexed, "ask", "--json", question)).stdout)
    assert data["answers"] == [] and expected in data["error"]


def test_ingest_twice_reports_a_duplicate(env: dict[str, str], seed_file: Path) -> None:
    first = ok(bot(env, "ingest", "--no-progress", str(seed_file)))
    assert "new=1" in first.stdout
    second = ok(bot(env, "ingest", "--no-progress", str(seed_file)))
    assert "new=0" in second.stdout and "duplicate=1" in second.stdout
    data = json.loads(ok(bot(env, "ask", "--json", ISSUE_QUESTION)).stdout)
    assert len({a["article_id"] for a in data["answers"]}) == 1


def test_a_bad_item_in_a_json_list_costs_only_itself(env: dict[str, str], tmp_path: Path) -> None:
    items = [
        {"title": "خبر أول عن سوق الخضار", "text": "افتتحت البلدية سوق الخضار الجديد في المدينة."},
        {"text": "خبر بلا عنوان"},
        {"title": "خبر ثالث عن المطر", "text": "هطلت أمطار غزيرة على المدينة صباح اليوم."},
        "ليس كائنًا",
    ]
    path = tmp_path / "list.json"
    path.write_text(json.dumps(items, ensure_ascii=False), encoding="utf-8")
    result = bot(env, "ingest", "--no-progress", str(path))
    assert result.returncode == 1, result.stderr
    assert "new=2" in result.stdout and "failed=2" in result.stdout
    problems = [line for line in result.stderr.splitlines() if line.startswith("problem:")]
    assert len(problems) == 2
    assert "(item 2): missing title" in problems[0]
    assert "(item 4): expected a JSON object" in problems[1]
    data = json.loads(ok(bot(env, "ask", "--json", "متى هطلت الأمطار على المدينة؟")).stdout)
    assert data["answers"] and data["answers"][0]["title"] == "خبر ثالث عن المطر"


def test_console_chat(indexed: dict[str, str]) -> None:
    result = ok(bot(indexed, stdin="متى تحررت درعا؟\n"))
    out = result.stdout
    assert "مرحبًا" in out and "نبأ" in out
    welcome, _, rest = out.partition("؟ ")
    assert "مقال واحد" in welcome and "في 7 ديسمبر 2024" in welcome
    assert "درعا" in rest and "1. ❝" in rest
    assert out.rstrip().endswith("مع السلامة!")


def test_undecodable_bytes_get_a_clear_message(indexed: dict[str, str]) -> None:
    # a question file in Windows-1256 piped in, and a stray byte on the command line; strict
    # UTF-8 streams, as on a desktop with an en_US.UTF-8 locale
    strict = {**indexed, "PYTHONIOENCODING": "utf-8"}
    piped = subprocess.run(
        [sys.executable, "-m", "bot", "ask", "-"],
        cwd=ROOT, env=strict, input="متى تحررت درعا؟\n".encode("cp1256") + b"\xd8\xaf\xff\n",
        capture_output=True, timeout=TIMEOUT,
    )
    assert piped.returncode == 0 and b"Traceback" not in piped.stderr, piped.stderr
    objects = [json.loads(line) for line in piped.stdout.decode("utf-8").splitlines()]
    assert len(objects) == 2
    assert objects[0]["answers"] == [] and objects[1]["answers"] == []
    assert objects[1]["query"] == "د\ufffd"
    argv = subprocess.run(
        [sys.executable, "-m", "bot", "ask", "--json", "درعا".encode() + b"\xff"],
        cwd=ROOT, env=strict, capture_output=True, timeout=TIMEOUT,
    )
    assert argv.returncode == 0 and b"Traceback" not in argv.stderr, argv.stderr
    data = json.loads(argv.stdout.decode("utf-8"))
    assert data["query"] == "درعا\ufffd" and data["answers"]


def test_asking_an_empty_store_indexes_the_seeds_first(env: dict[str, str]) -> None:
    """A fresh clone (no `make run` yet) once answered «not found» from an empty store."""
    result = ok(bot(env, "ask", "--json", ISSUE_QUESTION))
    assert "was empty" in result.stderr
    assert json.loads(result.stdout)["answers"], result.stdout
    # once is enough: the next question finds the store full
    assert "was empty" not in ok(bot(env, "ask", "--json", ISSUE_QUESTION)).stderr


def test_an_empty_store_without_seeds_says_what_to_run(
    env: dict[str, str], tmp_path: Path
) -> None:
    env = {**env, "NABA_SEEDS": str(tmp_path / "no-such-folder")}
    result = ok(bot(env, "ask", ISSUE_QUESTION))
    assert "make run" in result.stderr and "bot ingest" in result.stderr


def test_console_has_the_read_only_commands(indexed: dict[str, str]) -> None:
    """The not-found hint says /sources; the console once answered it "Arabic only"."""
    out = ok(bot(indexed, stdin="/sources\n/latest\n/status\n/help\n/nonsense\n")).stdout
    assert out.count("غرفة عمليات الجنوب تعلن تحرير درعا") >= 2  # /sources and /latest
    assert "عندي مقال واحد" in out and "/latest" in out and "لا أعرف هذا الأمر" in out
    assert "بالعربية فقط" not in out


def test_ctrl_c_ends_the_console_with_a_goodbye(indexed: dict[str, str]) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot"], cwd=ROOT, env=indexed, stdin=subprocess.PIPE,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, encoding="utf-8",
    )
    try:
        line = proc.stdout.readline()  # the welcome: the prompt is up next
        assert "مرحبًا" in line
        time.sleep(0.5)
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=TIMEOUT)
    finally:
        proc.kill()
    assert proc.returncode == 0, err
    assert out.rstrip().endswith("مع السلامة!") and "Traceback" not in err


# ---- the same commands on PostgreSQL (NABA_DATABASE_URL) -------------------------------------


def test_the_cli_on_postgresql(env: dict[str, str], pg_url: str, tmp_path: Path) -> None:
    pg = {**env, "NABA_DATABASE_URL": pg_url}
    indexed = ok(bot(pg, "index"))
    assert "new=1" in indexed.stdout and "NABA_DATABASE_URL=" in indexed.stdout
    data = json.loads(ok(bot(pg, "ask", "--json", ISSUE_QUESTION)).stdout)
    assert "7 كانون الأول 2024" in data["answers"][0]["passage"]
    assert not (tmp_path / "data" / "naba.db").exists(), "the SQLite file is not touched"
    # the index is saved beside where it would be (NABA_INDEX_DIR's default), named after
    # the PostgreSQL database
    assert len(list((tmp_path / "data" / "naba.db.index").glob("*.naba-index"))) == 1
    again = ok(bot(pg, "index"))
    assert "new=0" in again.stdout and "index: 1 articles" in again.stdout


def test_an_unreachable_database_url_is_one_line(env: dict[str, str]) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # nobody listens there once the socket closes
    url = f"postgresql://naba:hunter2-secret@127.0.0.1:{port}/naba"
    result = bot({**env, "NABA_DATABASE_URL": url}, "ask", ISSUE_QUESTION)
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert "NABA_DATABASE_URL" in result.stderr and "Traceback" not in result.stderr
    assert "hunter2" not in result.stderr + result.stdout


def test_a_database_url_that_is_not_postgresql_is_refused(env: dict[str, str]) -> None:
    result = bot({**env, "NABA_DATABASE_URL": "mysql://root:hunter2@db/naba"}, "ask", "س")
    assert result.returncode == 2 and "NABA_DATABASE_URL" in result.stderr
    assert "hunter2" not in result.stderr


def test_migrate_store_moves_a_sqlite_deployment_to_postgresql(
    env: dict[str, str], pg_url: str, tmp_path: Path
) -> None:
    async def fill() -> None:
        from index.ingest import ingest_article, ingest_path
        from index.models import ArticleIn
        from index.store import Store

        async with await Store.open(env["NABA_DB"]) as store:
            await ingest_path(store, Path(env["NABA_SEEDS"]))
            await store.feeds.add("https://example.test/rss.xml", added_by="cli")
            sub = await store.subscriptions.subscribe(
                -100123, chat_type="supergroup", thread_id=7, topic="درعا", frequency="hourly"
            )
            late = await ingest_article(
                store, ArticleIn(title="خبر تجريبي عن مكتبة", text="افتتحت مكتبة جديدة."), "t"
            )
            await store.deliveries.mark(sub.id, [late.article_id], "sent", message_id=55)

    async def read(target: str) -> tuple:
        from index.store import Store

        async with await Store.open(target) as store:
            sub = await store.subscriptions.get(-100123)
            return (
                await store.articles.summary(),
                [(p.id, p.article_id, p.tokens) for p in await store.articles.all_passages()],
                [f.url for f in await store.feeds.all()],
                (sub.id, sub.topic, sub.thread_id, sub.frequency, sub.after_article_id),
                await store.deliveries.counts(),
            )

    asyncio.run(fill())
    before = asyncio.run(read(env["NABA_DB"]))
    result = ok(bot(env, "migrate-store", "--to", pg_url))
    assert "articles 2" in result.stdout and "deliveries 1" in result.stdout
    assert asyncio.run(read(pg_url)) == before

    async def identity(target: str) -> tuple[str, str]:
        from index.store import Store

        async with await Store.open(target) as store:
            return await store.schema.identity()

    # a database of its own: no index snapshot of the file (its cursors are not PostgreSQL's)
    assert asyncio.run(identity(pg_url))[0] != asyncio.run(identity(env["NABA_DB"]))[0]
    # the moved deployment answers, and numbers new rows past the copied ones
    pg = {**env, "NABA_DATABASE_URL": pg_url}
    data = json.loads(ok(bot(pg, "ask", "--json", ISSUE_QUESTION)).stdout)
    assert "7 كانون الأول 2024" in data["answers"][0]["passage"]
    extra = tmp_path / "extra.json"
    extra.write_text(json.dumps({"title": "خبر تجريبي آخر", "text": "زرعت البلدة ألف شجرة."},
                                ensure_ascii=False), encoding="utf-8")
    assert "new=1" in ok(bot(pg, "ingest", "--no-progress", str(extra))).stdout
    # a second copy into the same database is refused: nothing doubles
    again = bot(env, "migrate-store", "--to", pg_url)
    assert again.returncode == 1 and "empty database" in again.stderr


def test_eval_feedback_reports_the_rate_and_exports_disliked_questions(
    indexed: dict[str, str], tmp_path: Path
) -> None:
    async def vote() -> list[int]:
        from index.store import Store

        async with await Store.open(indexed["NABA_DB"]) as store:
            ids = [p.id for p in await store.articles.all_passages()][:2]
            common = {"chat_id": 1, "analyzer": "v"}
            await store.feedback.vote(message_id=1, user_id=1, vote=1, question="س",
                                      passage_ids=ids, **common)
            await store.feedback.vote(message_id=2, user_id=1, vote=-1,
                                      question="شو صار بحمص؟", passage_ids=ids, **common)
            await store.feedback.vote(message_id=2, user_id=2, vote=-1,
                                      question="شو صار بحمص؟", passage_ids=ids, **common)
            return ids

    asyncio.run(vote())
    export = tmp_path / "disliked.jsonl"
    result = ok(bot(indexed, "eval", "--feedback", "--export", str(export)))
    assert "1 👍, 2 👎 (33% 👍)" in result.stdout
    [row] = [json.loads(line) for line in export.read_text(encoding="utf-8").splitlines()]
    assert row["question"] == "شو صار بحمص؟" and row["expect"] is None
    assert len(row["shown"]) == 2 and all(row["shown"])
    # the row is a reader question as eval reads them
    from index.readers import load_reader_questions

    [question] = load_reader_questions([export])
    assert question.question == "شو صار بحمص؟" and question.expect is None


@pytest.mark.parametrize("after", [0.05, 0.3, 1.0])
def test_ctrl_c_at_any_moment_of_start_up_prints_no_traceback(
    indexed: dict[str, str], after: float
) -> None:
    """Ctrl-C while Python was still importing naba once printed a KeyboardInterrupt
    traceback (found running `make run` on a fresh clone)."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot"], cwd=ROOT, env=indexed, stdin=subprocess.PIPE,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, encoding="utf-8",
    )
    try:
        time.sleep(after)
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=TIMEOUT)
    finally:
        proc.kill()
    if proc.returncode not in (0, 130) and _before_naba(err):
        # On a loaded machine the signal can land while the interpreter itself is still
        # starting (runpy has not reached bot/ yet): Python's own traceback, which no code of
        # naba's can catch. Seen under three agents' load; the test then proves nothing.
        pytest.skip("SIGINT arrived before Python reached naba's code")
    # -2: Python ended by the signal itself (a shell shows it as 130), printing nothing
    assert proc.returncode in (0, 130, -signal.SIGINT), err
    assert "Traceback" not in err and "Exception ignored" not in err, err


def _before_naba(err: str) -> bool:
    """A KeyboardInterrupt traceback with no frame of naba's own (bot/, index/): the
    interpreter's start-up, site-packages' .pth files (the editable install's finder)."""
    frames = [line for line in err.splitlines() if line.strip().startswith("File ")]
    ours = [f for f in frames if any(f"{ROOT / d}" in f for d in ("bot", "index"))]
    return "KeyboardInterrupt" in err and bool(frames) and not ours
