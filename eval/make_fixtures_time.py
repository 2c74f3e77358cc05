"""Build the FICTIONAL fixtures of the time questions in ``eval/fixtures_time/``: a kick-off deck with a programme
by day (PPTX, English, days given by number only), an immersion week programme as a DOCX table (French, one row a
day), an e-mail thread whose three messages move a meeting (French, quoted lines of the earlier messages), and a CSV
of application steps with their deadlines (English). Every person, place and organisation is invented.

    python -m eval.make_fixtures_time
"""

from __future__ import annotations

import io
from datetime import datetime
from pathlib import Path

from pptx import Presentation
from pptx.util import Inches, Pt

from eval.make_fixtures import Meta, fixed_zip, write_docx, write_manifest

FOLDER = Path(__file__).parent / "fixtures_time"

DECK_META = Meta(
    file="kickoff-summer-trip-2026-02-02.pptx",
    title="Kick-off of the 2026 summer trip to Pune (fictional)",
    date="2026-02-02",
    language="en",
    source="Fictional fixture document: invented kick-off deck with a programme by day, created for testing.",
    subject="Fictional document created for testing",
    comments="Every name in this deck is invented.",
)
DECK: list[tuple[str, list[str]]] = [
    (
        "Kick-off meeting: summer trip to Pune 2026",
        ["Presented to the students on 2 February 2026", "Fictional document created for testing"],
    ),
    (
        "The trip at a glance",
        [
            "The summer trip takes place in Pune from 6 to 11 July 2026.",
            "Twelve students of the Loire School of Data travel with two staff members.",
            "Accommodation: Hotel Kalyani, near the campus of the Deccan Institute of Computing.",
        ],
    ),
    (
        "Day 1 – Arrival",
        [
            "07:40 Arrival at Pune airport",
            "11:00 Check-in at Hotel Kalyani",
            "19:00 Welcome dinner with the host students",
        ],
    ),
    ("Day 2 – Campus", ["09:00 Welcome session in the main auditorium", "14:00 Campus tour and library"]),
    ("Day 3 – Industry", ["09:30 Visit of the Tarkal robotics lab", "15:00 Workshop on computer vision"]),
    ("Day 4 – Culture", ["10:00 Guided walk in the old city", "16:00 Cooking class"]),
    ("Day 5 – Hackathon", ["09:00 Hackathon with the host students", "18:00 Prize-giving ceremony"]),
    ("Day 6 – Departure", ["Farewell breakfast at the hotel", "12:15 Bus to the airport"]),
]

WEEK_META = Meta(
    file="programme-semaine-immersion-2026-03-10.docx",
    title="Semaine d'immersion des étudiants du Deccan Institute à Nantes — programme (fictif)",
    date="2026-03-10",
    language="fr",
    source="Fictional fixture document: invented programme of an immersion week as a table, created for testing.",
    subject="Document fictif créé pour les tests",
    comments="Tous les noms de ce document sont inventés.",
)
WEEK = [
    ("title", "Semaine d'immersion à Nantes — programme"),
    ("note", "Document fictif créé pour les tests."),
    (
        "p",
        "La semaine d'immersion des étudiants du Deccan Institute of Computing se déroule à Nantes "
        "du lundi 13 avril au vendredi 17 avril 2026.",
    ),
    (
        "table",
        [
            ["Jour", "Date", "Horaire", "Activité", "Lieu"],
            [
                "Jour 1",
                "lundi 13 avril 2026",
                "9 h 30",
                "Accueil des étudiants et présentation de l'école",
                "Campus de la Chézine",
            ],
            ["Jour 2", "mardi 14 avril 2026", "10 h 00", "Atelier d'intelligence artificielle appliquée", "Salle B12"],
            ["Jour 3", "mercredi 15 avril 2026", "14 h 00", "Visite du chantier naval numérique", "Saint-Nazaire"],
            ["Jour 4", "jeudi 16 avril 2026", "9 h 00", "Hackathon franco-indien", "Campus de la Chézine"],
            ["Jour 5", "vendredi 17 avril 2026", "16 h 00", "Cérémonie de clôture", "Hôtel de ville de Nantes"],
        ],
    ),
    ("p", "Les repas du midi sont pris au restaurant du campus."),
]

