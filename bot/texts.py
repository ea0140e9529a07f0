"""Every sentence naba says to people, in one place: Arabic first, English where a reader may
not read Arabic (the command menu, /help for English-language Telegram users, the hint under a
question in Latin letters).

Static text only; replies that carry dynamic values are built (and HTML-escaped) in
bot.format. `{name}` fields are filled with str.format there.
"""

from __future__ import annotations

from index.search import MAX_QUERY_CHARS

EXAMPLE = "متى تحررت درعا؟"
EXAMPLE_EN = "When was Daraa liberated?"

# ---- answers ---------------------------------------------------------------------------------

# Why a question could not be searched (index.models.Answer.problem).
PROBLEMS = {
    "empty": f"اكتب سؤالك بالعربية، مثل: {EXAMPLE}",
    "too_long": "السؤال طويل جدًا ({n} حرفًا). اكتب سؤالًا أقصر من {max} حرف.",
    "no_words": (
        "لم أجد في رسالتك كلمات يمكن البحث عنها. اكتب سؤالك بكلمات عربية، مثل: " + EXAMPLE
    ),
}

NOT_FOUND = "لم أجد في الأخبار المفهرسة ما يجيب عن سؤالك."
NOT_FOUND_HINT = (f"جرّب كلمات أخرى أو اسم مكان أو شخص أو تاريخ، مثل: «{EXAMPLE}». "
                  "اكتب /sources لترى الأخبار المتاحة.")
# A «ما اسم …» question whose story the articles tell without the name; the article follows.
NAME_NOT_GIVEN = "وجدت الخبر الذي تسأل عنه، لكنه لا يذكر الاسم. أقرب ما وجدت:"
LATIN_HINT = f"أفهم الأسئلة بالعربية فقط. اكتب سؤالك بالعربية، مثل: {EXAMPLE}"
# Under the Arabic hint, for someone who wrote in Latin letters and may not read Arabic.
LATIN_HINT_EN = (f"I answer questions in Arabic only. Ask in Arabic, for example: {EXAMPLE} "
                 f"({EXAMPLE_EN}) — /help explains more.")
# Before the other outlets that ran a near-copy of a quoted passage.
ALSO_IN = "ورد أيضًا في"
RESULTS_FOR = "🔎 نتائج عن:"
# Under the direct answer line («📌 7 كانون الأول 2024»): which quote it was read from.
DIRECT_FROM = "من النتيجة {rank}"
UNKNOWN_SOURCE = "المصدر غير معروف"
NO_DATE = "تاريخ النشر غير معروف"
NO_LINK = "الرابط غير معروف"
# Arabic month names as Arabic-language news sites print them (Egypt, Gulf; the Levantine names
# are folded to the same month by the analyzer anyway).
MONTHS = ("يناير", "فبراير", "مارس", "أبريل", "مايو", "يونيو", "يوليو", "أغسطس", "سبتمبر",
          "أكتوبر", "نوفمبر", "ديسمبر")


def problem_text(problem: str, query: str) -> str:
    """The Arabic sentence for an Answer.problem code."""
    template = PROBLEMS.get(problem, PROBLEMS["no_words"])
    return template.format(n=len((query or "").strip()), max=MAX_QUERY_CHARS)


# ---- the Telegram bot ------------------------------------------------------------------------

