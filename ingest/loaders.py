"""Read a document file into text, with the parsers LangChain's loaders wrap (pypdf, docx2txt, bs4), pdfium and
Tesseract for scanned pages, python-pptx for slides, openpyxl and the csv module for spreadsheets."""

from __future__ import annotations

import csv
import io
import json
import re
import signal
import threading
import zipfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pypdfium2 as pdfium
from bs4 import BeautifulSoup
from charset_normalizer import from_bytes
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring as defused_fromstring
from docx2txt.docx2txt import xml2text
from pypdf import PdfReader
from pypdf.errors import PyPdfError

from core.errors import LoadError
from core.settings import StoreSettings
from ingest import ocr
from ingest.layout import join_pages, page_furniture, reflow

# A page with fewer letters than this in its text layer is a scan (at most a stamp or a page number on it).
_MIN_LETTERS = 20
_LETTER = re.compile(r"[^\W\d_]")
# Parts of an office file that expand to less than this are not held to the compression ratio: whatever their ratio,
# they cost nothing (a small XML part of repeated tags compresses over 100 times).
_RATIO_FROM_BYTES = 1_000_000
# The parts of a DOCX that hold its text, in reading order (what docx2txt reads, without the images).
_DOCX_PARTS = re.compile(r"word/(header\d*|document|footer\d*)\.xml")

# Signatures of formats that are never plain text, to name what a mislabelled file really is.
_BINARY_MAGIC = {
    b"%PDF": "a PDF",
    b"PK\x03\x04": "a ZIP/Office file",
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"GIF8": "a GIF image",
    b"\x7fELF": "an executable",
}


@dataclass(frozen=True)
class LoadOptions:
    """How files are read; see `StoreSettings` for why each limit is what it is."""

    max_bytes: int
    ocr_languages: str = "fra+eng"
    ocr_dpi: int = 300
    ocr_page_seconds: float = 60.0
    ocr_max_pages: int = 100
    max_sheet_rows: int = 2_000
    max_unzipped_bytes: int = 200_000_000
    max_zip_entry_bytes: int = 100_000_000
    max_zip_ratio: float = 100.0
    file_seconds: float = 120.0
    on_page: Callable[[int, int], None] | None = None  # OCR progress: (pages read, pages to read)

    @classmethod
    def from_settings(cls, store: StoreSettings, on_page: Callable[[int, int], None] | None = None) -> LoadOptions:
        return cls(
            max_bytes=int(store.max_file_mb * 1_000_000),
            ocr_languages=store.ocr_languages,
            ocr_dpi=store.ocr_dpi,
            ocr_page_seconds=store.ocr_page_seconds,
            ocr_max_pages=store.ocr_max_pages,
            max_sheet_rows=store.max_sheet_rows,
            max_unzipped_bytes=int(store.max_unzipped_mb * 1_000_000),
            max_zip_entry_bytes=int(store.max_zip_entry_mb * 1_000_000),
            max_zip_ratio=store.max_zip_ratio,
            file_seconds=store.file_seconds,
            on_page=on_page,
        )


@dataclass
class LoadedText:
    # One part per page for a PDF and per slide for a presentation (so passages can cite them), per sheet for a
    # workbook, a single part otherwise.
    parts: list[str]
    title: str | None = None
    ocr: dict[int, ocr.OcrPage] = field(default_factory=dict)  # part index -> the page as Tesseract read it
    problems: list[str] = field(default_factory=list)  # what was left out of a document that was kept
    paged: bool = False  # parts are pages (PDF) or slides, which citations name

    @property
    def text(self) -> str:
        return "\n\n".join(self.parts)


# What a reader is given: the file's path, its bytes and the options; what it returns: the text, in parts.
ReadFile = Callable[[Path, bytes, LoadOptions], LoadedText]


@dataclass(frozen=True)
class Format:
    """A file format the loaders read: the function that reads it, and what the loader checks before. A new format is
    one function registered with `@reads(".ext", ...)`."""

    read: ReadFile
    zipped: bool = False  # an office file: its zip directory is checked against the bounds before any parsing
    budgeted: bool = True  # read under `PARTNERBOT_FILE_SECONDS` (a PDF budgets its text layer itself, not its OCR)


