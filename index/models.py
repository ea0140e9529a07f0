"""Plain data types shared by ingest, store, index and every renderer (CLI, console, Telegram)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime


@dataclass(frozen=True, slots=True)
class ArticleIn:
    """An article as a source hands it over, before it is stored.

    `guid` identifies the article at its origin (a feed entry id, a file path) so that an
    edited version replaces the old one instead of being stored twice.
    """

    title: str
    text: str
    source: str | None = None
    url: str | None = None
    published: datetime | None = None
    language: str = "ar"
    guid: str | None = None
    feed_id: int | None = None


@dataclass(frozen=True, slots=True)
class Article:
    """A stored article."""

    id: int
    title: str
    text: str
    source: str | None
    url: str | None
    published: datetime | None
    language: str
    added_at: datetime | None  # None where it was not read (a passage's context)


@dataclass(frozen=True, slots=True)
class PassageSpan:
    """A passage as character offsets into its article's original text."""

    ordinal: int
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class PassageIn:
    """A passage as ingest hands it to the store: where it is, its analysed terms
    (space-joined, the days it speaks of last: index.dates) and where each analysed word
    stands in its text (index.positions; "" for none: re-analysed when quoted)."""

    span: PassageSpan
    tokens: str
    positions: str = ""


@dataclass(frozen=True, slots=True)
class Attribution:
    """Where a near-copy of a hit's passage was also reported («ورد أيضًا في»)."""

    article_id: int
    title: str
    source: str | None
    published: datetime | None
    url: str | None


@dataclass(frozen=True, slots=True)
class Hit:
    """One retrieved passage, ready for any renderer.

    `excerpt` quotes the original text; `marks` are (start, end) offsets into `excerpt` of the
    words that matched the query, so a renderer can bold them without re-analysing; `focus`,
    the (start, end) in `excerpt` of the sentence(s) that match the question best (None: all
    of it) — the quote widens around them (index.excerpt), the direct answer reads only them.
    """

    rank: int
    score: float
    article_id: int
    passage_id: int
    title: str
    source: str | None
    published: datetime | None
    url: str | None
    passage: str
    excerpt: str
    marks: tuple[tuple[int, int], ...] = ()
    also: tuple[Attribution, ...] = ()  # other outlets that reported the same passage
    focus: tuple[int, int] | None = None
    # the analysed words of the focus (from the passage's stored terms: index.positions), by
    # which two quotes are the same; None: analyse focus_text (index.results.quote_key)
    quoted: frozenset[str] | None = None

    @property
    def focus_text(self) -> str:
        """The best-matching sentence(s) of the quote: what a one-line preview shows."""
        return self.excerpt if self.focus is None else self.excerpt[self.focus[0]:self.focus[1]]


@dataclass(frozen=True, slots=True)
class DirectAnswer:
    """The answer itself, when a hit states it plainly: «7 كانون الأول 2024» for «متى …»."""

    text: str
    kind: str  # "date" | "number" | "person" | "org" | "place" | "name"
    rank: int  # the hit (Hit.rank) it was taken from
    shown: bool = False  # confident enough to show people (index.direct.SHOWN_KINDS)
    # «أمس», «اليوم السبت» read against the article's date (index.dates): the day it names
    day: date | None = None
    # the rule that read it: a name's (index.direct.SHOWN_RULES) or a count's (SHOWN_COUNT_RULES)
    rule: str | None = None


@dataclass(frozen=True, slots=True)
class Answer:
    """What `answer()` returns: the query, its analysed tokens and the hits (empty when nothing
    is relevant). `problem` names why the query itself could not be used: "empty",
    "too_long" or "no_words" (the bot's texts say it in Arabic)."""

    query: str
    tokens: tuple[str, ...]
    hits: tuple[Hit, ...] = field(default_factory=tuple)
    problem: str | None = None
    total: int = 0
    direct: DirectAnswer | None = None  # index.direct; first page only
    # Refused because the article that tells the story does not give the name asked for
    # («ايش اسم الفندق اللي احترق؟»): that article, so the reply can say where it looked.
    unnamed: Attribution | None = None
    # Answered from the articles the reader was just shown (answer(follows=…)): a follow-up
    # such as «وين هربوا القادة؟» after «شو صار بدرعا؟»
    followed: bool = False

    @property
    def articles(self) -> tuple[int, ...]:
        """The articles the hits quote, in the hits' order, each once."""
        return tuple(dict.fromkeys(h.article_id for h in self.hits))
