"""The garbage collector of a long-running process that answers on one event loop.

CPython's full collections walk every tracked object, on the thread that triggered them: with
the index's dictionaries and the analyzer's caches alive, one took 75–220 ms, an event-loop
pause felt by every chat (issue 13's stall). So what is alive after the start-up build, and
after each refresh that applied changes, is frozen (`gc.freeze`): later passes walk only what
was made since. Measured with `bench --stall` (2,000 articles into a running library of
~70,000 passages): longest pause 63 ms → 15 ms.

Freezing keeps cyclic garbage made before a freeze until the next `full_pass`, which the bot
runs on a timer (FULL_PASS_SECONDS): one full collection of everything, then freezing again —
a pause of 170–350 ms at 80,000 passages (session 8's probe), so it is skipped when nothing
was frozen since the last one: a bot with no new articles never pauses for it.

The loop also shares the interpreter with threads — the store's connections, the ranker's
field searches, the analysis worker's feeder — and CPython hands the GIL to a waiting thread
only every `sys.getswitchinterval()` (5 ms by default), so a loop that wants it back can wait
that long at each hand-off. `settle` shortens the interval to SWITCH_INTERVAL_S.
"""

from __future__ import annotations

import gc
import sys

# How often the bot unfreezes and collects everything (one pause of a full pass an hour).
FULL_PASS_SECONDS = 3600


# The GIL's hand-off interval while the bot runs. `bench --stall` (5,000 SaudiNewsNet articles
# into a running library of 47,223 passages) on an idle 2-core machine: longest event-loop
# pause 16.0–30.9 ms over six runs at 1 ms (median 21) against 22.6–60.8 ms over four at
# CPython's 5 ms (median 50); questions during the ingest p95 9.3–10.8 against 9.7–11.4 ms.
SWITCH_INTERVAL_S = 0.001

# Whether anything was frozen since the last full pass (or the start-up's settle).
_frozen_since_pass = False


def settle() -> None:
    """After the start-up build: collect, then freeze what lives on; and hand the GIL over
    every SWITCH_INTERVAL_S from now on."""
    global _frozen_since_pass
    sys.setswitchinterval(SWITCH_INTERVAL_S)
    gc.collect()
    gc.freeze()
    _frozen_since_pass = False


def after_refresh(changed: int) -> None:
    """After a refresh (Library's on_refresh): freeze what the changes left alive."""
    global _frozen_since_pass
    if changed:
        gc.freeze()
        _frozen_since_pass = True


def full_pass(*, force: bool = False) -> int | None:
    """Collect everything frozen so far too, then freeze again; returns what was collected,
    or None when nothing was frozen since the last pass (no garbage can hide there)."""
    global _frozen_since_pass
    if not (force or _frozen_since_pass):
        return None
    gc.unfreeze()
    collected = gc.collect()
    gc.freeze()
    _frozen_since_pass = False
    return collected
