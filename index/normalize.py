"""Text analysis shared by passages and queries: Arabic normalization, stopwords, light stemming.

Rules of the default analyzer, in order (each is table-tested in tests/test_normalize.py):

1. Words are runs of letters (any script) or runs of digits; everything else separates words:
   spaces, Arabic and ASCII punctuation (، ؛ ؟ « » “ ” . , ! …), symbols and emoji.
   Digits and letters split apart: «و2002» → و 2002, «2024م» → 2024 م.
2. Inside a word: NFKC (presentation forms such as ﻻ → لا), then pyarabic's diacritics are
   deleted (harakat, shadda, sukun, tanween, superscript alef, combining hamza/madda, Quranic
   marks) along with tatweel and invisible format characters (ZWJ, ZWNJ, LRM, RLM, ALM, BOM).
3. Digits: Arabic-Indic ٠-٩ and Persian ۰-۹ → 0-9.
4. Letters: أ إ آ ٱ → ا ; ؤ → و ; ئ → ي ; ى → ي ; ة → ه ; Persian ی ک ە ۀ → ي ك ه ه.
   Latin is lowercased. pyarabic's normalize_hamza/normalize_alef are not used: the first turns
   أ into ء and the second turns ى into ا (على → علا), neither of which retrieval wants.
5. Months: the Syriac (كانون الثاني … كانون الأول), Latin-derived (يناير/جانفي … ديسمبر) and
   English (January … December) names become one token, month01 … month12, so «7 ديسمبر 2024»,
   «7 كانون الأول 2024» and "7 December 2024" analyze alike. Two-word names make one token.
6. Stopwords (matched on the normalized word, before stemming): Arabic function words, question
   words (متى ما من هل كيف اين لماذا كم ماذا …) and lone letters; see STOPWORDS.
7. Light stemming, Larkey's light10 as in Lucene's ArabicStemmer: at most one prefix of
   ال وال بال كال فال لل و, then the suffixes ها ان ات ون ين يه ه ي. The default
   (NabaStemmer, each rule a row in tests/test_normalize.py) keeps three letters, keeps a
   prefix that belongs to the word (index.lexicon), takes the pronouns هم هن كم off, reads a ت
   left by a pronoun suffix as a tied ة (عاصمتها = عاصمة), takes a bare ل off (لمصر = مصر),
   and leaves the dual ان on (طالبان, السودان). Digits, Latin words and month tokens are not
   stemmed.

`analyze` is the fast path used for every passage; `analyze_spans` gives the same terms with
offsets into the original text, for highlighting.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from importlib.metadata import version

import pyarabic.araby as araby

from index.dialects import ALL_DIALECT_STOPWORDS
from index.lexicon import (
    OWN_YEH_NOON_WORDS,
    RADICAL_AL_WORDS,
    RADICAL_LAM_WORDS,
    RADICAL_WAW_WORDS,
    ROOT_TEH_WORDS,
    SHORT_TIED_WORDS,
    TIED_AH_WORDS,
)

# --- code points -------------------------------------------------------------------------------

ALEF = "\u0627"  # ا
ALEF_MADDA = "\u0622"  # آ
ALEF_HAMZA_ABOVE = "\u0623"  # أ
ALEF_HAMZA_BELOW = "\u0625"  # إ
ALEF_WASLA = "\u0671"  # ٱ
WAW = "\u0648"  # و
WAW_HAMZA = "\u0624"  # ؤ
YEH = "\u064a"  # ي
YEH_HAMZA = "\u0626"  # ئ
ALEF_MAKSURA = "\u0649"  # ى
TEH_MARBUTA = "\u0629"  # ة
HEH = "\u0647"  # ه
TEH = "\u062a"  # ت
LAM = "\u0644"  # ل
KAF = "\u0643"  # ك
FARSI_YEH = "\u06cc"  # ی
KEHEH = "\u06a9"  # ک
AE = "\u06d5"  # ە
HEH_YEH_ABOVE = "\u06c0"  # ۀ
ZERO_WIDTH_SPACE = "\u200b"

# Invisible format characters that sit inside words in copied text (bidi marks, joiners, BOM,
# soft hyphen); deleting them keeps the word whole.
INVISIBLE = (
    "\u00ad\u061c\u200c\u200d\u200e\u200f"
    "\u202a\u202b\u202c\u202d\u202e\u2060\u2066\u2067\u2068\u2069\ufeff"
)

# pyarabic.araby.DIACRITICS = harakat, shadda, sukun, tanween, superscript alef, combining
# hamza above/below, madda, Quranic marks; a superset of araby.TASHKEEL, which misses the
# superscript alef (الرحمٰن) and the combining hamza (ا + U+0654 = أ).
_DELETED = "".join(araby.DIACRITICS) + araby.TATWEEL + INVISIBLE

_CHARS = str.maketrans(
    {
        **dict.fromkeys(_DELETED),
        **{d: str(i) for i, d in enumerate(araby.NUMBERS_EAST)},
        **{d: str(i) for i, d in enumerate(araby.NUMBERS_PERS)},
        ZERO_WIDTH_SPACE: " ",  # a word break that happens to be invisible
    }
)

_LETTERS = str.maketrans(
    {
        ALEF_HAMZA_ABOVE: ALEF,
        ALEF_HAMZA_BELOW: ALEF,
        ALEF_MADDA: ALEF,
        ALEF_WASLA: ALEF,
        WAW_HAMZA: WAW,
        YEH_HAMZA: YEH,
        ALEF_MAKSURA: YEH,
        TEH_MARBUTA: HEH,
        FARSI_YEH: YEH,
        KEHEH: KAF,
        AE: HEH,
        HEH_YEH_ABOVE: HEH,
    }
)

# A raw word: digits, or letters possibly carrying marks/tatweel/invisible characters. Latin
# combining accents (U+0300-036F) stay inside the word so NFKC can compose them.
_MARKS_CLASS = "".join(re.escape(c) for c in _DELETED) + "\u0300-\u036f"
_RAW_WORD = re.compile(rf"\d+|(?:[^\W\d_]|[{_MARKS_CLASS}])+")
# Re-splits a word whose NFKC form holds spaces or digits (ﷺ, ①).
_SUBWORD = re.compile(r"\d+|[^\W\d_]+")
_WHITESPACE_WORD = re.compile(r"\S+")
# Fathatan on a final alef («متراً», «مترًا»): the alef only carries the tanween, so it goes.
_TANWEEN_ALEF = re.compile("(?:\u064b\u0627|\u0627\u064b)[\u064b-\u065f\u0670\u0640]*$")
# HTML/XML tags and entities pasted into a question («<b>درعا</b>», «&amp;») are not words.
_MARKUP = re.compile(r"</?[A-Za-z][A-Za-z0-9]*(?:\s[^<>]*)?/?>|&(?:[A-Za-z]+|#\d+|#x[0-9A-Fa-f]+);")


# Final letters after which an alef is no tanween: «نائبا» is «نائباً», «ميناء» stays.
_NO_TANWEEN_AFTER = ("ا", "ه", "ي", "ء", "ى", "و")


def unmarked_accusative(term: str) -> str | None:
    """The index term an article's accusative leaves when it writes the tanween alef without
    its mark («عُيّن نائبا للرئيس» → «نايبا» beside «نايب»): `term` + «ا»; None after a letter
    that takes no such alef, and for a word too short to tell."""
    if len(term) < 3 or term.endswith(_NO_TANWEEN_AFTER) or term.isascii():
        return None
    return term + "ا"


def _blank_markup(text: str) -> str:
    """Markup replaced by spaces of the same length, so offsets into text stay valid."""
    if "<" not in text and "&" not in text:
        return text
    return _MARKUP.sub(lambda m: " " * len(m.group()), text)


def normalize(text: str) -> str:
    """Character-level normalization only: «أَعْلَنَتْ» → «اعلنت», «٢٠٢٤» → «2024», «ABC» → «abc»."""
    if not unicodedata.is_normalized("NFKC", text):
        text = unicodedata.normalize("NFKC", text)
    return text.translate(_CHARS).translate(_LETTERS).lower()


@lru_cache(maxsize=1 << 16)
def _words(raw: str) -> tuple[tuple[str, str], ...]:
    """(surface, normalized) pairs for one raw word; surface keeps the letters as written."""
    text = raw
    if not unicodedata.is_normalized("NFKC", text):
        text = unicodedata.normalize("NFKC", text)
    surface = text.translate(_CHARS).lower()
    # NFKC can expand a word into several (ﷺ) and lower() can add a combining dot (İ → i̇).
    parts = [surface] if text is raw and surface.isalnum() else _SUBWORD.findall(surface)
    if "\u064b" in raw and parts and len(parts[-1]) > 2 and _TANWEEN_ALEF.search(raw):
        parts[-1] = parts[-1][:-1]
    return tuple((p, p.translate(_LETTERS)) for p in parts)


def tokenize(text: str) -> list[str]:
    """Normalized words, no stopwords removed, no stemming, no month folding."""
    return [norm for raw in _RAW_WORD.findall(text) for _, norm in _words(raw)]


# --- months ------------------------------------------------------------------------------------

# Normalized spellings. آب (August) is matched only as written with madda (see _month_of),
# because its normalized form اب is also أب, "father".
_MONTH_NAMES: dict[int, tuple[str, ...]] = {
    1: ("يناير", "جانفي", "january"),
    2: ("شباط", "فبراير", "فيفري", "february"),
    3: ("اذار", "مارس", "march"),
    4: ("نيسان", "ابريل", "افريل", "april"),
    5: ("ايار", "مايو", "ماي", "may"),
    6: ("حزيران", "يونيو", "يونيه", "جوان", "june"),
    7: ("تموز", "يوليو", "يوليه", "يوليوز", "جويليه", "july"),
    8: ("اغسطس", "اغشت", "اوت", "august"),
    9: ("ايلول", "سبتمبر", "شتنبر", "september"),
    10: ("اكتوبر", "october"),
    11: ("نوفمبر", "نونبر", "november"),
    12: ("ديسمبر", "دجنبر", "december"),
}
_AUGUST_SURFACE = "آب"
# Syriac names in two words: كانون الثاني, تشرين الأول … (also written without ال).
_MONTH_PAIRS: dict[tuple[str, str], int] = {
    ("كانون", "الثاني"): 1,
    ("كانون", "ثاني"): 1,
    ("تشرين", "الاول"): 10,
    ("تشرين", "اول"): 10,
    ("تشرين", "الثاني"): 11,
    ("تشرين", "ثاني"): 11,
    ("كانون", "الاول"): 12,
    ("كانون", "اول"): 12,
}
_MONTH_HEADS = frozenset(head for head, _ in _MONTH_PAIRS)
# A conjunction or preposition glued to a month name: «وديسمبر», «بنيسان».
_MONTH_PROCLITICS = "وفبل"


def month_token(n: int) -> str:
    """The single term every name of month n analyzes to: 12 → «month12»."""
    return f"month{n:02d}"


_MONTHS: dict[str, str] = {
    name: month_token(n) for n, names in _MONTH_NAMES.items() for name in names
}
# Every normalized spelling of a month, one word or two («كانون الاول»), → its number: for
# readers of dates in running text (index.dates).
MONTH_NUMBERS: dict[str, int] = {
    **{name: n for n, names in _MONTH_NAMES.items() for name in names},
    **{f"{head} {tail}": n for (head, tail), n in _MONTH_PAIRS.items()},
}


def _month_of(surface: str, norm: str) -> str | None:
    """The month token for a one-word month name, with or without a glued proclitic."""
    if norm in _MONTHS:
        return _MONTHS[norm]
    if surface == _AUGUST_SURFACE:
        return month_token(8)
    if norm[0] in _MONTH_PROCLITICS:
        if norm[1:] in _MONTHS:
            return _MONTHS[norm[1:]]
        if surface[1:] == _AUGUST_SURFACE:
            return month_token(8)
    return None


def _month_head(norm: str) -> str | None:
    """كانون/تشرين (possibly with a glued proclitic) when norm can start a two-word month."""
    if norm in _MONTH_HEADS:
        return norm
    if norm[0] in _MONTH_PROCLITICS and norm[1:] in _MONTH_HEADS:
        return norm[1:]
    return None


# --- stopwords ---------------------------------------------------------------------------------

# Normalized forms (أ→ا, ى→ي, ة→ه), so «إلى», «الى» and «إلي» are all «الي».
_FUNCTION_WORDS = """
في فيما من مما ممن الي علي عن عما مع معا حتي منذ مذ عند لدي نحو ضد دون بين خلال حول عبر
تحت فوق امام وراء قبل بعد ضمن سوي غير مثل
و ف ثم او ام بل لكن اذ اذا اذن ان لان كي لكي حيث حين عندما بينما كما كلما لما لو لولا اما الا
لا لم لن ليس ليست قد لقد سوف ايضا فقط جدا كل بعض جميع كله كلها كلهم تم يتم بدون
هو هي هم هما هن انا نحن انت انتم انتما انتن
هذا هذه هذان هاتان هذين هاتين هولاء ذلك تلك ذاك اوليك هنا هناك هنالك
الذي التي الذين اللذان اللتان اللذين اللتين اللاتي اللواتي اللايي
كان كانت كانوا يكون تكون يكونوا اصبح اصبحت صار ظل مازال
منه منها منهم عنه عنها عنهم فيه فيها فيهم له لها لهم لهما به بها بهم عليه عليها عليهم
اليه اليها اليهم معه معها معهم لديه لديها لديهم عنده عندها عندهم انه انها انهم لانه لكنه
وفي ومن والي وعلي وعن ومع وهو وهي وهم وكان وكانت وقد ولم ولا ولكن وهذا وهذه وذلك وتلك واذا
وان وانه وما وكل وبعد وقبل وبين وحتي وايضا ولن وليس وكما والذي والتي والذين
فقد فان فانه فهو فهي فلا فما فكان
"""

# Queries are questions: «متى ولد …؟», «ما هي …؟», «ماهو …» (often written as one word).
_QUESTION_WORDS = """
ما ماذا من متي اين كيف لماذا كم هل اي ايه ماهو ماهي ماهم بماذا لمن بمن بكم فيم كيفيه بم مم
"""

# A lone letter is an abbreviation (م for a year or metre, ه for hijri, د for doctor) or a
# detached clitic (و); a lone ال is a broken word («ال» after ARCD questions).
_FRAGMENTS = {c.translate(_LETTERS) for c in araby.LETTERS} | {"ال"}

# Dialect question words, pronouns, negations and particles (index.dialects, with sources):
# «شو»، «وين»، «اللي»، «مش»، «عم»، «رح»، «بدي» … drop out of questions and passages alike.
_STOPWORDS = frozenset((_FUNCTION_WORDS + _QUESTION_WORDS).split()) | ALL_DIALECT_STOPWORDS
# «أيضاً» loses its tanween alef in analysis (ايض), and must stay a stopword.
STOPWORDS: frozenset[str] = (
    _STOPWORDS | _FRAGMENTS | {w[:-1] for w in _STOPWORDS if w.endswith(ALEF) and len(w) >= 4}
)

# Surface spellings that normalize onto a stopword but are content words: the name «علي» (Ali)
# versus «على» (on), and «آلي» (automatic) versus «إلى» (to).
_NOT_STOPWORDS = frozenset({"علي", "وعلي", "آلي"})


# --- light stemming ----------------------------------------------------------------------------


_PROCLITICS = frozenset("بلفكو")


def _strip_suffixes(
    word: str, suffixes: tuple[str, ...], min_stem: int, tied_teh_after: tuple[str, ...],
    after_teh: tuple[str, ...] = (),
) -> str:
    """Each suffix that fits, in order, leaving min_stem letters; a ت left by a suffix of
    tied_teh_after is a tied ة and goes too («عاصمتها» → «عاصمت» → «عاصم»), and a suffix of
    `after_teh` comes off only where it leaves such a ت («حكومتنا» → «حكوم»). A pronoun that
    leaves ات leaves a plural or a ـاة noun (index.lexicon.TIED_AH_WORDS), analysed as that
    word: «تصريحاته» as «تصريحات», «حياته» as «حياة»."""
    pronouns = (*after_teh, *tied_teh_after)
    for suffix in (*after_teh, *suffixes):
        if not word.endswith(suffix) or len(word) - len(suffix) < min_stem:
            continue
        if suffix in after_teh and not word[: -len(suffix)].endswith(TEH):
            continue
        word = word[: -len(suffix)]
        if suffix not in pronouns:
            continue
        if word.endswith(ALEF + TEH):
            # (after a glued ب/ل/ف/ك/و too: «بوفاته» as «بوفاة»)
            noun = word[:-1] + HEH
            ah = noun in TIED_AH_WORDS or (noun[0] in _PROCLITICS and noun[1:] in TIED_AH_WORDS)
            return _strip_suffixes(noun if ah else word, suffixes, min_stem, ())
        if word.endswith(TEH) and word not in ROOT_TEH_WORDS:
            if len(word) - 1 >= min_stem:
                word = word[:-1]
            elif word[:-1] + HEH in SHORT_TIED_WORDS:
                # too short to lose its ة: spelled as the word alone keeps it («جهته» as «جهة»)
                word = word[:-1] + HEH
    return word


@dataclass(frozen=True, slots=True)
class LightStemmer:
    """Affix stripping after Larkey et al.'s light10 (Lucene's ArabicStemmer).

    At most one prefix is removed (the first in `prefixes` that fits), then each suffix in
    `suffixes` that fits, in order: «والمدرسات» → «مدرس», «بالكتاب» → «كتاب».
    """

    prefixes: tuple[str, ...]
    suffixes: tuple[str, ...]
    # A one-letter stem carries no meaning, so an affix must leave at least two letters.
    min_stem: int = 2
    # و starts many roots (وصل, وجد, ورد), so removing it must leave three letters.
    min_stem_after_one_letter_prefix: int = 3

    def __call__(self, word: str) -> str:
        for prefix in self.prefixes:
            if word.startswith(prefix):
                keep = self.min_stem if len(prefix) > 1 else self.min_stem_after_one_letter_prefix
                if len(word) - len(prefix) >= keep:
                    word = word[len(prefix) :]
                    break
        return _strip_suffixes(word, self.suffixes, self.min_stem, ())


# Lucene's light10 lists, with ة and ية folded into ه and يه by the normalizer.
LIGHT10 = LightStemmer(
    prefixes=("ال", "وال", "بال", "كال", "فال", "لل", "و"),
    suffixes=("ها", "ان", "ات", "ون", "ين", "يه", "ه", "ي"),
)


@dataclass(frozen=True, slots=True)
class NabaStemmer:
    """light10 made safe for news text; every rule is a row in tests/test_normalize.py.

    1. A word whose «ال», «و» or «ل» belongs to it (index.lexicon) keeps it: «التزام» and
       «الالتزام» → «التزام»; «وزارة» and «الوزارة» → «وزار»; «لألمانيا» and «ألمانيا» →
       «المانيا».
    2. One proclitic group comes off: وال بال كال فال ولل لل ال, else a bare و or ل, each
       leaving three letters: «لسكان» → «سكان» (before any suffix, so «سكان» stays whole).
    3. Suffixes, in order: the pronouns هما كما هم هن كم كن (leaving three letters:
       «تأشيراتهم» → «تاشير»), then light10's ها ات ون ين يه ه ي — not its dual ان, which
       came off names and masdars far more often than off a dual («طالبان» read as «طالب»,
       «السودان» as «سود»; without it ARCD and TyDi MRR@10 move by ±0.002); a ت left by
       a pronoun is a tied ة («عاصمتها», «حكومتهم» → «عاصم», «حكوم», as «عاصمة»), and «نا»
       comes off where it leaves one («حكومتنا» → «حكوم»), unless the ت is the word's own
       (index.lexicon.ROOT_TEH_WORDS: «بيوتهم» → «بيوت»); a pronoun that leaves ات leaves a
       plural, analysed as the plural («تصريحاته» → «تصريح», as «تصريحات»), or a ـاة noun
       (index.lexicon.TIED_AH_WORDS: «حياته» → «حيا», as «حياة»).

    Glued ب, the future س and the colloquial ب/ح/ه of verbs are *not* stripped here: they
    begin too many words (بغداد، بيان، سياسة، سنوات، حرب، هجوم). The query side tries those
    readings against the index's vocabulary instead (index.query). An imperfect ت is no
    longer spelled ي: it turned nouns into other words (تونس → يونس, تاريخ → ياريخ); verb
    and noun families meet in the root field instead (index.roots).
    """

    prefixes: tuple[str, ...] = ("وال", "بال", "كال", "فال", "ولل", "فلل", "لل", "ال")
    single_prefixes: tuple[str, ...] = ("و", "ل")
    suffixes: tuple[str, ...] = (
        "هما", "كما", "هم", "هن", "كم", "كن", "ها", "ات", "ون", "ين", "يه", "ه", "ي"
    )
    min_stem: int = 3
    tied_teh_after: tuple[str, ...] = ("هما", "كما", "هم", "هن", "كم", "كن", "ها", "ه")
    after_teh: tuple[str, ...] = ("نا",)

    def strip_suffixes(self, word: str) -> str:
        """Step 3 alone: «مواقفهم» → «مواقف»; a name whose «ين» is its own stays whole
        (index.lexicon.OWN_YEH_NOON_WORDS: «البحرين» → «بحرين», not «بحر», the sea)."""
        if word in OWN_YEH_NOON_WORDS:
            return word
        return _strip_suffixes(word, self.suffixes, self.min_stem, self.tied_teh_after,
                               self.after_teh)

    def __call__(self, word: str) -> str:
        if "وال" in word[:4]:
            # «والدته», «بوالدها»: «وال» + a pronoun on one or two letters is no proclitic
            # group but a word of index.lexicon.RADICAL_WAW_WORDS («والد») and its pronoun
            at = word.index("وال")
            rest = word[at + 3 :]
            if word[:at] in ("", "ل", "ب", "ف", "و") and any(
                rest.endswith(p) and len(rest) - len(p) < self.min_stem
                for p in self.tied_teh_after
            ):
                whole = self.strip_suffixes(word[at:])
                if whole in _RADICAL_WAW_STEMS:
                    return whole
        if "ال" in word[:5]:
            for prefix in (*self.prefixes, "و", "ب", "ف", "ك", "ل", ""):
                if word.startswith(prefix):
                    stem = self.strip_suffixes(word[len(prefix) :])
                    if stem in _RADICAL_AL_STEMS:
                        return stem
        for prefix in self.prefixes:
            if word.startswith(prefix) and len(word) - len(prefix) >= self.min_stem:
                if prefix.endswith("لل"):
                    # «للبنان», «للجنة»: the preposition ل before a word that begins with ل
                    whole = self.strip_suffixes(word[len(prefix) - 1 :])
                    if whole in _RADICAL_LAM_STEMS:
                        return whole
                return self.strip_suffixes(word[len(prefix) :])
        if word[:1] in self.single_prefixes and len(word) - 1 >= self.min_stem:
            whole = self.strip_suffixes(word)
            if whole in (_RADICAL_WAW_STEMS if word[0] == WAW else _RADICAL_LAM_STEMS):
                return whole
            return self.strip_suffixes(word[1:])
        return self.strip_suffixes(word)


NABA_STEMMER = NabaStemmer()
_RADICAL_AL_STEMS = frozenset(NABA_STEMMER.strip_suffixes(w) for w in RADICAL_AL_WORDS)
_RADICAL_WAW_STEMS = frozenset(NABA_STEMMER.strip_suffixes(w) for w in RADICAL_WAW_WORDS)
_RADICAL_LAM_STEMS = frozenset(NABA_STEMMER.strip_suffixes(w) for w in RADICAL_LAM_WORDS)


# --- analyzers ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Token:
    """An analyzed term and the span of the original text it came from."""

    term: str
    start: int
    end: int


_CACHE_SIZE = 1 << 16

# Per raw word: its terms (stopwords dropped), and (normalized, term or None, month head or
# None) for each word in it, and whether any of them starts a two-word month.
_WordInfo = tuple[tuple[str, ...], tuple[tuple[str, str | None, str | None], ...], bool]


class Analyzer:
    """One analysis chain: normalization, optional months, stopwords and stemmer."""

    __slots__ = ("_info", "_stem", "description", "months", "name", "stemmer", "stopwords", "words")

    def __init__(
        self,
        name: str,
        description: str,
        *,
        words: bool = True,
        months: bool = False,
        stopwords: frozenset[str] = frozenset(),
        stem: Callable[[str], str] | None = None,
    ) -> None:
        self.name = name
        self.description = description
        self.words = words
        self.months = months
        self.stopwords = stopwords
        self.stemmer = stem
        # Many raw spellings share a stem (أعلن, اعلن, أعلنَ), so stems get their own cache.
        self._stem = lru_cache(maxsize=_CACHE_SIZE)(stem) if stem is not None else None
        self._info = lru_cache(maxsize=_CACHE_SIZE)(self._word_info)

    def __repr__(self) -> str:
        return f"Analyzer({self.name!r})"

    def _term(self, surface: str, norm: str) -> str | None:
        """The indexed term for one normalized word, or None for a stopword."""
        if self.months and (month := _month_of(surface, norm)):
            return month
        if norm in self.stopwords and surface not in _NOT_STOPWORDS:
            return None
        # Digits and Latin words have no Arabic affixes to strip.
        if self._stem is None or norm.isascii():
            return norm
        return self._stem(norm)

    def _word_info(self, raw: str) -> _WordInfo:
        """What one raw word contributes: its terms, and per-word detail for month pairs."""
        words = tuple(
            (norm, self._term(surface, norm), _month_head(norm) if self.months else None)
            for surface, norm in _words(raw)
        )
        terms = tuple(term for _, term, _ in words if term is not None)
        return terms, words, any(head is not None for _, _, head in words)

    def terms(self, text: str) -> list[str]:
        """Analyzed terms of text; the terms of `spans`, without building Tokens."""
        if not self.words:
            return text.lower().split()
        text = _blank_markup(text)
        info = self._info
        out: list[str] = []
        head: str | None = None  # a كانون/تشرين waiting for the word after it
        head_term: str | None = None
        for raw in _RAW_WORD.findall(text):
            terms, words, has_head = info(raw)
            if head is None and not has_head:
                out += terms
                continue
            for norm, term, next_head in words:
                if head is not None:
                    month = _MONTH_PAIRS.get((head, norm))
                    head = None
                    if month:
                        out.append(month_token(month))
                        continue
                    if head_term is not None:
                        out.append(head_term)
                if next_head is not None:
                    head, head_term = next_head, term
                elif term is not None:
                    out.append(term)
        if head is not None and head_term is not None:
            out.append(head_term)
        return out

    def spans(self, text: str) -> list[Token]:
        """Analyzed terms of text with their offsets into text."""
        if not self.words:
            return [
                Token(m.group().lower(), m.start(), m.end())
                for m in _WHITESPACE_WORD.finditer(text)
            ]
        text = _blank_markup(text)
        info = self._info
        out: list[Token] = []
        head: str | None = None
        head_term: str | None = None
        head_start = head_end = 0
        for m in _RAW_WORD.finditer(text):
            start, end = m.span()
            for norm, term, next_head in info(m.group())[1]:
                if head is not None:
                    month = _MONTH_PAIRS.get((head, norm))
                    head = None
                    if month:
                        out.append(Token(month_token(month), head_start, end))
                        continue
                    if head_term is not None:
                        out.append(Token(head_term, head_start, head_end))
                if next_head is not None:
                    head, head_term, head_start, head_end = next_head, term, start, end
                elif term is not None:
                    out.append(Token(term, start, end))
        if head is not None and head_term is not None:
            out.append(Token(head_term, head_start, head_end))
        return out


ANALYZERS: dict[str, Analyzer] = {
    a.name: a
    for a in (
        Analyzer("none", "whitespace split and lowercase, nothing else", words=False),
        Analyzer("normalize", "pyarabic-based character normalization and word splitting"),
        Analyzer("stopwords", "normalize + stopwords", stopwords=STOPWORDS),
        Analyzer("light", "stopwords + Lucene light10 stemming", stopwords=STOPWORDS, stem=LIGHT10),
        Analyzer(
            "naba",
            "light + lexicon-guarded ال/و, ل and pronoun suffixes, tied-ة rule, 3-letter "
            "stems, tanween alef, month folding (the default)",
            months=True,
            stopwords=STOPWORDS,
            stem=NABA_STEMMER,
        ),
    )
}
DEFAULT_ANALYZER = "naba"

# Bump when analysis code changes in a way the hashed tables below do not show.
_CODE_REVISION = 4


def _fingerprint(analyzer: Analyzer) -> str:
    """A short hash of everything the analyzer's output depends on."""
    parts = [
        _CODE_REVISION,
        version("pyarabic"),
        unicodedata.unidata_version,
        sorted(_CHARS.items()),
        sorted(_LETTERS.items()),
        _RAW_WORD.pattern,
        analyzer.words,
        analyzer.months and (sorted(_MONTHS.items()), sorted(_MONTH_PAIRS.items())),
        sorted(analyzer.stopwords),
        sorted(_NOT_STOPWORDS),
        repr(analyzer.stemmer),
        sorted(RADICAL_AL_WORDS),
        sorted(RADICAL_WAW_WORDS),
        sorted(RADICAL_LAM_WORDS),
        sorted(TIED_AH_WORDS),
        sorted(ROOT_TEH_WORDS),
        sorted(SHORT_TIED_WORDS),
        sorted(OWN_YEH_NOON_WORDS),
        _TANWEEN_ALEF.pattern,
        _MARKUP.pattern,
    ]
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:12]


ANALYZER_VERSION = f"{DEFAULT_ANALYZER}-{_fingerprint(ANALYZERS[DEFAULT_ANALYZER])}"


def get_analyzer(name: str) -> Analyzer:
    """The analyzer called name; ValueError names the valid choices."""
    try:
        return ANALYZERS[name]
    except KeyError:
        raise ValueError(
            f"unknown analyzer {name!r}; choose one of: {', '.join(ANALYZERS)}"
        ) from None


def word_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each raw word the analyzer reads in text, markup blanked as it does:
    every analysed Token starts at one's start and ends at one's end (index.positions)."""
    return [m.span() for m in _RAW_WORD.finditer(_blank_markup(text))]


def analyze_spans(text: str, analyzer: str = DEFAULT_ANALYZER) -> list[Token]:
    """Terms that survive stopwords, with offsets into text (for highlighting)."""
    return get_analyzer(analyzer).spans(text)


def analyze(text: str, analyzer: str = DEFAULT_ANALYZER) -> list[str]:
    """Terms of text as indexed and searched: «متى سقطت دمشقُ؟» → ['سقطت', 'دمشق']."""
    return get_analyzer(analyzer).terms(text)
