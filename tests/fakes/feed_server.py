"""A small HTTP server on 127.0.0.1 for feed tests: feeds, status codes, redirects, slow and
endless bodies, with every request recorded.

    async with FeedServer() as srv:                 # in an async test
        srv.set_feed("/rss", xml, etag='"v1"')
        ... srv.url("/rss") ... srv.requests[-1].headers["If-None-Match"]

    with FeedServer().in_thread() as srv:           # in a sync test
        ...
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from aiohttp import web
from multidict import CIMultiDict, CIMultiDictProxy

__all__ = ["FeedServer", "RecordedRequest"]

_START_TIMEOUT = 10.0


@dataclass(frozen=True)
class RecordedRequest:
    method: str
    path: str
    query: str
    headers: CIMultiDictProxy[str]  # case-insensitive: headers["if-none-match"] works


@dataclass
class _Route:
    status: int = 200
    body: bytes = b""
    content_type: str = "application/rss+xml; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)
    etag: str | None = None
    last_modified: str | None = None
    delay: float = 0.0  # seconds before anything is sent
    drip_interval: float | None = None  # seconds between body chunks (slow drip)
    chunk_size: int = 65536
    stream_bytes: int | None = None  # a lazily generated body of this many bytes
    declare_length: bool = True


class FeedServer:
    """aiohttp server on 127.0.0.1 and a free port, serving the routes registered on it."""

    def __init__(self) -> None:
        self._routes: dict[str, _Route] = {}
        self._lock = threading.Lock()  # routes and records are touched from two threads
        self._requests: list[RecordedRequest] = []
        self._sent: dict[str, int] = {}
        self._runner: web.AppRunner | None = None
        self.port: int | None = None

    # --- routes ----------------------------------------------------------------------------

    def set_feed(
        self,
        path: str,
        body: bytes | str,
        *,
        content_type: str = "application/rss+xml; charset=utf-8",
        etag: str | None = None,
        last_modified: str | None = None,
        encoding: str = "utf-8",
        delay: float = 0.0,
        headers: dict[str, str] | None = None,
    ) -> None:
        """Serve `body` at `path` (a str is encoded with `encoding`, e.g. "cp1256" to send a
        body whose bytes disagree with its declaration). With `etag`/`last_modified` set, a
        matching If-None-Match/If-Modified-Since gets 304."""
        data = body.encode(encoding) if isinstance(body, str) else body
        self._set(
            path,
            _Route(
                body=data,
                content_type=content_type,
                etag=etag,
                last_modified=last_modified,
                delay=delay,
                headers=dict(headers or {}),
            ),
        )

    def set_status(
        self, path: str, status: int, body: bytes | str = b"", *, content_type: str = "text/plain"
    ) -> None:
        data = body.encode() if isinstance(body, str) else body
        self._set(path, _Route(status=status, body=data, content_type=content_type))

    def set_redirect(self, path: str, location: str, *, status: int = 302) -> None:
        """Redirect `path` to `location` (a path on this server or an absolute URL)."""
        self._set(path, _Route(status=status, headers={"Location": location}))

    def set_slow(
        self,
        path: str,
        body: bytes | str,
        *,
        chunk_size: int = 1,
        interval: float = 0.1,
        content_type: str = "application/rss+xml; charset=utf-8",
    ) -> None:
        """Send headers at once, then `body` in `chunk_size` pieces `interval` seconds apart."""
        data = body.encode() if isinstance(body, str) else body
        self._set(
            path,
            _Route(
                body=data,
                content_type=content_type,
                drip_interval=interval,
                chunk_size=chunk_size,
                declare_length=False,
            ),
        )

    def set_stream(
        self,
        path: str,
        total_bytes: int,
        *,
        chunk_size: int = 65536,
        declare_length: bool = False,
        content_type: str = "application/rss+xml",
    ) -> None:
        """Serve a body of `total_bytes` generated chunk by chunk, never held in memory whole.

        bytes_sent(path) tells how much was written before the client went away."""
        self._set(
            path,
            _Route(
                content_type=content_type,
                chunk_size=chunk_size,
                stream_bytes=total_bytes,
                declare_length=declare_length,
            ),
        )

    def _set(self, path: str, route: _Route) -> None:
        if not path.startswith("/"):
            raise ValueError(f"path must start with '/': {path!r}")
        with self._lock:
            self._routes[path] = route

    # --- observations ----------------------------------------------------------------------

    @property
    def requests(self) -> list[RecordedRequest]:
        with self._lock:
            return list(self._requests)

    def requests_for(self, path: str) -> list[RecordedRequest]:
        return [r for r in self.requests if r.path == path]

    def bytes_sent(self, path: str) -> int:
        with self._lock:
            return self._sent.get(path, 0)

    def url(self, path: str) -> str:
        if self.port is None:
            raise RuntimeError("FeedServer is not running")
        return f"http://127.0.0.1:{self.port}{path}"

    # --- serving ---------------------------------------------------------------------------

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        with self._lock:
            self._requests.append(
                RecordedRequest(
                    method=request.method,
                    path=request.path,
                    query=request.query_string,
                    headers=CIMultiDictProxy(CIMultiDict(request.headers)),
                )
            )
            route = self._routes.get(request.path)
        if route is None:
            return web.Response(status=404, text="not found")
        if route.delay:
            await asyncio.sleep(route.delay)
        validators = {}
        if route.etag:
            validators["ETag"] = route.etag
        if route.last_modified:
            validators["Last-Modified"] = route.last_modified
        if route.status == 200 and _not_modified(request, route):
            return web.Response(status=304, headers=validators)
        headers = {**route.headers, **validators}
        if route.stream_bytes is None and route.drip_interval is None:
            return _full(route, headers)
        return await self._stream(request, route, headers)

    async def _stream(
        self, request: web.Request, route: _Route, headers: dict[str, str]
    ) -> web.StreamResponse:
        response = web.StreamResponse(status=route.status, headers=headers)
        response.content_type = route.content_type.split(";")[0]
        total = route.stream_bytes if route.stream_bytes is not None else len(route.body)
        if route.declare_length:
            response.content_length = total
        await response.prepare(request)
        try:
            async for chunk in self._chunks(route):
                await response.write(chunk)
                with self._lock:
                    self._sent[request.path] = self._sent.get(request.path, 0) + len(chunk)
                if route.drip_interval:
                    await asyncio.sleep(route.drip_interval)
            await response.write_eof()
        except (ConnectionError, asyncio.CancelledError):
            # The client went away (which is what an over-long body should make it do).
            pass
        return response

    @staticmethod
    async def _chunks(route: _Route) -> AsyncIterator[bytes]:
        if route.stream_bytes is None:
            for start in range(0, len(route.body), route.chunk_size):
                yield route.body[start : start + route.chunk_size]
            return
        block = b"x" * route.chunk_size  # one reusable chunk, not the whole body
        remaining = route.stream_bytes
        while remaining > 0:
            piece = block if remaining >= len(block) else block[:remaining]
            remaining -= len(piece)
            yield piece

    async def start(self) -> None:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._handle)
        # Cancel handlers whose client left (a slow route must not outlive its test) and do
        # not wait long for stragglers at shutdown.
        runner = web.AppRunner(
            app, handler_cancellation=True, shutdown_timeout=1.0, access_log=None
        )
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        self._runner = runner
        self.port = runner.addresses[0][1]

    async def close(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
            self.port = None

    async def __aenter__(self) -> FeedServer:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    @contextmanager
    def in_thread(self) -> Iterator[FeedServer]:
        """Run the server on its own event loop in a background thread, for sync tests."""
        loop = asyncio.new_event_loop()
        ready = threading.Event()
        failure: list[BaseException] = []

        def run() -> None:
            asyncio.set_event_loop(loop)
            try:
                loop.run_until_complete(self.start())
            except BaseException as exc:  # handed to the test thread below
                failure.append(exc)
                ready.set()
                loop.close()
                return
            ready.set()
            loop.run_forever()
            loop.run_until_complete(self.close())
            loop.close()

        thread = threading.Thread(target=run, name="FeedServer", daemon=True)
        thread.start()
        if not ready.wait(_START_TIMEOUT):
            raise RuntimeError("FeedServer did not start in time")
        if failure:
            raise failure[0]
        try:
            yield self
        finally:
            loop.call_soon_threadsafe(loop.stop)
            thread.join(_START_TIMEOUT)


def _not_modified(request: web.Request, route: _Route) -> bool:
    if route.etag and (tags := request.headers.get("If-None-Match")):
        return tags.strip() == "*" or route.etag in [t.strip() for t in tags.split(",")]
    if route.last_modified and (since := request.headers.get("If-Modified-Since")):
        return since.strip() == route.last_modified
    return False


def _full(route: _Route, headers: dict[str, str]) -> web.Response:
    response = web.Response(status=route.status, body=route.body, headers=headers)
    response.content_type = route.content_type.split(";")[0]
    if "charset=" in route.content_type:
        response.charset = route.content_type.split("charset=", 1)[1].strip()
    return response
