"""A story timeline: the stories whose reports match some words, oldest first, one line each
(date · title · sources) — `/timeline` in Telegram and `python -m bot timeline`.

The matching reports are those `Library.answer` accepts for the words (the same relevance rule
as answers, dates not read: «تفجير عسير» is a topic here, not a question about a day); their
stories (index.stories) are then listed whole, each by its first report.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from index.search import MAX_CANDIDATES, Library
from index.store import StoryMember


@dataclass(frozen=True, slots=True)
class StoryLine:
    """One story of a timeline: its first report, and every outlet that reported it."""

    story_id: int
    article_id: int  # the first report, by which /story finds the story
    title: str
    published: datetime | None
    sources: tuple[str | None, ...]
    reports: int


async def timeline(library: Library, words: str) -> list[StoryLine]:
    """The stories about `words`, oldest first (undated ones last)."""
    answer = await library.answer(words, top=MAX_CANDIDATES, dates=False)
    article_ids = list(dict.fromkeys(h.article_id for h in answer.hits))
    if not article_ids:
        return []
    stories = library.store.stories
    story_of = await stories.story_ids(article_ids)
    members = await stories.members(list(set(story_of.values())))
    lines: dict[int, StoryLine] = {}
    for hit in answer.hits:
        story = story_of.get(hit.article_id)
        reports = members.get(story) if story is not None else None
        if not reports:  # in no story (yet): a story of one
            story = -hit.article_id
            reports = [StoryMember(story, hit.article_id, hit.title, hit.source, hit.published,
                                   hit.url)]
        if story not in lines:
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
