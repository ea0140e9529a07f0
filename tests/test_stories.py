"""Stories across outlets (index.stories) and timelines (index.timeline): the signature, the
grouping at ingest, answers naming the other outlets, older stores grouped at start, the CLI's
`story` and `timeline`, and the hand-labelled pairs of the news corpus. Every article here is
invented; the pairs file holds only ids of the shared corpus's articles."""

from __future__ import annotations

import dataclasses
import gzip
import json
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fakes.stories import BRIDGE, OTHER
from test_cli import bot, env  # noqa: F401  (env is a fixture)

from index.ingest import ingest_article, prepare
from index.models import ArticleIn
from index.normalize import analyze
from index.search import Library
from index.store import Store, StoryCandidate, StoryWords, TermFrequency
from index.stories import (
    THRESHOLD,
    article_fingerprint,
    article_words,
    fingerprint,
    group_ungrouped,
    same_headline,
    second_signal,
    shingles,
    similarity,
    stories_to_join,
    within_window,
)
from index.timeline import timeline

ROOT = Path(__file__).resolve().parents[1]
PAIRS = ROOT / "eval" / "stories" / "pairs.jsonl"
NEWS = ROOT.parent / "shared" / "eval" / "news" / "saudinewsnet-2015-08-01_09.json.gz"


def _print(article):
    clean, passages, _, _ = prepare(article)
    return article_fingerprint(clean.title, [p.tokens for p in passages])


# One invented event reported twice in other words (ledes sharing few word pairs), for the
# second signal: the fictional Oasis Cup put off by a year.
CUP = [
    ArticleIn(
        title="تأجيل كأس الواحة الخيالية إلى العام المقبل",
        text="قرر اتحاد الواحة الخيالي لكرة القدم تأجيل كأس الواحة عامًا كاملًا بعد اجتماع "
             "أمناء الأندية أمس.\nوقال رئيس الاتحاد إن التأجيل جاء بسبب الملاعب التي لم تكتمل.",
        source="صحيفة الفجر", url="https://alfajr.example/cup",
        published=datetime(2031, 5, 2, 9, 0, tzinfo=UTC), guid="fajr-cup",
    ),
    ArticleIn(
        title="تأجيل كأس الواحة الخيالية بسبب الملاعب",
        text="بسبب تأخر تجهيز الملاعب، وافق أمناء الأندية في اجتماعهم على طلب الاتحاد "
             "تأجيل البطولة حتى العام المقبل.\nوأكد مسؤول أن التجهيزات ستنتهي خلال شهور.",
        source="جريدة الندى", url="https://alnada.example/cup",
        published=datetime(2031, 5, 3, 8, 0, tzinfo=UTC), guid="nada-cup",
    ),
]


def _words(title: str, lead: str, day: int = 3) -> StoryWords:
    words = article_words(analyze(title), [analyze(lead)], datetime(2031, 5, day, tzinfo=UTC))
    assert words is not None
    return words


def _freq(rare: set[str], *words: StoryWords) -> TermFrequency:
    """1,000 articles: the `rare` words in 3 of them, every other word in 50."""
    every = {t for w in words for t in w.words}
    return TermFrequency(1000, {t: 3 if t in rare else 50 for t in every})


def test_rewordings_are_similar_and_other_news_is_not() -> None:
    prints = [_print(a) for a in [*BRIDGE, OTHER]]
    for i in range(3):
        for j in range(i + 1, 3):
            assert similarity(prints[i].signature, prints[j].signature) >= THRESHOLD
        assert similarity(prints[i].signature, prints[3].signature) < 0.1
    assert _print(BRIDGE[0]) == prints[0]  # the same in every process: a fixed seed
    assert len(prints[0].bands) == 64 and all(0 < b < 2**56 for b in prints[0].bands)


def test_shingles_are_word_pairs_of_the_lead_without_day_terms() -> None:
    got = shingles(["جسر", "الوادي"], [["افتتح", "d:2031-03-04", "الجسر"], ["طول"], ["بعيد"]])
    assert got == {"جسر الوادي", "الوادي افتتح", "افتتح الجسر", "الجسر طول"}
    assert shingles([], []) == set() and fingerprint(set()) is None


def test_the_window_is_three_calendar_days() -> None:
    day = datetime(2031, 3, 4, 23, 0, tzinfo=UTC)
    assert within_window(day, datetime(2031, 3, 7, 0, 30, tzinfo=UTC))
    assert not within_window(day, datetime(2031, 3, 8, tzinfo=UTC))
    assert within_window(None, day)


