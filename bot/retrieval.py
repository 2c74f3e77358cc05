"""Hybrid retrieval: dense and lexical (BM25) searches of the store fused by reciprocal rank, then reranked."""

from __future__ import annotations

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict

from bot.rerank import Reranker
from bot.scoring import SentenceScorer, embedded_text
from core.settings import RetrievalSettings
from store.records import Chunk
from store.store import Store


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
    """Top passages for a question; the settings' `mode` selects dense, lexical or hybrid search."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    store: Store
    settings: RetrievalSettings
    reranker: Reranker | None = None  # None keeps the fused order
    # Embeds the question through its cache, where the reranker and the evidence find it again: one embedding a
    # question instead of two (issue 25). None: the store embeds it.
    scorer: SentenceScorer | None = None

    def _get_relevant_documents(self, query: str, *, run_manager: CallbackManagerForRetrieverRun) -> list[Document]:
        settings = self.settings
        # The question's words, bounded: a long question costs the model no more than a few sentences.
        embedded = embedded_text(query, settings.max_word_chars, settings.query_chars)
        dense: list[tuple[Chunk, float]] = []
        if settings.mode != "lexical":
            vector = self.scorer.query_vector(embedded).tolist() if self.scorer is not None else None
            dense = self.store.dense_search(embedded, settings.dense_k, vector)
        lexical = self.store.lexical_search(query, settings.lexical_k) if settings.mode != "dense" else []
        fused = reciprocal_rank_fusion(
            [([c for c, _ in dense], settings.dense_weight), ([c for c, _ in lexical], settings.lexical_weight)],
            settings.rrf_k,
        )
        dense_scores = {c.id: s for c, s in dense}
        lexical_scores = {c.id: s for c, s in lexical}
        candidates = fused[: settings.top_k * settings.rerank_pool]
        if self.reranker is not None and candidates:
            rerank_scores = self.reranker.score(query, [c.text for c, _ in candidates])
            candidates = sorted(
                ((c, s) for (c, _), s in zip(candidates, rerank_scores, strict=True)), key=lambda pair: -pair[1]
            )
        return [
            to_document(c, s, dense=dense_scores.get(c.id, 0.0), lexical=lexical_scores.get(c.id, 0.0))
            for c, s in candidates[: settings.top_k]
        ]
