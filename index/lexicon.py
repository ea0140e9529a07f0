"""Word lists the stemmer consults so that an affix-looking letter that belongs to the word stays.

Light stemming strips «ال», «و» and «ل» by shape, and both also begin real words: «التزام»
(commitment) is not «ال» + «تزام», «ألمانيا» is not «ال» + «مانيا», «وزارة» (ministry) is not
«و» + «زارة». Stripping them made «التزام» and «الالتزام», or «وزارة» and «الوزارة», different
terms. These lists name the words whose initial «ال» or «و» is part of the word.

How they were made: every normalized word of ARCD, TyDi QA-ar and the SaudiNewsNet sample was
counted; a word W is listed when the definite article (or a proclitic plus the article) was
seen in front of it, which only a noun that itself begins with «ال»/«و» allows: «الالتزام» →
«التزام», «الوزارة» → «وزارة». Kept: at least 3 sightings for «ال», 20 for «و»; then checked by
hand, dropping words where the reading with the article is the common one («الباب» the door,
«الغاز» the gas, «السنة» the year). Entries are normalized (أ→ا, ة→ه, ئ→ي) and whole words;
the stemmer compares them after taking suffixes off (see normalize.NabaStemmer).
"""

# «ال» is part of the word: إلكتروني، ألعاب، ألمانيا، التزام، التحاق، إلغاء، ألغام …
RADICAL_AL_WORDS: frozenset[str] = frozenset(
    {
        "الاعيب", "البان", "الباني", "البانيا", "البوم", "البومات", "التجاء", "التحاق", "التحام",
        "التزام", "التزامات", "التصاق", "التفات", "التفاف", "التقاء", "التقاط", "التماس",
        "التهاب", "التهابات", "الحاح", "الحاد", "الحان", "الزام", "الزامي", "الزاميه", "العاب",
        "الغاء", "الغام", "الفاظ", "الفيه", "القاء", "القاب", "الكترون", "الكتروني",
        "الكترونيات", "الكترونيه", "الماس", "المام", "المان", "الماني", "المانيا", "المانيه",
        "المبياد", "المعي", "المنيوم", "الهام", "الهيه", "الواح", "الوان", "الومنيوم", "الويه",
        "اليات", "الياف", "اليزيه", "اليفه", "اليكتروني", "اليكترونيه", "اليمه",
    }
)

# «و» is the first root letter: وزارة، وصول، وطن، وقت، وضع، وفد …
RADICAL_WAW_WORDS: frozenset[str] = frozenset(
    {
        "واتس", "واجب", "واجبات", "واجهات", "واجهه", "وادي", "واردات", "وارده", "وازع", "واسع",
        "واسعه", "واضح", "واضحه", "واعد", "واعده", "وافد", "وافده", "وافدين", "واقع", "واقعه",
        "واقعيه", "والد", "وبايي", "وباييه", "وتيره", "وثايق", "وثايقي", "وثيقه", "وجبات", "وجه",
        "وجهات", "وجهه", "وجود", "وجوه", "وحدات", "وحده", "وحشي", "وحشيه", "وحي", "وحيد",
        "وحيده", "ودايع", "وديه", "وراء", "وراثيه", "ورد", "ورش", "ورشه", "ورق", "ورقه", "ورقي",
        "ورقيه", "ورود", "وزارات", "وزاره", "وزاري", "وزاريه", "وزراء", "وزن", "وزير", "وساطه",
        "وسايل", "وسط", "وسطي", "وسطيه", "وسيط", "وسيله", "وشم", "وصايه", "وصف", "وصل", "وصول",
        "وضع", "وضوح", "وطن", "وطني", "وطنيه", "وظايف", "وظيفه", "وظيفي", "وظيفيه", "وعد",
        "وعود", "وعي", "وعيد", "وفاء", "وفاه", "وفد", "وفود", "وفيات", "وقايع", "وقايه", "وقايي",
        "وقاييه", "وقت", "وقف", "وقود", "وقوع", "وقوف", "وكالات", "وكاله", "وكلاء", "وكيل",
        "ولاء", "ولاده", "ولايات", "ولايه", "وليد", "وهميه", "وهيبي", "واشنطن",
    }
)

# «ل» is the first root letter (the preposition ل must not come off): لجنة، لاعب، لقاء، لبنان،
# ليبيا. Made as above from «الل…» sightings (at least 10), plus country and city names,
# which take no article: لبنان، ليبيا، لندن، لاهاي …
RADICAL_LAM_WORDS: frozenset[str] = frozenset(
    {
        "ليفربول",
        "لاتفيا", "لاتينيه", "لاجيون", "لاجيين", "لاحقه", "لاذقيه", "لازم", "لازمه", "لاسلكيه",
        "لاعب", "لاعبان", "لاعبون", "لاعبين", "لافت", "لافتات", "لافته", "لامبالاه", "لامحدود",
        "لانتوس", "لاهاي", "لاوس", "لايحه", "لايق", "لباس", "لبس", "لبن", "لبنان", "لبناني",
        "لبنانيه", "لبنانيون", "لبنانيين", "لبنه", "لثه", "لجان", "لجنه", "لجوء", "لحاق", "لحج",
        "لحظات", "لحظه", "لحم", "لحمه", "لحن", "لحوم", "لسان", "لشبونه", "لصوص", "لطيف", "لعاب",
        "لعب", "لعبه", "لغات", "لغتين", "لغز", "لغه", "لغوي", "لغويه", "لفته", "لفظ", "لفظي",
        "لفظيه", "لقاء", "لقاءات", "لقاح", "لقاحات", "لقب", "لقطات", "لمس", "لمسات", "لندن",
        "لندني", "لهب", "لهجه", "لهو", "لواء", "لوايح", "لوجستي", "لوجستيه", "لوجيستي",
        "لوجيستيه", "لوحات", "لوحه", "لوحيه", "لوزان", "لوم", "لون", "لونين", "لياقه", "لياقي",
        "لياقيه", "ليالي", "ليبرالي", "ليبراليه", "ليبي", "ليبيا", "ليبيري", "ليبيه", "ليبيين",
        "ليتوانيا", "ليث", "ليزر", "ليل", "ليله", "ليلي", "ليليه", "ليمون", "لين", "ليرات", "ليره",
    }
)


