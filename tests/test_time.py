"""Time: programmes read day by day, e-mail threads split into dated messages, durations, what changed, the next
deadline. Every document here is fictional (invented people, places and dates)."""

from __future__ import annotations

from datetime import date

import pytest

from bot import Bot
from bot.question import analyse
from bot.skills.duration import _count
from bot.timing import relative_day, statement_sender, unit
from core.dates import relative_dates
from core.settings import Settings
from ingest.messages import dated_by_message, messages
from ingest.pipeline import ingest
from ingest.programmes import extract_programme
from store.fact_records import Event, Span
from store.store import Store

# A deck's slides, joined as the loader joins them: the days give only their numbers.
DECK = """Study week in Tromsø (fictional document for testing)
The study week takes place in Tromsø from 2 to 5 March 2032.

Day 1 – Arrival
08:15 Arrival at the airport
Dinner at the harbour

Day 2 – Labs
9 h 30 Visit of the polar data lab
14:00 Seminar on sea ice

Day 3 – Fjords
10.00 Boat trip to the fjords

Day 4 – Departure
11:00 Flight home
"""

# A DOCX table read by docx2txt: one cell a line; a row a day; a note after the table.
TABLE = """Programme de la semaine (document fictif)

Jour

Date

Horaire

Activité

Jour 1 mardi 9 mars 2032

9 h 00

Accueil au laboratoire

Salle A4

Jour 2 mercredi 10 mars 2032

15 h 30

Conférence sur les glaciers

Amphithéâtre Nord

Les déjeuners sont servis à la cantine du laboratoire.
"""

THREAD = """Fictional e-mail thread created for testing

From: Lena Varga <lena@example.org>
Date: Thu, 12 Feb 2032 10:00:00 +0100
Subject: RE: Review meeting

The review meeting is postponed to 30 April 2032 at 10:00.

On 5 Feb 2032, Ole Brandt wrote:
> The review meeting will meet on 23 April 2032 in Bergen.

------------------------------------------------------------

From: Ole Brandt <ole@example.org>
Date: Thu, 5 Feb 2032 09:00:00 +0100
Subject: Review meeting

The review meeting will meet on 23 April 2032 in Bergen.
"""

STEPS = """Step,Deadline
Registration form,20 January 2032
Housing request,14 February 2032
Travel booking,1 March 2032
"""


@pytest.mark.unit
def test_a_deck_by_day_numbers_counts_each_days_date_from_the_programmes_start():
    days = extract_programme(DECK, "deck", "Study week", "2032-01-10", [("c1", 0)], 6)
    assert [(d.number, d.date) for d in days] == [
        (1, "2032-03-02"),
        (2, "2032-03-03"),
        (3, "2032-03-04"),
        (4, "2032-03-05"),
    ]
    assert days[0].start is not None and "from 2 to 5 March 2032" in days[0].start.text
    assert [(i.time, i.what) for i in days[0].items] == [
        ("08:15", "Arrival at the airport"),
        (None, "Dinner at the harbour"),
    ]
    assert (days[1].items[0].time, days[1].items[0].what) == ("9 h 30", "Visit of the polar data lab")
    assert days[2].items[0].time == "10.00"
    assert all(DECK[s.start : s.end] == s.text for d in days for i in d.items for s in i.lines)


@pytest.mark.unit
def test_a_table_a_row_a_day_keeps_its_cells_as_one_item_and_ends_at_prose():
    days = extract_programme(TABLE, "table", "Programme", "2032-01-10", [], 6)
    assert [(d.number, d.date, d.date_text) for d in days] == [
        (1, "2032-03-09", "9 mars 2032"),  # the heading's own date, not "1 mar" of "1 mardi"
        (2, "2032-03-10", "10 mars 2032"),
    ]
    assert [(i.time, i.what) for i in days[1].items] == [("15 h 30", "Conférence sur les glaciers, Amphithéâtre Nord")]
    assert len(days[1].items[0].lines) == 3  # the time, the activity and the place are cited as written


@pytest.mark.unit
def test_a_sheet_a_row_a_day_and_headings_with_a_colon():
    rows = "Day: Day 1; Date: 2 March 2032; Time: 9 h 00; What: Welcome.\nDay: Day 2; Date: 3 March 2032; What: Labs."
    days = extract_programme(rows, "sheet", "Sheet", "2032-01-10", [], 6)
    assert [(d.number, d.date, [(i.time, i.what) for i in d.items]) for d in days] == [
        (1, "2032-03-02", [("9 h 00", "Welcome")]),
        (2, "2032-03-03", [(None, "Labs")]),
    ]
    colon = extract_programme("Day 1: Arrival\n10:00 Bus\nDay 2: Visit\n", "c", "C", "2032-01-10", [], 6)
    assert [d.number for d in colon] == [1, 2] and colon[0].items[0].time == "10:00"


