"""Tables kept as tables, numbers read as values, and the answers computed from them.

Every document here is fictional (invented programmes, partners and amounts), written for these tests."""

from __future__ import annotations

from datetime import date

import numpy as np
import openpyxl
import pytest

from bot import Bot
from bot.question import analyse
from bot.scoring import SentenceScorer
from bot.skills.base import Context
from bot.skills.tables import Quantities, Tables, keys
from core.numbers import find_quantities, format_figure, format_percent, header_scale, parse_amount
from core.settings import AnswerSettings, Settings
from ingest.loaders import LoadOptions
from ingest.pipeline import ingest
from ingest.tables import RawTable, build_table, extract_tables, locate_rows, text_quantities
from store.facts import FactIndex
from store.store import Store

# Numbers


@pytest.mark.unit
@pytest.mark.parametrize(
    ("text", "language", "value", "currency"),
    [
        ("12 500 €", "fr", 12500, "EUR"),
        ("€12,500", "en", 12500, "EUR"),
        ("€12,500", "fr", 12500, "EUR"),  # a sign before the figure is written the English way
        ("1,5 M€", "fr", 1_500_000, "EUR"),
        ("15k", "en", 15000, None),
        ("1 234,56", "fr", 1234.56, None),
        ("1,234.56", "en", 1234.56, None),
        ("12,50 €", "fr", 12.5, "EUR"),
        ("$3.2bn", "en", 3.2e9, "USD"),
        ("-40", "en", -40, None),
    ],
)
def test_a_cell_is_read_as_a_value_with_its_currency(text, language, value, currency):
    amount = parse_amount(text, language)
    assert amount is not None and amount.value == pytest.approx(value) and amount.currency == currency


@pytest.mark.unit
@pytest.mark.parametrize("text", ["Montant", "Semaine 1", "2025-04-10", "", "n/a", "TOTAL"])
def test_text_is_not_a_value(text):
    assert parse_amount(text, "fr") is None


@pytest.mark.unit
def test_numbers_in_words_are_read_with_what_they_count():
    found = {(q.value, q.unit) for q in find_quantities("Le jury compte neuf membres pendant trois semaines.", "fr")}
    assert found == {(9, "membres"), (3, "semaines")}  # text2num alone leaves "neuf" after a noun in words
    assert [(q.value, q.unit) for q in find_quantities("Eleven people will travel.", "en")] == [(11, "people")]
    assert find_quantities("un partenaire et une école", "fr") == []  # articles are not counts


@pytest.mark.unit
def test_figures_are_written_in_the_askers_language():
    assert format_figure(24300, "fr", "EUR") == "24\u202f300\xa0€"
    assert format_figure(24300, "en", "EUR") == "€24,300"
    assert format_figure(1.5, "fr") == "1,5" and format_figure(1.5, "en") == "1.5"


# Tables from rows


def _table(rows: list[list[object]], language: str = "fr"):
    table = build_table(RawTable(rows, name="Budget"), "budget.xlsx", 0, language)
    assert table is not None
    for row in table.rows:  # cited as the pipeline would: each row is its own passage line
        row.chunk_id, row.quote = "chunk-1", "; ".join(c.text for c in row.cells if c.text)
    return table


BUDGET = [
    ["Budget prévisionnel, version 2 (document fictif)", None, None],
    [None, None, None],
    ["Poste", "Montant (€)", "Financé par"],
    ["Voyages", 12000, "Fondation Exemple"],
    ["Hébergement", 7500, None],
    ["Assurances", 2000, "Fondation Exemple"],
    ["TOTAL", 21500, None],
]


@pytest.mark.unit
def test_the_header_is_found_below_a_title_line_and_the_printed_total_is_marked():
    table = _table(BUDGET)
    assert table.header == ["Poste", "Montant (€)", "Financé par"]
    assert [r.label() for r in table.body()] == ["Voyages", "Hébergement", "Assurances"]
    assert [r.number for r in table.body()] == [4, 5, 6]  # the sheet's own row numbers
    assert [r.label() for r in table.totals()] == ["TOTAL"]
    cell = table.body()[0].cells[1]
    assert (cell.kind, cell.value, cell.currency) == ("money", 12000, "EUR")  # the currency of the header