HELP = f"""أنا <b>نبأ</b>: أجيب عن أسئلتك عن الأخبار باقتباسات من نصوصها، \
مع المصدر والتاريخ والرابط.

<b>اسأل</b> بالعربية مباشرة (أو /ask سؤالك)، مثل: «{EXAMPLE}»
/sources — الأخبار المفهرسة
/latest — أحدث الأخبار
/subscribe [موضوع] — موجز بالأخبار الجديدة (كلها أو عن موضوع)
/unsubscribe — إلغاء الاشتراك
/digest instant|hourly|daily|now — وتيرة الموجز، أو أرسله الآن
/status — حالة الفهرس واشتراكك
/timeline كلمات — القصص عن موضوع بترتيب التاريخ
/story رقم — كل تقارير قصة واحدة، من كل المصادر
في المجموعات: اذكرني (@) أو ردّ على رسالتي أو استخدم /ask.
في أي محادثة: اكتب @اسمي ثم سؤالك."""
HELP_EN = f"""I am <b>naba</b>: I answer questions about the news with quotes from the \
articles, each with its outlet, date and link.

<b>Ask in Arabic</b>, directly (or /ask your question), for example: «{EXAMPLE}» \
({EXAMPLE_EN}). Questions in other languages find nothing: the articles are Arabic.
/sources — the indexed articles
/latest — the newest entries
/subscribe [topic] — a digest of new entries (all, or on a topic)
/unsubscribe — stop the digest
/digest instant|hourly|daily|now — how often, or send it now
/status — the index and your subscription
/timeline words — the stories on a topic, by date
/story number — every report of one story, from every outlet
In groups: mention me (@), reply to me, or use /ask.
In any chat: type @my_username and a question."""
KNOWN = "أعرف الآن <b>{news}</b> ({passages})"
KNOWN_DATES = "، منشورة {dates}"
RATE_LIMITED = "مهلًا 🙂 وصلت إلى حد الأسئلة في الدقيقة ({n}). حاول بعد قليل."
NOT_TEXT = f"أفهم الرسائل النصية فقط. اكتب سؤالك بالعربية، مثل: «{EXAMPLE}»"
ASK_USAGE = f"اكتب سؤالك بعد الأمر، مثل: /ask {EXAMPLE}"
UNKNOWN_COMMAND = "لا أعرف هذا الأمر."
ADMIN_ONLY = "هذا الأمر للمشرفين فقط."
GROUP_ADMINS_ONLY = "يغيّر اشتراك المجموعة مشرفوها فقط."
EXPIRED = "انتهت صلاحية هذا الزر. أعد إرسال سؤالك."
MORE = "المزيد ←"
VOTE_UP = "👍"
VOTE_DOWN = "👎"
THANKS_UP = "شكرًا! يسعدنا أن الإجابة أفادتك."
THANKS_DOWN = "شكرًا، سجّلنا أن الإجابة لم تُفدك؛ سنستعملها لتحسين نبأ."
PREVIOUS = "→ السابق"
ERROR_REPLY = "عذرًا، حدث خطأ غير متوقع أثناء معالجة طلبك. حاول مرة أخرى بعد قليل."
NOTHING_INDEXED = "لا توجد أخبار مفهرسة بعد."
SOURCES_HEAD = "📚 الأخبار المفهرسة: {n} (الأحدث أولًا)"
LATEST_HEAD = "🆕 أحدث الأخبار"

STATUS_HEAD = "📊 <b>الحالة</b>"
STATUS_INDEX = "الأخبار: {articles} · المقاطع المفهرسة: {passages}"
STATUS_LAST_INGEST = "آخر إدخال: {last}"
STATUS_NO_INGEST = "لا يوجد"
STATUS_SUBSCRIPTION = "اشتراكك: {topic} · {frequency} · {state} · آخر موجز: {last}"
STATUS_NOT_SUBSCRIBED = "لست مشتركًا. اكتب /subscribe لتصلك الأخبار الجديدة."
ABOUT_TOPIC = "عن «{topic}»"
ALL_NEWS = "كل الأخبار"
PAUSED = "موقوف"
ACTIVE = "فعّال"
NO_DIGEST_YET = "لم يُرسل بعد"

# Digest frequencies as the user reads them.
FREQUENCY = {"instant": "فوري", "hourly": "كل ساعة", "daily": "يومي"}
TOPIC_TOO_LONG = "الموضوع طويل جدًا؛ اكتب كلمات قليلة (حتى {max} حرف)."
SUBSCRIBED = ("✅ اشتركت في موجز {what} ({frequency}).\n"
              "غيّر الوتيرة بـ /digest instant أو hourly أو daily، "
              "واطلب الموجز الآن بـ /digest now.")
