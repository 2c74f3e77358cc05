"""Build the fictional evaluation fixtures in ``eval/fixtures/``.

Everything this script writes is FICTIONAL: the four partner organisations (École Confluence
d'Intelligence Artificielle, Région Haute-Rhodanie, Western Ghats Institute of Information Technology,
Haute-Rhodanie Invest), the companies, the people, their roles and every date and figure are invented.
Only city names (Lyon, Pune, Paris) are real. The documents test that the bot answers questions about
documents it was not written for; they must never be copied into ``corpus/``.

The script builds ten documents in varied formats and layouts (DOCX with headings and a table, two-column
PDF with a repeated header and footer, Markdown, HTML with page chrome, plain-text e-mail export and
press release) plus ``manifest.toml``. The output is deterministic: PDFs are written with reportlab's
``invariant=1`` and DOCX packages get fixed core-property dates and fixed zip timestamps, so running the
script twice gives byte-identical files. ``facts.jsonl`` and ``README.md`` in the same folder are written
by hand and are not touched here.

Run from the repository root::

    .venv/bin/python eval/make_fixtures.py
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from xml.sax.saxutils import escape

from docx import Document
from docx.shared import Pt
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    FrameBreak,
    NextPageTemplate,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

FIXTURES = Path(__file__).resolve().parent / "fixtures"

# A block of a DOCX or PDF document: (kind, text) or ("table", rows). Kinds: note, title, subtitle,
# h1, h2, p, bullet, kv (text "Label:|value", the label is set in bold), table (first row = header).
Block = tuple[str, str] | tuple[str, list[list[str]]]

FIXED_ZIP_TIME = (2025, 1, 1, 0, 0, 0)


@dataclass(frozen=True)
class Meta:
    """Metadata of one generated document (used for the file properties and the manifest)."""

    file: str
    title: str
    date: str
    language: str
    source: str
    subject: str = ""
    comments: str = ""


# --------------------------------------------------------------------------------------------------
# 1. Kick-off meeting minutes (French, DOCX)
# --------------------------------------------------------------------------------------------------

KICKOFF_META = Meta(
    file="compte-rendu-lancement-2025-02-12.docx",
    title="Compte rendu de la réunion de lancement du partenariat Rhodanie–Ghats",
    date="2025-02-12",
    language="fr",
    source="Fictional fixture document: invented minutes of a kick-off meeting, created for testing.",
    subject="Fictional document for testing",
    comments="Document fictif créé pour les tests. Personnes et organisations imaginaires.",
)

KICKOFF: list[Block] = [
    ("note", "Document fictif créé pour les tests — les personnes et organisations citées sont imaginaires."),
    ("title", "Partenariat Rhodanie–Ghats"),
    ("h1", "Compte rendu de la réunion de lancement"),
    ("kv", "Date :|12 février 2025, de 10 h 00 à 12 h 30 (heure de Paris)"),
    ("kv", "Lieu :|visioconférence (Lyon – Pune)"),
    ("kv", "Rédaction :|Clémence Ngo, ECIA — Diffusion : membres du partenariat"),
    ("h2", "1. Participants"),
    ("p", "Étaient présents :"),
    (
        "bullet",
        "Prof. Hélène Marchetti-Duval, directrice générale, École Confluence d'Intelligence Artificielle (ECIA)",
    ),
    ("bullet", "Dr Amélie Rousseau, doyenne de la recherche, ECIA"),
    ("bullet", "M. Jean-Marc Rollin, directeur des relations internationales, ECIA"),
    ("bullet", "Mme Clémence Ngo, chargée de mission Asie, ECIA"),
    ("bullet", "M. Étienne Vasseur, directeur de l'enseignement supérieur et de la recherche, Région Haute-Rhodanie"),
    ("bullet", "Mme Nadia Belkacem, responsable du pôle Asie-Pacifique, Haute-Rhodanie Invest"),
    (
        "bullet",
        "Prof. Meenakshi Raghunathan, Director, Western Ghats Institute of Information Technology (WGIIT), Pune",
    ),
    ("bullet", "Dr. Vikram Deshpande, Head of the Department of Computational Sciences, WGIIT"),
    ("bullet", "Dr Priya Nair, Director of International Relations, WGIIT"),
    (
        "p",
        "Ils étaient accompagnés de Mme Kavya Subramanian, coordinatrice de la mobilité étudiante au WGIIT, et de "
        "M. Thomas Guérin, chargé d'affaires Inde à Haute-Rhodanie Invest, présents en qualité d'observateurs. "
        "Au total, onze personnes ont participé à la réunion.",
    ),
    ("p", "Excusés :"),
    (
        "bullet",
        "Mme Sophie Garnier, vice-présidente chargée de l'enseignement supérieur, de la recherche et de "
        "l'innovation, Région Haute-Rhodanie",
    ),
    ("bullet", "Mr Arjun Patwardhan, Registrar, WGIIT"),
    ("h2", "2. Contexte"),
    (
        "p",
        "La réunion a été ouverte par Prof. Hélène Marchetti-Duval, qui a rappelé que le protocole d'accord (MoU) "
        "entre l'ECIA et le WGIIT a été signé le 15 janvier 2025. Le partenariat associe désormais quatre "
        "organisations : l'ECIA, la Région Haute-Rhodanie, le WGIIT et Haute-Rhodanie Invest, l'agence "
        "d'attractivité et d'investissement de la Région. M. Étienne Vasseur a indiqué que la Région soutiendra "
        "le partenariat dans le cadre de son programme « Haute-Rhodanie Monde ».",
    ),
    ("h2", "3. Décisions"),
    (
        "bullet",
        "La convention de partenariat entre les quatre organisations sera signée à Lyon au début du mois "
        "d'avril 2025, à l'occasion de la visite d'une délégation du WGIIT.",
    ),
    (
        "bullet",
        "Un comité de pilotage réunissant les quatre partenaires se tiendra deux fois par an ; sa première "
        "réunion aura lieu en juin 2025 à Pune, au WGIIT.",
    ),
    (
        "bullet",
        "Une école d'automne franco-indienne sur l'IA responsable sera organisée à Pune du 6 au 10 octobre 2025 ; "
        "elle accueillera des étudiants de l'ECIA et du WGIIT.",
    ),
    (
        "bullet",
        "Le principe d'un échange d'enseignants-chercheurs entre l'ECIA et le WGIIT est retenu ; ses modalités "
        "seront précisées par le comité de pilotage.",
    ),
    ("h2", "4. Points discutés"),
    (
        "p",
        "Dr Amélie Rousseau a présenté trois thèmes de recherche communs : l'IA frugale, le traitement automatique "
        "des langues et la gouvernance des données. Dr. Vikram Deshpande a proposé d'y associer les laboratoires "
        "de son département. Mme Nadia Belkacem a présenté l'offre d'accompagnement de Haute-Rhodanie Invest pour "
        "les entreprises indiennes souhaitant s'implanter en Haute-Rhodanie.",
    ),
    (
        "p",
        "Dr Priya Nair a souligné que le calendrier universitaire du WGIIT devra être pris en compte pour fixer "
        "les dates de l'école d'automne.",
    ),
    ("h2", "5. Prochaines étapes"),
    (
        "bullet",
        "Transmettre le projet de convention aux partenaires avant le 28 février 2025 (responsable "
        ": M. Jean-Marc Rollin).",
    ),
    (
        "bullet",
        "Préparer le programme de l'école d'automne (responsables : Mme Clémence Ngo et Mme Kavya Subramanian).",
    ),
    (
        "bullet",
        "Étudier le lancement d'un appel à projets de recherche conjoint en 2026 (responsable : Dr Amélie Rousseau).",
    ),
    ("p", "Prochaine réunion : comité de pilotage, juin 2025, Pune."),
]

# --------------------------------------------------------------------------------------------------
# 2. Delegation visit programme (English, DOCX with a table)
# --------------------------------------------------------------------------------------------------

VISIT_META = Meta(
    file="programme-visite-delegation-2025-03-24.docx",
    title="Programme of the WGIIT delegation visit to Lyon",
    date="2025-03-24",
    language="en",
    source="Fictional fixture document: invented programme of a delegation visit, created for testing.",
    subject="Fictional document for testing",
    comments="Fictional document created for testing. All people and organisations are invented.",
)

VISIT: list[Block] = [
    ("note", "Fictional document created for testing — all people and organisations are invented."),
    ("title", "Visit of the WGIIT delegation to Lyon"),
    ("h1", "Programme — Thursday, April 3, 2025"),
    (
        "p",
        "Issued on 24 March 2025 by the International Relations Office of the École Confluence d'Intelligence "
        "Artificielle (ECIA).",
    ),
    ("h2", "Delegation"),
    (
        "p",
        "The delegation of the Western Ghats Institute of Information Technology (WGIIT), Pune, is composed of "
        "four members:",
    ),
    ("bullet", "Prof. Meenakshi Raghunathan, Director"),
    ("bullet", "Dr. Vikram Deshpande, Head of the Department of Computational Sciences"),
    ("bullet", "Mr Arjun Patwardhan, Registrar"),
    ("bullet", "Dr. Rohan Mehta, Associate Professor"),
    ("h2", "Hosts"),
    (
        "p",
        "The delegation will be welcomed by Prof. Hélène Marchetti-Duval, Director General of ECIA, and "
        "Dr Amélie Rousseau, Dean of Research. They will be accompanied throughout the day by Mr Jean-Marc Rollin, "
        "Director of International Relations, and Ms Clémence Ngo, Asia Programme Officer.",
    ),
    ("h2", "Programme of the day"),
    (
        "table",
        [
            ["Time", "Activity", "Place", "Speakers"],
            ["08:45", "Arrival and welcome coffee", "ECIA campus, Lyon Confluence", "Prof. Hélène Marchetti-Duval"],
            [
                "09:30",
                "Presentation of the ECIA research labs and of the three joint research themes",
                "ECIA, Amphitheatre B",
                "Dr Amélie Rousseau; Dr. Vikram Deshpande",
            ],
            [
                "11:00",
                "Tour of the frugal AI lab and student project demonstrations",
                "ECIA, building C",
                "Prof. Yasmine Haddad, Professor of Machine Learning, ECIA",
            ],
            ["12:30", "Lunch", "ECIA restaurant", "—"],
            [
                "14:30",
                "Signing ceremony of the partnership agreement, followed by a press point",
                "Hôtel de Région, Lyon",
                "Ms Sophie Garnier, Vice-President for Higher Education, Research and Innovation, Région "
                "Haute-Rhodanie; Prof. Meenakshi Raghunathan; Prof. Hélène Marchetti-Duval",
            ],
            [
                "16:00",
                "Meeting with two Lyon AI start-ups, Ferrovane Analytics and Orbelle Robotique",
                "Haute-Rhodanie Invest offices, Lyon",
                "Ms Nadia Belkacem, Head of the Asia-Pacific Desk, Haute-Rhodanie Invest",
            ],
            [
                "19:30",
                "Official dinner",
                "Vieux-Lyon",
                "Hosted by Mr Étienne Vasseur, Director of Higher Education and Research, Région Haute-Rhodanie",
            ],
        ],
    ),
    ("h2", "Practical information"),
    (
        "p",
        "The delegation arrives in Lyon on 2 April 2025 and leaves for Paris on 4 April 2025. Transport between "
        "the venues will be provided by ECIA. The signing ceremony is open to the press on registration.",
    ),
    ("p", "Contact on the day: Ms Clémence Ngo, +33 4 00 00 12 34."),
]

# --------------------------------------------------------------------------------------------------
# 3. Partnership agreement (French, Markdown)
# --------------------------------------------------------------------------------------------------

CONVENTION_META = Meta(
    file="convention-partenariat-2025-04-03.md",
    title="Convention de partenariat Rhodanie–Ghats",
    date="2025-04-03",
    language="fr",
    source="Fictional fixture document: invented partnership agreement, created for testing.",
)

CONVENTION = """\
> Document fictif créé pour les tests — les personnes et organisations citées sont imaginaires.

