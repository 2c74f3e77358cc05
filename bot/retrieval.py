"""Hybrid retrieval: dense (Chroma) and lexical (BM25) fused by reciprocal rank, then reranked."""

from __future__ import annotations

import threading
import time
from typing import Any

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict, PrivateAttr

from bot.lexical import LexicalIndex, load_or_build
from ingest.settings import Settings
from ingest.store import Chunk, Index

# Documents ingested by another process (the CLI while the app runs) are seen within this delay.
_RECHECK_SECONDS = 10.0


def to_document(chunk: Chunk, score: float, **scores: float) -> Document:
    return Document(page_content=chunk.text, id=chunk.id, metadata={**chunk.metadata, "score": score, **scores})


def reciprocal_rank_fusion(rankings: list[tuple[list[Chunk], float]], rrf_k: int) -> list[tuple[Chunk, float]]:
    """Fuse ranked lists: each list gives weight / (rrf_k + rank) to the chunks it ranks."""
    fused: dict[str, float] = {}
    by_id: dict[str, Chunk] = {}
    for chunks, weight in rankings:
        for rank, chunk in enumerate(chunks, start=1):
            fused[chunk.id] = fused.get(chunk.id, 0.0) + weight / (rrf_k + rank)
            by_id[chunk.id] = chunk
    return sorted(((by_id[i], s) for i, s in fused.items()), key=lambda pair: -pair[1])


class HybridRetriever(BaseRetriever):
    """Top passages for a question; `mode` and `rerank` select the variant (dense, lexical, hybrid)."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    index: Index
    settings: Settings
    reranker: Any = None  # a bot.rerank.Reranker, or None to keep the fused order
    _lexical: LexicalIndex | None = PrivateAttr(default=None)
    _lexical_version: str = PrivateAttr(default="")
    _checked_at: float = PrivateAttr(default=0.0)
    _lock: Any = PrivateAttr(default_factory=threading.Lock)

    def refresh(self) -> None:
        """Look at the collection's version again now, after documents were added or removed."""
        with self._lock:
            self._checked_at = 0.0

    def lexical(self) -> LexicalIndex:
        """The BM25 index of the collection's current version, checked at most every few seconds."""
        with self._lock:
            now = time.monotonic()
            if self._lexical is None or now - self._checked_at > _RECHECK_SECONDS:
                version = self.index.version()
                if self._lexical is None or version != self._lexical_version:
                    self._lexical = load_or_build(self.index, self.settings.lexical_dir / version)
                    self._lexical_version = version
                self._checked_at = now
            return self._lexical

    def _get_relevant_documents(self, query: str, *, run_manager: CallbackManagerForRetrieverRun) -> list[Document]:
        mode = self.settings.retrieval_mode
        dense = self.index.dense_search(query, self.settings.dense_k) if mode != "lexical" else []
        lexical = self.lexical().search(query, self.settings.lexical_k) if mode != "dense" else []
        fused = reciprocal_rank_fusion(
            [
                ([c for c, _ in dense], self.settings.dense_weight),
                ([c for c, _ in lexical], self.settings.lexical_weight),
            ],
            self.settings.rrf_k,
        )
        dense_scores = {c.id: s for c, s in dense}
        lexical_scores = {c.id: s for c, s in lexical}
        candidates = fused[: max(self.settings.top_k * 3, self.settings.top_k)]
        if self.reranker is not None and candidates:
            rerank_scores = self.reranker.score(query, [c.text for c, _ in candidates])
            candidates = sorted(
                ((c, s) for (c, _), s in zip(candidates, rerank_scores, strict=True)), key=lambda pair: -pair[1]
            )
        return [
            to_document(c, s, dense=dense_scores.get(c.id, 0.0), lexical=lexical_scores.get(c.id, 0.0))
            for c, s in candidates[: self.settings.top_k]
        ]
