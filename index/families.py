"""A derived verb and its masdar, where their roots do not meet: «ينشقوا» ~ «الانشقاق».

The root field (index.roots) joins a verb and its masdar through ISRI's root: «اجتمعوا» and
«الاجتماع» are both جمع. But ISRI reads the derived forms of weak roots each its own way —
«انشق» → نشق against «انشقاق» → شقق, «ينحاز» → نحز against «انحياز» → حيز, «احتل» → حتل
against «احتلال» → حلل, «يختار» → خار against «اختيار» → خير, «استمر» → سمر against
«استمرار» → رار, «انتهى» (stem «انته») → انت against «انتهاء» → نهء, «يتحرك» → تحر against
«تحرك» → حرك — so «هو عايز الضباط ينحازوا لمين؟» never met the seed's «الانحياز إلى الشعب».
The patterns are the regular paradigms of the weak verbs (as in Wright's *Grammar of the
Arabic Language*, vol. I): the masdar of a form VII past «انفعل» is «انفعال», of form VIII
«افتعل» «افتعال», of form X «استفعل» «استفعال»; a hollow root puts «ي» before the last «ا»
(«انحاز» → «انحياز», «اختار» → «اختيار»), a doubled root repeats its last letter («انشق» →
«انشقاق», «احتل» → «احتلال»), a defective one ends in «اء» («انتهى» → «انتهاء»). The
imperfect is the past with «ي» for its «ا» («ينحاز», «يعتقل», «يستخدم»; form X hollow
«يستقيل» for «استقال»); forms V and VI are their masdar's stem in the past («يتحرك» →
«تحرك»). Form I and form IV hollow verbs («يقول» ~ «قال», «يشير» ~ «أشار») were measured and
left out: their pasts have the shapes of common nouns («دار», «حال», «إطار»).

`relatives(stem)` gives, for a light stem of either kind, the other kind's stems: the masdar
of a verb, the past and imperfect of a masdar. They are candidates only: the query side keeps
those the index holds (index.query), which is what tells «ينشر» (form I of نشر, whose "masdar"
«انشرار» no article writes) from «ينشق».
"""

from __future__ import annotations

from functools import lru_cache

# Form VIII's infixed ت, and its assimilated forms after ص ض ط ظ (ط: «اضطر», «اصطدم») and
# after ز د ذ (د: «ازداد», «ازدحم»).
_INFIXES = "تطد"
_WEAK = "اوي"


def _consonants(letters: str) -> bool:
    return bool(letters) and all(c not in _WEAK for c in letters)


def _masdar_of_past(past: str) -> str | None:
    """«انحاز» → «انحياز», «انشق» → «انشقاق», «اعتقل» → «اعتقال», «استمر» → «استمرار»."""
    if past.startswith("است") and len(past) in (5, 6):  # form X
        rest = past[3:]
        if len(rest) == 2 and _consonants(rest):
            return "است" + rest + "ا" + rest[1]  # «استمر» → «استمرار»
        if len(rest) == 3 and _consonants(rest):
            return "است" + rest[:2] + "ا" + rest[2]  # «استخدم» → «استخدام»
        return None  # hollow «استقال»: its masdar «استقالة» is analysed as «استقال» already
    if past.startswith("ان") and len(past) in (4, 5):  # form VII
        rest = past[2:]
    elif len(past) in (4, 5) and past[0] == "ا" and past[2:3] and past[2] in _INFIXES:
        rest = past[3:]  # form VIII: «ا» + first radical + infix + the rest
        if len(rest) == 1 and _consonants(past[1] + rest):
            return past + "ا" + rest  # «احتل» → «احتلال»
        if len(rest) == 2 and rest[0] == "ا" and _consonants(past[1] + rest[1]):
            return past[:3] + "يا" + rest[1]  # «اختار» → «اختيار»
        if len(rest) == 2 and _consonants(past[1] + rest):
            return past[:3] + rest[0] + "ا" + rest[1]  # «اعتقل» → «اعتقال»
        return None
    else:
        return None
    if len(rest) == 2 and _consonants(rest):
        return "ان" + rest + "ا" + rest[1]  # «انشق» → «انشقاق»
    if len(rest) == 3 and rest[1] == "ا" and _consonants(rest[0] + rest[2]):
        return "ان" + rest[0] + "يا" + rest[2]  # «انحاز» → «انحياز»
    if len(rest) == 3 and _consonants(rest):
        return "ان" + rest[:2] + "ا" + rest[2]  # «انسحب» → «انسحاب»
    return None


