"""Claims: sentences read as who did what (spaCy's parse), questions read as a claim with a missing argument, and the
`claims` skill that answers from them or abstains. Every document, person and organisation here is fictional."""

from __future__ import annotations

import pytest

from bot import Bot
from bot.claims import read_question
from core.settings import Settings
from ingest.claims import extract_claims
from ingest.pipeline import ingest
from models.claims import claims_of, question_claim, row_claim
from models.nlp import parses
from store.store import Store
from tests.conftest import ScriptedProposer, bot_over

# Fictional documents written for these tests.
MINUTES = """Fictional document created for testing: minutes of the Tern Valley working group.

The meeting of the Tern Valley working group took place on 3 March 2031 in Lyon.
The meeting was hosted by the Orrin Institute of Robotics.
Dr Maya Feld, Director of the Orrin Institute of Robotics, welcomed the members.
The mapping work package is led by Jonas Brandt.
The Quarry Foundation funds the drone survey.
"""
AGREEMENT = """Fictional document created for testing: an agreement.

The Halden Port Authority is represented by its Managing Director.
"""


def _claims(sentence: str, language: str = "en"):
    return claims_of(parses([sentence], language)[0])


@pytest.mark.unit
def test_the_passive_and_the_active_give_the_same_claim():
    passive = _claims("The mapping work package is led by Jonas Brandt.")[0]
    active = _claims("Jonas Brandt leads the mapping work package.")[0]
    for claim in (passive, active):
        roles = {a.role: a.text for a in claim.args}
        assert claim.relation == "lead"
        assert roles["agent"] == "Jonas Brandt"
        assert "work package" in roles["theme"]


@pytest.mark.unit
def test_french_passive_with_its_agent_and_a_negation_through_a_modal():
    claim = _claims("Le comité de sélection est présidé par Inès Valmont.", "fr")[0]
    assert claim.relation == "presider"
    assert {a.role: a.text for a in claim.args} == {"theme": "comité de sélection", "agent": "Inès Valmont"}
    negated = [c for c in _claims("Une entreprise ne peut pas porter le projet.", "fr") if c.relation == "porter"]
    assert negated and negated[0].negated
    assert any(a.role == "agent" and a.text == "Une entreprise" for a in negated[0].args)


@pytest.mark.unit
def test_arguments_are_typed():
    claim = next(c for c in _claims("Tomas Berg presented the budget report on 4 May 2031 in Porto.") if c.args)
    types = {a.text: a.type for a in claim.args}
    assert types["budget report"] == "document"
    assert types["4 May 2031"] == "date"
    assert types["Porto"] == "place"
    amount = _claims("L'enveloppe totale est de 300 000 euros.", "fr")[0]
    assert any(a.type == "money" for a in amount.args)


@pytest.mark.unit
def test_a_table_row_is_a_claim_of_typed_cells():
    row = row_claim(
        [(2, "Survey of the quays"), (25, "Jonas Brandt"), (40, "31 October 2031")], {"jonas brandt": "person"}
    )
    assert row is not None and row.relation == "row"
    assert [a.type for a in row.args] == ["other", "person", "date"]


@pytest.mark.unit
def test_a_question_gives_its_relation_its_arguments_and_the_type_it_asks_for():
    hotel = read_question("Which hotel will the members stay at in Lyon?", "en", [], [])
    assert hotel is not None and hotel.types == {"lodging"}
    money = read_question("How much money does each project receive?", "en", [], [])
    assert money is not None and money.types == {"money"}
    who = read_question("Par qui les lauréats sont-ils sélectionnés ?", "fr", [], [])
    assert who is not None and who.word == "who" and who.claim is not None
    assert who.claim.relation == "selectionner" and who.missing is not None and who.missing.role == "agent"
    address = read_question("Quelle est l'adresse postale de la fondation ?", "fr", [], [])
    assert address is not None and address.types == {"address"}


@pytest.mark.unit
def test_a_relative_clause_is_an_inner_question_answered_first():
    claim = question_claim(parses(["Who heads the organisation that hosted the working group meeting?"], "en")[0])
    assert claim is not None and claim.relation == "head"
    outer = next(a for a in claim.args if a.inner is not None)
    assert outer.inner is not None and outer.inner.relation == "host"
    inner_missing = outer.inner.missing()
    assert inner_missing is not None and inner_missing.role == "agent" and inner_missing.type == "organisation"


@pytest.fixture(scope="module")
def claims_bot(tmp_path_factory, embedder) -> Bot:
    documents = {"minutes-2031-03-03.md": MINUTES, "agreement-2031-04-01.md": AGREEMENT}
    return bot_over(documents, tmp_path_factory, embedder)


@pytest.mark.integration
def test_relations_are_answered_by_their_argument_with_the_sentence_quoted(claims_bot):
    answer = claims_bot.ask("Who leads the mapping work package?")
    assert not answer.abstained and answer.direct.startswith("Jonas Brandt")
    assert any("led by Jonas Brandt" in q for q in answer.quotes)
    french = claims_bot.ask("Qui a accueilli la réunion du groupe de travail ?")  # French about an English document
    assert not french.abstained and french.direct.startswith("Orrin Institute of Robotics")


