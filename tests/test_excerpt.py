"""index.excerpt: which sentence of a passage is quoted."""

from __future__ import annotations

from itertools import permutations

from index.excerpt import matched_weight


def test_matched_words_weigh_the_same_in_any_order() -> None:
    """A sentence's weight once depended on the order a set gave its words in (a plain float
    sum), which follows the process's string hashing: two sentences that tie mathematically
    quoted one or the other after a restart («العسكري السعودي اللي لزموه يم مسجد بالجهراء…»)."""
    idf = {"a": 0.1, "b": 0.2, "c": 0.7, "d": 0.0, "e": 0.3, "f": 3.3}
    orders = list(permutations(idf))
    # the orders a plain sum tells apart (the test means something) …
    assert len({sum(idf[t] + 1.0 for t in order) for order in orders}) > 1
    # … weigh the same here
    assert len({matched_weight(order, idf) for order in orders}) == 1
    assert matched_weight([], idf) == 0.0
    assert matched_weight(["a", "zz"], {"a": -0.5}) == 2.0  # never below 0; unknown words 0
