"""The Chroma collection that holds the chunks: local on disk, or on a Chroma server."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlparse

import chromadb
from chromadb.config import Settings as ChromaSettings

from ingest.embeddings import ChromaEmbeddingFunction, Embedder, load_embedder
from ingest.settings import Settings

MODEL_KEY = "partnerbot_embedding_model"
# A new value after every write: readers that keep a derived index (BM25) know when to rebuild it.
VERSION_KEY = "partnerbot_version"
# Below Chroma's own cap on one write (about 5,000 records with SQLite).
_WRITE_BATCH = 1000
_READ_PAGE = 5000


class IndexProblem(RuntimeError):
    """The index cannot be used as asked (wrong model, unreachable server)."""


@dataclass(frozen=True)
class Chunk:
    id: str
    text: str
    metadata: dict[str, Any]


def open_client(settings: Settings) -> chromadb.api.ClientAPI:
    chroma_settings = ChromaSettings(anonymized_telemetry=False)
    if settings.chroma_url:
        url = urlparse(settings.chroma_url)
        if not url.hostname:
            raise IndexProblem(f"PARTNERBOT_CHROMA_URL is not a URL: {settings.chroma_url!r}")
        try:
            return chromadb.HttpClient(
                host=url.hostname,
                port=url.port or (443 if url.scheme == "https" else 8000),
                ssl=url.scheme == "https",
                settings=chroma_settings,
            )
        except Exception as exc:  # chromadb raises plain ValueError/ConnectionError here
            raise IndexProblem(f"cannot reach the Chroma server at {settings.chroma_url}: {exc}") from exc
    settings.chroma_path.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(settings.chroma_path), settings=chroma_settings)


class Index:
    """Chunks with their embeddings and metadata; refuses to mix embedding models."""

    def __init__(self, settings: Settings, embedder: Embedder | None = None, reset: bool = False):
        self.settings = settings
        self.embedder = embedder or load_embedder(
            settings.embedding_model, settings.embedding_batch_size, settings.model_threads
        )
        self.client = open_client(settings)
        if reset:
            self._delete_collection()
        self._check_model()
        self.collection = self.client.get_or_create_collection(
            settings.collection,
            embedding_function=ChromaEmbeddingFunction(self.embedder),
            configuration={
                "hnsw": {
                    "space": "cosine",
                    "max_neighbors": settings.hnsw_max_neighbors,
                    "ef_construction": settings.hnsw_ef_construction,
                    "ef_search": settings.hnsw_ef_search,
                }
            },
            metadata={MODEL_KEY: settings.embedding_model},
        )
        hnsw = (self.collection.configuration or {}).get("hnsw") or {}
        if hnsw.get("ef_search") != settings.hnsw_ef_search:  # an older collection: used from its next load on
            self.collection.modify(configuration={"hnsw": {"ef_search": settings.hnsw_ef_search}})
        if VERSION_KEY not in (self.collection.metadata or {}):
            self._new_version()

    def _delete_collection(self) -> None:
        if collection_exists(self.client, self.settings.collection):
            self.client.delete_collection(self.settings.collection)

    def _check_model(self) -> None:
        if not collection_exists(self.client, self.settings.collection):
            return
        # Read the raw metadata without our embedding function, so a foreign index cannot load its model.
        metadata = self.client.get_collection(self.settings.collection).metadata or {}
        built_with = metadata.get(MODEL_KEY)
        if built_with != self.settings.embedding_model:
            raise IndexProblem(
                f"the index '{self.settings.collection}' was built with the embedding model "
                f"{built_with!r}, but PARTNERBOT_EMBEDDING_MODEL is {self.settings.embedding_model!r}; "
                "mixing models would give meaningless results. Run `partnerbot ingest --reset` to rebuild it."
            )

    def count(self) -> int:
        return self.collection.count()

    def version(self) -> str:
        """The collection's current version, as any process last wrote it."""
        metadata = self.client.get_collection(self.settings.collection).metadata or {}
        return str(metadata.get(VERSION_KEY) or "0")

    def _new_version(self) -> None:
        self.collection.modify(metadata={MODEL_KEY: self.settings.embedding_model, VERSION_KEY: uuid.uuid4().hex})

    def _get(self, include: list[str], ids: list[str] | None = None, where: dict[str, Any] | None = None):
        """Everything matching, page by page: one `get` of a large collection exceeds SQLite's variable limit."""
        if ids is not None:
            for start in range(0, len(ids), _READ_PAGE):
                yield self.collection.get(ids=ids[start : start + _READ_PAGE], include=include)
            return
        offset = 0
        while True:
            page = self.collection.get(where=where, include=include, limit=_READ_PAGE, offset=offset)
            yield page
            if len(page["ids"]) < _READ_PAGE:
                return
            offset += _READ_PAGE

    def metadatas(self, where: dict[str, Any] | None = None) -> dict[str, dict[str, Any]]:
        """Chunk id -> metadata, for all chunks or those matching `where`."""
        found: dict[str, dict[str, Any]] = {}
        for page in self._get(["metadatas"], where=where):
            found.update(zip(page["ids"], page["metadatas"] or [], strict=True))
        return found

    def documents(self) -> list[dict[str, Any]]:
        """One row per indexed document: id, title, date, language and number of passages."""
        rows: dict[str, dict[str, Any]] = {}
        for meta in self.metadatas().values():
            row = rows.setdefault(
                str(meta["doc_id"]),
                {k: meta.get(k, "") for k in ("doc_id", "title", "date", "language")} | {"passages": 0},
            )
            row["passages"] += 1
        return sorted(rows.values(), key=lambda r: (str(r["date"]), str(r["title"])))

    def chunks(self, ids: list[str] | None = None) -> list[Chunk]:
        return [
            Chunk(id=i, text=t, metadata=dict(m))
            for page in self._get(["documents", "metadatas"], ids=ids)
            for i, t, m in zip(page["ids"], page["documents"], page["metadatas"], strict=True)
        ]

    def add(self, chunks: list[Chunk], embeddings: list[list[float]]) -> None:
        self.collection.upsert(
            ids=[c.id for c in chunks],
            documents=[c.text for c in chunks],
            metadatas=[c.metadata for c in chunks],
            embeddings=embeddings,
        )
        self._new_version()

    def update_metadata(self, chunks: list[Chunk]) -> None:
        if not chunks:
            return
        for start in range(0, len(chunks), _WRITE_BATCH):
            batch = chunks[start : start + _WRITE_BATCH]
            self.collection.update(ids=[c.id for c in batch], metadatas=[c.metadata for c in batch])
        self._new_version()

    def delete(self, ids: list[str]) -> None:
        if not ids:
            return
        for start in range(0, len(ids), _WRITE_BATCH):
            self.collection.delete(ids=ids[start : start + _WRITE_BATCH])
        self._new_version()

    def dense_search(self, query: str, k: int) -> list[tuple[Chunk, float]]:
        """The k nearest chunks to the query, with cosine similarity."""
        # No count() first: Chroma returns fewer results itself, and count() costs more than the search.
        found = self.collection.query(
            query_embeddings=[self.embedder.embed_query(query)],
            n_results=k,
            include=["documents", "metadatas", "distances"],
        )
        return [
            (Chunk(id=i, text=t, metadata=dict(m)), 1.0 - float(d))
            for i, t, m, d in zip(
                found["ids"][0], found["documents"][0], found["metadatas"][0], found["distances"][0], strict=True
            )
        ]


def collection_exists(client: chromadb.api.ClientAPI, name: str) -> bool:
    return name in {c if isinstance(c, str) else c.name for c in client.list_collections()}