def _past_of_masdar(masdar: str) -> str | None:
    """The inverse: «انحياز» → «انحاز», «احتلال» → «احتل», «استخدام» → «استخدم»."""
    if masdar.startswith("است") and len(masdar) == 7 and masdar[5] == "ا":
        first, second, last = masdar[3], masdar[4], masdar[6]
        if not _consonants(first + second + last):
            return None
        return "است" + first + second + ("" if second == last else last)
    if len(masdar) != 6 or masdar[4] != "ا" or masdar[0] != "ا" or _hollow_x(masdar):
        return None
    if not (masdar.startswith("ان") or masdar[2] in _INFIXES):
        return None
    head, second, last = masdar[:3], masdar[3], masdar[5]
    if not _consonants(head[1] + last) or last == "ء":  # «انتهاء»: a defective root's
        return None
    if second == "ي":
        return head + "ا" + last  # «انحياز» → «انحاز», «اختيار» → «اختار»
    if not _consonants(second):
        return None
    return head + second + ("" if second == last else last)  # «انشقاق» → «انشق»


def _hollow_x(stem: str) -> bool:
    """«استقال», «استفاد», «استعاد»: a hollow form X past, whose masdar («استقالة») the analyzer
    makes the same stem. Also the shape of a form VIII masdar of a root beginning with س
    («استماع»), so it is read as neither: only its own inflections are its relatives."""
    return (len(stem) == 6 and stem.startswith("است") and stem[4] == "ا"
            and _consonants(stem[3] + stem[5]))


def _imperfect_of_past(past: str) -> str:
    """«انحاز» → «ينحاز», «استقال» → «يستقيل», «اعتقل» → «يعتقل»."""
    if _hollow_x(past):
        return "يست" + past[3] + "ي" + past[5]  # «يستقيل»
    return "ي" + past[1:]


def _past_of_imperfect(verb: str) -> str | None:
    """«ينحاز» → «انحاز», «تنشق» → «انشق», «يستقيل» → «استقال»; None for other words."""
    if len(verb) < 4 or verb[0] not in "يتن":
        return None
    past = "ا" + verb[1:]
    if past.startswith("است") and len(past) == 6 and past[4] == "ي":
        past = past[:4] + "ا" + past[5]  # «استقيل» → «استقال»
    return past


def _defective_masdar(past: str) -> str | None:
    """A past whose last radical the analyzer dropped with its «ى» — «انتهى» → «انته», «اعتدى»
    → «اعتد», «استدعى» → «استدع» — takes «اء» for its masdar: «انتهاء», «اعتداء», «استدعاء»."""
    if len(past) == 4 and (past.startswith("ان") or (past[0] == "ا" and past[2] in _INFIXES)):
        return past + "اء" if _consonants(past[1] + past[3]) else None
    if len(past) == 5 and past.startswith("است") and _consonants(past[3:]):
        return past + "اء"
    return None


def _past_of_defective(masdar: str) -> str | None:
    """The inverse: «انتهاء» → «انته», «اعتداء» → «اعتد», «استدعاء» → «استدع»."""
    if masdar.endswith("اء") and _defective_masdar(masdar[:-2]) == masdar:
        return masdar[:-2]
    return None


@lru_cache(maxsize=1 << 14)
def relatives(stem: str) -> tuple[str, ...]:
    """The stems of the same derived verb in its other kind: of a verb (past, imperfect,
    with a subject suffix «ـوا»/«ـت»), its masdar; of a masdar, its past and imperfect, bare
    and with those suffixes. Candidates, for a vocabulary to confirm («انشقاء», the
    defective reading of «انشق», is in none); () for most words.

    >>> relatives("ينحاز"), relatives("انشقوا"), relatives("احتلال")
    (('انحاز', 'انحياز'), ('انشقاق', 'انشقاء'), ('احتل', 'احتلت', 'احتلوا', 'يحتل'))
    """
    if len(stem) < 4 or not stem.isalpha() or stem.isascii():
        return ()
    if _hollow_x(stem):  # «استقال» (and its masdar «الاستقالة»): «استقالت», «يستقيل»
        return (stem + "ت", stem + "وا", _imperfect_of_past(stem))
    found: list[str] = []
    bases = [stem]
    if stem.endswith("وا") and len(stem) >= 5:
        bases.append(stem[:-2])
    elif stem.endswith("ت") and len(stem) >= 5:
        bases.append(stem[:-1])
    for base in bases:
        past = _past_of_imperfect(base)
        # the past of a derived imperfect («ينحاز» → «انحاز»), then its masdar; a hollow
        # form X's past («يستقيل» → «استقال») is its masdar's stem too
        if past and (_hollow_x(past) or _masdar_of_past(past)):
            found.append(past)
        for verb in (base, past):
            for masdar in (_masdar_of_past(verb), _defective_masdar(verb)) if verb else ():
                if masdar:
                    found.append(masdar)
        if len(base) >= 5 and base[0] in "يتن" and base[1] == "ت":
            # forms V and VI, whose past is their masdar's stem: «يتحرك» → «تحرك» (ISRI: تحر)
            found.append(base[1:])
    past = _past_of_defective(stem) or _past_of_masdar(stem)
    if past:
        found += [past, past + "ت", past + "وا", _imperfect_of_past(past)]
    if len(stem) in (4, 5) and stem[0] == "ت":  # «التحرك» → «يتحرك»
        found.append("ي" + stem)
    return tuple(dict.fromkeys(f for f in found if f != stem))