def test_a_story_spans_at_most_three_days_so_daily_bulletins_do_not_chain() -> None:
    sig = _print(BRIDGE[0]).signature
    other = _print(OTHER).signature

    def day(n: int) -> datetime:
        return datetime(2031, 3, n, tzinfo=UTC)

    def candidate(article: int, story: int, published: int, first: int, last: int,
                  signature: bytes = sig) -> StoryCandidate:
        return StoryCandidate(article, story, signature, day(published), day(first), day(last))

    # yesterday's bulletin is in a story begun four days ago: joining would make it 5 days long
    assert stories_to_join(sig, day(9), [candidate(7, 3, 8, 5, 8)]) == []
    assert stories_to_join(sig, day(9), [candidate(7, 3, 8, 6, 8)]) == [3]
    # the best match first; a second story joins only if the union still fits
    both = [candidate(8, 5, 9, 9, 9), candidate(7, 3, 8, 6, 8)]
    assert stories_to_join(sig, day(9), both) == [3, 5]
    assert stories_to_join(sig, day(9), [candidate(7, 3, 8, 6, 8),
                                         candidate(8, 5, 9, 9, 10)]) == [3]
    assert stories_to_join(sig, day(9), [candidate(7, 3, 8, 6, 8, other)]) == []  # not alike
    assert stories_to_join(sig, day(9), [candidate(7, 3, 4, 4, 4)]) == []  # 5 days apart


def test_headlines_of_one_event_match_and_two_places_do_not() -> None:
    a = _words("بلدية الواحة تفتتح مكتبة السنابل", "افتتحت بلدية الواحة مكتبة السنابل الجديدة")
    b = _words("افتتاح مكتبة السنابل في الواحة", "دشنت البلدية مكتبة السنابل في الواحة")
    rare = {*analyze("الواحة السنابل مكتبة")}
    assert same_headline(a, b, _freq(rare, a, b)) is not None
    # one inspection in each of two towns: each title holds a rare place the other lacks
    c = _words("عمل الواحة يضبط مخالفات العمل تحت الشمس", "ضبط مكتب العمل في الواحة مخالفات")
    d = _words("عمل السنابل يضبط مخالفات العمل تحت الشمس", "ضبط مكتب العمل في السنابل مخالفات")
    assert same_headline(c, d, _freq({*analyze("الواحة السنابل")}, c, d)) is None


def test_same_day_reports_naming_the_same_rare_things_match_despite_their_own_words() -> None:
    """«الصحة تنفي …» and «الوزارة تكشف حقيقة …»: each headline holds a rare word the other
    lacks, but both ledes name the same rare things the same day — one event; a day apart, or
    sharing the kind's words only (two inspections), the veto stands."""
    lead = "نفت وزارة الواحة إيقاف بدلات الأطباء في مستشفى السنابل وقالت إن صرف المزايا مستمر"
    a = _words("الواحة تكشف حقيقة إيقاف بدلات الأطباء", lead)
    b = _words("الواحة تنفي إيقاف صرف البدلات للأطباء", lead + " كالمعتاد")
    rare = {*analyze("الواحة بدلات الأطباء السنابل المزايا إيقاف صرف تنفي تكشف")}
    assert same_headline(a, b, _freq(rare, a, b)) is not None
    later = _words("الواحة تنفي إيقاف صرف البدلات للأطباء", lead, day=4)
    assert same_headline(a, later, _freq(rare, a, later)) is None
    c = _words("عمل الواحة يضبط مخالفات العمل تحت الشمس", "ضبط مكتب العمل في الواحة مخالفات")
    d = _words("عمل السنابل يضبط مخالفات العمل تحت الشمس", "ضبط مكتب العمل في السنابل مخالفات")
    assert same_headline(c, d, _freq({*analyze("الواحة السنابل مخالفات")}, c, d)) is None


