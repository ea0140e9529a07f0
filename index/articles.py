"""Reading articles from local files: plain text, Markdown with front matter, and JSON."""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from index.cleaning import normalize_text
from index.models import ArticleIn

__all__ = [
    "ARTICLE_SUFFIXES",
    "MAX_FILE_BYTES",
    "FileArticles",
    "article_files",
    "parse_article_bytes",
    "read_article_file",
    "read_articles",
    "read_file",
]

ARTICLE_SUFFIXES = frozenset({".txt", ".md", ".json"})
# Far beyond any article or export of articles; stops a mistaken path (a disk image, a
# database) from being read whole into memory.
MAX_FILE_BYTES = 64 * 1024 * 1024



@dataclass(frozen=True)
class FileArticles:
    """The articles a file holds, and why any of its items could not be read: a JSON list
    keeps its good items, each bad one is named by its position counted from 1."""

    articles: list[ArticleIn]
    problems: list[str] = field(default_factory=list)


_FRONT_MATTER_KEYS = frozenset({"title", "source", "url", "published", "language", "guid"})
_HEADING = re.compile(r"^#{1,6}\s+")
# Markdown lines that stand on their own even without a blank line around them.
_OWN_LINE = re.compile(r"^(#{1,6}\s|[-*+]\s|\d+[.)]\s|>)")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f]")


def article_files(path: Path) -> list[Path]:
    """The article files under `path` (itself, if it is a file), sorted by relative path.

    Hidden files and folders (name starting with ".") are skipped; symlinked folders are not
    followed, so a link cycle cannot make the walk endless."""
    path = Path(path)
    if path.is_file():
        return [path]
    if not path.is_dir():
        raise ValueError(f"{path}: no such file or folder")
    found: list[Path] = []
    for folder, dirs, files in os.walk(path):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        found.extend(
            Path(folder, name)
            for name in files
            if not name.startswith(".") and Path(name).suffix.lower() in ARTICLE_SUFFIXES
        )
    return sorted(found, key=lambda p: p.relative_to(path).as_posix())


def read_articles(path: Path) -> list[ArticleIn]:
    """All articles in a file or, recursively, a folder of .txt, .md and .json files.

    Strict: raises ValueError naming the file (and the item) at the first problem. Ingest
    reads with read_file, which keeps the good items of a list."""
    articles: list[ArticleIn] = []
    for file in article_files(Path(path)):
        read = read_file(file)
        if read.problems:
            raise ValueError(read.problems[0])
        articles.extend(read.articles)
    return articles


def read_article_file(path: Path) -> ArticleIn:
    """The single article in a .txt, .md or .json file (a JSON list needs read_articles)."""
    path = Path(path)
    articles = read_articles(path)
    if len(articles) != 1:
        raise ValueError(
            f"{path}: holds a list of {len(articles)} articles; read it with read_articles()"
        )
    return articles[0]


def _guid(path: Path) -> str:
    # The guid lets an edited file replace its earlier version instead of being stored twice,
    # so it names the file itself: its absolute path. A path relative to the folder read made
    # a/1.txt and b/1.txt one article, and a second folder silently replaced the first one's
    # stories. Moving a folder gives its files new guids; unchanged files are then recognised
    # by their content hash as duplicates, not stored again. Items of a JSON list add
    # "#<index>" (counted from 0, as stored since the first version) unless they carry their
    # own "guid".
    return f"file:{path.resolve().as_posix()}"


def read_file(path: Path) -> FileArticles:
    """One article file: ValueError naming it when the file as a whole cannot be read."""
    _check_suffix(path)
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise ValueError(f"{path}: file too large ({size} bytes, limit {MAX_FILE_BYTES})")
        raw = path.read_bytes()
    except OSError as exc:
        raise ValueError(f"{path}: cannot read file: {exc.strerror or exc}") from exc
    return parse_article_bytes(raw, path, _guid(path))


def parse_article_bytes(raw: bytes, name: str | Path, guid: str) -> FileArticles:
    """The articles in a file's bytes (an upload, say), read by the rules of its name's
    suffix exactly as a file on disk would be; ValueError messages name `name`."""
    path = Path(name)
    suffix = _check_suffix(path)
    text = _decode(raw, path)
    if not text.strip():
        raise ValueError(f"{path}: file is empty")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if suffix == ".json":
        return _from_json(path, text, guid)
    return FileArticles([_from_text(path, text, guid)])


def _check_suffix(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix not in ARTICLE_SUFFIXES:
        kind = suffix or "(none)"
        raise ValueError(f"{path}: unsupported file type {kind}; use .txt, .md or .json")
    return suffix


def _decode(raw: bytes, path: Path) -> str:
    """UTF-8 (with or without BOM), UTF-16 with a BOM, else Windows-1256 (Arabic Windows)."""
    unreadable = ValueError(
        f"{path}: unreadable text encoding (tried UTF-8, UTF-8 with BOM, UTF-16, Windows-1256)"
    )
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):  # Notepad's "Unicode"
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError:
            raise unreadable from None
    try:
        text = raw.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError:
        # Windows-1256 maps every byte to something, so a successful decode proves little;
        # control characters show that the bytes were not text in this encoding either.
        text = raw.decode("cp1256", errors="replace")
        if _CONTROL.search(text) or "\ufffd" in text:
            raise unreadable from None
        return text
    if "\x00" in text:  # UTF-16 or UTF-32 without a BOM, or not text at all
        raise unreadable
    return text


