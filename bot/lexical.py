"""BM25 over the indexed passages, robust to case, accents and small typos in names."""

from __future__ import annotations

import difflib

import numpy as np
from rank_bm25 import BM25Okapi

from ingest.store import Chunk
from ingest.text import content_words


class LexicalIndex:
    """Built once from the passages, then queried many times (never rebuilt per query)."""

    def __init__(self, chunks: list[Chunk]):
        self.chunks = chunks
        tokenized = [content_words(f"{c.metadata.get('title', '')} {c.text}") for c in chunks]
        self.vocabulary = sorted({w for doc in tokenized for w in doc})
        self._bm25 = BM25Okapi(tokenized) if chunks else None

    def expand(self, terms: list[str]) -> list[str]:
        """Replace a word unknown to the corpus by its closest known spelling ('debabratta' -> 'debabrata')."""
        known = set(self.vocabulary)
        out = []
        for term in terms:
            if term in known or len(term) < 4:
                out.append(term)
                continue
            out.extend(difflib.get_close_matches(term, self.vocabulary, n=1, cutoff=0.8) or [term])
        return out

    def search(self, query: str, k: int) -> list[tuple[Chunk, float]]:
        if self._bm25 is None:
            return []
        terms = self.expand(content_words(query))
        if not terms:
            return []
        scores = self._bm25.get_scores(terms)
        top = np.argsort(-scores)[:k]
        return [(self.chunks[i], float(scores[i])) for i in top if scores[i] > 0]