FORMATS: dict[str, Format] = {}


def reads(*suffixes: str, zipped: bool = False, budgeted: bool = True) -> Callable[[ReadFile], ReadFile]:
    """Registers a reader for files with these suffixes."""

    def register(read: ReadFile) -> ReadFile:
        for suffix in suffixes:
            FORMATS[suffix] = Format(read, zipped, budgeted)
        return read

    return register


def check_supported(path: Path) -> None:
    if path.suffix.lower() not in SUPPORTED_SUFFIXES:
        raise LoadError(
            path, f"unsupported file type '{path.suffix or '(none)'}'; supported: {', '.join(SUPPORTED_SUFFIXES)}"
        )


def load_file(path: Path, options: LoadOptions | int) -> LoadedText:
    """The text of a document file (`options` may be just the size limit in bytes). Raises LoadError."""
    options = LoadOptions(max_bytes=options) if isinstance(options, int) else options
    max_bytes = options.max_bytes
    check_supported(path)
    suffix = path.suffix.lower()
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise LoadError(
                path, f"{size / 1e6:.1f} MB is over the {max_bytes / 1e6:.1f} MB limit (PARTNERBOT_MAX_FILE_MB)"
            )
        data = path.read_bytes()
    except OSError as exc:
        raise LoadError(path, f"cannot read the file: {exc.strerror or exc}") from exc
    if not data.strip():
        raise LoadError(path, "the file is empty")

    form = FORMATS[suffix]
    if form.zipped:
        check_archive(path, data, options)
    if form.budgeted:
        with time_budget(path, options.file_seconds):
            loaded = form.read(path, data, options)
    else:
        loaded = form.read(path, data, options)
    if not loaded.text.strip():
        raise LoadError(path, "no text could be extracted from the file")
    return loaded


class _OverBudget(BaseException):
    """Raised by the timer inside a parser; a BaseException, so that no parser's `except Exception` swallows it."""


@contextmanager
def time_budget(path: Path, seconds: float) -> Iterator[None]:
    """Stop reading the file after `seconds` with a LoadError. A timer signal interrupts Python code, so this works
    in a process's main thread (the CLI, the upload worker); elsewhere the file is read without a budget."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def expired(signum: int, frame: object) -> None:
        raise _OverBudget

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    except _OverBudget:
        raise LoadError(path, f"reading it took more than {seconds:g} s (PARTNERBOT_FILE_SECONDS)") from None
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def check_archive(path: Path, data: bytes, options: LoadOptions) -> None:
    """Refuse an office file (a zip archive) whose directory says it expands past the bounds, before any parser
    reads it. Python's zipfile never inflates a part past the size its directory gives, so the bounds hold."""
    kind = path.suffix.lstrip(".").upper()
    if not data.startswith(b"PK"):
        raise LoadError(path, f"not a {kind} (the content is not a ZIP archive): check the file extension")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, ValueError) as exc:
        raise LoadError(path, f"corrupt or truncated {kind} ({type(exc).__name__}: {exc})") from exc
    for part in parts:
        if part.file_size > options.max_zip_entry_bytes:
            raise LoadError(
                path,
                f"its part {part.filename} expands to {part.file_size / 1e6:,.0f} MB, over the "
                f"{options.max_zip_entry_bytes / 1e6:g} MB limit of one part (PARTNERBOT_MAX_ZIP_ENTRY_MB)",
            )
        ratio = part.file_size / max(part.compress_size, 1)
        if part.file_size > _RATIO_FROM_BYTES and ratio > options.max_zip_ratio:
            raise LoadError(
                path,
                f"its part {part.filename} is compressed {ratio:,.0f} times, over the limit of "
                f"{options.max_zip_ratio:g} (PARTNERBOT_MAX_ZIP_RATIO): not a document's text",
            )
    total = sum(part.file_size for part in parts)
    if total > options.max_unzipped_bytes:
        raise LoadError(
            path,
            f"it expands to {total / 1e6:,.0f} MB, over the {options.max_unzipped_bytes / 1e6:g} MB limit "
            "(PARTNERBOT_MAX_UNZIPPED_MB)",
        )


@reads(".txt", ".md", ".markdown")
def _load_text(path: Path, data: bytes, options: LoadOptions) -> LoadedText:
    return LoadedText([_decode_text(path, data)])


