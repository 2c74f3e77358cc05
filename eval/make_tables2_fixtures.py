"""Write the FICTIONAL table fixtures of `eval/fixtures_tables2/`, for the second held-out set about tables and numbers
(`eval/heldout_tables2.jsonl`), written before any code was changed for it.

Other organisations and other table shapes than `eval/fixtures_tables/`: a budget with sub-totals and a VAT column, a
head-count workbook split by year and site with a second sheet, a schedule as a table in a PDF, a CSV with semicolons
and French decimal commas ("1 234,50"), a Markdown table with its unit in the header ("(k€)"), a DOCX table under a
merged title row; figures written in words in the prose. Every organisation, programme, person and amount is invented
(the "Aquilon" programme, Université de Valombre, Halvorsen Institute of Technology, Fondation Sarcelle, Observatoire
Brumaire); only Trondheim is a real city. Run `python -m eval.make_tables2_fixtures` to write them again.
"""

from __future__ import annotations

import io
from datetime import datetime
from pathlib import Path

import openpyxl
from docx import Document
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from eval.make_fixtures import fixed_zip
from eval.make_tables_fixtures import write_manifest

FOLDER = Path(__file__).parent / "fixtures_tables2"
FIXED_TIME = datetime(2025, 6, 1)
NOTICE = "Document fictif, créé pour tester partnerbot : organisations, personnes et montants sont imaginaires."
NOTICE_EN = "Fictional document, created to test partnerbot: organisations, people and amounts are invented."

BUDGET = "budget-previsionnel-aquilon-2026.xlsx"
HEADCOUNT = "effectifs-universite-valombre-2023-2025.xlsx"
SCHEDULE = "calendrier-programme-aquilon-2026.pdf"
EXPENSES = "frais-de-mission-observatoire-brumaire-2025.csv"
GRANTS = "sarcelle-foundation-grants-2026.md"
ANNEX = "annexe-financiere-valombre-halvorsen-2026.docx"

MANIFEST = {
    BUDGET: ("Budget prévisionnel du programme Aquilon 2026", "2025-11-04", "fr", "invented budget with sub-totals"),
    HEADCOUNT: ("Effectifs de l'Université de Valombre par site, 2023-2025", "2025-10-01", "fr", "invented workbook"),
    SCHEDULE: ("Calendrier du programme Aquilon 2026", "2025-11-20", "fr", "invented schedule as a PDF table"),
    EXPENSES: ("Frais de mission de l'Observatoire Brumaire, 2025", "2025-06-02", "fr", "invented CSV export"),
    GRANTS: ("Fondation Sarcelle: grants by theme, 2026", "2025-12-01", "en", "invented Markdown page"),
    ANNEX: ("Annexe financière de la convention Valombre – Halvorsen", "2025-09-15", "fr", "invented agreement annex"),
}

# (category, line, amount before VAT, VAT): each category ends with its sub-total row, the sheet with a grand total.
BUDGET_LINES = [
    ("Personnel", "Coordination du projet", 18000, 0),
    ("Personnel", "Tutorat des étudiants", 9600, 0),
    ("Fonctionnement", "Location de salles", 4500, 900),
    ("Fonctionnement", "Matériel informatique", 6250, 1250),
    ("Fonctionnement", "Communication", 1800, 360),
    ("Mobilité", "Billets d'avion", 14200, 0),
    ("Mobilité", "Hébergement des participants", 8400, 840),
]


