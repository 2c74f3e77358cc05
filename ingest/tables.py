"""Tables kept as tables: read from xlsx and csv sheets, DOCX and PPTX tables, Markdown and HTML tables, each with
its header (found below title lines), its rows of typed cells (number, money with its currency, date, text), its
printed totals and its provenance; then each row located in the document's passages, so that an answer can cite it.

Called by the pipeline after the loader has read the document (so a file the loader refuses never gets here);
the row-as-text lines of the loaders stay as they are, for retrieval and the facts.
"""

from __future__ import annotations

import csv
import io
import itertools
import re
import statistics
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from bs4 import BeautifulSoup

from core import lang
from core.dates import find_dates
from core.numbers import find_quantities, header_scale, parse_amount
from core.text import MONTHS_FOLDED, fold, sentences
from ingest.loaders import LoadOptions, _cell
from store.records import Chunk, DocumentMetadata
from store.tables import Cell, Row, Table

# Bump when what is read from tables changes, so that every document's tables are read again.
TABLES_VERSION = "2"

# A table needs at least this many columns and body rows: a one-column list or a lone row is text, not a table.
_MIN_COLUMNS = 2
_MIN_ROWS = 1
# A cell that may be a date: two groups of digits ("2025-04-10", "10/04/2025") or a word and a year ("mai 2025");
# the others are not given to the date parser, which costs a millisecond a cell.
_MAY_BE_DATE = re.compile(r"\d{1,4}\D{1,3}\d{1,4}|[^\W\d_]{3,}\.? \d{1,4}\b|\b\d{1,2}(?:er)? [^\W\d_]{3,}")
# A cell that carries its own multiplier ("1,5 M€", "15k") is not scaled by its header's unit.
_SCALED = re.compile(r"\d\s*(?:k|m|mn|md|bn|millions?|milliards?|thousands?)(?![a-z])")
# Formats that are all tables: their lines are rows, not sentences with figures.
_SHEETS = (".xlsx", ".csv")
# A row's cells are looked for within this many characters of its first cell in the document's text.
_ROW_SPAN = 2000


@dataclass
class RawTable:
    """A table as read, before its header is found and its cells typed."""

    rows: list[list[object]]
    name: str = ""
    part: str = ""
    part_number: int = 0
    first_row: int = 1  # the sheet row of `rows[0]`
    problems: list[str] = field(default_factory=list)


def extract_tables(path: Path, options: LoadOptions, doc_id: str, language: str) -> tuple[list[Table], list[str]]:
    """The tables of a document file, and what was left out of them (a formula without a saved value, rows past the
    limit). A file of a format without tables gives none."""
    suffix = path.suffix.lower()
    readers = {
        ".xlsx": _xlsx,
        ".csv": _csv,
        ".docx": _docx,
        ".pptx": _pptx,
        ".md": _markdown,
        ".markdown": _markdown,
        ".html": _html,
        ".htm": _html,
        ".pdf": _pdf,
    }
    reader = readers.get(suffix)
    if reader is None:
        return [], []
    raws = reader(path, options)
    tables, problems = [], []
    for raw in raws:
        table = build_table(raw, doc_id, len(tables), language)
        problems += table.problems if table is not None else raw.problems
        if table is not None:
            tables.append(table)
    return tables, problems


# Reading each format


def _xlsx(path: Path, options: LoadOptions) -> list[RawTable]:
    import openpyxl

    data = path.read_bytes()
    values = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    formulas = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    raws = []
    try:
        for sheet, written in zip(values.worksheets, formulas.worksheets, strict=True):
            raw = RawTable([], name=sheet.title, part="sheet")
            for number, (row, formula_row) in enumerate(
                zip(sheet.iter_rows(values_only=True), written.iter_rows(values_only=True), strict=False), start=1
            ):
                if number > options.max_sheet_rows:
                    raw.problems.append(
                        f"sheet {sheet.title!r}: only the first {options.max_sheet_rows} rows were read as a table "
                        "(PARTNERBOT_MAX_SHEET_ROWS)"
                    )
                    break
                cells = list(row)
                for column, (value, formula) in enumerate(zip(cells, formula_row, strict=False)):
                    if value is None and isinstance(formula, str) and formula.startswith("="):
                        raw.problems.append(
                            f"sheet {sheet.title!r}, cell {_column_letter(column)}{number}: the formula {formula} has "
                            "no saved value (open and save the workbook in a spreadsheet application); left empty"
                        )
                raw.rows.append(cells)
            raws.append(raw)
    finally:
        values.close()
        formulas.close()
    return raws


