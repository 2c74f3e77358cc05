"""Whole sentences from every format: PDFs in narrow columns with page headers and footers, hyphenated words, DOCX
line breaks, and HTML pages whose navigation, cookie banner and footer are not content."""

from __future__ import annotations

import re

import docx
import pytest
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate, Paragraph

from core.text import sentences
from ingest.layout import reflow
from ingest.pipeline import ingest

# A fictional text written for the test: its sentences are what every quote must be made of.
SENTENCES = [
    "Ce document fictif a été rédigé pour vérifier la mise en page des citations.",
    "Le comité de coordination du consortium imaginaire Lumen s'est réuni le 14 mars 2031 à Norvelle.",
    "Mme Odile Ferrat, directrice de l'Institut Polytechnique de Norvelle, a présenté le programme de coopération.",
    "Les participants ont approuvé la création d'un séminaire interdisciplinaire consacré aux données ouvertes.",
    "Une école d'été réunira quarante étudiants venus des deux établissements partenaires pendant une semaine.",
    "Les frais de déplacement des étudiants seront entièrement pris en charge par l'agence régionale fictive.",
    "La prochaine réunion du comité aura lieu à Chennai au début du mois de juin de la même année.",
    "Le secrétariat diffusera le compte rendu définitif à tous les membres avant la fin du mois.",
] * 3
HEADER = "CONSORTIUM LUMEN — compte rendu fictif"


def narrow_pdf(path, hyphenate: bool = False) -> None:
    """Three narrow columns a page, a header and a numbered footer on every page."""
    text = " ".join(SENTENCES)
    if hyphenate:  # force end-of-line hyphens the way typesetting does
        text = text.replace("interdisciplinaire", "inter-<br/>disciplinaire").replace(
            "coordination", "coordi-<br/>nation"
        )
    style = ParagraphStyle("body", fontName="Helvetica", fontSize=9, leading=11)
    width, height = A4
    column = (width - 80) / 3

    def furniture(canvas, doc) -> None:
        canvas.setFont("Helvetica", 8)
        canvas.drawString(40, height - 30, HEADER)
        canvas.drawString(40, 20, f"Page {doc.page} — document de test")

    frames = [Frame(40 + i * (column + 0), 40, column - 10, height - 90, id=f"c{i}") for i in range(3)]
    document = BaseDocTemplate(str(path), pagesize=A4, invariant=1)
    document.addPageTemplates([PageTemplate(id="cols", frames=frames, onPage=furniture)])
    document.build([Paragraph(text, style) for _ in range(3)])


def quoted_sentences(store) -> list[str]:
    return [s for chunk in store.chunks() for s in sentences(chunk.text)]


@pytest.mark.integration
@pytest.mark.parametrize("hyphenate", [False, True])
def test_pdf_quotes_are_whole_sentences_without_headers_or_footers(tmp_path, settings, make_store, hyphenate):
    folder = tmp_path / "docs"
    folder.mkdir()
    narrow_pdf(folder / "colonnes.pdf", hyphenate)
    store = make_store(settings)
    ingest([folder], settings, store=store)
    found = quoted_sentences(store)
    assert len({c.metadata["page"] for c in store.chunks()}) >= 2  # the text really spans pages
    whole = set(SENTENCES)
    broken = [s for s in found if s not in whole]
    assert not broken, broken[:3]
    assert not any(HEADER in c.text or re.search(r"Page \d+ —", c.text) for c in store.chunks())


@pytest.mark.unit
def test_reflow_joins_broken_lines_keeps_items_and_undoes_hyphenation():
    lines = [
        "Étaient présents :",
        "- Mme Odile Ferrat, directrice,",
        "Institut Polytechnique de Norvelle",
        "- Dr. Ravi Kannan, Dean of Research",
        "Ils étaient accompagnés de Mme Inès",
        "Calvo, responsable de la coopé-",
        "ration internationale, et du Dr.",
        "Hugo Marchetti-",
        "Duval.",
    ]
    assert reflow(lines).split("\n") == [
        "Étaient présents :",
        "- Mme Odile Ferrat, directrice, Institut Polytechnique de Norvelle",
        "- Dr. Ravi Kannan, Dean of Research",
        "Ils étaient accompagnés de Mme Inès Calvo, responsable de la coopération internationale, et du Dr. "
        "Hugo Marchetti-Duval.",
    ]


@pytest.mark.integration
def test_docx_lines_broken_inside_a_sentence_are_joined(tmp_path, settings, make_store):
    folder = tmp_path / "docs"
    folder.mkdir()
    document = docx.Document()
    paragraph = document.add_paragraph("Le comité fictif de Norvelle a décidé de lancer un appel")
    paragraph.add_run().add_break()
    paragraph.add_run("à projets commun en septembre 2031.")
    document.save(folder / "note.docx")
    store = make_store(settings)
    ingest([folder], settings, store=store)
    assert quoted_sentences(store) == [
        "Le comité fictif de Norvelle a décidé de lancer un appel à projets commun en septembre 2031."
    ]


@pytest.mark.integration
def test_html_page_chrome_is_not_indexed(tmp_path, settings, make_store):
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "lettre.html").write_text(
        """<html><head><title>Lettre fictive</title></head><body>
        <header><nav><a href="/">Accueil</a> <a href="/actu">Actualités</a></nav></header>
        <div id="cookie-banner">Nous utilisons des cookies pour mesurer l'audience. Accepter</div>
        <main><article><h1>Le consortium Lumen signe sa charte</h1>
        <p>Document fictif. Le consortium imaginaire Lumen a signé sa charte le 5 mai 2031 à Norvelle.</p></article>
        <aside class="sidebar"><h2>À lire aussi</h2><p>Save the date : école d'été du 1er au 5 juin 2030.</p></aside>
        </main>
        <footer>© 2031 Agence fictive — Mentions légales — Se désabonner</footer></body></html>""",
        encoding="utf-8",
    )
    store = make_store(settings)
    ingest([folder], settings, store=store)
    text = " ".join(c.text for c in store.chunks())
    assert "a signé sa charte le 5 mai 2031" in text
    for chrome in ("cookies", "©", "Mentions légales", "Accueil", "Save the date", "1er au 5 juin"):
        assert chrome not in text
