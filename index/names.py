"""Names in a quote: who («من»), where («أين»), what it is called («ما اسم») — read by rules,
not by a trained recogniser, so each rule can be measured and kept or dropped on its own.

Arabic has no capitals, so where a name ends is read from what stops it: punctuation, a
function word, a verb of saying or doing, a time word, a title (the next person), a
preposition glued to the article («بالرياض», «للشركة»), or a second word with the article
after the name has begun («محمد بن سلمان» stops before «الرئيس»), unless a joiner binds it
(«بن», «أبو», «عبد», «آل»). Where a name begins is read from what announces it: a title or
role («المقدم حسن عبد الغني», «المدرب البلجيكي جان فان ونسل»), a head noun («غرفة عمليات
الجنوب», «مدينة سكاكا», «مجلة الجرس»), or a quotation after «باسم/يدعى» (“كسر القيود”).
The word lists are written for this module (news Arabic, normalized: أ→ا, ة→ه, ى→ي).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from index.normalize import STOPWORDS, analyze, normalize


def _listed(words: str) -> frozenset[str]:
    """A word list as written here, normalized the way quotes are (قائد → قايد)."""
    return frozenset(normalize(w) for w in words.split())


# ---- word lists ------------------------------------------------------------------------------

# Titles and roles that stand before a person's name (without «ال»): «الرئيس», «وزير»,
# «المقدم», «الناشط», «اللاعب» … and the nouns a reader asks for by («الانتحاري», «الشاب»).
TITLES: frozenset[str] = _listed("""
رئيس رئيسه امير اميره ملك ملكه سلطان شيخ شيخه وزير وزيره سفير سفيره محافظ امين متحدث ناطق
ناشط ناشطه قائد قياديه قيادي زعيم مقدم عقيد لواء عميد رائد نقيب ملازم رقيب عريف مشير عماد
جنرال دكتور دكتوره بروفيسور مهندس مهندسه استاذ استاذه مدرب مدربه لاعب لاعبه حارس مهاجم
مدافع نجم نجمه فنان فنانه مطرب مطربه مغني مغنيه ممثل ممثله مخرج مخرجه منتج كاتب كاتبه شاعر
شاعره روائي اديب اديبه صحفي صحفيه اعلامي اعلاميه مذيع مذيعه زميل زميله باحث باحثه داعيه
امام خطيب مفتي قاضي قاضيه نائب نائبه عضو مدير مديره مستشار مستشاره ولي خادم مبعوث مندوب
مرشد سيد سيده حاج عازف طبيب طبيبه ملا بابا بطريرك مطران مواطن مواطنه مقيم شاب شابه طفل
طفله فتي فتاه متهم انتحاري ارهابي هالك رجل امراه رسام نحات مصور مصوره مغرد مرشح مرشحه
مؤلف مؤسس صاحب حاكم والي عسكري جندي ضابط
""")

# Heads of organisation names: «وزارة الداخلية», «غرفة عمليات الجنوب», «حزب العدالة والتنمية».
ORG_HEADS: frozenset[str] = _listed("""
وزاره هيئه شركه جمعيه منظمه حركه تنظيم جبهه مجلس اتحاد نادي جامعه صحيفه جريده مجله قناه
وكاله حزب جماعه مجموعه فصيل فصائل كتيبه كتايب فرقه قوات جيش مؤسسه بنك مصرف محكمه نيابه اداره
مديريه امانه بلديه غرفه دائره لجنه مكتب رابطه نقابه كليه اكاديميه معهد منتخب فريق
""")

# Heads of places: «مدينة سكاكا», «ريف حماة الشرقي», «مطار الثعلة», «جامع الملك خالد».
PLACE_HEADS: frozenset[str] = _listed("""
مدينه محافظه منطقه حي قريه بلده ريف مطار ميناء ولايه اقليم جزيره مخيم جامع مسجد مستشفي
فندق مطعم شارع ساحه منفذ سجن دوله جمهوريه مملكه اماره عاصمه قضاء ناحيه جبل نهر بحر وادي
صحراء معبر مرفا محطه ملعب استاد مجمع سوق برج قصر
""")

# Heads of other named things: «معركة “كسر القيود”», «خدمة “سداد”», «مهرجان الباحة للعسل».
THING_HEADS: frozenset[str] = _listed("""
معركه عمليه حمله مبادره مشروع خدمه برنامج مهرجان جائزه بطوله مسابقه كاس دوري تطبيق موقع
مسلسل فيلم كتاب روايه قصيده اغنيه البوم
""")

_HEADS = TITLES | ORG_HEADS | PLACE_HEADS | THING_HEADS

# Joiners inside a name: «محمد بن سلمان», «أبو القاسم», «عبد الله», «آل سعود».
_JOINERS = _listed("بن ابن بنت ابو ابي ابا ام عبد ال آل ذو ذي")

# Verbs that follow or precede a name in news («قال فلان», «فلان أكد»): a name stops there.
# Perfect forms; the feminine «ـت» and plural «ـوا» are added below.
_VERB_STEMS = """
قال اعلن اكد اوضح اضاف اشار ذكر صرح كشف افاد بين لفت شدد نفي اعتبر دعا طالب وصل غادر
استقبل التقي بحث وقع افتتح رعي تراس شارك سجل احرز اهدر فاز خسر توفي قتل فجر اعتقل عين قرر
اصدر وجه امر حذر اتهم نقل رحب هنا عزي اشاد ثمن تلقي اجري زار ترشح انضم تولي قاد اسس ولد
عاش درس حصل نال انتقل لعب عاد بدا اطلق تبني نفذ ادي ادلي استمر اختار انتخب فجع اصيب نشر
كتب الف تزوج حكم هاجم تمكن استطاع يقول تقول يري تري يؤكد تؤكد يعد تعد يعتبر تعتبر
"""
_VERBS: frozenset[str] = frozenset(
    form for stem in _listed(_VERB_STEMS) for form in (stem, stem + "ت", stem + "وا", stem + "ا")
)

# Time words and adverbs that follow a name in news («أعلن المقدم … اليوم»).
_TIME_WORDS = _listed("""
اليوم امس غدا صباح مساء ظهر فجر ليله يوم الاثنين الثلاثاء الاربعاء الخميس الجمعه السبت
الاحد الماضي الماضيه المقبل الحالي حاليا سابقا مؤخرا رسميا ايضا مجددا اثر عقب اثناء خلال
لدي وفق حسب بحسب نيابه عبر ضمن امام الذي التي الذين اللي انو انه انها بانه بانها
""")

# Adjectives of origin and direction: «المدرب البلجيكي», «أول فنانة عربية», «مستشفى إسرائيلي»,
# «حي المنيظر شمال …». They describe a name; they are not one.
_ORIGINS = _listed("""
عربي مصري سعودي سوري عراقي اردني لبناني فلسطيني يمني عماني كويتي قطري بحريني اماراتي ليبي
تونسي جزايري مغربي سوداني تركي ايراني باكستاني افغاني هندي صيني ياباني كوري روسي اوكراني
الماني فرنسي بريطاني انجليزي انكليزي ايطالي اسباني برتغالي هولندي بلجيكي سويسري نمساوي
سويدي نرويجي دنماركي يوناني امريكي كندي مكسيكي برازيلي ارجنتيني استرالي اسرائيلي اوروبي
اسيوي افريقي دولي اسلامي مسيحي يهودي غربي شرقي شمالي جنوبي محلي وطني
""")
_ORIGIN_WORDS = _ORIGINS | {w + "ه" for w in _ORIGINS} | {w[:-1] + "ون" for w in _ORIGINS}
_DIRECTIONS = _listed("""
شمال جنوب شرق غرب وسط قرب بالقرب داخل خارج شمالي جنوبي شرقي غربي اول ثاني ثالث اخر اخري
جديد الجديد جديده الجديده سابق السابق سابقه السابقه
""")
# Given names that begin like a verb of the present («يوسف», not «يصافح»): a word opening
# with «ي» is taken for a verb unless it is one of these.
_Y_NAMES = _listed("يوسف يحيى يزيد ياسر يعقوب يونس ياسين يسرى يمنى ياسمين يامن يعرب يسرا يارا")
# Titles that stand inside a place's or body's name before a person: «جامع الملك خالد».
_ROYAL = _listed("ملك امير شيخ امام سلطان")
# Adverbs with tanween alef («تاريخيًا»), and verbs the lists above miss that begin a clause.
_ADVERBS = _listed("""
تاريخيا رسميا حاليا سابقا مؤخرا عمليا فعليا تقريبا جدا ايضا اساسا خصوصا تحديدا مباشره
يبلغ تبلغ يطلق تطلق استولي يعمل تعمل يعيش تعيش
واحد اثنان اثنين ثلاث ثلاثه اربع اربعه خمس خمسه ست سته سبع سبعه ثمان ثماني تسع تسعه عشر عشره
مئه مائه الف مليون
""")
# Words that go on a name whatever they look like: «عبد الله», «صلاح الدين», «عطاء الله».
# Joiners a name cannot begin with («بن», unlike «ابن خلدون» or «أبو القاسم»).
_BOUND_JOINERS = _listed("بن بنت ال آل ذو ذي")
_NAME_TAILS = _listed("الله الدين الرحمن الرحيم العزيز الكريم الحميد")

_LETTERS_ONLY = re.compile(r"^[\u0621-\u064a]+$")


@dataclass(frozen=True, slots=True)
class Token:
    """One word or punctuation mark of a quote, with its offsets in the quote's plain text."""

    start: int
    end: int
    text: str
    norm: str  # normalized (أ→ا, ة→ه, ى→ي); punctuation as written

    @property
    def word(self) -> bool:
        return bool(_LETTERS_ONLY.match(self.norm))


