"""The claims' gaps of issue 22, continued: "the <role> of the organisation that <person> works for" answered from the
facts' affiliation of the person ("Name, Role at Org", "Name (Org)", "Name de la Société X"), the role's holder from the
role's verb ("X is chaired by Y"), and a hard-wrapped attendee line read whole. Every document, person and
organisation here is fictional."""

from __future__ import annotations

import pytest

from bot import Bot
from bot.question import analyse
from bot.spelling import corrected
from core.text import unwrap
from tests.conftest import bot_over

# Fictional documents written for these tests; the attendee line is hard-wrapped as an editor writes Markdown.
MINUTES = """# Minutes of the Velmora Port Forum, 12 May 2032

Fictional document created for testing: the people and organisations named here do not exist.

Attendees: Inga Strand, Chair of the Velmora Port Forum; Pavel Dorn, Operations Director at Carrow Freight
Lines; Beatrix Hale, Secretary of the Velmora Port Forum; Tomas Rigby,
Survey Engineer at Ostler Marine.

Apologies: Wendel Pike (Carrow Freight Lines).

Carrow Freight Lines is chaired by Agnes Morrow.
Ostler Marine is directed by Felix Garron.
"""
ATELIER = """# Compte rendu de l'atelier Sorbier, 20 mai 2032

Document fictif créé pour des tests : les personnes et les organisations citées n'existent pas.

Nolwenn Kerhervé de la Société Penfret a présenté le bilan du réseau.
La Société Penfret est dirigée par Goulven Le Bihan.
"""


@pytest.fixture(scope="module")
def port_bot(tmp_path_factory, embedder) -> Bot:
    return bot_over({"minutes-2032-05-12.md": MINUTES, "atelier-2032-05-20.md": ATELIER}, tmp_path_factory, embedder)


@pytest.mark.unit
def test_a_hard_wrapped_line_is_joined_to_the_next_and_lists_and_short_lines_are_not():
    text = MINUTES + "\nPrésents :\nAnne Moal, trésorière\nYann Tual, secrétaire\n- an item\n- another item\n"
    joined = unwrap(text)
    assert len(joined) == len(text)  # offsets stay those of the text
    assert "at Carrow Freight Lines; Beatrix Hale" in joined and "Tomas Rigby, Survey Engineer" in joined
    # short lines (a list written one entry a line), list items, headings and blank lines keep their breaks
    assert "Présents :\nAnne Moal, trésorière\nYann Tual" in joined and "- an item\n- another item" in joined
    assert joined.startswith("# Minutes of the Velmora Port Forum, 12 May 2032\n\n")


@pytest.mark.integration
def test_the_facts_read_a_wrapped_attendee_line_whole_and_an_affiliation_without_a_comma(port_bot):
    facts = port_bot.store.facts()
    organisation = {p.name: p.organisation for p in facts.people}
    assert organisation["Pavel Dorn"] == "Carrow Freight Lines"  # the name of the organisation runs over the break
    assert organisation["Tomas Rigby"] == "Ostler Marine"  # the name after the break
    assert organisation["Wendel Pike"] == "Carrow Freight Lines"  # "Name (Org)"
    assert organisation["Nolwenn Kerhervé"] == "Société Penfret"  # "Name de la Société X"
    forum = next(e for e in facts.events if "Velmora" in e.title)
    assert {"Inga Strand", "Pavel Dorn", "Beatrix Hale", "Tomas Rigby"} <= set(forum.participants)
    assert forum.excused == ["Wendel Pike"]
    answer = port_bot.ask("Which organisation does Pavel Dorn work for?")
    # the quote is the passage's own text, line break included
    assert "Carrow Freight Lines" in answer.direct and any("Freight\nLines" in c.quote for c in answer.citations)


