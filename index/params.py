"""BM25 parameters shared by the production index and the evaluation (rank-bm25's defaults)."""

K1 = 1.5
B = 0.75
EPSILON = 0.25