@pytest.mark.unit
def test_merged_cells_text_in_a_number_column_and_dates_are_typed():
    table = _table(
        [
            ["Programme", "Effectif", "Effectif", "Début"],  # a header merged over two columns reads as two
            ["Design", 12, 3, "2025-09-01"],
            [None, 14, 2, "2025-09-15"],  # a label merged over two rows
            ["Énergie", "à confirmer", 4, "2025-10-01"],
        ]
    )
    assert table.body()[1].label() == "Design"
    assert table.body()[2].cells[1].kind == "text" and table.column_kind(1) == "number"
    assert table.problems == [
        "row 4, column 'Effectif': 'à confirmer' is not a figure; left out of sums and comparisons"
    ]
    assert table.body()[0].cells[3].iso == "2025-09-01"


def _ask(tables, question: str, language: str):
    context = Context(FactIndex([]), date(2025, 6, 1), AnswerSettings(), tables=tables)
    q = analyse(question, language)
    return Tables(context).plan(q)


@pytest.mark.unit
def test_a_printed_total_is_preferred_and_a_disagreement_is_said():
    rows = [list(r) for r in BUDGET]
    draft = _ask([_table(rows)], "Quel est le budget total ?", "fr")
    assert draft.direct.startswith("21\u202f500\xa0€ au total") and "TOTAL" in draft.direct
    rows[-1][1] = 25000  # a stale printed total
    draft = _ask([_table(rows)], "What is the total budget?", "en")
    assert draft.direct.startswith("€25,000 in total") and "adding up the rows gives €21,500" in draft.direct


@pytest.mark.unit
def test_the_operations_on_a_column():
    table = _table(BUDGET)
    assert "Voyages" in _ask([table], "Quel est le poste le plus coûteux ?", "fr").direct.split(":")[0]
    assert "Assurances" in _ask([table], "Quel poste coûte le moins cher ?", "fr").direct.split(":")[0]
    difference = _ask([table], "Quelle est la différence entre voyages et hébergement ?", "fr").direct
    assert "4\u202f500\xa0€" in difference
    two = _ask([table], "Combien coûtent ensemble les voyages et les assurances ?", "fr").direct
    assert two.startswith("14\u202f000\xa0€ au total") and "Hébergement" not in two
    assert _ask([table], "Quel poste n'est financé par personne ?", "fr").direct.startswith("Hébergement :")


@pytest.mark.unit
def test_amounts_in_several_currencies_are_never_added_up():
    table = _table(
        [
            ["Partner", "Contribution"],
            ["Institute A", "€10,000"],
            ["Institute B", "₹500,000"],
            ["Institute C", "€5,000"],
        ],
        "en",
    )
    draft = _ask([table], "What is the total contribution?", "en")
    assert "several currencies" in draft.direct and "€15,000" in draft.direct and "₹500,000" in draft.direct


@pytest.mark.unit
def test_a_row_or_year_the_table_does_not_hold_is_abstained_on():
    table = _table(BUDGET).model_copy(update={"doc_date": "2025-01-20"})
    assert _ask([table], "Quel montant est prévu pour la communication ?", "fr").abstain
    assert _ask([table], "What was the total budget in 2019?", "en").abstain
    assert _ask([table], "Who chairs the steering committee?", "en") is None  # not about the table at all


@pytest.mark.unit
def test_a_count_from_a_figure_in_words_of_a_sentence():
    sentence = "Le jury de sélection compte neuf membres."
    figures = text_quantities(sentence, "fr", [("chunk-1", 0, len(sentence), sentence)], set())
    context = Context(FactIndex([]), date(2025, 6, 1), AnswerSettings(), tables=[figures])
    draft = Quantities(context).plan(analyse("How many members does the selection jury have?", "en"))
    assert draft is not None and draft.direct.startswith("9 ")
    assert Quantities(context).plan(analyse("How many students does the programme have?", "en")) is None


