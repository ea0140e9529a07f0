"""Builders for test inputs: article files on disk and RSS items."""

from __future__ import annotations

from pathlib import Path

RSS_DATE = "Mon, 06 Jan 2025 10:00:00 +0300"


def write(path: Path, content: str | bytes) -> Path:
    """Write text (UTF-8) or bytes, creating folders; returns the path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def rss_item(
    title: str,
    text: str,
    *,
    guid: str | None = None,
    link: str | None = None,
    date: str | None = RSS_DATE,
    full: str | None = None,
) -> str:
    """One RSS 2.0 <item>; each line of `text` becomes a <p> of the description."""
    html = "".join(f"<p>{line}</p>" for line in text.split("\n"))
    parts = [f"<title>{title}</title>", f"<description><![CDATA[{html}]]></description>"]
    if guid:
        parts.append(f'<guid isPermaLink="false">{guid}</guid>')
    if link:
        parts.append(f"<link>{link}</link>")
    if date:
        parts.append(f"<pubDate>{date}</pubDate>")
    if full:
        parts.append(f"<content:encoded><![CDATA[{full}]]></content:encoded>")
    return "<item>" + "".join(parts) + "</item>"
