"""Where an ingest's analysis runs: worker processes beside a live bot, or a thread.

Analysing an article (cleaning, passages, stems, dates, its story fingerprint) is pure Python.
In a thread it holds the GIL the event loop needs, so questions asked during a bulk ingest
waited behind it: 600 SaudiNewsNet articles into 2,500, `bench --stall`'s set-up, longest
loop pause 10.8 ms and question p95 12.4 ms (8.0 ms quiet); in one worker process, on the
other core, 4.8 ms and 10.1 ms (8.3 ms quiet), for an ingest 15% slower (each article and its
passages cross a pipe). The bot starts the workers (NABA_ANALYSIS_WORKERS, default 1); the
command line and the tests analyse in a thread unless they start them (`started`).

A worker that dies (killed, out of memory) loses nothing: the article it held is analysed
again in a thread, and so is every later one (logged once). A bot that dies without stopping
its workers (SIGKILL) does not leave them behind: each exits within PARENT_CHECK_SECONDS.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import sys
import threading
import time
from collections.abc import AsyncIterator, Callable
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from multiprocessing import get_context
from typing import Any, TypeVar

log = logging.getLogger(__name__)

T = TypeVar("T")

_pool: ProcessPoolExecutor | None = None

# How much lower the workers' scheduling priority is than the bot's (`os.nice`): analysis is
# background work, and on a machine with fewer free cores than runnable processes the kernel
# then gives the core to the event loop first instead of sharing it evenly (a weight of 110
# against 1,024 at 10: the loop waits less for the CPU while a bulk ingest runs).
NICENESS = 10

# How often a worker checks that the process that started it is alive. A bot killed outright
# (SIGKILL, the OOM killer) cannot shut its pool down, and its worker, which holds both ends
# of its own task pipe, never reads an end of file: it waited for work for ever (found: a
# test's SIGKILLed bot left its worker running, 90 MB, for the rest of the machine's day).
PARENT_CHECK_SECONDS = 1.0


def start(workers: int = 1) -> bool:
    """Analyse in `workers` processes from now on (0: in a thread); True when they run. Call
    `warm` next: a process is spawned, and imports naba, on its first task."""
    global _pool
    stop()
    if workers > 0:
        # spawn, not fork: a forked copy of a running bot would inherit its event loop,
        # its database connections and its threads' locks
        _pool = ProcessPoolExecutor(max_workers=workers, mp_context=get_context("spawn"),
                                    initializer=_worker_started,
                                    initargs=(NICENESS, os.getpid()))
    return _pool is not None


def _worker_started(niceness: int, parent: int) -> None:
    """In each worker as it starts: a lower priority, and an exit once `parent` is gone."""
    _lower_priority(niceness)
    threading.Thread(target=_exit_with_parent, args=(parent,), daemon=True,
                     name="naba-parent-watch").start()


def _exit_with_parent(parent: int, every: float = PARENT_CHECK_SECONDS) -> None:
    """Exit this process once its parent is no longer `parent` (it died: the orphan was
    handed to init or a subreaper). A poll, not PR_SET_PDEATHSIG, which Linux fires when the
    *thread* that spawned the worker ends, and the bot spawns from a passing thread."""
    while True:
        time.sleep(every)
        if os.getppid() != parent:
            os._exit(0)


def _lower_priority(niceness: int) -> None:
    """In each worker as it starts: yield the CPU to the bot's event loop (NICENESS)."""
    if niceness > 0 and hasattr(os, "nice"):
        with contextlib.suppress(OSError):
            os.nice(niceness)


# The thread that merges the index's delta and saves its snapshots (in_background): one, at
# NICENESS below the bot's other threads, as the analysis worker is. A merge at 1M passages is
# ~11 s of CPU beside the analysis worker, and the kernel should give a contended core to the
# event loop first. (Measured alone, bench --stall into 1M moved within its runs' spread.)
_background: ThreadPoolExecutor | None = None
_background_lock = threading.Lock()


def _lower_thread_priority(niceness: int) -> None:
    """This thread's niceness raised by `niceness` — Linux only, where a thread has its own
    and `os.nice` changes the calling thread's; elsewhere it would lower the whole bot."""
    if sys.platform.startswith("linux"):
        _lower_priority(niceness)


async def in_background(fn: Callable[..., T], *args: Any) -> T:
    """`fn(*args)` in the background thread (one, at lower priority): the index's merges and
    snapshot saves, which must not take the event loop's core."""
    global _background
    with _background_lock:
        if _background is None:
            _background = ThreadPoolExecutor(
                max_workers=1, thread_name_prefix="naba-background",
                initializer=_lower_thread_priority, initargs=(NICENESS,),
            )
        pool = _background
    return await asyncio.get_running_loop().run_in_executor(pool, fn, *args)


def niceness() -> int:
    """The calling thread's niceness on Linux (each thread has its own: a worker's or the
    background thread's is NICENESS above the bot's), the process's elsewhere."""
    return os.nice(0) if hasattr(os, "nice") else 0


def _ready() -> bool:
    import index.ingest  # noqa: F401 — what every task needs, imported once per worker

    return True


async def warm() -> None:
    """Start the worker processes now, from a thread: spawned by the first article instead,
    they paused the event loop (57 ms in `bench --stall`) while it launched them."""
    pool = _pool
    if pool is not None:
        await asyncio.to_thread(lambda: pool.submit(_ready).result())


def stop() -> None:
    """Back to the thread; waits for an article in progress, not for any queued."""
    global _pool
    pool, _pool = _pool, None
    if pool is not None:
        pool.shutdown(wait=True, cancel_futures=True)


@contextlib.asynccontextmanager
async def started(workers: int = 1) -> AsyncIterator[bool]:
    """`start` and `warm` for a block (the bench, tests), then `stop`."""
    try:
        running = start(workers)
        await warm()
        yield running
    finally:
        await asyncio.to_thread(stop)


def running() -> bool:
    """Whether analysis goes to worker processes."""
    return _pool is not None


async def run(fn: Callable[..., T], *args: Any) -> T:
    """`fn(*args)` in a worker process when they run, else in a thread; `fn` and its
    arguments and result must pickle (module-level functions and dataclasses do)."""
    global _pool
    pool = _pool
    if pool is not None:
        try:
            return await asyncio.get_running_loop().run_in_executor(pool, fn, *args)
        except BrokenProcessPool:
            if _pool is pool:
                _pool = None
                log.warning("the analysis worker died; analysing in a thread from now on")
                pool.shutdown(wait=False, cancel_futures=True)
    return await asyncio.to_thread(fn, *args)
