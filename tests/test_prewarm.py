"""index.store.prewarm: the store's file read into the OS cache after a start, bounded, in the
background thread; and the bot starting it once its store is open."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest
from fakes.bot_api import FakeBotApi

from bot.app import PREWARM
from bot.config import ConfigError, Settings
from index import workers
from index.store import Store, prewarm
from tests.test_telegram import TOKEN, running_bot


def _file(path: Path, size: int) -> Path:
    path.write_bytes(bytes(range(256)) * (size // 256) + b"x" * (size % 256))
    return path


def _opened(*paths: Path) -> list[int]:
    return [fd for fd in map(prewarm.open_held, paths) if fd is not None]


def test_reads_the_files_in_order_up_to_the_limit(tmp_path: Path) -> None:
    a = _file(tmp_path / "a", 3 * 2**20 + 17)
    b = _file(tmp_path / "b", 5000)
    fds = _opened(a, b)
    try:
        assert prewarm.read_into_cache(fds, 10 * 2**20) == a.stat().st_size + 5000
        # the limit stops it within a file, and the next file is not read
        assert prewarm.read_into_cache(fds, 2**20 + 5) == 2**20 + 5
        assert prewarm.read_into_cache(fds, a.stat().st_size + 100) == a.stat().st_size + 100
        assert prewarm.read_into_cache(fds, 0) == 0
    finally:
        for fd in fds:
            os.close(fd)


def test_a_missing_or_closed_file_is_skipped(tmp_path: Path) -> None:
    assert prewarm.open_held(tmp_path / "gone") is None
    a, b = _file(tmp_path / "a", 100), _file(tmp_path / "b", 4096)
    closed, fd = _opened(a, b)
    os.close(closed)  # a store closed under a running prewarm
    try:
        assert prewarm.read_into_cache([closed, fd], 2**20) == 4096
    finally:
        os.close(fd)


def _sqlite_locks(path: Path) -> list[str]:
    """This process's POSIX locks on a file, from /proc/locks (Linux)."""
    inode, pid = path.stat().st_ino, os.getpid()
    with open("/proc/locks", encoding="ascii") as f:
        return [line for line in f if f" {pid} " in line and f":{inode} " in line]


async def test_sqlites_own_lock_on_the_file_survives_the_prewarm(tmp_path: Path) -> None:
    """POSIX drops all of a process's locks on a file when any of its descriptors of it is
    closed: a prewarm that opened, read and closed the file released the read lock that tells
    other processes this one uses the WAL (the two-replica test then lost an entry). The
    prewarm's descriptor stays open until the store closes, after its connections."""
    if not Path("/proc/locks").exists():
        pytest.skip("needs /proc/locks (Linux)")
    db = tmp_path / "naba.db"
    async with await Store.open(db) as store:
        await store.articles.summary()
        held = _sqlite_locks(db)
        if not held:
            pytest.skip("SQLite holds no POSIX lock on the file here")
        assert await store.prewarm(64) > 0
        assert _sqlite_locks(db) == held
        assert store._held  # the descriptor the prewarm read through, still open
        fd = store._held[0]
    with pytest.raises(OSError):
        os.fstat(fd)  # closed with the store
    assert not _sqlite_locks(db)


def test_the_budget_is_the_setting_and_a_share_of_what_is_available() -> None:
    assert prewarm.budget(1024, None) == 1024 * 2**20
    assert prewarm.budget(1024, 8 * 2**30) == 1024 * 2**20
    assert prewarm.budget(1024, 2 * 2**30) == int(2 * 2**30 * prewarm.AVAILABLE_SHARE)
    assert prewarm.budget(0, 8 * 2**30) == 0


def test_available_memory_is_read_from_meminfo(tmp_path: Path) -> None:
    info, no_cgroup = tmp_path / "meminfo", tmp_path / "no-cgroup"
    info.write_text("MemTotal:  2048 kB\nMemFree: 100 kB\nMemAvailable:   1536 kB\n")
    assert prewarm.available_bytes(info, no_cgroup) == 1536 * 1024
    info.write_text("MemTotal:  2048 kB\n")
    assert prewarm.available_bytes(info, no_cgroup) is None
    assert prewarm.available_bytes(tmp_path / "none", no_cgroup) is None