def test_the_second_signal_joins_one_story_whose_first_report_matches_too() -> None:
    a = _words("بلدية الواحة تفتتح مكتبة السنابل", "افتتحت بلدية الواحة مكتبة السنابل الجديدة")
    b = _words("افتتاح مكتبة السنابل في الواحة", "دشنت البلدية مكتبة السنابل في الواحة")
    other = _words("زراعة ألف شجرة في النخيل", "زرعت بلدة النخيل ألف شجرة")
    freq = _freq({*analyze("الواحة السنابل مكتبة النخيل شجرة")}, a, b, other)
    day = datetime(2031, 5, 3, tzinfo=UTC)

    sig, unlike = _print(BRIDGE[0]).signature, _print(OTHER).signature  # ledes apart

    def candidate(head: StoryWords, head_id: int, n: int = 1000) -> StoryCandidate:
        return StoryCandidate(7, 3, unlike, day, day, day, words=b, head=head,
                              head_id=head_id, freq=TermFrequency(n, freq.df))

    assert second_signal(a, day, [candidate(b, 7)]) == 3
    assert stories_to_join(sig, day, [candidate(b, 7)], words=a) == [3]
    assert second_signal(a, day, [candidate(other, 5)]) is None  # its story began elsewhere
    assert second_signal(a, day, [candidate(b, 7, n=20)]) is None  # too few articles to tell
    assert stories_to_join(sig, day, [candidate(b, 7)]) == []  # no words: the lede alone


async def test_reworded_reports_stay_apart_while_the_store_is_small(store: Store) -> None:
    prints = [_print(a) for a in CUP]
    assert similarity(prints[0].signature, prints[1].signature) < THRESHOLD  # ledes apart
    for article in CUP:
        await ingest_article(store, article, "test")
    assert sorted(await store.stories.sizes()) == [1, 1]  # two articles: rarity means nothing


