"""Scanned PDFs read by Tesseract, slides and spreadsheets, and what goes wrong with them.

The scans are made here from known fictional text (typed, printed to pixels, noised, skewed, turned a quarter), so
the share of words read back is measured, not eyeballed.
"""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import datetime
from pathlib import Path

import openpyxl
import pytesseract
import pytest
from PIL import Image
from pptx import Presentation
from pptx.util import Inches
from pypdf import PdfReader, PdfWriter

from bench.scans import noise_page, save_scan, scan, typed_pdf, words_recognised
from bot import Bot
from bot.answer import Citation
from core.errors import LoadError
from core.settings import Settings
from ingest import ocr
from ingest.loaders import LoadOptions, load_file
from ingest.pipeline import ingest
from service.chat import ChatService
from store.pages import PageView
from store.store import Store

FR_AGREEMENT = (
    "Document fictif créé pour les tests. Déclaration d'intention entre l'Institut Polytechnique de Norvelle et "
    "l'Agence Norvelle Export.\n\n"
    "La déclaration a été signée à Norvelle le 12 février 2031 par Mme Odile Ferrat, directrice de l'Institut, et "
    "par M. Hugo Bertin, chargé de mission Asie. Les parties organiseront un voyage d'études en mai 2031."
)
EN_MOU = (
    "Fictional document created for testing. Memorandum of understanding between the Coastal Institute of Data "
    "Science and the Lumen consortium.\n\n"
    "It was signed in Chennai on 3 March 2031 by Prof. Tara Menon, Director of the Institute. The parties will hold "
    "a joint summer school in July 2031 and exchange researchers."
)
TYPED_PAGE = " ".join(
    f"Fictional document created for testing. Paragraph {n} of this first page is typed: it has a text layer."
    for n in range(1, 9)
)
OPTIONS = LoadOptions(max_bytes=10**8)


def options(**changes) -> LoadOptions:
    return LoadOptions(**{**OPTIONS.__dict__, **changes})