@dataclass(frozen=True, slots=True)
class Span:
    """A name read from a quote: token indexes [first, last), its kind and the rule that read
    it (index.direct shows only rules measured right often enough)."""

    first: int
    last: int
    kind: str  # "person" | "org" | "place" | "name"
    rule: str


_TOKEN = re.compile(r"[^\W\d_]+|\d+(?:[.,]\d+)*|[^\w\s]")


def tokens(text: str) -> list[Token]:
    """Words, numbers and single punctuation marks of `text`."""
    return [Token(m.start(), m.end(), m.group(0), normalize(m.group(0)))
            for m in _TOKEN.finditer(text)]


# A pure function of a word and one of this module's fixed lists, asked for every word of
# every quote a name is read from (~120 times an answer): cached, `answer()` over the reader
# questions p50 −0.1 ms, p95 −0.9 ms (in-process A/B, ten alternating passes; session 18).
@lru_cache(maxsize=1 << 16)
def bare(norm: str, heads: frozenset[str]) -> str | None:
    """The entry of `heads` a word is, past its clitics: «والرئيس», «للوزير», «بمدينة» →
    «رئيس», «وزير», «مدينه»; None when it is none of them."""
    forms = [norm]
    if norm[:1] in "وف":
        forms.append(norm[1:])
    forms += [f[1:] for f in forms if f[:1] in "بلك"]
    forms += [f[2:] for f in forms if f.startswith("ال")] + [f[1:] for f in forms
                                                           if f.startswith("ل")]
    return next((f for f in forms if f in heads), None)


