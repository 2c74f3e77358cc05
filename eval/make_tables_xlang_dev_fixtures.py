"""Write the FICTIONAL development fixtures of `eval/fixtures_tables_xlang_dev/`, for
`eval/gold_tables_xlang_dev.jsonl`: cell lookups asked in the other language than the table's, on documents that no
held-out question is about (`eval/fixtures_tables_xlang/` is the held-out set's).

Every organisation, event, person, place and room is invented (Maison Cardelle, the Tessonne network, the Aurette
hub and its visiting delegations, Corran College). Run `python -m eval.make_tables_xlang_dev_fixtures` to write them
again.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from eval.make_fixtures import write_sheet
from eval.make_tables_fixtures import write_manifest

FOLDER = Path(__file__).parent / "fixtures_tables_xlang_dev"
FIXED_TIME = datetime(2026, 11, 9)
NOTICE = "Document fictif, créé pour tester partnerbot : organisations, personnes, lieux et salles sont imaginaires."
NOTICE_EN = "Fictional document, created to test partnerbot: organisations, people, places and rooms are invented."

TRAININGS = "planning-formations-maison-cardelle-2027.md"
DELIVERABLES = "livrables-reseau-tessonne-2027.csv"
DELEGATIONS = "accueil-delegations-pole-aurette-2027.xlsx"
LECTURES = "corran-college-guest-lectures-2027.md"

MANIFEST = {
    TRAININGS: ("Maison Cardelle : planning des formations 2027", "2026-11-03", "fr", "invented Markdown page"),
    DELIVERABLES: ("Réseau Tessonne : livrables 2027", "2026-11-05", "fr", "invented CSV export"),
    DELEGATIONS: ("Pôle Aurette : accueil des délégations 2027", "2026-11-06", "fr", "invented workbook"),
    LECTURES: ("Corran College: guest lectures 2027", "2026-10-15", "en", "invented Markdown page"),
}

TRAININGS_TEXT = f"""# Maison Cardelle : planning des formations 2027

{NOTICE}

La Maison Cardelle propose chaque printemps des formations courtes à ses adhérents.

| Formation | Date | Salle | Formateur | Durée | Statut |
|---|---|---|---|---|---|
| Gestion de projet | 12/04/2027 | Salle Tilleul | Marc Aubert | 1 jour | Confirmée |
| Prise de parole en public | 19/04/2027 | Salle Bouleau | Claire Nivelle | 2 jours | Complète |
| Tableurs avancés | 26/04/2027 | Salle Érable | Hugo Ferrandi | 3 h | Annulée |
"""

DELIVERABLES_TEXT = f"""\"{NOTICE}\",,,,
Livrable,Responsable,Statut,Échéance,Lieu de remise
Rapport intermédiaire,Agathe Roumier,Remis,28/02/2027,Tessonne
Plan de communication,Bastien Kerléo,En retard,15/04/2027,Vireux
Bilan financier,Maëlle Corbin,En attente,30/09/2027,Tessonne
"""

DELEGATIONS_ROWS = [
    ("Délégation", "Salle de réunion", "Interlocuteur", "Durée de la visite", "Jour"),
    ("Délégation de Kaloria", "Salle Horizon", "Julien Maréchal", "2 h", "Lundi"),
    ("Délégation de Brenmoor", "Salle Zénith", "Anaïs Cotteret", "90 min", "Mercredi"),
    ("Délégation de Sundhavn", "Salle Horizon", "Victor Lhomme", "3 h", "Vendredi"),
]

LECTURES_TEXT = f"""# Corran College: guest lectures 2027

{NOTICE_EN}

| Lecture | Lecturer | Room | Duration | Status |
|---|---|---|---|---|
| Tidal energy | Dr Orla Fenwick | Room 2.14 | 45 min | Confirmed |
| Machine translation | Prof. Dev Saranath | Great Hall | 60 min | Postponed |
| Medieval trade routes | Dr Ysolde Marr | Room 1.07 | 50 min | Confirmed |
"""


def write_delegations(path: Path) -> None:
    """A French workbook: one sheet, a notice line above the header."""
    write_sheet(
        path,
        "Délégations",
        f"Accueil des délégations. {NOTICE}",
        DELEGATIONS_ROWS,
        MANIFEST[DELEGATIONS][0],
        FIXED_TIME,
    )


def main() -> None:
    FOLDER.mkdir(parents=True, exist_ok=True)
    (FOLDER / TRAININGS).write_text(TRAININGS_TEXT, encoding="utf-8")
    (FOLDER / DELIVERABLES).write_text(DELIVERABLES_TEXT, encoding="utf-8")
    write_delegations(FOLDER / DELEGATIONS)
    (FOLDER / LECTURES).write_text(LECTURES_TEXT, encoding="utf-8")
    heading = (
        "the FICTIONAL cross-language table fixtures (development), written by eval/make_tables_xlang_dev_fixtures.py"
    )
    write_manifest(FOLDER / "manifest.toml", MANIFEST, heading)
    (FOLDER / "README.md").write_text(
        "# Fictional cross-language table fixtures (development)\n\nInvented documents (a French Markdown table of "
        "trainings, a French CSV of deliverables, a French workbook of visiting delegations, an English Markdown "
        "table of guest lectures) for `eval/gold_tables_xlang_dev.jsonl`. Written by "
        "`python -m eval.make_tables_xlang_dev_fixtures`; never copy them into `corpus/`.\n",
        encoding="utf-8",
    )


if __name__ == "__main__":
    main()
