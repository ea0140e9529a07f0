"""Names as direct answers (index.names, index.direct): who («من/مين/منو/شكون»), where
(«أين/وين/فين»), what it is called («ما اسم/شو اسم»). Every passage here is invented."""

from __future__ import annotations

import pytest
from test_direct import hit

from bot.format import html_answer, render_text, to_json
from index import names
from index.direct import SHOWN_RULES, asks_for, direct_answer, gives_name
from index.models import Answer, DirectAnswer
from index.query import question_type


def ask(question: str, excerpt: str, marked: list[str]) -> DirectAnswer | None:
    return direct_answer(question, question_type(question), [hit(excerpt, marked)])


def person_after_title(text: str) -> str | None:
    toks = names.tokens(text)
    for i in range(len(toks)):
        span = names.titled_person(toks, i)
        if span is not None:
            return text[toks[span.first].start : toks[span.last - 1].end]
    return None


# ---- where a name begins and ends ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "name"),
    [
        # a title, its adjectives with the article, then the name up to a time word
        ("أعلن المقدم السوري سامر الخيالي اليوم افتتاح الجسر", "سامر الخيالي"),
        # joiners bind «بن», «عبد الله», «آل»; the comma ends it
        ("قال الأمير فيصل بن عبد الله آل نهار، إن الجسر جاهز", "فيصل بن عبد الله آل نهار"),
        # a title without the article heads a construct: its genitive comes first
        ("التقى وزير الخارجية عادل الواحي بالوفد", "عادل الواحي"),
        # «الملك سلمان»: another title after the first names the person
        ("وصل خادم الحرمين الشريفين الملك سالم الواحي إلى المدينة", "سالم الواحي"),
        # a verb ends the name («يصافح»), and so does the next person's title
        ("استقبل المحافظ كمال الواحي الرئيس الضيف", "كمال الواحي"),
        ("وقّع السفير كمال الواحي سيترأس وفدا", "كمال الواحي"),
        # a name with the article at its end, before a boundary
        ("وقال المدرب البلجيكي جان بيير الواحي إن الفريق مستعد", "جان بيير الواحي"),
    ],
    ids=["time-word", "joiners", "construct", "second-title", "next-title", "future-verb",
         "nisba-skipped"],
)
def test_where_a_name_ends(text: str, name: str) -> None:
    assert person_after_title(text) == name


@pytest.mark.parametrize(
    "text",
    [
        "وحاكم الواحة ما بين عامي 1800 و1850",  # the construct never reaches «ال…»
        "الشاب يبلغ من العمر عشرين عاما",  # a verb, not a name, after the title
        "قال المتحدث إن الجسر جاهز",  # «إن» right after the title
        "قال الرئيس بن الخيالي",  # a name does not begin with «بن»
    ],
    ids=["construct-without-article", "verb", "particle", "joiner-first"],
)
def test_no_name_after_a_title(text: str) -> None:
    assert person_after_title(text) is None


def test_heads_read_organisations_places_and_quoted_names() -> None:
    text = 'أعلنت غرفة عمليات الواحة اليوم من مدينة السراب الخضراء إطلاق معركة «فجر الواحة».'
    toks = names.tokens(text)

    def read(word: str) -> tuple[str, str] | None:
        at = next(i for i, t in enumerate(toks) if t.text == word)
        span = names.headed(text, toks, at)
        if span is None:
            return None
        return text[toks[span.first].start : toks[span.last - 1].end], span.kind

    assert read("غرفة") == ("غرفة عمليات الواحة", "org")  # stops at the time word
    assert read("مدينة") == ("مدينة السراب الخضراء", "place")
    assert read("معركة") == ("فجر الواحة", "name")  # the quotation, not the head
    assert read("إطلاق") is None