@pytest.mark.unit
def test_a_formula_without_a_saved_value_is_reported_and_rows_past_the_limit_too(tmp_path):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Heads"
    sheet.append(["Programme", "Students"])
    for i in range(5):
        sheet.append([f"Programme {i}", i + 10])
    sheet.append(["TOTAL", "=SUM(B2:B6)"])  # openpyxl saves no value for it
    path = tmp_path / "heads.xlsx"
    workbook.save(path)
    tables, problems = extract_tables(path, LoadOptions(max_bytes=10**7), "heads.xlsx", "en")
    assert any("=SUM(B2:B6)" in p and "no saved value" in p for p in problems)
    assert tables[0].totals()[0].cells[1].kind == "empty"  # not guessed
    _, problems = extract_tables(path, LoadOptions(max_bytes=10**7, max_sheet_rows=3), "heads.xlsx", "en")
    assert any("only the first 3 rows" in p for p in problems)


# Through the bot

CONTRIBUTIONS = """Partner,Country,Contribution 2030,Students hosted
Institut Exemple,France,"€40,000",12
Polytechnique Fictive,India,"€25,000",9
Fondation Imaginaire,France,"€15,000",0
"""
STEPS = """# Application steps (fictional document for tests)

| Step | Deadline | Fee |
|---|---|---|
| Online form | 2030-03-15 | €40 |
| Interview | 2030-04-10 | €0 |
| Enrolment | 2030-06-01 | €150 |
"""


@pytest.fixture(scope="module")
def table_bot(tmp_path_factory, embedder):
    folder = tmp_path_factory.mktemp("tables")
    (folder / "contributions-2030.csv").write_text(CONTRIBUTIONS, encoding="utf-8")
    (folder / "steps-2030.md").write_text(STEPS, encoding="utf-8")
    settings = Settings(data_dir=tmp_path_factory.mktemp("tables-data") / "data", chroma_url=None)
    store = Store(settings, embedder=embedder)
    ingest([folder], settings, store=store)
    return Bot(settings, store), folder, settings, store


@pytest.mark.integration
def test_a_sum_names_its_parts_and_cites_the_rows(table_bot):
    bot, *_ = table_bot
    answer = bot.ask("What is the total contribution of the partners?")
    assert not answer.abstained and answer.generator == "reader"
    assert answer.direct.startswith("€80,000 in total")
    assert "Institut Exemple €40,000" in answer.direct and "Fondation Imaginaire €15,000" in answer.direct
    assert any("Institut Exemple" in q and "€40,000" in q for q in answer.quotes)  # the rows themselves
    # The citation carries the rows with their header, the figures added up marked, for the sources panel.
    shown = [r for c in answer.citations if c.table for r in c.table.rows]
    assert {r.cells[0] for r in shown} >= {"Institut Exemple", "Fondation Imaginaire"}
    assert all(r.cells[r.marked[0]].startswith("€") and len(r.marked) == 1 for r in shown)


@pytest.mark.integration
def test_an_extreme_and_a_negation_from_the_bot(table_bot):
    bot, *_ = table_bot
    most = bot.ask("Quel partenaire accueille le plus d'étudiants ?")
    assert most.direct.startswith("Institut Exemple") and "12" in most.direct
    free = bot.ask("Which step is free?")
    assert free.direct.startswith("Interview") and any("Interview" in q for q in free.quotes)


@pytest.mark.integration
def test_a_share_passes_the_claim_check_with_the_rows_it_is_computed_from(table_bot):
    bot, *_ = table_bot
    share = bot.ask("What share of the contributions does Institut Exemple provide?")
    assert share.generator == "reader" and share.direct.startswith("Institut Exemple: €40,000 of €80,000")
    assert "that is 50%" in share.direct and any("Fondation Imaginaire" in q for q in share.quotes)


