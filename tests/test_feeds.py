"""Feed fetching and parsing against a local test server.

Every feed here is an invented test fixture: fictional places, fictional events, example.test
hosts. None of it is real news."""

from __future__ import annotations

import asyncio
import socket
import time
import urllib.request
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from fakes.documents import rss_item as item
from fakes.feed_server import FeedServer

from index.feeds import (
    MAX_REDIRECTS,
    USER_AGENT,
    FeedError,
    FetchResult,
    backoff_seconds,
    fetch_feed,
    looks_like_feed_url,
    parse_feed,
)

FEED_URL = "https://example.test/feeds/main.xml"

T1 = "خبر تجريبي: افتتاح مكتبة في مدينة خيالية"
T2 = "خبر تجريبي: مهرجان للكتاب في قرية خيالية"
T3 = "خبر تجريبي: حديقة جديدة في بلدة خيالية"
BODY1 = "نص تجريبي: افتتحت المكتبة الخيالية أبوابها للزوار صباح اليوم."
BODY2 = "نص تجريبي: يستمر المهرجان الخيالي ثلاثة أيام."


def rss(
    items: str,
    *,
    encoding: str = "utf-8",
    title: str = "صحيفة تجريبية",
    description: str = "موجز تجريبي",
) -> str:
    return (
        f'<?xml version="1.0" encoding="{encoding}"?>\n'
        '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">'
        f"<channel><title>{title}</title><link>https://example.test/</link>"
        f"<description>{description}</description>{items}</channel></rss>"
    )


ATOM = f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title type="html">مجلة &lt;b&gt;تجريبية&lt;/b&gt;</title>
  <id>urn:example:test-feed</id>
  <updated>2025-02-01T08:00:00Z</updated>
  <entry>
    <title>{T1}</title>
    <id>urn:example:entry:1</id>
    <link rel="alternate" href="/ar/entry/1"/>
    <link rel="enclosure" href="/media/1.mp3"/>
    <published>2025-02-01T10:30:00+02:00</published>
    <updated>2025-02-02T00:00:00Z</updated>
    <summary>ملخص قصير</summary>
    <content type="html">&lt;p&gt;{BODY1}&lt;/p&gt;&lt;p&gt;{BODY2}&lt;/p&gt;</content>
  </entry>
  <entry>
    <title type="text">{T2}</title>
    <id>urn:example:entry:2</id>
    <updated>2025-02-03T12:00:00Z</updated>
    <summary type="text">{BODY2}</summary>
  </entry>
</feed>
"""


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    # trust_env=False: a proxy configured in the environment must not see loopback tests.
    async with httpx.AsyncClient(trust_env=False) as http:
        yield http


@pytest.fixture
async def server() -> AsyncIterator[FeedServer]:
    async with FeedServer() as srv:
        yield srv


# --- parse_feed ------------------------------------------------------------------------------


def test_rss2_entries() -> None:
    body = rss(
        item(T1, "ملخص قصير", guid="entry-1", link="/ar/1", full=f"<p>{BODY1}</p><p>{BODY2}</p>")
        + item(T2, BODY2, link="https://example.test/ar/2", date="Tue, 07 Jan 2025 09:15:00 GMT")
    )
    parsed = parse_feed(body.encode(), FEED_URL, feed_id=7)
    assert parsed.title == "صحيفة تجريبية"
    assert parsed.problems == []
    assert parsed.skipped_non_arabic == 0
    first, second = parsed.entries
    assert first.title == T1
    assert first.text == f"{BODY1}\n{BODY2}"  # content:encoded beats the shorter description
    assert first.source == "صحيفة تجريبية"
    assert first.url == "https://example.test/ar/1"  # made absolute against the feed URL
    assert first.guid == "entry-1"
    assert first.published == datetime(2025, 1, 6, 7, 0, tzinfo=UTC)
    assert first.feed_id == 7
    assert first.language == "ar"
    assert second.text == BODY2
    assert second.guid == "https://example.test/ar/2"  # no guid: the link
    assert second.published == datetime(2025, 1, 7, 9, 15, tzinfo=UTC)


def test_atom_entries() -> None:
    parsed = parse_feed(ATOM.encode(), FEED_URL)
    assert parsed.title == "مجلة تجريبية"  # HTML title cleaned
    first, second = parsed.entries
    assert first.title == T1
    assert first.text == f"{BODY1}\n{BODY2}"  # content preferred over summary
    assert first.url == "https://example.test/ar/entry/1"  # the alternate link, not enclosure
    assert first.guid == "urn:example:entry:1"
    assert first.published == datetime(2025, 2, 1, 8, 30, tzinfo=UTC)  # published over updated
    assert second.text == BODY2
    assert second.url is None
    assert second.published == datetime(2025, 2, 3, 12, 0, tzinfo=UTC)  # only updated given


def test_rss1_rdf_entries() -> None:
    body = f"""<?xml version="1.0" encoding="utf-8"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
         xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">
  <channel rdf:about="https://example.test/"><title>نشرة تجريبية</title>
    <link>https://example.test/</link><description>وصف</description></channel>
  <item rdf:about="https://example.test/rdf/1"><title>{T3}</title>
    <link>https://example.test/rdf/1</link><description>{BODY1}</description>
    <dc:date>2025-03-01T06:00:00Z</dc:date></item>
