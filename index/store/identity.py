""""Is this the same story?" — the decision save() makes inside its transaction, as a pure
function of what the database holds, so both stores decide alike and it is tested alone.

Identity, in order: the origin's guid, then the canonical URL (a match with new content is an
update: its passages are replaced); then the content hash (the same story re-posted elsewhere
is a duplicate, stored once).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Literal


@dataclass(frozen=True, slots=True)
class Earlier:
    """The stored article an incoming one replaces (same guid, else same canonical URL)."""

    id: int
    content_hash: str
    feed_id: int | None
    guid: str | None


@dataclass(frozen=True, slots=True)
class Decision:
    action: Literal["insert", "update", "duplicate"]
    article_id: int | None = None  # the article updated, or the one this duplicates
    detail: str | None = None  # for the ingest log
    # False when another article owns the canonical URL an edit now links to: the update keeps
    # its own URL, since taking it would break the UNIQUE link and abort the ingest.
    claim_url: bool = True


def same_story(
    earlier: Earlier | None,
    content_hash: str,
    *,
    hash_holder: int | None,
    url_owner: int | None,
) -> Decision:
    """What to do with an incoming article.

    `earlier`: the article with its guid or canonical URL; `hash_holder`: an article (other
    than `earlier`) whose content hash is `content_hash`; `url_owner`: an article (other than
    `earlier`) that owns the incoming canonical URL.

    >>> same_story(None, "h1", hash_holder=None, url_owner=None).action
    'insert'
    >>> same_story(None, "h1", hash_holder=7, url_owner=None)
    Decision(action='duplicate', article_id=7, detail='same content as stored', claim_url=True)
    >>> same_story(Earlier(3, "h0", None, "g"), "h1", hash_holder=None, url_owner=9).claim_url
    False
    """
    if earlier is None:
        if hash_holder is not None:
            return Decision("duplicate", hash_holder, "same content as stored")
        return Decision("insert")
    if earlier.content_hash == content_hash:
        return Decision("duplicate", earlier.id, "unchanged")
    if hash_holder is not None:
        # The edit made it identical to another stored article: keep that one.
        return Decision("duplicate", hash_holder, "edit equals another")
    return Decision("update", earlier.id, claim_url=url_owner is None)


def merged_story(article_id: int, current: int | None, joined: Iterable[int]) -> int:
    """The story an article ends in: the smallest id among its own (when it already had one)
    and those it joined, so that two processes uniting the same stories agree; a new story
    takes the article's id.

    >>> merged_story(9, None, [])
    9
    >>> merged_story(9, None, [4, 7])
    4
    """
    ids = {*joined, *([current] if current is not None else [])}
    return min(ids) if ids else article_id


def story_spans(
    published: Iterable[tuple[int, datetime | None]],
) -> dict[int, tuple[datetime | None, datetime | None]]:
    """(first, last) publication per story from (story, published) rows; undated ones do not
    count (None, None when a story has no date at all)."""
    spans: dict[int, tuple[datetime | None, datetime | None]] = {}
    for story, when in published:
        first, last = spans.get(story, (None, None))
        if when is not None:
            first = when if first is None or when < first else first
            last = when if last is None or when > last else last
        spans[story] = (first, last)
    return spans