NEWS_ABOUT = "الأخبار الجديدة عن «{topic}»"
ALL_NEW = "كل الأخبار الجديدة"
UNSUBSCRIBED = "تم إلغاء اشتراكك."
NOT_SUBSCRIBED = "لست مشتركًا أصلًا. اكتب /subscribe للاشتراك."
DIGEST_USAGE = "استخدم: /digest instant أو hourly أو daily أو now"
SUBSCRIBE_FIRST = "لست مشتركًا بعد. اكتب /subscribe أولًا."
NOTHING_NEW = "لا جديد منذ آخر موجز."
FREQUENCY_SET = "وتيرة الموجز الآن: {frequency}."

DIGEST_HEADER = "📬 <b>موجز الأخبار الجديدة</b> ({n})"
DIGEST_HEADER_TOPIC = "📬 <b>موجز الأخبار الجديدة عن «{topic}»</b> ({n})"
DIGEST_CONTINUED = "📬 <b>تابع الموجز</b>"
# Stories across outlets (index.stories): /story, /timeline, and the sources of a digest item.
SOURCES = "المصادر"
STORY_USAGE = "اكتب رقم الخبر بعد الأمر، مثل: /story 12 (الرقم يظهر تحت الإجابات والموجز)."
STORY_NOT_FOUND = "لا أعرف خبرًا بهذا الرقم."
STORY_HEAD = "🧵 <b>القصة كما روتها المصادر</b> ({n})"
TIMELINE_USAGE = "اكتب موضوعًا بعد الأمر، مثل: /timeline تفجير عسير"
TIMELINE_HEAD = "🗓 <b>القصص عن «{topic}»</b> ({n})"
TIMELINE_EMPTY = "لم أجد قصصًا عن هذا الموضوع."
TIMELINE_PAGE = "({first}–{last} من {n})"

# ---- admins ----------------------------------------------------------------------------------

STATS = """📈 <b>إحصاءات</b>
الأخبار: {articles} · المقاطع: {passages}
المشتركون: {subscriptions} (موقوف: {paused})
الموجزات المرسلة: {sent} · قيد الإرسال: {sending} · خارج الموضوع: {filtered}
الإدخال: جديد {new} · محدّث {updated} · مكرر {duplicate} · متجاوز {skipped} · فاشل {failed}
الخلاصات: {feeds} · أخطاء الخلاصات: {feed_errors}
تقييم الإجابات: 👍 {up} · 👎 {down}{rate}"""
VOTE_RATE = " ({percent}٪ مفيدة)"
REINDEXED = "أُعيد بناء الفهرس: {passages}."
INGEST_USAGE = "استخدم: /ingest رابط-الخلاصة، أو أرسل ملف .txt أو .md أو .json."
INGEST_RESULT = "نتيجة الإدخال: {summary}"
ONLY_ARTICLE_FILES = "أقبل ملفات .txt و.md و.json فقط."
TOO_BIG = "الملف كبير جدًا أو بلا حجم معلن (الحد {mb} ميغابايت)."
UNREADABLE_FILE = "تعذّرت قراءة الملف: {reason}"
FEED_ADDED = "أُضيفت: #{id}"
FEED_EXISTS = "موجودة مسبقًا: #{id}"
FEED_REMOVED = "حُذفت."
FEED_UNKNOWN = "لا توجد خلاصة بهذا الرابط."
NO_FEEDS = "لا توجد خلاصات. أضف واحدة: /feeds add رابط"
FEED_LINE = "#{id} {url}\nآخر نجاح: {ok} · آخر خطأ: {error} · جديد {new} · أخطاء {errors}"
NEVER = "أبدًا"
FEEDS_USAGE = "استخدم: /feeds add رابط | /feeds remove رابط | /feeds list"

# ---- the command menu: (Arabic, English) per command, in menu order ------------------------

