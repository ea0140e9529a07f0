"""Fetching and parsing RSS/Atom feeds into ArticleIn values, without touching any store."""

from __future__ import annotations

import asyncio
import calendar
import io
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

import feedparser
import httpx

from index.cleaning import arabic_ratio, content_hash, html_to_text, is_arabic, normalize_text
from index.models import ArticleIn

__all__ = [
    "MAX_REDIRECTS",
    "USER_AGENT",
    "FeedError",
    "FetchResult",
    "ParsedFeed",
    "backoff_seconds",
    "fetch_feed",
    "looks_like_feed_url",
    "parse_feed",
]

USER_AGENT = "naba/0.1 (Arabic news feed reader; +https://github.com/naba)"
MAX_REDIRECTS = 5
_ACCEPT = (
    "application/rss+xml, application/atom+xml, application/rdf+xml;q=0.9, "
    "application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5"
)
_REDIRECT_CODES = frozenset({301, 302, 303, 307, 308})
_TITLE_FROM_TEXT_CHARS = 80


class FeedError(Exception):
    """A feed body that yields nothing usable (not a feed, or too broken to read)."""


@dataclass
class FetchResult:
    """Outcome of one fetch. `error` is set (and `body` None) for every kind of failure;
    `status` is 0 when no HTTP response was received at all."""

    status: int
    body: bytes | None
    etag: str | None
    last_modified: str | None
    final_url: str
    not_modified: bool
    error: str | None


@dataclass
class ParsedFeed:
    title: str | None
    entries: list[ArticleIn]
    skipped_non_arabic: int
    problems: list[str] = field(default_factory=list)


# A feed larger than this is refused (decoded bytes), and a whole fetch taking longer fails:
# NABA_FEED_MAX_BYTES and NABA_FEED_TIMEOUT_SECONDS default to these.
DEFAULT_MAX_BYTES = 5_000_000
DEFAULT_TIMEOUT = 20.0


async def fetch_feed(
    client: httpx.AsyncClient,
    url: str,
    *,
    etag: str | None = None,
    last_modified: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    timeout: float = DEFAULT_TIMEOUT,
) -> FetchResult:
    """GET a feed conditionally, following at most MAX_REDIRECTS redirects.

    Never raises for network or HTTP problems: they come back as `error`. A 304 answer gives
    `not_modified=True` and no body. The whole fetch, redirects and body included, is bounded
    by `timeout` seconds and the body by `max_bytes` (decoded) bytes."""
    state = _FetchState(final_url=url)
    try:
        # httpx timeouts bound each connect/read separately, so a server dripping a byte a
        # second would never trip them; this bounds the fetch as a whole.
        async with asyncio.timeout(timeout):
            return await _fetch(client, url, etag, last_modified, max_bytes, timeout, state)
    except TimeoutError:
        return state.failure(f"timed out after {timeout:g} s")
    except (httpx.HTTPError, httpx.InvalidURL, httpx.StreamError, OSError) as exc:
        return state.failure(_describe(exc))


@dataclass
class _FetchState:
    """What is known so far, so a failure part-way still reports the URL and status reached."""

    final_url: str
    status: int = 0

    def failure(self, error: str) -> FetchResult:
        return FetchResult(
            status=self.status,
            body=None,
            etag=None,
            last_modified=None,
            final_url=self.final_url,
            not_modified=False,
            error=error,
        )


def _describe(exc: BaseException) -> str:
    text = str(exc).strip()
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


async def _fetch(
    client: httpx.AsyncClient,
    url: str,
    etag: str | None,
    last_modified: str | None,
    max_bytes: int,
    timeout: float,
    state: _FetchState,
) -> FetchResult:
    headers = {"Accept": _ACCEPT}
    # Keep a User-Agent the caller configured on the client; replace only httpx's default.
    if client.headers.get("user-agent", "").startswith("python-httpx"):
        headers["User-Agent"] = USER_AGENT
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    seen: set[str] = set()
    current = url
    for _hop in range(MAX_REDIRECTS + 1):
        state.final_url = current
        if not looks_like_feed_url(current):
            return state.failure(f"not an http(s) URL: {current}")
        seen.add(current)
        # The per-operation httpx timeout is only a backstop, set past the overall deadline so
        # that the deadline decides and reports every timeout the same way.
        request = client.build_request("GET", current, headers=headers, timeout=timeout + 1.0)
        response = await client.send(request, stream=True, follow_redirects=False)
        try:
            state.status = response.status_code
            if response.status_code in _REDIRECT_CODES:
                location = response.headers.get("location")
                if not location:
                    return state.failure(f"HTTP {response.status_code} redirect without Location")
                current = str(response.url.join(location))
                if current in seen:
                    return state.failure(f"redirect loop at {current}")
                continue
            return await _finish(response, etag, last_modified, max_bytes, state)
        finally:
            await response.aclose()
    return state.failure(f"too many redirects (more than {MAX_REDIRECTS})")


