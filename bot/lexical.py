"""BM25 over the indexed passages, robust to case, accents and small typos in names."""

from __future__ import annotations

import difflib
from functools import lru_cache

import bm25s
import numpy as np

from ingest.store import Chunk
from ingest.text import content_words


class LexicalIndex:
    """Built once from the passages (sparse BM25 matrices), then queried many times."""

    def __init__(self, chunks: list[Chunk]):
        self.chunks = chunks
        self._bm25 = bm25s.BM25()
        tokenized = [content_words(f"{c.metadata.get('title', '')} {c.text}") for c in chunks]
        if chunks:
            self._bm25.index(tokenized, show_progress=False)
        self.vocabulary = sorted(getattr(self._bm25, "vocab_dict", {}) or [])
        self._known = set(self.vocabulary)
        self.correct = lru_cache(maxsize=10_000)(self._correct)

    def _correct(self, term: str) -> str | None:
        """A word unknown to the corpus becomes its closest known spelling ('debabratta' -> 'debabrata')."""
        if term in self._known:
            return term
        if len(term) < 4:
            return None
        # Candidates share the first letter: keeps the scan short on a large vocabulary.
        candidates = [w for w in self.vocabulary if w[:1] == term[:1] and abs(len(w) - len(term)) <= 2]
        match = difflib.get_close_matches(term, candidates, n=1, cutoff=0.8)
        return match[0] if match else None

    def search(self, query: str, k: int) -> list[tuple[Chunk, float]]:
        terms = [t for t in (self.correct(w) for w in content_words(query)) if t]
        if not self.chunks or not terms:
            return []
        scores = self._bm25.get_scores(terms)
        top = np.argsort(-scores)[:k]
        return [(self.chunks[i], float(scores[i])) for i in top if scores[i] > 0]