# ---- which question asks for a name ------------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "asks"),
    [
        ("مين أعلن تحرير الواحة؟", "who"),
        ("شكون اللي افتتح الجسر؟", "who"),
        ("وين دفنوا الشاعر؟", "where"),
        ("من أين انطلقت القافلة؟", "where"),
        ("شو اسم المعركة؟", "name"),
        ("مين قائد الغرفة؟ شو اسمو؟", "name"),
        ("من كم محافظة تتكون الواحة؟", None),
        ("من أي مدرسة تخرج الشاعر؟", None),
        ("متى افتتح الجسر؟", None),
    ],
)
def test_which_questions_ask_for_a_name(question: str, asks: str | None) -> None:
    assert asks_for(question, question_type(question)) == asks


# ---- the answer a question gets -----------------------------------------------------------------

SPEECH = "وأعلن «المقدم سامر الخيالي» القيادي في الغرفة اليوم افتتاح الجسر الجديد فوق النهر."


def test_who_gets_the_titled_person_beside_the_question_s_words() -> None:
    answer = ask("مين أعلن افتتاح الجسر؟", SPEECH, ["وأعلن", "افتتاح", "الجسر"])
    assert answer == DirectAnswer("سامر الخيالي", "person", 1, shown=True, rule="title")


def test_no_name_when_the_only_one_is_the_question_s_own_or_there_is_none() -> None:
    own = ask("من هو سامر الخيالي؟", SPEECH, ["سامر", "الخيالي"])
    assert own is None
    nameless = "أعلنت البلدية اليوم افتتاح الجسر الجديد فوق النهر."
    assert ask("مين أعلن افتتاح الجسر؟", nameless, ["افتتاح", "الجسر"]) is None


def test_a_subject_organisation_is_read_but_not_shown() -> None:
    text = "أعلنت جمعية أصدقاء المكتبة تنظيم معرض الكتاب في الواحة."
    answer = ask("مين أعلن تنظيم معرض الكتاب؟", text, ["تنظيم", "معرض", "الكتاب"])
    assert answer is not None and (answer.text, answer.kind) == ("جمعية أصدقاء المكتبة", "org")
    assert answer.shown is False and "org" not in SHOWN_RULES  # JSON only
    # an organisation after a noun is not a verb's subject: no answer
    other = "قال زعيم جمعية أصدقاء المكتبة إن المعرض تأجل."
    assert ask("مين أجل المعرض؟", other, ["المعرض"]) is None


def test_the_name_asked_for_by_its_noun() -> None:
    text = "وجاء الهجوم في إطار معركة «فجر الواحة» التي أطلقتها الفصائل في الجنوب."
    answer = ask("شو اسم المعركة اللي أطلقتها الفصائل؟", text, ["معركة", "أطلقتها", "الفصائل"])
    assert answer == DirectAnswer("فجر الواحة", "name", 1, shown=True, rule="asked")
    # the noun asked for is a person's role: another role's name is not the answer
    roles = "استقبل الوزير كمال الواحي وفد الجمعية في مقر الوزارة."
    assert ask("ما اسم المدرب الذي استقبل الوفد؟", roles, ["استقبل", "وفد"]) is None


def test_a_person_asked_by_its_noun_may_be_named_by_lineage_anywhere_near() -> None:
    """«عرّفته الداخلية بأنه السعودي يوسف بن سليمان»: no title before the name, but «بن»
    between its words makes it a person's; read for a person noun asked («الانتحاري»), not
    for a thing («الفندق») nor as the generic «مين» answer (ARCD: 2 of 9 right there)."""
    text = ("وأعلنت الداخلية أن الانتحاري الذي نفذ تفجير مسجد الواحة هو سالم بن خالد "
            "العبدالله، من مواليد الواحة.")
    toks = names.tokens(text)
    spans = [names.nasab(toks, i) for i in range(len(toks))]
    read = [text[toks[s.first].start : toks[s.last - 1].end] for s in spans if s is not None]
    assert read == ["سالم بن خالد العبدالله"]
    marked = ["تفجير", "مسجد", "الواحة"]
    answer = ask("شو اسم الانتحاري اللي فجر مسجد الواحة؟", text, marked)
    assert answer is not None and answer.text == "سالم بن خالد العبدالله"
    assert answer.rule == "nasab" and not answer.shown
    assert gives_name("شو اسم الانتحاري اللي فجر مسجد الواحة؟", "what", [hit(text, marked)])
    assert not gives_name("شو اسم المسجد اللي تفجر بالواحة؟", "what", [hit(text, marked)])
    # a run read from its middle is no name of its own
    assert names.nasab(toks, toks.index(next(t for t in toks if t.norm == "خالد"))) is None


