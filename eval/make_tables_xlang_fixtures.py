"""Write the FICTIONAL held-out fixtures of `eval/fixtures_tables_xlang/`, for `eval/heldout_tables_xlang.jsonl`:
cell lookups asked in the other language than the table's (an English question about a French table whose headers
are "Salle", "Intervenant(e)", "Référent", "Statut", "Échéance", and a French question about an English table).

Every organisation, event, person, place and room is invented (the Lunéval meetings, the Orvanne consortium, the
Belcastel Institute, the Pellworth Institute). Run `python -m eval.make_tables_xlang_fixtures` to write them again.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from eval.make_fixtures import write_sheet
from eval.make_tables_fixtures import write_manifest

FOLDER = Path(__file__).parent / "fixtures_tables_xlang"
FIXED_TIME = datetime(2026, 11, 2)
NOTICE = "Document fictif, créé pour tester partnerbot : organisations, personnes, lieux et salles sont imaginaires."
NOTICE_EN = "Fictional document, created to test partnerbot: organisations, people, places and rooms are invented."

WORKSHOPS = "ateliers-rencontres-luneval-2027.md"
ACTIONS = "suivi-actions-consortium-orvanne-2027.csv"
DEFENCES = "soutenances-institut-belcastel-2027.xlsx"
SEMINARS = "pellworth-institute-seminars-2027.md"

MANIFEST = {
    WORKSHOPS: ("Rencontres de Lunéval 2027 : programme des ateliers", "2026-10-12", "fr", "invented Markdown page"),
    ACTIONS: ("Consortium Orvanne : suivi des actions 2027", "2026-10-20", "fr", "invented semicolon CSV export"),
    DEFENCES: ("Institut Belcastel : soutenances de mémoire 2027", "2026-10-28", "fr", "invented workbook"),
    SEMINARS: ("Pellworth Institute: seminar series 2027", "2026-09-30", "en", "invented Markdown page"),
}

WORKSHOPS_TEXT = f"""# Rencontres de Lunéval 2027 : programme des ateliers

{NOTICE}

Les Rencontres de Lunéval réunissent chaque printemps les équipes des laboratoires partenaires. Les ateliers
ont lieu l'après-midi ; l'inscription est obligatoire.

| Atelier | Jour | Salle | Intervenant(e) | Durée |
|---|---|---|---|---|
| Cartographie participative | Mardi | Salle Azur | Inès Morvan | 2 h |
| Écriture scientifique | Mercredi | Salle Garance | Théo Valcourt | 3 h |
| Données ouvertes | Jeudi | Amphi Nord | Léa Castagne | 1 h 30 |
| Prototypage rapide | Vendredi | Salle Ocre | Rémi Dubreuil | 4 h |

Les supports des ateliers seront envoyés aux inscrits la semaine précédente.
"""

ACTIONS_TEXT = f"""{NOTICE};;;;
Action;Référent;Statut;Échéance;Lieu
Signature de l'accord-cadre;Camille Ferrand;Terminé;15/01/2027;Bréval
Recrutement de la cheffe de projet;Yanis Belkacem;En cours;31/03/2027;Quessac
Lancement du site web;Nadia Roussel;À venir;20/05/2027;Bréval
Audit financier;Paul Lemarchand;Suspendu;30/06/2027;Montval-sur-Ysel
Séminaire de lancement;Odile Sarrazin;En cours;14/09/2027;Port-Anselme
"""

DEFENCES_ROWS = [
    ("Parcours", "Salle", "Président(e) du jury", "Durée", "Échéance du dépôt"),
    ("Géographie urbaine", "B-214", "Hélène Marchetti", "45 min", "04/06/2027"),
    ("Sciences des données", "C-103", "Arnaud Levasseur", "60 min", "11/06/2027"),
    ("Histoire contemporaine", "A-008", "Solène Picard", "40 min", "18/06/2027"),
]

SEMINARS_TEXT = f"""# Pellworth Institute: seminar series 2027

{NOTICE_EN}

The Pellworth Institute's environmental science seminars are open to the public; each starts at 5 pm.

| Seminar | Speaker | Room | Status |
|---|---|---|---|
| Soil carbon modelling | Dr Aldous Penhallow | Room B12 | Confirmed |
| Coastal erosion | Dr Marisol Quenby | Lecture Hall 3 | To be confirmed |
| Urban heat islands | Prof. Idris Tolland | Room C4 | Cancelled |
| Wetland restoration | Dr Fenna Arkwright | Room B12 | Confirmed |
"""


def write_defences(path: Path) -> None:
    """A French workbook: one sheet, a notice line above the header."""
    write_sheet(
        path,
        "Soutenances",
        f"Soutenances de mémoire par parcours. {NOTICE}",
        DEFENCES_ROWS,
        MANIFEST[DEFENCES][0],
        FIXED_TIME,
    )


def main() -> None:
    FOLDER.mkdir(parents=True, exist_ok=True)
    (FOLDER / WORKSHOPS).write_text(WORKSHOPS_TEXT, encoding="utf-8")
    (FOLDER / ACTIONS).write_text(ACTIONS_TEXT, encoding="utf-8")
    write_defences(FOLDER / DEFENCES)
    (FOLDER / SEMINARS).write_text(SEMINARS_TEXT, encoding="utf-8")
    heading = "the FICTIONAL cross-language table fixtures (held-out), written by eval/make_tables_xlang_fixtures.py"
    write_manifest(FOLDER / "manifest.toml", MANIFEST, heading)
    (FOLDER / "README.md").write_text(
        "# Fictional cross-language table fixtures (held-out)\n\nInvented documents (a French Markdown table of "
        "workshops, a French semicolon CSV of actions, a French workbook of thesis defences, an English Markdown "
        "table of seminars) for `eval/heldout_tables_xlang.jsonl`. Written by "
        "`python -m eval.make_tables_xlang_fixtures`; never copy them into `corpus/`.\n",
        encoding="utf-8",
    )


if __name__ == "__main__":
    main()
