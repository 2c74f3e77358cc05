"""Bring the index up to date with a set of document files, embedding only what changed.

Crash safety: new chunks are written before stale ones are deleted, batch by batch, each batch one
Chroma transaction. An interrupted run leaves every document searchable (at worst with both its old and
its new passages) and the next run finishes the job without re-embedding what was already written.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from bisect import bisect_right
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from core.errors import LoadError
from core.settings import Settings
from ingest.chunking import chunk_ids, join_parts, split_text
from ingest.claims import CLAIMS_VERSION, extract_claims
from ingest.corpus import SourceFile, discover, document_metadata
from ingest.facts.extract import FACTS_VERSION, extract_facts
from ingest.loaders import LoadedText, LoadOptions, load_file, save_ocr_words
from ingest.messages import dated_by_message
from ingest.programmes import PROGRAMMES_VERSION, extract_programme
from ingest.tables import TABLES_VERSION, document_tables
from ingest.worker import Worker
from models.textmodel import TextModel
from store.fact_records import Fact
from store.records import Chunk, ChunkMetadata, DocumentMetadata
from store.store import DocumentFacts, Store
from store.tables import Table

# Told how far a stage has come: (stage, done, total). Stages: "reading" (files), "ocr" (the scanned pages of the
# document being read), "embedding" (passages), "facts" (documents).
Progress = Callable[[str, int, int], None]

# Bump when cleaning or chunking changes, so that every document is re-chunked once.
PIPELINE_VERSION = "5"
# The exit status of a process stopped by the PARTNERBOT_TEST_KILL_AFTER_BATCHES hook (as a SIGKILL would show).
KILLED_EXIT = 137


@dataclass
class IngestReport:
    documents: int = 0
    added: int = 0
    unchanged: int = 0
    removed: int = 0
    facts: int = 0  # extracted from the documents read anew
    skipped: list[LoadError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # parts of ingested documents that were left out, and why
    seconds: float = 0.0

    def summary(self) -> str:
        line = (
            f"{self.documents} documents: {self.added} chunks added, {self.unchanged} unchanged, "
            f"{self.removed} removed, {self.facts} facts extracted in {self.seconds:.1f} s"
        )
        if self.skipped:
            line += f"; {len(self.skipped)} skipped:\n" + "\n".join(f"  - {err}" for err in self.skipped)
        if self.warnings:
            line += "\nkept in part:\n" + "\n".join(f"  - {warning}" for warning in self.warnings)
        return line


@dataclass
class _IndexedDocument:
    path: str
    hashes: set[str] = field(default_factory=set)
    ids: set[str] = field(default_factory=set)
    expected: int = 0

    def is_complete(self, doc_hash: str) -> bool:
        return self.hashes == {doc_hash} and len(self.ids) == self.expected


@dataclass
class _Plan:
    source: SourceFile
    doc_hash: str
    new: list[Chunk]
    kept: list[Chunk]
    stale: list[str]
    problems: list[str]  # what was left out of the document (pages OCR could not read, rows past the limit)
    text: str  # the cleaned text, which the facts are extracted from
    meta: DocumentMetadata
    starts: list[tuple[str, int]]  # (chunk id, start) of every passage, for the facts' provenance
    tables: list[Table] = field(default_factory=list)  # the document's tables (ingest/tables.py)


def ingest(
    paths: list[Path],
    settings: Settings,
    store: Store | None = None,
    reset: bool = False,
    on_progress: Progress | None = None,
    proposer: TextModel | None = None,
    worker: Worker | None = None,
) -> IngestReport:
    """Bring the index up to date with the documents under `paths`; a document removed from a folder given
    here loses its passages. The keyword index of the result is saved before this returns. A `proposer` (a model)
    may propose people the rules found without a role; see `ingest.facts.propose`. With a `worker`, files are read,
    passages embedded and facts extracted in its low-priority process, and written here."""
    started = time.perf_counter()
    store = store or Store(settings, reset=reset)
    progress = on_progress or (lambda stage, done, total: None)
    found = discover(paths)
    report = IngestReport(skipped=list(found.problems))
    indexed = _indexed_documents(store)
    fact_hashes = store.fact_hashes()
    limit = settings.store.facts_model_sentences if proposer is not None else 0
    # What the facts are extracted with: documents whose facts another recipe extracted are read again.
    recipe = f"{FACTS_VERSION}\x00{proposer.name}\x00{limit}" if proposer and limit else FACTS_VERSION
    recipe += f"\x00{PROGRAMMES_VERSION}\x00{settings.store.programme_prose_words}"
    claims_limit = settings.store.claims_model_sentences if proposer is not None and settings.store.claims else 0
    if settings.store.claims:
        recipe += f"\x00claims {CLAIMS_VERSION}"
        recipe += f"\x00{proposer.name}\x00{claims_limit}" if proposer and claims_limit else ""
    recipe += f"\x00tables {TABLES_VERSION}"  # the tables are written with the facts' record as their witness

    plans = []
    for done, source in enumerate(found.files, start=1):
        progress("reading", done - 1, len(found.files))
        doc_hash = _document_hash(source, settings)
        current = indexed.get(source.doc_id)
        complete = current is not None and current.is_complete(doc_hash)
        if complete and fact_hashes.get(source.doc_id) == facts_hash(doc_hash, recipe):
            report.documents += 1
            report.unchanged += len(current.ids)
            continue
        try:
            if worker is not None:
                plans.append(worker.run(_plan, source, doc_hash, current, settings, None))
            else:
                plans.append(_plan(source, doc_hash, current, settings, progress))
            report.warnings += plans[-1].problems
        except LoadError as exc:
            report.skipped.append(exc)
            continue
        report.documents += 1
    progress("reading", len(found.files), len(found.files))

    # The facts are extracted in a worker thread while the passages are embedded: both release the GIL in their
    # matrix products, and on two cores the encoder alone leaves a share of the CPU idle (measured in `make bench`).
    # With a worker, they are extracted there after the passages (a model proposer stays in this process).
    extractor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="extract-facts")
    documents: list[DocumentFacts] = []
    try:
        prose_words, claims = settings.store.programme_prose_words, settings.store.claims
        if worker is not None and proposer is None:
            extracted = [_Deferred(worker, plan, prose_words, claims) for plan in plans]
        else:
            extracted = [
                extractor.submit(_extract, plan, proposer, limit, prose_words, claims, claims_limit) for plan in plans
            ]
        new_chunks = [chunk for plan in plans for chunk in plan.new]
        embedded = 0
        progress("embedding", 0, len(new_chunks))
        for written, batch in enumerate(_batches(new_chunks, settings.store.embedding_batch_size * 4), start=1):
            store.add(batch, worker.embed([chunk.text for chunk in batch]) if worker is not None else None)
            if written == settings.store.test_kill_after_batches:
                os._exit(KILLED_EXIT)  # the test hook: a kill that lands between two writes
            embedded += len(batch)
            progress("embedding", embedded, len(new_chunks))
        store.update_metadata([chunk for plan in plans for chunk in plan.kept])
        store.delete([chunk_id for plan in plans for chunk_id in plan.stale])
        for plan in plans:
            store.tables.replace(plan.meta["doc_id"], plan.tables)
        # After the passages: an interrupted run leaves the documents' old facts with a stale record, and the next
        # run extracts them again.
        for done, (plan, future) in enumerate(zip(plans, extracted, strict=True)):
            progress("facts", done, len(plans))
            documents.append(DocumentFacts(plan.meta["doc_id"], facts_hash(plan.doc_hash, recipe), future.result()))
        progress("facts", len(plans), len(plans))
    finally:
        # An interrupted ingest does not wait for the documents still queued for extraction.
        extractor.shutdown(wait=False, cancel_futures=True)
    if documents:
        store.replace_facts(documents)
    for plan, document in zip(plans, documents, strict=True):
        report.added += len(plan.new)
        report.unchanged += len(plan.kept)
        report.facts += sum(fact.type != "claim" for fact in document.facts)

    seen = {source.doc_id for source in found.files}
    for doc_id, doc in indexed.items():
        if doc_id not in seen and any(Path(doc.path).is_relative_to(d) for d in found.scanned_dirs):
            store.delete(sorted(doc.ids))
            store.delete_facts(doc_id)
            store.tables.delete(doc_id)
            report.removed += len(doc.ids)

    # Built now, so that no search waits for it, and saved, so that other processes load it.
    store.lexical(refresh=True)
    report.seconds = time.perf_counter() - started
    return report


def remove_documents(store: Store, doc_ids: set[str]) -> int:
    """Delete the passages and facts of these documents (the files of a cancelled upload, which may have been written
    in part); returns how many passages went. The keyword index of the result is saved."""
    ids = sorted(chunk_id for chunk_id, meta in store.metadatas().items() if meta["doc_id"] in doc_ids)
    store.delete(ids)
    for doc_id in doc_ids:
        store.delete_facts(doc_id)
    store.lexical(refresh=True)
    return len(ids)


class _Deferred:
    """A document's facts, extracted in the worker when asked for."""

    def __init__(self, worker: Worker, plan: _Plan, prose_words: int, claims: bool):
        self.worker, self.plan, self.prose_words, self.claims = worker, plan, prose_words, claims

    def result(self) -> list[Fact]:
        return self.worker.run(_extract, self.plan, None, 0, self.prose_words, self.claims)