def _defined(norm: str) -> bool:
    """A word with the article: «الخارجية», «والتنمية»; a name's joiner «آل» is not one."""
    return norm.startswith(("ال", "وال")) and len(norm) > 3 and norm != "ال"


def _glued(norm: str) -> bool:
    """A preposition on the article: «بالرياض», «للشركة», «كالعادة» begin a phrase of their
    own."""
    return norm.startswith(("بال", "لل", "كال", "فال", "وبال", "ولل"))


def is_verb(norm: str) -> bool:
    """A verb of the news list, maybe after «و»/«ف»: «وأعلنت», «قال»."""
    return norm in _VERBS or (norm[:1] in "وف" and norm[1:] in _VERBS)


def stops_name(tok: Token) -> bool:
    """Whether `tok` cannot be part of a name: punctuation, a number, a function, time or
    verb word, a title (the next person), a preposition glued to the article."""
    return _stops(tok.norm)


@lru_cache(maxsize=1 << 16)
def _stops(n: str) -> bool:
    """`stops_name` for a normalized word (a token's `word` follows from its `norm`)."""
    if len(n) >= 5 and (n[:2] in ("وي", "وت", "سي", "ست") or n.endswith(("ها", "هم"))):
        return True  # «وتقسم», «سيترأس»: a verb; «لألبومها»: a pronoun on a noun
    plain = n[1:] if n[:1] == "و" else n
    plain = plain[2:] if plain.startswith("ال") else plain
    return (not _LETTERS_ONLY.match(n) or n in STOPWORDS or n in _TIME_WORDS or is_verb(n)
            or plain in _ORIGIN_WORDS or n in _DIRECTIONS or n in _ADVERBS
            or bare(n, TITLES) is not None or (n[:1] == "ي" and len(n) >= 4 and n not in _Y_NAMES)
            or _glued(n) or len(n) < 2)