# Convention de partenariat Rhodanie–Ghats

Convention de coopération en intelligence artificielle et en science des données.

## Entre les soussignés

1. L'École Confluence d'Intelligence Artificielle (ECIA), établissement privé d'enseignement supérieur dont \
le siège est à Lyon, représentée par sa directrice générale, Prof. Hélène Marchetti-Duval ;
2. La Région Haute-Rhodanie, ci-après « la Région », représentée par Mme Sophie Garnier, vice-présidente \
chargée de l'enseignement supérieur, de la recherche et de l'innovation, dûment habilitée à cet effet ;
3. Le Western Ghats Institute of Information Technology (WGIIT), institut de technologie établi à Pune (Inde), \
représenté par sa directrice, Prof. Meenakshi Raghunathan ;
4. Haute-Rhodanie Invest (HRI), agence d'attractivité et d'investissement de la Région Haute-Rhodanie, \
représentée par son représentant légal ;

ci-après dénommées ensemble « les Parties ».

## Préambule

Vu le protocole d'accord signé le 15 janvier 2025 entre l'ECIA et le WGIIT ;

Vu la réunion de lancement du partenariat tenue le 12/02/2025 ;

Considérant la volonté des Parties de développer des formations, des projets de recherche et des \
investissements communs entre la Haute-Rhodanie et l'Inde, les Parties conviennent de ce qui suit.

## Article 1 — Objet

La présente convention a pour objet de définir le cadre de la coopération entre les Parties dans les domaines \
de l'intelligence artificielle, de la science des données et de l'innovation.

## Article 2 — Durée

La présente convention est conclue pour une durée de quatre ans à compter de la date de sa signature. Elle \
pourra être renouvelée par avenant signé par l'ensemble des Parties.

## Article 3 — Engagements des Parties

3.1. L'ECIA s'engage à accueillir chaque année des étudiants et des enseignants-chercheurs du WGIIT et à \
assurer la coordination du partenariat.

3.2. Le WGIIT s'engage à organiser chaque année à Pune une école d'automne ouverte aux étudiants des deux \
établissements ; la première édition se tiendra du 6 au 10 octobre 2025.

3.3. La Région s'engage à contribuer au financement du partenariat à hauteur de 300 000 euros sur la durée \
de la convention, notamment pour les mobilités étudiantes et pour un appel à projets de recherche conjoint.

3.4. Haute-Rhodanie Invest s'engage à accompagner les entreprises indiennes souhaitant s'implanter en \
Haute-Rhodanie et à organiser une journée investisseurs en Inde.

## Article 4 — Gouvernance

Un comité de pilotage composé de deux représentants de chaque Partie est institué. Il se réunit au moins deux \
fois par an, alternativement en France et en Inde, et il est coprésidé par la directrice générale de l'ECIA \
et par la directrice du WGIIT. Le secrétariat du comité est assuré par la direction des relations \
internationales de l'ECIA.

