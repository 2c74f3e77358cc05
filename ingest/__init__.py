"""Documents to passages to embeddings to Chroma: the storage layer that `bot` reads from."""