def _from_text(path: Path, text: str, guid: str) -> ArticleIn:
    meta, body = _split_front_matter(path, text)
    lines = body.split("\n")
    title = meta.get("title", "").strip()
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is not None:
        heading = _HEADING.sub("", lines[first]).strip()
        # Without a title in the front matter the first line is the title; with one, a first
        # line repeating it is a heading that would otherwise show up twice.
        if not title or heading == title:
            title = title or heading
            lines = lines[first + 1 :]
    if not title:
        raise ValueError(f"{path}: missing title")
    text = _paragraphs(lines)
    if not text:
        raise ValueError(f"{path}: missing text (only a title was found)")
    return ArticleIn(
        title=normalize_text(title).replace("\n", " "),
        text=text,
        source=meta.get("source") or None,
        url=meta.get("url") or None,
        published=_parse_published(meta.get("published"), path),
        language=meta.get("language") or "ar",
        guid=meta.get("guid") or guid,
    )


def _split_front_matter(path: Path, text: str) -> tuple[dict[str, str], str]:
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        return {}, text
    try:
        end = next(i for i in range(1, len(lines)) if lines[i].strip() == "---")
    except StopIteration:
        raise ValueError(f"{path}: front matter opened with '---' is never closed") from None
    meta: dict[str, str] = {}
    for number, line in enumerate(lines[1:end], start=2):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        key, sep, value = stripped.partition(":")
        if not sep:
            raise ValueError(f"{path}: front matter line {number} is not 'key: value': {line!r}")
        key = key.strip().lower()
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
            value = value[1:-1]
        if key in _FRONT_MATTER_KEYS:
            meta[key] = value
    return meta, "\n".join(lines[end + 1 :])


def _paragraphs(lines: list[str]) -> str:
    """One paragraph per line. With blank lines in the body, blank lines separate paragraphs
    and the lines of a hard-wrapped paragraph are joined; without any, each line is one."""
    body = [line.strip() for line in lines]
    while body and not body[0]:
        body.pop(0)
    while body and not body[-1]:
        body.pop()
    if "" not in body:
        return normalize_text("\n".join(body))
    paragraphs: list[str] = []
    current: list[str] = []
    for line in body:
        if not line or _OWN_LINE.match(line):
            if current:
                paragraphs.append(" ".join(current))
            current = [line] if line else []
        else:
            current.append(line)
    if current:
        paragraphs.append(" ".join(current))
    return normalize_text("\n".join(paragraphs))


def _from_json(path: Path, text: str, guid: str) -> FileArticles:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(
            f"{path}: malformed JSON at line {exc.lineno} column {exc.colno}: {exc.msg}"
        ) from None
    except RecursionError:
        # «[[[[…]]]]» thousands deep: Python's parser gives up; no article nests like that
        raise ValueError(f"{path}: JSON nested too deeply to be an article file") from None
    if isinstance(data, dict):
        return FileArticles([_from_json_object(path, data, guid, where="")])
    if isinstance(data, list):
        if not data:
            raise ValueError(f"{path}: the JSON list holds no articles")
        read = FileArticles([])
        for index, item in enumerate(data):
            try:
                read.articles.append(
                    _from_json_object(path, item, f"{guid}#{index}", where=f" (item {index + 1})")
                )
            except ValueError as err:  # one bad item must not cost the file its good ones
                read.problems.append(str(err))
        return read
    raise ValueError(f"{path}: JSON must be an article object or a list of them")


def _from_json_object(path: Path, item: Any, guid: str, *, where: str) -> ArticleIn:
    if not isinstance(item, dict):
        raise ValueError(f"{path}{where}: expected a JSON object, got {type(item).__name__}")

    def field(name: str) -> str | None:
        value = item.get(name)
        if value is None:
            return None
        if not isinstance(value, str | int | float) or isinstance(value, bool):
            raise ValueError(f"{path}{where}: '{name}' must be a string")
        return str(value).strip() or None

    title = field("title")
    text = field("text") or field("content")
    if not title:
        raise ValueError(f"{path}{where}: missing title")
    if not text:
        raise ValueError(f"{path}{where}: missing text (or content)")
    published = item.get("published")
    return ArticleIn(
        title=normalize_text(title).replace("\n", " "),
        text=_paragraphs(text.replace("\r\n", "\n").split("\n")),
        source=field("source"),
        url=field("url"),
        published=_parse_published(published, path, where),
        language=field("language") or "ar",
        # An explicit guid survives items being reordered or inserted; "#<index>" does not.
        guid=field("guid") or guid,
    )


def _parse_published(value: Any, path: Path, where: str = "") -> datetime | None:
    """ISO date or datetime (or Unix seconds in JSON) as an aware datetime.

    A date alone means 00:00 UTC and a datetime without an offset is taken as UTC: the files
    carry no other hint, and the result must be comparable with feed dates."""
    if value is None or value == "":
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        try:
            return datetime.fromtimestamp(value, tz=UTC)
        except (OverflowError, OSError, ValueError):
            raise ValueError(f"{path}{where}: 'published' is out of range: {value!r}") from None
    if not isinstance(value, str):
        raise ValueError(f"{path}{where}: 'published' must be an ISO date or datetime")
    raw = value.strip()
    try:
        parsed = datetime.fromisoformat(raw)  # a date alone parses as naive midnight
    except ValueError:
        raise ValueError(
            f"{path}{where}: 'published' is not an ISO date or datetime: {value!r}"
        ) from None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)