def _decode_text(path: Path, data: bytes) -> str:
    for magic, kind in _BINARY_MAGIC.items():
        if data.startswith(magic):
            raise LoadError(path, f"the content is {kind}, not text: check the file extension")
    if b"\x00" in data[:8192]:
        raise LoadError(path, "the file is binary, not text")
    # UTF-8 first; then Windows-1252, the usual legacy encoding of French text, which statistical
    # detection confuses with Central European code pages on short files; then detection.
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    best = from_bytes(data).best()
    if best is None:
        raise LoadError(path, "the file is not readable text in any known encoding")
    return str(best)


# Page chrome, not content: navigation, banners, sidebars, footers, forms and cookie notices.
_CHROME_TAGS = ["nav", "aside", "footer", "form", "button", "dialog"]
_CHROME_ROLES = re.compile(r"^(navigation|banner|contentinfo|complementary|dialog|alertdialog|search)$")
_CHROME_NAMES = re.compile(r"cookie|consent|gdpr|banner|breadcrumb|sidebar|share|social|newsletter-signup|menu|navbar")


@reads(".html", ".htm")
def _load_html(path: Path, data: bytes, options: LoadOptions) -> LoadedText:
    soup = BeautifulSoup(_decode_text(path, data), "html.parser")
    title = soup.title.get_text(strip=True) if soup.title else None
    # Scripts, styles and templates are code, not content: they must never reach the index.
    for tag in soup(["head", "script", "style", "noscript", "template", "iframe", "svg"]):
        tag.decompose()
    # The page's own content, when it says where it is; otherwise the body without its chrome.
    content = soup.find("main") or soup.find("article") or soup.body or soup
    for tag in content.find_all(_CHROME_TAGS):
        tag.decompose()
    for tag in content.find_all(True):
        if tag.decomposed:
            continue
        names = " ".join([tag.get("id") or "", *(tag.get("class") or [])])
        if _CHROME_ROLES.match(tag.get("role") or "") or (_CHROME_NAMES.search(names.lower()) and tag.name != "body"):
            tag.decompose()
    return LoadedText([content.get_text("\n")], title=title or None)


def _read_pdf(path: Path, data: bytes) -> tuple[list[list[str]], str | None]:
    """The lines of each page's text layer, and the document's title."""
    if not data.startswith(b"%PDF"):
        raise LoadError(path, "not a PDF (the content does not start with %PDF): check the file extension")
    try:
        reader = PdfReader(path)
        if reader.is_encrypted and not reader.decrypt(""):
            raise LoadError(path, "the PDF is password-protected")
        lines = [(page.extract_text() or "").split("\n") for page in reader.pages]
        title = (reader.metadata.title if reader.metadata else None) or None
    except LoadError:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise LoadError(path, f"corrupt or truncated PDF ({type(exc).__name__}: {exc})") from exc
    return lines, title


@reads(".pdf", budgeted=False)
def _load_pdf(path: Path, data: bytes, options: LoadOptions) -> LoadedText:
    # The text layer is read under the time budget; scanned pages outside it: OCR has its own limits a page and a
    # document. Pages that have a text layer keep it; the others are read by OCR.
    with time_budget(path, options.file_seconds):
        lines, title = _read_pdf(path, data)
    scanned = [i for i, page in enumerate(lines) if len(_LETTER.findall("".join(page))) < _MIN_LETTERS]
    pages_read, problems = _ocr_pages(data, scanned, options) if scanned else ({}, [])
    for i, page in pages_read.items():
        lines[i] = page.text.split("\n")
    furniture = page_furniture(lines)
    pages = join_pages([reflow(page, furniture) for page in lines])
    if not any(p.strip() for p in pages):
        raise LoadError(path, "the PDF has no extractable text" + (f" ({'; '.join(problems)})" if problems else ""))
    return LoadedText(pages, title=title, ocr=pages_read, problems=problems, paged=True)


