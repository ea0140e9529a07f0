"""Index snapshots (index.snapshot): a Library started from the saved index answers exactly as
one rebuilt from every stored passage — after the articles stored since are replayed, after
merges — and a snapshot that is stale (another analyzer, other BM25 parameters, another
database, re-tokenized passages), damaged or half-written is never loaded: the index is rebuilt.

Real SQLite files (and a PostgreSQL database for the round trip), real snapshot files, a real
second process. The towns and events of the articles are invented."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import threading
import zlib
from pathlib import Path

import numpy as np
import pytest

import index.search as search
from index import snapshot
from index.docmap import DocMap
from index.ingest import ingest_article, ingest_path
from index.models import ArticleIn
from index.search import Library
from index.store import Reanalysed, Store
from index.terms import TermTable, term_hash

ROOT = Path(__file__).resolve().parents[1]
TIMEOUT = 120

TOWNS = ["الواحة", "النخيل", "السنابل", "الرمال", "الينابيع", "الزيتون"]
EVENTS = [
    "افتتحت بلدية {t} مكتبة عامة جديدة تضم آلاف المخطوطات النادرة.",
    "زرعت بلدية {t} ألف شجرة نخيل في حديقتها الكبرى بمشاركة طلاب المدارس.",
    "أعلن مجلس {t} عن مهرجان سنوي للتمور يشارك فيه مئتا مزارع.",
    "شهدت مدينة {t} أمطارا غزيرة أغلقت الطريق الرئيسي لساعات.",
    "دشنت بلدية {t} جسرا جديدا للمشاة فوق النهر الكبير.",
]
QUESTIONS = [
    "ماذا افتتحت بلدية الواحة؟",
    "كم شجرة نخيل زرعت بلدية السنابل؟",
    "متى أعلنت غرفة عمليات الجنوب تحرير درعا؟",
    "مهرجان التمور في الرمال",
    "أمطار غزيرة أغلقت الطريق",
    "جسر المشاة فوق النهر",
    "ما هي معركة كسر القيود؟",
]


def article(town: int, event: int, guid: str | None = None) -> ArticleIn:
    text = EVENTS[event].format(t=TOWNS[town]) + " وقال رئيس البلدية إن المشروع يخدم السكان."
    return ArticleIn(title=f"خبر من {TOWNS[town]}", text=text,
                     guid=guid or f"town-{town}-{event}")


async def fill(store: Store, seed_dir: Path) -> None:
    await ingest_path(store, seed_dir)
    for town in range(len(TOWNS)):
        for event in range(0, len(EVENTS), 2):
            await ingest_article(store, article(town, event), "test")


async def results(library: Library) -> list[list[tuple[int, float]]]:
    """Per question: the ranker's top 10 and the answers' hits, as (passage id, score)."""
    out = []
    for question in QUESTIONS:
        ranked = library.ranker.rank(library.parse(question), 10)
        out.append([(library.passage_of(s.doc), s.score) for s in ranked])
        answer = await library.answer(question, top=5)
        out.append([(h.passage_id, h.score) for h in answer.hits])
    return out


def same(a: list[list[tuple[int, float]]], b: list[list[tuple[int, float]]]) -> None:
    assert [[p for p, _ in row] for row in a] == [[p for p, _ in row] for row in b]
    for row_a, row_b in zip(a, b, strict=True):
        assert [s for _, s in row_a] == pytest.approx([s for _, s in row_b], rel=1e-12, abs=1e-12)


async def rebuilt(store: Store) -> Library:
    """The reference: every stored passage, no snapshot."""
    library = Library(store)
    await library.build()
    return library


async def saved(store: Store, seed_dir: Path, folder: Path) -> Library:
    """The store filled, and a Library built from it that saved its snapshot."""
    await fill(store, seed_dir)
    return await start(store, folder)


async def start(store: Store, folder: Path) -> Library:
    """A Library started as the bot starts one (loading the snapshot if it can)."""
    library = Library(store, snapshots=folder)
    await library.build()
    return library


def snapshot_file(folder: Path) -> Path:
    (found,) = folder.glob(f"*{snapshot.SUFFIX}")
    return found


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return tmp_path / "index"


# ---- the round trip ------------------------------------------------------------------------


@pytest.mark.parametrize("layout", ["plain", "packed"])
async def test_a_loaded_snapshot_answers_as_the_build_that_saved_it(
    store_target: str, seed_dir: Path, folder: Path, monkeypatch: pytest.MonkeyPatch,
    layout: str,
) -> None:
    """Either layout of the doc ids (index.postings: plain words for a small base, bit-packed
    for a large one) is saved and loaded as it was."""
    import index.bm25 as bm25_module

    if layout == "packed":
        monkeypatch.setattr(bm25_module, "PLAIN_POSTINGS", -1)
    async with await Store.open(store_target) as store:
        await fill(store, seed_dir)
        first = Library(store, snapshots=folder)
        passages = await first.build()
        assert first.source == "built" and snapshot_file(folder).stat().st_size > 0

        async def never(*_args: object) -> None:
            raise AssertionError("a start from a fresh snapshot reads every passage")

        with monkeypatch.context() as patch:
            patch.setattr(store.articles, "all_passages", never)
            patch.setattr(store.articles, "retokenize", never)
            second = Library(store, snapshots=folder)
            assert await second.build() == passages and second.source == "loaded"
        expected = await results(first)
        assert any(row for row in expected)
        same(await results(second), expected)
        same(await results(await rebuilt(store)), expected)
        # the very same arrays: doc ids, scores and the words the vocabulary knows
        for name, index in first.fields.named().items():
            loaded = second.fields.named()[name]
            assert loaded._base.postings.plain is index._base.postings.plain is (
                layout == "plain")
            assert list(loaded.vocab) == list(index.vocab)
            for term in list(index.vocab)[:50]:
                assert loaded.search([term]) == index.search([term])


async def test_articles_stored_after_the_snapshot_are_replayed(
    store: Store, seed_dir: Path, folder: Path
) -> None:
    await saved(store, seed_dir, folder)
    # after the snapshot: a new article, and one rewritten (its library is gone, a garden now)
    await ingest_article(store, article(1, 3, guid="new"), "test")
    await ingest_article(store, ArticleIn(title="خبر من الواحة", text=EVENTS[1].format(
        t="الواحة"), guid="town-0-0"), "test")
    started = await start(store, folder)
    assert started.source == "loaded"
    assert (await started.answer("أمطار غزيرة في النخيل")).hits
    assert not [h for h in (await started.answer("ماذا افتتحت بلدية الواحة؟")).hits
                if "الواحة" in h.passage and "مكتبة" in h.passage]
    same(await results(started), await results(await rebuilt(store)))
    # and refreshes go on from there
    await ingest_article(store, article(5, 3, guid="later"), "test")
    assert await started.refresh() == 1
    same(await results(started), await results(await rebuilt(store)))


async def test_a_merge_saves_the_snapshot_the_next_start_loads(
    store: Store, seed_dir: Path, folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    running = await saved(store, seed_dir, folder)
    built_at = snapshot_file(folder).stat().st_mtime_ns
    monkeypatch.setattr(search, "MERGE_THRESHOLD", 0)  # every refresh that adds merges
    monkeypatch.setattr(search, "MERGE_SHARE", 0.0)
    await ingest_article(store, article(2, 1, guid="merged"), "test")
    assert await running.refresh() == 1
    assert running._merging is not None
    assert await asyncio.wait_for(running._merging, TIMEOUT), "the merge saved a snapshot"
    assert snapshot_file(folder).stat().st_mtime_ns != built_at
    monkeypatch.setattr(search, "MERGE_THRESHOLD", 10**9)
    # stored after that merge: replayed by the next start
    await ingest_article(store, article(3, 1, guid="after"), "test")
    await running.refresh()
    started = await start(store, folder)
    assert started.source == "loaded"
    expected = await results(await rebuilt(store))
    same(await results(started), expected)
    same(await results(running), expected)
    # `python -m bot index` saves what it replayed; a second call has nothing to save
    assert await started.save_snapshot() is True
    assert await started.save_snapshot() is False
    again = await start(store, folder)
    assert again.source == "loaded" and again._cursor == started._cursor
    same(await results(again), expected)


async def test_a_snapshot_mostly_of_dead_doc_ids_is_rebuilt(
    store: Store, seed_dir: Path, folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Rewritten articles leave dead doc ids that only a build renumbers: past
    MAX_DEAD_SHARE of them, a start builds anew (and saves the compact index)."""
    await saved(store, seed_dir, folder)
    monkeypatch.setattr(search, "MERGE_THRESHOLD", 0)
    monkeypatch.setattr(search, "MERGE_SHARE", 0.0)
    running = await start(store, folder)
    for town in range(len(TOWNS)):  # each town's first article rewritten: its doc ids die
        await ingest_article(store, article(town, 1, guid=f"town-{town}-0"), "test")
    await running.refresh()
    assert await asyncio.wait_for(running._merging, TIMEOUT)
    dead = running.fields.light.n_docs - running.passages
    assert dead > 0
    monkeypatch.setattr(search, "MAX_DEAD_SHARE", dead / running.fields.light.n_docs / 2)
    started = await start(store, folder)
    assert started.source == "built" and started.fields.light.n_docs == started.passages
    same(await results(started), await results(running))
    assert (await start(store, folder)).source == "loaded"