def name_run(toks: list[Token], at: int, limit: int = 7) -> int:
    """The end (exclusive) of a person's name starting at `at`: words without the article,
    bound by joiners («محمد بن سلمان», «عبد الله», «أبو القاسم»), and one word with the article
    at the end when a boundary follows it («بشار الأسد،»); `at` itself when no name starts."""
    end = at
    while end < len(toks) and end - at < limit:
        tok = toks[end]
        if stops_name(tok) and tok.norm not in _JOINERS:
            break
        after_joiner = end > at and toks[end - 1].norm in _JOINERS
        if tok.norm in _NAME_TAILS and end > at:
            end += 1
            continue
        if tok.norm.startswith("وال"):
            break  # «… والحالي»: «و» joins what follows to something else
        if _defined(tok.norm) and not after_joiner:
            # a family name with the article ends the name, if what follows cannot go on
            follows = toks[end + 1] if end + 1 < len(toks) else None
            if end > at and (follows is None or stops_name(follows)) and \
                    bare(tok.norm, TITLES) is None:
                end += 1
            break
        if tok.norm.startswith("و") and end > at and tok.norm not in _JOINERS \
                and len(tok.norm) > 3 and tok.norm[1:] not in _JOINERS:
            break  # «وسلمان»: a second person joined by «و»
        end += 1
    while end > at and toks[end - 1].norm in _JOINERS:
        end -= 1
    if end > at and toks[at].norm in _BOUND_JOINERS:
        return at  # «بن إسماعيل …» is the tail of a name begun elsewhere
    words = sum(1 for t in toks[at:end] if t.norm not in _JOINERS)
    if words == 1 and end < len(toks) and toks[end].word and toks[end].norm not in _VERBS:
        # one word, and no punctuation or verb after it: «الشاب يبلغ من العمر» is no name
        return at
    return end


def complement(toks: list[Token], at: int, limit: int = 5) -> int:
    """The end (exclusive) of the words completing a head noun from `at`: «عمليات الجنوب»
    after «غرفة», «العدالة والتنمية» after «حزب», «سكاكا» after «مدينة», «الملك خالد» after
    «جامع»; `at` when nothing completes it."""
    end = at
    while end < len(toks) and end - at < limit:
        tok = toks[end]
        n = tok.norm
        if not tok.word or n in STOPWORDS or n in _TIME_WORDS or _glued(n) or n in _VERBS \
                or n in _DIRECTIONS or n in _ADVERBS or (bare(n, TITLES) is not None and \
                bare(n, _ROYAL) is None):
            break
        if bare(n, _ROYAL) is not None and end > at:
            # «جامع الملك خالد»: a title inside the name, then its person
            stop = name_run(toks, end + 1)
            return stop if stop > end + 1 else end
        if not _defined(n) and end > at and (
                not _defined(toks[end - 1].norm) or any(_defined(t.norm) for t in toks[at:end])):
            # a construct ends at its first word with the article («غرفة عمليات الجنوب»);
            # a word without it after that, or two in a row, start something else
            break
        if n.startswith("و") and not n.startswith("وال") and end > at:
            break
        if n[:1] in "بلك" and bare(n[1:], _HEADS) is not None:
            break  # «فندق بحي الرمال», «مطعم بمدينة …»: a preposition opens where it stands
        end += 1
    return end


