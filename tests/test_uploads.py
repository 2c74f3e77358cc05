"""Uploads and what they may cost: office files bounded before parsing, a time budget a file, refused files gone,
indexing in a low-priority worker that can be followed and cancelled, kills between writes on purpose.

Every document here is fictional and made by the test."""

from __future__ import annotations

import time
import tracemalloc
import zipfile
from pathlib import Path

import pytest

from core.errors import LoadError
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
    return f'<w:document {_W}><w:body><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:body></w:document>'.encode()


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

