"""A story timeline: the stories whose reports match some words, oldest first, one line each
(date · title · sources) — `/timeline` in Telegram and `python -m bot timeline`.

The matching reports are those `Library.answer` accepts for the words (the same relevance rule
as answers, dates not read: «تفجير عسير» is a topic here, not a question about a day); their
stories (index.stories) are then listed whole, each by its first report — when the story is
about the words: some report of it holds every word asked, by its root, in its title or lead
(session 6: a passage deep in an article that names «عسير» in passing no longer brings its
story in; README, "A story timeline", for the measure).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from index.normalize import analyze
from index.roots import root_of
from index.search import MAX_CANDIDATES, Library
from index.store import Store, StoryMember
from index.stories import article_words


@dataclass(frozen=True, slots=True)
class StoryLine:
    """One story of a timeline: its first report, and every outlet that reported it."""

    story_id: int
    article_id: int  # the first report, by which /story finds the story
    title: str
    published: datetime | None
    sources: tuple[str | None, ...]
    reports: int


def asked_words(words: str) -> frozenset[str]:
    """The roots of the words a timeline asks for, analysed as titles and ledes are (day terms
    left out): «تحطم طائرة» is about a report that says «حطام الطائرة» too."""
    return frozenset(root_of(t) for t in analyze(words) if ":" not in t)


async def timeline(library: Library, words: str) -> list[StoryLine]:
    """The stories about `words`, oldest first (undated ones last)."""
    answer = await library.answer(words, top=MAX_CANDIDATES, dates=False)
    article_ids = list(answer.articles)
    if not article_ids:
        return []
    stories = library.store.stories
    story_of = await stories.story_ids(article_ids)
    members = await stories.members(list(set(story_of.values())))
    asked = asked_words(words)
    about = await _leads(library.store, {m.article_id for ms in members.values() for m in ms}
                         | set(article_ids)) if asked else {}
    lines: dict[int, StoryLine] = {}
    for hit in answer.hits:
        story = story_of.get(hit.article_id)
        reports = members.get(story) if story is not None else None
        if not reports:  # in no story (yet): a story of one
            story = -hit.article_id
            reports = [StoryMember(story, hit.article_id, hit.title, hit.source, hit.published,
                                   hit.url)]
        if story in lines:
            continue
        if asked and not any(asked <= about.get(m.article_id, frozenset()) for m in reports):
            continue  # the words are in a passage of it, not in what any report is about
        lines[story] = _line(abs(story), reports)
    return sorted(lines.values(), key=lambda s: (
        s.published is None, s.published.timestamp() if s.published else 0.0, s.story_id))


def _line(story_id: int, reports: list[StoryMember]) -> StoryLine:
    first = reports[0]
    return StoryLine(
        story_id=story_id, article_id=first.article_id, title=first.title,
        published=first.published,
        sources=tuple(dict.fromkeys(m.source for m in reports)), reports=len(reports),
    )


async def _leads(store: Store, article_ids: set[int]) -> dict[int, frozenset[str]]:
    """The roots of the words of each article's title and lead: as its story join stored
    them, or (an article grouped before they were kept) read again from the article."""
    words = {i: w.words for i, w in (await store.stories.words_of(list(article_ids))).items()}
    for article_id in article_ids - words.keys():
        article = await store.articles.get(article_id)
        if article is None:
            continue
        tokens = [p.tokens.split() for p in await store.articles.passages_of(article_id)]
        found = article_words(analyze(article.title), tokens, article.published)
        words[article_id] = found.words if found else frozenset()
    return {i: frozenset(root_of(t) for t in w) for i, w in words.items()}
