"""How well a sentence answers a question: multilingual embedding similarity plus the question's words it shares."""

from __future__ import annotations

import threading
from collections import OrderedDict

import numpy as np

from core.text import content_words, stem, stems
from models.embeddings import Embedder


class SentenceScorer:
    """Scores sentences against a question.

    Sentence vectors are kept in a bounded cache shared by the app's threads (the same passages come back for
    many questions); the least recently used go first when it is full.
    """

    def __init__(self, embedder: Embedder, word_weight: float, cache_size: int):
        self.embedder = embedder
        self.word_weight = word_weight
        self.cache_size = cache_size
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def _vectors(self, texts: list[str]) -> np.ndarray:
        found: dict[str, np.ndarray] = {}
        with self._lock:
            for text in texts:
                if text in self._cache:
                    self._cache.move_to_end(text)
                    found[text] = self._cache[text]
        missing = list(dict.fromkeys(t for t in texts if t not in found))
        if missing:
            vectors = self.embedder.embed_documents(missing)
            with self._lock:
                for text, vector in zip(missing, vectors, strict=True):
                    found[text] = self._cache[text] = np.asarray(vector, dtype=np.float32)
                while len(self._cache) > self.cache_size:
                    self._cache.popitem(last=False)
        # From this call's own vectors: another thread may evict them from the cache meanwhile.
        return np.stack([found[t] for t in texts])

    def clear(self) -> None:
        with self._lock:
            self._cache.clear()

    def score(self, question: str, texts: list[str]) -> list[float]:
        if not texts:
            return []
        query = np.asarray(self.embedder.embed_query(question), dtype=np.float32)
        dense = self._vectors(texts) @ query
        terms = set(content_words(question))
        lexical = [word_overlap(terms, text) for text in texts]
        return [float(d + self.word_weight * x) for d, x in zip(dense, lexical, strict=True)]

    def similarities(self, queries: list[str], texts: list[str]) -> list[list[float]]:
        """Cosine similarity of each query (a word, a phrase) to each text; the texts' vectors are cached."""
        if not queries or not texts:
            return [[] for _ in queries]
        vectors = np.stack([np.asarray(self.embedder.embed_query(q), dtype=np.float32) for q in queries])
        return (vectors @ self._vectors(texts).T).tolist()


def word_overlap(terms: set[str], text: str) -> float:
    """Share of the question's words found in the text, matching on their stems (signed ~ signée).

    Numbers count only beside a shared word: in a large corpus some sentence always shares the year a
    question names without being about it.
    """
    found = stems(text)
    shared = [t for t in terms if stem(t) in found]
    if all(t.isdigit() for t in shared):
        return 0.0
    return len(shared) / len(terms)
