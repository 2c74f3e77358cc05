"""The claims' gaps of issue 22: an event told from others of its kind by what the question adds to the kind (the kind
read from a verb's lemma as well), "And <someone>?" asked again of the previous question, and a role named without
its holder asked by "who is" or by yes/no. Every document, person, organisation and jury here is fictional."""

from __future__ import annotations

import pytest

from bot import Bot
from bot.question import analyse
from core.text import fold
from tests.conftest import bot_over

# Fictional documents written for these tests.
CALENDAR = """Fictional document created for testing: the calendar of the Pelwen network.

Attendees: Lena Hart, Secretary of the Pelwen Network; Oren Vask, Programme Officer at the Quillon Trust; Anna Marrow,
Finance Director at the Pelwen Network.
The Avel selection jury will meet on 4 May 2031.
The Brennic selection jury will meet on 18 May 2031.
The Quillon Trust is represented on the board by its Managing Director.
"""
CALENDRIER = """Document fictif créé pour des tests : le calendrier du réseau Pelwen.

Le jury de Corlay se réunira le 2 juin 2031.
Le jury de Trébrivan se réunira le 16 juin 2031.
Yves Caradec, président de la Coopérative Brenn, a ouvert la séance.
La Coopérative Brenn finance le programme de tutorat.
Nolwenn Riou, chargée de mission à l'Agence Kerlouan, a ouvert le forum.
L'Agence Kerlouan a organisé le forum du réseau.
L'Agence Kerlouan est dirigée par Maël Tanguy.
"""


@pytest.fixture(scope="module")
def gaps_bot(tmp_path_factory, embedder) -> Bot:
    documents = {"calendar-2031-04-01.md": CALENDAR, "calendrier-2031-04-02.md": CALENDRIER}
    with pytest.MonkeyPatch.context() as patch:  # events told apart by their names: off by default, on here
        patch.setenv("PARTNERBOT_ANSWER_WHEN_SUBJECT_SHARE", "0.75")
        bot = bot_over(documents, tmp_path_factory, embedder)
    assert bot.settings.answer.when_subject_share == 0.75
    return bot


@pytest.mark.unit
def test_the_kind_of_event_comes_from_a_verbs_lemma_when_no_noun_names_it():
    assert analyse("Quand se réunira le jury de Corlay ?", "fr").event_kind == "meeting"
    assert analyse("When will the Avel selection jury meet?", "en").event_kind == "meeting"
    assert analyse("When will the Avel selection jury publish its list?", "en").event_kind is None


@pytest.mark.integration
def test_an_event_is_dated_only_when_its_sentence_holds_what_the_question_adds_to_its_kind(gaps_bot):
    brennic = gaps_bot.ask("When will the Brennic selection jury meet?")
    assert brennic.kind == "date" and "18 May 2031" in brennic.direct and "4 May" not in brennic.direct
    trebrivan = gaps_bot.ask("Quand se réunira le jury de Trébrivan ?")
    assert "16 juin 2031" in trebrivan.direct and "2 juin" not in trebrivan.direct
    for question in ("When will the Kerlaz selection jury meet?", "Quand se réunira le jury de Plouha ?"):
        answer = gaps_bot.ask(question)
        assert answer.abstained and not answer.citations, (question, answer.answer)


@pytest.mark.integration
def test_and_someone_asks_the_previous_question_again_of_them(gaps_bot):
    history = [
        {"role": "user", "content": "What is Anna Marrow's role?"},
        {"role": "assistant", "content": "Anna Marrow is Finance Director at the Pelwen Network."},
    ]
    answer = gaps_bot.ask("And Oren Vask?", history)
    assert fold(answer.standalone_question) == fold("What is Oren Vask's role?")
    assert "Programme Officer" in answer.direct
    history = [
        {"role": "user", "content": "Quand se réunira le jury de Corlay ?"},
        {"role": "assistant", "content": "Le 2 juin 2031."},
    ]
    answer = gaps_bot.ask("Et le jury de Trébrivan ?", history)
    # compared folded: the spelling step writes a name it reads in the documents' words without its capital
    assert fold(answer.standalone_question) == fold("Quand se réunira le jury de Trébrivan ?")
    assert "16 juin 2031" in answer.direct


@pytest.mark.integration
def test_a_role_without_its_holder_is_partial_for_who_is_and_never_a_yes(gaps_bot):
    who = gaps_bot.ask("Who is the Managing Director of the Quillon Trust?")
    assert who.partial and not who.abstained
    assert "Managing Director" in who.direct and "not the name" in who.direct and "Quillon Trust [" not in who.direct
    said = gaps_bot.ask("Is Oren Vask the Managing Director of the Quillon Trust?")
    assert said.kind == "role" and said.partial and not said.direct.startswith("Yes")
    assert "do not say" in said.direct and "Programme Officer" in said.direct
    held = gaps_bot.ask("Is Oren Vask the Programme Officer at the Quillon Trust?")
    assert held.direct.startswith("Yes") and not held.partial


@pytest.mark.integration
def test_a_verb_the_parser_reads_as_a_noun_after_which_and_its_noun_is_the_questions_predicate(gaps_bot):
    # spaCy reads "finance" as a noun or an adjective here: no verb, no claim, until its form is read as "financer".
    asking = analyse("Quelle organisation finance le programme de tutorat ?", "fr").asking
    assert asking is not None and asking.claim is not None and asking.claim.text == "finance"
    assert asking.missing is not None and asking.missing.role == "agent"
    assert [a.text for a in asking.given()] == ["programme de tutorat"]
    assert analyse("Quelle organisation des programmes ?", "fr").asking.claim is None  # "organisation": no verb
    answer = gaps_bot.ask("Quelle organisation finance le programme de tutorat ?")
    assert "Coopérative Brenn" in answer.direct and not answer.abstained


@pytest.mark.integration
def test_a_relative_clause_the_parser_hangs_on_the_main_verb_is_still_the_nouns_inner_question(gaps_bot):
    # spaCy hangs "a organisé" on "dirige", not on "organisation": the clause is found by its pronoun.
    question = "Qui dirige l'organisation qui a organisé le forum du réseau ?"
    chain = analyse(question, "fr").asking.chain
    assert chain is not None and chain.inner is not None and chain.inner.relation == "organiser"
    assert question[chain.extent[0] : chain.extent[1]] == "l'organisation qui a organisé le forum du réseau"
    answer = gaps_bot.ask(question)
    assert "Agence Kerlouan" in answer.direct and "Maël Tanguy" in answer.direct