def _extract(
    plan: _Plan, proposer: TextModel | None, limit: int, prose_words: int, claims: bool, claims_limit: int = 0
) -> list[Fact]:
    """The document's facts, each dated by the e-mail message stating it, the days of its programme, and (with
    `claims`) who did what, sentence by sentence; the `proposer` may propose people (`limit` sentences) and claims
    (`claims_limit` sentences)."""
    meta = plan.meta
    facts: list[Fact] = extract_facts(
        plan.text, meta["doc_id"], meta["title"], meta["date"], meta["language"], plan.starts, proposer, limit
    )
    days = extract_programme(plan.text, meta["doc_id"], meta["title"], meta["date"], plan.starts, prose_words)
    found: list[Fact] = [*dated_by_message(facts, plan.text, plan.starts), *days]
    if claims:
        found += extract_claims(
            plan.text,
            meta["doc_id"],
            meta["title"],
            meta["date"],
            meta["language"],
            plan.starts,
            facts,
            proposer,
            claims_limit,
        )
    return found


def _indexed_documents(store: Store) -> dict[str, _IndexedDocument]:
    documents: dict[str, _IndexedDocument] = {}
    for chunk_id, meta in store.metadatas().items():
        doc = documents.setdefault(meta["doc_id"], _IndexedDocument(path=meta["path"]))
        doc.hashes.add(meta["doc_hash"])
        doc.ids.add(chunk_id)
        doc.expected = meta["n_chunks"]
    return documents


