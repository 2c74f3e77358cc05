"""The reader: a first sentence that answers in the asker's language, then the quotes; from the facts of fictional
documents written here, and from the seed article for the questions its users asked."""

from __future__ import annotations

import tomllib
from datetime import date

import pytest

from bot import Bot
from bot.condense import resolve_references
from bot.question import analyse
from bot.skills import Draft
from core.glossary import GLOSSARY, translate_title
from core.settings import Settings
from core.text import fold
from ingest.facts.extract import extract_facts
from ingest.pipeline import ingest
from store.facts import FactIndex
from store.store import Store
from tests.conftest import CORPUS
from tests.test_facts import MINUTES as FACTS_MINUTES
from tests.test_facts import facts_of

# Fictional documents (every person, organisation and date is invented): the minutes of tests/test_facts.py, and a
# summer school that a later document moves.
MINUTES = FACTS_MINUTES + "Une école d'été réunira les étudiants à Chennai en juillet 2031.\n"
UPDATE = """Fictional document created for testing.
The Lumen summer school, first planned for July 2031, will take place in Chennai from 8 to 12 September 2031.
"""


@pytest.fixture(scope="module")
def reader_bot(tmp_path_factory, embedder) -> Bot:
    folder = tmp_path_factory.mktemp("docs")
    (folder / "minutes-2031-03-14.md").write_text(MINUTES, encoding="utf-8")
    (folder / "update-2031-05-02.md").write_text(UPDATE, encoding="utf-8")
    settings = Settings(data_dir=tmp_path_factory.mktemp("reader") / "data", chroma_url=None, today="2031-06-01")
    store = Store(settings, embedder=embedder)
    ingest([folder], settings, store=store)
    return Bot(settings, store)


def first_sentence(answer) -> str:
    assert not answer.abstained, answer.answer
    assert answer.generator == "reader", answer  # the reader wrote it, not the quoting fallback
    assert answer.answer.startswith(answer.direct) and answer.quotes
    return answer.direct


@pytest.mark.integration
def test_a_list_of_participants_with_their_roles_in_the_askers_language(reader_bot):
    direct = first_sentence(reader_bot.ask("Who took part in the coordination committee of March 2031?"))
    assert "Odile Ferrat (Director of the Institut Polytechnique de Norvelle" in direct  # glossary: directrice
    assert "Hugo BERTIN (Asia programme officer at the Agence Norvelle Export)" in direct
    assert "Inès Calvo" in direct and "14 March 2031" in direct and "Tara Menon" not in direct


@pytest.mark.integration
def test_a_count_and_yes_or_no_settled_by_the_attendee_list(reader_bot):
    count = first_sentence(reader_bot.ask("Combien de personnes ont participé au comité de mars 2031 ?"))
    assert count.startswith("4 personnes ont participé") and "14 mars 2031" in count
    assert first_sentence(reader_bot.ask("Was Ravi Kannan at the committee of March 2031?")).startswith("Yes.")
    excused = first_sentence(reader_bot.ask("Tara Menon était-elle présente au comité de mars 2031 ?"))
    assert excused.startswith("Non.") and "excusé" in excused


@pytest.mark.integration
def test_a_role_in_the_askers_language_or_in_its_own_words(reader_bot):
    french_asker = first_sentence(reader_bot.ask("Quel est le poste de Ravi Kannan ?"))
    assert "doyen de la recherche" in french_asker.lower()  # the glossary knows "Dean of Research"
    english_asker = first_sentence(reader_bot.ask("What is Hugo Bertin's job?"))
    assert "Asia programme officer" in english_asker


@pytest.mark.integration
def test_a_date_that_moved_is_given_with_both_sources_and_a_month_says_what_is_missing(reader_bot):
    moved = reader_bot.ask("When is the summer school?")
    direct = first_sentence(moved)
    assert "July 2031" in direct and "8–12 September 2031" in direct and len(moved.citations) == 2
    assert "first planned for July 2031" in direct  # the later document says it moved
    days = reader_bot.ask("Quelles sont les dates exactes de l'école d'été de juillet 2031 ?")
    # The July date asked about is a month only: the answer gives it and says the days are not given.
    direct = first_sentence(days)
    assert days.partial and "juillet 2031" in direct and direct.endswith("mais pas à quelles dates précises.")