## Article 5 — Propriété intellectuelle

Les résultats des projets de recherche conjoints appartiennent aux Parties qui les ont produits, au prorata \
de leurs contributions. Un accord particulier sera conclu pour chaque projet.

## Article 6 — Protection des données

Les Parties s'engagent à respecter la réglementation applicable en matière de protection des données \
personnelles, notamment le RGPD pour les Parties établies en France.

## Article 7 — Résiliation

Chaque Partie peut se retirer de la convention moyennant un préavis de six mois notifié par écrit aux autres \
Parties.

## Article 8 — Règlement des différends

Les Parties rechercheront une solution amiable à tout différend. À défaut, le différend sera porté devant \
le comité de pilotage, puis devant les juridictions compétentes de Lyon.

## Signatures

Fait à Lyon, le 3 avril 2025, à l'Hôtel de Région, en quatre exemplaires originaux.

| Pour l'ECIA | Pour la Région Haute-Rhodanie |
|---|---|
| Prof. Hélène Marchetti-Duval, directrice générale | Mme Sophie Garnier, vice-présidente |
| *(signature)* | *(signature)* |

| Pour le WGIIT | Pour Haute-Rhodanie Invest |
|---|---|
| Prof. Meenakshi Raghunathan, Director | Le représentant légal |
| *(signature)* | *(signature et cachet)* |
"""

# --------------------------------------------------------------------------------------------------
# 4. Regional newsletter on the signing (French, HTML with page chrome)
# --------------------------------------------------------------------------------------------------

LETTRE_META = Meta(
    file="lettre-information-2025-04-10.html",
    title="Signature de la convention de partenariat Rhodanie–Ghats",
    date="2025-04-10",
    language="fr",
    source="Fictional fixture document: invented newsletter web page, created for testing.",
)

LETTRE = """\
<!DOCTYPE html>
<html lang="fr">
<head>
<meta charset="utf-8">
<title>Signature de la convention de partenariat Rhodanie–Ghats — La lettre Haute-Rhodanie numérique</title>
<meta name="description" content="Document fictif créé pour les tests.">
</head>
<body>
<header class="site-header">
  <div class="logo">Haute-Rhodanie numérique</div>
  <nav>
    <ul>
      <li><a href="/">Accueil</a></li>
      <li><a href="/actualites">Actualités</a></li>
      <li><a href="/agenda">Agenda</a></li>
      <li><a href="/partenaires">Nos partenaires</a></li>
      <li><a href="/contact">Contact</a></li>
    </ul>
  </nav>
  <form class="search" action="/recherche"><input type="search" name="q" placeholder="Rechercher"></form>
</header>
<main>
<article>
<p class="disclaimer">Document fictif créé pour les tests — personnes et organisations imaginaires.</p>
<h1>Signature de la convention de partenariat Rhodanie–Ghats</h1>
<p class="meta">La lettre Haute-Rhodanie numérique n° 12 — publiée le 10 avril 2025</p>
<p>Le 3 avril 2025, à l'Hôtel de Région de Lyon, quatre partenaires ont signé une convention de coopération \
en intelligence artificielle : l'École Confluence d'Intelligence Artificielle (ECIA), la Région \
Haute-Rhodanie, le Western Ghats Institute of Information Technology (WGIIT) de Pune et Haute-Rhodanie Invest, \
l'agence d'attractivité de la Région.</p>
<p>La convention a été signée par Mme Sophie Garnier, vice-présidente de la Région chargée de l'enseignement \
supérieur, de la recherche et de l'innovation, par Prof. Hélène Marchetti-Duval, directrice générale de \
l'ECIA, et par Prof. Meenakshi Raghunathan, directrice du WGIIT, ainsi que par un représentant de \
Haute-Rhodanie Invest.</p>
<p>La cérémonie s'est tenue en présence d'une délégation de quatre membres du WGIIT, en visite à Lyon du 2 au \
4 avril. Étaient également présents M. Étienne Vasseur, directeur de l'enseignement supérieur et de la \
recherche de la Région, et Mme Nadia Belkacem, responsable du pôle Asie-Pacifique de Haute-Rhodanie Invest.</p>
<blockquote>« Cette convention donne un cadre durable à une coopération qui a commencé avec le protocole \
d'accord de janvier », a déclaré Mme Sophie Garnier.</blockquote>
<h2>Ce que prévoit la convention</h2>
<p>Conclue pour quatre ans, la convention prévoit une contribution régionale de 300 000 euros. Première \
concrétisation : une école d'automne franco-indienne se tiendra à Pune du 6 au 10 octobre 2025. Le premier \
comité de pilotage du partenariat est prévu en juin 2025 à Pune.</p>
<p>Les partenaires étudient également le lancement d'un appel à projets de recherche conjoint en 2026.</p>
<p>Le comité de pilotage, coprésidé par Prof. Hélène Marchetti-Duval et Prof. Meenakshi Raghunathan, réunira \
deux représentants de chaque partenaire. Haute-Rhodanie Invest organisera de son côté une journée investisseurs \
en Inde afin de faire connaître la Haute-Rhodanie aux entreprises indiennes du numérique.</p>
<p>Lors de sa visite, la délégation indienne a rencontré les jeunes entreprises lyonnaises Ferrovane \
Analytics et Orbelle Robotique, accompagnée par Haute-Rhodanie Invest.</p>
</article>
</main>
<aside class="sidebar">
  <h3>À lire aussi</h3>
  <ul>
    <li><a href="/actualites/lancement">Lancement du partenariat avec l'Inde</a></li>
    <li><a href="/actualites/campus">Un nouveau campus numérique à Grenoble</a></li>
  </ul>
  <div class="newsletter-box">Recevez la lettre chaque mois. <a href="/inscription">S'inscrire</a></div>
</aside>
<footer>
  <p>© 2025 Région Haute-Rhodanie — <a href="/mentions-legales">Mentions légales</a> — \
