"""Second-stage scoring of the fused candidates, finer than the first-stage retrievers."""

from __future__ import annotations

from typing import Any, Protocol, runtime_checkable

from bot.scoring import SentenceScorer
from core.text import sentences
from models.embeddings import resolve_model_path


@runtime_checkable
class Reranker(Protocol):
    def score(self, question: str, texts: list[str]) -> list[float]: ...


class SentenceReranker:
    """A passage is worth its best sentence: long passages no longer dilute the one line that answers."""

    def __init__(self, scorer: SentenceScorer) -> None:
        self.scorer = scorer

    def score(self, question: str, texts: list[str]) -> list[float]:
        split = [sentences(t) or [t] for t in texts]
        flat = self.scorer.score(question, [s for group in split for s in group])
        scores, start = [], 0
        for group in split:
            scores.append(max(flat[start : start + len(group)]))
            start += len(group)
        return scores


class CrossEncoderReranker:
    """A sentence-transformers cross-encoder directory (`pkg:PACKAGE/SUBDIR` or a path)."""

    def __init__(self, spec: str) -> None:
        self.path = resolve_model_path(spec)
        self._model: Any = None

    def score(self, question: str, texts: list[str]) -> list[float]:
        if not texts:
            return []
        if self._model is None:
            from sentence_transformers import CrossEncoder

            self._model = CrossEncoder(str(self.path), device="cpu", local_files_only=True)
        return [float(s) for s in self._model.predict([(question, t) for t in texts], show_progress_bar=False)]


def build_reranker(spec: str, scorer: SentenceScorer) -> Reranker | None:
    if spec == "none":
        return None
    if spec == "sentences":
        return SentenceReranker(scorer)
    return CrossEncoderReranker(spec)