@pytest.mark.unit
def test_one_dated_line_or_a_thread_of_dated_headers_is_not_a_programme():
    assert extract_programme("Day 1 of the conference was long.\nNothing else.", "x", "X", "2032-01-01", [], 6) == []
    assert extract_programme(THREAD, "thread", "Thread", "2032-02-12", [], 6) == []


@pytest.mark.unit
def test_a_thread_is_split_into_messages_and_quoted_lines_belong_to_the_earlier_one():
    regions = messages(THREAD, [])
    dates = {THREAD[start:end].strip()[:40]: m.date for start, end, m in regions}
    assert any(d == "2032-02-12" for d in dates.values()) and any(d == "2032-02-05" for d in dates.values())

    def event(sentence: str, start: int) -> Event:
        span = Span(start=start, end=start + len(sentence), text=sentence)
        return Event(doc_id="t", doc_date="2032-02-12", sentence=span, kind="meeting", title="review meeting")

    postponed = event("The review meeting is postponed", THREAD.index("The review meeting is postponed"))
    quoted = event("> The review meeting will meet", THREAD.index("> The review meeting will meet"))
    original = event("The review meeting will meet", THREAD.rindex("The review meeting will meet"))
    restamped = dated_by_message([postponed, quoted, original], THREAD, [])
    assert [f.doc_date for f in restamped] == ["2032-02-12", "2032-02-05", "2032-02-05"]
    assert restamped[0].spans[-2].text.startswith("Date: Thu, 12 Feb 2032")
    assert statement_sender(restamped[0]) == ("Lena Varga", restamped[0].spans[-1])  # the name, not the address
    assert restamped[1].spans[-1].text.startswith("On 5 Feb 2032")  # the line that introduces the quote
    assert dated_by_message([postponed], "No e-mail here.", []) == [postponed]


@pytest.mark.unit
@pytest.mark.parametrize(
    ("start", "end", "counted", "expected"),
    [
        ("2032-03-02", "2032-03-05", "days", 4),
        ("2032-03-02", "2032-03-05", "nights", 3),
        ("2032-03-01", "2032-03-21", "weeks", 3),
        ("2032-01-31", "2032-03-30", "months", 1),
        ("2032-01-20", "2032-06-20", "months", 5),
    ],
)
def test_durations_count_days_with_both_ends_nights_between_and_whole_weeks_and_months(start, end, counted, expected):
    assert _count(date.fromisoformat(start), date.fromisoformat(end), counted) == expected


@pytest.mark.unit
@pytest.mark.parametrize(
    ("question", "language", "expected"),
    [
        ("What is planned tomorrow?", "en", "2032-03-03"),
        ("What do we do next Monday?", "en", "2032-03-08"),
        ("Qu'est-ce qui est prévu lundi prochain ?", "fr", "2032-03-08"),
        ("Que fait-on dans 3 jours ?", "fr", "2032-03-05"),
        ("What is planned on 4 March?", "en", None),  # an absolute date is the question's own
    ],
)
def test_a_day_said_relative_to_today(question, language, expected):
    found = relative_day(analyse(question, language), date(2032, 3, 2))  # a Tuesday
    assert (found.isoformat() if found else None) == expected


@pytest.mark.unit
def test_every_time_skill_writes_its_sentences_in_both_languages():
    from bot.skills import registered
    from core import lang

    phrased = lang.data("time")["phrases"]
    mine = [s for s in registered() if s.name in phrased]
    assert {s.name for s in mine} == {"programme", "duration", "changed", "deadline"}
    for skill in mine:
        assert set(phrased[skill.name]["fr"]) == set(phrased[skill.name]["en"]), skill.name


@pytest.mark.unit
def test_the_unit_is_the_one_the_question_counts_in():
    assert unit(analyse("How many nights do we spend in Tromsø?", "en")) == "nights"
    assert unit(analyse("How long is the study week?", "en")) == "days"  # "week" names the thing, not the unit
    assert unit(analyse("Combien de semaines dure le séjour ?", "fr")) == "weeks"


