"""The documents' tables, kept as tables: header, rows of typed cells, printed totals, and where each row came from
(document, sheet, page or slide, row number, and the passage that holds it, to cite it).

They live in a third collection of the Chroma deployment, beside the passages and the facts, one record a table, and
follow the passages' incremental rules: the ingest that reads a document anew replaces its tables, the one that
finds it removed deletes them. `TableStore.tables()` reads them into memory once per collection version.
"""

from __future__ import annotations

import hashlib
import math
import threading
import time
import uuid
from typing import Any, Literal

import chromadb
from pydantic import BaseModel, Field

from core.errors import index_errors

# The tables collection is named after the passages' one.
TABLES_SUFFIX = "-tables"
_READ_PAGE = 1000
_WRITE_BATCH = 500
_VERSION_KEY = "partnerbot_version"

CellKind = Literal["number", "money", "date", "text", "empty"]


class Cell(BaseModel):
    text: str  # as the document writes it
    kind: CellKind
    value: float | None = None  # a number's or an amount's value
    currency: str | None = None  # ISO code of an amount
    iso: str | None = None  # a date's YYYY-MM-DD


class Row(BaseModel):
    number: int  # 1-based row of the sheet, or of the table in its page or slide
    cells: list[Cell]
    total: bool = False  # a printed total ("TOTAL", "Sous-total")
    chunk_id: str = ""  # the passage that holds the row's text
    quote: str = ""  # the row's text as that passage holds it

    def label(self) -> str:
        """What names the row: its first cell with text, else its first non-empty cell."""
        texts = [c.text for c in self.cells if c.kind == "text"] or [c.text for c in self.cells if c.text]
        return texts[0] if texts else ""


class Table(BaseModel):
    doc_id: str
    doc_title: str = ""
    doc_date: str = ""
    language: str = ""
    index: int  # the table's place among its document's tables
    name: str = ""  # the sheet's name, or the text just before the table (its caption or heading)
    part: Literal["sheet", "page", "slide", ""] = ""  # what `part_number` counts
    part_number: int = 0  # 1-based page or slide; 0 for a sheet (its name says which)
    header: list[str]
    rows: list[Row] = Field(default_factory=list)  # body rows and printed totals, in document order
    problems: list[str] = Field(default_factory=list)  # what was left out, and why
    # "table": a table of the document; "text": the figures of its sentences (a row a sentence: the sentence, the
    # value, the word it counts), which count questions are answered from.
    source: Literal["table", "text"] = "table"

    @property
    def id(self) -> str:
        return hashlib.sha256(f"{self.doc_id}\x00{self.index}".encode()).hexdigest()[:32]

    def body(self) -> list[Row]:
        return [r for r in self.rows if not r.total]

    def totals(self) -> list[Row]:
        return [r for r in self.rows if r.total]

    def column_kind(self, column: int) -> CellKind:
        """The kind most of the column's body cells have (empty cells left out)."""
        kinds = [r.cells[column].kind for r in self.body() if column < len(r.cells) and r.cells[column].kind != "empty"]
        return max(set(kinds), key=kinds.count) if kinds else "empty"


class TableStore:
    """The tables collection: written per document, read whole into memory per collection version."""

    def __init__(self, client: chromadb.api.ClientAPI, name: str, embedding_function: Any, recheck_seconds: float):
        self.client = client
        self.name = name
        self.recheck_seconds = recheck_seconds
        with index_errors("opening the tables"):
            # Tables are looked up in memory, never by vector: each record gets a fixed 2-d point.
            self.collection = client.get_or_create_collection(
                name, embedding_function=embedding_function, configuration={"hnsw": {"space": "l2"}}
            )
        self._tables: list[Table] | None = None
        self._version = ""
        self._checked_at = 0.0
        self._lock = threading.Lock()

    def replace(self, doc_id: str, tables: list[Table]) -> None:
        """The document's tables become the ones given: the new ones written, then the stale ones removed."""
        with index_errors("writing tables"):
            for start in range(0, len(tables), _WRITE_BATCH):
                batch = tables[start : start + _WRITE_BATCH]
                self.collection.upsert(
                    ids=[t.id for t in batch],
                    documents=[t.model_dump_json() for t in batch],
                    metadatas=[{"doc_id": doc_id} for _ in batch],
                    embeddings=[_point(t.id) for t in batch],
                )
            current = {t.id for t in tables}
            stale = [i for i in self._ids(doc_id) if i not in current]
            for start in range(0, len(stale), _WRITE_BATCH):
                self.collection.delete(ids=stale[start : start + _WRITE_BATCH])
            self._new_version()

    def delete(self, doc_id: str) -> None:
        self.replace(doc_id, [])

    def _ids(self, doc_id: str) -> list[str]:
        return list(self.collection.get(where={"doc_id": doc_id}, include=[])["ids"])

    def _new_version(self) -> None:
        self.collection.modify(metadata={_VERSION_KEY: uuid.uuid4().hex})
        self._checked_at = 0.0

    def tables(self, refresh: bool = False) -> list[Table]:
        """Every stored table, as of the collection's current version (looked up at most every `recheck_seconds`)."""
        with self._lock:
            now = time.monotonic()
            if refresh or self._tables is None or now - self._checked_at > self.recheck_seconds:
                with index_errors("reading the tables"):
                    # Read from the deployment: another process may have written since.
                    metadata = self.client.get_collection(self.name).metadata or {}
                    version = str(metadata.get(_VERSION_KEY) or "0")
                    if self._tables is None or version != self._version:
                        self._tables = self._read()
                        self._version = version
                self._checked_at = now
            return self._tables

    def _read(self) -> list[Table]:
        found, offset = [], 0
        while True:
            page = self.collection.get(include=["documents"], limit=_READ_PAGE, offset=offset)
            found += [Table.model_validate_json(text) for text in page["documents"] or []]
            if len(page["ids"]) < _READ_PAGE:
                return sorted(found, key=lambda t: (t.doc_id, t.index))
            offset += _READ_PAGE


def _point(record_id: str) -> list[float]:
    angle = int(hashlib.sha256(record_id.encode()).hexdigest()[:8], 16) / 0xFFFFFFFF * 2 * math.pi
    return [math.cos(angle), math.sin(angle)]