@pytest.mark.integration
def test_a_french_total_ending_with_a_rows_figure_passes_the_claim_check(tmp_path, embedder):
    folder = tmp_path / "docs"
    folder.mkdir()
    # Fictional: a total "25 100 €" whose last group is the figure of a row, "100 €".
    (folder / "frais-2031.csv").write_text("Poste,Montant (€)\nSalles,100\nRepas,25000\n", encoding="utf-8")
    settings = Settings(data_dir=tmp_path / "data", chroma_url=None)
    store = Store(settings, embedder=embedder)
    ingest([folder], settings, store=store)
    bot = Bot(settings, store)
    answer = bot.ask("Quel est le montant total des frais ?")
    assert answer.generator == "reader" and answer.direct.startswith("25\u202f100\xa0€ au total")
    # The tables skill claims it, so its passages are not reranked sentence by sentence; a question of prose is.
    assert bot.composer.from_tables(analyse("Quel est le montant total des frais ?", "fr"))
    assert not bot.composer.from_tables(analyse("Qui préside le comité ?", "fr"))


@pytest.mark.integration
def test_a_changed_document_replaces_its_tables_and_a_removed_one_loses_them(table_bot, embedder):
    _, folder, settings, _ = table_bot
    store = Store(settings, embedder=embedder)  # a store of its own: the module's bot keeps its view
    (folder / "steps-2030.md").write_text(STEPS.replace("€150", "€175"), encoding="utf-8")
    ingest([folder], settings, store=store)
    fees = [r.cells[2].value for t in store.tables.tables(refresh=True) if t.doc_id == "steps-2030.md" for r in t.rows]
    assert fees == [40, 0, 175]
    (folder / "steps-2030.md").unlink()
    ingest([folder], settings, store=store)
    assert {t.doc_id for t in store.tables.tables(refresh=True)} == {"contributions-2030.csv"}


# Table shapes of the second held-out set: merged title rows, units in headers, PDF tables, rows found where they are


@pytest.mark.unit
def test_a_title_merged_across_the_first_row_is_not_the_header():
    title = "Répartition des contributions (document fictif)"
    table = _table([[title, title, title], ["Partenaire", "Numéraire", "Bourses"], ["Institut A", "45 000", "8"]])
    assert table.header == ["Partenaire", "Numéraire", "Bourses"]
    assert table.body()[0].cells[1].value == 45000 and not table.problems


@pytest.mark.unit
def test_a_unit_in_the_header_scales_the_column():
    assert header_scale("Grant (k€)") == (1000, "EUR")
    assert header_scale("Montant (en milliers d'euros)") == (1000, "EUR")
    assert header_scale("Distance (m)") == (1, None) and header_scale("Montant (€)") == (1, "EUR")
    table = _table([["Theme", "Grant (k€)", "Projects"], ["Coastal ecology", 240, 6], ["Health", "1,5 M€", 2]], "en")
    grant, scaled, projects = table.body()[0].cells[1], table.body()[1].cells[1], table.body()[0].cells[2]
    assert (grant.value, grant.currency, grant.kind) == (240_000, "EUR", "money")
    assert scaled.value == 1_500_000  # a cell with its own multiplier keeps it
    assert projects.value == 6


