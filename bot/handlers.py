"""Telegram handlers: each parses the update, calls one function, replies.

Questions: any text in a private chat, /ask anywhere, and in groups a message that mentions the
bot or replies to it. Everything dynamic is HTML-escaped by bot.format.
"""

from __future__ import annotations

import asyncio
import html
import logging
import re

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InputTextMessageContent,
    LinkPreviewOptions,
    Message,
    Update,
)
from telegram.constants import (
    ChatAction,
    ChatMemberStatus,
    ChatType,
    MessageEntityType,
    ParseMode,
)
from telegram.error import BadRequest
from telegram.ext import ContextTypes

from bot.digest import FREQUENCIES, one_line_excerpt, run_digests
from bot.format import (
    RLM,
    esc,
    format_date,
    html_answer,
    html_attribution,
    html_entry_line,
    html_hit,
    split_blocks,
)
from bot.runtime import naba
from bot.texts import NEWS, PASSAGES, counted, date_range
from index.articles import ARTICLE_SUFFIXES, parse_article_bytes
from index.feeds import looks_like_feed_url
from index.ingest import ingest_articles
from index.search import MIN_CANDIDATES
from index.sources import ingest_sources

log = logging.getLogger(__name__)

PAGE = 3
INLINE_MIN_CHARS = 3
INLINE_CACHE_SECONDS = 60
MAX_DOCUMENT_BYTES = 2_000_000

EXAMPLE = "متى تحررت درعا؟"
HELP = f"""{RLM}أنا <b>نبأ</b>: أجيب عن أسئلتك عن الأخبار باقتباسات من نصوصها، \
مع المصدر والتاريخ والرابط.

<b>اسأل</b> بالعربية مباشرة (أو /ask سؤالك)، مثل: «{EXAMPLE}»
/sources — الأخبار المفهرسة
/latest — أحدث الأخبار
/subscribe [موضوع] — موجز بالأخبار الجديدة (كلها أو عن موضوع)
/unsubscribe — إلغاء الاشتراك
/digest instant|hourly|daily|now — وتيرة الموجز، أو أرسله الآن
/status — حالة الفهرس واشتراكك
في المجموعات: اذكرني (@) أو ردّ على رسالتي أو استخدم /ask.
في أي محادثة: اكتب @اسمي ثم سؤالك."""
RATE_LIMITED = "مهلًا 🙂 وصلت إلى حد الأسئلة في الدقيقة ({n}). حاول بعد قليل."
NOT_TEXT = "أفهم الرسائل النصية فقط. اكتب سؤالك بالعربية، مثل: «متى تحررت درعا؟»"
ASK_USAGE = "اكتب سؤالك بعد الأمر، مثل: /ask متى تحررت درعا؟"
ADMIN_ONLY = "هذا الأمر للمشرفين فقط."
GROUP_ADMINS_ONLY = "يغيّر اشتراك المجموعة مشرفوها فقط."
EXPIRED = "انتهت صلاحية هذا الزر. أعد إرسال سؤالك."
TOO_BIG = "الملف كبير جدًا أو بلا حجم معلن (الحد 2 ميغابايت)."
ERROR_REPLY = "عذرًا، حدث خطأ غير متوقع أثناء معالجة طلبك. حاول مرة أخرى بعد قليل."

_COMMAND = re.compile(r"^/\w+(@\w+)?\s*", re.ASCII)


# ---- questions ---------------------------------------------------------------------------


def _question_of(message: Message, bot_username: str | None) -> str:
    """The question in a message: without a leading /command or an @mention of the bot."""
    text = message.text or message.caption or ""
    text = _COMMAND.sub("", text, count=1) if text.startswith("/") else text
    if bot_username:
        text = re.sub(rf"@{re.escape(bot_username)}\b", " ", text, flags=re.IGNORECASE)
    return text.strip()


# An answer ready sooner than this goes out without a "typing…" action first.
TYPING_AFTER_SECONDS = 0.3
# The deepest page the «المزيد» button can reach: answer() ranks MIN_CANDIDATES passages.
MAX_OFFSET = MIN_CANDIDATES - PAGE


def _more_button(offset: int, total: int) -> InlineKeyboardMarkup | None:
    buttons = []
    if offset > 0:
        buttons.append(
            InlineKeyboardButton("→ السابق", callback_data=f"more:{max(0, offset - PAGE)}")
        )
    if offset + PAGE < total and offset + PAGE <= MAX_OFFSET:
        buttons.append(InlineKeyboardButton("المزيد ←", callback_data=f"more:{offset + PAGE}"))
    return InlineKeyboardMarkup([buttons]) if buttons else None