# Fictional: two documents that give the same signing two dates, the later one without saying that it moved.
ANNOUNCEMENT = (
    "Fictional document created for testing.\n"
    "The joint charter of the Institut Polytechnique de Norvelle and the Agence Norvelle Export was signed on "
    "12 February 2031.\n"
)
REVIEW = (
    "Fictional document created for testing.\n"
    "The joint charter of the Institut Polytechnique de Norvelle and the Agence Norvelle Export was signed on "
    "19 February 2031.\n"
)


@pytest.mark.integration
def test_documents_that_disagree_on_a_date_are_shown_as_disagreeing_with_both_sources(tmp_path, embedder):
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "announcement-2031-02-13.md").write_text(ANNOUNCEMENT, encoding="utf-8")
    (folder / "review-2031-04-20.md").write_text(REVIEW, encoding="utf-8")
    settings = Settings(data_dir=tmp_path / "data", chroma_url=None, today="2031-06-01")
    store = Store(settings, embedder=embedder)
    ingest([folder], settings, store=store)
    bot = Bot(settings, store)

    english = bot.ask("When was the joint charter signed?")
    direct = first_sentence(english)
    assert "the documents disagree, document [1] says 12 February 2031, document [2] says 19 February 2031" in direct
    assert [c.doc_id for c in english.citations] == ["announcement-2031-02-13.md", "review-2031-04-20.md"]
    assert "first planned" not in direct
    french = first_sentence(bot.ask("Quand la charte commune a-t-elle été signée ?"))
    assert "les documents divergent, le document [1] dit 12 février 2031, le document [2] dit 19 février 2031" in french


@pytest.mark.integration
def test_the_next_event_is_relative_to_today(reader_bot):
    direct = first_sentence(reader_bot.ask("What is the next event?"))
    assert "2 June 2031" in direct  # today is 1 June 2031 in these settings
    school = first_sentence(reader_bot.ask("When is the next summer school?"))
    assert "September 2031" in school and "July" not in school  # the date that moved is not the next one


@pytest.mark.integration
def test_a_relation_the_documents_do_not_state_is_not_answered(reader_bot):
    assert reader_bot.ask("Which companies did Hugo Bertin visit in Chennai?").abstained
    assert reader_bot.ask("What is the budget of the summer school?").abstained


@pytest.mark.integration
def test_a_claim_the_quotes_do_not_hold_is_never_shown(reader_bot):
    facts = reader_bot.store.facts()
    person = facts.find_people("Ravi Kannan")[0]
    draft = Draft(kind="person")
    draft.direct = f"Ravi Kannan is the Dean of Research at Orbital University [{draft.cite(person)}]."
    analysis = analyse("Who is Ravi Kannan?", "en", facts)
    assert reader_bot.composer._render(draft, analysis) is None  # "Orbital University" is in no quote


@pytest.mark.integration
def test_a_follow_up_that_points_back_is_asked_about_the_entity_of_the_earlier_turns(reader_bot):
    history = [
        {"role": "user", "content": "Which institute does Ravi Kannan work for?"},
        {"role": "assistant", "content": reader_bot.ask("Which institute does Ravi Kannan work for?").answer},
    ]
    assert "Coastal Institute of Data Science" in history[1]["content"].split("\n")[0]
    directs = reader_bot.ask("Who is the director of this institute?", history)
    assert directs.standalone_question == "Who is the director of Coastal Institute of Data Science?"
    assert "Tara Menon" in first_sentence(directs)
    dean = reader_bot.ask("Who is the Dean of Research?")
    title = reader_bot.ask(
        "What is his job?", [{"role": "user", "content": dean.question}, {"role": "assistant", "content": dean.answer}]
    )
    assert title.standalone_question == "What is Ravi Kannan's job?"
    assert "Dean of Research" in first_sentence(title)