<a href="/donnees-personnelles">Données personnelles</a> — <a href="/desinscription">Se désabonner</a> — \
<a href="/plan">Plan du site</a></p>
</footer>
</body>
</html>
"""

# --------------------------------------------------------------------------------------------------
# 5. Autumn school programme (French, two-column PDF, original dates)
# --------------------------------------------------------------------------------------------------

SCHOOL_META = Meta(
    file="programme-ecole-automne-2025-05-05.pdf",
    title="École d'automne franco-indienne 2025 — programme prévisionnel",
    date="2025-05-05",
    language="fr",
    source="Fictional fixture document: invented programme of a student autumn school, created for testing.",
    subject="Document fictif créé pour les tests (fictional document for testing)",
)
SCHOOL_HEADER = "DOCUMENT FICTIF — École d'automne franco-indienne 2025 — Partenariat Rhodanie–Ghats"
SCHOOL_FOOTER = "Page {page} — document fictif créé pour les tests"

SCHOOL_HEAD: list[Block] = [
    ("note", "Document fictif créé pour les tests."),
    ("title", "École d'automne franco-indienne « IA responsable et données »"),
    ("subtitle", "Programme prévisionnel — version du 5 mai 2025"),
]
SCHOOL: list[Block] = [
    ("h2", "Objectif"),
    (
        "p",
        "L'école d'automne est la première action étudiante de la convention de partenariat signée le 3 avril 2025 "
        "entre l'ECIA, la Région Haute-Rhodanie, le WGIIT et Haute-Rhodanie Invest. Elle vise à faire travailler "
        "ensemble des étudiants français et indiens sur des projets d'IA responsable, à leur faire découvrir "
        "l'écosystème numérique de Pune et à préparer de futures mobilités.",
    ),
    ("h2", "Dates et lieu"),
    (
        "p",
        "L'école d'automne se déroulera du lundi 6 au vendredi 10 octobre 2025 sur le campus du Western Ghats "
        "Institute of Information Technology (WGIIT), à Pune (Maharashtra, Inde). Les étudiants de l'École "
        "Confluence d'Intelligence Artificielle (ECIA) partiront de Lyon le samedi 4 octobre et reviendront le "
        "dimanche 12 octobre 2025.",
    ),
    ("h2", "Participants"),
    (
        "p",
        "Quarante étudiants participeront à l'école : 18 étudiants de master de l'ECIA et 22 étudiants du WGIIT. "
        "Ils seront répartis en huit équipes mixtes de cinq étudiants.",
    ),
    (
        "p",
        "L'encadrement sera assuré par Prof. Yasmine Haddad, professeure d'apprentissage automatique à l'ECIA, et "
        "par Dr. Rohan Mehta, Associate Professor au WGIIT, coordinateur académique de l'école.",
    ),
    ("h2", "Programme jour par jour"),
    (
        "p",
        "Lundi 6 octobre — Accueil des participants et cérémonie d'ouverture par Prof. Meenakshi Raghunathan, "
        "directrice du WGIIT. Après-midi : atelier 1, « Gouvernance et qualité des données ».",
    ),
    (
        "p",
        "Mardi 7 octobre — Matin : atelier 2, « Vision par ordinateur pour l'agriculture ». Après-midi : visite de "
        "l'entreprise Tungarli Data Systems, spécialiste de l'analyse de données agricoles, à Hinjewadi.",
    ),
    (
        "p",
        "Mercredi 8 octobre — Atelier 3, « Traitement automatique des langues : du marathi au français », animé "
        "par Dr. Vikram Deshpande. Soirée culturelle offerte par le WGIIT.",
    ),
    (
        "p",
        "Jeudi 9 octobre — Matin : visite de Mulshi Cloud Labs, fournisseur d'infrastructures de calcul. "
        "Après-midi : atelier 4, « IA frugale et sobriété énergétique », animé par Prof. Yasmine Haddad.",
    ),
    (
        "p",
        "Vendredi 10 octobre — Atelier 5, mini-hackathon en équipes mixtes, puis présentation des projets devant "
        "un jury et cérémonie de clôture en présence de Dr Priya Nair, Director of International Relations du "
        "WGIIT.",
    ),
    ("p", "Au total, le programme comprend cinq ateliers et deux visites d'entreprises."),
    ("h2", "Financement"),
    (
        "p",
        "Les billets d'avion des étudiants de l'ECIA sont pris en charge par la Région Haute-Rhodanie dans le "
        "cadre de la convention. L'hébergement sur le campus est offert par le WGIIT.",
    ),
    (
        "p",
        "Haute-Rhodanie Invest étudie l'organisation d'une rencontre entre les entreprises visitées et des "
        "entreprises de Haute-Rhodanie pendant la semaine de l'école.",
    ),
    ("h2", "Inscriptions"),
    (
        "p",
        "Les inscriptions des étudiants de l'ECIA sont ouvertes jusqu'au 30 juin 2025. La sélection sera "
        "annoncée début juillet.",
    ),
    ("h2", "Informations pratiques"),
    (
        "p",
        "Visa : les étudiants de l'ECIA devront demander un visa électronique (e-visa) pour l'Inde. Le WGIIT "
        "enverra à chaque étudiant une lettre d'invitation au plus tard le 31 août 2025.",
    ),
    (
        "p",
        "Hébergement : les étudiants seront logés dans la résidence internationale du campus du WGIIT, en "
        "chambres doubles. Les repas du midi sont servis au restaurant universitaire.",
    ),
    (
        "p",
        "Budget : le coût du séjour est estimé à 1 200 euros par étudiant de l'ECIA, dont 900 euros pris en "
        "charge par la Région Haute-Rhodanie. Le reste à charge de 300 euros peut être couvert par une bourse "
        "de mobilité de l'ECIA.",
    ),
    (
        "p",
        "Climat : en octobre, les températures à Pune varient entre 20 et 31 degrés ; des vêtements légers et "
        "un vêtement de pluie sont recommandés.",
    ),
    ("h2", "Comité d'organisation"),
    (
        "p",
        "Le comité d'organisation réunit Mme Clémence Ngo et Prof. Yasmine Haddad pour l'ECIA, Ms Kavya "
        "Subramanian et Dr. Rohan Mehta pour le WGIIT. Il se réunit chaque mois par visioconférence jusqu'au "
        "départ des étudiants.",
    ),
    ("h2", "Contacts"),
    (
        "p",
        "Côté ECIA : Mme Clémence Ngo, chargée de mission Asie — ecole.automne@example.org — +33 4 00 00 12 34.",
    ),
    (
        "p",
        "Côté WGIIT : Ms Kavya Subramanian, Student Mobility Coordinator — kavya.subramanian@example.org — "
        "+91 20 0000 5678.",
    ),
]

# --------------------------------------------------------------------------------------------------
# 6. Steering committee minutes (English, two-column PDF)
# --------------------------------------------------------------------------------------------------

COMMITTEE_META = Meta(
    file="minutes-steering-committee-2025-06-18.pdf",
    title="Minutes of the first Steering Committee of the Rhodanie–Ghats Partnership",
    date="2025-06-18",
    language="en",
    source="Fictional fixture document: invented steering committee minutes, created for testing.",
    subject="Fictional document for testing",
)
COMMITTEE_HEADER = "FICTIONAL — Steering Committee minutes — Rhodanie–Ghats Partnership"
COMMITTEE_FOOTER = "Page {page} — fictional document for testing"

COMMITTEE_HEAD: list[Block] = [
    ("note", "Fictional document created for testing."),
    ("title", "Minutes of the first Steering Committee"),
    ("subtitle", "Rhodanie–Ghats Partnership"),
]
COMMITTEE: list[Block] = [
    ("kv", "Date:|2025-06-18, 09:30–16:30 (IST)"),
    ("kv", "Place:|WGIIT campus, Pune, India (in person)"),
    ("kv", "Chair:|Prof. Meenakshi Raghunathan, Director, WGIIT"),
    ("kv", "Minutes:|Ms Clémence Ngo, ECIA"),
    ("h2", "1. Attendance"),
    ("p", "Attendees:"),
    ("bullet", "Prof. Meenakshi Raghunathan, Director, Western Ghats Institute of Information Technology (WGIIT)"),
    ("bullet", "Dr. Vikram Deshpande, Head of the Department of Computational Sciences, WGIIT"),
    ("bullet", "Dr Priya Nair, Director of International Relations, WGIIT"),
    ("bullet", "Mr Arjun Patwardhan, Registrar, WGIIT"),
    (
        "bullet",
        "Dr. Amélie Rousseau, Deputy Director General for Research and International Affairs, École Confluence "
        "d'Intelligence Artificielle (ECIA)",
    ),
    ("bullet", "Mr Jean-Marc Rollin, Director of International Relations, ECIA"),
    ("bullet", "Ms Clémence Ngo, Asia Programme Officer, ECIA"),
    (
        "bullet",
        "Ms Sophie Garnier, Vice-President for Higher Education, Research and Innovation, Région Haute-Rhodanie",
    ),
    ("bullet", "Mr Thomas Guérin, India Investment Manager, Haute-Rhodanie Invest"),
    (
        "p",
        "They were joined for the afternoon session by Dr. Rohan Mehta, Associate Professor at WGIIT, and "
        "Ms Kavya Subramanian, Student Mobility Coordinator at WGIIT. Nine committee members attended; with the "
        "two guests, eleven people took part in the afternoon session.",
    ),
    ("p", "Apologies:"),
    ("bullet", "Prof. Hélène Marchetti-Duval, Director General, ECIA"),
    ("bullet", "Mr Étienne Vasseur, Director of Higher Education and Research, Région Haute-Rhodanie"),
    ("bullet", "Ms Nadia Belkacem, Head of the Asia-Pacific Desk, Haute-Rhodanie Invest"),
    ("h2", "2. Opening"),
    (
        "p",
        "Prof. Meenakshi Raghunathan welcomed the committee to Pune. Dr. Amélie Rousseau, who was appointed Deputy "
        "Director General for Research and International Affairs of ECIA on 1 May 2025, represented "
        "Prof. Hélène Marchetti-Duval. The committee noted that the partnership agreement signed in Lyon on "
        "3 April 2025 entered into force on the day of its signature.",
    ),
    ("h2", "3. Autumn school 2025"),
    (
        "p",
        "Dr Priya Nair reported that the dates initially planned, 6 to 10 October 2025, clash with the WGIIT "
        "mid-semester examinations. The committee decided to move the autumn school to 17–21 November 2025. "
        "The number of participants is unchanged: 18 ECIA students and 22 WGIIT students. Ms Clémence Ngo and "
        "Ms Kavya Subramanian will update the programme and inform the students by 30 June 2025.",
    ),
    ("h2", "4. Faculty exchange"),
    (
        "p",
        "The committee approved the faculty exchange programme. Two WGIIT faculty members will spend four weeks "
        "at ECIA in Lyon in April 2026, and two ECIA faculty members will teach at WGIIT in September 2026. "
        "Dr. Vikram Deshpande and Dr. Amélie Rousseau will select the candidates by the end of December 2025.",
    ),
    ("h2", "5. Joint call for research projects"),
    (
        "p",
        "The committee decided to launch a joint call for research projects in January 2026. The call will fund "
        "up to four projects of EUR 50,000 each, co-funded by Région Haute-Rhodanie and WGIIT, on the three joint "
        "themes: frugal AI, natural language processing and data governance. The deadline for applications will "
        "be 31 March 2026. Ms Sophie Garnier confirmed the Region's contribution.",
    ),
    ("h2", "6. Investment and business"),
    (
        "p",
        "Mr Thomas Guérin presented the plan of Haute-Rhodanie Invest for an India–Haute-Rhodanie AI Investment "
        "Day in Pune on 20 November 2025, during the week of the autumn school. Six companies from Haute-Rhodanie, "
        "including Ferrovane Analytics, have already expressed interest.",
    ),
    ("h2", "7. Next meeting"),
    (
        "p",
        "The second Steering Committee meeting will be held in Lyon in January 2026; the exact date will be set "
        "by the secretariat.",
    ),
    ("h2", "Action log"),
    (
        "table",
        [
            ["Action", "Owner", "Deadline"],
            ["Update the autumn school programme with the new dates", "C. Ngo, K. Subramanian", "2025-06-30"],
            ["Draft the text of the joint call", "A. Rousseau, V. Deshpande", "2025-12-15"],
            ["Select the faculty for the exchange", "A. Rousseau, V. Deshpande", "2025-12-31"],
            ["Prepare the AI Investment Day", "T. Guérin", "2025-10-31"],
            ["Set the date of the next Steering Committee", "J.-M. Rollin", "2025-09-30"],
        ],
    ),
]

# --------------------------------------------------------------------------------------------------
# 7. E-mail thread about moving the autumn school (English and French, plain text)
# --------------------------------------------------------------------------------------------------

EMAILS_META = Meta(
    file="echange-courriels-2025-06-24.txt",
    title="Autumn school dates - e-mail thread",
    date="2025-06-24",
    language="en",
    source="Fictional fixture document: invented e-mail thread (English and French), created for testing.",
)

SEPARATOR = "-" * 72

EMAILS = f"""\
Fictional document created for testing / Document fictif créé pour les tests
Export of the thread "Autumn school dates" — mailbox ecole.automne@example.org
{"=" * 72}