async def _answer_and_reply(
    message: Message, context: ContextTypes.DEFAULT_TYPE, text: str
) -> None:
    app = naba(context)
    user = message.from_user
    if user and not app.allow_question(user.id):
        await message.reply_text(esc(RATE_LIMITED.format(n=app.settings.questions_per_minute)))
        return
    await app.library.refresh()
    searching = asyncio.ensure_future(app.library.answer(text, top=PAGE))
    done, _ = await asyncio.wait({searching}, timeout=TYPING_AFTER_SECONDS)
    if not done:
        # only a slow answer earns the "typing…" call: each costs a trip through the limiter
        await context.bot.send_chat_action(
            message.chat_id,
            ChatAction.TYPING,
            message_thread_id=message.message_thread_id if message.is_topic_message else None,
        )
    answer = await searching
    pages = html_answer(answer)
    markup = _more_button(0, answer.total) if answer.hits else None
    for i, page in enumerate(pages):
        await message.reply_text(
            page,
            do_quote=True,
            reply_markup=markup if i == len(pages) - 1 else None,
            link_preview_options=LinkPreviewOptions(is_disabled=True),
        )


async def private_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Any text in a private chat is a question."""
    message = update.effective_message
    await _answer_and_reply(message, context, _question_of(message, context.bot.username))


async def ask(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    question = " ".join(context.args or [])
    if not question.strip():
        await message.reply_text(esc(ASK_USAGE))
        return
    await _answer_and_reply(message, context, question)


async def group_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """In groups, answer only when the bot is mentioned or its message is replied to."""
    message = update.effective_message
    username = (context.bot.username or "").lower()
    mentioned = any(
        e.type == MessageEntityType.MENTION
        and message.parse_entity(e).lstrip("@").lower() == username
        for e in message.entities
    )
    replied = bool(
        message.reply_to_message
        and message.reply_to_message.from_user
        and message.reply_to_message.from_user.id == context.bot.id
    )
    if not (mentioned or replied):
        return
    question = _question_of(message, context.bot.username)
    if not question:
        await message.reply_text(esc(ASK_USAGE))
        return
    await _answer_and_reply(message, context, question)


async def not_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Stickers, photos, voice… in a private chat: a polite hint."""
    await update.effective_message.reply_text(esc(NOT_TEXT))