@pytest.fixture(scope="module")
def time_bot(tmp_path_factory, embedder) -> Bot:
    folder = tmp_path_factory.mktemp("time-docs")
    (folder / "study-week-2032-01-10.md").write_text(DECK, encoding="utf-8")
    (folder / "review-board-thread-2032-02-12.txt").write_text(THREAD, encoding="utf-8")
    (folder / "steps-2032-01-05.csv").write_text(STEPS, encoding="utf-8")
    settings = Settings(data_dir=tmp_path_factory.mktemp("time") / "data", chroma_url=None, today="2032-02-01")
    store = Store(settings, embedder=embedder)
    ingest([folder], settings, store=store)
    return Bot(settings, store)


def direct(answer) -> str:
    assert not answer.abstained, answer.answer
    assert answer.generator == "reader", answer
    return answer.direct


@pytest.mark.integration
def test_time_questions_through_the_bot(time_bot: Bot):
    day = direct(time_bot.ask("What do we do on day 2 of the study week?"))
    assert "Day 2 (3 March 2032)" in day and "polar data lab" in day and "Seminar on sea ice" in day
    assert "5 March 2032" in direct(time_bot.ask("When is the last day of the study week?"))
    which = direct(time_bot.ask("On which day is the boat trip to the fjords?"))
    assert "day 3 (4 March 2032)" in which
    assert direct(time_bot.ask("How many nights does the study week in Tromsø last?")).startswith("3 nights")
    assert direct(time_bot.ask("Combien de jours dure la semaine d'études à Tromsø ?")).startswith("4 jours")
    moved = direct(time_bot.ask("Was the review meeting moved?"))
    assert moved.startswith("Yes.") and "from 23 April 2032" in moved and "to 30 April 2032" in moved
    assert "Lena Varga's message of 12 Feb 2032" in moved  # the header abbreviates the month: said as written
    assert "Housing request" in direct(time_bot.ask("What is the next deadline?"))
    on_the_trip = Bot(time_bot.settings.replace(today="2032-03-02"), time_bot.store, variant_of=time_bot)
    assert direct(on_the_trip.ask("What do we do tomorrow?")).startswith("Day 2 (3 March 2032)")
    # The programme gives no time for the dinner: the answer says the documents do not say, not another time.
    assert time_bot.ask("What time is the dinner at the harbour on day 1?").abstained
    # A step the list does not hold: no date of a step that shares a word with it ("Travel booking").
    assert "14 February 2032" in direct(time_bot.ask("By when must the housing request be sent?"))
    # With the check that a date answers the thing named (off by default, see `date_subject_share`).
    checked = Bot(time_bot.settings.replace(answer_date_subject_share=0.75), time_bot.store, variant_of=time_bot)
    absent = checked.ask("What is the deadline for the travel insurance form?")
    assert absent.abstained and "2032" not in absent.answer, absent.answer
    assert "14 February 2032" in direct(checked.ask("By when must the housing request be sent?"))
    assert time_bot.ask("What is the deadline for the travel insurance form?").abstained  # the tables skill, too


@pytest.mark.integration
def test_a_bot_on_another_day_reuses_the_vectors_of_the_bot_it_varies(time_bot: Bot, embedder):
    """The evaluation asks each dated question of a set on its own day: a bot a day, each embedding every passage
    again (4-5 s a question on the bench's index) unless it shares the vectors of the bot it varies."""
    question = "When is the last day of the study week?"
    time_bot.ask(question)
    before = embedder.counts()
    later = Bot(time_bot.settings.replace(today="2032-03-02"), time_bot.store, variant_of=time_bot)
    assert "5 March 2032" in direct(later.ask(question))
    assert embedder.counts() == before  # no passage, sentence or question embedded again
    alone = Bot(time_bot.settings.replace(today="2032-03-02"), time_bot.store)
    assert "5 March 2032" in direct(alone.ask(question))
    assert embedder.counts()["texts"] > before["texts"]  # a bot of its own embeds them again