From: Kavya Subramanian <kavya.subramanian@example.org>
To: Clémence Ngo <clemence.ngo@example.org>
Cc: Priya Nair <priya.nair@example.org>
Date: Wed, 4 Jun 2025 10:12:45 +0530
Subject: Autumn school dates - clash with mid-semester exams

Dear Clémence,

I am afraid we have a problem with the dates of the autumn school. Our academic council has just fixed the \
mid-semester examinations from 6 to 11 October 2025, so most of our 22 students would not be able to attend \
the school as planned (6-10 October).

Dr Nair suggests moving the school to the week of 17-21 November 2025, when the campus hostel will also have \
more rooms available. Could you check whether this works for the ECIA students?

Best regards,
Kavya

--
Kavya Subramanian
Student Mobility Coordinator
Western Ghats Institute of Information Technology (WGIIT), Pune
+91 20 0000 5678

{SEPARATOR}

From: Clémence Ngo <clemence.ngo@example.org>
To: Kavya Subramanian <kavya.subramanian@example.org>
Cc: Priya Nair <priya.nair@example.org>, Jean-Marc Rollin <jean-marc.rollin@example.org>
Date: Thu, 5 Jun 2025 09:03:10 +0200
Subject: RE: Autumn school dates - clash with mid-semester exams

Bonjour Kavya,

Merci pour l'alerte. J'ai vérifié avec la scolarité : la semaine du 17 au 21 novembre 2025 convient aux 18 \
étudiants de l'ECIA, qui n'ont pas de cours en présentiel cette semaine-là. Je propose que nous soumettions ce \
changement au comité de pilotage du 18 juin à Pune.

Jean-Marc, peux-tu l'inscrire à l'ordre du jour ?

Bien cordialement,
Clémence

Clémence Ngo
Chargée de mission Asie
École Confluence d'Intelligence Artificielle (ECIA), Lyon
+33 4 00 00 12 34

> Dr Nair suggests moving the school to the week of 17-21 November 2025, when
> the campus hostel will also have more rooms available. Could you check
> whether this works for the ECIA students?

{SEPARATOR}

From: Jean-Marc Rollin <jean-marc.rollin@example.org>
To: Kavya Subramanian <kavya.subramanian@example.org>, Clémence Ngo <clemence.ngo@example.org>
Cc: Priya Nair <priya.nair@example.org>, Thomas Guérin <thomas.guerin@example.org>
Date: Fri, 20 Jun 2025 17:40:22 +0200
Subject: RE: Autumn school dates - decision of the Steering Committee

Dear all,

As you know, the Steering Committee held in Pune on 18 June approved the new dates: the autumn school will \
take place from 17 to 21 November 2025 instead of 6 to 10 October. The ECIA group will fly from Lyon on \
15 November and return on 23 November 2025.

Thomas, the Investment Day can therefore stay on 20 November as you planned.

Clémence, nous devons maintenant réserver les vols avant le 15 juillet et lancer les demandes de visa dès le \
1er septembre.

