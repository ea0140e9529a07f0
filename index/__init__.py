"""naba's retrieval core: text → passages → BM25 ranking → answers. Knows nothing of Telegram."""