async def _finish(
    response: httpx.Response,
    etag: str | None,
    last_modified: str | None,
    max_bytes: int,
    state: _FetchState,
) -> FetchResult:
    status = response.status_code
    new_etag = response.headers.get("etag")
    new_modified = response.headers.get("last-modified")
    if status == 304:
        return FetchResult(
            status=status,
            body=None,
            # A 304 may omit the validators; the ones sent are still the current ones.
            etag=new_etag or etag,
            last_modified=new_modified or last_modified,
            final_url=state.final_url,
            not_modified=True,
            error=None,
        )
    if status >= 400:
        return state.failure(f"HTTP {status} {response.reason_phrase}".rstrip())
    if not 200 <= status < 300:
        return state.failure(f"unexpected HTTP status {status}")
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        return state.failure(f"body too large: {declared} bytes declared, limit {max_bytes}")
    chunks: list[bytes] = []
    size = 0
    # aiter_bytes yields decompressed data, so a gzip bomb is cut off at the same limit.
    async for chunk in response.aiter_bytes():
        size += len(chunk)
        if size > max_bytes:
            return state.failure(f"body too large: more than {max_bytes} bytes")
        chunks.append(chunk)
    return FetchResult(
        status=status,
        body=b"".join(chunks),
        etag=new_etag,
        last_modified=new_modified,
        final_url=state.final_url,
        not_modified=False,
        error=None,
    )


# --- parsing -------------------------------------------------------------------------------

_XML_DECL = re.compile(rb"^\s*<\?xml[^>]*?encoding\s*=\s*[\"']([A-Za-z0-9._:-]+)[\"']", re.I)
# Single-byte encodings that accept any byte sequence, so a wrong declaration goes unnoticed.
_LATIN = frozenset(
    {"iso-8859-1", "latin-1", "latin1", "iso8859-1", "windows-1252", "cp1252", "us-ascii", "ascii"}
)


def _repair_encoding(body: bytes) -> tuple[bytes, str | None]:
    """Re-encode a Windows-1256 body mislabelled as UTF-8 or Latin-1 as UTF-8.

    Arabic sites still serve feeds in Windows-1256 while declaring UTF-8 (or nothing, which
    means UTF-8) or ISO-8859-1. feedparser would then fall back to Windows-1252 and produce
    Latin mojibake that the Arabic filter throws away. Returns the body to parse and a
    problem note when it was repaired."""
    if body.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        return body, None  # a BOM is authoritative
    match = _XML_DECL.match(body)
    declared = match.group(1).decode("ascii").lower() if match else "utf-8"
    if declared not in _LATIN and declared not in {"utf-8", "utf8"}:
        return body, None  # an explicit other encoding (windows-1256, utf-16...) is trusted
    if body.isascii():
        return body, None
    if declared not in _LATIN:
        try:
            body.decode("utf-8")
        except UnicodeDecodeError:
            pass
        else:
            return body, None
    as_arabic = body.decode("cp1256", errors="replace")
    # Markup is ASCII, so judge by the non-ASCII letters alone. Windows-1256 keeps French
    # accented letters at their Latin-1 places: a genuine Latin-1 feed shows no Arabic here.
    foreign = [ch for ch in as_arabic if not ch.isascii() and ch.isalpha()]
    if not foreign or arabic_ratio("".join(foreign)) < 0.6:
        return body, None
    text = as_arabic
    if match:
        start, end = match.span(1)
        text = as_arabic[:start] + "utf-8" + as_arabic[end:]
    label = f"declared encoding {declared}" if match else "no declared encoding (UTF-8 implied)"
    return text.encode("utf-8"), f"{label}, but the feed is windows-1256; decoded as windows-1256"


