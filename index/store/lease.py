"""Holding a lease for as long as the work under it lasts: taken at the start, renewed in the
background every third of its length, released at the end. A process that dies stops renewing,
so its lease runs out `seconds` later and another process may take the work over."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import secrets
import socket
from collections.abc import AsyncIterator
from dataclasses import dataclass

from index.store.protocols import Leases

log = logging.getLogger(__name__)

# Names this process in leases: host, pid and a random part (pids repeat across containers).
PROCESS_ID = f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"


@dataclass
class Held:
    """Whether the lease is (still) ours: False when it could not be taken, or was lost (a
    renewal failed or found another owner), so the work must stop."""

    name: str
    held: bool = False


@contextlib.asynccontextmanager
async def hold(leases: Leases, name: str, owner: str, seconds: float) -> AsyncIterator[Held]:
    """``async with hold(store.leases, "digest:7", me, 60) as lease: if lease.held: …``"""
    state = Held(name, await leases.acquire(name, owner, seconds))
    if not state.held:
        yield state
        return

    async def renew() -> None:
        while state.held:
            await asyncio.sleep(seconds / 3)
            try:
                state.held = await leases.acquire(name, owner, seconds)
            except Exception:  # the database is away: stop claiming work we may not own
                log.warning("lease %s: renewal failed", name, exc_info=True)
                state.held = False
            if not state.held:
                log.warning("lease %s: lost; stopping the work under it", name)

    renewer = asyncio.create_task(renew(), name=f"lease:{name}")
    try:
        yield state
    finally:
        renewer.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await renewer
        if state.held:
            with contextlib.suppress(Exception):
                await leases.release(name, owner)