def test_where_gets_the_place_after_the_preposition_the_question_asks_for() -> None:
    text = "ودُفن الشاعر الراحل في مدينة السراب الخضراء بعد صلاة العصر."
    answer = ask("وين دفنوا الشاعر؟", text, ["ودُفن", "الشاعر"])
    assert answer == DirectAnswer("مدينة السراب الخضراء", "place", 1, shown=True, rule="place")
    # a place not after «في» is one the quote names, not where it happened
    visited = "زار الشاعر الراحل مدينة السراب الخضراء قبل وفاته."
    assert ask("وين دفنوا الشاعر؟", visited, ["الشاعر"]) is None
    # «لوين»: to where — the place after «إلى», not the one after «في»
    went = "انسحبت القوات في مدينة السراب إلى مدينة الواحة الشرقية."
    answer = ask("لوين انسحبت القوات؟", went, ["انسحبت", "القوات"])
    assert answer is not None and answer.text == "مدينة الواحة الشرقية"


def test_a_known_place_is_read_but_not_shown() -> None:
    text = "توفي الشاعر الخيالي في باريس إثر أزمة قلبية."
    answer = ask("أين توفي الشاعر؟", text, ["توفي", "الشاعر"])
    assert answer == DirectAnswer("باريس", "place", 1, shown=False, rule="known")


def test_a_name_in_another_script() -> None:
    text = "تعرف مكتبة الواحة بالإنجليزية باسم (Oasis Public Library) منذ افتتاحها."
    answer = ask("ما اسم مكتبة الواحة بالإنجليزية؟", text, ["مكتبة", "الواحة"])
    assert answer == DirectAnswer("Oasis Public Library", "name", 1, shown=True, rule="foreign")


def test_an_object_question_takes_the_one_after_its_preposition() -> None:
    text = "فاز اللاعب سامر الخيالي على اللاعب الضيف كمال الواحي في النهائي."
    answer = ask("الخيالي فاز على منو بالنهائي؟", text, ["فاز", "الخيالي", "النهائي"])
    assert answer is not None and answer.text == "كمال الواحي"


def test_the_quote_must_be_the_best_one() -> None:
    close = [hit(SPEECH, ["وأعلن", "افتتاح"], score=10.0),
             hit("نص آخر عن الجسر.", ["الجسر"], rank=2, score=10.5)]
    assert direct_answer("مين أعلن افتتاح الجسر؟", "who", close) is None


# ---- how it is shown ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "rule", "shown"),
    [("person", "title", True), ("org", "org", False), ("place", "place", True),
     ("name", "asked", True)],
)
def test_the_json_field_and_the_line_for_each_kind(kind: str, rule: str, shown: bool) -> None:
    from bot.texts import DIRECT_FROM

    direct = DirectAnswer("سامر <الخيالي>", kind, 2, shown=shown, rule=rule)
    answer = Answer(query="مين؟", tokens=("مين",), hits=(hit(SPEECH, []),), total=1,
                    direct=direct)
    assert to_json(answer)["direct_answer"] == {
        "text": "سامر <الخيالي>", "kind": kind, "rank": 2, "shown": shown, "rule": rule}
    line = f"📌 <b>سامر &lt;الخيالي&gt;</b> — {DIRECT_FROM.format(rank=2)}"
    assert (line in html_answer(answer)[0]) is shown  # escaped, bold, only when shown
    assert ("📌 سامر <الخيالي>" in render_text(answer)) is shown


# ---- a name asked for and not given (index.direct.gives_name) -----------------------------------

