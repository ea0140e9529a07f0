"""index.collector: what the bot does with the garbage collector so its full passes do not walk
the index on the event loop (issue 13's stall), and the Library hook that drives it."""

from __future__ import annotations

import gc
import sys

import pytest

from index import collector
from index.ingest import ingest_article
from index.models import ArticleIn
from index.search import Library
from index.store import Store


@pytest.fixture(autouse=True)
def _unfrozen():
    gc.unfreeze()
    interval = sys.getswitchinterval()
    yield
    gc.unfreeze()
    sys.setswitchinterval(interval)


def test_settling_freezes_the_start_and_shortens_the_gils_hand_off() -> None:
    """After the start-up build the loop waits at most SWITCH_INTERVAL_S for the GIL a
    thread holds (CPython's default is 5 ms: the stall bench's pauses of 40–60 ms)."""
    sys.setswitchinterval(0.005)
    kept = [[i] for i in range(1000)]
    collector.settle()
    assert sys.getswitchinterval() == pytest.approx(collector.SWITCH_INTERVAL_S)
    assert collector.SWITCH_INTERVAL_S < 0.005
    assert gc.get_freeze_count() >= len(kept)


def test_a_refresh_that_changed_something_freezes_what_it_left_alive() -> None:
    kept = [[i] for i in range(1000)]  # tracked containers that outlive the refresh
    collector.after_refresh(0)
    assert gc.get_freeze_count() == 0  # nothing applied: nothing frozen
    collector.after_refresh(3)
    assert gc.get_freeze_count() >= len(kept)


def test_a_full_pass_collects_garbage_frozen_in_a_cycle() -> None:
    class Node:
        pass

    a, b = Node(), Node()
    a.other, b.other = b, a  # a cycle: only the collector frees it
    collector.settle()
    del a, b
    assert collector.full_pass(force=True) >= 2  # unfrozen, collected, the rest frozen again
    assert gc.get_freeze_count() > 0


def test_a_full_pass_runs_only_when_a_refresh_froze_something_since_the_last() -> None:
    collector.settle()
    assert collector.full_pass() is None  # nothing frozen since: no pause for nothing
    collector.after_refresh(0)
    assert collector.full_pass() is None
    collector.after_refresh(2)
    assert collector.full_pass() is not None
    assert collector.full_pass() is None  # once per freeze, not once per hour


async def test_the_library_reports_each_refresh_to_its_hook(store: Store) -> None:
    seen: list[int] = []
    library = Library(store, on_refresh=seen.append)
    await library.build()
    await ingest_article(store, ArticleIn(title="خبر", text="افتتحت بلدية الواحة مكتبة عامة.",
                                          guid="one"), "t")
    assert await library.refresh() == 1
    assert await library.refresh() == 0
    assert seen == [1, 0]
