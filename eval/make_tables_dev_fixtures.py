"""Write the FICTIONAL development fixtures of `eval/fixtures_tables_dev/`, for development questions of
`eval/gold_tables_dev.jsonl` (ids `dt4-*`) about figures written in words in prose, amounts written with units and
multipliers ("15k€", "1,2 M€", "12 500 €", "€12,500", a "(k€)" header), and figures the tables do not hold.

They exist so that these cases are tuned on documents that no held-out question is about. Every organisation,
programme, person and amount is invented (the "Pèlerin" consortium, the Tamsin field school, Norvane Institute,
Orrin Foundation, Tallis Bank, Merrow Ltd). Run `python -m eval.make_tables_dev_fixtures` to write them again.
"""

from __future__ import annotations

import io
from datetime import datetime
from pathlib import Path

from docx import Document

from eval.make_fixtures import fixed_zip
from eval.make_tables_fixtures import write_manifest

FOLDER = Path(__file__).parent / "fixtures_tables_dev"
FIXED_TIME = datetime(2026, 3, 1)
NOTICE = "Document fictif, créé pour tester partnerbot : organisations, personnes et montants sont imaginaires."
NOTICE_EN = "Fictional document, created to test partnerbot: organisations, people and amounts are invented."

NOTE = "note-consortium-pelerin-2027.docx"
SCHOOL = "tamsin-field-school-2027.md"
SPONSORS = "tamsin-sponsors-2027.csv"

MANIFEST = {
    NOTE: ("Note de cadrage du consortium Pèlerin 2027", "2026-02-10", "fr", "invented project note"),
    SCHOOL: ("Tamsin field school 2027: budget", "2026-01-15", "en", "invented Markdown page"),
    SPONSORS: ("Tamsin field school 2027: sponsors' pledges", "2026-01-20", "en", "invented CSV export"),
}


def write_note(path: Path) -> None:
    """A French note: figures in words in its prose, a budget table whose amounts carry their multipliers."""
    document = Document()
    document.core_properties.title = MANIFEST[NOTE][0]
    document.core_properties.created = document.core_properties.modified = FIXED_TIME
    document.add_heading("Note de cadrage : consortium Pèlerin 2027", 1)
    document.add_paragraph(NOTICE)
    document.add_paragraph(
        "Le consortium Pèlerin réunit douze partenaires répartis dans quatre pays. "
        "Son comité scientifique compte neuf membres et se réunit trois fois par an."
    )
    document.add_paragraph("L'école d'été du consortium dure trois semaines et accueillera soixante étudiants.")
    rows = [
        ("Poste", "Montant"),
        ("Équipement du laboratoire", "1,2 M€"),
        ("Bourses de mobilité", "15k€"),
        ("Traduction des supports", "12 500 €"),
        ("Voyages vers les partenaires américains", "$8,000"),
    ]
    table = document.add_table(rows=len(rows), cols=2)
    table.style = "Table Grid"
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    document.add_paragraph("Les montants en dollars sont versés par le partenaire américain.")
    out = io.BytesIO()
    document.save(out)
    path.write_bytes(fixed_zip(out.getvalue()))


SCHOOL_TEXT = f"""# Tamsin field school 2027: budget

{NOTICE_EN}

The Tamsin field school welcomes eleven people from three universities each summer. The school lasts six weeks,
and each fellow receives a monthly stipend of nine hundred euros.

| Item | Amount (k€) | Funded by |
|---|---|---|
| Field equipment | 42 | Norvane Institute |
| Local transport | 7,5 | Orrin Foundation |
| Catering | 12 | Orrin Foundation |

The budget is reviewed by the school's board in March.
"""

SPONSORS_TEXT = """Fictional export created to test partnerbot (organisations and amounts are invented),,
Sponsor,Pledge,Paid on
Orrin Foundation,"€12,500",2027-01-10
Tallis Bank,"€40,000",2027-02-03
Merrow Ltd,"£5,000",2027-02-17
"""


def main() -> None:
    FOLDER.mkdir(parents=True, exist_ok=True)
    write_note(FOLDER / NOTE)
    (FOLDER / SCHOOL).write_text(SCHOOL_TEXT, encoding="utf-8")
    (FOLDER / SPONSORS).write_text(SPONSORS_TEXT, encoding="utf-8")
    heading = "the FICTIONAL development fixtures, written by eval/make_tables_dev_fixtures.py"
    write_manifest(FOLDER / "manifest.toml", MANIFEST, heading)
    (FOLDER / "README.md").write_text(
        "# Fictional development fixtures (tables and numbers)\n\nInvented documents (a French note with figures in "
        "words and amounts with multipliers, an English Markdown budget in k€, a CSV of pledges in two currencies) "
        "for the `dt4-*` development questions of `eval/gold_tables_dev.jsonl`. Written by "
        "`python -m eval.make_tables_dev_fixtures`; never copy them into `corpus/`.\n",
        encoding="utf-8",
    )


if __name__ == "__main__":
    main()