ANONYMOUS = "أصيب رجلان باختناق بعد اندلاع حريق في فندق بحي الرمال بمدينة الواحة صباح اليوم."
NAMED = "أصيب رجلان باختناق بعد اندلاع حريق في فندق قصر الندى بمدينة الواحة صباح اليوم."
# a spokesman «باسم» a ministry speaks for it: no name of the hotel there
SPOKESMAN = ("قال متحدث باسم وزارة الداخلية إن حريقا اندلع في فندق بحي الرمال بمدينة الواحة "
             "صباح اليوم.")


@pytest.mark.parametrize(
    ("question", "excerpt", "gives"),
    [
        ("ايش اسم الفندق اللي احترق بالواحة؟", ANONYMOUS, False),
        ("شو اسم الفندق اللي احترق بالواحة؟", NAMED, True),
        ("ما اسم الفندق الذي احترق في الواحة؟", ANONYMOUS, False),
        # «اسم» not asked: «المعروف باسم …» names something the question already holds
        ("ما الفندق المعروف باسم فندق الحريق في الواحة؟", ANONYMOUS, True),
        # no head noun to read a name after: left to the relevance rule
        ("ما اسم اخيه؟", ANONYMOUS, True),
        # not a name question at all
        ("شو صار بالفندق اللي احترق بالواحة؟", ANONYMOUS, True),
        # Maghrebi «سميت» (his name) after a question word; «سمية» the name asks nothing
        ("شنو سميت الفندق اللي احترق فالواحة؟", ANONYMOUS, False),
        ("ماذا قالت سمية عن الفندق الذي احترق في الواحة؟", ANONYMOUS, True),
        ("ايش اسم الفندق اللي احترق بالواحة؟", SPOKESMAN, False),
    ],
    ids=["gulf-anonymous", "levantine-named", "msa-anonymous", "known-as", "no-head-noun",
         "what-happened", "maghrebi-anonymous", "sumaya", "spokesman-for"],
)
def test_a_name_asked_for_must_be_in_a_quote(question: str, excerpt: str, gives: bool) -> None:
    marked = [w for w in ("حريق", "فندق", "الواحة") if w in excerpt]
    assert gives_name(question, question_type(question), [hit(excerpt, marked)]) is gives


OWNER = ("دخلت كوبرا سامة فناء منزل في قرية جدرة ولقيت حتفها على يد صاحب الدار إذ قضى عليها "
         "بقطعة حديدية.")
OWNER_NAMED = ("دخلت كوبرا سامة فناء منزل في قرية جدرة ولقيت حتفها على يد صاحب المنزل سعيد "
               "الغامدي إذ قضى عليها بقطعة حديدية.")


@pytest.mark.parametrize(
    ("question", "excerpt", "gives"),
    [
        # «اسمه» last: the name of the one the who-word asked about («منو صاحب البيت»)
        ("الكوبرا اللي قتلوها بجدرة، منو صاحب البيت اللي قتلها؟ شنو اسمه؟", OWNER, False),
        ("الكوبرا اللي قتلوها بجدرة، منو صاحب البيت اللي قتلها؟ شنو اسمه؟", OWNER_NAMED,
         True),
        # … or of the person the question opens with: «العسكري … شنو سميتو؟»
        ("العسكري اللي قتل الكوبرا بجدرة شنو سميتو؟", OWNER, False),
    ],
    ids=["owner-anonymous", "owner-named", "soldier-anonymous"],
)
def test_the_name_asked_for_after_a_who_word(question: str, excerpt: str, gives: bool) -> None:
    marked = [w for w in ("كوبرا", "جدرة", "قتل") if w in excerpt]
    assert gives_name(question, question_type(question), [hit(excerpt, marked)]) is gives


def test_any_quote_shown_may_give_the_name() -> None:
    question = "ايش اسم الفندق اللي احترق بالواحة؟"
    quotes = [hit(ANONYMOUS, ["حريق", "فندق"]), hit(NAMED, ["حريق", "فندق"], rank=2)]
    assert gives_name(question, question_type(question), quotes)
    assert gives_name(question, question_type(question), [])  # nothing to judge
