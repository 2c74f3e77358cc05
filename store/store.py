"""Storage in one place: the passages with their embeddings in a Chroma collection (on disk or on a Chroma
server), and the BM25 index derived from them, saved per collection version.

Every write gives the collection a new version; readers of the BM25 index see it within
`store.recheck_seconds`, and every ingest leaves the index of the new version saved.
"""

from __future__ import annotations

import hashlib
import math
import threading
import time
import uuid
from collections.abc import Iterator
from typing import Any, NamedTuple
from urllib.parse import urlparse

import chromadb
from chromadb.config import Settings as ChromaSettings

from core.errors import IndexProblem, index_errors
from core.settings import Settings
from models.embeddings import ChromaEmbeddingFunction, Embedder, embedder_for
from store.fact_records import FACT, Fact
from store.facts import FactIndex
from store.lexical import LexicalIndex, load_or_build
from store.records import Chunk, ChunkMetadata, DocumentRow
from store.tables import TABLES_SUFFIX, TableStore
from store.translations import TranslationStore

MODEL_KEY = "partnerbot_embedding_model"
# A new value after every write: readers that keep a derived index (BM25) know when to rebuild it.
VERSION_KEY = "partnerbot_version"
# Below Chroma's own cap on one write (about 5,000 records with SQLite).
_WRITE_BATCH = 1000
_READ_PAGE = 5000
# The facts live in a second collection of the same deployment, named after the first.
FACTS_SUFFIX = "-facts"
# Each document has one record there, even without facts: the hash of what its facts were extracted from.
_DOCUMENT_RECORD = "document"


def open_client(settings: Settings) -> chromadb.api.ClientAPI:
    chroma_settings = ChromaSettings(anonymized_telemetry=False)
    url_setting = settings.store.chroma_url
    if url_setting:
        url = urlparse(url_setting)
        if not url.hostname:
            raise IndexProblem(f"PARTNERBOT_CHROMA_URL is not a URL: {url_setting!r}")
        try:
            return chromadb.HttpClient(
                host=url.hostname,
                port=url.port or (443 if url.scheme == "https" else 8000),
                ssl=url.scheme == "https",
                settings=chroma_settings,
            )
        except Exception as exc:  # chromadb raises plain ValueError/ConnectionError here
            raise IndexProblem(f"cannot reach the Chroma server at {url_setting}: {exc}") from exc
    settings.store.chroma_path.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(settings.store.chroma_path), settings=chroma_settings)


class DocumentFacts(NamedTuple):
    """The facts of one document, with the hash of what they were extracted from."""

    doc_id: str
    facts_hash: str
    facts: list[Fact]


