"""Shared fixtures: a temporary SQLite store, a private copy of the seed articles, and a
throw-away PostgreSQL server for the store contract suite.

No __init__.py next to this file on purpose: pytest then puts tests/ on sys.path, which is how
`from fakes.feed_server import FeedServer` resolves.
"""

from __future__ import annotations

import contextlib
import itertools
import shutil
import sqlite3
import subprocess
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import asyncpg
import pytest
from pg_server import PostgresServer, find_binaries

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


# ---- PostgreSQL: one throw-away server per session, a fresh database per test ---------------


def pytest_sessionstart(session: pytest.Session) -> None:
    """Which PostgreSQL binaries the store and replica tests will start, in every run's log
    (even under -q, which hides pytest's report header)."""
    try:
        path, origin = find_binaries()
        line = f"postgresql: {origin} binaries in {path}"
    except RuntimeError as err:
        line = f"postgresql: {err}"
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None:
        reporter.write_line(line)


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PostgresServer]:
    """Started only when a test asks for PostgreSQL (tests/pg_server.py says how)."""
    server = PostgresServer().start()
    try:
        yield server
    finally:
        server.stop()


_databases = itertools.count(1)


@pytest.fixture
def pg_url(pg_server: PostgresServer) -> str:
    """The URL of a new, empty database on the session's server."""
    name = f"t{next(_databases)}"
    subprocess.run(
        [str(pg_server.bin / "createdb"), "-h", "127.0.0.1", "-p", str(pg_server.port),
         "-U", "naba", name],
        check=True, capture_output=True, timeout=30,
    )
    return pg_server.url_for(name)


@pytest.fixture(params=["sqlite", "postgresql"])
def store_target(request: pytest.FixtureRequest, db_path: Path) -> str:
    """The contract suite's database: a SQLite file, then a PostgreSQL database."""
    if request.param == "sqlite":
        return str(db_path)
    return request.getfixturevalue("pg_url")


async def sql(store: Store, query: str) -> list[tuple]:
    """Rows of a plain SQL query, read through a second connection to the store's database."""
    if store.kind == "sqlite":
        with contextlib.closing(sqlite3.connect(f"file:{store.target}?mode=ro", uri=True)) as db:
            return db.execute(query).fetchall()
    con = await asyncpg.connect(store.target)
    try:
        return [tuple(r) for r in await con.fetch(query)]
    finally:
        await con.close()
