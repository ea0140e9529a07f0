"""Curated news vocabulary for query expansion: words journalists use for the same event.

Each SynonymGroup lists surface MSA forms, unnormalized, as a reader or a journalist writes
them (multi-word entries allowed), and says where the equivalence comes from. A question that
says «مصرع» should also find the article that says «مقتل»; a reader who writes «مصاري» means
what the article calls «أموال».

Policy: precision over coverage. A group is listed only if swapping its words keeps the meaning
of a news question. Every word was run through the default analyzer and the resulting term
checked in SaudiNewsNet (1-9 August 2015, shared/eval/news) for senses that would leak in:
«أسرى» stems to «اسر», which is also أسرة "family", so the prisoners group was dropped; bare
«بيت» is mostly «البيت الأبيض», «بيت الله» and «بيت المقدس», so «بيت ~ منزل» was dropped.
REJECTED keeps every pair that was considered and left out, with the reason.

Expansion is symmetric (index.thesaurus maps each word to the rest of its group) and a word may
belong to two groups («مقتل» is in the assassination group and the killing group); expand with
the union of the groups a word is in, without chaining further. The caveat after a group says
where one of its words has another sense; such words are still worth the reduced credit that
expansion gives them, because the question's other words decide the match.

Sources, and what was checked:

- "SaudiNewsNet": counts made in this session over the 11,922 articles of SaudiNewsNet
  (Alhagri 2015, github.com/parallelfold/SaudiNewsNet). "terms" is the number of occurrences of
  the word's analysed term in the article texts; "titles" is the same in headlines only. Both
  words of a pair occurring in headlines is the evidence that journalists use both for the news.
  The «…» patterns after "e.g." are illustrative headline shapes, not quotations.
- "Transliteration": two spellings of one foreign name. /g/ is written ج (the Egyptian
  convention, «الكونجرس», «جوجل») or غ («الكونغرس», «غوغل»); SaudiNewsNet has both, paper by
  paper (الكونجرس in الاقتصادية and الوطن, الكونغرس in الشرق الأوسط). Counts from SaudiNewsNet.
- "Colloquial": a dialect word readers use for the MSA word, from the author's knowledge of the
  dialects (the MADAR lexicon, Bouamor et al. 2018, covers such concepts but its entries were
  not consulted). Not checked against a dictionary.
- Dictionaries such as Almaany (almaany.com), Arabic WordNet (Black, Elkateb et al. 2006) and
  the Arabic Ontology (Jarrar 2021) were not consulted entry by entry; no group claims them.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class SynonymGroup:
    """Words that name the same thing in a news question, and where that equivalence is from."""

    words: tuple[str, ...]
    source: str


SYNONYM_GROUPS: tuple[SynonymGroup, ...] = (
    # --- violence and security ----------------------------------------------------------------
    SynonymGroup(
        ("اغتيال", "اغتال", "اغتيل", "مقتل"),
        "news usage: the killing of a named figure is headlined both ways (SaudiNewsNet terms: "
        "اغتيال 90, مقتل 658), e.g. «اغتيال قيادي في …» / «مقتل قيادي في …». اغتيال is the "
        "narrower word",
    ),
    SynonymGroup(
        ("مقتل", "مصرع", "قتل", "لقي حتفه", "حتفه", "مات"),
        "news usage: violent or accidental death; SaudiNewsNet titles: مقتل 149, مصرع 31, and "
        "«لقي حتفه» 14 times in texts; e.g. «مقتل 3 في حادث …» / «مصرع 3 في حادث …». The "
        "analyser gives قتل and قتلى one term. «مات» is how readers ask it («كم واحد مات "
        "بالحادث؟»); SaudiNewsNet terms: مات 105, titles 2",
    ),
    SynonymGroup(
        ("قتلى", "قتيل", "ضحايا"),
        "news usage: casualty counts («ارتفاع عدد القتلى» / «ارتفاع عدد الضحايا»); SaudiNewsNet "
        "titles: قتيل 15, ضحايا 25. Caveat: ضحايا can include the injured or fraud victims",
    ),
    SynonymGroup(
        ("قتيل", "قتلى", "شهيد", "شهداء"),
        "news usage: outlets differ in naming the same dead (شهيد for their own soldiers or for "
        "Palestinians, قتيل in agency copy); SaudiNewsNet titles: شهيد 87, قتيل 15",
    ),
    SynonymGroup(
        ("جرحى", "جريح", "مصابين", "مصاب"),
        "news usage: the injured in casualty reports («مقتل 3 وإصابة 5» / «3 قتلى و5 جرحى»); "
        "SaudiNewsNet titles: مصاب 76, جرحى 15. Caveat: مصاب also means 'infected'",
    ),
    SynonymGroup(
        ("تفجير", "انفجار", "انفجر"),
        "news usage: one bombing reported as the act (تفجير) or the blast (انفجار); SaudiNewsNet "
        "titles: تفجير 204, انفجار 15; e.g. «قتلى في تفجير …» / «قتلى في انفجار …»",
    ),
    SynonymGroup(
        ("اشتباكات", "اشتباك", "مواجهات", "معارك", "اقتتال"),
        "news usage: armed fighting; SaudiNewsNet titles: اشتباكات 14, معارك 8, مواجهات 6. "
        "Caveat: the singular مواجهة (a match, facing a problem) stems differently and is left "
        "out",
    ),
    SynonymGroup(
        ("مظاهرة", "مظاهرات", "تظاهرة", "تظاهرات", "احتجاج", "احتجاجات"),
        "news usage: street protests; SaudiNewsNet titles: مظاهرة 17, احتجاجات 8, تظاهرة 6. "
        "Caveat: the analysed term of مظاهرة is also مظاهر 'appearances'",
    ),
    SynonymGroup(
        ("متظاهرين", "محتجين"),
        "news usage: the protesters (SaudiNewsNet terms: متظاهر 105, محتج 29)",
    ),
    SynonymGroup(
        ("اعتقال", "اعتقل", "توقيف", "القبض على", "احتجاز"),
        "news usage: arrests; SaudiNewsNet titles: القبض 28, اعتقال 14, احتجاز 14, توقيف 2 "
        "(توقيف is more common in Levantine and Maghrebi papers; author's knowledge)",
    ),
    SynonymGroup(
        ("سيطرة", "سيطر", "استيلاء", "استولى"),
        "news usage: taking a town, a base or funds; SaudiNewsNet terms: سيطرة 968, استيلاء 92. "
        "Caveat: السيطرة على الحريق is 'bringing a fire under control'",
    ),
    SynonymGroup(
        ("هجوم", "هاجم", "اعتداء"),
        "news usage: an attack («هجوم إرهابي» / «اعتداء إرهابي»); SaudiNewsNet titles: هجوم 61, "
        "اعتداء 14. Caveat: هجوم is also a team's attack in sport",
    ),
    SynonymGroup(
        ("غارة", "غارات", "ضربة جوية", "قصف جوي"),
        "news usage: air strikes; SaudiNewsNet: غارة 28 titles, «ضربة جوية» 21 and «قصف جوي» 14 "
        "in texts",
    ),
    SynonymGroup(
        ("اختطاف", "اختطف", "خطف"),
        "news usage: kidnapping (SaudiNewsNet terms: خطف 144, اختطاف 101)",
    ),
    SynonymGroup(
        ("اقتحام", "اقتحم", "مداهمة", "داهم"),
        "news usage: security raids («اقتحام بلدة» / «مداهمة منازل»); SaudiNewsNet titles: "
        "اقتحام 4, مداهمة 3",
    ),
    SynonymGroup(
        ("نازحين", "مهجرين"),
        "news usage: people driven from their homes inside their country (SaudiNewsNet terms: "
        "نازح 124, مهجر 20). لاجئين is left out: refugees are counted separately",
    ),
    SynonymGroup(
        ("متطرفين", "متشددين"),
        "news usage: militants described either way (SaudiNewsNet terms: متطرف 747, متشدد 305)",
    ),
    SynonymGroup(
        ("وقف إطلاق النار", "وقف النار", "هدنة"),
        "news usage: a truce (SaudiNewsNet: «وقف إطلاق النار» 30, هدنة 93 terms)",
    ),
    SynonymGroup(
        ("الجيش", "القوات المسلحة"),
        "news usage: the armed forces (SaudiNewsNet: الجيش 1,400 terms, «القوات المسلحة» 139)",
    ),
    SynonymGroup(
        ("طائرة مسيرة", "طائرة بدون طيار", "طائرة من دون طيار", "درون"),
        "news usage: drones; three MSA phrasings and the loanword درون (rare in 2015 news, "
        "common since)",
    ),
    SynonymGroup(
        ("داعش", "تنظيم الدولة", "الدولة الإسلامية"),
        "news usage: one organisation under outlet-specific names (Saudi papers «داعش», others "
        "«تنظيم الدولة الإسلامية»; not checked against a style guide); SaudiNewsNet: داعش 2,155, "
        "«الدولة الإسلامية» 88, «تنظيم الدولة» 46",
    ),
    SynonymGroup(
        ("الحوثيين", "الحوثيون", "أنصار الله"),
        "news usage: the Houthi movement and its own name (SaudiNewsNet: حوثي terms 2,422, "
        "«أنصار الله» 9)",
    ),
    SynonymGroup(
        ("مستوطنة", "مستوطنات", "مستوطنين", "مستعمرة", "مستعمرات", "مستعمرين"),
        "news usage: Israeli settlements and settlers; Palestinian official media (WAFA) write "
        "«مستعمرة/مستعمرين» (not verified here); SaudiNewsNet terms: مستوطن 487, مستعمر 27. "
        "The analyser gives a settlement and its settlers one term",
    ),
    # --- disasters and accidents --------------------------------------------------------------
    SynonymGroup(
        ("حريق", "حرائق", "نيران"),
        "news usage: fires; SaudiNewsNet titles: حريق 57, حرائق 20, نيران 5; e.g. «السيطرة على "
        "حريق …» / «السيطرة على النيران …». Caveat: إطلاق النيران is gunfire",
    ),
    SynonymGroup(
        ("سيول", "فيضانات"),
        "news usage: floods; SaudiNewsNet titles: سيول 26, فيضانات 21. The singular فيضان is "
        "left out: it stems to فيض 'abundance'",
    ),
    SynonymGroup(
        ("زلزال", "زلازل", "هزة أرضية"),
        "news usage: earthquakes (SaudiNewsNet terms: زلزال 32, زلازل 18)",
    ),
    SynonymGroup(
        ("حادث سير", "حادث مروري", "حادث مرور"),
        "news usage: road accidents; Levantine press «حادث سير», Gulf press «حادث مروري» "
        "(SaudiNewsNet: 13 and 26)",
    ),
    SynonymGroup(
        ("وفاة", "توفي", "موت", "فارق الحياة", "مات"),
        "news usage: deaths; SaudiNewsNet titles: وفاة 92, موت 19, توفي 3. رحيل is left out "
        "(see REJECTED). «مات», the verb of موت, is the readers' word",
    ),
    # --- politics -----------------------------------------------------------------------------
    SynonymGroup(
        ("رئيس الوزراء", "رئيس الحكومة", "رئيس مجلس الوزراء"),
        "news usage: head of government (SaudiNewsNet: 397, 98 and 119 times)",
    ),
    SynonymGroup(
        ("وزير الخارجية", "رئيس الدبلوماسية"),
        "news usage: رئيس الدبلوماسية is a journalistic epithet for a foreign minister "
        "(SaudiNewsNet: 670 and 1)",
    ),
    SynonymGroup(
        ("الحكومة", "مجلس الوزراء"),
        "news usage: decisions of the cabinet («قرر مجلس الوزراء» / «قررت الحكومة»); "
        "SaudiNewsNet: «مجلس الوزراء» 725",
    ),
    SynonymGroup(
        ("الأمم المتحدة", "المنظمة الأممية"),
        "news usage: المنظمة الأممية is an epithet for the UN (SaudiNewsNet: «الأمم المتحدة» "
        "473; the epithet does not occur in that week). المنظمة الدولية is left out: it is also "
        "IOM's name",
    ),
    SynonymGroup(
        ("جامعة الدول العربية", "الجامعة العربية"),
        "news usage: the Arab League (SaudiNewsNet: 31 and 69)",
    ),
    SynonymGroup(
        ("البرلمان", "مجلس النواب", "مجلس الشعب"),
        "news usage: a country's parliament under its own name (Egypt, Lebanon, Jordan مجلس "
        "النواب; Syria مجلس الشعب); SaudiNewsNet: البرلمان 396 terms, «مجلس النواب» 108",
    ),
    SynonymGroup(
        ("انتخابات", "اقتراع"),
        "news usage: elections and the ballot (SaudiNewsNet terms: انتخاب 3,182, اقتراع 96)",
    ),
    SynonymGroup(
        ("استقالة", "استقال", "تنحي", "تنحى"),
        "news usage: leaving office; SaudiNewsNet titles: استقالة 10, تنحي 2",
    ),
    SynonymGroup(
        ("إقالة", "أقال", "إعفاء", "أعفى"),
        "news usage: dismissal; Saudi royal orders say «إعفاء … من منصبه» (3 articles that "
        "week); SaudiNewsNet titles: إقالة 3, إعفاء 3. Caveat: إعفاء is also an exemption",
    ),
    SynonymGroup(
        ("تعيين", "تكليف"),
        "news usage: appointing an official («تعيين مدير» / «تكليف مدير»); SaudiNewsNet titles: "
        "تعيين 14, تكليف 16. Caveat: تكليف is any assignment of a task",
    ),
    SynonymGroup(
        ("مفاوضات", "محادثات"),
        "news usage: diplomatic talks; SaudiNewsNet titles: مفاوضات 15, محادثات 11",
    ),
    # --- economy ------------------------------------------------------------------------------
    SynonymGroup(
        ("ارتفاع", "ارتفع", "زيادة", "زاد"),
        "news usage: rises in prices and figures; SaudiNewsNet titles: ارتفاع 84, زيادة 23. "
        "Caveats: ارتفاع is also altitude; زيادة stems to زياد, also the name Ziad (40 of the "
        "term's 1,646 uses)",
    ),
    SynonymGroup(
        ("انخفاض", "انخفض", "تراجع"),
        "news usage: falls in prices and figures; SaudiNewsNet titles: تراجع 68, انخفاض 33. "
        "Caveat: تراجع is also backing down or a military retreat",
    ),
    SynonymGroup(
        ("بنك", "مصرف"),
        "news usage: banks («البنك المركزي» / «المصرف المركزي»); SaudiNewsNet terms: بنك "
        "1,226, مصرف 400. Caveat: مصرف is also a drain or canal in Egypt and Iraq",
    ),
    # --- sport --------------------------------------------------------------------------------
    SynonymGroup(
        ("مباراة", "لقاء"),
        "news usage, sport: a match («مباراة الهلال والنصر» / «لقاء الهلال والنصر»); "
        "SaudiNewsNet terms: مباراة 1,701, لقاء 1,511. Caveat: لقاء is also a meeting",
    ),
    SynonymGroup(
        ("فوز", "فاز", "انتصار", "انتصر"),
        "news usage: wins in sport and elections; SaudiNewsNet titles: فوز 27, انتصار 17",
    ),
    # --- names and their spellings --------------------------------------------------------------
    SynonymGroup(
        ("أمريكا", "أميركا", "الولايات المتحدة"),
        "transliteration and naming: both spellings and the full name (SaudiNewsNet: أمريكا "
        "558, أميركا 293, «الولايات المتحدة» 1,305)",
    ),
    SynonymGroup(
        ("أمريكي", "أميركي"),
        "transliteration: the adjective in both spellings; the analyser gives الأمريكية and "
        "أمريكي one term (SaudiNewsNet: 2,385 and 1,895)",
    ),
    SynonymGroup(
        ("بريطانيا", "المملكة المتحدة"),
        "news usage: the country's two names (SaudiNewsNet: 504 and 63)",
    ),
    SynonymGroup(
        ("سوريا", "سورية"),
        "transliteration: both spellings are standard (Syrian official media and several Saudi "
        "papers write سورية); the analysed term of سورية is shared with السوري/السورية "
        "(SaudiNewsNet: 1,176 and 2,220)",
    ),
    SynonymGroup(
        ("أوروبا", "أوربا", "أوروبي", "أوربي"),
        "transliteration: two spellings of Europe and European (SaudiNewsNet: 627/26 and 1,148/44)",
    ),
    SynonymGroup(
        ("الكونغرس", "الكونجرس"),
        "transliteration: g as غ or ج (SaudiNewsNet: 167 and 103; ج in الاقتصادية and الوطن, "
        "غ in الشرق الأوسط)",
    ),
    SynonymGroup(
        ("البنتاغون", "البنتاجون"),
        "transliteration: g as غ or ج (SaudiNewsNet: 22 and 12)",
    ),
    SynonymGroup(
        ("غوغل", "جوجل"),
        "transliteration: g as غ or ج (SaudiNewsNet: 55 and 96)",
    ),
    SynonymGroup(
        ("ترامب", "ترمب"),
        "transliteration: both in Saudi papers of the same week (SaudiNewsNet: 95 and 23; ترمب "
        "in الجزيرة and الاقتصادية)",
    ),
    SynonymGroup(
        ("نتنياهو", "نتانياهو"),
        "transliteration: both in Saudi papers of the same week (SaudiNewsNet: 132 and 8; "
        "نتانياهو in الجزيرة, اليوم, سبق)",
    ),
    # --- colloquial words readers use ---------------------------------------------------------
    SynonymGroup(
        ("أموال", "نقود", "مصاري", "فلوس"),
        "colloquial: مصاري (Levantine), فلوس (Egyptian, Gulf, Iraqi) for money; in MSA فلوس "
        "is also the plural of the coin فلس (SaudiNewsNet: 5)",
    ),
    SynonymGroup(
        ("مستشفى", "مشفى", "سبيطار"),
        "colloquial and regional: مشفى is Syrian MSA usage (SaudiNewsNet: 17), سبيطار Maghrebi "
        "colloquial; مستشفى 1,865",
    ),
    SynonymGroup(
        ("كهرباء", "كهربا"),
        "colloquial spelling: كهربا (Levantine, Egyptian) without the hamza; it is also the "
        "analysed term of الكهربائية 'electrical'",
    ),
    SynonymGroup(
        ("حافلة", "باص", "أتوبيس", "أوتوبيس"),
        "colloquial and regional: باص (Levantine, Gulf), أتوبيس (Egyptian) for حافلة "
        "(SaudiNewsNet: حافلة 252, باص 60)",
    ),
    SynonymGroup(
        ("تلفزيون", "تلفاز"),
        "news usage: television in both MSA forms (SaudiNewsNet: 206 and 32)",
    ),
    SynonymGroup(
        ("مقعد", "مقاعد", "كرسي", "كراسي"),
        "colloquial: a reader's كرسي for a seat the news counts as مقعد («كم فيها كرسي درجة "
        "أعمال؟», «30 مقعدا»); SaudiNewsNet terms: مقعد 126, مقاعد 200, كرسي 108, كراسي 52 (كرسي "
        "is also a chair of office, «كرسي السفارة»)",
    ),
)

# Pairs considered and left out, with the reason (the collision or the change of meaning).
REJECTED: dict[str, str] = {
    "عربية ~ سيارة": "Egyptian عربية 'car' is MSA عربية 'Arab, Arabic' (الجامعة العربية)",
    "بيت ~ منزل": "bare بيت is mostly البيت الأبيض, بيت الله, بيت المقدس, بيت من الشعر, and "
    "place names (بيت لحم, بيت حانون)",
    "ولد ~ طفل": "ولد is MSA وُلد 'was born', the verb of every biography",
    "ولاد ~ أطفال": "ولاد stems like ولادة 'birth'",
    "ناس ~ مواطنين": "people in general are not citizens; no news question swaps them",
    "شغل ~ عمل": "عمل is also the analysed term of عملية 'operation', and MSA شغل means 'held (a "
    "post)'",
    "انسحاب ~ تراجع": "withdrawal of troops or from a deal is not a decline or backing down",
    "زيارة ~ جولة": "جولة is also a round of talks or of a league",
    "محكمة ~ قضاء": "القضاء على is 'eliminating', قضاء is also a district (Iraq, Lebanon) and "
    "spending time",
    "وفاة ~ رحيل": "رحيل is also a departure from power or a club (رحيل الأسد, رحيل المدرب)",
    "أسرى ~ معتقلين": "أسرى stems to اسر, which is also أسرة 'family' and أسر 'captured'",
    "موازنة ~ ميزانية": "ميزانية stems to ميزان, which is also الميزان التجاري 'trade balance'",
    "جوال ~ موبايل": "موبايل is mostly the company Mobily (موبايلي) in Saudi news; الجوالة are "
    "scouts",
    "هاتف ~ تلفون": "تلفون stems to تلف 'damage'",
    "اتفاق ~ صفقة": "صفقة is also a business or transfer deal; the agreement/deal senses only "
    "partly overlap",
    "الانتخابات الرئاسية ~ الرئاسيات": "the analyser already gives both one term (رياس)",
    "شرطة ~ بوليس": "شرطة stems to شرط 'condition'",
    "طائرة ~ طيارة": "طيارة stems to طيار 'pilot'",
    "مياه ~ مية": "colloquial مية 'water' is also مية 'hundred' (مائة)",
    "قطار ~ قطر": "Egyptian قطر 'train' is Qatar",
    "لص ~ حرامي": "حرامي stems to حرام 'forbidden'",
    "الأمم المتحدة ~ المنظمة الدولية": "المنظمة الدولية للهجرة (IOM) and other bodies",
    "لاجئين ~ نازحين": "refugees and internally displaced people are counted separately",
    "فيضانات ~ فيضان": "the singular stems to فيض 'abundance'",
}