@pytest.mark.integration
def test_an_absent_fact_of_a_definite_type_is_not_answered_by_a_sentence_sharing_words(claims_bot):
    for question in (
        "Which hotel will the members of the Tern Valley working group stay at in Lyon?",
        "How much money does the Quarry Foundation give to the drone survey?",
        "What is the postal address of the Orrin Institute of Robotics?",
    ):
        answer = claims_bot.ask(question)
        assert answer.abstained and not answer.citations, (question, answer.answer)


@pytest.mark.integration
def test_a_role_without_the_name_of_its_holder_is_a_partial_answer(claims_bot):
    answer = claims_bot.ask("Who represents the Halden Port Authority?")
    assert answer.partial and not answer.abstained
    assert "Managing Director" in answer.direct and "not the name" in answer.direct


@pytest.mark.integration
def test_a_chain_answers_the_inner_claim_then_the_outer_question(claims_bot):
    answer = claims_bot.ask("Who heads the organisation that hosted the Tern Valley working group meeting?")
    assert "Orrin Institute of Robotics" in answer.direct and "Maya Feld" in answer.direct


@pytest.mark.integration
def test_a_changed_document_replaces_its_claims(tmp_path, embedder):
    folder = tmp_path / "docs"
    folder.mkdir()
    document = folder / "note-2031-05-01.md"
    document.write_text("Fictional note for testing.\n\nThe survey is led by Jonas Brandt.\n", encoding="utf-8")
    settings = Settings(data_dir=tmp_path / "data", chroma_url=None)
    store = Store(settings, embedder=embedder)
    ingest([folder], settings, store=store)
    assert any(c.relation == "lead" for c in store.facts().claims)
    document.write_text("Fictional note for testing.\n\nThe survey is funded by Lena Ortiz.\n", encoding="utf-8")
    ingest([folder], settings, store=store)
    relations = {c.relation for c in store.facts().claims}
    assert "fund" in relations and "lead" not in relations


PRIZE = (
    "Fictional minutes.\n\nThe fictional Harrow Trust funds the Wend prize.\n\n"
    "Prize jury: Orla Wend and Tam Ruiz, for the fictional Harrow Trust."
)
PROPOSED_CLAIMS = "\n".join(
    [
        "```json",
        '{"subject": "Orla Wend", "verb": "jury", "object": "Harrow Trust"}',
        '{"subject": "Orla Wend", "verb": "chairs", "object": "the jury"}',  # a verb the sentence does not write
        '{"subject": "Tam Ruiz", "verb": "jury", "object": null}',
        "```",
    ]
)


def _read(claims) -> dict[str, list[tuple[str, str, str]]]:
    return {c.relation: [(a.role, a.type, a.span.text) for a in c.arguments] for c in claims}


@pytest.mark.integration
def test_a_model_proposes_claims_for_the_sentences_the_parser_reads_none_in_kept_only_as_spans():
    model = ScriptedProposer(PROPOSED_CLAIMS)
    args = ("prize.md", "Fictional", "2031-01-01", "en", [("c", 0)], [])
    alone = _read(extract_claims(PRIZE, *args))
    assert "fund" in alone and "jury" not in alone  # the verbless line has no claim of the parser's
    read = _read(extract_claims(PRIZE, *args, model, 5))
    # Only the verbless sentence went to the model (the short title and the parsed sentence did not); the invented
    # verb is dropped, the two proposals of one verb are one claim, typed as the parser types its arguments.
    assert len(model.prompts) == 1 and "Prize jury" in model.prompts[0]
    assert read["fund"] == alone["fund"] and "chair" not in read
    assert read["jury"] == [
        ("agent", "person", "Orla Wend"),
        ("theme", "organisation", "Harrow Trust"),
        ("agent", "person", "Tam Ruiz"),
    ]
    # No sentence is offered past the limit, and a model that fails costs only its proposals.
    assert _read(extract_claims(PRIZE, *args, ScriptedProposer(PROPOSED_CLAIMS), 0)) == alone
    assert _read(extract_claims(PRIZE, *args, ScriptedProposer(RuntimeError("model down")), 5)) == alone


@pytest.mark.integration
def test_claims_proposed_at_ingest_are_stored_once_and_the_generator_is_handed_over(tmp_path, make_settings):
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "prize.md").write_text(PRIZE, encoding="utf-8")
    settings = make_settings(claims_model_sentences=5)
    store = Store(settings)
    model = ScriptedProposer(PROPOSED_CLAIMS)
    ingest([folder], settings, store=store, proposer=model)
    proposed = [c for c in store.facts(refresh=True).claims if c.relation == "jury"]
    assert [a.span.text for a in proposed[0].arguments] == ["Orla Wend", "Harrow Trust", "Tam Ruiz"]
    assert ingest([folder], settings, store=store, proposer=model).facts == 0 and len(model.prompts) == 1
    # The configured generator is the proposer when only claims are to be proposed.
    served = make_settings(generator="openai", llm_base_url="http://127.0.0.1:9/v1", claims_model_sentences=5)
    assert Bot(served, store).facts_proposer() is not None
    assert Bot(served.replace(claims_model_sentences=0), store).facts_proposer() is None