Kind regards,

Jean-Marc ROLLIN
Director of International Relations
École Confluence d'Intelligence Artificielle (ECIA)
+33 4 00 00 10 00

> Je propose que nous soumettions ce changement au comité de pilotage du 18
> juin à Pune.

{SEPARATOR}

From: Kavya Subramanian <kavya.subramanian@example.org>
To: Jean-Marc Rollin <jean-marc.rollin@example.org>, Clémence Ngo <clemence.ngo@example.org>
Cc: Priya Nair <priya.nair@example.org>
Date: Tue, 24 Jun 2025 11:05:00 +0530
Subject: RE: Autumn school dates - decision of the Steering Committee

Dear Jean-Marc,

Thank you. I confirm that 18 rooms have been reserved for the ECIA students at the WGIIT international hostel \
from 15 to 23 November 2025. Airport pick-up will be organised by our student volunteers. Invitation letters \
for the visa applications will be sent by 31 August 2025.

Best regards,
Kavya

> As you know, the Steering Committee held in Pune on 18 June approved the
> new dates: the autumn school will take place from 17 to 21 November 2025
> instead of 6 to 10 October.
"""

# --------------------------------------------------------------------------------------------------
# 8. Partnership newsletter on the steering committee (English, HTML with page chrome)
# --------------------------------------------------------------------------------------------------

NEWSLETTER_META = Meta(
    file="newsletter-2025-07-01.html",
    title="Steering Committee meets in Pune; autumn school moved to November",
    date="2025-07-01",
    language="en",
    source="Fictional fixture document: invented newsletter web page, created for testing.",
)

NEWSLETTER = """\
<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Steering Committee meets in Pune — Rhodanie–Ghats Partnership News</title>
<meta name="description" content="Fictional document created for testing.">
</head>
<body>
<div id="cookie-banner" class="cookie-banner">
  <p>We use cookies to measure the audience of this site and to improve your experience.
  <a href="/privacy">Learn more</a></p>
  <button type="button">Accept</button> <button type="button">Refuse</button>
</div>
<header>
  <div class="brand">Rhodanie–Ghats Partnership</div>
  <nav class="main-menu">
    <a href="/">Home</a> | <a href="/about">About</a> | <a href="/partners">Partners</a> |
    <a href="/events">Events</a> | <a href="/newsletter">Newsletter archive</a> | <a href="/contact">Contact</a>
  </nav>
</header>
<div class="layout">
<main>
<article>
<p class="disclaimer">Fictional document created for testing — all people and organisations are invented.</p>
<h1>Steering Committee meets in Pune; autumn school moved to November</h1>
<p class="meta">Newsletter No. 3 — July 1, 2025</p>
<p>Four months after the kick-off meeting held by videoconference on February 12, 2025, the first Steering \
Committee of the Rhodanie–Ghats Partnership met in person on June 18, 2025 at the campus of the Western Ghats \
Institute of Information Technology (WGIIT) in Pune. The meeting was chaired by Prof. Meenakshi Raghunathan, \
Director of WGIIT, and brought together representatives of the four partners: WGIIT, the École Confluence \
d'Intelligence Artificielle (ECIA), Région Haute-Rhodanie and Haute-Rhodanie Invest.</p>
<p>ECIA was represented by Dr. Amélie Rousseau, its new Deputy Director General for Research and International \
Affairs, and by Jean-Marc Rollin, Director of International Relations. Région Haute-Rhodanie was represented \
by its Vice-President Sophie Garnier.</p>
<h2>Autumn school moved to 17–21 November</h2>
<p>The main decision concerns the first Franco-Indian autumn school. Originally scheduled for 6–10 October \
2025, it has been moved to 17–21 November 2025 to avoid the WGIIT mid-semester examinations. The school will \
still welcome 40 students, 18 from ECIA and 22 from WGIIT, for five workshops and two company visits in Pune.</p>
<p>The committee also heard Ms Kavya Subramanian, Student Mobility Coordinator at WGIIT, and Dr. Rohan Mehta, \
academic coordinator of the school, who presented the updated programme. The workshops will cover data \
governance, computer vision for agriculture, natural language processing, frugal AI and a closing \
mini-hackathon.</p>
<blockquote>"Moving the school by six weeks lets every student take part," said Dr Priya Nair, Director of \
International Relations at WGIIT.</blockquote>
<h2>A joint research call in January 2026</h2>
<p>The partners also decided to launch a joint call for research projects in January 2026, with up to four \
projects funded at EUR 50,000 each. A faculty exchange programme was approved: two WGIIT faculty members will \
come to Lyon in April 2026.</p>
<p>Haute-Rhodanie Invest, represented by Thomas Guérin, will hold an India–Haute-Rhodanie AI Investment Day in \
Pune on November 20, 2025.</p>
<p>The next Steering Committee will take place in Lyon in January 2026.</p>
</article>
</main>
<aside class="sidebar">
  <h3>Related articles</h3>
  <ul>
    <li><a href="/news/agreement-signed">Partnership agreement signed in Lyon</a></li>
    <li><a href="/news/save-the-date">Save the date: autumn school in Pune, 6–10 October 2025</a></li>
    <li><a href="/news/kick-off">A new Franco-Indian partnership is born</a></li>
  </ul>
  <h3>Follow us</h3>
  <p><a href="/rss">RSS</a> · <a href="/newsletter/subscribe">Subscribe to the newsletter</a></p>
</aside>
</div>
<footer>
  <p>© 2025 Rhodanie–Ghats Partnership. All rights reserved.</p>
  <p><a href="/legal">Legal notice</a> · <a href="/privacy">Privacy policy</a> ·
  <a href="/unsubscribe">Unsubscribe</a></p>
</footer>
</body>
</html>
"""

# --------------------------------------------------------------------------------------------------
# 9. Press release after the autumn school (French, plain text)
# --------------------------------------------------------------------------------------------------

PRESS_META = Meta(
    file="communique-presse-2025-11-24.txt",
    title="Quarante étudiants français et indiens réunis à Pune pour la première école d'automne Rhodanie–Ghats",
    date="2025-11-24",
    language="fr",
    source="Fictional fixture document: invented press release, created for testing.",
)

PRESS = """\
COMMUNIQUÉ DE PRESSE
Document fictif créé pour les tests — personnes et organisations imaginaires.

Lyon, le 24 novembre 2025

Quarante étudiants français et indiens réunis à Pune pour la première école d'automne Rhodanie–Ghats

Du 17 au 21 novembre 2025, 18 étudiants de l'École Confluence d'Intelligence Artificielle (ECIA) et 22 \
étudiants du Western Ghats Institute of Information Technology (WGIIT) ont participé à Pune (Inde) à la \
première école d'automne franco-indienne consacrée à l'IA responsable. Initialement prévue du 6 au 10 octobre, \
l'école avait été reportée en novembre pour tenir compte du calendrier des examens du WGIIT.

Les étudiants étaient encadrés par Prof. Yasmine Haddad, professeure d'apprentissage automatique à l'ECIA, et \
par Dr. Rohan Mehta, coordinateur académique de l'école au WGIIT. Ils ont été accueillis le 17 novembre par \
Prof. Meenakshi Raghunathan, directrice du WGIIT.

Pendant cinq jours, les étudiants ont suivi cinq ateliers, visité les entreprises Tungarli Data Systems et \
Mulshi Cloud Labs, et présenté huit projets lors d'un mini-hackathon. Le prix du jury a été remis à une équipe \
qui a conçu un outil de détection des maladies du coton à partir de photos prises par smartphone.

