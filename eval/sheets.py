"""Gold sets kept in a spreadsheet (`.csv` or `.xlsx`): one row a question, one column a field.

The first row names the columns, in any order and case: `question`, `expected` (aliases separated by `|`, groups
by `;`; or one column a group: `expected`, `expected 2`, ...), `answerable`, `kind`, `lang`, `history` (the
previous turns, one a line or separated by `|`; "assistant: ..." for the bot's), `today`, and the rarer `id`,
`partial`, `sources` (separated by `|`) and `cited` (like `expected`). An alias written "fr: ..." or "en: ..." is
good in that language only, for language-strict scoring. Other columns (notes) are ignored, and named. A row
numbers as in the spreadsheet, the header being row 1; a row whose first cell starts with `#` is a comment.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

from core.text import fold
from eval.gold import COMMENT_MARKS, AliasGroup, GoldFileError, as_text, expect_groups

FIELDS = ("question", "expected", "answerable", "kind", "lang", "history", "today", "id", "partial", "sources", "cited")
_SYNONYMS = {"expect": "expected", "language": "lang", "langue": "lang"}
_EXPECTED = re.compile(r"expect(?:ed)?(?: answers?)? ?\d*")
ALIAS_SEPARATOR, GROUP_SEPARATOR = "|", ";"
_TURN_SEPARATOR = re.compile(r"\n|\|")

Rows = list[tuple[int, dict[str, Any] | str]]


def column_field(header: Any) -> str | None:
    """The gold field a column heading names ("Expected 2" -> expected), or None."""
    name = re.sub(r"[\s_-]+", " ", fold(str(header or ""))).strip()
    name = _SYNONYMS.get(name, name)
    if _EXPECTED.fullmatch(name):
        return "expected"
    return name if name in FIELDS else None


def alias_groups(text: str) -> list[dict[str, list[str]]]:
    """A cell of aliases: `a | b ; c` is two groups, (a or b) and c; "fr: x" is an alias good in French only."""
    groups = []
    for part in text.split(GROUP_SEPARATOR):
        group: dict[str, list[str]] = {"fr": [], "en": [], "any": []}
        for alias in (a.strip() for a in part.split(ALIAS_SEPARATOR)):
            language, colon, rest = alias.partition(":")
            if colon and language.strip().lower() in ("fr", "en") and rest.strip():
                group[language.strip().lower()].append(rest.strip())
            elif alias:
                group["any"].append(alias)
        if any(group.values()):
            groups.append(group)
    return groups


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date | bool):
        return value
    return str(as_text(value)).strip()


def _record(fields: list[str | None], cells: Sequence[Any]) -> dict[str, Any] | str:
    """One row as a gold line, or what is wrong with it."""
    record: dict[str, Any] = {}
    for name, raw in zip(fields, cells, strict=False):
        value = _cell(raw)
        if name is None or value == "":
            continue
        if name in ("expected", "cited") and isinstance(value, date):
            return (
                f"'{name}' holds a date cell ({value}): the spreadsheet turned the text into a date; "
                "format the column as text and type the aliases again"
            )
        if name == "expected":
            record.setdefault("expect", []).extend(alias_groups(str(value)))
        elif name == "cited":
            record["cited"] = alias_groups(str(value))
        elif name == "history":
            record["history"] = [t.strip() for t in _TURN_SEPARATOR.split(str(value)) if t.strip()]
        elif name == "sources":
            record["sources"] = [s.strip() for s in str(value).split(ALIAS_SEPARATOR) if s.strip()]
        else:
            record[name] = value
    return record


def _rows(path: Path, table: list[Sequence[Any]]) -> tuple[Rows, list[str]]:
    """The rows under the header as gold lines, numbered as in the spreadsheet; notes about unused columns."""
    start = next((i for i, row in enumerate(table) if any(_cell(c) != "" for c in row)), None)
    if start is None:
        return [], []
    header = table[start]
    fields = [column_field(h) for h in header]
    if "question" not in fields:
        found = ", ".join(repr(str(h)) for h in header if _cell(h) != "") or "nothing"
        return [
            (
                start + 1,
                f"no 'question' column in the first row (found {found}): the first row names the columns, "
                f"such as {', '.join(FIELDS[:7])}",
            )
        ], []
    unused = [str(h) for h, f in zip(header, fields, strict=True) if f is None and _cell(h) != ""]
    known = ", ".join(FIELDS)
    notes = [f"{path}: column {', '.join(map(repr, unused))} not used (known: {known})"] if unused else []
    rows: Rows = []
    for number, cells in enumerate(table[start + 1 :], start=start + 2):
        values = [_cell(c) for c in cells]
        filled = [v for v in values if v != ""]
        if not filled or str(filled[0]).startswith(COMMENT_MARKS):
            continue
        rows.append((number, _record(fields, cells)))
    return rows, notes


def _csv_table(path: Path) -> list[Sequence[Any]]:
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:  # saved by a spreadsheet in its local encoding
        from charset_normalizer import from_bytes

        best = from_bytes(data).best()
        if best is None:
            raise GoldFileError(f"{path}: cannot tell the text encoding: save it as CSV UTF-8") from None
        text = str(best)
    tables = {d: list(csv.reader(io.StringIO(text), delimiter=d)) for d in (",", ";", "\t")}
    for table in tables.values():  # the delimiter is the one that finds the question column
        if any(column_field(h) == "question" for h in next((r for r in table if any(r)), [])):
            return table
    return tables[","]


def _xlsx_table(path: Path) -> list[Sequence[Any]]:
    from zipfile import BadZipFile

    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (BadZipFile, InvalidFileException, OSError, KeyError) as exc:
        raise GoldFileError(f"{path}: cannot read it as a workbook ({exc}): save it as .xlsx") from exc
    try:
        tables = [list(sheet.iter_rows(min_row=1, values_only=True)) for sheet in book.worksheets]
    finally:
        book.close()
    for table in tables:  # the first sheet with a question column; others may explain or take notes
        if any(column_field(h) == "question" for h in next((r for r in table if any(c is not None for c in r)), ())):
            return table
    return tables[0] if tables else []


def sheet_rows(path: Path) -> tuple[Rows, list[str]]:
    """The questions of a `.csv` or `.xlsx` gold file as gold lines, each with its row number."""
    try:
        table = _csv_table(path) if path.suffix.lower() == ".csv" else _xlsx_table(path)
    except OSError as exc:
        raise GoldFileError(f"{path}: cannot read the gold file: {exc}") from exc
    return _rows(path, table)


def cells(line: dict[str, Any]) -> dict[str, str]:
    """A gold line (JSON shape) as spreadsheet cells, by column."""

    def aliases(value: Any) -> str:
        groups = [AliasGroup.model_validate(g) for g in expect_groups(value)]
        return f" {GROUP_SEPARATOR} ".join(
            f" {ALIAS_SEPARATOR} ".join([*g.any, *(f"{lang}: {a}" for lang in ("fr", "en") for a in getattr(g, lang))])
            for g in groups
        )

    out = {}
    for name in FIELDS:
        value = line.get("expect" if name == "expected" else name)
        if value is None:
            continue
        if name in ("expected", "cited"):
            value = aliases(value)
        elif name == "history":
            value = "\n".join(t if isinstance(t, str) else f"{t['role']}: {t['content']}" for t in value)
        elif name == "sources":
            value = f" {ALIAS_SEPARATOR} ".join(value)
        elif isinstance(value, bool):
            value = "yes" if value else "no"
        out[name] = str(value)
    return out