def quoted(text: str, toks: list[Token], at: int) -> int | None:
    """When a quotation opens at token `at` («كسر القيود», “سداد”, "فوج الرجاء"), the index
    just past its closing mark (at most six words inside); else None."""
    pairs = {"«": "»", "“": "”", '"': '"', "„": "“"}
    if at >= len(toks) or toks[at].text not in pairs:
        return None
    close = pairs[toks[at].text]
    for end in range(at + 1, min(len(toks), at + 8)):
        if toks[end].text == close:
            return end + 1 if end > at + 1 else None
    return None


def titled_person(toks: list[Token], at: int) -> Span | None:
    """«الرئيس السوري بشار الأسد», «وزير الخارجية عادل الجبير», «المتحدث باسم الجيش فلان»,
    «خادم الحرمين الشريفين الملك سلمان»: a title at `at`, the words completing it, maybe
    another title, then the name. A title without the article is the head of a construct
    («رئيس تحرير جريدة الرياض», «قائد أدوار السنوسية»): its genitive, which must reach a word
    with the article, comes before any name — «حاكم مصر ما بين …» names nobody."""
    if bare(toks[at].norm, TITLES) is None:
        return None
    i = at
    for _ in range(3):  # «ولي العهد الأمير محمد»: the last title names the person
        if i >= len(toks) or bare(toks[i].norm, TITLES) is None:
            break
        definite = _defined(toks[i].norm) or toks[i].norm.startswith(("لل", "بال", "وال"))
        i += 1
        if not definite:
            chain = i
            while chain < min(len(toks), i + 3) and toks[chain].word \
                    and not _defined(toks[chain].norm) and not stops_name(toks[chain]):
                chain += 1
            if chain >= len(toks) or not _defined(toks[chain].norm):
                return None
            i = chain
        while i < len(toks) and ((_defined(toks[i].norm) and bare(toks[i].norm, TITLES) is None)
                                 or toks[i].norm in ("باسم", "العام")):
            i += 1
    if i == at + 1 and i < len(toks) and _defined(toks[i].norm):
        return None
    if i < len(toks) and toks[i].text in ("/", ":", '"', "«", "“"):
        i += 1
    end = name_run(toks, i)
    return Span(i, end, "person", "title") if end > i else None


def nasab(toks: list[Token], at: int) -> Span | None:
    """A person's name by its lineage, wherever it stands: «يوسف بن سليمان عبدالله السليمان»,
    «سارة بنت محمد» — a name run that opens at `at` (not inside another) with «بن»/«بنت»
    between two of its words. A title need not precede it («عرفته الداخلية بأنه السعودي
    يوسف بن سليمان»)."""
    if at > 0 and toks[at - 1].word and not stops_name(toks[at - 1]):
        return None  # inside a run begun before
    end = name_run(toks, at)
    inner = {t.norm for t in toks[at + 1 : end - 1]} if end - at >= 3 else set()
    return Span(at, end, "person", "nasab") if inner & {"بن", "بنت"} else None


def headed(text: str, toks: list[Token], at: int) -> Span | None:
    """An organisation, place or named thing: a head noun at `at` and the words completing it
    («غرفة عمليات الجنوب», «مدينة سكاكا»), or the quotation after it (معركة “كسر القيود”)."""
    n = toks[at].norm
    for heads, kind in ((ORG_HEADS, "org"), (PLACE_HEADS, "place"), (THING_HEADS, "name")):
        if bare(n, heads) is None:
            continue
        if n.startswith(("ال", "وال", "بال", "لل")):
            return None  # «الوزارة» alone refers back to one already named
        closing = quoted(text, toks, at + 1)
        if closing is not None:
            return Span(at + 2, closing - 1, kind, "quoted")
        end = complement(toks, at + 1)
        return Span(at, end, kind, kind) if end > at + 1 else None
    return None