async def test_reworded_reports_join_by_the_second_signal(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    # as in a store of many articles, where these words are rare
    monkeypatch.setattr("index.stories.MIN_ARTICLES", 1)
    monkeypatch.setattr("index.stories.RARE_SHARE", 1.0)
    for article in [OTHER, *CUP]:
        await ingest_article(store, article, "test")
    assert sorted(await store.stories.sizes()) == [1, 2]


async def test_a_timeline_lists_the_stories_about_the_words_not_those_naming_them_once(
    store: Store,
) -> None:
    """A report that names the bridge only deep in its text, about something else, is not a
    story about the bridge (its title and lead do not name it); a story of one whose lead
    does, is."""
    passing = ArticleIn(
        title="مهرجان الربيع يختتم فعالياته في السنابل",
        text="اختتم مهرجان الربيع الخيالي فعالياته مساء الخميس بحضور آلاف الزوار.\n"
             "وقدمت الفرق الشعبية عروضها في الساحة الكبرى طوال أسبوع.\n"
             "وشارك في المهرجان حرفيون من القرى المجاورة.\n"
             "وكان الزوار قد وصلوا عبر جسر وادي الريحان الذي افتتح قبل أيام.",
        source="صحيفة الفجر", url="https://alfajr.example/spring",
        published=datetime(2031, 3, 6, 9, 0, tzinfo=UTC), guid="fajr-spring",
    )
    lone = ArticleIn(
        title="جسر الريحان يستقبل أول حافلة",
        text="عبرت أول حافلة ركاب جسر وادي الريحان صباح الجمعة متجهة إلى سوق المدينة.",
        source="جريدة الندى", url="https://alnada.example/bus",
        published=datetime(2031, 3, 7, 9, 0, tzinfo=UTC), guid="nada-bus",
    )
    for article in [*BRIDGE, OTHER, passing, lone]:
        await ingest_article(store, article, "test")
    library = Library(store)
    await library.build()
    answer = await library.answer("جسر وادي الريحان", top=50, dates=False)
    assert "مهرجان الربيع يختتم فعالياته في السنابل" in {h.title for h in answer.hits}
    lines = await timeline(library, "جسر وادي الريحان")
    assert [(line.title, line.reports) for line in lines] == [
        ("افتتاح جسر وادي الريحان في قرية السنابل", 3), ("جسر الريحان يستقبل أول حافلة", 1)]


async def test_answers_name_the_outlets_of_the_passage_s_story(store: Store) -> None:
    for article in [*BRIDGE, OTHER]:
        await ingest_article(store, article, "test")
    library = Library(store)
    await library.build()
    answer = await library.answer("كم بلغت تكلفة جسر وادي الريحان؟")
    first = answer.hits[0]
    outlets = {first.source, *(a.source for a in first.also)}
    assert outlets == {"صحيفة الفجر", "جريدة الندى", "وكالة السهل"}
    assert len({a.article_id for a in first.also}) == len(first.also)  # each report once


async def test_a_report_dated_without_a_zone_joins_its_story(store: Store) -> None:
    """Found by the stall bench: a report whose time had no zone (SaudiNewsNet's ISO dates,
    a feed's) crashed ingest when compared with its story's dates as the store reads them."""
    first, second = BRIDGE[0], BRIDGE[1]
    naive = dataclasses.replace(second, published=second.published.replace(tzinfo=None))
    one = await ingest_article(store, first, "test")
    two = await ingest_article(store, naive, "test")
    stories = await store.stories.story_ids([one.article_id, two.article_id])
    assert stories[one.article_id] == stories[two.article_id]
    stored = await store.articles.get(two.article_id)
    assert stored.published == second.published  # read as UTC


async def test_articles_stored_before_stories_are_grouped_at_start(
    store: Store, db_path: Path
) -> None:
    for article in [*BRIDGE, OTHER]:
        await ingest_article(store, article, "test")
    with sqlite3.connect(db_path) as con:  # as a database from before migration 0006
        con.execute("DELETE FROM story_bands")
        con.execute("DELETE FROM story_members")
    assert len(await store.stories.ungrouped()) == 4
    assert await group_ungrouped(store) == 4
    assert sorted(await store.stories.sizes()) == [1, 3]
    assert await group_ungrouped(store) == 0


def test_cli_story_and_timeline(env: dict[str, str], tmp_path: Path) -> None:  # noqa: F811
    folder = tmp_path / "stories"
    folder.mkdir()
    items = [{"title": a.title, "text": a.text, "source": a.source, "url": a.url,
              "published": a.published.isoformat(), "guid": a.guid} for a in [*BRIDGE, OTHER]]
    (folder / "stories.json").write_text(json.dumps(items, ensure_ascii=False), "utf-8")
    assert bot(env, "ingest", "--no-progress", str(folder)).returncode == 0
    listing = bot(env, "story", "3")  # the bridge reports are 1, 2 and 3
    assert listing.returncode == 0, listing.stderr
    lines = listing.stdout.splitlines()
    assert [line.split(" · ")[1] for line in lines] == ["صحيفة الفجر", "جريدة الندى",
                                                         "وكالة السهل"]
    assert lines[0].startswith("4 مارس 2031") and lines[0].endswith("https://alfajr.example/bridge")
    assert bot(env, "story", "/story_2").stdout == listing.stdout
    missing = bot(env, "story", "999")
    assert missing.returncode == 1 and "لا أعرف" in missing.stderr
    assert bot(env, "story", "abc").returncode == 2
    timeline = bot(env, "timeline", "جسر", "وادي", "الريحان")
    assert timeline.returncode == 0, timeline.stderr
    [line] = timeline.stdout.splitlines()
    assert line == ("4 مارس 2031 · افتتاح جسر وادي الريحان في قرية السنابل · "
                    "صحيفة الفجر، جريدة الندى، وكالة السهل (3) · #1")
    assert "لم أجد" in bot(env, "timeline", "زلزال المريخ").stdout


def test_the_labelled_pairs_hold_ids_and_labels_only() -> None:
    pairs = [json.loads(line) for line in PAIRS.read_text("utf-8").splitlines()]
    assert len(pairs) >= 100
    assert {p["same"] for p in pairs} == {True, False}
    for pair in pairs:
        assert set(pair) <= {"a", "b", "same", "sampled", "note"}
        assert pair["a"].startswith("saudinewsnet-") and pair["a"] != pair["b"]


@pytest.mark.skipif(not NEWS.is_file(), reason=f"the news corpus is not at {NEWS} (../shared)")
def test_every_labelled_pair_names_articles_of_the_news_corpus() -> None:
    guids = {a["guid"] for a in json.loads(gzip.decompress(NEWS.read_bytes()))}
    pairs = [json.loads(line) for line in PAIRS.read_text("utf-8").splitlines()]
    assert {g for p in pairs for g in (p["a"], p["b"])} <= guids


def test_the_pairs_split_in_two_halves_by_their_ids() -> None:
    """`eval --stories` reports the half the session 7 rule was chosen on and the half held
    out: a split by the pair's ids alone, the same on every run, each half holding hard cases
    of both labels."""
    from bot.measure import story_half

    pairs = [json.loads(line) for line in PAIRS.read_text(encoding="utf-8").splitlines()
             if line.strip()]
    halves = [story_half(p) for p in pairs]
    assert halves == [story_half(dict(p)) for p in pairs] and set(halves) == {0, 1}
    for half in (0, 1):
        hard = [p["same"] for p, h in zip(pairs, halves, strict=True)
                if h == half and p["sampled"].startswith("hard-")]
        assert any(hard) and not all(hard)
