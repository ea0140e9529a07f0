"""The store's file read into the OS page cache after a start, as PostgreSQL's pg_prewarm does
for its buffers.

An answer reads the passages it may quote (their tokens for the relevance rule, their text for
the excerpt): a few dozen random rows of a file that, after a restart, or a while after it was
written on a machine that reclaims cold pages, is on disk rather than in memory. Measured at
1M passages (a 614 MB SQLite file, the OS cache dropped before each fresh process, three
alternations; `bench --startup`'s fresh process): `answer()` p95 3.68–4.28 ms cold against
2.54–2.59 ms with the file read from the store's opening on (~0.9 s, in the background thread,
beside the snapshot's load, which it slowed at the normal I/O class: ready 0.35 → 0.52–0.67 s;
it now reads at the idle class, `idle_io`). Started after the load
instead, the read met the first answers' own reads: p95 3.5–7.3 ms. `posix_fadvise(WILLNEED)`
brought in 8 MB and moved nothing. The read goes through the page cache, not the process's
memory, and stops at a budget (a quarter of the memory available — the kernel's MemAvailable,
and the room under a container's memory limit —, at most NABA_PREWARM_MB), so a store larger
than memory is not read in to evict itself. The file is read through a descriptor that stays
open until the store closes (`open_held`): closing one while SQLite's connections are open
would drop their locks on it.
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
import time
from collections.abc import Iterable, Iterator
from pathlib import Path

log = logging.getLogger(__name__)

# NABA_PREWARM_MB's default: a 1M-passage store is ~650 MB.
DEFAULT_LIMIT_MB = 1024
# At most this share of the memory the kernel says is available goes to the prewarm.
AVAILABLE_SHARE = 0.25
_CHUNK = 1 << 20


def available_bytes(meminfo: Path = Path("/proc/meminfo"),
                    cgroup: Path = Path("/sys/fs/cgroup")) -> int | None:
    """The memory the kernel says is available (Linux MemAvailable), and no more than the
    room left under the process's cgroup limit (a container's: /proc/meminfo tells the
    host's); None where neither says."""
    available = None
    try:
        with meminfo.open(encoding="ascii") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    available = int(line.split()[1]) * 1024
                    break
    except (OSError, ValueError, IndexError):
        pass
    room = _cgroup_room(cgroup)
    if room is not None:
        available = room if available is None else min(available, room)
    return available


def _cgroup_room(root: Path) -> int | None:
    """limit − usage of the memory cgroup (v2: memory.max / memory.current; v1:
    memory/memory.limit_in_bytes / memory.usage_in_bytes), or None when unlimited or unknown."""
    for limit_file, usage_file in (("memory.max", "memory.current"),
                                   ("memory/memory.limit_in_bytes",
                                    "memory/memory.usage_in_bytes")):
        try:
            limit = (root / limit_file).read_text(encoding="ascii").strip()
            usage = int((root / usage_file).read_text(encoding="ascii").strip())
        except (OSError, ValueError):
            continue
        if limit == "max" or not limit.isdigit() or int(limit) >= 1 << 60:
            return None  # no limit (v1 writes one as a number near 2**63)
        return max(int(limit) - usage, 0)
    return None


def budget(limit_mb: int, available: int | None) -> int:
    """Bytes to read: NABA_PREWARM_MB, and no more than AVAILABLE_SHARE of `available`."""
    cap = limit_mb * 2**20
    if available is not None:
        cap = min(cap, int(available * AVAILABLE_SHARE))
    return max(cap, 0)


@contextlib.contextmanager
def idle_io() -> Iterator[bool]:
    """This thread's disk reads in the idle I/O class for the block (Linux: the kernel serves
    them when no other read waits), then its class as it was; yields whether it was set.

    Read beside the snapshot's load at the normal class, the prewarm slowed the start (the
    load reads 150 MB of the snapshot meanwhile). Three alternations at 1M passages, the OS
    cache dropped before each fresh process, a slow sitting: ready 0.73–0.96 s at the normal
    class against 0.51–0.59 s idle (0.60–0.92 without a prewarm), and `answer()` p95 3.45–5.05
    against 2.98–3.81 ms (6.47–6.84 without). psutil knows each architecture's ioprio_set."""
    try:
        import psutil

        me = psutil.Process(threading.get_native_id())
        before = me.ionice()
        me.ionice(psutil.IOPRIO_CLASS_IDLE)
    except Exception as err:  # no psutil, not Linux, or not allowed: read at the usual class
        log.debug("prewarm: the idle I/O class is not available (%s)", err)
        yield False
        return
    try:
        yield True
    finally:
        keeps_value = before.ioclass in (psutil.IOPRIO_CLASS_RT, psutil.IOPRIO_CLASS_BE)
        with contextlib.suppress(Exception):
            me.ionice(before.ioclass, before.value if keeps_value else None)


def read_into_cache(fds: Iterable[int], limit: int) -> int:
    """Read the open files front to back, in order, until `limit` bytes, at the idle I/O
    class; returns the bytes read. Never opens or closes a file itself: see `open_held`."""
    if not hasattr(os, "pread"):  # not on Windows: nothing read, nothing lost
        return 0
    with idle_io():
        return _read(fds, limit)


def _read(fds: Iterable[int], limit: int) -> int:
    done = 0
    start = time.perf_counter()
    for fd in fds:
        offset = 0
        try:
            while done < limit:
                got = len(os.pread(fd, min(_CHUNK, limit - done), offset))
                if not got:
                    break
                offset += got
                done += got
        except OSError as err:  # closed under it (the store closing), or unreadable
            log.debug("prewarm: fd %d stopped (%s)", fd, err)
        if done >= limit:
            break
    log.info("prewarm: %.0f MB of the store read into the OS cache in %.1f s",
             done / 2**20, time.perf_counter() - start)
    return done


def open_held(path: Path) -> int | None:
    """A read-only descriptor of the store's file, for its owner to close only after SQLite's
    own connections are closed; None when the file cannot be opened.

    Why not open, read and close: SQLite's locks on a database file are POSIX advisory locks,
    and POSIX drops *all* of a process's locks on a file when *any* of its descriptors of that
    file is closed. In WAL mode every connection holds a read lock on the file that tells the
    others it is in use; a prewarm that closed its own descriptor released the bot's, another
    process then took itself for the last user of the WAL, and this replica stopped seeing new
    commits (found by the two-replica test: the second entry was never sent; SQLite's
    "How To Corrupt An SQLite Database File", 2.2)."""
    try:
        return os.open(path, os.O_RDONLY)
    except OSError as err:
        log.debug("prewarm: %s not opened (%s)", path, err)
        return None