# Words that announce a name: «باسم "فوج الرجاء"», «يدعى يوسف السليمان», «بمسمى «شباب المنارة»».
_CALLED = frozenset({"باسم", "اسم", "اسمه", "اسمها", "يدعي", "تدعي", "يسمي", "تسمي", "سمي",
                     "سميت", "بمسمي", "مسمي", "لقب", "يلقب", "تلقب", "عرف", "عرفت", "يعرف",
                     "تعرف", "بعنوان", "عنوان"})


# «المتحدث باسم وزارة الدفاع» speaks for the ministry: no name follows that «باسم».
_SPEAKS_FOR = frozenset({"متحدث", "المتحدث", "متحدثا", "متحدثه", "المتحدثه", "ناطق", "الناطق",
                         "ناطقا", "ناطقه", "الناطقه", "نيابه"})


def called(text: str, toks: list[Token], at: int) -> Span | None:
    """The name after «باسم», «يدعى», «بمسمى»…: a quotation, or a person's name; not the body
    a spokesman speaks for («قال متحدث باسم وزارة الدفاع»)."""
    if toks[at].norm not in _CALLED:
        return None
    if toks[at].norm == "باسم" and at > 0 and toks[at - 1].norm in _SPEAKS_FOR:
        return None
    i = at + 1
    if i < len(toks) and toks[i].text in ("/", ":"):
        i += 1
    closing = quoted(text, toks, i)
    if closing is not None:
        return Span(i + 1, closing - 1, "name", "called")
    end = name_run(toks, i, limit=6)
    return Span(i, end, "name", "called") if end > i else None


# ---- places ------------------------------------------------------------------------------------

# Countries, regions and cities a news reader asks about, as the news writes them (normalized).
# Written for this module; not a gazetteer: a place not here is read from its head noun
# («مدينة …», «محافظة …») or from the question's frame («وُلد في …»).
PLACES: frozenset[str] = _listed("""
السعوديه مصر سوريا سوريه العراق الاردن لبنان فلسطين اليمن عمان الكويت قطر البحرين الامارات
ليبيا تونس الجزائر المغرب موريتانيا السودان الصومال جيبوتي تركيا ايران باكستان افغانستان
الهند الصين اليابان كوريا روسيا اوكرانيا المانيا فرنسا بريطانيا ايطاليا اسبانيا البرتغال
هولندا بلجيكا سويسرا النمسا السويد النرويج الدنمارك فنلندا بولندا اليونان امريكا كندا
المكسيك البرازيل الارجنتين استراليا اندونيسيا ماليزيا تايلاند فيتنام الفلبين نيجيريا اثيوبيا
كينيا اسرائيل اوروبا اسيا افريقيا افريقيا الخليج الشام انجلترا اسكتلندا ايرلندا تشيلي كولومبيا
فنزويلا كوبا بنغلاديش سريلانكا نيبال ميانمار سنغافوره الفاتيكان قبرص مالطا ارمينيا اذربيجان
جورجيا كازاخستان اوزبكستان تركمانستان طاجيكستان مالي النيجر تشاد السنغال الكاميرون غانا
الرياض جده مكه الدمام الخبر الظهران الطايف تبوك ابها حايل جازان جيزان نجران الباحه سكاكا
عرعر القصيم بريده عنيزه الاحساء القطيف ينبع الجوف الحدود عسير خميس القنفذه الخرج الجبيل
بيشه العلا خيبر حفر القريات رابغ املج الليث القاهره الاسكندريه الجيزه اسوان الاقصر
الغردقه السويس بورسعيد دمشق حلب حمص حماه درعا السويداء اللاذقيه طرطوس ادلب الرقه القنيطره
بغداد البصره الموصل اربيل كركوك النجف كربلاء الفلوجه الرمادي بيروت صيدا صور طرابلس
عمان الزرقاء اربد العقبه القدس غزه الخليل نابلس جنين صنعاء عدن تعز الحديده مارب حضرموت
صعده الدوحه المنامه دبي الشارقه مسقط الخرطوم الرباط طنجه مراكش فاس نواكشوط انقره اسطنبول
طهران كابول نيودلهي بكين طوكيو موسكو كييف برلين باريس لندن روما مدريد برشلونه لشبونه
امستردام بروكسل جنيف فيينا اثينا واشنطن نيويورك اوتاوا سيدني جاكرتا كوالالمبور بانكوك
مانشستر ليفربول ميونخ ميونيخ ميلانو تورينو مانيلا سيول هونغ هونج شنغهاي
""")

