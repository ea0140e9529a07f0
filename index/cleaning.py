"""Turning feed and web HTML into plain paragraphs, and telling Arabic text from other text."""

from __future__ import annotations

import hashlib
import re
import unicodedata

from selectolax.lexbor import LexborHTMLParser, LexborNode

__all__ = [
    "arabic_ratio",
    "content_hash",
    "html_to_text",
    "is_arabic",
    "normalize_text",
    "strip_boilerplate",
]

# Elements whose text is never part of the story. Figure captions are dropped too: in news
# feeds they are photo credits and image descriptions ("صورة: ..."), and left in they would sit
# in the middle of the prose that excerpts quote.
_DROP = frozenset(
    {
        "script",
        "style",
        "noscript",
        "template",
        "nav",
        "aside",
        "figcaption",
        "iframe",
        "object",
        "embed",
        "svg",
        "math",
        "canvas",
        "video",
        "audio",
        "form",
        "button",
        "select",
        "textarea",
        "head",
        "title",
    }
)
# Elements that end a paragraph: their text goes on a line of its own.
_BLOCKS = frozenset(
    {
        "address",
        "article",
        "blockquote",
        "dd",
        "details",
        "div",
        "dl",
        "dt",
        "figure",
        "footer",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hr",
        "li",
        "main",
        "ol",
        "p",
        "pre",
        "section",
        "summary",
        "table",
        "td",
        "th",
        "tr",
        "ul",
        "br",
    }
)
# Invisible characters that only get in the way (zero-width space, BOM, soft hyphen).
_INVISIBLE = str.maketrans("", "", "\u200b\ufeff\u00ad")
_SPACES = re.compile(r"\s+")


def html_to_text(html: str) -> str:
    """Plain text of an HTML fragment or page: one paragraph per line, entities decoded,
    whitespace collapsed inside each paragraph, empty paragraphs dropped."""
    if not html or not html.strip():
        return ""
    tree = LexborHTMLParser(html)
    root = tree.body if tree.body is not None else tree.root
    if root is None:
        return ""
    paragraphs: list[str] = []
    current: list[str] = []
    # An explicit stack instead of recursion: feed HTML can be nested deeper than Python's
    # recursion limit. A None entry marks the end of a block element.
    stack: list[LexborNode | None] = [root]
    while stack:
        node = stack.pop()
        if node is None:
            paragraphs.append("".join(current))
            current = []
            continue
        tag = node.tag
        if tag == "-text":
            current.append(node.text_content or "")
            continue
        if tag is None or tag.startswith("-") or tag in _DROP:  # comments, doctype...
            continue
        if tag in _BLOCKS:
            paragraphs.append("".join(current))
            current = []
            stack.append(None)
        # Children are pushed in reverse so they are popped in document order.
        stack.extend(reversed(list(node.iter(include_text=True))))
    paragraphs.append("".join(current))
    # Inside a paragraph every run of whitespace, newlines included, is one space.
    return normalize_text("\n".join(_SPACES.sub(" ", p) for p in paragraphs))


def normalize_text(text: str) -> str:
    """Collapse whitespace inside each line, strip lines and drop empty ones."""
    text = text.translate(_INVISIBLE)
    lines = (_SPACES.sub(" ", line).strip() for line in text.splitlines())
    return "\n".join(line for line in lines if line)


def _is_arabic_char(ch: str) -> bool:
    code = ord(ch)
    return (
        0x0600 <= code <= 0x06FF  # Arabic
        or 0x0750 <= code <= 0x077F  # Arabic Supplement
        or 0x0870 <= code <= 0x08FF  # Arabic Extended-B and -A
        or 0xFB50 <= code <= 0xFDFF  # Arabic Presentation Forms-A
        or 0xFE70 <= code <= 0xFEFF  # Arabic Presentation Forms-B
    )


def arabic_ratio(text: str) -> float:
    """Share of the letters in `text` that are Arabic script (0.0 when there are no letters)."""
    letters = 0
    arabic = 0
    for ch in text:
        if unicodedata.category(ch).startswith("L"):
            letters += 1
            if _is_arabic_char(ch):
                arabic += 1
    return arabic / letters if letters else 0.0