# Nouns in ـاة (normalized ـاه): with a pronoun the ة is spelled ت — «حياته», «مباراتهم» — and
# the ات left by the pronoun looks like a plural ending. The stemmer reads such a word as the
# noun («حياته» → «حيا», as «حياة») where a plural's ات would go («تصريحاته» → «تصريح»).
# Made from the SaudiNewsNet sample: every ـات+pronoun word whose ـاة form was seen more often
# than its ـات form, checked by hand; left out where the ـات plural is the common reading
# («جناته» in «أسكنه فسيح جناته» are gardens, not «جناة»; «بناته» are daughters, not «بناة»).
TIED_AH_WORDS: frozenset[str] = frozenset(
    {
        # singulars: life, death, match, channel, girl, rescue, alms, prayer, tragedy, suffering,
        # equality, condolence, regard, imitation, meeting, parallel, call, treatment, keeping
        # pace, enmity, loyalty, brotherhood, intimate talk, refinery, nucleus, tool, mirror,
        # woman, lawsuit
        "حياه", "وفاه", "مباراه", "قناه", "فتاه", "نجاه", "زكاه", "صلاه", "ماساه", "معاناه",
        "مساواه", "مواساه", "مراعاه", "محاكاه", "ملاقاه", "موازاه", "مناداه", "مداواه",
        "مجاراه", "معاداه", "موالاه", "مواخاه", "مناجاه", "مصفاه", "نواه", "اداه", "مراه",
        "امراه", "مقاضاه",
        # plurals in ـاة: judges, preachers, herdsmen, invaders, governors, infantry,
        # protectors, amateurs, narrators, tyrants
        "قضاه", "دعاه", "رعاه", "غزاه", "ولاه", "مشاه", "حماه", "هواه", "رواه", "طغاه",
    }
)

# Words whose final ت is a root letter, not a tied ة a pronoun left: «بيوتهم» is «بيوت»
# (houses), «بيروتها» is «بيروت». Words of three letters need no entry (the stemmer keeps a
# three-letter stem whole: «بيتهم», «وقته», «صوتها»).
ROOT_TEH_WORDS: frozenset[str] = frozenset(
    {
        "بيوت", "سكوت", "ثبوت", "بيروت", "نعوت", "كبريت", "ياقوت", "تابوت", "حانوت", "طاغوت",
        "عنكبوت", "ملكوت", "جبروت", "انترنت", "كويت", "تكريت", "حضرموت", "زيوت",
    }
)

# Nouns of two letters and a tied ة (normalized ـه): with a pronoun the ة is spelled ت, and the
# stem is too short to lose it, so «جهته» kept «جهت» apart from «جهة» («جهه»). Listed, not
# ruled: a two-letter stem before ت + pronoun is as often a verb's feminine ت («شنّتها»,
# «بثّته», «تلتها»), which must stay as the verb is indexed. Made from the SaudiNewsNet sample:
# such words whose ـة form was seen more often than their ـت form, checked by hand («فئة» is
# left out: «فيه» is a stopword).
SHORT_TIED_WORDS: frozenset[str] = frozenset(
    {
        "جهه", "ثقه", "حصه", "مده", "خطه", "قوه", "نيه", "صحه", "جنه", "قصه", "لغه", "امه",
        "جثه", "سعه", "سمه", "سنه", "مره", "دقه", "شده", "عده", "قمه", "كره", "ديه",
    }
)


# Names whose final «ين» is their own, not a plural's (the stemmer leaves them whole, and their
# nisba comes to the same term: «فلسطيني», «الفلسطينيين» → «فلسطين»): light10's «ين» made
# «البحرين» the sea («بحر»), «شاهين» the Shah, «نسرين» an eagle, «فلسطين» «فلسط» (session 20;
# every store re-analyses its passages once, the analyzer's version having changed). Countries
# and cities of index.names.PLACES, and first names seen in the news sample.
OWN_YEH_NOON_WORDS: frozenset[str] = frozenset(
    {
        "فلسطين", "بحرين", "برلين", "فلبين", "ارجنتين", "ياسين", "شاهين", "نسرين", "حطين",
        "جنين", "كوبنهاجن", "بكين", "لينين",
    }
)
