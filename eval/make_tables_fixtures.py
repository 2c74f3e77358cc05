"""Write the FICTIONAL table fixtures of `eval/fixtures_tables/`: a workbook with two sheets and a printed TOTAL row,
a CSV export, a DOCX with a table, a deck with a table and a Markdown table, for the held-out questions about tables
and numbers (`eval/heldout_tables.jsonl`).

Every organisation, programme, amount and person here is invented (the "Lumen" programme, Institut Vasselin, Kestrel
Polytechnic, Fondation Orvale, Agence Marbrière, Région Calvane); nothing comes from the corpus. Run
`python -m eval.make_tables_fixtures` to write them again (the same content; openpyxl stamps the save time into the
workbook).
"""

from __future__ import annotations

import io
import zipfile
from datetime import datetime
from pathlib import Path

import openpyxl
from docx import Document
from pptx import Presentation
from pptx.util import Inches

from eval.make_fixtures import fixed_zip, toml_string

FOLDER = Path(__file__).parent / "fixtures_tables"
# Dates written into the files' properties, so that writing them again gives the same bytes.
FIXED_TIME = datetime(2025, 1, 1)
NOTICE = "Document fictif, créé pour tester partnerbot."
NOTICE_EN = "Fictional document, created to test partnerbot."

BUDGET = "budget-lumen-2025.xlsx"
CONTRIBUTIONS = "partner-contributions-2025.csv"
ANNEX = "annexe-ecole-ete-lumen-2025.docx"
DECK = "lumen-kickoff-deck-2025.pptx"
STEPS = "application-steps-lumen.md"

MANIFEST = {
    BUDGET: ("Budget prévisionnel du programme Lumen 2025", "2025-01-20", "fr", "invented budget workbook"),
    CONTRIBUTIONS: ("Partner contributions to the Lumen programme, 2025", "2025-02-03", "en", "invented CSV export"),
    ANNEX: ("Annexe : école d'été Lumen 2025", "2025-03-10", "fr", "invented annex of an agreement"),
    DECK: ("Lumen programme kick-off", "2025-01-28", "en", "invented kick-off slide deck"),
    STEPS: ("Lumen programme: application steps", "2025-02-15", "en", "invented Markdown page"),
}

BUDGET_ROWS = [
    ("Voyages", 12000, "Fondation Orvale"),
    ("Hébergement", 7500, "Région Calvane"),
    ("Restauration", 2800, "Institut Vasselin"),
    ("Assurances", 2000, "Région Calvane"),
]
HEADCOUNT_ROWS = [
    ("Science des données", "Institut Vasselin", 18, 3),
    ("Robotique", "Kestrel Polytechnic", 11, 2),
    ("Design", "Institut Vasselin", 7, 1),
    ("Énergie", "Kestrel Polytechnic", 14, 4),
]


def write_budget(path: Path) -> None:
    """Two sheets. The budget sheet opens with a version line (its header is not the first row) and ends with a
    TOTAL row written as a formula whose value the workbook caches, as a spreadsheet application saves it."""
    workbook = openpyxl.Workbook()
    budget = workbook.active
    budget.title = "Budget 2025"
    budget.append([f"Budget prévisionnel du programme Lumen, version 3 du 20 janvier 2025. {NOTICE}"])
    budget.append([])
    budget.append(["Poste", "Montant (€)", "Financé par"])
    for row in BUDGET_ROWS:
        budget.append(list(row))
    budget.append(["TOTAL", "=SUM(B4:B7)", None])
    heads = workbook.create_sheet("Effectifs")
    heads.append(["Programme", "Établissement", "Étudiants", "Enseignants"])
    for row in HEADCOUNT_ROWS:
        heads.append(list(row))
    heads.append(["TOTAL", None, "=SUM(C2:C5)", "=SUM(D2:D5)"])
    workbook.properties.title = MANIFEST[BUDGET][0]
    workbook.properties.created = workbook.properties.modified = FIXED_TIME
    out = io.BytesIO()
    workbook.save(out)
    # openpyxl cannot compute formulas: write the values a spreadsheet application would have cached.
    cached = {
        "xl/worksheets/sheet1.xml": {"SUM(B4:B7)": sum(r[1] for r in BUDGET_ROWS)},
        "xl/worksheets/sheet2.xml": {
            "SUM(C2:C5)": sum(r[2] for r in HEADCOUNT_ROWS),
            "SUM(D2:D5)": sum(r[3] for r in HEADCOUNT_ROWS),
        },
    }
    path.write_bytes(fixed_zip(_with_cached_values(out.getvalue(), cached)))