@pytest.mark.unit
def test_only_a_single_person_or_organisation_of_the_latest_turns_resolves_a_reference():
    index = FactIndex(facts_of(FACTS_MINUTES))
    asked = [{"role": "user", "content": "Qui représentait l'Agence Norvelle Export ?"}]
    assert resolve_references("Qui dirige cet organisme ?", asked, index) == "Qui dirige Agence Norvelle Export ?"
    assert resolve_references("And who works there?", asked, index) == "And who works at Agence Norvelle Export?"
    answered = [*asked, {"role": "assistant", "content": "M. Hugo BERTIN, chargé de mission Asie. « … IPN »"}]
    assert resolve_references("What is his role?", answered, index) == "What is Hugo BERTIN's role?"
    assert resolve_references("Who came along with him?", answered, index) is None  # a companion, not the subject
    both = [{"role": "user", "content": "What do the IPN and the CIDS have in common?"}]
    assert resolve_references("Who directs this institute?", both, index) is None  # two institutes: ambiguous
    meeting = [{"role": "user", "content": "When did the IPN committee meet?"}]
    assert resolve_references("Where was it held?", meeting, index) is None  # "it" may be the meeting
    assert (
        resolve_references("Which organisation does Ravi Kannan belong to, and who directs it?", asked, index) is None
    )


@pytest.mark.unit
def test_question_analysis_finds_kind_names_dates_and_the_second_question():
    index = FactIndex([])
    analysis = analyse("Which organisation does the dean belong to, and who directs it?", "en", index)
    assert (analysis.kind, analysis.second) == ("organisation", "who directs it?")
    assert analyse("Combien de personnes étaient présentes en mars 2031 ?", "fr", index).kind == "count"
    assert analyse("Was the charter signed?", "en", index).kind == "yes-no"
    assert analyse("Quand la charte a-t-elle été signée ?", "fr", index).kind == "date"
    assert analyse("c'est quand la prochaine réunion ?", "fr", index).temporal == "next"
    assert [d.iso for d in analyse("the March 2031 meeting", "en", index).dates] == ["2031-03"]


@pytest.mark.unit
def test_the_glossary_renders_known_titles_and_names_no_one():
    assert translate_title("Doyen des Études Académiques", "en") == "Dean of Academic Studies"
    assert translate_title("directrice", "en") == "Director"
    assert translate_title("Dean of Research", "fr") == "Doyen de la Recherche"
    assert translate_title("Directeur de la Région Sub-continent Indien", "en") is None
    entries = tomllib.loads(GLOSSARY.read_text(encoding="utf-8"))
    vocabulary = {fold(w) for e in entries["title"] for form in e["fr"] + e["en"] for w in form.split()}
    vocabulary |= {fold(w) for e in entries["concept"] for w in e["words"]}
    text = " ".join(p.read_text(encoding="utf-8") for p in CORPUS.glob("*.txt"))
    facts = FactIndex(extract_facts(text, "corpus", "", "", "fr", []))
    names = [p.name for p in facts.people] + [n for o in facts.organisations for n in [o.name, *o.aliases]]
    assert len(names) > 5  # the corpus does name people and organisations
    common = {"region", "institute", "indian", "information", "technology", "choose", "paris"}
    named = {fold(w) for name in names for w in name.split() if len(w) > 3} - common
    assert not named & vocabulary, named & vocabulary  # no person's or organisation's own name


@pytest.mark.integration
def test_the_questions_users_asked_about_the_seed_article(tmp_path, embedder):
    settings = Settings(data_dir=tmp_path / "data", chroma_url=None, today=date(2025, 4, 10).isoformat())
    store = Store(settings, embedder=embedder)
    ingest([CORPUS], settings, store=store)
    bot = Bot(settings, store)
    roles = first_sentence(bot.ask("List the participants of the March 2025 meeting with their roles."))
    for name in ("Amod Bhat", "Laetitia Quilichini", "Axel Guyon", "Debabrata Das", "Dinesh Babu", "Chandrashekar"):
        assert name in roles
    assert first_sentence(bot.ask("Combien de personnes ont participé à la réunion de mars 2025 ?")).startswith("6 ")
    # "Parmi les participants, on retrouve …" names some participants, not all: not named is not "No" (issue 22).
    unnamed = bot.ask("Was Tawhid Chtioui among the participants of the March 2025 meeting?")
    assert unnamed.abstained and unnamed.direct.startswith("The documents do not say") and "Amod Bhat" in unnamed.direct
    two_step = first_sentence(bot.ask("Which organisation does the dean of academics belong to, and who directs it?"))
    assert "IIITB" in two_step and "Debabrata Das" in two_step
    assert "May" in first_sentence(bot.ask("When is the mirror learning trip planned?"))
    for absent in (
        "Who signed the declaration for Choose Paris Region?",
        "What did Axel Guyon present at the meeting?",
        "Où se tiendra la prochaine rencontre ?",
    ):
        assert bot.ask(absent).abstained, absent