@pytest.mark.integration
def test_the_organisation_that_someone_works_for_is_the_facts_affiliation_then_the_outer_question(port_bot):
    question = "Who is the chair of the organisation that Wendel Pike works for?"
    chain = analyse(question, "en").asking.chain
    # the clause hangs on "organisation" inside "the chair of …": the inner question is its own argument
    assert chain is not None and chain.inner is not None and chain.inner.relation == "work"
    assert question[chain.extent[0] : chain.extent[1]] == "the organisation that Wendel Pike works for"
    answer = port_bot.ask(question)
    assert "Carrow Freight Lines" in answer.direct and "Agnes Morrow" in answer.direct, answer.answer
    quoted = " ".join(c.quote for c in answer.citations)  # the affiliation's sentence, then the verb's
    assert not answer.partial and "Wendel Pike (Carrow Freight Lines)" in quoted and "chaired by Agnes" in quoted
    wrapped = port_bot.ask("Who is the director of the organisation that Tomas Rigby works for?")
    assert "Ostler Marine" in wrapped.direct and "Felix Garron" in wrapped.direct, wrapped.answer


@pytest.mark.integration
def test_pour_laquelle_travaille_is_the_inner_question_of_the_noun_before_it(port_bot):
    question = "Qui dirige l'organisation pour laquelle travaille Nolwenn Kerhervé ?"
    chain = analyse(question, "fr").asking.chain
    assert chain is not None and chain.inner is not None and chain.inner.relation == "travailler"
    assert chain.inner.missing() is not None and chain.inner.missing().role == "pour"
    assert question[chain.extent[0] : chain.extent[1]] == "l'organisation pour laquelle travaille Nolwenn Kerhervé"
    answer = port_bot.ask(question)
    # the whole name, though the parser reads its "Le" as an article
    assert "Société Penfret" in answer.direct and "Goulven Le Bihan" in answer.direct, answer.answer


@pytest.mark.integration
def test_who_heads_an_organisation_is_the_verbs_agent_not_a_title_that_shares_the_verbs_concept(port_bot):
    # "Operations Director at Carrow Freight Lines" shares the concept of "head" but is no head of it; the sentence
    # "Carrow Freight Lines is chaired by Agnes Morrow" says who heads it.
    answer = port_bot.ask("Who heads Carrow Freight Lines?")
    assert "Agnes Morrow" in answer.direct and "Pavel Dorn" not in answer.direct, answer.answer
    held = port_bot.ask("Who is the chair of Carrow Freight Lines?")
    assert "Agnes Morrow" in held.direct and not held.partial, held.answer


# Fictional calendars for the events told apart without `when_subject_share` (off by default).
CALENDRIER = """Document fictif créé pour des tests : le calendrier du réseau Sorbier.

Le 26 mars 2032, une réunion stratégique a eu lieu au siège de la Société Penfret.
Le jury de Plouvien se réunira le 3 juin 2032.
Le jury de Lesneven se réunira le 17 juin 2032.
"""
CALENDAR = """Fictional document created for testing: the calendar of the Velmora Port Forum.

The Brinmoor selection panel will meet on 9 June 2032.
The Caldy selection panel will meet on 23 June 2032.
"""


@pytest.fixture(scope="module")
def calendar_bot(tmp_path_factory, embedder) -> Bot:
    bot = bot_over(
        {"calendrier-2032-04-01.md": CALENDRIER, "calendar-2032-04-02.md": CALENDAR}, tmp_path_factory, embedder
    )
    assert bot.settings.answer.when_subject_share == 0  # the default: these answers do not need it
    return bot


@pytest.mark.unit
def test_a_form_of_a_verb_a_dictionary_knows_is_no_typo():
    def closest(word: str) -> str:
        return {"reunit": "reuni", "comitee": "comite"}.get(word, word)

    # "réunit" is French ("réuni" is the documents' word); "comitee" is a typo of theirs
    assert corrected("Quand se réunit le comitee ?", closest, 4) == "Quand se réunit le comite ?"


@pytest.mark.integration
def test_an_event_asked_by_its_verb_and_a_name_is_not_another_of_its_kind(calendar_bot):
    present = calendar_bot.ask("Quand se réunit le jury de Lesneven ?")
    assert "17 juin 2032" in present.direct and "26 mars" not in present.direct, present.answer
    for question in ("Quand se réunira le jury de Landerneau ?", "When will the Arlow selection panel meet?"):
        answer = calendar_bot.ask(question)  # a name no document holds: no other jury's or panel's date
        assert answer.abstained and not answer.citations, (question, answer.answer)
    named = calendar_bot.ask("When will the Caldy selection panel meet?")
    assert "23 June 2032" in named.direct and "9 June" not in named.direct, named.answer
