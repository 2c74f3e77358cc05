"""Uploads and what they may cost: office files bounded before parsing, a time budget a file, refused files gone,
indexing in a low-priority worker that can be followed and cancelled, kills between writes on purpose.

Every document here is fictional and made by the test."""

from __future__ import annotations

import time
import tracemalloc
import zipfile
from pathlib import Path

import pytest

from bench.synthetic import fictional_report
from core.errors import LoadError, PartnerbotError
from core.settings import Settings
from ingest.loaders import LoadOptions, load_file

_W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def write_docx(path: Path, document_xml: bytes, comment_bytes: int = 0) -> None:
    """A minimal DOCX; `comment_bytes` of comment streamed into its document.xml at the highest compression."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("word/document.xml", "w") as part:
            part.write(document_xml)
            if comment_bytes:
                part.write(b"<!--")
                block = b" " * 1_000_000
                for _ in range(comment_bytes // len(block)):
                    part.write(block)
                part.write(b"-->")


def body(text: str) -> bytes:
    return f"<w:document {_W}><w:body><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:body></w:document>".encode()


OPTIONS = LoadOptions.from_settings(Settings().store)


@pytest.mark.unit
def test_a_docx_bomb_is_refused_from_its_zip_directory_quickly_and_in_little_memory(tmp_path):
    bomb = tmp_path / "bomb.docx"
    write_docx(bomb, body("Compte rendu fictif."), comment_bytes=400_000_000)
    assert bomb.stat().st_size < 1_000_000  # 400 MB of comment in well under a megabyte

    tracemalloc.start()
    started = time.perf_counter()
    with pytest.raises(LoadError) as refused:
        load_file(bomb, OPTIONS)
    seconds = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()

    assert "word/document.xml expands to 400 MB" in refused.value.reason
    assert "PARTNERBOT_MAX_ZIP_ENTRY_MB" in refused.value.reason
    assert seconds < 1 and peak < 20_000_000, (seconds, peak)


@pytest.mark.unit
@pytest.mark.parametrize(
    ("overrides", "setting"),
    [
        ({"max_zip_entry_mb": 100, "max_zip_ratio": 100}, "PARTNERBOT_MAX_ZIP_RATIO"),
        ({"max_zip_entry_mb": 100, "max_zip_ratio": 10_000, "max_unzipped_mb": 2}, "PARTNERBOT_MAX_UNZIPPED_MB"),
    ],
)
def test_each_bound_names_its_setting(tmp_path, overrides, setting):
    bomb = tmp_path / "fiche.docx"
    write_docx(bomb, body("Fiche fictive."), comment_bytes=3_000_000)
    with pytest.raises(LoadError, match=setting):
        load_file(bomb, LoadOptions.from_settings(Settings(**overrides).store))


@pytest.mark.unit
def test_a_docx_that_declares_entities_is_refused_not_expanded(tmp_path):
    laughs = (
        '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "hahahahahahahahahaha">'
        '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>'
    )
    write_docx(tmp_path / "laughs.docx", laughs.encode() + body("&c;"))
    with pytest.raises(LoadError, match="declares XML entities"):
        load_file(tmp_path / "laughs.docx", OPTIONS)


@pytest.mark.unit
def test_a_plain_docx_still_reads_with_its_paragraphs(tmp_path):
    write_docx(tmp_path / "note.docx", body("La réunion fictive de Nordvik a lieu le 3 mars 2026."))
    assert "3 mars 2026" in load_file(tmp_path / "note.docx", OPTIONS).text


@pytest.mark.unit
def test_a_file_that_takes_longer_than_its_budget_is_refused_by_name(tmp_path):
    rows = tmp_path / "inventaire.csv"
    rows.write_text("nom;lieu\n" + "".join(f"Objet fictif {n};Salle {n % 40}\n" for n in range(300_000)))
    options = LoadOptions.from_settings(Settings(file_seconds=0.05, max_sheet_rows=1_000_000).store)
    started = time.perf_counter()
    with pytest.raises(LoadError, match=r"took more than 0.05 s \(PARTNERBOT_FILE_SECONDS\)"):
        load_file(rows, options)
    assert time.perf_counter() - started < 1


# --- uploads through the service -------------------------------------------------------------------------------


@pytest.fixture
def service(make_settings, make_store):
    from bot import Bot
    from service import ChatService

    # Batches of 4 passages: progress to follow, a cancel between. The worker at normal priority: what its priority
    # does to answers is the bench's to measure, and at nice 19 it would wait behind any other work of the machine.
    settings = make_settings(embedding_batch_size=1, upload_nice=0)
    store = make_store(settings)
    return ChatService(settings, store, Bot(settings, store))


def fictional_note(path: Path, text: str = "La réunion fictive de l'Agence Ostrea aura lieu le 3 mars 2026.") -> Path:
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.integration
def test_refused_uploads_are_deleted_named_by_file_never_reported_again_and_temporary_files_go(service, tmp_path):
    empty = tmp_path / "vide.txt"
    empty.write_text("", encoding="utf-8")
    fake = tmp_path / "rapport.pdf"
    fake.write_text("je ne suis pas un PDF", encoding="utf-8")

    first = service.add_documents([(empty, "vide.txt"), (fake, "rapport.pdf")]).summary()

    assert "Added" not in first
    assert "Refused vide.txt: the file is empty" in first and "Refused rapport.pdf: not a PDF" in first
    assert str(service.settings.store.data_dir) not in first and str(tmp_path) not in first
    uploads = service.settings.store.documents_dir / "uploads"
    assert list(uploads.iterdir()) == []

    incoming = service.settings.store.incoming_dir / "4f2a"  # where the app's web server put the upload
    incoming.mkdir(parents=True)
    outside = fictional_note(tmp_path / "ailleurs.txt")
    second = service.add_documents([(fictional_note(incoming / "note.txt"), "note.txt"), (outside, "ailleurs.txt")])

    assert second.summary().startswith("Added 2 file(s): 2 passages added")
    assert "vide" not in second.summary() and "rapport" not in second.summary()
    assert sorted(p.name for p in uploads.iterdir()) == ["ailleurs.txt", "note.txt"]
    assert not incoming.exists()  # the temporary file, and the folder made for it, once indexed
    assert outside.exists()  # a file outside the upload folder is not the app's to delete


@pytest.mark.integration
def test_an_upload_is_indexed_in_the_background_one_batch_per_person_and_can_be_cancelled(service, tmp_path, embedder):
    long_report = fictional_note(tmp_path / "comptes-rendus.txt", fictional_report(12, seed=3))
    embedded_here = embedder.embedded
    first = service.start_upload([(long_report, "comptes-rendus.txt")], owner="ana")

    with pytest.raises(PartnerbotError, match=r"comptes-rendus\.txt is still being indexed"):
        service.start_upload([(fictional_note(tmp_path / "autre.txt"), "autre.txt")], owner="ana")
    other = service.start_upload([(fictional_note(tmp_path / "note.txt"), "note.txt")], owner="ben")
    assert "Waiting for another upload" in other.status()

    seen = set()
    deadline = time.monotonic() + 120
    while first.stage != "embedding" or first.done == 0:  # cancelled once some passages are written
        assert time.monotonic() < deadline and not first.finished.is_set(), first.status()
        seen.add(first.stage)
        time.sleep(0.05)
    assert first.status().startswith("Indexing comptes-rendus.txt: passages ")
    assert service.cancel_upload("ana") and not service.cancel_upload("nobody")
    assert first.finished.wait(120) and other.finished.wait(120)

    assert first.status() == "Cancelled: comptes-rendus.txt not added."
    assert other.status().startswith("Added 1 file(s)")
    assert {d["doc_id"] for d in service.documents()} == {"uploads/note.txt"}  # nothing of the cancelled file
    assert [p.name for p in (service.settings.store.documents_dir / "uploads").iterdir()] == ["note.txt"]
    assert embedder.embedded == embedded_here  # the passages were embedded by the worker, not by the app
    assert "3 mars 2026" in service.ask("Quand aura lieu la réunion fictive de l'Agence Ostrea ?").answer
    print(f"stages seen before the cancellation: {sorted(seen)}")