# Places of more than one word, by their first word: «المملكة العربية السعودية», «رام الله».
MULTIWORD_PLACES: dict[str, tuple[tuple[str, ...], ...]] = {}
for _place in """
المملكه العربيه السعوديه|الولايات المتحده|الولايات المتحده الامريكيه|الامارات العربيه المتحده
|كوريا الجنوبيه|كوريا الشماليه|جنوب افريقيا|مكه المكرمه|المدينه المنوره|دير الزور|رام الله
|ابو ظبي|ابوظبي|الدار البيضاء|شرم الشيخ|عشق اباد|المملكه المتحده|الشرق الاوسط|شبه الجزيره العربيه
|البحر الاحمر|البحر المتوسط|الخليج العربي|وادي النيل|حفر الباطن|خميس مشيط|الحدود الشماليه
|هونغ كونغ|هونج كونج|نيو دلهي|اسلام اباد|جنوب السودان|جزر القمر
""".replace("\n", "").split("|"):
    _words = tuple(normalize(_place).split())
    MULTIWORD_PLACES.setdefault(_words[0], ())
    MULTIWORD_PLACES[_words[0]] += (_words[1:],)


def _known(word: str) -> bool:
    return (word in _HEADS or word in PLACES or word in MULTIWORD_PLACES
            or (word.startswith("ال") and word[2:] in _HEADS))


def clitics(tok: Token) -> int:
    """How many letters of `tok` are clitics before a title, head or place: «بحي» 1, «وبمدينة»
    2, «بالرياض» 1 (the article stays: «الرياض»); 0 for any other word."""
    n = tok.norm
    if len(tok.text) != len(n) or _known(n):
        return 0
    for k in (1, 2):
        if all(c in "وفبلك" for c in n[:k]) and _known(n[k:]):
            return k
    return 0


def known_place(toks: list[Token], at: int) -> Span | None:
    """A place of the list at `at`: «بالرياض», «في المملكة العربية السعودية»."""
    tok = toks[at]
    forms = [tok.norm]
    if tok.norm[:1] in "وف":
        forms.append(tok.norm[1:])
    forms += [f[1:] for f in forms if f[:1] in "بلك"]
    forms += ["ال" + f[1:] for f in forms if f.startswith("ل") and not f.startswith("ال")]
    for form in forms:
        longest = 0
        for rest in MULTIWORD_PLACES.get(form, ()):
            words = [t.norm for t in toks[at + 1 : at + 1 + len(rest)]]
            if tuple(words) == rest:
                longest = max(longest, len(rest))
        if longest or form in PLACES:
            return Span(at, at + 1 + longest, "place", "known")
    return None


def foreign(toks: list[Token], at: int) -> Span | None:
    """A name in another script (Latin, Greek, Chinese …) starting at `at`: «Mona Lisa»,
    «中国», for «ما اسم … بالفرنسية؟»."""
    def other(tok: Token) -> bool:
        return bool(re.match(r"[^\W\d_]", tok.text)) and not tok.word \
            and not re.match(r"[\u0600-\u06ff]", tok.text)

    if not other(toks[at]):
        return None
    end = at
    while end < len(toks) and (other(toks[end]) or (toks[end].text in ("-", "'", ".")
                               and end + 1 < len(toks) and other(toks[end + 1]))):
        end += 1
    return Span(at, end, "name", "foreign")


def place_of_adjective(stem: str) -> str | None:
    """The place a nisba adjective's stem belongs to when the analyzer spells the two apart:
    «السوري» → «سور» but «سوريا» stays «سوريا»; «الألماني» → «المان», «ألمانيا» → «المانيا»;
    «الأمريكي» → «امريك», «أمريكا» → «امريكا».
    None for most stems (already the place's: «المصري» and «مصر» are both «مصر»). The
    caller checks the word was typed as an adjective (-ي, -ية, -يين, -يون): «ترك» (left) is
    no «تركيا»."""
    return _adjective_places().get(stem)


