"""How well a sentence answers a question: multilingual embedding similarity plus the question's words it shares."""

from __future__ import annotations

import json
import logging
import os
import re
import threading
import zipfile
from collections import OrderedDict
from collections.abc import Callable, Iterable
from pathlib import Path

import numpy as np

from core.text import content_words, stem, stems
from models.embeddings import Embedder

log = logging.getLogger("partnerbot.scoring")


def embedded_text(question: str, max_word_chars: int, max_chars: int) -> str:
    """What of a question is embedded: without its tokens longer than a word, cut at a word after `max_chars`."""
    text = " ".join(re.sub(rf"[^\W_]{{{max_word_chars + 1},}}", " ", question).split())
    if len(text) <= max_chars:
        return text
    cut = text.rfind(" ", 0, max_chars + 1)
    return text[: cut if cut > 0 else max_chars]


class SentenceScorer:
    """Scores sentences against a question.

    Sentence vectors are kept in a bounded cache shared by the app's threads (the same passages come back for
    many questions); the least recently used go first when it is full. The question's cost is bounded: at most
    `query_chars` of it are embedded, and tokens longer than `max_word_chars` are neither embedded nor counted.
    """

    def __init__(
        self,
        embedder: Embedder,
        word_weight: float,
        cache_size: int,
        max_word_chars: int = 40,
        query_chars: int = 400,
        query_cache: int = 4096,
        sharing: SentenceScorer | None = None,
    ):
        self.embedder = embedder
        self.word_weight = word_weight
        self.cache_size = cache_size
        self.max_word_chars = max_word_chars
        self.query_chars = query_chars
        # The reranker and the evidence score the same question, and the tables skill the same words of it for
        # every table; other questions come back to the same words.
        self.query_cache = query_cache
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._queries: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()
        if sharing is not None and sharing.embedder is embedder:
            # A text's vector depends on the embedder alone: a variant of a bot (another `today`, another reranker)
            # reuses its vectors instead of embedding every passage again (4-5 s a question cold, on the bench's
            # realistic index).
            self._cache, self._queries, self._lock = sharing._cache, sharing._queries, sharing._lock

    def _vectors(self, texts: list[str]) -> np.ndarray:
        return self._cached(self._cache, self.cache_size, texts, self.embedder.embed_documents)

    def _cached(
        self,
        cache: OrderedDict[str, np.ndarray],
        size: int,
        texts: list[str],
        embed: Callable[[list[str]], list[list[float]]],
    ) -> np.ndarray:
        """The vectors of `texts`, from `cache` when it has them (least recently used out past `size`); the missing
        ones embedded in one batch by `embed`."""
        found: dict[str, np.ndarray] = {}
        with self._lock:
            for text in texts:
                if text in cache:
                    cache.move_to_end(text)
                    found[text] = cache[text]
        missing = list(dict.fromkeys(t for t in texts if t not in found))
        if missing:
            vectors = embed(missing)
            with self._lock:
                for text, vector in zip(missing, vectors, strict=True):
                    found[text] = cache[text] = np.asarray(vector, dtype=np.float32)
                while len(cache) > size:
                    cache.popitem(last=False)
        # From this call's own vectors: another thread may evict them from the cache meanwhile.
        return np.stack([found[t] for t in texts])

    def _query(self, question: str) -> np.ndarray:
        return self.query_vector(embedded_text(question, self.max_word_chars, self.query_chars))

    def query_vector(self, text: str) -> np.ndarray:
        """The embedding of a query as it is (see `embedded_text`), from the cache when it has it."""
        return self._query_vectors([text])[0]

    def _query_vectors(self, texts: list[str]) -> np.ndarray:
        """The queries' vectors, from the cache when it has them; the missing ones embedded in one batch."""
        return self._cached(self._queries, self.query_cache, texts, self.embedder.embed_queries)

    def warm(self, texts: Iterable[str], limit: int, batch: int = 32) -> int:
        """Embed up to `limit` of `texts` not cached yet, `batch` at a time (a question arriving meanwhile waits for
        one small batch at the embedder, not for all of them); how many were embedded. `texts` is read lazily, and
        no further than needed."""
        limit = min(limit, self.cache_size)
        pending: list[str] = []
        done = 0
        for text in texts if limit > 0 else ():
            with self._lock:
                cached = text in self._cache
            if cached or text in pending:
                continue
            pending.append(text)
            if len(pending) == batch:
                self._vectors(pending)
                done, pending = done + len(pending), []
            if done + len(pending) >= limit:
                break
        if pending:
            self._vectors(pending)
        return done + len(pending)

    def vectors(self, texts: list[str]) -> np.ndarray:
        """The texts' embeddings, from the cache when it has them."""
        return self._vectors(texts)

    def save(self, path: Path) -> int:
        """Write the cached text vectors to `path` (replaced whole, never half-written); how many. Without pickles:
        the texts as JSON bytes beside the vectors."""
        with self._lock:
            texts, vectors = list(self._cache), list(self._cache.values())
        if not texts:
            return 0
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f".{path.name}.{os.getpid()}.partial")
        try:
            with partial.open("wb") as file:
                np.savez(file, vectors=np.stack(vectors), texts=np.frombuffer(json.dumps(texts).encode(), np.uint8))
            os.replace(partial, path)
        finally:
            partial.unlink(missing_ok=True)
        return len(texts)

    def load(self, path: Path) -> int:
        """Add the vectors `save` wrote (of this embedder: the file is named by the model) to the cache, up to its
        size; how many. A missing, unreadable or other-sized file adds nothing: the texts are embedded again."""
        try:
            with np.load(path, allow_pickle=False) as saved:
                vectors, texts = saved["vectors"], json.loads(saved["texts"].tobytes())
        except (OSError, ValueError, KeyError, zipfile.BadZipFile) as exc:
            if path.exists():
                log.warning("ignoring the saved vectors of %s: %s", path, exc)
            return 0
        if vectors.ndim != 2 or len(vectors) != len(texts) or vectors.shape[1] != self.embedder.dimension:
            log.warning("ignoring the saved vectors of %s: not this model's", path)
            return 0
        with self._lock:
            added = 0
            for text, vector in zip(texts[-self.cache_size :], vectors[-self.cache_size :], strict=True):
                if text not in self._cache:
                    self._cache[text] = vector
                    added += 1
            while len(self._cache) > self.cache_size:
                self._cache.popitem(last=False)
        return added

    def clear(self) -> None:
        with self._lock:
            self._cache.clear()
            self._queries.clear()

    def score(self, question: str, texts: list[str]) -> list[float]:
        if not texts:
            return []
        dense = self._vectors(texts) @ self._query(question)
        terms = {t for t in content_words(question) if len(t) <= self.max_word_chars}
        lexical = [word_overlap(terms, text) for text in texts]
        return [float(d + self.word_weight * x) for d, x in zip(dense, lexical, strict=True)]

    def similarities(self, queries: list[str], texts: list[str]) -> list[list[float]]:
        """Cosine similarity of each query (a word, a phrase) to each text; the texts' vectors are cached."""
        if not queries or not texts:
            return [[] for _ in queries]
        # Cached: the tables skill asks with the same words of a question for every table (issue 25: uncached, these
        # embeddings were 38 % of the served app's busy time under load). The new ones are embedded in one batch.
        return (self._query_vectors(queries) @ self._vectors(texts).T).tolist()


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