</rdf:RDF>"""
    parsed = parse_feed(body.encode(), FEED_URL)
    [entry] = parsed.entries
    assert (entry.title, entry.text, entry.source) == (T3, BODY1, "نشرة تجريبية")
    assert entry.published == datetime(2025, 3, 1, 6, 0, tzinfo=UTC)


def test_non_arabic_entries_are_skipped_and_counted() -> None:
    body = rss(
        item(T1, BODY1, guid="a")
        + item("Test entry about a fictional town", "Only English text here.", guid="b")
        + item("Entrée de test", "Texte fictif en français.", guid="c")
    )
    parsed = parse_feed(body.encode(), FEED_URL)
    assert [e.guid for e in parsed.entries] == ["a"]
    assert parsed.skipped_non_arabic == 2


def test_entry_without_link_or_date_and_empty_entries() -> None:
    body = rss(
        item(T1, BODY1, date=None)
        + "<item><title></title><description></description></item>"
        + item(T2, "", guid="title-only")
    )
    parsed = parse_feed(body.encode(), FEED_URL)
    first, title_only = parsed.entries
    assert first.url is None
    assert first.published is None
    assert first.guid is not None and first.guid.startswith("sha256:")
    # The hash guid is stable, so the same entry polled again is recognised.
    assert parse_feed(body.encode(), FEED_URL).entries[0].guid == first.guid
    assert title_only.text == T2  # a ticker-style entry stays searchable
    assert parsed.problems == ["entry 2 has neither title nor text; skipped"]


def test_feed_without_title_uses_the_host_as_source() -> None:
    body = rss(item(T1, BODY1, guid="x"), title="")
    parsed = parse_feed(body.encode(), FEED_URL)
    assert parsed.title is None
    assert parsed.entries[0].source == "example.test"


def test_empty_but_valid_feed_is_not_an_error() -> None:
    parsed = parse_feed(rss("").encode(), FEED_URL)
    assert (parsed.entries, parsed.skipped_non_arabic, parsed.problems) == ([], 0, [])


def test_malformed_feed_with_entries_is_kept_with_a_note() -> None:
    broken = rss(item(T1, BODY1, guid="a") + item(T2, BODY2, guid="b")).replace(
        "</channel></rss>",
        "<item><title>مبتور",  # cut off mid-document
    )
    parsed = parse_feed(broken.encode(), FEED_URL)
    assert [e.guid for e in parsed.entries][:2] == ["a", "b"]
    assert any("malformed" in p for p in parsed.problems)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"", "empty"),
        (b"   \n", "empty"),
        (b"<html><body><p>\xd8\xb5\xd9\x81\xd8\xad\xd8\xa9</p></body></html>", "not an RSS"),
        (b"<?xml version='1.0'?><rss version='2.0'><channel><title>x<", "malformed"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "malformed"),
    ],
)
def test_unusable_bodies_raise_feed_error(body: bytes, message: str) -> None:
    with pytest.raises(FeedError, match=message) as caught:
        parse_feed(body, FEED_URL)
    assert FEED_URL in str(caught.value)


def test_body_that_looks_like_a_path_is_not_opened(tmp_path: Path) -> None:
    feed_file = tmp_path / "feed.xml"
    feed_file.write_text(rss(item(T1, BODY1, guid="a")), encoding="utf-8")
    # feedparser.parse() would open this path and find an entry; parse_feed must not.
    with pytest.raises(FeedError):
        parse_feed(str(feed_file).encode(), FEED_URL)


@pytest.mark.parametrize("declared", ["utf-8", "iso-8859-1", None])
def test_windows_1256_body_with_a_wrong_declaration_is_repaired(declared: str | None) -> None:
    text = rss(item(T1, BODY1, guid="a"), encoding=declared or "utf-8")
    if declared is None:
        text = text.split("\n", 1)[1]  # no XML declaration at all
    parsed = parse_feed(text.encode("cp1256"), FEED_URL)
    assert parsed.title == "صحيفة تجريبية"
    assert [(e.title, e.text) for e in parsed.entries] == [(T1, BODY1)]
    assert any("windows-1256" in p for p in parsed.problems)


def test_correctly_declared_windows_1256_needs_no_repair() -> None:
    body = rss(item(T1, BODY1, guid="a"), encoding="windows-1256").encode("cp1256")
    parsed = parse_feed(body, FEED_URL)
    assert [(e.title, e.text) for e in parsed.entries] == [(T1, BODY1)]
    assert parsed.problems == []


def test_latin1_feed_is_not_mistaken_for_arabic() -> None:
    body = rss(
        item("Fête du livre à la médiathèque fictive", "Résumé très détaillé.", guid="f"),
        encoding="iso-8859-1",
        title="Journal fictif",
        description="Résumé",
    ).encode("latin-1")
    parsed = parse_feed(body, FEED_URL)
    assert parsed.title == "Journal fictif"  # decoded as Latin-1, not as Arabic mojibake
    assert parsed.skipped_non_arabic == 1
    assert parsed.problems == []


# --- fetch_feed ------------------------------------------------------------------------------


async def test_fetch_sends_a_naba_user_agent(server: FeedServer, client: httpx.AsyncClient) -> None:
    server.set_feed("/rss", rss(item(T1, BODY1, guid="a")))
    result = await fetch_feed(client, server.url("/rss"))
    assert result.error is None
    assert (result.status, result.not_modified) == (200, False)
    assert result.body is not None and T1.encode() in result.body
    headers = server.requests_for("/rss")[0].headers
    assert headers["User-Agent"] == USER_AGENT
    assert "naba" in USER_AGENT
    assert "rss+xml" in headers["Accept"]
    assert "If-None-Match" not in headers


async def test_caller_user_agent_is_kept(server: FeedServer) -> None:
    server.set_feed("/rss", rss(""))
    async with httpx.AsyncClient(trust_env=False, headers={"User-Agent": "custom/1"}) as http:
        await fetch_feed(http, server.url("/rss"))
    assert server.requests_for("/rss")[0].headers["User-Agent"] == "custom/1"


async def test_etag_gives_not_modified(server: FeedServer, client: httpx.AsyncClient) -> None:
    server.set_feed("/rss", rss(item(T1, BODY1, guid="a")), etag='"v1"')
    first = await fetch_feed(client, server.url("/rss"))
    assert first.etag == '"v1"'
    second = await fetch_feed(client, server.url("/rss"), etag=first.etag)
    assert second == FetchResult(
        status=304,
        body=None,
        etag='"v1"',
        last_modified=None,
        final_url=server.url("/rss"),
        not_modified=True,
        error=None,
    )
    assert server.requests_for("/rss")[1].headers["If-None-Match"] == '"v1"'
    # A changed feed (new ETag) is served in full despite the old validator.
    server.set_feed("/rss", rss(item(T2, BODY2, guid="b")), etag='"v2"')
    third = await fetch_feed(client, server.url("/rss"), etag=first.etag)
    assert (third.status, third.not_modified, third.etag) == (200, False, '"v2"')


async def test_last_modified_gives_not_modified(
    server: FeedServer, client: httpx.AsyncClient
) -> None:
    stamp = "Wed, 01 Jan 2025 00:00:00 GMT"
    server.set_feed("/rss", rss(item(T1, BODY1, guid="a")), last_modified=stamp)
    first = await fetch_feed(client, server.url("/rss"))
    assert first.last_modified == stamp
    second = await fetch_feed(client, server.url("/rss"), last_modified=first.last_modified)
    assert second.not_modified
    assert second.body is None
    assert second.last_modified == stamp
    assert server.requests_for("/rss")[1].headers["If-Modified-Since"] == stamp


async def test_feed_changing_between_polls(server: FeedServer, client: httpx.AsyncClient) -> None:
    server.set_feed("/rss", rss(item(T1, BODY1, guid="a") + item(T2, BODY2, guid="b")))
    before = parse_feed((await fetch_feed(client, server.url("/rss"))).body or b"", FEED_URL)
    edited = "نص تجريبي معدل: تأجل المهرجان الخيالي يوما واحدا."
    server.set_feed(
        "/rss",
        rss(item(T3, BODY1, guid="c") + item(T1, BODY1, guid="a") + item(T2, edited, guid="b")),
    )
    after = parse_feed((await fetch_feed(client, server.url("/rss"))).body or b"", FEED_URL)
    old = {e.guid: e for e in before.entries}
    new = {e.guid: e for e in after.entries}
    assert set(new) - set(old) == {"c"}  # the new entry
    assert new["a"] == old["a"]  # unchanged
    assert (old["b"].text, new["b"].text) == (BODY2, edited)  # edited in place: same guid


async def test_wrongly_labelled_windows_1256_feed_over_http(
    server: FeedServer, client: httpx.AsyncClient
) -> None:
    server.set_feed(
        "/cp", rss(item(T1, BODY1, guid="a")), encoding="cp1256", content_type="text/xml"
    )
    result = await fetch_feed(client, server.url("/cp"))
    assert result.body is not None
    assert [e.title for e in parse_feed(result.body, result.final_url).entries] == [T1]


@pytest.mark.parametrize("status", [404, 410, 500, 503])
async def test_http_errors(server: FeedServer, client: httpx.AsyncClient, status: int) -> None:
    server.set_status("/gone", status, "error page")
    result = await fetch_feed(client, server.url("/gone"))
    assert result.status == status
    assert result.body is None
    assert result.error is not None and f"HTTP {status}" in result.error


async def test_unregistered_path_is_404(server: FeedServer, client: httpx.AsyncClient) -> None:
    result = await fetch_feed(client, server.url("/nothing-here"))
    assert (result.status, result.error) == (404, "HTTP 404 Not Found")


async def test_redirect_is_followed(server: FeedServer, client: httpx.AsyncClient) -> None:
    server.set_redirect("/old", "/middle", status=301)
    server.set_redirect("/middle", server.url("/rss"), status=308)
    server.set_feed("/rss", rss(item(T1, BODY1, guid="a")), etag='"r"')
    result = await fetch_feed(client, server.url("/old"), etag='"stale"')
    assert result.error is None
    assert result.final_url == server.url("/rss")
    assert result.etag == '"r"'
    # The conditional header travels along the redirects.
    assert server.requests_for("/rss")[0].headers["If-None-Match"] == '"stale"'


async def test_redirect_loop_is_an_error(server: FeedServer, client: httpx.AsyncClient) -> None:
    server.set_redirect("/a", "/b")
    server.set_redirect("/b", "/a")
    result = await fetch_feed(client, server.url("/a"))
    assert result.error is not None and "redirect loop" in result.error
    assert result.body is None
    assert len(server.requests) == 2


async def test_too_many_redirects(server: FeedServer, client: httpx.AsyncClient) -> None:
    for hop in range(MAX_REDIRECTS + 1):
        server.set_redirect(f"/hop{hop}", f"/hop{hop + 1}")
    server.set_feed(f"/hop{MAX_REDIRECTS + 1}", rss(""))
    result = await fetch_feed(client, server.url("/hop0"))
    assert result.error is not None and "too many redirects" in result.error
    assert len(server.requests) == MAX_REDIRECTS + 1
    # Exactly MAX_REDIRECTS hops are fine.
    assert (await fetch_feed(client, server.url("/hop1"))).error is None


async def test_redirect_to_another_scheme_is_refused(
    server: FeedServer, client: httpx.AsyncClient
) -> None:
    server.set_redirect("/ftp", "ftp://example.test/feed.xml")
    result = await fetch_feed(client, server.url("/ftp"))
    assert result.error is not None and "not an http(s) URL" in result.error


async def test_slow_server_times_out(server: FeedServer, client: httpx.AsyncClient) -> None:
    server.set_feed("/slow", rss(""), delay=10.0)
    started = time.monotonic()
    result = await fetch_feed(client, server.url("/slow"), timeout=0.5)
    assert time.monotonic() - started < 3.0
    assert result.error is not None and "timed out" in result.error
    assert result.body is None


async def test_slow_drip_is_cut_by_the_total_timeout(
    server: FeedServer, client: httpx.AsyncClient
) -> None:
    # Each byte arrives well within any per-read timeout; only a total deadline stops this.
    server.set_slow("/drip", rss(item(T1, BODY1)), chunk_size=1, interval=0.05)
    started = time.monotonic()
    result = await fetch_feed(client, server.url("/drip"), timeout=0.5)
    assert time.monotonic() - started < 3.0
    assert result.error is not None and "timed out" in result.error
    assert result.status == 200  # the headers had arrived


async def test_oversized_body_is_cut_off_early(
    server: FeedServer, client: httpx.AsyncClient
) -> None:
    fifty_mb = 50 * 1024 * 1024
    server.set_stream("/huge", fifty_mb)
    started = time.monotonic()
    result = await fetch_feed(client, server.url("/huge"), max_bytes=100_000)
    assert time.monotonic() - started < 10.0
    assert result.error is not None and "too large" in result.error
    assert result.body is None
    await asyncio.sleep(0.2)  # let the server notice the closed connection
    # Kernel socket buffers let the server write ahead a little; never the whole body.
    assert server.bytes_sent("/huge") < fifty_mb // 4


async def test_declared_oversized_body_is_refused_unread(
    server: FeedServer, client: httpx.AsyncClient
) -> None:
    server.set_stream("/declared", 50 * 1024 * 1024, declare_length=True)
    result = await fetch_feed(client, server.url("/declared"), max_bytes=100_000)
    assert result.error is not None and "declared" in result.error


async def test_body_at_the_limit_is_accepted(server: FeedServer, client: httpx.AsyncClient) -> None:
    server.set_stream("/exact", 100_000, chunk_size=4096)
    result = await fetch_feed(client, server.url("/exact"), max_bytes=100_000)
    assert result.error is None
    assert result.body == b"x" * 100_000


async def test_network_failures_are_returned_not_raised(client: httpx.AsyncClient) -> None:
    with socket.socket() as probe:  # a port that was free a moment ago: nothing listens
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    refused = await fetch_feed(client, f"http://127.0.0.1:{port}/rss", timeout=5.0)
    assert refused.status == 0
    assert refused.error is not None and refused.error.startswith("ConnectError")
    for bad in ("not a url", "ftp://example.test/x", "http://"):
        result = await fetch_feed(client, bad)
        assert result.error is not None and result.status == 0


def test_server_in_a_thread_for_sync_tests() -> None:
    with FeedServer().in_thread() as srv:
        srv.set_feed("/rss", rss(item(T1, BODY1, guid="a")), etag='"t"')
        with urllib.request.urlopen(srv.url("/rss"), timeout=5) as response:
            assert response.headers["ETag"] == '"t"'
            body = response.read()
        assert [e.title for e in parse_feed(body, srv.url("/rss")).entries] == [T1]

        async def poll() -> FetchResult:
            async with httpx.AsyncClient(trust_env=False) as http:
                return await fetch_feed(http, srv.url("/rss"), etag='"t"')

        assert asyncio.run(poll()).not_modified
        assert [r.path for r in srv.requests] == ["/rss", "/rss"]


# --- helpers ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("failures", "expected"),
    [
        (-1, 0.0),
        (0, 0.0),
        (1, 60.0),
        (2, 120.0),
        (3, 240.0),
        (8, 7680.0),
        (9, 15360.0),
        (10, 6 * 3600.0),
    ],
)
def test_backoff_seconds(failures: int, expected: float) -> None:
    assert backoff_seconds(failures, 60.0) == expected


def test_backoff_seconds_cap_and_huge_counts() -> None:
    assert backoff_seconds(5, 60.0, cap=600.0) == 600.0
    assert backoff_seconds(10_000, 60.0) == 6 * 3600.0
    assert backoff_seconds(3, 0.0) == 0.0
    with pytest.raises(ValueError):
        backoff_seconds(1, -1.0)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("https://example.test/feed.xml", True),
        ("http://example.test", True),
        ("  HTTPS://Example.test/rss  ", True),
        ("http://127.0.0.1:8080/rss", True),
        ("ftp://example.test/feed", False),
        ("example.test/feed", False),
        ("/local/file.xml", False),
        ("http://", False),
        ("http://exa mple.test/", False),
        ("http://example.test:notaport/", False),
        ("", False),
        ("خبر", False),
    ],
)
def test_looks_like_feed_url(text: str, expected: bool) -> None:
    assert looks_like_feed_url(text) is expected