Le 20 novembre, Haute-Rhodanie Invest a organisé à Pune la première journée investisseurs \
India–Haute-Rhodanie, qui a réuni 14 entreprises indiennes et 6 entreprises de Haute-Rhodanie.

« Cette première édition montre la vitalité du partenariat signé le 3 avril 2025 », a déclaré \
Prof. Hélène Marchetti-Duval, directrice générale de l'ECIA. Mme Sophie Garnier, vice-présidente de la Région \
Haute-Rhodanie, a annoncé que la Région financerait à nouveau l'édition 2026.

Prochaine étape : un appel à projets de recherche conjoint sera lancé en janvier 2026 par les quatre \
partenaires.

À propos du partenariat Rhodanie–Ghats
Lancé le 12/02/2025, le partenariat Rhodanie–Ghats réunit l'École Confluence d'Intelligence Artificielle \
(ECIA), la Région Haute-Rhodanie, le Western Ghats Institute of Information Technology (WGIIT) de Pune et \
Haute-Rhodanie Invest, agence d'attractivité et d'investissement de la Région.

Contact presse
Mme Laure Castagné, responsable de la communication, ECIA
presse@example.org — +33 4 00 00 19 19
"""

# --------------------------------------------------------------------------------------------------
# 10. Annual summary (English, Markdown)
# --------------------------------------------------------------------------------------------------

SUMMARY_META = Meta(
    file="bilan-annuel-2025-12-15.md",
    title="Rhodanie–Ghats Partnership — Annual summary 2025",
    date="2025-12-15",
    language="en",
    source="Fictional fixture document: invented annual summary, created for testing.",
)

SUMMARY = """\
> Fictional document created for testing — all people and organisations are invented.

# Rhodanie–Ghats Partnership — Annual summary 2025

*Prepared by the secretariat (ECIA International Relations Office), 15 December 2025.*

## 1. Governance

The partnership was launched at a kick-off meeting held by videoconference on 12 Feb. 2025, with eleven \
participants from the four partners. The partnership agreement between the École Confluence d'Intelligence \
Artificielle (ECIA), Région Haute-Rhodanie, the Western Ghats Institute of Information Technology (WGIIT) and \
Haute-Rhodanie Invest was signed in Lyon on 3 April 2025 for four years.

The first Steering Committee met in person in Pune on 2025-06-18, chaired by Prof. Meenakshi Raghunathan. It \
moved the autumn school to November, approved the faculty exchange programme and decided to launch a joint call \
for research projects.

## 2. Activities in 2025

- Autumn school. The first Franco-Indian autumn school took place in Pune from 17 to 21 November 2025, after \
being moved from its original dates (6–10 October 2025). It brought together 40 students (18 from ECIA and 22 \
from WGIIT) for five workshops and two company visits.
- Investment Day. Haute-Rhodanie Invest held the first India–Haute-Rhodanie AI Investment Day in Pune on \
20 November 2025; 14 Indian and 6 French companies took part.
- Delegation visit. A four-member WGIIT delegation visited Lyon from 2 to 4 April 2025 and met the start-ups \
Ferrovane Analytics and Orbelle Robotique.

## 3. People

Day-to-day coordination is ensured by Jean-Marc Rollin, Director of International Relations at ECIA, and \
Dr Priya Nair, Director of International Relations at WGIIT. On the research side, the joint themes are led by \
Dr. Amélie Rousseau, Deputy Director General for Research and International Affairs at ECIA, and \
Dr. Vikram Deshpande, Dean of Academic Affairs at WGIIT.

## 4. Plans for 2026

- The joint call for research projects will be launched in January 2026; applications will close on \
31 March 2026 and up to four projects of EUR 50,000 each will be funded.
- The second Steering Committee will be held in Lyon on 22 January 2026.
- Two WGIIT faculty members will spend four weeks at ECIA in April 2026; two ECIA faculty members will teach \
at WGIIT in September 2026.
- The second autumn school is planned in Pune in November 2026, funded again by Région Haute-Rhodanie.
- Haute-Rhodanie Invest plans a return mission of Indian companies to Lyon in June 2026.

## 5. Budget

In 2025, Région Haute-Rhodanie contributed EUR 75,000 of the EUR 300,000 committed over four years.
"""

# --------------------------------------------------------------------------------------------------
# Writers
# --------------------------------------------------------------------------------------------------


def kv_parts(text: str) -> tuple[str, str]:
    """Split a "Label:|value" block into its label and value."""
    label, value = text.split("|", 1)
    return label, value


def fixed_zip(data: bytes) -> bytes:
    """Rewrite a zip archive with fixed timestamps so that DOCX output is byte-for-byte reproducible."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            info = zipfile.ZipInfo(item.filename, date_time=FIXED_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            info.create_system = 3
            target.writestr(info, source.read(item.filename))
    return out.getvalue()


def write_sheet(
    path: Path, sheet: str, notice: str, rows: Iterable[Sequence[object]], title: str, at: datetime
) -> None:
    """A workbook of one sheet named `sheet`: a notice line above its rows, its title and dates fixed so that writing
    it again gives the same bytes."""
    import openpyxl

    workbook = openpyxl.Workbook()
    active = workbook.active
    active.title = sheet
    active.append([notice])
    for row in rows:
        active.append(list(row))
    workbook.properties.title = title
    workbook.properties.created = workbook.properties.modified = at
    out = io.BytesIO()
    workbook.save(out)
    path.write_bytes(fixed_zip(out.getvalue()))


def write_docx(path: Path, blocks: list[Block], meta: Meta) -> None:
    """Write a DOCX document with headings, bullets, bold labels and tables."""
    document = Document()
    document.styles["Normal"].font.name = "Calibri"
    document.styles["Normal"].font.size = Pt(11)
    core = document.core_properties
    core.title = meta.title
    core.subject = meta.subject
    core.comments = meta.comments
    core.author = "Secrétariat du partenariat Rhodanie–Ghats (fictif)"
    core.last_modified_by = "make_fixtures.py"
    core.keywords = "fictional; test fixture; Rhodanie–Ghats"
    core.language = meta.language
    core.category = "Fictional test document"
    core.revision = 1
    stamp = datetime.fromisoformat(meta.date)
    core.created = stamp
    core.modified = stamp
    core.last_printed = stamp
    for kind, content in blocks:
        if kind == "table":
            assert isinstance(content, list)
            table = document.add_table(rows=len(content), cols=len(content[0]))
            table.style = "Table Grid"
            for r, row in enumerate(content):
                for c, value in enumerate(row):
                    cell = table.cell(r, c)
                    cell.text = value
                    if r == 0:
                        for run in cell.paragraphs[0].runs:
                            run.bold = True
            continue
        assert isinstance(content, str)
        if kind == "note":
            document.add_paragraph().add_run(content).italic = True
        elif kind == "title":
            document.add_heading(content, level=0)
        elif kind == "h1":
            document.add_heading(content, level=1)
        elif kind == "h2":
            document.add_heading(content, level=2)
        elif kind == "bullet":
            document.add_paragraph(content, style="List Bullet")
        elif kind == "kv":
            label, value = kv_parts(content)
            paragraph = document.add_paragraph()
            paragraph.add_run(label).bold = True
            paragraph.add_run(" " + value)
        else:
            document.add_paragraph(content)
    buffer = io.BytesIO()
    document.save(buffer)
    path.write_bytes(fixed_zip(buffer.getvalue()))