def is_arabic(text: str, threshold: float = 0.5) -> bool:
    """True when at least `threshold` of the letters are Arabic script; False without letters."""
    ratio = arabic_ratio(text)
    return ratio > 0 and ratio >= threshold


# Harakat, Quranic annotation marks, superscript alef and tatweel: writers add or omit them
# freely, so they must not make two copies of one story differ.
_DIACRITICS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")
_HASH_FOLD = str.maketrans(
    {
        "أ": "ا",
        "إ": "ا",
        "آ": "ا",
        "ٱ": "ا",
        "ٲ": "ا",
        "ٳ": "ا",
        # Alef maqsura / ya and ta marbuta / ha are swapped routinely (Egyptian print style,
        # keyboard habits); two different stories never differ only in these.
        "ى": "ي",
        "ة": "ه",
        # Arabic-Indic and Persian digits become ASCII digits: sites convert between them.
        **{chr(0x0660 + i): str(i) for i in range(10)},
        **{chr(0x06F0 + i): str(i) for i in range(10)},
    }
)


def content_hash(text: str) -> str:
    """Hex sha256 of a normalised form of `text`, equal for copies of one story that differ only
    in whitespace, diacritics, tatweel, alef/ya/ta-marbuta spelling, digit style, letter case
    or presentation forms."""
    # NFKC maps Arabic presentation forms (ﻻ, ﺍ...) to ordinary letters.
    folded = unicodedata.normalize("NFKC", text)
    folded = "".join(ch for ch in folded if unicodedata.category(ch) != "Cf")  # bidi marks
    folded = _DIACRITICS.sub("", folded).translate(_HASH_FOLD).casefold()
    folded = _SPACES.sub(" ", folded).strip()
    return hashlib.sha256(folded.encode("utf-8")).hexdigest()


# ---- outlet boilerplate -------------------------------------------------------------------------

# Lines an outlet adds to every report, which say nothing of the story: a link line restating the
# title («رابط الخبر بصحيفة الوئام: <title>»), a columnist's SMS codes («للتواصل أرسل sms إلى
# 88548 …», «88591 - Stc», «زين تبدأ بالرمز 154 مسافة ثم الرسالة»), «…المزيد», «مقالات أخرى
# للكاتب …». Indexed, they are passages of their own that match a question by the title's words
# alone and are quoted as if they answered it.
_BOILERPLATE_LINE = re.compile(
    r"^(?:رابط الخبر\b.*"
    r"|للتواصل\b(?=.*(?:\d{4,}|sms|@|فاكس)).{0,150}"
    r"|.{0,60}تبدأ بالرمز.{0,40}"
    r"|[\d\s،,]*\d{5,}[\d\s،,-]*(?:Zain|STC|Mobily|زين|موبايلي|الاتصالات)[\d\s،,]*"
    r"(?:(?:Zain|STC|Mobily|زين|موبايلي|الاتصالات)[\d\s،,]*)*"
    r"|[.…]*\s*المزيد"
    r"|مقالات أخرى للكاتب.*)$",
    re.IGNORECASE,
)
# … and the same link line run onto the last sentence («… في بلادها”. رابط الخبر بصحيفة الوئام:
# لافروف: …»: 87 of SaudiNewsNet's 682)
_LINK_TAIL = re.compile(r"\s*رابط الخبر بصحيفة[^\n]*$")


def strip_boilerplate(text: str) -> str:
    """`text` without the outlet lines that carry no story (_BOILERPLATE_LINE); unchanged when
    nothing else would be left. A tag list run onto the last sentence («… راجعون. سمات
    العريف أحمد المجيشي جثمان شهيد») stays: it names the article's subjects, and taken off it
    cost reader answers whose passage says «اللاعب» where the tags say «فيتفاتزيدس»."""
    kept = [_LINK_TAIL.sub("", line) for line in text.splitlines()
            if not _BOILERPLATE_LINE.match(" ".join(line.split()))]
    stripped = "\n".join(kept).strip()
    return stripped or text
