"""The store's file read into the OS page cache after a start, as PostgreSQL's pg_prewarm does
for its buffers.

An answer reads the passages it may quote (their tokens for the relevance rule, their text for
the excerpt): a few dozen random rows of a file that, after a restart, or a while after it was
written on a machine that reclaims cold pages, is on disk rather than in memory. Measured at
1M passages (a 614 MB SQLite file, the OS cache dropped before each fresh process, three
alternations; `bench --startup`'s fresh process): `answer()` p95 3.68–4.28 ms cold against
2.54–2.59 ms with the file read from the store's opening on (~0.9 s, in the background thread,
beside the snapshot's load, which it slows: ready 0.35 → 0.52–0.67 s). Started after the load
instead, the read met the first answers' own reads: p95 3.5–7.3 ms. `posix_fadvise(WILLNEED)`
brought in 8 MB and moved nothing. The read goes through the page cache, not the process's
memory, and stops at a budget (a quarter of the memory available — the kernel's MemAvailable,
and the room under a container's memory limit —, at most NABA_PREWARM_MB), so a store larger
than memory is not read in to evict itself.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable
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


def read_into_cache(paths: Iterable[Path], limit: int) -> int:
    """Read the files front to back, in order, until `limit` bytes; returns the bytes read.
    A file that is missing or unreadable is skipped (the store still opens without it)."""
    done = 0
    start = time.perf_counter()
    buf = bytearray(_CHUNK)
    for path in paths:
        if done >= limit:
            break
        try:
            with open(path, "rb", buffering=0) as f:
                while done < limit:
                    got = f.readinto(memoryview(buf)[: min(_CHUNK, limit - done)])
                    if not got:
                        break
                    done += got
        except OSError as err:
            log.debug("prewarm: %s skipped (%s)", path, err)
    log.info("prewarm: %.0f MB of the store read into the OS cache in %.1f s",
             done / 2**20, time.perf_counter() - start)
    return done
