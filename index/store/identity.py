""""Is this the same story?" — the decision save() makes inside its transaction, as a pure
function of what the database holds, so both stores decide alike and it is tested alone.

Identity, in order: the origin's guid, then the canonical URL (a match with new content is an
update: its passages are replaced); then the content hash (the same story re-posted elsewhere
is a duplicate, stored once).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from index.store.rows import StoryCandidate, StoryWords, TermFrequency, from_iso


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


def story_candidates(
    rows: Sequence[Sequence[object]],
    titled: Mapping[int, StoryWords | None],
    heads: Mapping[int, tuple[int, StoryWords | None]],
    spans: Mapping[int, tuple[datetime | None, datetime | None]],
    freq: TermFrequency | None,
) -> list[StoryCandidate]:
    """The candidates an article is compared with (index.stories.stories_to_join), from the
    store's rows (article, story, signature, published) and what was read about them: titled
    articles with their words and their story's head, the others by signature alone."""
    out = []
    for r in rows:
        article, story, signature, published = r[0], r[1], bytes(r[2]), from_iso(r[3])
        if article in titled:
            head_id, head = heads.get(story, (None, None))
            out.append(StoryCandidate(article, story, signature, published, *spans[story],
                                      words=titled.get(article), head=head, head_id=head_id,
                                      freq=freq))
        else:
            out.append(StoryCandidate(article, story, signature, published, *spans[story]))
    return out


# ---- the second story signal's bookkeeping (index.stories), shared by both stores -------------

# The row of story_terms that counts the articles with words (no word is empty).
ARTICLES_ROW = ""


def stored_words(title: str, terms: str, day: int | None = None) -> StoryWords | None:
    """An article's StoryWords as story_members keeps them (space-joined); None when it has
    none (stored before migration 0008, or no words)."""
    return StoryWords(tuple(title.split()), frozenset(terms.split()), day) if terms else None


def words_columns(words: StoryWords | None) -> tuple[str, str]:
    """(title_terms, terms) as story_members stores them."""
    if words is None:
        return "", ""
    return " ".join(words.title), " ".join(sorted(words.words))


def df_changes(
    before: StoryWords | None, after: StoryWords | None
) -> tuple[list[str], list[str]]:
    """(words whose document frequency rises by one, words whose falls by one) when an
    article's words change from `before` to `after`; the article count row (ARTICLES_ROW)
    rises with a first set of words and falls when they go. A join that changes nothing
    changes no count, so a retried join counts an article once."""
    old = set(before.words) if before else set()
    new = set(after.words) if after else set()
    up, down = sorted(new - old), sorted(old - new)
    if new and not old:
        up.append(ARTICLES_ROW)
    elif old and not new:
        down.append(ARTICLES_ROW)
    return up, down


def rare_title_terms(words: StoryWords, df: dict[str, int], n: int, share: float) -> list[str]:
    """The article's title words held by at most `share` of the `n` articles (at least one:
    the article itself), by which the second signal looks for candidates."""
    limit = max(1.0, share * n)
    return sorted({t for t in words.title if df.get(t, 0) <= limit})


def story_heads(
    rows: Iterable[tuple[int, int, datetime | None, str, str]],
) -> dict[int, tuple[int, StoryWords | None]]:
    """Each story's first report (earliest date, then smallest id; undated ones last) and its
    words with its day, from (story, article, published, title_terms, terms) rows."""
    best: dict[int, tuple[tuple[bool, float, int], int, StoryWords | None]] = {}
    for story, article, published, title, terms in rows:
        key = (published is None, published.timestamp() if published else 0.0, article)
        if story not in best or key < best[story][0]:
            day = published.date().toordinal() if published else None
            best[story] = (key, article, stored_words(title, terms, day))
    return {story: (article, words) for story, (_, article, words) in best.items()}