@pytest.mark.integration
def test_the_timeline_has_one_row_per_event_with_all_its_documents_and_a_readable_label():
    """Five statements in three fictional documents, French and English: one signing told three times (named only by
    its verb), another signing the same day elsewhere, and a committee whose date a later message moves."""
    from bot import timeline
    from ingest.facts.extract import extract_facts
    from store.facts import FactIndex

    documents = [
        ("a.md", "Compte rendu A (fictif)", "2032-01-20", "fr",
         "La convention entre l'Institut Borealis et la Fondation Kestrel a été signée le 14 janvier 2032 à Tromsø. "
         "Le comité de pilotage se réunira le 3 mars 2032."),
        ("b.md", "Newsletter B (fictional)", "2032-02-01", "en",
         "The agreement between the Borealis Institute and the Kestrel Foundation was signed on 14 January 2032 in "
         "Tromsø."),
        ("c.md", "Note C (fictive)", "2032-02-10", "fr",
         "L'Institut Borealis a signé la convention le 14 janvier 2032. Le Laboratoire Orca et la Ville de Narvik "
         "ont signé une charte le 14 janvier 2032 à Narvik."),
        ("d.md", "Courriel D (fictif)", "2032-02-20", "fr",
         "La réunion du comité de pilotage, initialement prévue le 3 mars 2032, est reportée au 10 mars 2032."),
    ]  # fmt: skip
    index = FactIndex(
        [
            fact
            for doc_id, title, day, language, text in documents
            for fact in extract_facts(text, doc_id, title, day, language, [])
        ]
    )
    rows = timeline.timeline(index)
    today = date(2032, 3, 5)
    said = [
        (
            r.iso,
            [f.doc_id for f in timeline.sources(r)],
            timeline.label(r, "en", index),
            timeline.status(r, "en", today),
        )
        for r in rows
    ]
    signings = [s for s in said if s[0] == "2032-01-14"]
    assert [s[1] for s in signings] == [["a.md", "b.md", "c.md"], ["c.md"]]  # one agreement, three documents
    assert signings[0][2].startswith("Signing — ") and "(Tromsø)" in signings[0][2]  # not "signé" nor "signed"
    assert signings[1][2] == "Signing (Narvik)"  # the other place: another event
    committee = {s[0]: s for s in said if s[2] == "Comité de pilotage"}
    assert committee["2032-03-03"][3] == "past · date replaced by a later one"
    assert committee["2032-03-10"][3] == "upcoming"


@pytest.mark.unit
@pytest.mark.parametrize(
    ("text", "previous", "j", "expected"),
    [
        ("La veille, un dîner est offert.", date(2032, 5, 12), None, ["2032-05-11"]),
        ("The meeting of 12 May 2032 is followed the next day by a visit.", None, None, ["2032-05-13"]),
        ("J-7 : envoi des dossiers ; J+1 : retour", None, date(2032, 5, 20), ["2032-05-13", "2032-05-21"]),
        ("Deux semaines plus tard, les résultats sont publiés.", date(2032, 5, 12), None, ["2032-05-26"]),
        ("J-7 : envoi des dossiers", None, None, []),  # no day is "J": no date guessed
        ("La veille, un dîner est offert.", None, None, []),  # nothing named before
    ],
)
def test_dates_a_document_gives_relative_to_another(text, previous, j, expected):
    assert [d.iso for d in relative_dates(text, previous, j)] == expected


@pytest.mark.integration
def test_relative_dates_in_a_document_date_its_events():
    text = (
        "Programme du voyage d'étude (document fictif)\n"
        "Jour J : mercredi 20 mai 2032, départ du voyage d'étude à Tromsø.\n"
        "J-7 : date limite d'envoi des passeports.\n"
        "Le comité de pilotage se réunit le 12 mai 2032 à Bergen. La veille, un dîner est offert aux membres du comité."
    )
    from ingest.facts.extract import extract_facts

    events = {
        e.kind: e.date for e in extract_facts(text, "r.md", "Programme", "2032-01-10", "fr", []) if e.type == "event"
    }
    assert events == {
        "trip": "2032-05-20",
        "deadline": "2032-05-13",
        "committee": "2032-05-12",
        "ceremony": "2032-05-11",
    }


@pytest.mark.unit
@pytest.mark.parametrize(
    ("question", "language", "sentence", "answers"),
    [
        (
            "What is the deadline for the travel insurance form?",
            "en",
            "Step: Travel booking; Deadline: 1 March.",
            False,
        ),
        ("By when must the housing request be sent?", "en", "Step: Housing request; Deadline: 14 February.", True),
        ("When is the last day of the study week?", "en", "The study week runs from 2 to 5 March 2032.", True),
        ("Quand a lieu la visite du port ?", "fr", "La visite du laboratoire a lieu le 3 mars 2032.", False),
        ("What is the next deadline?", "en", "Step: Housing request; Deadline: 14 February.", True),  # names nothing
        ("When is the harbour visit?", "en", "La visite du port a lieu le 3 mars 2032.", True),  # another language
        ("Who chairs the board?", "en", "The board meets on 3 March 2032.", True),  # not a date question
    ],
)
def test_a_date_answers_only_the_thing_the_question_names(question, language, sentence, answers):
    from bot.coverage import covers
    from store.facts import FactIndex

    assert covers(analyse(question, language, FactIndex([])), [sentence], 0.75) is answers