class Store:
    """Passages with their embeddings and metadata; refuses to mix embedding models."""

    def __init__(self, settings: Settings, embedder: Embedder | None = None, reset: bool = False):
        self.settings = settings
        # The checked machine translations of the indexed sentences (a file beside the index, see ingest.translation).
        self.translations = TranslationStore(settings.store.translations_path)
        store = settings.store
        self.embedder = embedder or embedder_for(store)
        self.client = open_client(settings)
        with index_errors("opening the index"):
            if reset:
                self._delete_collection()
            self._check_model(store.collection)
            self._check_model(self.facts_name)
            self.collection = self.client.get_or_create_collection(
                store.collection,
                embedding_function=ChromaEmbeddingFunction(self.embedder),
                configuration={
                    "hnsw": {
                        "space": "cosine",
                        "max_neighbors": store.hnsw_max_neighbors,
                        "ef_construction": store.hnsw_ef_construction,
                        "ef_search": store.hnsw_ef_search,
                    }
                },
                metadata={MODEL_KEY: store.embedding_model},
            )
            hnsw = (self.collection.configuration or {}).get("hnsw") or {}
            if hnsw.get("ef_search") != store.hnsw_ef_search:  # an older collection: used from its next load on
                self.collection.modify(configuration={"hnsw": {"ef_search": store.hnsw_ef_search}})
            if VERSION_KEY not in (self.collection.metadata or {}):
                self._new_version()
            # Facts are looked up by id and document, never by vector: each gets a fixed 2-d point.
            self.facts_collection = self.client.get_or_create_collection(
                self.facts_name,
                embedding_function=ChromaEmbeddingFunction(self.embedder),
                configuration={"hnsw": {"space": "l2"}},
                metadata={MODEL_KEY: store.embedding_model},
            )
            if VERSION_KEY not in (self.facts_collection.metadata or {}):
                self._new_version(self.facts_collection)
        # The documents' tables, in a third collection (store/tables.py).
        self.tables = TableStore(
            self.client, store.collection + TABLES_SUFFIX, ChromaEmbeddingFunction(self.embedder), store.recheck_seconds
        )
        self._lexical: LexicalIndex | None = None
        self._lexical_version = ""
        self._checked_at = 0.0
        self._lexical_lock = threading.Lock()
        self._facts: FactIndex | None = None
        self._facts_version = ""
        self._facts_checked_at = 0.0
        self._facts_lock = threading.Lock()

    @property
    def facts_name(self) -> str:
        return self.settings.store.collection + FACTS_SUFFIX

    def _delete_collection(self) -> None:
        for name in (self.settings.store.collection, self.facts_name, self.settings.store.collection + TABLES_SUFFIX):
            if collection_exists(self.client, name):
                self.client.delete_collection(name)
        self._forget_vectors()

    def _check_model(self, name: str) -> None:
        model = self.settings.store.embedding_model
        if not collection_exists(self.client, name):
            return
        # Read the raw metadata without our embedding function, so a foreign index cannot load its model.
        built_with = (self.client.get_collection(name).metadata or {}).get(MODEL_KEY)
        if built_with != model:
            raise IndexProblem(
                f"the index '{name}' was built with the embedding model {built_with!r}, but "
                f"PARTNERBOT_EMBEDDING_MODEL is {model!r}; mixing models would give meaningless results. "
                "Run `partnerbot ingest --reset` to rebuild it."
            )

    # Reading

    def count(self) -> int:
        with index_errors("counting passages"):
            return self.collection.count()

    def version(self, name: str | None = None) -> str:
        """The current version of a collection (the passages by default), as any process last wrote it."""
        with index_errors("reading the index version"):
            metadata = self.client.get_collection(name or self.settings.store.collection).metadata or {}
        return str(metadata.get(VERSION_KEY) or "0")

    def _get(
        self, include: list[str], ids: list[str] | None = None, collection: Any = None, where: dict | None = None
    ) -> Iterator[Any]:
        """Everything asked for, page by page: one `get` of a large collection exceeds SQLite's variable limit."""
        collection = collection or self.collection
        with index_errors("reading the index"):
            if ids is not None:
                for start in range(0, len(ids), _READ_PAGE):
                    yield collection.get(ids=ids[start : start + _READ_PAGE], include=include)
                return
            offset = 0
            while True:
                page = collection.get(include=include, limit=_READ_PAGE, offset=offset, where=where)
                yield page
                if len(page["ids"]) < _READ_PAGE:
                    return
                offset += _READ_PAGE

    def metadatas(self) -> dict[str, ChunkMetadata]:
        """Chunk id -> metadata, for all chunks."""
        found: dict[str, ChunkMetadata] = {}
        for page in self._get(["metadatas"]):
            found.update(zip(page["ids"], page["metadatas"] or [], strict=True))
        return found

    def documents(self) -> list[DocumentRow]:
        """One row per indexed document: id, title, date, language, number of passages and source."""
        rows: dict[str, DocumentRow] = {}
        for meta in self.metadatas().values():
            row = rows.setdefault(
                meta["doc_id"],
                DocumentRow(
                    doc_id=meta["doc_id"],
                    title=meta["title"],
                    date=meta["date"],
                    language=meta["language"],
                    passages=0,
                    source=str(meta.get("source") or ""),
                ),
            )
            row["passages"] += 1
        return sorted(rows.values(), key=lambda r: (r["date"], r["title"]))

    def document_count(self) -> int:
        """How many documents are indexed, from their records in the facts collection (one a document, written by
        each ingest with its facts): their ids only, never every passage's metadata as `documents` reads."""
        where = {"type": _DOCUMENT_RECORD}
        return sum(len(page["ids"]) for page in self._get([], collection=self.facts_collection, where=where))

    def passage_texts(self) -> Iterator[str]:
        """Every passage's text, read page by page as it is consumed: a caller that wants a few reads a few pages."""
        for page in self._get(["documents"]):
            yield from page["documents"] or []

    def chunks(self, ids: list[str] | None = None) -> list[Chunk]:
        return [
            Chunk(id=i, text=t, metadata=m)
            for page in self._get(["documents", "metadatas"], ids=ids)
            for i, t, m in zip(page["ids"], page["documents"], page["metadatas"], strict=True)
        ]

    # Writing: each write makes a new version

    def add(self, chunks: list[Chunk], embeddings: list[list[float]] | None = None) -> None:
        """Embed (unless the vectors are given) and write the chunks, replacing those with the same ids."""
        if not chunks:
            return
        vectors = embeddings if embeddings is not None else self.embedder.embed_documents([c.text for c in chunks])
        with index_errors("writing passages"):
            self.collection.upsert(
                ids=[c.id for c in chunks],
                documents=[c.text for c in chunks],
                metadatas=[dict(c.metadata) for c in chunks],
                embeddings=vectors,
            )
            self._new_version()

    def update_metadata(self, chunks: list[Chunk]) -> None:
        if not chunks:
            return
        with index_errors("writing passages"):
            for start in range(0, len(chunks), _WRITE_BATCH):
                batch = chunks[start : start + _WRITE_BATCH]
                self.collection.update(ids=[c.id for c in batch], metadatas=[dict(c.metadata) for c in batch])
            self._new_version()

    def delete(self, ids: list[str]) -> None:
        if not ids:
            return
        # Before the new version: a warm-up that read the file saves it again only if the version did not change.
        self._forget_vectors()
        with index_errors("deleting passages"):
            for start in range(0, len(ids), _WRITE_BATCH):
                self.collection.delete(ids=ids[start : start + _WRITE_BATCH])
            self._new_version()

    def _forget_vectors(self) -> None:
        """The saved sentence vectors (`ChatService.warm_up`) hold the texts of the passages: they go with any of
        them, and the next warm-up embeds what is left again."""
        self.settings.store.vectors_path.unlink(missing_ok=True)

    def _new_version(self, collection: Any = None) -> None:
        (collection or self.collection).modify(
            metadata={MODEL_KEY: self.settings.store.embedding_model, VERSION_KEY: uuid.uuid4().hex}
        )
        # This process wrote: its own readers look at the new version at once.
        self._checked_at = self._facts_checked_at = 0.0

    # Facts

    def fact_hashes(self) -> dict[str, str]:
        """Document id -> the hash of what its stored facts were extracted from."""
        found: dict[str, str] = {}
        for page in self._get(["metadatas"], collection=self.facts_collection, where={"type": _DOCUMENT_RECORD}):
            for meta in page["metadatas"] or []:
                found[str(meta["doc_id"])] = str(meta["facts_hash"])
        return found

    def replace_facts(self, documents: list[DocumentFacts]) -> None:
        """Each document's facts become the ones given: new ones written first, then the stale ones removed, then
        the documents' records, so that a document whose record is current has all its facts. One write for all
        the documents of an ingest: a Chroma write costs milliseconds whatever its size."""
        facts = [(d.doc_id, f) for d in documents for f in d.facts]
        current = {f.id for _, f in facts}
        markers = [_document_record_id(d.doc_id) for d in documents]
        with index_errors("writing facts"):
            for start in range(0, len(facts), _WRITE_BATCH):
                batch = facts[start : start + _WRITE_BATCH]
                self.facts_collection.upsert(
                    ids=[f.id for _, f in batch],
                    documents=[f.model_dump_json() for _, f in batch],
                    metadatas=[{"doc_id": doc_id, "type": f.type} for doc_id, f in batch],
                    embeddings=[_point(f.id) for _, f in batch],
                )
            stale = [i for i in self._fact_ids([d.doc_id for d in documents]) if i not in current]
            self._delete_ids([i for i in stale if i not in markers])
            self.facts_collection.upsert(
                ids=markers,
                documents=[d.doc_id for d in documents],
                metadatas=[
                    {"doc_id": d.doc_id, "type": _DOCUMENT_RECORD, "facts_hash": d.facts_hash} for d in documents
                ],
                embeddings=[_point(m) for m in markers],
            )
            self._new_version(self.facts_collection)

    def delete_facts(self, doc_id: str) -> None:
        with index_errors("deleting facts"):
            self._delete_ids(self._fact_ids([doc_id]))
            self._new_version(self.facts_collection)

    def _delete_ids(self, ids: list[str]) -> None:
        for start in range(0, len(ids), _WRITE_BATCH):
            self.facts_collection.delete(ids=ids[start : start + _WRITE_BATCH])

    def _fact_ids(self, doc_ids: list[str]) -> list[str]:
        ids = []
        for start in range(0, len(doc_ids), _READ_PAGE):  # a filter's values count against SQLite's limit too
            where = {"doc_id": {"$in": doc_ids[start : start + _READ_PAGE]}}
            ids += [i for page in self._get([], collection=self.facts_collection, where=where) for i in page["ids"]]
        return ids

    def facts(self, refresh: bool = False) -> FactIndex:
        """The facts of the collection's current version, in memory, looked up at most every `recheck_seconds`."""
        with self._facts_lock:
            now = time.monotonic()
            if refresh or self._facts is None or now - self._facts_checked_at > self.settings.store.recheck_seconds:
                version = self.version(self.facts_name)
                if self._facts is None or version != self._facts_version:
                    self._facts = FactIndex(
                        FACT.validate_json(text)
                        for page in self._get(["documents", "metadatas"], collection=self.facts_collection)
                        for text, meta in zip(page["documents"], page["metadatas"], strict=True)
                        if meta["type"] != _DOCUMENT_RECORD
                    )
                    self._facts_version = version
                self._facts_checked_at = now
            return self._facts

    # Searching

    def dense_search(self, query: str, k: int, vector: list[float] | None = None) -> list[tuple[Chunk, float]]:
        """The k nearest chunks to the query (`vector`, its embedding, when the caller has it), with cosine
        similarity."""
        vector = vector if vector is not None else self.embedder.embed_query(query)
        # No count() first: Chroma returns fewer results itself, and count() costs more than the search.
        with index_errors("searching passages"):
            found = self.collection.query(
                query_embeddings=[vector], n_results=k, include=["documents", "metadatas", "distances"]
            )
        return [
            (Chunk(id=i, text=t, metadata=m), 1.0 - float(d))
            for i, t, m, d in zip(
                found["ids"][0], found["documents"][0], found["metadatas"][0], found["distances"][0], strict=True
            )
        ]

    def lexical_search(self, query: str, k: int) -> list[tuple[Chunk, float]]:
        """BM25 over the passages of the collection's current version, misspelt names corrected."""
        return self.lexical().search(query, k)

    def lexical(self, refresh: bool = False) -> LexicalIndex:
        """The BM25 index of the collection's current version, looked up at most every `recheck_seconds`
        (`refresh`: now), loaded from its saved copy or built and saved."""
        with self._lexical_lock:
            now = time.monotonic()
            if refresh or self._lexical is None or now - self._checked_at > self.settings.store.recheck_seconds:
                version = self.version()
                if self._lexical is None or version != self._lexical_version:
                    retrieval = self.settings.retrieval
                    self._lexical = load_or_build(
                        self.chunks,
                        self.settings.store.lexical_dir / version,
                        spelling_cutoff=retrieval.spelling_cutoff,
                        spelling_min_length=retrieval.spelling_min_length,
                        max_word_chars=retrieval.max_word_chars,
                    )
                    self._lexical_version = version
                self._checked_at = now
            return self._lexical


def _document_record_id(doc_id: str) -> str:
    return "document:" + hashlib.sha256(doc_id.encode()).hexdigest()[:32]


def _point(fact_id: str) -> list[float]:
    """A fixed point on the unit circle for each record: the collection needs vectors, lookups never use them."""
    angle = int(hashlib.sha256(fact_id.encode()).hexdigest()[:8], 16) / 0xFFFFFFFF * 2 * math.pi
    return [math.cos(angle), math.sin(angle)]


def collection_exists(client: chromadb.api.ClientAPI, name: str) -> bool:
    return name in {c if isinstance(c, str) else c.name for c in client.list_collections()}