def write_budget(path: Path) -> None:
    """A budget sheet: two title lines, a header with HT/TVA/TTC columns, sub-total rows per category, a grand total."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Budget Aquilon"
    sheet.append(["Programme Aquilon : budget prévisionnel 2026"])
    sheet.append([NOTICE])
    sheet.append(["Catégorie", "Poste", "Montant HT (€)", "TVA (€)", "Montant TTC (€)"])
    totals = [0, 0]
    for category in dict.fromkeys(line[0] for line in BUDGET_LINES):
        part = [0, 0]
        for cat, label, ht, vat in BUDGET_LINES:
            if cat == category:
                sheet.append([cat, label, ht, vat, ht + vat])
                part = [part[0] + ht, part[1] + vat]
        sheet.append([f"Sous-total {category}", None, part[0], part[1], part[0] + part[1]])
        totals = [totals[0] + part[0], totals[1] + part[1]]
    sheet.append(["TOTAL GÉNÉRAL", None, totals[0], totals[1], totals[0] + totals[1]])
    _save(workbook, path, MANIFEST[BUDGET][0])


STUDENTS = [
    ("Campus Nord", 412, 438, 471),
    ("Campus Sud", 296, 305, 289),
    ("Antenne de Port-Sarcelle", 88, 102, 131),
]
STAFF = [
    ("Campus Nord", 54, 21, 37),
    ("Campus Sud", 39, 17, 12),
    ("Antenne de Port-Sarcelle", 9, 6, 0),
]


def write_headcount(path: Path) -> None:
    """Two sheets: students by site and year (years as column headers, no printed total), staff by site."""
    workbook = openpyxl.Workbook()
    students = workbook.active
    students.title = "Étudiants"
    students.append([f"Étudiants inscrits par site et par année. {NOTICE}"])
    students.append(["Site", "2023", "2024", "2025"])
    for row in STUDENTS:
        students.append(list(row))
    staff = workbook.create_sheet("Personnel")
    staff.append(["Site", "Enseignants-chercheurs", "Personnels administratifs", "Doctorants"])
    for row in STAFF:
        staff.append(list(row))
    _save(workbook, path, MANIFEST[HEADCOUNT][0])


def _save(workbook: openpyxl.Workbook, path: Path, title: str) -> None:
    workbook.properties.title = title
    workbook.properties.created = workbook.properties.modified = FIXED_TIME
    out = io.BytesIO()
    workbook.save(out)
    path.write_bytes(fixed_zip(out.getvalue()))


SCHEDULE_ROWS = [
    ("Étape", "Date", "Lieu", "Durée (jours)"),
    ("Séminaire de lancement", "12 janvier 2026", "Valombre", "2"),
    ("Atelier méthodologique", "9 mars 2026", "Port-Sarcelle", "3"),
    ("Mission d'étude", "18 mai 2026", "Trondheim", "10"),
    ("Restitution finale", "5 octobre 2026", "Valombre", "1"),
]


def write_schedule(path: Path) -> None:
    """A one-column PDF (text layer, no scan): a paragraph with figures in words, then the schedule as a ruled table."""
    body = ParagraphStyle("body", fontName="Times-Roman", fontSize=11, leading=14, spaceAfter=6)
    title = ParagraphStyle("title", fontName="Helvetica-Bold", fontSize=15, leading=19, spaceAfter=8)
    note = ParagraphStyle("note", fontName="Helvetica-Oblique", fontSize=8.5, leading=11, textColor=colors.grey)
    table = Table([list(row) for row in SCHEDULE_ROWS], colWidths=[6 * cm, 4 * cm, 3.5 * cm, 3 * cm])
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                ("FONTNAME", (0, 0), (-1, 0), "Helvetica-Bold"),
                ("FONTNAME", (0, 1), (-1, -1), "Times-Roman"),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8e8e8")),
            ]
        )
    )
    story = [
        Paragraph(NOTICE, note),
        Paragraph("Calendrier du programme Aquilon 2026", title),
        Paragraph(
            "Le programme Aquilon réunira quarante-deux participants venus de cinq établissements. "
            "Son comité de pilotage compte sept membres et se réunit avant chaque étape.",
            body,
        ),
        Paragraph("Les étapes de l'année sont les suivantes.", body),
        Spacer(1, 6),
        table,
        Spacer(1, 10),
        Paragraph("Les dates peuvent être ajustées par le comité de pilotage.", body),
    ]
    doc = SimpleDocTemplate(
        str(path),
        pagesize=A4,
        title=MANIFEST[SCHEDULE][0],
        author="Programme Aquilon (fictif)",
        keywords="fictional, test fixture",
        creator="eval/make_tables2_fixtures.py",
        lang="fr",
        invariant=1,
    )
    doc.build(story)


EXPENSES_TEXT = """Export fictif créé pour tester partnerbot (organisations, personnes et montants imaginaires);;;;
Date;Mission;Agent;Montant (€);Nuitées
03/02/2025;Colloque de Valombre;Inès Calvet;1 234,50;3
17/03/2025;Audit de Port-Sarcelle;Bruno Lequesne;386,20;1
22/04/2025;Salon de Trondheim;Inès Calvet;2 918,75;4
12/05/2025;Comité technique;Marc Aubrac;147,90;0
"""

GRANTS_TEXT = f"""# Fondation Sarcelle: grants by theme, 2026