@lru_cache(maxsize=1)
def _adjective_places() -> dict[str, str]:
    """Adjective stem → place term, for every place of PLACES whose nisba («X» + «ي», with
    the place's final «ا»/«يا»/«ه» dropped) the analyzer stems apart from the place."""
    table: dict[str, str] = {}
    for place in sorted(PLACES | _IRREGULAR_NISBA.keys()):
        (place_term, *rest) = analyze(place) or ("",)
        if rest or not place_term:
            continue
        forms = set(_IRREGULAR_NISBA.get(place, ()))
        for base in {place, place.removeprefix("ال")}:  # «ألمانيا» keeps its «ال»
            forms.add(base + "ي")
            for ending in ("يا", "ا", "ه"):
                if base.endswith(ending) and len(base) - len(ending) >= 2:
                    forms.add(base[: -len(ending)] + "ي")
        for form in forms:
            terms = analyze(form)
            if len(terms) == 1 and terms[0] != place_term:
                table.setdefault(terms[0], place_term)
    return table


# Places whose word is also a common word: «صور» (pictures), «الخبر» (the news), «خميس»
# (Thursday), «مالي» (financial), «الحدود» (borders), «عمان» (Oman and Amman) …; and the
# cities a football club is named for, which the sports pages leave out («بايرن»).
_AMBIGUOUS_PLACES = _listed("""
صور الخبر خميس مالي الحدود الخليج عمان حفر الجوف عسير الليث ينبع القريات العلا الشام الرمادي
غانا جورجيا تشاد النيجر املج
ميونخ ميونيخ ميلانو تورينو مانشستر ليفربول برشلونه روما مدريد
""")


def place_names(stem: str, adjective: bool = False) -> frozenset[str]:
    """The terms that name the place an analysed question word names, the place's adjectives
    among them — «اسيا» → {«اسيا», «اسيو» («الآسيوية»), «اسي»} — or none when the word names
    no place of PLACES, or something else too: «صور» (also pictures). With `adjective` (typed
    as a nisba) an adjective names its place: «سور» («السوري») → {«سوريا», «سور», «سوري»}."""
    of_adjective = place_of_adjective(stem)
    place = of_adjective or stem
    if stem in _HOME or place in _HOME:
        return frozenset()
    places = _place_terms()
    if adjective:
        named = stem in places or of_adjective in places
    else:
        named = stem in places and stem not in _AMBIGUOUS_STEMS
    if not named:
        return frozenset()
    return frozenset({stem, place, *_adjectives_of().get(place, ())})


# Places the analyzer stems into a common word: «سورية» → «سور» (a wall), «الهند» → «هند» (a
# name), «العقبة» → «عقب» (after), «بريدة» → «بريد» (mail), «المنامة» → «منام» (sleep): a
# place only when typed as an adjective or with «ية» («السورية», «الهندي»).
_AMBIGUOUS_STEMS = frozenset({
    "سور", "هند", "عقب", "بريد", "حديد", "مغرب", "منام", "امار", "خليل",
})
# The home country, which the Saudi news calls «المملكة» and «الأخضر» as often as
# «السعودية»: never missing from a Saudi outlet's story.
_HOME = frozenset({"سعود"})


@lru_cache(maxsize=1)
def _adjectives_of() -> dict[str, frozenset[str]]:
    out: dict[str, set[str]] = {}
    for adjective, place in _adjective_places().items():
        out.setdefault(place, set()).add(adjective)
    return {place: frozenset(adjectives) for place, adjectives in out.items()}


@lru_cache(maxsize=1)
def _place_terms() -> frozenset[str]:
    out: set[str] = set()
    for place in PLACES - _AMBIGUOUS_PLACES:
        terms = analyze(place)
        if len(terms) == 1:
            out.add(terms[0])
    return frozenset(out)


# Adjectives not made by adding «ي»: «آسيوي», «أفغاني», «حموي».
_IRREGULAR_NISBA: dict[str, tuple[str, ...]] = {
    "اسيا": ("اسيوي",), "افغانستان": ("افغاني",), "حماه": ("حموي",),
}
