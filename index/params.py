"""BM25 parameters shared by the production index and the evaluation.

rank-bm25's defaults, kept after a k1/b grid on arcd-train: the best train point (k1=0.6, b=0.9)
gained +0.007 MRR@10 there but lost on TyDi, within noise (docs/analyzers.md).
"""

K1 = 1.5
B = 0.75
EPSILON = 0.25  # a negative idf (term in over half the passages) becomes EPSILON × mean idf
