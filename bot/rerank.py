"""Cross-encoder relevance scores of (question, passage) pairs, from a model shipped in a package."""

from __future__ import annotations

from typing import Any

from ingest.embeddings import resolve_model_path


class Reranker:
    def __init__(self, spec: str) -> None:
        self.spec = spec
        self.path = resolve_model_path(spec)
        self._model: Any = None

    def score(self, question: str, texts: list[str]) -> list[float]:
        if not texts:
            return []
        if self._model is None:
            from sentence_transformers import CrossEncoder

            self._model = CrossEncoder(str(self.path), device="cpu", local_files_only=True)
        return [float(s) for s in self._model.predict([(question, t) for t in texts], show_progress_bar=False)]