@pytest.fixture(scope="module")
def scans(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("scans")
    save_scan(scan(typed_pdf([FR_AGREEMENT]), noise=0.01, skew=1.5, seed=1), folder / "accord-2031-02-12.pdf")
    save_scan(scan(typed_pdf([EN_MOU]), noise=0.01, turn=90, seed=2), folder / "mou-2031-03-03.pdf")
    # A typed first page and a scanned second one.
    mixed = PdfWriter()
    for page in PdfReader(io.BytesIO(typed_pdf([TYPED_PAGE]))).pages:
        mixed.add_page(page)
    scanned = save_scan(scan(typed_pdf([EN_MOU]), seed=3), folder.parent / "page2.pdf")
    mixed.add_page(PdfReader(scanned).pages[0])
    with open(folder / "mixed.pdf", "wb") as out:
        mixed.write(out)
    return folder


@pytest.mark.integration
def test_scanned_pages_are_read_in_french_and_english_noised_skewed_or_turned(scans):
    french = load_file(scans / "accord-2031-02-12.pdf", OPTIONS)
    english = load_file(scans / "mou-2031-03-03.pdf", OPTIONS)
    assert words_recognised(FR_AGREEMENT, french.text) >= 0.95  # accents included: "créé", "février", "chargé"
    assert words_recognised(EN_MOU, english.text) >= 0.95
    assert english.ocr[0].rotation == 90 and english.ocr[0].confidence > 80
    assert french.problems == [] and english.problems == []
    mixed = load_file(scans / "mixed.pdf", OPTIONS)
    assert list(mixed.ocr) == [1] and mixed.parts[0].startswith(
        "Fictional document created for testing. Paragraph 1 of this first"
    )


@pytest.fixture(scope="module")
def indexed(scans, tmp_path_factory, embedder) -> tuple[ChatService, list[str]]:
    """The scans indexed, and the stages the ingest reported."""
    settings = Settings(data_dir=tmp_path_factory.mktemp("ocr-index") / "data", chroma_url=None)
    store = Store(settings, embedder=embedder)
    stages: list[str] = []
    ingest([scans], settings, store=store, on_progress=lambda stage, done, total: stages.append(stage))
    return ChatService(settings, store, Bot(settings, store)), stages


@pytest.mark.integration
def test_a_scanned_agreement_is_indexed_answered_from_and_marked_as_read_by_ocr(scans, indexed):
    service, stages = indexed
    settings, store = service.settings, service.store
    assert "ocr" in stages
    mixed = [c for c in store.chunks() if c.metadata["doc_id"] == "mixed.pdf"]
    assert all(c.metadata.get("ocr", False) == ("Chennai" in c.text or "Memorandum" in c.text) for c in mixed)
    assert any(not c.metadata.get("ocr") for c in mixed) and any(c.metadata.get("ocr") for c in mixed)
    assert all(c.metadata["ocr"] for c in store.chunks() if c.metadata["doc_id"] == "accord-2031-02-12.pdf")
    assert len(list(settings.store.ocr_dir.glob("*.json"))) == 3  # the words' boxes, for showing the cited page

    answer = service.ask("Quand la déclaration d'intention a-t-elle été signée ?")
    assert "12 février 2031" in answer.direct
    cited = answer.citations[0]
    assert cited.doc_id == "accord-2031-02-12.pdf" and cited.ocr and cited.ocr_confidence > 80
    assert "read by OCR" in service.sources(answer)[0][0]

    stages.clear()
    again = ingest([scans], settings, store=store, on_progress=lambda stage, done, total: stages.append(stage))
    assert again.added == 0 and "ocr" not in stages  # the file's hash decides: an unchanged scan is not read again


def _read_in(view: PageView, box: tuple[int, int, int, int]) -> str:
    """What Tesseract reads inside a highlighted box of the page shown, highlight and all."""
    return pytesseract.image_to_string(view.image.crop(box), lang="fra+eng", config="--psm 6")


@pytest.mark.integration
def test_the_cited_page_is_shown_with_the_highlight_over_the_quoted_words(indexed):
    service, _ = indexed
    answer = service.ask("Quand la déclaration d'intention a-t-elle été signée ?")
    scanned = service.cited_page(answer.citations[0])
    assert scanned is not None and scanned.ocr and scanned.page == 1 and scanned.boxes
    read = " ".join(_read_in(scanned, box) for box in scanned.boxes)
    assert words_recognised(answer.citations[0].quote, read) >= 0.8

    typed = next(c for c in service.store.chunks() if c.metadata["doc_id"] == "mixed.pdf" and not c.metadata.get("ocr"))
    quote = "Paragraph 2 of this first page is typed: it has a text layer."
    citation = Citation(doc_id="mixed.pdf", title="", chunk_id=typed.id, text=typed.text, score=1, quote=quote, page=1)
    view = service.cited_page(citation)
    assert view is not None and not view.ocr and len(view.boxes) <= 2  # one line, or two when the line wraps
    assert words_recognised(quote, " ".join(_read_in(view, box) for box in view.boxes)) >= 0.8
    assert words_recognised("Paragraph 5", " ".join(_read_in(view, box) for box in view.boxes)) < 1

    text_only = Citation(doc_id="x.md", title="", chunk_id=typed.id, text="", score=1, quote=quote, page=0)
    assert service.cited_page(text_only) is None  # not on a page


@pytest.mark.integration
def test_bad_scans_end_with_a_clear_message_or_a_bounded_result(tmp_path, monkeypatch):
    noise = save_scan([noise_page()], tmp_path / "noise.pdf")
    with pytest.raises(LoadError, match="page 1: no text was recognised"):
        load_file(noise, OPTIONS)

    # 200 pages of images: two real ones, then small blank sheets; only the first two are read.
    pages = scan(typed_pdf([FR_AGREEMENT, EN_MOU]), dpi=150) + [Image.new("L", (120, 170), 255)] * 198
    long_scan = save_scan(pages, tmp_path / "long.pdf", dpi=150)
    read = load_file(long_scan, options(ocr_max_pages=2))
    assert sorted(read.ocr) == [0, 1] and "Norvelle" in read.text and "Chennai" in read.text
    assert read.problems == [
        "pages 3-200 were not read: at most 2 pages of a document are read by OCR (PARTNERBOT_OCR_MAX_PAGES)"
    ]

    good_then_noise = save_scan([*scan(typed_pdf([EN_MOU])), noise_page()], tmp_path / "half.pdf")
    half = load_file(good_then_noise, OPTIONS)
    assert "Chennai" in half.text and half.problems == ["page 2: no text was recognised on it"]

    writer = PdfWriter(clone_from=io.BytesIO(typed_pdf([TYPED_PAGE])))
    writer.encrypt("secret")
    locked = tmp_path / "locked.pdf"
    writer.write(locked)
    with pytest.raises(LoadError, match="password-protected"):
        load_file(locked, OPTIONS)

    monkeypatch.setattr(ocr, "available", lambda: False)  # a machine without Tesseract
    with pytest.raises(LoadError, match="Tesseract is not installed"):
        load_file(noise, OPTIONS)


def _presentation(path: Path) -> Path:
    deck = Presentation()
    first = deck.slides.add_slide(deck.slide_layouts[1])
    first.shapes.title.text = "Programme du voyage d'études (document fictif)"
    first.shapes.placeholders[1].text_frame.text = "Visite du campus de Norvelle le 12 mai 2031"
    first.notes_slide.notes_text_frame.text = "Note de l'orateur : le départ est prévu à 8 h."
    second = deck.slides.add_slide(deck.slide_layouts[5])
    second.shapes.title.text = "Participants"
    table = second.shapes.add_table(3, 2, Inches(1), Inches(2), Inches(6), Inches(2)).table
    for r, row in enumerate([["Nom", "Rôle"], ["Odile Ferrat", "directrice"], ["Ravi Kannan", "Dean of Research"]]):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    deck.save(path)
    return path


@pytest.mark.integration
def test_slides_and_spreadsheets_read_as_sentences_the_facts_can_use(tmp_path, embedder):
    folder = tmp_path / "docs"
    folder.mkdir()
    slides = load_file(_presentation(folder / "programme.pptx"), OPTIONS)
    assert len(slides.parts) == 2 and "Note de l'orateur : le départ est prévu à 8 h." in slides.parts[0]
    assert "Nom: Odile Ferrat; Rôle: directrice." in slides.parts[1]

    workbook = openpyxl.Workbook()
    people = workbook.active
    people.title = "Participants"
    people.append(["Nom", "Rôle", "Organisation"])
    people.append(["Odile Ferrat", "directrice", "Institut Polytechnique de Norvelle"])
    people.append(["Ravi Kannan", "Dean of Research", "Coastal Institute of Data Science"])
    schedule = workbook.create_sheet("Programme")
    schedule.append(["Date", "Activité", "Lieu"])
    schedule.append([datetime(2031, 5, 12), "Visite du campus (document fictif)", "Norvelle"])
    workbook.save(folder / "participants.xlsx")
    sheets = load_file(folder / "participants.xlsx", OPTIONS)
    assert (
        sheets.parts[1]
        == "Programme\n\nDate: 2031-05-12; Activité: Visite du campus (document fictif); Lieu: Norvelle."
    )
    (folder / "contacts.csv").write_text("Nom;Fonction\nInès Calvo;responsable des partenariats\n", encoding="utf-8")
    assert (
        load_file(folder / "contacts.csv", OPTIONS).text == "Nom: Inès Calvo; Fonction: responsable des partenariats."
    )

    settings = Settings(data_dir=tmp_path / "data", chroma_url=None)
    store = Store(settings, embedder=embedder)
    report = ingest([folder], settings, store=store)
    assert report.skipped == [] and report.warnings == []
    facts = store.facts()
    [ravi] = [p for p in facts.find_people("Ravi Kannan") if p.doc_id == "participants.xlsx"]
    assert (ravi.role, ravi.organisation) == ("Dean of Research", "Coastal Institute of Data Science")
    assert facts.find_people("Inès Calvo")[0].role == "responsable des partenariats"


@pytest.mark.integration
def test_bad_office_files_end_with_a_clear_message_or_a_bounded_result(tmp_path):
    renamed = tmp_path / "slides.pptx"
    with zipfile.ZipFile(renamed, "w") as archive:
        archive.writestr("notes.txt", "not a presentation")
    with pytest.raises(LoadError, match="not a PowerPoint presentation"):
        load_file(renamed, OPTIONS)

    big = tmp_path / "big.csv"
    with open(big, "w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["Nom", "Ville"])
        writer.writerows([f"Personne {n}", "Norvelle"] for n in range(100_000))
    kept = load_file(big, options(max_sheet_rows=500))
    assert kept.text.count("\n") == 499 and kept.problems == [
        "only the first 500 rows were kept (PARTNERBOT_MAX_SHEET_ROWS)"
    ]

    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("Rows")
    sheet.append(["Nom", "Ville"])
    for n in range(100_000):
        sheet.append([f"Personne {n}", "Norvelle"])
    workbook.save(tmp_path / "big.xlsx")
    sheets = load_file(tmp_path / "big.xlsx", options(max_sheet_rows=500))
    assert sheets.parts[0].count("\n") == 501 and "PARTNERBOT_MAX_SHEET_ROWS" in sheets.problems[0]