STYLES = {
    "note": ParagraphStyle("note", fontName="Helvetica-Oblique", fontSize=8.5, leading=11, textColor=colors.grey),
    "title": ParagraphStyle("title", fontName="Helvetica-Bold", fontSize=17, leading=21, spaceBefore=2, spaceAfter=4),
    "subtitle": ParagraphStyle("subtitle", fontName="Helvetica", fontSize=11.5, leading=15, spaceAfter=2),
    "h2": ParagraphStyle(
        "h2", fontName="Helvetica-Bold", fontSize=12, leading=15, spaceBefore=9, spaceAfter=3, keepWithNext=1
    ),
    "p": ParagraphStyle("p", fontName="Times-Roman", fontSize=11.5, leading=15, spaceAfter=5),
    "bullet": ParagraphStyle(
        "bullet", fontName="Times-Roman", fontSize=11.5, leading=15, leftIndent=12, bulletIndent=2, spaceAfter=2
    ),
    "cell": ParagraphStyle("cell", fontName="Times-Roman", fontSize=9.5, leading=11.5),
    "cellhead": ParagraphStyle("cellhead", fontName="Helvetica-Bold", fontSize=9, leading=11),
}


def pdf_flowables(blocks: list[Block], width: float) -> list[Flowable]:
    """Turn blocks into reportlab flowables for a frame of the given width."""
    flowables: list[Flowable] = []
    for kind, content in blocks:
        if kind == "table":
            assert isinstance(content, list)
            rows = [
                [Paragraph(escape(value), STYLES["cellhead" if r == 0 else "cell"]) for value in row]
                for r, row in enumerate(content)
            ]
            ncols = len(content[0])
            widths = [width * 0.46, width * 0.30, width * 0.24] if ncols == 3 else [width / ncols] * ncols
            table = Table(rows, colWidths=widths, repeatRows=1)
            table.setStyle(
                TableStyle(
                    [
                        ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8e8e8")),
                        ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ]
                )
            )
            flowables.extend([Spacer(1, 4), table])
            continue
        assert isinstance(content, str)
        if kind == "kv":
            label, value = kv_parts(content)
            flowables.append(Paragraph(f"<b>{escape(label)}</b> {escape(value)}", STYLES["p"]))
        elif kind == "bullet":
            flowables.append(Paragraph(escape(content), STYLES["bullet"], bulletText="–"))
        else:
            flowables.append(Paragraph(escape(content), STYLES[kind]))
    return flowables


def write_two_column_pdf(
    path: Path, head: list[Block], body: list[Block], meta: Meta, header: str, footer: str
) -> None:
    """Write an A4 PDF: full-width title block on page 1, then two columns; header and footer on every page."""
    width, height = A4
    margin, gap = 1.8 * cm, 0.8 * cm
    top, bottom = 2.2 * cm, 2.0 * cm
    column = (width - 2 * margin - gap) / 2
    head_height = 3.6 * cm
    body_height = height - top - bottom

    def columns(frame_height: float, prefix: str) -> list[Frame]:
        return [
            Frame(margin, bottom, column, frame_height, id=f"{prefix}-left", leftPadding=0, rightPadding=0),
            Frame(
                margin + column + gap, bottom, column, frame_height, id=f"{prefix}-right", leftPadding=0, rightPadding=0
            ),
        ]

    def decorate(canvas: Canvas, doc: BaseDocTemplate) -> None:
        canvas.saveState()
        canvas.setFont("Helvetica-Bold", 8)
        canvas.setFillColor(colors.HexColor("#444444"))
        canvas.drawString(margin, height - 1.3 * cm, header)
        canvas.setStrokeColor(colors.grey)
        canvas.setLineWidth(0.5)
        canvas.line(margin, height - 1.45 * cm, width - margin, height - 1.45 * cm)
        canvas.line(margin, 1.45 * cm, width - margin, 1.45 * cm)
        canvas.setFont("Helvetica", 8)
        canvas.drawCentredString(width / 2, 1.0 * cm, footer.format(page=doc.page))
        canvas.restoreState()

    title_frame = Frame(
        margin, height - top - head_height, width - 2 * margin, head_height, id="title", leftPadding=0, rightPadding=0
    )
    first = PageTemplate(
        id="first", frames=[title_frame, *columns(body_height - head_height, "first")], onPage=decorate
    )
    later = PageTemplate(id="later", frames=columns(body_height, "later"), onPage=decorate)
    doc = BaseDocTemplate(
        str(path),
        pagesize=A4,
        pageTemplates=[first, later],
        title=meta.title,
        subject=meta.subject,
        author="Secrétariat du partenariat Rhodanie–Ghats (fictif)",
        keywords="fictional, test fixture",
        creator="eval/make_fixtures.py",
        lang=meta.language,
        invariant=1,
    )
    story: list[Flowable] = [NextPageTemplate("later")]
    story += pdf_flowables(head, width - 2 * margin)
    story.append(FrameBreak())
    story += pdf_flowables(body, column)
    doc.build(story)


def toml_string(value: str) -> str:
    """Quote a string as a TOML basic string."""
    return json.dumps(value, ensure_ascii=False)


def write_manifest(path: Path, metas: list[Meta]) -> None:
    """Write manifest.toml: one table per document file."""
    lines = [
        "# Manifest of the FICTIONAL evaluation fixtures, written by eval/make_fixtures.py.",
        "# Every document listed here is invented for testing; never copy these files into corpus/.",
        "# Files of this folder that are not documents:",
        'ignore = ["facts.jsonl", "README.md"]',
        "",
    ]
    for meta in sorted(metas, key=lambda m: (m.date, m.file)):
        lines += [
            f"[{toml_string(meta.file)}]",
            f"title = {toml_string(meta.title)}",
            f"date = {toml_string(meta.date)}",
            f"language = {toml_string(meta.language)}",
            f"source = {toml_string(meta.source)}",
            "fictional = true",
            "",
        ]
    path.write_text("\n".join(lines), encoding="utf-8")


def main() -> None:
    """Write every fixture document and the manifest into eval/fixtures/."""
    FIXTURES.mkdir(parents=True, exist_ok=True)
    write_docx(FIXTURES / KICKOFF_META.file, KICKOFF, KICKOFF_META)
    write_docx(FIXTURES / VISIT_META.file, VISIT, VISIT_META)
    write_two_column_pdf(FIXTURES / SCHOOL_META.file, SCHOOL_HEAD, SCHOOL, SCHOOL_META, SCHOOL_HEADER, SCHOOL_FOOTER)
    write_two_column_pdf(
        FIXTURES / COMMITTEE_META.file, COMMITTEE_HEAD, COMMITTEE, COMMITTEE_META, COMMITTEE_HEADER, COMMITTEE_FOOTER
    )
    texts = {
        CONVENTION_META: CONVENTION,
        LETTRE_META: LETTRE,
        EMAILS_META: EMAILS,
        NEWSLETTER_META: NEWSLETTER,
        PRESS_META: PRESS,
        SUMMARY_META: SUMMARY,
    }
    for meta, text in texts.items():
        (FIXTURES / meta.file).write_text(text, encoding="utf-8")
    metas = [KICKOFF_META, VISIT_META, SCHOOL_META, COMMITTEE_META, *texts]
    write_manifest(FIXTURES / "manifest.toml", metas)


if __name__ == "__main__":
    main()
