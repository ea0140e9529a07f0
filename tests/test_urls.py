"""canonical_url: one key for every spelling of one article's link."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from index.urls import canonical_url

# Arabic path segment "أخبار" (news) in its literal and UTF-8 percent-encoded forms.
AKHBAR = "أخبار"
AKHBAR_PCT = "%D8%A3%D8%AE%D8%A8%D8%A7%D8%B1"

CASES = [
    # (input, expected)
    ("HTTP://Example.COM/Path", "http://example.com/Path"),  # path case is significant
    ("http://example.com:80/a", "http://example.com/a"),
    ("https://example.com:443/a", "https://example.com/a"),
    ("https://example.com:8443/a", "https://example.com:8443/a"),
    ("http://example.com:443/a", "http://example.com:443/a"),  # not http's default port
    ("https://example.com/a#section-2", "https://example.com/a"),
    ("https://example.com/a/", "https://example.com/a"),
    ("https://example.com/a//", "https://example.com/a"),
    ("https://example.com/", "https://example.com/"),
    ("https://example.com", "https://example.com/"),
    ("https://www.example.com/a", "https://www.example.com/a"),  # www. is kept
    ("https://example.com./a", "https://example.com/a"),  # trailing dot of the FQDN
    ("https://example.com/a/./b/../c", "https://example.com/a/c"),
    ("https://example.com/../a", "https://example.com/a"),
    # tracking parameters
    (
        "https://example.com/a?utm_source=tw&utm_medium=social&id=7",
        "https://example.com/a?id=7",
    ),
    ("https://example.com/a?UTM_Campaign=x&id=7", "https://example.com/a?id=7"),
    ("https://example.com/a?fbclid=abc", "https://example.com/a"),
    ("https://example.com/a?gclid=1&yclid=2&_ga=3&spm=4", "https://example.com/a"),
    ("https://example.com/a?mc_cid=1&mc_eid=2&igshid=3", "https://example.com/a"),
    ("https://example.com/a?ref=home&ref_src=twsrc", "https://example.com/a"),
    ("https://example.com/a?at_medium=rss&at_campaign=feed&p=2", "https://example.com/a?p=2"),
    ("https://example.com/a?utm%5Fsource=x&p=2", "https://example.com/a?p=2"),
    ("https://example.com/a?refresh=1", "https://example.com/a?refresh=1"),  # not "ref"
    # remaining parameters sorted by name; repeated names keep their order
    ("https://example.com/a?b=2&a=1", "https://example.com/a?a=1&b=2"),
    ("https://example.com/a?tag=z&id=1&tag=a", "https://example.com/a?id=1&tag=z&tag=a"),
    ("https://example.com/a?&&b=2&", "https://example.com/a?b=2"),
    ("https://example.com/a?flag", "https://example.com/a?flag"),
    # percent-encoding
    (f"https://example.com/{AKHBAR}/1", f"https://example.com/{AKHBAR_PCT}/1"),
    (f"https://example.com/{AKHBAR_PCT.lower()}/1", f"https://example.com/{AKHBAR_PCT}/1"),
    (f"https://example.com/s?q={AKHBAR}", f"https://example.com/s?q={AKHBAR_PCT}"),
    ("https://example.com/%7Euser/%61", "https://example.com/~user/a"),  # unreserved decoded
    ("https://example.com/a%2Fb", "https://example.com/a%2Fb"),  # an encoded "/" stays encoded
    ("https://example.com/a%2fb", "https://example.com/a%2Fb"),
    ("https://example.com/a b", "https://example.com/a%20b"),
    ("https://example.com/100%", "https://example.com/100%25"),  # a stray "%"
    ("https://example.com/s?q=a%3Db", "https://example.com/s?q=a%3Db"),
    # hosts
    ("https://مثال.test/a", "https://xn--mgbh0fb.test/a"),
    ("http://[::1]:8080/a", "http://[::1]:8080/a"),
    ("http://user@Example.com/a", "http://user@example.com/a"),
    # not absolute URLs: returned stripped, untouched
    ("  example.com/a?utm_source=x  ", "example.com/a?utm_source=x"),
    ("/relative/path/", "/relative/path/"),
    ("", ""),
    ("http://example.com:99999/a", "http://example.com:99999/a"),  # invalid port
]


@pytest.mark.parametrize(("url", "expected"), CASES)
def test_canonical_url(url: str, expected: str) -> None:
    assert canonical_url(url) == expected


@pytest.mark.parametrize(
    "spelling",
    [
        f"https://example.com/{AKHBAR}/2024/مقال-تجريبي/",
        f"https://EXAMPLE.com:443/{AKHBAR_PCT}/2024/%D9%85%D9%82%D8%A7%D9%84-%D8%AA%D8%AC%D8%B1%D9%8A%D8%A8%D9%8A",
        f"https://example.com/{AKHBAR_PCT.lower()}/2024/مقال-تجريبي?utm_source=telegram#top",
    ],
)
def test_arabic_and_encoded_spellings_are_one_url(spelling: str) -> None:
    reference = canonical_url(f"https://example.com/{AKHBAR}/2024/مقال-تجريبي")
    assert canonical_url(spelling) == reference
    assert reference.isascii()


_PIECES = [*"abcAB09-._~%/?&=#:+ ", "أ", "ب", "%D8", "%2f", "%7e", "utm_x=", "..", "./"]


@given(st.lists(st.sampled_from(_PIECES), max_size=25))
def test_canonical_url_is_idempotent(pieces: list[str]) -> None:
    once = canonical_url("https://Example.com/" + "".join(pieces))
    assert canonical_url(once) == once
    assert once.isascii()