def facts_hash(doc_hash: str, recipe: str) -> str:
    """What a document's facts were extracted from: its text and recipe, and the extraction's own."""
    return hashlib.sha256(f"{doc_hash}\x00{recipe}".encode()).hexdigest()


def _document_hash(source: SourceFile, settings: Settings) -> str:
    digest = hashlib.sha256(source.path.read_bytes())
    store = settings.store
    # OCR's languages and resolution change what a scanned page reads as; the OCR output itself is not hashed.
    recipe = [
        PIPELINE_VERSION,
        store.chunk_size,
        store.chunk_overlap,
        source.manifest_entry,
        store.ocr_languages,
        store.ocr_dpi,
    ]
    digest.update(json.dumps(recipe, sort_keys=True).encode())
    return digest.hexdigest()


def _plan(
    source: SourceFile, doc_hash: str, current: _IndexedDocument | None, settings: Settings, progress: Progress | None
) -> _Plan:
    on_page = (lambda done, total: progress("ocr", done, total)) if progress else None
    options = LoadOptions.from_settings(settings.store, on_page=on_page)
    loaded = load_file(source.path, options)
    if loaded.ocr:
        save_ocr_words(settings.store.ocr_dir / f"{doc_hash}.json", loaded.ocr)
    text, page_starts = join_parts(loaded.parts)
    paged = page_starts if loaded.paged else None  # a one-page PDF has a page 1; a text file has no pages
    passages = split_text(text, settings.store.chunk_size, settings.store.chunk_overlap, paged)
    meta = document_metadata(source, text, loaded.title)
    chunks = [
        Chunk(
            id=chunk_id,
            text=p.text,
            metadata=ChunkMetadata(
                **meta,
                doc_hash=doc_hash,
                chunk_index=i,
                n_chunks=len(passages),
                start=p.start,
                end=p.end,
                page=p.page or 0,
                **_ocr_metadata(loaded, page_starts, p.start, p.end),
            ),
        )
        for i, (chunk_id, p) in enumerate(zip(chunk_ids(source.doc_id, passages), passages, strict=True))
    ]
    tables, table_problems = document_tables(source.path, options, meta, text, chunks)
    existing = current.ids if current else set()
    new_ids = {c.id for c in chunks}
    return _Plan(
        source=source,
        doc_hash=doc_hash,
        problems=[f"{source.doc_id}: {problem}" for problem in [*loaded.problems, *table_problems]],
        new=[c for c in chunks if c.id not in existing],
        kept=[c for c in chunks if c.id in existing],
        stale=sorted(existing - new_ids),
        text=text,
        meta=meta,
        starts=[(c.id, c.metadata["start"]) for c in chunks],
        tables=tables,
    )


def _ocr_metadata(loaded: LoadedText, page_starts: list[int], start: int, end: int) -> dict:
    """A passage that holds words of a page read by OCR says so, with Tesseract's mean confidence (0-100) for the
    least sure of its pages."""
    first, last = bisect_right(page_starts, start) - 1, bisect_right(page_starts, max(start, end - 1)) - 1
    read = [loaded.ocr[i].confidence for i in range(first, last + 1) if i in loaded.ocr]
    return {"ocr": True, "ocr_confidence": round(min(read), 1)} if read else {}


def _batches(chunks: list[Chunk], size: int) -> Iterator[list[Chunk]]:
    for start in range(0, len(chunks), size):
        yield chunks[start : start + size]