MENU = {
    "start": ("ما الذي أعرفه ومثال على سؤال", "What I know, with an example question"),
    "help": ("كيف تستخدمني", "How to use the bot"),
    "ask": (f"اسأل عن خبر: /ask {EXAMPLE}", "Ask about the news (in Arabic)"),
    "sources": ("الأخبار المفهرسة", "Indexed articles"),
    "latest": ("أحدث الأخبار", "Newest entries"),
    "subscribe": ("اشترك في موجز الأخبار الجديدة [موضوع]",
                  "Subscribe to digests of new entries [topic]"),
    "unsubscribe": ("ألغِ الاشتراك", "Stop the digest"),
    "digest": ("وتيرة الموجز: instant أو hourly أو daily أو now",
               "Digest frequency: instant, hourly, daily, or now"),
    "status": ("حالة الفهرس واشتراكك", "Index and subscription status"),
    "story": ("تقارير قصة واحدة من كل المصادر: /story رقم",
              "One story's reports from every outlet: /story number"),
    "timeline": ("القصص عن موضوع بترتيب التاريخ: /timeline كلمات",
                 "Stories on a topic, by date: /timeline words"),
}

# ---- the console -----------------------------------------------------------------------------

CONSOLE_WELCOME = (
    "مرحبًا! أنا «نبأ»، أجيب عن أسئلتك عن الأخبار المفهرسة باقتباسات من نصوصها ومصادرها.\n"
    "{status}.\n"
    f"اكتب سؤالك بالعربية، مثل: {EXAMPLE} — و/help للأوامر، و«خروج» أو Ctrl-D أو Ctrl-C للخروج."
)
CONSOLE_HELP = (
    f"اكتب سؤالك بالعربية، مثل: «{EXAMPLE}».\n"
    "/sources — الأخبار المفهرسة\n"
    "/latest — أحدث الأخبار\n"
    "/status — ما أعرفه الآن\n"
    "/help — هذه الرسالة\n"
    "خروج أو Ctrl-D أو Ctrl-C — الخروج"
)
CONSOLE_STATUS = "عندي {articles} ({passages}){dates}"
GOODBYE = "مع السلامة!"
EXIT_WORDS = frozenset({"خروج", "exit", "quit", ":q"})

# ---- start-up errors (one line, English then Arabic, naming the variable) ------------------

CANNOT_REACH_DB = ("naba: cannot use NABA_DATABASE_URL={path} ({reason}) — لا أستطيع استخدام "
                   "قاعدة البيانات NABA_DATABASE_URL={path}")
CANNOT_WRITE_DB = ("naba: cannot write NABA_DB={path} ({reason}); set NABA_DB to a writable "
                   "path — لا أستطيع الكتابة في NABA_DB={path}؛ اضبط NABA_DB على مسار قابل "
                   "للكتابة")

# ---- counted nouns ---------------------------------------------------------------------------

# Counted nouns: (singular, dual, plural for 3–10, accusative singular for 11–99).
NEWS = ("خبر", "خبران", "أخبار", "خبرًا")
ARTICLES = ("مقال", "مقالان", "مقالات", "مقالًا")
PASSAGES = ("مقطع", "مقطعان", "مقاطع", "مقطعًا")
_ONE = {"خبر": "خبر واحد", "مقال": "مقال واحد", "مقطع": "مقطع واحد"}


def counted(n: int, noun: tuple[str, str, str, str]) -> str:
    """A count with its noun as Arabic grammar has it: 1 → «خبر واحد», 2 → «خبران»,
    3–10 → «3 أخبار», 11–99 → «11 خبرًا», 100 and round hundreds → «100 خبر», and past 100
    the last two digits decide again (103 → «103 أخبار», 111 → «111 خبرًا»)."""
    singular, dual, plural, accusative = noun
    if n == 0:
        return f"0 {plural}"
    if n == 1:
        return _ONE.get(singular, f"{singular} واحد")
    if n == 2:
        return dual
    rest = n % 100
    if rest == 0:
        return f"{n} {singular}"
    if n > 100 and rest in (1, 2):
        return f"{n} {singular}"
    if 3 <= rest <= 10:
        return f"{n} {plural}"
    return f"{n} {accusative}"


def date_range(first: str, last: str) -> str:
    """«بين 1 أغسطس 2015 و9 أغسطس 2015», or «في 7 ديسمبر 2024» when both are one day."""
    return f"في {first}" if first == last else f"بين {first} و{last}"