async def test_without_a_folder_nothing_is_saved(store: Store, seed_dir: Path) -> None:
    await fill(store, seed_dir)
    library = Library(store)
    await library.build()
    assert library.source == "built" and await library.save_snapshot() is False


# ---- stale snapshots -----------------------------------------------------------------------


async def test_other_bm25_parameters_rebuild(store: Store, seed_dir: Path, folder: Path) -> None:
    await saved(store, seed_dir, folder)
    other = Library(store, k1=1.2, snapshots=folder)
    await other.build()
    assert other.source == "built"
    reference = Library(store, k1=1.2)
    await reference.build()
    same(await results(other), await results(reference))


async def test_another_analyzer_version_is_stale(
    store: Store, seed_dir: Path, folder: Path
) -> None:
    library = await saved(store, seed_dir, folder)
    key = library._key
    assert key is not None
    snapshot.load(folder, key)  # loads as it is
    newer = snapshot.Key(key.store, key.tokens, "naba-newer", key.params, key.fields)
    # another analyzer's snapshot has another name; one renamed to it is still refused
    snapshot_file(folder).rename(snapshot.path_for(folder, newer))
    with pytest.raises(snapshot.Unusable, match="analyzer"):
        snapshot.load(folder, newer)
    with pytest.raises(snapshot.Unusable, match="fields"):
        snapshot.load(folder, snapshot.Key(key.store, key.tokens, "naba-newer", key.params,
                                           "light,root(other),title"))


