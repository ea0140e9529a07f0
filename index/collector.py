"""The garbage collector of a long-running process that answers on one event loop.

CPython's full collections walk every tracked object, on the thread that triggered them: with
the index's dictionaries and the analyzer's caches alive, one took 75–220 ms, an event-loop
pause felt by every chat (issue 13's stall). So what is alive after the start-up build, and
after each refresh that applied changes, is frozen (`gc.freeze`): later passes walk only what
was made since. Measured with `bench --stall` (2,000 articles into a running library of
~70,000 passages): longest pause 63 ms → 15 ms.

Freezing keeps cyclic garbage made before a freeze until the next `full_pass`, which the bot
runs on a timer (FULL_PASS_SECONDS): one full collection of everything, then freezing again.
"""

from __future__ import annotations

import gc

# How often the bot unfreezes and collects everything (one pause of a full pass an hour).
FULL_PASS_SECONDS = 3600


def settle() -> None:
    """After the start-up build: collect, then freeze what lives on."""
    gc.collect()
    gc.freeze()


def after_refresh(changed: int) -> None:
    """After a refresh (Library's on_refresh): freeze what the changes left alive."""
    if changed:
        gc.freeze()


def full_pass() -> int:
    """Collect everything frozen so far too, then freeze again; returns what was collected."""
    gc.unfreeze()
    collected = gc.collect()
    gc.freeze()
    return collected