def _ocr_pages(data: bytes, scanned: list[int], options: LoadOptions) -> tuple[dict[int, ocr.OcrPage], list[str]]:
    """The pages without a text layer, as Tesseract reads them, and what could not be read."""
    if not options.ocr_languages:
        return {}, [f"{len(scanned)} pages without a text layer were not read: OCR is off (PARTNERBOT_OCR_LANGUAGES)"]
    if not ocr.available():
        return {}, [f"{len(scanned)} pages without a text layer were not read: Tesseract is not installed"]
    missing = set(options.ocr_languages.split("+")) - ocr.languages()
    if missing:
        return {}, [f"OCR languages not installed: {', '.join(sorted(missing))} (Debian: tesseract-ocr-LANG)"]
    problems = []
    if len(scanned) > options.ocr_max_pages:
        problems.append(
            f"pages {scanned[options.ocr_max_pages] + 1}-{scanned[-1] + 1} were not read: at most "
            f"{options.ocr_max_pages} pages of a document are read by OCR (PARTNERBOT_OCR_MAX_PAGES)"
        )
        scanned = scanned[: options.ocr_max_pages]
    pages: dict[int, ocr.OcrPage] = {}
    document = pdfium.PdfDocument(data)
    try:
        for done, index in enumerate(scanned):
            if options.on_page:
                options.on_page(done, len(scanned))
            image = document[index].render(scale=options.ocr_dpi / 72).to_pil()
            try:
                page = ocr.read_page(image, options.ocr_languages, options.ocr_page_seconds)
            except ocr.OcrError as exc:
                problems.append(f"page {index + 1}: {exc}")
                continue
            if not page.words:
                problems.append(f"page {index + 1}: no text was recognised on it")
                continue
            pages[index] = page
        if options.on_page:
            options.on_page(len(scanned), len(scanned))
    finally:
        document.close()
    return pages, problems