def _column_letter(column: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(column + 1)


def _csv(path: Path, options: LoadOptions) -> list[RawTable]:
    from ingest.loaders import _decode_text

    text = _decode_text(path, path.read_bytes())
    try:
        dialect = csv.Sniffer().sniff(text[:8192], delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel
    rows: list[list[object]] = []
    problems = []
    for row in csv.reader(io.StringIO(text), dialect):
        if len(rows) == options.max_sheet_rows:
            problems.append(
                f"only the first {options.max_sheet_rows} rows were read as a table (PARTNERBOT_MAX_SHEET_ROWS)"
            )
            break
        rows.append(list(row))
    return [RawTable(rows, problems=problems)]


def _docx(path: Path, options: LoadOptions) -> list[RawTable]:
    from docx import Document

    document = Document(str(path))
    raws = []
    body = document.element.body
    before = ""
    for block in body.iterchildren():
        tag = block.tag.rsplit("}", 1)[-1]
        if tag == "p":
            text = "".join(t.text or "" for t in block.iter() if t.tag.endswith("}t")).strip()
            before = text or before
        elif tag == "tbl":
            from docx.table import Table as DocxTable

            table = DocxTable(block, document)
            rows = [[cell.text for cell in row.cells] for row in table.rows][: options.max_sheet_rows + 1]
            raws.append(RawTable(rows, name=before))
    return raws


def _pptx(path: Path, options: LoadOptions) -> list[RawTable]:
    from pptx import Presentation

    raws = []
    for number, slide in enumerate(Presentation(str(path)).slides, start=1):
        title = slide.shapes.title.text if slide.shapes.title is not None else ""
        for shape in slide.shapes:
            if getattr(shape, "has_table", False) and shape.has_table:
                rows = [[cell.text for cell in row.cells] for row in shape.table.rows][: options.max_sheet_rows + 1]
                raws.append(RawTable(rows, name=title, part="slide", part_number=number))
    return raws


def _markdown(path: Path, options: LoadOptions) -> list[RawTable]:
    from markdown_it import MarkdownIt

    html = MarkdownIt("commonmark").enable("table").render(path.read_text("utf-8", errors="replace"))
    return _html_tables(html, options)


def _html(path: Path, options: LoadOptions) -> list[RawTable]:
    return _html_tables(path.read_text("utf-8", errors="replace"), options)


def _html_tables(markup: str, options: LoadOptions) -> list[RawTable]:
    """Each <table>, a cell spanning several columns repeated in each (a merged header names them all)."""
    soup = BeautifulSoup(markup, "html.parser")
    raws = []
    for table in soup.find_all("table"):
        if table.find_parent("table") is not None:
            continue
        caption = table.find("caption")
        heading = table.find_previous(["h1", "h2", "h3", "h4", "p"])
        name = (caption or heading).get_text(" ", strip=True) if (caption or heading) else ""
        rows: list[list[object]] = []
        for tr in table.find_all("tr"):
            cells: list[object] = []
            for cell in tr.find_all(["th", "td"]):
                span = int(cell.get("colspan") or 1) if str(cell.get("colspan") or "1").isdigit() else 1
                cells += [cell.get_text(" ", strip=True)] * max(1, min(span, 50))
            rows.append(cells)
            if len(rows) > options.max_sheet_rows:
                break
        raws.append(RawTable(rows, name=name))
    return raws


def _pdf(path: Path, options: LoadOptions) -> list[RawTable]:
    """The tables of a PDF's text layer: runs of lines cut into the same columns (pdfium's text rectangles, one a
    stretch of text between gaps); a scanned page has no text layer and gives none."""
    import pypdfium2 as pdfium

    raws = []
    document = pdfium.PdfDocument(str(path))
    try:
        for number, page in enumerate(document, start=1):
            textpage = page.get_textpage()
            pieces = []
            for i in range(textpage.count_rects()):
                left, bottom, right, top = textpage.get_rect(i)
                text = " ".join(textpage.get_text_bounded(left, bottom, right, top).split())
                if text:
                    pieces.append(_Piece(left, bottom, right, top, text))
            for rows, name in pdf_tables(pieces):
                raws.append(RawTable(rows[: options.max_sheet_rows + 1], name=name, part="page", part_number=number))
    finally:
        document.close()
    return raws


@dataclass(frozen=True)
class _Piece:
    """A stretch of a PDF page's text, in PDF points (the y axis goes up)."""

    left: float
    bottom: float
    right: float
    top: float
    text: str


_YEAR = re.compile(r"(?:19|20)\d\d")


def _is_value(text: str) -> bool:
    """An amount, a figure other than a year, or a day: what a header's cell is not."""
    amount = parse_amount(text, "en")
    if amount is not None and (amount.currency or not _YEAR.fullmatch(text.strip())):
        return True
    return any(d.precision == "day" for d in find_dates(text)) if _MAY_BE_DATE.search(text) else False


# A table's cells are short: a run of lines whose median piece is longer is text set in columns, not a table (the
# lines of a two-column page are 40 to 50 characters long; a table's cells, names, dates and figures, far shorter).
_PDF_CELL_CHARS = 30
# Lines closer than this share of the widest gap between a table's lines are one row: a row's cells are padded, a
# cell's wrapped lines are not (3 and 11 points apart in a ruled table, where padded rows are all alike).
_PDF_WRAP = 0.75
# Lines further apart than this many line heights end a table (a table's rows are padded, a paragraph after it is
# set off by a blank line or more).
_PDF_ROW_GAP = 2.0


def pdf_tables(pieces: list[_Piece]) -> list[tuple[list[list[object]], str]]:
    """Tables among a page's pieces of text: runs of at least three lines cut in two pieces or more whose pieces
    fall into the same columns (a column: the pieces that overlap horizontally), each with the line before it as
    its name."""
    lines: list[list[_Piece]] = []
    for piece in sorted(pieces, key=lambda p: (-(p.top + p.bottom) / 2, p.left)):
        middle = (piece.top + piece.bottom) / 2
        if lines and abs(middle - (lines[-1][0].top + lines[-1][0].bottom) / 2) < (piece.top - piece.bottom) / 2:
            lines[-1].append(piece)
        else:
            lines.append([piece])
    for line in lines:
        line.sort(key=lambda p: p.left)
    found, i = [], 0
    while i < len(lines):
        j = i + 1 if len(lines[i]) >= _MIN_COLUMNS else i
        # A line of one piece inside a table is a cell's wrapped text; the lines after the table's last are not its.
        while j > i and j < len(lines) and _close(lines[j - 1], lines[j]):
            j += 1
        while j - 1 > i and len(lines[j - 1]) < _MIN_COLUMNS:
            j -= 1
        rows = _pdf_rows(lines[i:j]) if j - i >= _MIN_ROWS + 2 else None
        if rows is not None:
            name = " ".join(p.text for p in lines[i - 1]) if i else ""
            found.append((rows, name))
        i = max(j, i + 1)
    return found


def _close(above: list[_Piece], below: list[_Piece]) -> bool:
    height = max(p.top - p.bottom for p in above)
    return min(p.bottom for p in above) - max(p.top for p in below) <= _PDF_ROW_GAP * height


def _pdf_rows(block: list[list[_Piece]]) -> list[list[object]] | None:
    """The block's cells by column, or None when its pieces do not line up or are sentences. Lines closer together
    than three quarters of the widest gap between two lines are one row (a cell's text wrapped over several lines)."""
    pieces = [p for line in block for p in line]
    if statistics.median(len(p.text) for p in pieces) > _PDF_CELL_CHARS:
        return None
    columns: list[list[float]] = []  # [left, right] of each column, merged from the pieces that overlap
    for piece in sorted(pieces, key=lambda p: p.left):
        if columns and piece.left <= columns[-1][1]:
            columns[-1][1] = max(columns[-1][1], piece.right)
        else:
            columns.append([piece.left, piece.right])
    if len(columns) < _MIN_COLUMNS:
        return None
    gaps = [min(p.bottom for p in a) - max(p.top for p in b) for a, b in itertools.pairwise(block)]
    widest = max(gaps)
    rows: list[list[object]] = []
    for number, line in enumerate(block):
        if not number or gaps[number - 1] >= _PDF_WRAP * widest:
            rows.append([""] * len(columns))
        for piece in line:
            column = next(k for k, (left, right) in enumerate(columns) if left <= piece.left <= right)
            rows[-1][column] = f"{rows[-1][column]} {piece.text}".strip()
    # A header names every column, with words (a year at most): a first line with a gap, an amount or a day is not one.
    if len(rows) < _MIN_ROWS + 1 or not all(rows[0]) or any(_is_value(str(c)) for c in rows[0]):
        return None
    return rows


# From rows to a table


def build_table(raw: RawTable, doc_id: str, index: int, language: str) -> Table | None:
    """The table with its header found, blanks of merged cells filled, cells typed and totals marked; None when
    the rows do not make a table."""
    shown = [[_cell(value) for value in row] for row in raw.rows]
    values = raw.rows
    start = header_index(shown)
    if start is None:
        return None
    width = max(len(r) for r in shown[start:])
    header = _fill_right(shown[start] + [""] * (width - len(shown[start])))
    scales = [header_scale(h) for h in header]
    currencies = [currency for _, currency in scales]
    total = lang.pattern("tables", "rows.total")
    rows = []
    for offset, (texts, raw_values) in enumerate(zip(shown[start + 1 :], values[start + 1 :], strict=True)):
        if not any(texts):
            continue
        texts = texts + [""] * (width - len(texts))
        raw_values = list(raw_values) + [None] * (width - len(raw_values))
        cells = [_typed(t, v, currencies[i], language) for i, (t, v) in enumerate(zip(texts, raw_values, strict=True))]
        for cell, (scale, _) in zip(cells, scales, strict=True):
            if scale != 1.0 and cell.value is not None and not _SCALED.search(fold(cell.text)):
                cell.value *= scale  # "240" under "Grant (k€)" is 240,000 €
        first = next((c.text for c in cells if c.text), "")
        rows.append(Row(number=raw.first_row + start + 1 + offset, cells=cells, total=bool(total.search(fold(first)))))
    _fill_down(rows, header)
    problems = list(raw.problems)
    for column in range(width):
        kinds = [r.cells[column].kind for r in rows if not r.total and r.cells[column].kind != "empty"]
        figures = sum(k in ("number", "money") for k in kinds)
        if figures and figures >= len(kinds) / 2:
            for row in rows:
                if row.cells[column].kind == "text":
                    problems.append(
                        f"{_where(raw)}row {row.number}, column {header[column]!r}: {row.cells[column].text!r} is not "
                        "a figure; left out of sums and comparisons"
                    )
    if len(rows) < _MIN_ROWS or width < _MIN_COLUMNS:
        return None
    return Table(
        doc_id=doc_id,
        index=index,
        name=raw.name,
        part=raw.part,  # type: ignore[arg-type]
        part_number=raw.part_number,
        header=header,
        rows=rows,
        problems=problems,
        language=language,
    )


def _where(raw: RawTable) -> str:
    if raw.part == "sheet":
        return f"sheet {raw.name!r}, "
    return f"slide {raw.part_number}, " if raw.part == "slide" else ""


def header_index(rows: list[list[str]]) -> int | None:
    """The header's row: the first with at least two different cells, once title lines (a single cell in a wider
    table, or one cell merged across the row, which DOCX and HTML repeat in each column) are passed; None when no
    row has two cells."""
    width = max((sum(1 for c in r if c) for r in rows), default=0)
    if width < _MIN_COLUMNS:
        return None
    for i, row in enumerate(rows):
        filled = [c for c in row if c]
        if len(set(filled)) >= _MIN_COLUMNS:
            return i
    return None


def _fill_right(header: list[str]) -> list[str]:
    """A header cell merged over the next columns names them too (openpyxl leaves them empty)."""
    filled, last = [], ""
    for i, name in enumerate(header):
        filled.append(name or (last if i else ""))
        last = filled[-1]
    return filled


def _fill_down(rows: list[Row], header: list[str]) -> None:
    """A label cell merged over the rows below it (empty in those rows while their other cells are not)."""
    for before, row in itertools.pairwise(rows):
        if row.cells and row.cells[0].kind == "empty" and before.cells[0].kind == "text" and not row.total:
            row.cells[0] = before.cells[0].model_copy()


def _typed(text: str, value: object, currency: str | None, language: str) -> Cell:
    if not text:
        return Cell(text="", kind="empty")
    if isinstance(value, date | datetime):
        return Cell(text=text, kind="date", iso=(value.date() if isinstance(value, datetime) else value).isoformat())
    if isinstance(value, int | float) and not isinstance(value, bool):
        kind = "money" if currency else "number"
        return Cell(text=text, kind=kind, value=float(value), currency=currency)
    amount = parse_amount(text, language)
    if amount is not None:
        code = amount.currency or currency
        return Cell(text=text, kind="money" if code else "number", value=amount.value, currency=code)
    dates = find_dates(text) if _MAY_BE_DATE.search(text) else []
    if len(dates) == 1 and dates[0].end - dates[0].start >= 0.8 * len(text) and dates[0].precision == "day":
        return Cell(text=text, kind="date", iso=dates[0].iso)
    return Cell(text=text, kind="text")


# Where each row is in the passages


def locate_rows(tables: list[Table], text: str, chunks: Iterable[tuple[str, int, int, str]]) -> None:
    """Give each row the passage that holds it and its text there (the whole lines its cells are on), searching the
    document's cleaned `text` in order; `chunks` are (id, start, end, text). A row not found stays uncited."""
    passages = list(chunks)
    for table in tables:
        position = 0
        for row in table.rows:
            span = _find_row(row, text, position) or _find_row(row, text, 0)
            if span is None:
                continue
            start, end = span
            position = start + 1
            line_start = text.rfind("\n", 0, start) + 1
            line_end = text.find("\n", end)
            line_end = len(text) if line_end < 0 else line_end
            quote = text[line_start:line_end].strip()
            holder = next((c for c in passages if quote in c[3]), None)
            if holder is not None:
                row.chunk_id, row.quote = holder[0], quote
                continue
            holder = next((c for c in passages if c[1] <= start and end <= c[2]), None)
            if holder is not None and text[start:end] in holder[3]:
                row.chunk_id, row.quote = holder[0], text[start:end]


def _find_row(row: Row, text: str, position: int) -> tuple[int, int] | None:
    cells = [c.text for c in row.cells if c.text]
    if not cells:
        return None
    first = _pattern(cells[0])
    # The row's cells as close together as they come: its label may be written earlier (a title, another sheet)
    # with figures of other rows after it. Matches further on than a row's span cannot be closer.
    best: tuple[int, int] | None = None
    for match in first.finditer(text, position):
        if best is not None and match.start() > best[0] + _ROW_SPAN:
            break
        end = match.end()
        for cell in cells[1:]:
            found = _pattern(cell).search(text, end, match.start() + _ROW_SPAN)
            if found is None:
                break
            end = found.end()
        else:
            if best is None or end - match.start() < best[1] - best[0]:
                best = (match.start(), end)
    return best


def _pattern(cell: str) -> re.Pattern[str]:
    return re.compile(r"(?<!\w)" + r"\s+".join(re.escape(w) for w in cell.split()) + r"(?!\w)")


def document_tables(
    path: Path, options: LoadOptions, meta: DocumentMetadata, text: str, chunks: list[Chunk]
) -> tuple[list[Table], list[str]]:
    """The tables of a document the loader has read, their rows located in its passages, and what was left out.
    A table that cannot be read costs the document nothing: it is reported and the passages are kept."""
    try:
        tables, problems = extract_tables(path, options, meta["doc_id"], meta["language"])
    except Exception as exc:  # any parser's failure: the document itself was read by the loader
        return [], [f"its tables could not be read ({type(exc).__name__}: {exc}); its text is kept"]
    passages = [(c.id, c.metadata["start"], c.metadata["end"], c.text) for c in chunks]
    locate_rows(tables, text, passages)
    if path.suffix.lower() not in _SHEETS:
        figures = text_quantities(text, meta["language"], passages, {r.quote for t in tables for r in t.rows})
        if figures.rows:
            tables.append(figures.model_copy(update={"doc_id": meta["doc_id"], "index": len(tables)}))
    for table in tables:
        table.doc_title, table.doc_date = meta["title"], meta["date"]
    return tables, problems


def text_quantities(text: str, language: str, passages: list[tuple[str, int, int, str]], rows_text: set[str]) -> Table:
    """The figures of a document's sentences, each with the word it counts ("neuf membres" -> 9, membres), as a
    table of source "text": a row a figure (the sentence, the value, the word), cited by its sentence."""
    rows = []
    months = {m for names in MONTHS_FOLDED.values() for m in names}
    for sentence in sentences(text):
        if any(sentence in quote for quote in rows_text):
            continue  # a table's row, read as a table already
        for figure in find_quantities(sentence, language):
            if not figure.unit or figure.unit in months or figure.currency:
                continue
            holder = next((p for p in passages if sentence in p[3]), None)
            if holder is None:
                continue
            cells = [
                Cell(text=sentence, kind="text"),
                Cell(text=figure.text, kind="number", value=figure.value),
                Cell(text=figure.unit, kind="text"),
            ]
            rows.append(Row(number=len(rows) + 1, cells=cells, chunk_id=holder[0], quote=sentence))
    return Table(doc_id="", index=0, header=["sentence", "value", "unit"], rows=rows, source="text", language=language)