THREAD_META = Meta(
    file="fil-courriels-comite-suivi-2026-03-17.txt",
    title="Fil de courriels : date de la réunion du comité de suivi (fictif)",
    date="2026-03-17",
    language="fr",
    source="Fictional fixture document: invented e-mail thread that moves a meeting twice, created for testing.",
)
THREAD = """\
Document fictif créé pour les tests / Fictional document created for testing
Export du fil « Comité de suivi » — boîte international@example.org
========================================================================

De : Claire Dubreuil <claire.dubreuil@example.org>
À : Arjun Kale <arjun.kale@example.org>
Date : mardi 17 mars 2026 16:05
Objet : RE: RE: Comité de suivi

Bonjour Arjun,

Finalement, la réunion du comité de suivi est reportée au jeudi 21 mai 2026 à 14 h, en visioconférence, \
car la salle du conseil n'est pas libre le 19 mai.

Bien cordialement,
Claire

Le lundi 9 mars 2026, Arjun Kale a écrit :
> Bonjour Claire,
> La réunion du comité de suivi est déplacée au mardi 19 mai 2026, même heure, à cause des examens.
> Cordialement,
> Arjun

------------------------------------------------------------------------

De : Arjun Kale <arjun.kale@example.org>
À : Claire Dubreuil <claire.dubreuil@example.org>
Date : lundi 9 mars 2026 11:20
Objet : RE: Comité de suivi

Bonjour Claire,

La réunion du comité de suivi est déplacée au mardi 19 mai 2026, même heure, à cause des examens.

Cordialement,
Arjun

Le lundi 2 mars 2026, Claire Dubreuil a écrit :
> Bonjour Arjun,
> La réunion du comité de suivi se tiendra le mardi 12 mai 2026 à 10 h à Nantes.
> Bien cordialement,
> Claire

------------------------------------------------------------------------

De : Claire Dubreuil <claire.dubreuil@example.org>
À : Arjun Kale <arjun.kale@example.org>
Date : lundi 2 mars 2026 09:12
Objet : Comité de suivi

Bonjour Arjun,

La réunion du comité de suivi se tiendra le mardi 12 mai 2026 à 10 h à Nantes.

Bien cordialement,
Claire
"""

STEPS_META = Meta(
    file="application-steps-2026-01-15.csv",
    title="Summer trip 2026: application steps and deadlines (fictional)",
    date="2026-01-15",
    language="en",
    source="Fictional fixture document: invented list of application steps with deadlines, created for testing.",
)
STEPS = """\
Step,Deadline,Details
Online application form,6 February 2026,Submit the form on the school portal (fictional document for testing)
Learning agreement signed,6 March 2026,Signed by the student and both schools
Visa appointment booked,3 April 2026,At the visa centre in Nantes
Travel insurance certificate,15 May 2026,Send a copy to the international office
Flight tickets issued,5 June 2026,Booked by the international office
"""


def write_deck(path: Path, slides: list[tuple[str, list[str]]], meta: Meta) -> None:
    """A deck of title-and-content slides, one a day of the programme, with fixed timestamps."""
    deck = Presentation()
    deck.core_properties.title = meta.title
    deck.core_properties.subject = meta.subject
    deck.core_properties.created = datetime.fromisoformat(meta.date)
    deck.core_properties.modified = datetime.fromisoformat(meta.date)
    deck.core_properties.last_modified_by = "make_fixtures_time.py"
    for title, lines in slides:
        slide = deck.slides.add_slide(deck.slide_layouts[1])
        slide.shapes.title.text = title
        body = slide.placeholders[1].text_frame
        body.text = lines[0]
        for line in lines[1:]:
            body.add_paragraph().text = line
        for paragraph in body.paragraphs:
            for run in paragraph.runs:
                run.font.size = Pt(20)
        slide.placeholders[1].width = Inches(9)
    buffer = io.BytesIO()
    deck.save(buffer)
    path.write_bytes(fixed_zip(buffer.getvalue()))


def main() -> None:
    FOLDER.mkdir(parents=True, exist_ok=True)
    write_deck(FOLDER / DECK_META.file, DECK, DECK_META)
    write_docx(FOLDER / WEEK_META.file, WEEK, WEEK_META)  # type: ignore[arg-type]
    (FOLDER / THREAD_META.file).write_text(THREAD, encoding="utf-8")
    (FOLDER / STEPS_META.file).write_text(STEPS, encoding="utf-8")
    write_manifest(FOLDER / "manifest.toml", [DECK_META, WEEK_META, THREAD_META, STEPS_META])


if __name__ == "__main__":
    main()