{NOTICE_EN}

The selection committee of the Fondation Sarcelle read one hundred and eighty applications for 2026 and met
four times before deciding. The grants are paid in two instalments.

| Theme | Grant (k€) | Projects funded | Applicants accepted (%) |
|---|---|---|---|
| Coastal ecology | 240 | 6 | 35 |
| Digital humanities | 125 | 4 | 22 |
| Urban mobility | 310 | 5 | 41 |
| Public health | 0 | 0 | 0 |

The public health call was postponed to 2027.
"""


def write_annex(path: Path) -> None:
    """An agreement's financial annex: figures in words in the prose, a table whose first row is a merged title."""
    document = Document()
    document.core_properties.title = MANIFEST[ANNEX][0]
    document.core_properties.created = document.core_properties.modified = FIXED_TIME
    document.add_heading("Annexe financière : convention Université de Valombre – Halvorsen Institute of Technology", 1)
    document.add_paragraph(NOTICE)
    document.add_paragraph(
        "La présente convention est conclue pour une durée de quatre ans. Le comité mixte se réunit deux fois par an."
    )
    document.add_paragraph("Chaque boursier reçoit une allocation mensuelle de huit cents euros.")
    rows = [
        ("Partenaire", "Contribution en numéraire", "Contribution en nature", "Nombre de bourses"),
        ("Université de Valombre", "45 000", "12 000", "8"),
        ("Halvorsen Institute of Technology", "30 000", "20 000", "6"),
        ("Fondation Sarcelle", "25 000", "0", "4"),
        ("Observatoire Brumaire", "0", "7 500", "0"),
    ]
    table = document.add_table(rows=len(rows) + 1, cols=len(rows[0]))
    table.style = "Table Grid"
    title = table.cell(0, 0).merge(table.cell(0, len(rows[0]) - 1))
    title.text = "Répartition des contributions 2026 (en euros)"
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    document.add_paragraph("Les contributions en nature sont valorisées au coût réel.")
    out = io.BytesIO()
    document.save(out)
    path.write_bytes(fixed_zip(out.getvalue()))


def main() -> None:
    FOLDER.mkdir(parents=True, exist_ok=True)
    write_budget(FOLDER / BUDGET)
    write_headcount(FOLDER / HEADCOUNT)
    write_schedule(FOLDER / SCHEDULE)
    (FOLDER / EXPENSES).write_text(EXPENSES_TEXT, encoding="utf-8")
    (FOLDER / GRANTS).write_text(GRANTS_TEXT, encoding="utf-8")
    write_annex(FOLDER / ANNEX)
    heading = "the FICTIONAL table fixtures (second held-out set), written by eval/make_tables2_fixtures.py"
    write_manifest(FOLDER / "manifest.toml", MANIFEST, heading)
    (FOLDER / "README.md").write_text(
        "# Fictional table fixtures (second held-out set)\n\nInvented documents (a budget with sub-totals and VAT, a "
        "two-sheet head-count workbook, a PDF schedule, a semicolon CSV with decimal commas, a Markdown table in k€, "
        "a DOCX annex with a merged title row) for `eval/heldout_tables2.jsonl`. Written by "
        "`python -m eval.make_tables2_fixtures`; never copy them into `corpus/`.\n",
        encoding="utf-8",
    )


if __name__ == "__main__":
    main()