def parse_feed(body: bytes, feed_url: str, *, feed_id: int | None = None) -> ParsedFeed:
    """Parse an RSS 0.9x/1.0/2.0 or Atom body into Arabic ArticleIn entries.

    Entries whose text is not mostly Arabic script are skipped and counted; entries with
    neither title nor text are skipped with a note in `problems`. A malformed feed that still
    yields entries is kept with a note. Raises FeedError when nothing usable comes out."""
    if not body or not body.strip():
        raise FeedError(f"{feed_url}: empty feed body")
    problems: list[str] = []
    body, note = _repair_encoding(body)
    if note:
        problems.append(note)
    # A BytesIO, never bare bytes: feedparser treats bytes that look like a path as a file
    # name and opens it. The content type stops a "no Content-type" complaint; application/xml
    # (unlike text/xml) leaves the charset to the XML declaration. No Content-Location: with
    # one, feedparser would also rewrite relative RSS guids into URLs, and guids must not
    # change when the feed moves; links are made absolute below instead.
    parsed = feedparser.parse(
        io.BytesIO(body), response_headers={"content-type": "application/xml"}
    )
    raw_entries = list(parsed.get("entries") or [])
    bozo = parsed.get("bozo_exception") if parsed.get("bozo") else None
    if not raw_entries and (bozo is not None or not parsed.get("version")):
        reason = f"malformed: {_describe(bozo)}" if bozo is not None else "not an RSS or Atom feed"
        raise FeedError(f"{feed_url}: {reason}")
    if bozo is not None and not isinstance(bozo, feedparser.CharacterEncodingOverride):
        problems.append(f"malformed feed, read leniently: {_describe(bozo)}")

    feed_info = parsed.get("feed") or {}
    feed_title = _clean_title(feed_info.get("title_detail") or feed_info.get("title")) or None
    source = feed_title or (urlsplit(feed_url).hostname or None)
    entries: list[ArticleIn] = []
    skipped = 0
    for position, raw in enumerate(raw_entries):
        title = _clean_title(raw.get("title_detail") or raw.get("title"))
        text = _entry_text(raw)
        if not title and not text:
            problems.append(f"entry {position + 1} has neither title nor text; skipped")
            continue
        if not is_arabic(f"{title}\n{text}"):
            skipped += 1
            continue
        # A title-only entry (breaking-news tickers) is the whole report: keep it searchable.
        text = text or title
        title = title or _title_from_text(text)
        entries.append(
            ArticleIn(
                title=title,
                text=text,
                source=source,
                url=_entry_link(raw, feed_url),
                published=_entry_date(raw),
                language="ar",
                guid=_entry_guid(raw, feed_url, title, text),
                feed_id=feed_id,
            )
        )
    return ParsedFeed(
        title=feed_title, entries=entries, skipped_non_arabic=skipped, problems=problems
    )


def _detail_text(detail: Any) -> str:
    """Plain text of a feedparser text construct (a dict with type and value) or a string."""
    if isinstance(detail, str):
        return html_to_text(detail)
    if not detail:
        return ""
    value = detail.get("value") or ""
    if "html" in (detail.get("type") or "text/html"):
        return html_to_text(value)
    return normalize_text(value)


def _clean_title(detail: Any) -> str:
    return " ".join(_detail_text(detail).split())


def _entry_text(raw: Any) -> str:
    # Feeds often carry a teaser in the summary and the full story in content:encoded or
    # Atom content; several content values happen too. The longest text is the story.
    candidates = [_detail_text(content) for content in raw.get("content") or []]
    best = max(candidates, key=len, default="")
    if not best:
        best = _detail_text(raw.get("summary_detail") or raw.get("summary"))
    return best


def _title_from_text(text: str) -> str:
    first = text.split("\n", 1)[0]
    if len(first) <= _TITLE_FROM_TEXT_CHARS:
        return first
    cut = first[:_TITLE_FROM_TEXT_CHARS].rsplit(" ", 1)[0]
    return cut + "…"


def _entry_link(raw: Any, feed_url: str) -> str | None:
    link = raw.get("link")
    if not link:
        for candidate in raw.get("links") or []:
            if candidate.get("rel", "alternate") == "alternate" and candidate.get("href"):
                link = candidate["href"]
                break
    if not link:
        return None
    absolute = urljoin(feed_url, link.strip())
    return absolute if looks_like_feed_url(absolute) else None


def _entry_date(raw: Any) -> datetime | None:
    # feedparser has already converted the date to UTC as a struct_time.
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        value = raw.get(key)
        if value:
            try:
                return datetime.fromtimestamp(calendar.timegm(value), tz=UTC)
            except (OverflowError, OSError, ValueError, TypeError):
                continue
    return None


def _entry_guid(raw: Any, feed_url: str, title: str, text: str) -> str:
    guid = (raw.get("id") or "").strip()
    if guid:
        return guid
    link = _entry_link(raw, feed_url)
    if link:
        return link
    return "sha256:" + content_hash(f"{title}\n{text}")


def backoff_seconds(failures: int, base: float, cap: float = 6 * 3600) -> float:
    """Seconds to wait after `failures` consecutive failures: base, 2·base, 4·base... up to cap.

    No failures means no wait. Deterministic; a caller polling many feeds adds its own jitter."""
    if base < 0 or cap < 0:
        raise ValueError("base and cap must not be negative")
    if failures <= 0 or base == 0:
        return 0.0
    if failures > 1000:  # 2.0 ** 1024 overflows a float; the cap was reached long before
        return float(cap)
    return float(min(cap, base * 2.0 ** (failures - 1)))


def looks_like_feed_url(s: str) -> bool:
    """True for an absolute http(s) URL with a host and no whitespace."""
    s = s.strip()
    if not s or any(ch.isspace() for ch in s):
        return False
    try:
        parts = urlsplit(s)
        _ = parts.port  # raises ValueError for a malformed port
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.hostname)