def _pdf(path, blocks) -> None:
    """A one-column PDF (fictional content) of paragraphs and ruled tables, as reportlab sets them."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

    style = getSampleStyleSheet()["BodyText"]
    story = []
    for block in blocks:
        if isinstance(block, str):
            story.append(Paragraph(block, style))
        else:
            table = Table(block)
            table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.4, (0.5, 0.5, 0.5))]))
            story.append(table)
    SimpleDocTemplate(str(path), pagesize=A4, invariant=1).build(story)


@pytest.mark.unit
def test_a_pdf_table_is_read_from_the_text_layer_with_its_wrapped_cells(tmp_path):
    path = tmp_path / "schedule.pdf"
    _pdf(
        path,
        [
            "Calendrier fictif du programme.",
            [
                ["Étape", "Date", "Lieu", "Durée (jours)"],
                ["Séminaire de lancement", "12 janvier 2031", "Valombre", "2"],
                ["Atelier\nméthodologique", "9 mars 2031", "Port-Sarcelle", "3"],
                ["Restitution finale", "5 octobre 2031", "Valombre", "1"],
            ],
            "Les dates peuvent changer.",
        ],
    )
    tables, _ = extract_tables(path, LoadOptions(max_bytes=10**7), "schedule.pdf", "fr")
    assert len(tables) == 1 and tables[0].header == ["Étape", "Date", "Lieu", "Durée (jours)"]
    assert tables[0].part == "page" and tables[0].part_number == 1
    labels = [r.label() for r in tables[0].body()]
    assert labels == ["Séminaire de lancement", "Atelier méthodologique", "Restitution finale"]
    assert tables[0].body()[1].cells[1].iso == "2031-03-09" and tables[0].body()[2].cells[3].value == 1


@pytest.mark.unit
def test_text_set_in_two_columns_is_not_a_pdf_table(tmp_path):
    path = tmp_path / "prose.pdf"
    left = "Le comité fictif s'est réuni pour examiner le calendrier de l'année et les candidatures. " * 12
    right = "Les partenaires imaginaires ont présenté leurs projets et proposé des dates d'ateliers. " * 12
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate, Paragraph

    width, height = A4
    frames = [Frame(40, 40, width / 2 - 50, height - 80), Frame(width / 2 + 10, 40, width / 2 - 50, height - 80)]
    document = BaseDocTemplate(str(path), pagesize=A4, pageTemplates=[PageTemplate(frames=frames)], invariant=1)
    style = getSampleStyleSheet()["BodyText"]
    document.build([Paragraph(left, style), Paragraph(right, style)])
    tables, _ = extract_tables(path, LoadOptions(max_bytes=10**7), "prose.pdf", "fr")
    assert tables == []


@pytest.mark.unit
def test_a_row_is_cited_where_its_cells_are_together_not_where_its_label_first_appears():
    raw = RawTable([["Site", "Doctorants"], ["Campus Nord", 37]], name="Personnel")
    table = build_table(raw, "heads.xlsx", 0, "fr")
    text = (
        "Effectifs fictifs du Campus Nord et des autres sites.\nSite: Campus Nord; 2025: 471.\n\n"
        "Personnel\n\nSite: Campus Nord; Doctorants: 37."
    )
    passages = [(f"c{i}", text.index(p), text.index(p) + len(p), p) for i, p in enumerate(text.split("\n\n"))]
    locate_rows([table], text, passages)
    assert (table.rows[0].chunk_id, table.rows[0].quote) == ("c2", "Site: Campus Nord; Doctorants: 37.")


SCHEDULE = [
    ["Étape", "Date", "Lieu", "Durée (jours)"],
    ["Séminaire de lancement", "12 janvier 2031", "Valombre", "2"],
    ["Atelier méthodologique", "9 mars 2031", "Port-Sarcelle", "3"],
]


@pytest.mark.unit
def test_a_when_question_is_answered_from_the_date_column():
    draft = _ask([_table(SCHEDULE)], "Quand a lieu le séminaire de lancement ?", "fr")
    assert draft is not None and "12 janvier 2031" in draft.direct and "Valombre" not in draft.direct
    # An action's deadline is not when the meeting it prepares takes place, though the embedder finds the action
    # close to the question (scripted here: "meeting" is close to the first action only).
    actions = _table(
        [
            ["Action", "Owner", "Deadline"],
            ["Plan the kick-off", "J. Doe", "2031-09-30"],
            ["Book rooms", "A. Roe", "2031-10-15"],
        ]
    )

    def close(words: list[str], labels: list[str]) -> list[list[float]]:
        return [
            [0.95 if word == "meeting" and label == "Plan the kick-off" else 0.1 for label in labels] for word in words
        ]

    context = Context(FactIndex([]), date(2025, 6, 1), AnswerSettings(), tables=[actions], similar=close)
    assert Tables(context).plan(analyse("When is the steering committee meeting?", "en")) is None
    # Nor does a lookup by a column's word ("date" ~ "Deadline") about a row only close in meaning.
    assert Tables(context).plan(analyse("Which date was set for the second steering committee meeting?", "en")) is None


@pytest.mark.unit
def test_a_figure_column_the_question_does_not_name_does_not_answer_it():
    # "times a year", "committee", "meet": nothing of this table; its one figure column is not the answer.
    assert _ask([_table(SCHEDULE)], "How many times a year does the steering committee meet?", "en") is None


@pytest.mark.unit
def test_the_year_a_table_names_outweighs_the_date_of_its_document():
    rows = [["Budget 2031 (document fictif)", None], ["Poste", "Montant (€)"], ["Voyages", 1200], ["TOTAL", 1200]]
    table = _table(rows).model_copy(update={"doc_date": "2030-11-04", "doc_title": "Budget prévisionnel 2031"})
    assert _ask([table], "What was the total budget in 2030?", "en").abstain
    assert _ask([table], "What is the total budget for 2031?", "en").direct.startswith("€1,200 in total")


@pytest.mark.unit
def test_the_rows_are_named_by_the_column_that_tells_them_apart():
    table = _table(
        [
            ["Catégorie", "Poste", "Montant HT (€)"],
            ["Personnel", "Coordination", 18000],
            [None, "Tutorat", 9600],  # the category merged over its rows
            ["Fonctionnement", "Communication", 1800],
            ["Sous-total", None, 29400],
        ]
    )
    assert _ask([table], "Quel est le poste le plus coûteux ?", "fr").direct.startswith("Coordination")
    assert _ask([table], "Quel est le poste le moins cher ?", "fr").direct.startswith("Communication")


# Shares, differences and averages computed; rows and columns named in another language


def _ask_with(tables, question: str, language: str, similar=None, settings: AnswerSettings | None = None):
    context = Context(FactIndex([]), date(2025, 6, 1), settings or AnswerSettings(), tables=tables, similar=similar)
    return Tables(context).plan(analyse(question, language))


@pytest.mark.unit
def test_a_share_of_the_printed_total_or_of_the_rows_sum_is_computed():
    draft = _ask([_table(BUDGET)], "Quelle part du budget total représentent les voyages ?", "fr")
    # 12 000 of the printed 21 500: the figures it is computed from are named, the total row cited.
    assert draft.direct.startswith("Voyages : 12\u202f000\xa0€ sur 21\u202f500\xa0€") and "55,8\xa0%" in draft.direct
    unprinted = _table(BUDGET[:-1])
    assert "55.8%" in _ask([unprinted], "What share of the budget goes to Voyages?", "en").direct
    assert format_percent(0.2263, "fr") == "22,6\xa0%" and format_percent(0.3, "en") == "30%"
    # A column of percentages is read, not divided again.
    rates = _table([["Theme", "Accepted (%)"], ["Ecology", "35 %"], ["Health", "22 %"]], "en")
    cell = _ask([rates], "What percentage was accepted in Ecology?", "en").direct
    assert cell.startswith("Ecology, accepted (%): 35") and " of " not in cell


@pytest.mark.unit
def test_a_difference_between_two_columns_of_one_row_and_years_it_does_not_hold():
    heads = _table([["Site", "2029", "2030"], ["Nord", 412, 471], ["Sud", 296, 289]], "en")
    draft = _ask([heads], "How many more students did Nord have in 2030 than in 2029?", "en")
    assert draft.direct.startswith("Nord: 2029 412, 2030 471; a difference of 59")
    assert _ask([heads], "How many more students did Nord have in 2030 than in 2021?", "en").abstain
    amounts = _table([["Poste", "Montant HT (€)", "Montant TTC (€)"], ["Salles", 4500, 5400], ["Repas", 900, 990]])
    draft = _ask([amounts], "Quelle est la différence entre le montant TTC et le montant HT des salles ?", "fr")
    assert "écart de 900\xa0€" in draft.direct


@pytest.mark.unit
def test_an_average_and_a_long_sum_say_how_many_rows_they_used():
    rows = [["Mission", "Cost (€)"]] + [[f"Route {chr(65 + n) * 3}", 100 * (n + 1)] for n in range(20)]
    table = _table(rows, "en")
    total = _ask([table], "What is the total cost of the missions?", "en")
    assert total.direct.startswith("€21,000 in total") and "(+8)" in total.direct
    assert "8" in total.derived  # counted, not quoted: the claim check must not look for it in the rows
    average = _ask([table], "What is the average cost of a mission?", "en")
    assert average.direct.startswith("€1,050 on average over 20 rows") and "20" in average.derived


@pytest.mark.unit
def test_the_smallest_is_asked_with_la_plus_followed_by_a_word_of_the_smallest():
    steps = _table([["Étape", "Durée (jours)"], ["Lancement", 2], ["Mission", 10], ["Restitution", 1]])
    assert _ask([steps], "Quelle étape est la plus courte ?", "fr").direct.startswith("Restitution")
    assert _ask([steps], "Quelle étape est la plus longue ?", "fr").direct.startswith("Mission")


@pytest.fixture(scope="module")
def similar(embedder):
    """The bot's own comparison by meaning, with the session's multilingual embedder."""
    return SentenceScorer(embedder, Settings().answer.word_weight, 1000).similarities


@pytest.mark.integration
def test_the_phrases_embedded_in_one_batch_have_the_vectors_of_one_at_a_time(embedder):
    # The tables skill embeds a question's phrases in one batch (issue 25): an answer may not change for it.
    phrases = ["flight tickets", "PhD students", "a", "montant TTC du budget de fonctionnement annuel"]
    assert embedder.embed_queries(phrases) == [embedder.embed_query(p) for p in phrases]
    labels = ["Billets d'avion", "Doctorants"]
    one_by_one = np.array([embedder.embed_query(p) for p in phrases], dtype=np.float32)
    expected = (one_by_one @ np.array(embedder.embed_documents(labels), dtype=np.float32).T).tolist()
    assert SentenceScorer(embedder, Settings().answer.word_weight, 1000).similarities(phrases, labels) == expected


@pytest.mark.integration
def test_rows_and_columns_named_in_another_language_by_the_embedder(similar):
    budget = _table(
        [
            ["Catégorie", "Poste", "Montant (€)"],
            ["Fonctionnement", "Billets d'avion", 14200],
            [None, "Matériel informatique", 6250],
            [None, "Location de salles", 4500],
        ]
    )
    draft = _ask_with([budget], "How much is budgeted for flight tickets?", "en", similar)
    assert draft.direct.startswith("Billets d'avion, montant (€): €14,200")
    heads = _table([["Site", "Enseignants-chercheurs", "Doctorants"], ["Nord", 54, 37], ["Sud", 39, 12]])
    assert _ask_with([heads], "How many PhD students does Nord have?", "en", similar).direct.startswith(
        "Nord, doctorants: 37"
    )
    # A word close to no label nor header does not pick one: catering is in no row of the budget.
    assert _ask_with([budget], "How much is budgeted for catering?", "en", similar).abstain


@pytest.mark.integration
def test_a_lookup_no_table_can_answer_compares_nothing_by_meaning(similar):
    # A question that asks no figure and names no column by a word of the vocabulary (nor "when" of a date column)
    # is answered by no table: its phrases are not compared with the headers and rows (issue 25: the embedder's
    # CPU); a figure question about the same rows still is.
    budget = _table(
        [["Catégorie", "Poste", "Montant (€)"], ["Fonctionnement", "Billets d'avion", 14200], [None, "Matériel", 6250]]
    )
    asked: list[list[str]] = []

    def counted(words: list[str], texts: list[str]) -> list[list[float]]:
        asked.append(words)
        return similar(words, texts)

    assert _ask_with([budget], "Which airline sells the flight tickets?", "en", counted) is None
    assert asked == []
    draft = _ask_with([budget], "How much is budgeted for flight tickets?", "en", counted)
    assert draft.direct.startswith("Billets d'avion, montant (€): €14,200") and asked


@pytest.mark.unit
def test_a_whole_word_of_the_vocabulary_does_not_take_the_words_its_stem_begins():
    # Header words of schedules are one concept in either language; a word whose first letters begin unrelated words
    # is matched whole, so that "international", "Lecture", "statue" or "contains" name no column.
    assert keys("Intervenant(e)") & keys("speaker") and keys("Lecturer") & keys("formatrice")
    assert keys("Salle") == keys("room") and keys("Statut") == keys("status") and keys("Référent") == keys("contact")
    assert not keys("international") & keys("intervenant") and not keys("Lecture") & keys("lecturer")
    assert not keys("statue") & keys("status") and not keys("contains") & keys("contact")


@pytest.mark.integration
def test_a_lookup_asked_in_the_other_language_than_the_tables_headers(similar):
    # "Salle", "Intervenante", "Statut" are named in English by words of the vocabulary, so the lookup reaches the
    # comparison by meaning, which names the row; an English table is asked in French the same way.
    sessions = _table(
        [
            ["Séance", "Salle", "Intervenante", "Statut"],
            ["Statistiques bayésiennes", "Salle Orme", "Jeanne Exemple", "Confirmée"],
            ["Visualisation de données", "Salle Frêne", "Lucie Exemple", "Reportée"],
        ]
    )
    asked: list[list[str]] = []

    def counted(words: list[str], texts: list[str]) -> list[list[float]]:
        asked.append(words)
        return similar(words, texts)

    draft = _ask_with([sessions], "Which room is the data visualisation class held in?", "en", counted)
    assert draft.direct.startswith("Visualisation de données, salle: Salle Frêne") and asked
    assert _ask_with([sessions], "Who is the speaker of the Bayesian statistics session?", "en", similar).direct == (
        "Statistiques bayésiennes, intervenante: Jeanne Exemple [1]."
    )
    # "class" is in no word of the French table: with no unexplained word allowed across languages, not its row.
    strict = AnswerSettings(table_lookup_unexplained_across=0)
    assert _ask_with([sessions], "Which room is the data visualisation class held in?", "en", similar, strict) is None
    # A row the table does not hold is not named by meaning: the passages answer (or abstain).
    assert _ask_with([sessions], "Which room is the marine biology session in?", "en", similar) is None
    talks = _table(
        [["Talk", "Room", "Status"], ["Soil chemistry", "Room 4", "Cancelled"], ["Glaciers", "Hall B", "Confirmed"]],
        "en",
    )
    assert _ask_with(
        [talks], "Quel est le statut de l'exposé sur la chimie des sols ?", "fr", similar
    ).direct.startswith("Soil chemistry, status")


@pytest.mark.integration
def test_a_table_reader_that_fails_costs_the_document_nothing(tmp_path, embedder, monkeypatch):
    def broken(*args, **kwargs):  # scripted: the failure path is what is tested
        raise ValueError("a table reader's bug")

    monkeypatch.setattr("ingest.tables.extract_tables", broken)
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "contributions-2030.csv").write_text(CONTRIBUTIONS, encoding="utf-8")
    settings = Settings(data_dir=tmp_path / "data", chroma_url=None)
    store = Store(settings, embedder=embedder)
    report = ingest([folder], settings, store=store)
    assert any(
        "its tables could not be read (ValueError: a table reader's bug); its text is kept" in w
        for w in report.warnings
    )
    assert any("Polytechnique Fictive" in c.text for c in store.chunks()) and store.tables.tables() == []