def _with_cached_values(data: bytes, cached: dict[str, dict[str, int]]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            content = source.read(item.filename)
            for formula, value in cached.get(item.filename, {}).items():
                empty, saved = f"<f>{formula}</f><v></v>", f"<f>{formula}</f><v>{value}</v>"
                content = content.replace(empty.encode(), saved.encode())
            target.writestr(item, content)
    return out.getvalue()


def write_contributions(path: Path) -> None:
    """A CSV export with amounts written as text ("€40,000") and a partner that contributes nothing."""
    lines = [
        "Partner,Country,Contribution 2025,Students hosted",
        'Institut Vasselin,France,"€40,000",12',
        'Kestrel Polytechnic,India,"€25,000",9',
        'Fondation Orvale,France,"€15,000",0',
        "Agence Marbrière,France,€0,4",
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def write_annex(path: Path) -> None:
    """An agreement's annex: figures written in words in its sentences, and the summer school's weeks as a table."""
    document = Document()
    document.core_properties.title = MANIFEST[ANNEX][0]
    document.core_properties.created = document.core_properties.modified = FIXED_TIME
    document.add_heading("Annexe 2 : école d'été Lumen 2025", level=1)
    document.add_paragraph(NOTICE)
    document.add_paragraph(
        "L'école d'été accueillera vingt-quatre étudiants des établissements partenaires pendant trois semaines, "
        "du 7 au 25 juillet 2025."
    )
    document.add_paragraph("Un jury de sélection de neuf membres examinera les candidatures.")
    document.add_paragraph("Le programme des semaines est le suivant.")
    rows = [
        ("Semaine", "Thème", "Lieu", "Heures de cours"),
        ("Semaine 1", "Apprentissage automatique", "Lyon", "20"),
        ("Semaine 2", "Vision par ordinateur", "Grenoble", "18"),
        ("Semaine 3", "Projet final", "Lyon", "12"),
    ]
    table = document.add_table(rows=len(rows), cols=len(rows[0]))
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    document.add_paragraph("Les frais de voyage des étudiants sont pris en charge par le budget du programme.")
    out = io.BytesIO()
    document.save(out)
    path.write_bytes(fixed_zip(out.getvalue()))


def write_deck(path: Path) -> None:
    """A kick-off deck: a slide of figures in words and amounts, a slide with the team table."""
    deck = Presentation()
    deck.core_properties.title = MANIFEST[DECK][0]
    title = deck.slides.add_slide(deck.slide_layouts[0])
    title.shapes.title.text = "Lumen programme kick-off"
    title.placeholders[1].text = NOTICE_EN
    figures = deck.slides.add_slide(deck.slide_layouts[1])
    figures.shapes.title.text = "Key figures"
    figures.placeholders[1].text = (
        "Eleven people will travel with the first mobility wave in September 2025.\n"
        "The programme's overall envelope over three years is 1,5 M€."
    )
    team = deck.slides.add_slide(deck.slide_layouts[5])
    team.shapes.title.text = "Team per partner"
    rows = [
        ("Partner", "Coordinators", "Lecturers"),
        ("Institut Vasselin", "2", "5"),
        ("Kestrel Polytechnic", "1", "6"),
        ("Fondation Orvale", "1", "0"),
        ("Agence Marbrière", "1", "0"),
    ]
    shape = team.shapes.add_table(len(rows), len(rows[0]), Inches(1), Inches(1.8), Inches(8), Inches(3))
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            shape.table.cell(r, c).text = value
    deck.core_properties.created = deck.core_properties.modified = FIXED_TIME
    out = io.BytesIO()
    deck.save(out)
    path.write_bytes(fixed_zip(out.getvalue()))


STEPS_TEXT = f"""# Lumen programme: application steps

{NOTICE_EN}

Students of the partner institutions apply to the Lumen programme in four steps.

| Step | Deadline | Fee |
|---|---|---|
| Online application | 2025-03-15 | €40 |
| Interview | 2025-04-10 | €0 |
| Language test | 2025-04-30 | €95 |
| Enrolment | 2025-06-01 | €150 |

Fees are paid to the host institution; a waiver may be requested from the programme office.
"""


def write_manifest(
    path: Path,
    manifest: dict[str, tuple[str, str, str, str]] | None = None,
    heading: str = "the FICTIONAL table fixtures, written by eval/make_tables_fixtures.py",
) -> None:
    """The folder's manifest: each file (title, date, language, what it is) marked fictional."""
    lines = [
        f"# Manifest of {heading}.",
        "# Every document listed here is invented for testing; never copy these files into corpus/.",
        'ignore = ["README.md"]',
        "",
    ]
    for file, (title, day, language, what) in sorted((manifest or MANIFEST).items()):
        lines += [
            f"[{toml_string(file)}]",
            f"title = {toml_string(title)}",
            f"date = {toml_string(day)}",
            f"language = {toml_string(language)}",
            f"source = {toml_string(f'Fictional fixture document: {what}, created for testing.')}",
            "fictional = true",
            "",
        ]
    path.write_text("\n".join(lines), encoding="utf-8")


def main() -> None:
    FOLDER.mkdir(parents=True, exist_ok=True)
    write_budget(FOLDER / BUDGET)
    write_contributions(FOLDER / CONTRIBUTIONS)
    write_annex(FOLDER / ANNEX)
    write_deck(FOLDER / DECK)
    (FOLDER / STEPS).write_text(STEPS_TEXT, encoding="utf-8")
    write_manifest(FOLDER / "manifest.toml")
    (FOLDER / "README.md").write_text(
        "# Fictional table fixtures\n\nInvented documents (a budget workbook, a CSV export, an annex with a table, a "
        "slide deck, a Markdown page) for `eval/heldout_tables.jsonl`. Written by `python -m eval.make_tables_fixtures`"
        "; never copy them into `corpus/`.\n",
        encoding="utf-8",
    )


if __name__ == "__main__":
    main()