@pytest.mark.parametrize(("files", "room"), [
    ({"memory.max": "1073741824\n", "memory.current": "268435456\n"}, 768 * 2**20),  # v2
    ({"memory.max": "max\n", "memory.current": "268435456\n"}, None),  # v2, no limit
    ({"memory/memory.limit_in_bytes": "536870912\n",
      "memory/memory.usage_in_bytes": "134217728\n"}, 384 * 2**20),  # v1
    ({"memory/memory.limit_in_bytes": "9223372036854771712\n",
      "memory/memory.usage_in_bytes": "1829543936\n"}, None),  # v1, no limit
    ({"memory.max": "1000\n", "memory.current": "5000\n"}, 0),  # over its limit already
])
def test_a_containers_memory_limit_bounds_what_is_available(
    tmp_path: Path, files: dict[str, str], room: int | None
) -> None:
    """In a container /proc/meminfo tells the host's memory: the cgroup's room counts too."""
    cgroup = tmp_path / "cgroup"
    for name, text in files.items():
        (cgroup / name).parent.mkdir(parents=True, exist_ok=True)
        (cgroup / name).write_text(text)
    info = tmp_path / "meminfo"
    info.write_text("MemAvailable: 8388608 kB\n")  # 8 GiB on the host
    host = 8 * 2**30
    assert prewarm.available_bytes(info, cgroup) == (host if room is None else room)
    assert prewarm.available_bytes(tmp_path / "none", cgroup) == room


async def test_a_sqlite_store_reads_its_file_in_the_background_thread(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    threads: list[tuple[str, int]] = []
    read = prewarm.read_into_cache

    def recorded(paths, limit):
        threads.append((threading.current_thread().name, workers.niceness()))
        return read(paths, limit)

    monkeypatch.setattr(prewarm, "read_into_cache", recorded)
    async with await Store.open(tmp_path / "naba.db") as store:
        size = (tmp_path / "naba.db").stat().st_size
        assert size > 0
        assert await store.prewarm(64) == size
        assert await store.prewarm(0) == 0
    [(name, nice)] = threads  # limit 0 does not even start the read
    assert name.startswith("naba-background")
    assert nice >= workers.niceness() + workers.NICENESS or nice == 19


async def test_an_in_memory_store_has_nothing_to_read() -> None:
    async with await Store.open(":memory:") as store:
        assert store.files == ()
        assert await store.prewarm(64) == 0


def test_the_setting() -> None:
    assert Settings.from_env({}).prewarm_mb == prewarm.DEFAULT_LIMIT_MB
    assert Settings.from_env({"NABA_PREWARM_MB": "0"}).prewarm_mb == 0
    assert Settings.from_env({"NABA_PREWARM_MB": "256"}).prewarm_mb == 256
    with pytest.raises(ConfigError, match="NABA_PREWARM_MB"):
        Settings.from_env({"NABA_PREWARM_MB": "-1"})


async def test_the_bot_prewarms_its_store_once_it_is_open(tmp_path: Path) -> None:
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    async with FakeBotApi(token=TOKEN) as api:
        settings = Settings(token=TOKEN, db_path=tmp_path / "naba.db", seeds_dir=seeds,
                            api_base_url=api.base_url, prewarm_mb=8)
        async with running_bot(settings) as app:
            read = await app.bot_data[PREWARM]
    # the file as it was when the store opened (the build may have written since), and no
    # more than the setting
    # (the WAL is checkpointed into the file and removed at close)
    assert 0 < read <= min(8 * 2**20, (tmp_path / "naba.db").stat().st_size * 2)


def test_the_prewarm_reads_at_the_idle_io_class_then_restores_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Read beside the snapshot's load at the normal class it slowed the start: the prewarm's
    thread reads at the idle class, and gets its own class back afterwards (the background
    thread goes on to merges and snapshot saves)."""
    psutil = pytest.importorskip("psutil")
    if not hasattr(psutil, "IOPRIO_CLASS_IDLE"):
        pytest.skip("no I/O classes here")
    me = psutil.Process(threading.get_native_id())
    before = me.ionice()
    seen: list[object] = []
    pread = os.pread

    def watched(fd: int, n: int, offset: int) -> bytes:
        seen.append(me.ionice().ioclass)
        return pread(fd, n, offset)

    fd = prewarm.open_held(_file(tmp_path / "a", 5000))
    assert fd is not None
    monkeypatch.setattr(os, "pread", watched)
    try:
        assert prewarm.read_into_cache([fd], 2**20) == 5000
    finally:
        os.close(fd)
    assert seen and all(c == psutil.IOPRIO_CLASS_IDLE for c in seen)
    assert me.ionice() == before
