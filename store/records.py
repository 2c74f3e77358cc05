"""The records the storage layer keeps: documents, passages and their declared metadata."""

from __future__ import annotations

from dataclasses import dataclass
from typing import NotRequired, TypedDict


class DocumentMetadata(TypedDict):
    """What is known of a document: from the corpus manifest, or from the file itself."""

    doc_id: str  # the file's path under the folder it was ingested from
    title: str
    date: str  # YYYY-MM-DD, or "" when unknown
    language: str  # "fr" or "en"
    source: str
    path: str  # where the file was read from


class ChunkMetadata(DocumentMetadata):
    """What every passage carries beside its text (Chroma keeps flat str/int values)."""

    doc_hash: str  # of the file and the recipe that cut it: an unchanged document is skipped
    chunk_index: int
    n_chunks: int
    start: int  # offsets of the passage in the document's cleaned text
    end: int
    page: int  # 1-based page of a paged document, 0 otherwise
    ocr: NotRequired[bool]  # the page was read by OCR (absent: it was not)
    ocr_confidence: NotRequired[float]  # Tesseract's mean word confidence on that page, 0-100


class DocumentRow(TypedDict):
    doc_id: str
    title: str
    date: str
    language: str
    passages: int
    source: str  # the manifest's: for an upload, by whom and when


@dataclass(frozen=True)
class Chunk:
    id: str
    text: str
    metadata: ChunkMetadata