async def test_a_snapshot_of_another_database_is_never_loaded(
    tmp_path: Path, seed_dir: Path, folder: Path
) -> None:
    async with await Store.open(tmp_path / "a.db") as a, await Store.open(tmp_path / "b.db") as b:
        await fill(a, seed_dir)
        await ingest_path(b, seed_dir)  # the same seed article, and nothing else
        assert (await a.schema.identity())[0] != (await b.schema.identity())[0]
        await Library(a, snapshots=folder).build()
        library_b = Library(b, snapshots=folder)
        await library_b.build()  # its own snapshot, beside a's
        assert library_b.source == "built" and len(list(folder.iterdir())) == 2
        # a's snapshot put where b's would be: refused (another store), and rebuilt
        own = snapshot.path_for(folder, library_b._key)
        own.unlink()
        (folder / next(p.name for p in folder.iterdir())).rename(own)
        started = await start(b, folder)
        assert started.source == "built"
        assert started.passages == library_b.passages
        same(await results(started), await results(await rebuilt(b)))


async def test_re_tokenized_passages_rebuild(
    store: Store, seed_dir: Path, folder: Path, db_path: Path
) -> None:
    """Re-tokenizing rewrites tokens in place, which no change-log event records: the store's
    mark changes and every snapshot taken before is stale."""
    await saved(store, seed_dir, folder)
    before = await store.schema.identity()
    rows = [Reanalysed(p.id, "كلمة") for p in (await store.articles.all_passages())[:3]]
    await store.articles.retokenize(rows, search.PASSAGE_VERSION)
    after = await store.schema.identity()
    assert after[0] == before[0] and after[1] != before[1]
    started = await start(store, folder)
    assert started.source == "built"
    assert started.index.df("كلمة") == 3


