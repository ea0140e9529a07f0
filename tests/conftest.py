"""Shared fixtures: a temporary SQLite store and a private copy of the seed articles.

No __init__.py next to this file on purpose: pytest then puts tests/ on sys.path, which is how
`from fakes.feed_server import FeedServer` resolves.
"""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from index.store import Store

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO / "seeds"


@pytest.fixture
def seed_dir(tmp_path: Path) -> Path:
    """A copy of seeds/, so a test can add or edit files without touching the repository."""
    target = tmp_path / "seeds"
    shutil.copytree(SEEDS, target)
    return target


@pytest.fixture
def seed_file(seed_dir: Path) -> Path:
    """The seed article (Daraa, 7 December 2024) inside the `seed_dir` copy."""
    files = sorted(seed_dir.glob("*.txt"))
    assert files, f"no seed article in {SEEDS}"
    return files[0]


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "naba.db"


@pytest.fixture
async def store(db_path: Path) -> AsyncIterator[Store]:
    """A real SQLite file in tmp_path, closed after the test (an open aiosqlite connection
    keeps a non-daemon thread alive and would hang the run)."""
    opened = await Store.open(db_path)
    try:
        yield opened
    finally:
        await opened.close()
