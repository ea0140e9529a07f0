"""index.synonyms and index.thesaurus: the curated news vocabulary, as the query sees it."""

from __future__ import annotations

from index.normalize import analyze
from index.synonyms import REJECTED, SYNONYM_GROUPS
from index.thesaurus import Thesaurus


def test_every_group_says_where_it_comes_from_and_analyses() -> None:
    for group in SYNONYM_GROUPS:
        assert len(group.words) >= 2 and len(set(group.words)) == len(group.words), group
        assert len(group.source) > 20, group.words
        for word in group.words:
            assert analyze(word), f"{word!r} of {group.words} analyses to nothing"


def test_expansion_is_symmetric_and_does_not_chain() -> None:
    """Each word maps to the rest of its groups (both ways), never to a group it is not in:
    «مات» is in the two death groups, so it reaches «مصرع» and «وفاة», which do not reach
    each other."""
    thesaurus = Thesaurus.default()
    for group in SYNONYM_GROUPS:
        terms = [analyze(w)[0] for w in group.words if len(analyze(w)) == 1]
        for a in terms:
            for b in terms:
                if a != b:
                    assert b in thesaurus.alternatives(a), (a, b)
    (died,) = analyze("مات")
    (violent,) = analyze("مصرع")
    (death,) = analyze("وفاة")
    assert {violent, death} <= set(thesaurus.alternatives(died))
    assert death not in thesaurus.alternatives(violent)
    (seat,) = analyze("مقعد")
    assert analyze("كرسي")[0] in thesaurus.alternatives(seat)


def test_no_rejected_pair_is_a_group() -> None:
    """REJECTED names pairs «a ~ b» left out for a reason: none of them may share a group."""
    for pair in REJECTED:
        a, _, b = pair.partition(" ~ ")
        assert a and b, pair
        for group in SYNONYM_GROUPS:
            assert not (a in group.words and b in group.words), (pair, group.words)