async def stray_callback(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Callback data naba never sent (an old client, a forged button): answered, so the
    user's spinner stops, and nothing else."""
    await update.callback_query.answer(EXPIRED)


async def unknown_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A /command the bot does not have, in a private chat: say so, and what it has."""
    await update.effective_message.reply_text(f"{RLM}لا أعرف هذا الأمر.\n\n{HELP}")


async def more(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The "more results" button: re-ask the question it answers, one page further.

    Callback data comes from clients and can be forged: an offset outside the pages naba
    can have, or a user pressing faster than the question limit, gets a short answer and no
    search."""
    query = update.callback_query
    try:
        offset = int((query.data or "").split(":", 1)[1])
    except (IndexError, ValueError):
        offset = -1
    if not 0 <= offset <= MAX_OFFSET or offset % PAGE:
        await query.answer(EXPIRED)
        return
    app = naba(context)
    if query.from_user and not app.allow_question(query.from_user.id):
        await query.answer(RATE_LIMITED.format(n=app.settings.questions_per_minute))
        return
    original = query.message.reply_to_message if query.message else None
    question = _question_of(original, context.bot.username) if original else ""
    if not question:
        await query.answer(EXPIRED, show_alert=True)
        return
    await query.answer()
    answer = await app.library.answer(question, top=PAGE, offset=offset)
    if not answer.hits:
        await query.edit_message_reply_markup(None)
        return
    page = html_answer(answer)[0]
    try:
        await query.edit_message_text(
            page,
            reply_markup=_more_button(offset, answer.total),
            link_preview_options=LinkPreviewOptions(is_disabled=True),
        )
    except BadRequest as err:
        if "not modified" not in err.message.lower():
            raise


async def inline(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """@bot question in any chat: the top passages as articles to send."""
    query = update.inline_query
    text = query.query.strip()
    if len(text) < INLINE_MIN_CHARS:
        await query.answer([], cache_time=INLINE_CACHE_SECONDS)
        return
    answer = await naba(context).library.answer(text, top=5)
    results = [
        InlineQueryResultArticle(
            id=str(hit.passage_id),
            title=hit.title[:100],
            description=" ".join(hit.excerpt.split())[:120],
            input_message_content=InputTextMessageContent(
                html_hit(hit),
                parse_mode=ParseMode.HTML,
                link_preview_options=LinkPreviewOptions(is_disabled=True),
            ),
        )
        for hit in answer.hits
    ]
    await query.answer(results, cache_time=INLINE_CACHE_SECONDS)


# ---- information ---------------------------------------------------------------------------


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    store = naba(context).store
    summary = await store.article_summary()
    known = (f"{RLM}أعرف الآن <b>{counted(summary['articles'], NEWS)}</b> "
             f"({counted(summary['passages'], PASSAGES)})")
    if summary["first_published"]:
        dates = date_range(format_date(summary["first_published"]),
                           format_date(summary["last_published"]))
        known += f"، منشورة {esc(dates)}"
    await update.effective_message.reply_text(f"{known}.\n\n{HELP}")


async def help_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await update.effective_message.reply_text(HELP)


async def sources(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    store = naba(context).store
    summary = await store.article_summary()
    articles = await store.articles(limit=30)
    if not articles:
        await update.effective_message.reply_text("لا توجد أخبار مفهرسة بعد.")
        return
    head = f"{RLM}📚 الأخبار المفهرسة: {summary['articles']} (الأحدث أولًا)"
    lines = [f"{RLM}{i}. {html_attribution(a)}" for i, a in enumerate(articles, 1)]
    for text in split_blocks([head, *lines], sep="\n"):
        await update.effective_message.reply_text(
            text, link_preview_options=LinkPreviewOptions(is_disabled=True)
        )


async def latest(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    articles = await naba(context).store.articles(limit=5)
    if not articles:
        await update.effective_message.reply_text("لا توجد أخبار مفهرسة بعد.")
        return
    blocks = [f"{RLM}🆕 أحدث الأخبار"] + [html_entry_line(a, one_line_excerpt(a)) for a in articles]
    for text in split_blocks(blocks):
        await update.effective_message.reply_text(
            text, link_preview_options=LinkPreviewOptions(is_disabled=True)
        )


async def status(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    app = naba(context)
    store = app.store
    chat = update.effective_chat
    summary = await store.article_summary()
    last = await store.last_ingest()
    sub = await store.subscription(chat.id)
    lines = [
        f"{RLM}📊 <b>الحالة</b>",
        f"{RLM}الأخبار: {summary['articles']} · المقاطع المفهرسة: {app.library.passages}",
    ]
    lines.append(
        f"{RLM}آخر إدخال: "
        + (f"{esc(last[0].isoformat(' ', 'minutes'))} ({esc(last[2])})" if last else "لا يوجد")
    )
    if sub:
        topic = f"عن «{esc(sub.topic)}»" if sub.topic else "كل الأخبار"
        state = "موقوف" if sub.paused else "فعّال"
        last_digest = (
            esc(sub.last_digest_at.isoformat(" ", "minutes"))
            if sub.last_digest_at
            else "لم يُرسل بعد"
        )
        lines.append(
            f"{RLM}اشتراكك: {topic} · {FREQ_AR.get(sub.frequency, sub.frequency)} · "
            f"{state} · آخر موجز: {last_digest}"
        )
    else:
        lines.append(f"{RLM}لست مشتركًا. اكتب /subscribe لتصلك الأخبار الجديدة.")
    await update.effective_message.reply_text("\n".join(lines))


# ---- subscriptions ---------------------------------------------------------------------------

FREQ_AR = {"instant": "فوري", "hourly": "كل ساعة", "daily": "يومي"}


async def _may_manage_subscription(update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
    """In groups only the group's admins (or an anonymous admin posting as the group) may
    change what the whole group receives; private chats and channel posts are their own."""
    chat = update.effective_chat
    if chat.type not in (ChatType.GROUP, ChatType.SUPERGROUP):
        return True
    message = update.effective_message
    if message.sender_chat and message.sender_chat.id == chat.id:
        return True
    user = update.effective_user
    if user is None:
        return False
    member = await context.bot.get_chat_member(chat.id, user.id)
    if member.status in (ChatMemberStatus.ADMINISTRATOR, ChatMemberStatus.OWNER):
        return True
    await message.reply_text(GROUP_ADMINS_ONLY)
    return False


async def subscribe(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    chat = update.effective_chat
    if not await _may_manage_subscription(update, context):
        return
    topic = " ".join(context.args or []).strip() or None
    if topic and len(topic) > 200:
        await message.reply_text("الموضوع طويل جدًا؛ اكتب كلمات قليلة (حتى 200 حرف).")
        return
    sub = await naba(context).store.subscribe(
        chat.id,
        chat_type=chat.type,
        thread_id=message.message_thread_id if message.is_topic_message else None,
        topic=topic,
    )
    what = f"الأخبار الجديدة عن «{esc(topic)}»" if topic else "كل الأخبار الجديدة"
    await message.reply_text(
        f"{RLM}✅ اشتركت في موجز {what} ({FREQ_AR.get(sub.frequency, sub.frequency)}).\n"
        f"{RLM}غيّر الوتيرة بـ /digest instant أو hourly أو daily، واطلب الموجز الآن بـ /digest now."
    )


async def unsubscribe(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if not await _may_manage_subscription(update, context):
        return
    removed = await naba(context).store.unsubscribe(update.effective_chat.id)
    await update.effective_message.reply_text(
        "تم إلغاء اشتراكك." if removed else "لست مشتركًا أصلًا. اكتب /subscribe للاشتراك."
    )


async def digest(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    app = naba(context)
    message = update.effective_message
    chat_id = update.effective_chat.id
    choice = (context.args or [""])[0].lower()
    if choice not in (*FREQUENCIES, "now"):
        await message.reply_text("استخدم: /digest instant أو hourly أو daily أو now")
        return
    if choice != "now" and not await _may_manage_subscription(update, context):
        return
    if await app.store.subscription(chat_id) is None:
        await message.reply_text("لست مشتركًا بعد. اكتب /subscribe أولًا.")
        return
    if choice == "now":
        await app.library.refresh()
        await app.store.request_digest_now(chat_id)
        async with app.digest_lock:
            run = await run_digests(
                context.bot,
                app.store,
                app.library,
                pace=app.settings.digest_pace_seconds,
                only_chat=chat_id,
            )
        if not run.sent_messages:
            await message.reply_text("لا جديد منذ آخر موجز.")
        return
    await app.store.set_frequency(chat_id, choice)
    await message.reply_text(f"{RLM}وتيرة الموجز الآن: {FREQ_AR[choice]}.")


# ---- admin ---------------------------------------------------------------------------------


def _is_admin(update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
    user = update.effective_user
    return bool(user and user.id in naba(context).admins)


async def _refuse(update: Update) -> None:
    log.warning(
        "admin command refused for user %s",
        update.effective_user.id if update.effective_user else None,
    )
    await update.effective_message.reply_text(ADMIN_ONLY)


async def stats(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if not _is_admin(update, context):
        await _refuse(update)
        return
    app = naba(context)
    summary = await app.store.article_summary()
    ingests = await app.store.ingest_counts()
    deliveries = await app.store.delivery_counts()
    subs = await app.store.count_subscriptions()
    feeds = await app.store.feeds()
    feed_errors = sum(f.errors_total for f in feeds)
    text = (
        f"{RLM}📈 <b>إحصاءات</b>\n"
        f"{RLM}الأخبار: {summary['articles']} · المقاطع: {summary['passages']}\n"
        f"{RLM}المشتركون: {subs['subscriptions']} (موقوف: {subs['paused']})\n"
        f"{RLM}الموجزات المرسلة: {deliveries.get('sent', 0)} · قيد الإرسال: "
        f"{deliveries.get('sending', 0)} · خارج الموضوع: {deliveries.get('filtered', 0)}\n"
        f"{RLM}الإدخال: جديد {ingests.get('new', 0)} · محدّث {ingests.get('updated', 0)} · "
        f"مكرر {ingests.get('duplicate', 0)} · متجاوز {ingests.get('skipped', 0)} · "
        f"فاشل {ingests.get('failed', 0)}\n"
        f"{RLM}الخلاصات: {len(feeds)} · أخطاء الخلاصات: {feed_errors}"
    )
    await update.effective_message.reply_text(text)


async def reindex(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if not _is_admin(update, context):
        await _refuse(update)
        return
    count = await naba(context).library.build()
    await update.effective_message.reply_text(f"أُعيد بناء الفهرس: {counted(count, PASSAGES)}.")


async def ingest(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/ingest URL (a feed), or a .txt/.md/.json document sent with /ingest as caption."""
    if not _is_admin(update, context):
        await _refuse(update)
        return
    app = naba(context)
    message = update.effective_message
    if message.document:
        await _ingest_document(message, context)
        return
    args = context.args or []
    if len(args) != 1 or not looks_like_feed_url(args[0]):
        await message.reply_text("استخدم: /ingest رابط-الخلاصة، أو أرسل ملف .txt أو .md أو .json.")
        return
    report = await ingest_sources(app.store, args, options=naba(context).settings.feed_options)
    await app.library.refresh()
    problems = "\n".join(esc(p) for p in report.problems[:5])
    await message.reply_text(f"نتيجة الإدخال: {esc(report.summary())}\n{problems}".strip())


async def document(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A document in a private chat: admins' article uploads; others get a polite hint."""
    if not _is_admin(update, context):
        await update.effective_message.reply_text(esc(NOT_TEXT))
        return
    await _ingest_document(update.effective_message, context)


async def _ingest_document(message: Message, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Read an uploaded article file by the same rules as files on disk (front matter,
    encodings, JSON lists), then ingest it."""
    doc = message.document
    name = doc.file_name or "document.txt"
    if not name.lower().endswith(tuple(ARTICLE_SUFFIXES)):
        await message.reply_text("أقبل ملفات .txt و.md و.json فقط.")
        return
    # Checked before downloading (the size Telegram declares) and after (a missing or wrong
    # declaration must not let a larger file through to the parser).
    if not doc.file_size or doc.file_size > MAX_DOCUMENT_BYTES:
        await message.reply_text(TOO_BIG)
        return
    file = await doc.get_file()
    if file.file_size and file.file_size > MAX_DOCUMENT_BYTES:
        await message.reply_text(TOO_BIG)
        return
    data = bytes(await file.download_as_bytearray())
    if len(data) > MAX_DOCUMENT_BYTES:
        await message.reply_text(TOO_BIG)
        return
    try:
        # parsing a 2 MB JSON list takes a while: off the event loop, so others get answers
        read = await asyncio.to_thread(
            parse_article_bytes, data, name, f"upload:{doc.file_unique_id}"
        )
    except ValueError as err:
        await message.reply_text(f"تعذّرت قراءة الملف: {esc(str(err))}")
        return
    app = naba(context)
    report = await ingest_articles(app.store, read.articles, f"telegram:{name}")
    for problem in read.problems:
        report.add("failed")
        report.problems.append(problem)
    await app.library.refresh()
    problems = "\n".join(esc(p) for p in report.problems[:5])
    await message.reply_text(f"نتيجة الإدخال: {esc(report.summary())}\n{problems}".strip())


async def feeds_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if not _is_admin(update, context):
        await _refuse(update)
        return
    store = naba(context).store
    message = update.effective_message
    args = context.args or []
    action = args[0].lower() if args else "list"
    if action == "add" and len(args) == 2 and looks_like_feed_url(args[1]):
        feed, created = await store.add_feed(args[1], added_by=str(update.effective_user.id))
        await message.reply_text(("أُضيفت" if created else "موجودة مسبقًا") + f": #{feed.id}")
    elif action == "remove" and len(args) == 2:
        removed = await store.remove_feed(args[1])
        await message.reply_text("حُذفت." if removed else "لا توجد خلاصة بهذا الرابط.")
    elif action == "list":
        feeds = await store.feeds()
        if not feeds:
            await message.reply_text("لا توجد خلاصات. أضف واحدة: /feeds add رابط")
            return
        blocks = []
        for f in feeds:
            ok = f.last_success_at.isoformat(" ", "minutes") if f.last_success_at else "أبدًا"
            err = esc(f.last_error or "-")
            blocks.append(
                f"#{f.id} {esc(f.url)}\nآخر نجاح: {esc(ok)} · آخر خطأ: {err} · "
                f"جديد {f.entries_new} · أخطاء {f.errors_total}"
            )
        for text in split_blocks(blocks):
            await message.reply_text(
                text, link_preview_options=LinkPreviewOptions(is_disabled=True)
            )
    else:
        await message.reply_text("استخدم: /feeds add رابط | /feeds remove رابط | /feeds list")


# ---- errors --------------------------------------------------------------------------------


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log with the traceback, and tell the user politely (in Arabic) that it failed."""
    log.error("error while handling an update", exc_info=context.error)
    if isinstance(update, Update):
        if update.callback_query:
            try:
                await update.callback_query.answer(ERROR_REPLY)
            except Exception:  # already answered, or too old
                log.debug("could not answer callback after error", exc_info=True)
        message = update.effective_message
        if message and update.effective_chat and update.effective_chat.type != ChatType.CHANNEL:
            try:
                await message.reply_text(html.escape(ERROR_REPLY))
            except Exception:
                log.warning("could not send the error reply", exc_info=True)