async def test_a_snapshot_ahead_of_a_restored_backup_is_rebuilt(
    tmp_path: Path, seed_dir: Path, folder: Path
) -> None:
    """The same database (same identity) restored from an older copy: the snapshot reflects
    changes the store no longer has, and its cursor is past the store's."""
    db, backup = tmp_path / "naba.db", tmp_path / "backup.db"
    async with await Store.open(db) as store:
        await fill(store, seed_dir)
    with contextlib.closing(sqlite3.connect(db)) as src, \
            contextlib.closing(sqlite3.connect(backup)) as dst:
        src.backup(dst)
    async with await Store.open(db) as store:
        await ingest_article(store, article(2, 3, guid="after-the-backup"), "test")
        assert (await start(store, folder)).source == "built"
    for leftover in (db, Path(f"{db}-wal"), Path(f"{db}-shm")):
        leftover.unlink(missing_ok=True)
    shutil.copy(backup, db)
    async with await Store.open(db) as store:
        restored = await start(store, folder)
        assert restored.source == "built"
        assert not (await restored.answer("أمطار غزيرة في السنابل")).hits
        same(await results(restored), await results(await rebuilt(store)))


# ---- damaged and half-written snapshots ------------------------------------------------------


def truncate(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def flip_payload_byte(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[-len(data) // 3] ^= 0x40
    path.write_bytes(bytes(data))


def flip_header_byte(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[40] ^= 0x01
    path.write_bytes(bytes(data))


def empty(path: Path) -> None:
    path.write_bytes(b"")


def garbage(path: Path) -> None:
    path.write_bytes(os.urandom(4096))


@pytest.mark.parametrize("damage", [truncate, flip_payload_byte, flip_header_byte, empty, garbage])
async def test_a_damaged_snapshot_is_rebuilt_never_loaded(
    store: Store, seed_dir: Path, folder: Path, damage
) -> None:
    first = await saved(store, seed_dir, folder)
    expected = await results(first)
    damage(snapshot_file(folder))
    with pytest.raises(snapshot.Unusable):
        snapshot.load(folder, first._key)
    started = await start(store, folder)
    assert started.source == "built"
    same(await results(started), expected)
    # and it saved a good one again
    again = await start(store, folder)
    assert again.source == "loaded"
    same(await results(again), expected)


def older_format(path: Path, version: int) -> None:
    """Rewrite the header as an older format wrote it (1: float32 impacts, no block-max bounds;
    2: int32 doc ids, uint8 tfs and impact codes apart; 3: one word a posting, doc << 8 |
    code), its CRC valid: only the format number tells it apart."""
    data = path.read_bytes()
    magic, length, _ = snapshot._PREFIX.unpack_from(data)
    header = json.loads(data[snapshot._PREFIX.size : snapshot._PREFIX.size + length])
    header["format"] = version
    raw = json.dumps(header).encode().ljust(length)  # the same length: the payload stays put
    assert len(raw) == length
    path.write_bytes(snapshot._PREFIX.pack(magic, length, zlib.crc32(raw))
                     + raw + data[snapshot._PREFIX.size + length :])


@pytest.mark.parametrize("version", [1, 2, 3])
async def test_a_snapshot_of_a_previous_format_is_rebuilt(
    store: Store, seed_dir: Path, folder: Path, version: int
) -> None:
    first = await saved(store, seed_dir, folder)
    expected = await results(first)
    older_format(snapshot_file(folder), version)
    with pytest.raises(snapshot.Unusable, match=f"format {version}, not {snapshot.FORMAT}"):
        snapshot.load(folder, first._key)
    started = await start(store, folder)
    assert started.source == "built"
    same(await results(started), expected)
    assert (await start(store, folder)).source == "loaded"


async def test_a_half_written_snapshot_is_ignored(
    store: Store, seed_dir: Path, folder: Path
) -> None:
    first = await saved(store, seed_dir, folder)
    good = snapshot_file(folder)
    data = good.read_bytes()
    # a writer that died mid-write left its temporary file: never read
    temp = folder / f".{good.name}.tmp-99999-deadbeef"
    temp.write_bytes(data[: len(data) // 2])
    started = await start(store, folder)
    assert started.source == "loaded"
    good.unlink()
    rebuilt_one = await start(store, folder)
    assert rebuilt_one.source == "built"
    same(await results(rebuilt_one), await results(first))
    # a dead writer's temporary file is cleared once it is old
    old = 2 * 3600
    os.utime(temp, (temp.stat().st_atime - old, temp.stat().st_mtime - old))
    await Library(store, snapshots=folder).build(reuse=False)
    assert not temp.exists()


async def test_an_unwritable_folder_costs_the_snapshot_not_the_index(
    store: Store, seed_dir: Path, tmp_path: Path
) -> None:
    await fill(store, seed_dir)
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    library = Library(store, snapshots=blocked / "index")
    await library.build()
    assert library.source == "built"
    assert (await library.answer(QUESTIONS[0])).hits


# ---- writers and readers at once -------------------------------------------------------------


def test_writers_at_once_leave_one_whole_snapshot_and_readers_keep_theirs(tmp_path: Path) -> None:
    key = snapshot.Key("store", "", "analyzer", (1.5, 0.75, 0.25), "fields")
    first = {"a": np.arange(100_000, dtype=np.int64)}
    snapshot.write(tmp_path, key, 1, {"n": 1}, first)
    held = snapshot.read(tmp_path, key)  # mapped, then replaced under it
    errors: list[BaseException] = []

    def writer(number: int) -> None:
        try:
            for round_ in range(5):
                value = number * 100 + round_
                snapshot.write(tmp_path, key, value, {"n": value},
                               {"a": np.full(100_000, value, dtype=np.int64)})
        except BaseException as err:  # reported by the main thread
            errors.append(err)

    threads = [threading.Thread(target=writer, args=(n,)) for n in (1, 2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=TIMEOUT)
    assert not errors and not any(t.is_alive() for t in threads)
    final = snapshot.read(tmp_path, key)
    assert final.scalars["n"] == final.cursor and (final.arrays["a"] == final.cursor).all()
    assert (held.arrays["a"] == first["a"]).all(), "a reader keeps the file it mapped"
    assert [p.name for p in tmp_path.iterdir()] == [snapshot.path_for(tmp_path, key).name]


# ---- a second process ----------------------------------------------------------------------


def test_a_second_process_answers_from_the_snapshot(
    tmp_path: Path, seed_dir: Path, folder: Path
) -> None:
    db = tmp_path / "data" / "naba.db"

    async def first_process() -> list[dict]:
        async with await Store.open(db) as store:
            library = await saved(store, seed_dir, folder)
            return [await json_answer(library, q) for q in QUESTIONS]

    expected = asyncio.run(first_process())
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("NABA_", "TELEGRAM_")) and "proxy" not in k.lower()}
    env.update(NABA_DB=str(db), NABA_INDEX_DIR=str(folder), NABA_SEEDS=str(seed_dir),
               NABA_LOG_LEVEL="INFO", PYTHONPATH=str(ROOT), PYTHONIOENCODING="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "bot", "ask", "--json", "-"], cwd=ROOT, env=env,
        input="\n".join(QUESTIONS) + "\n", capture_output=True, text=True, encoding="utf-8",
        timeout=TIMEOUT,
    )
    assert done.returncode == 0, done.stderr
    assert "index loaded from" in done.stderr and "Traceback" not in done.stderr
    got = [json.loads(line) for line in done.stdout.splitlines()]
    assert got == expected


async def json_answer(library: Library, question: str) -> dict:
    from bot.format import to_json

    return to_json(await library.answer(question))


# ---- the pieces ----------------------------------------------------------------------------


def test_the_term_table_finds_every_term_and_tells_colliding_ones_apart() -> None:
    terms = ["درعا", "", "a b", "\ud83d", "😀", "ك" * 300, "دمشق", "Daraa", "x\ny"]
    table = TermTable.build(terms)
    assert [table.find(t) for t in terms] == list(range(len(terms)))
    assert table.find("حمص") is None and list(table.terms()) == terms
    copied = TermTable.from_arrays({k: np.array(v) for k, v in table.arrays().items()})
    assert [copied.find(t) for t in terms] == list(range(len(terms)))
    # two terms under one hash (forced): the one whose text differs is passed over
    text = "درعادمشق"
    starts = np.array([0, 4, 8])
    same_hash = np.full(2, term_hash("دمشق"), dtype=np.uint64)
    forced = TermTable(text, starts, same_hash, np.array([0, 1]))
    assert forced.find("دمشق") == 1 and forced.find("درعا") is None


def test_the_doc_map_round_trips_through_its_arrays() -> None:
    docs = DocMap.of_rows(np.array([10, 11, 12, 20, 21]), np.array([1, 1, 1, 2, 2]))
    assert docs.pop_article(1) == [0, 1, 2] and docs.pop_article(1) == []
    docs.append(13)
    docs.set_article(1, [5])
    docs.append(30)
    docs.set_article(3, [6])
    loaded = DocMap(docs.state().arrays())
    assert [loaded.passage(d) for d in range(7)] == [10, 11, 12, 20, 21, 13, 30]
    assert loaded.pop_article(1) == [5] and loaded.pop_article(2) == [3, 4]
    assert loaded.pop_article(3) == [6] and loaded.pop_article(4) == []


def test_the_doc_map_saves_passage_ids_in_four_bytes_only_while_they_fit() -> None:
    for big, dtype in [(2**31 - 1, np.int32), (2**31, np.int64)]:
        docs = DocMap.of_rows(np.array([7, big]), np.array([1, 2]))
        arrays = docs.state().arrays()
        assert arrays["passages"].dtype == dtype and arrays["article_docs"].dtype == np.int32
        loaded = DocMap(arrays)
        assert [loaded.passage(0), loaded.passage(1)] == [7, big]
        assert loaded.pop_article(2) == [1]


def test_packed_postings_that_do_not_fit_are_refused() -> None:
    """The load's layout check of the packed postings (the kernel reads them unchecked): a
    block per 128 codes, starts from 0 in steps of 4 words a bit up to 32 bits, the two spare
    words after the last block, the dtypes the kernel is compiled for."""
    from index.postings import Postings

    good = Postings.encode(np.arange(300) * 5, np.zeros(300, np.uint8)).arrays()
    assert snapshot._postings_fit(good)
    meta = good["doc_meta"]
    shifted = meta.copy()
    shifted[:, 2] += 4
    wide = meta.copy()
    wide[1:, 2] = 132
    plain = Postings.encode(np.arange(300) * 5, np.zeros(300, np.uint8), plain=True).arrays()
    assert snapshot._postings_fit(plain)
    sloped = plain["doc_meta"].copy()
    sloped[0, 1] = 3  # plain words on a line: no layout the kernel knows
    for bad in (
        {"doc_bits": good["doc_bits"][:-1]},
        {"doc_bits": np.zeros(len(good["doc_bits"]) + 1, np.uint32)},  # 3 spare, not plain
        {**plain, "doc_meta": sloped},
        {"doc_meta": meta[:-1]},
        {"codes": good["codes"][:-200]},
        {"doc_meta": shifted},
        {"doc_meta": meta.astype(np.int64)},
        {"doc_first": good["doc_first"][:-1]},
        {"doc_meta": wide, "doc_bits": np.zeros(134, np.uint32)},
    ):
        assert not snapshot._postings_fit({**good, **bad}), bad
