"""`partnerbot eval --template FILE`: a starter gold file (`.jsonl`, `.csv` or `.xlsx`) with three fictional
example questions and every column explained."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

from eval.gold import GOLD_SUFFIXES, SUGGESTED_KINDS, GoldFileError
from eval.sheets import FIELDS, cells

# What each column holds, as the template explains it.
COLUMNS: dict[str, str] = {
    "id": "optional: a name for the question, kept from run to run (default: its line or row number)",
    "question": "required: the question, as a user would ask it",
    "expected": "what a correct answer contains: aliases separated by | (any one is right); several facts "
    "separated by ; (one alias of each is needed), or one column each (expected 2, expected 3); an alias "
    "written 'fr: ...' or 'en: ...' counts in that language only (--lang-strict). Leave it empty for a "
    "question the documents do not answer",
    "answerable": "yes or no (default: yes when 'expected' is filled); no means the bot must say the documents "
    "do not answer",
    "kind": "optional: any label, the report gives accuracy per label (ours: " + ", ".join(SUGGESTED_KINDS) + ")",
    "lang": "optional: fr or en (default: detected from the question)",
    "history": "optional: the previous turns of the conversation, one a line or separated by |; "
    "'assistant: ...' for an answer of the bot",
    "today": "optional: the date the question is asked on, YYYY-MM-DD, for questions about the next or last event",
    "partial": "optional: yes when the documents answer only part: the answer must say what is missing",
    "sources": "optional: the file names of the documents holding the answer, separated by | (for recall@k)",
    "cited": "optional: what the quoted sentences must hold when it differs from 'expected', same syntax",
}

# Fictional questions about a fictional exchange: replace them with yours.
EXAMPLES: list[dict[str, Any]] = [
    {
        "id": "next-committee",
        "question": "When is the next steering committee of the Valmont exchange?",
        "expect": [{"en": ["12 March 2031", "March 12, 2031"], "fr": ["12 mars 2031"]}],
        "kind": "schedule",
        "lang": "en",
        "today": "2031-01-15",
    },
    {
        "id": "chair-follow-up",
        "question": "Et qui le préside ?",
        "expect": [["Jeanne Exemple"], ["présidente", "president"]],
        "kind": "people",
        "lang": "fr",
        "history": ["Quand se réunit le comité fictif de Valmont ?", "assistant: Le 12 mars 2031."],
    },
    {
        "id": "budget",
        "question": "What is the budget of the Valmont exchange?",
        "answerable": False,
        "kind": "budget",
    },
]


def write_template(path: Path) -> Path:
    """Write the starter file; an existing file is never overwritten."""
    suffix = path.suffix.lower()
    if suffix not in GOLD_SUFFIXES:
        raise GoldFileError(f"{path}: a template is {', '.join(GOLD_SUFFIXES)}: name the file so")
    if path.exists():
        raise GoldFileError(f"{path} exists: choose another name, or move it away first")
    path.parent.mkdir(parents=True, exist_ok=True)
    if suffix == ".jsonl":
        lines = [
            "# One question a line, as a JSON object. Lines starting with # are explanations. Fields:",
            *(f"#   {name}: {text}" for name, text in COLUMNS.items()),
            '#   ("expect" in a JSON line: a text, a list of texts (any one is right), or a list of groups such as',
            '#   [["Jeanne Exemple"], ["12 March 2031", "12 mars 2031"]] (one of every group); a group may be',
            '#   {"fr": [...], "en": [...], "any": [...]}. "history": a list of texts or of {"role", "content"}.)',
            "# The three questions below are fictional examples: replace them with yours.",
            *(json.dumps(example, ensure_ascii=False) for example in EXAMPLES),
        ]
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        return path
    # Spreadsheets: the header, a row explaining each column (a comment: it starts with #), the examples.
    header = [name for name in FIELDS if name in COLUMNS]
    explanation = [("# " if name == header[0] else "") + COLUMNS[name] for name in header]
    rows = [[cells(example).get(name, "") for name in header] for example in EXAMPLES]
    if suffix == ".csv":
        with path.open("w", encoding="utf-8-sig", newline="") as out:  # the BOM makes Excel read it as UTF-8
            csv.writer(out).writerows([header, explanation, *rows])
        return path
    import openpyxl
    from openpyxl.styles import Alignment, Font

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "questions"
    for row in [header, explanation, *rows]:
        sheet.append(row)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            cell.number_format = "@"  # text: a spreadsheet must not turn "12 March 2031" into a date
    for column, name in zip(sheet.columns, header, strict=True):
        sheet.column_dimensions[column[0].column_letter].width = 40 if name in ("question", "expected") else 18
    sheet.freeze_panes = "A2"
    book.save(path)
    return path