@reads(".docx", zipped=True)
def _load_docx(path: Path, data: bytes, options: LoadOptions) -> LoadedText:
    """The headers, body and footers, as docx2txt reads them, after defusedxml has parsed each part: a part that
    declares entities is refused instead of expanded."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = sorted((n for n in archive.namelist() if _DOCX_PARTS.fullmatch(n)), key=_docx_order)
            if "word/document.xml" not in names:
                raise KeyError("there is no word/document.xml")
            texts = []
            for name in names:
                xml = archive.read(name)
                defused_fromstring(xml)
                texts.append(xml2text(xml))
    except DefusedXmlException as exc:
        raise LoadError(path, f"the DOCX declares XML entities, which are not read ({exc})") from exc
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, SyntaxError) as exc:
        raise LoadError(path, f"corrupt or truncated DOCX ({type(exc).__name__}: {exc})") from exc
    return LoadedText([reflow("".join(texts).strip().split("\n"))])


def _docx_order(name: str) -> tuple[int, str]:
    return ("document" in name) + 2 * ("footer" in name), name


@reads(".pptx", zipped=True)
def _load_pptx(path: Path, data: bytes, options: LoadOptions) -> LoadedText:
    """One part per slide: its text boxes and tables, then its speaker notes."""
    # Imported here, as openpyxl below: a tenth of a second that every `partnerbot ask` would pay otherwise.
    from pptx import Presentation
    from pptx.exc import PackageNotFoundError

    try:
        # python-pptx parses with lxml, resolve_entities=False: entities are not expanded.
        presentation = Presentation(io.BytesIO(data))
        slides = []
        for slide in presentation.slides:
            lines = [line for shape in slide.shapes for line in _shape_lines(shape)]
            if slide.has_notes_slide and slide.notes_slide.notes_text_frame is not None:
                lines += ["", slide.notes_slide.notes_text_frame.text]
            slides.append("\n".join(lines))
        title = presentation.core_properties.title or None
    except (zipfile.BadZipFile, PackageNotFoundError, KeyError, ValueError) as exc:
        raise LoadError(path, f"not a PowerPoint presentation, or a corrupt one ({type(exc).__name__}: {exc})") from exc
    return LoadedText(slides, title=title, paged=True)


def _shape_lines(shape: Any) -> Iterable[str]:  # a python-pptx shape
    from pptx.enum.shapes import MSO_SHAPE_TYPE

    if shape.shape_type == MSO_SHAPE_TYPE.GROUP:
        for inner in shape.shapes:
            yield from _shape_lines(inner)
    elif getattr(shape, "has_table", False) and shape.has_table:
        rows = [[cell.text for cell in row.cells] for row in shape.table.rows]
        yield from _rows_as_lines(rows, len(rows))[0]
    elif getattr(shape, "has_text_frame", False) and shape.has_text_frame:
        yield from (paragraph.text for paragraph in shape.text_frame.paragraphs if paragraph.text.strip())


@reads(".xlsx", zipped=True)
def _load_xlsx(path: Path, data: bytes, options: LoadOptions) -> LoadedText:
    """One part per sheet: its name, then each row as "header: value" pairs."""
    max_rows = options.max_sheet_rows
    # openpyxl parses with defusedxml when it is installed, as it is here (a dependency of partnerbot).
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise LoadError(path, f"not an Excel workbook, or a corrupt one ({type(exc).__name__}: {exc})") from exc
    parts, problems = [], []
    try:
        for sheet in workbook.worksheets:
            lines, cut = _rows_as_lines(sheet.iter_rows(values_only=True), max_rows)
            if cut:
                problems.append(
                    f"sheet {sheet.title!r}: only the first {max_rows} rows were kept (PARTNERBOT_MAX_SHEET_ROWS)"
                )
            if lines:
                parts.append("\n".join([sheet.title, "", *lines]))
        title = workbook.properties.title or None
    finally:
        workbook.close()
    return LoadedText(parts or [""], title=title, problems=problems)


@reads(".csv")
def _load_csv(path: Path, data: bytes, options: LoadOptions) -> LoadedText:
    text, max_rows = _decode_text(path, data), options.max_sheet_rows
    try:
        dialect = csv.Sniffer().sniff(text[:8192], delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel
    lines, cut = _rows_as_lines(csv.reader(io.StringIO(text), dialect), max_rows)
    problems = [f"only the first {max_rows} rows were kept (PARTNERBOT_MAX_SHEET_ROWS)"] if cut else []
    return LoadedText(["\n".join(lines)], problems=problems)


def _rows_as_lines(rows: Iterable[Iterable[object]], max_rows: int) -> tuple[list[str], bool]:
    """A table as one line a row, "header: value; header: value.", so that a participants list or a schedule reads as
    sentences. The first row with two values is the header (title lines above it stay lines). Also says whether rows
    were left out past `max_rows`."""
    header: list[str] | None = None
    lines: list[str] = []
    for row in rows:
        cells = [_cell(value) for value in row]
        if not any(cells):
            continue
        if header is None:
            if len(cells) > 1 and sum(1 for c in cells if c) == 1:  # a title line above the header
                lines.append(next(c for c in cells if c))
                continue
            header = cells
            continue
        if len(lines) == max_rows:
            return lines, True
        pairs = [
            f"{header[i]}: {value}" if i < len(header) and header[i] else value
            for i, value in enumerate(cells)
            if value
        ]
        lines.append("; ".join(pairs) + ".")
    if header is not None and not lines:
        lines.append("; ".join(h for h in header if h) + ".")  # a table of one row is that row
    return lines, False


def _cell(value: object) -> str:
    if isinstance(value, datetime) and not (value.hour or value.minute or value.second):
        value = value.date()
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split()) if value is not None else ""


def save_ocr_words(path: Path, pages: dict[int, ocr.OcrPage]) -> None:
    """The words of the pages OCR read, with their boxes, keyed by 1-based page number, and how each page was turned."""
    path.parent.mkdir(parents=True, exist_ok=True)
    saved = {
        str(i + 1): {"rotation": page.rotation, "words": [[w.text, *w.box] for w in page.words]}
        for i, page in pages.items()
    }
    path.write_text(json.dumps(saved), encoding="utf-8")


def load_ocr_words(path: Path) -> dict[int, tuple[int, list[tuple[str, float, float, float, float]]]]:
    """Page number -> (rotation, words with their boxes), as `save_ocr_words` wrote them; empty when none were."""
    if not path.exists():
        return {}
    saved = json.loads(path.read_text("utf-8"))
    return {int(page): (read["rotation"], [tuple(w) for w in read["words"]]) for page, read in saved.items()}


# Every suffix a reader above registered, in the order they were.
SUPPORTED_SUFFIXES = tuple(FORMATS)
