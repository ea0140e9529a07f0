"""URL canonicalisation, so one article reached through different links is recognised as one."""

from __future__ import annotations

import contextlib
import re
from urllib.parse import SplitResult, urlsplit, urlunsplit

__all__ = ["TRACKING_PARAMS", "TRACKING_PREFIXES", "canonical_url"]

# Query parameters that only say how a reader arrived, never which page they get.
TRACKING_PARAMS = frozenset(
    {
        "fbclid",
        "gclid",
        "dclid",
        "gbraid",
        "wbraid",
        "msclkid",
        "yclid",
        "twclid",
        "ttclid",
        "igshid",
        "mc_cid",
        "mc_eid",
        "mkt_tok",
        "ref",
        "ref_src",
        "ref_url",
        "spm",
        "_ga",
        "_gl",
        "xtor",  # AT Internet (older tag)
        "ocid",
        "cmpid",
        "smid",
        "__twitter_impression",
    }
)
# utm_* (Google Analytics campaigns) and at_* (AT Internet: at_medium, at_campaign, at_custom1...).
TRACKING_PREFIXES = ("utm_", "at_")

_DEFAULT_PORTS = {"http": 80, "https": 443}
_UNRESERVED = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
# Characters that may appear literally in a path or query (RFC 3986 pchar plus "/" and "?");
# anything else is percent-encoded.
_ALLOWED_LITERAL = _UNRESERVED | frozenset(b"!$&'()*+,;=:@/?%")
_PCT = re.compile(rb"%([0-9A-Fa-f]{2})")


def canonical_url(url: str) -> str:
    """Return the canonical form of an absolute http(s) URL, for use as a de-duplication key.

    Lower-cases scheme and host (IDNA host names become punycode), drops default ports,
    fragments and tracking parameters, sorts the remaining query parameters, resolves "."
    and ".." segments, strips a trailing slash (except the root path) and normalises
    percent-encoding: non-ASCII characters (an Arabic path) are always percent-encoded with
    upper-case hex, unreserved characters are never encoded, and encoded reserved characters
    (%2F, %3D...) keep their encoding because decoding them could change the meaning.

    "www." is kept: the result is also the link shown to readers and fetched again, and a bare
    domain does not always resolve; the rare duplicate that differs only by "www." is caught
    by the content hash instead.

    Anything that is not an absolute URL with a host is returned stripped but otherwise
    unchanged, so that a sloppy link in an article file never stops its ingestion.
    """
    url = url.strip()
    try:
        parts = urlsplit(url)
        netloc = _canonical_netloc(parts)
    except ValueError:  # e.g. an invalid port or a malformed IPv6 literal
        return url
    if not parts.scheme or not netloc:
        return url
    scheme = parts.scheme.lower()
    path = _normalize_percent(_remove_dot_segments(parts.path))
    if scheme in _DEFAULT_PORTS:
        path = path.rstrip("/") or "/"
    query = _canonical_query(parts.query)
    return urlunsplit((scheme, netloc, path, query, ""))


def _canonical_netloc(parts: SplitResult) -> str:
    if not parts.netloc:
        return ""
    host = parts.hostname or ""  # .hostname is already lower-cased and unbracketed
    host = host.rstrip(".")
    if host and not host.isascii():
        # A host the IDNA codec rejects stays in Unicode; it is still a usable key.
        with contextlib.suppress(UnicodeError):
            host = host.encode("idna").decode("ascii")
    if ":" in host:  # IPv6 literal
        host = f"[{host}]"
    port = parts.port  # raises ValueError for a non-numeric or out-of-range port
    scheme = parts.scheme.lower()
    if port is not None and _DEFAULT_PORTS.get(scheme) != port:
        host = f"{host}:{port}"
    userinfo, _, _ = parts.netloc.rpartition("@")
    return f"{userinfo}@{host}" if userinfo else host


def _remove_dot_segments(path: str) -> str:
    """RFC 3986 section 5.2.4, on "/"-separated segments."""
    if "." not in path:
        return path
    segments = path.split("/")
    out: list[str] = []
    for i, segment in enumerate(segments):
        last = i == len(segments) - 1
        if segment == ".":
            if last:
                out.append("")
        elif segment == "..":
            if len(out) > 1:
                out.pop()
            if last:
                out.append("")
        else:
            out.append(segment)
    result = "/".join(out)
    if path.startswith("/") and not result.startswith("/"):
        result = "/" + result
    return result


def _normalize_percent(component: str) -> str:
    """Percent-encode non-ASCII and disallowed bytes, decode unreserved ones, upper-case hex."""
    raw = component.encode("utf-8", "surrogatepass")
    out = bytearray()
    i = 0
    while i < len(raw):
        byte = raw[i]
        if byte == 0x25:  # "%"
            match = _PCT.match(raw, i)
            if match:
                value = int(match.group(1), 16)
                if value in _UNRESERVED:
                    out.append(value)
                else:
                    out += b"%%%02X" % value
                i += 3
                continue
            out += b"%25"  # a stray "%" that does not start an escape
        elif byte in _ALLOWED_LITERAL:
            out.append(byte)
        else:
            out += b"%%%02X" % byte
        i += 1
    return out.decode("ascii")


def _is_tracking(name: str) -> bool:
    key = name.lower()
    return key in TRACKING_PARAMS or key.startswith(TRACKING_PREFIXES)


def _canonical_query(query: str) -> str:
    pairs: list[tuple[str, str]] = []
    for item in query.split("&"):
        if not item:
            continue
        name, sep, value = item.partition("=")
        name = _normalize_percent(name)
        # The key is compared decoded, so "utm%5Fsource" is recognised as tracking too.
        decoded = _PCT.sub(lambda m: bytes([int(m.group(1), 16)]), name.encode()).decode(
            "utf-8", "replace"
        )
        if _is_tracking(decoded):
            continue
        pairs.append((name, sep + _normalize_percent(value)))
    # A stable sort keeps the order of repeated keys (?tag=a&tag=b), which may be meaningful.
    pairs.sort(key=lambda pair: pair[0])
    return "&".join(name + rest for name, rest in pairs)
