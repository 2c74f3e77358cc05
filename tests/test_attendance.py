"""Who attended one event (issue 22, item 5): the participant set gathered once from the facts and claims of every
document that tells of the event, and the list, the count and the yes/no the `participants` skill writes from it.
Every document, person and organisation here is fictional."""

from __future__ import annotations

from datetime import date

import pytest

from bot import Bot
from bot.attendance import attendance
from bot.question import Question
from bot.skills.base import Context
from bot.skills.participants import Participants
from core.dates import find_dates
from core.settings import Settings
from core.text import content_words, fold
from store.fact_records import Argument, Claim, Event, Person, Span
from store.facts import FactIndex
from tests.conftest import bot_over

MINUTES, EMAIL, OTHER = "minutes-2031-05-06.md", "email-2031-05-08.txt", "minutes-2031-09-02.md"


def _span(text: str, doc: str, start: int = 0) -> Span:
    return Span(start=start, end=start + len(text), text=text, chunk_id=f"{doc}#0")


def _event(doc: str, day: str, text: str, participants=(), excused=()) -> Event:
    return Event(
        doc_id=doc,
        chunk_id=f"{doc}#0",
        sentence=_span(text, doc),
        kind="meeting",
        title="board meeting",
        date=day,
        precision="day",
        participants=list(participants),
        excused=list(excused),
    )


def _claim(doc: str, text: str, relation: str, written: str, people=(), negated=False, theme=None) -> Claim:
    arguments = [
        Argument(role="agent", type="person", head=fold(p.split()[-1]), span=_span(p, doc, text.index(p)))
        for p in people
    ]
    if theme:
        arguments.append(Argument(role="theme", type=theme[1], head=theme[0], span=_span(theme[0], doc)))
    return Claim(
        doc_id=doc,
        chunk_id=f"{doc}#0",
        sentence=_span(text, doc, 100),
        relation=relation,
        relation_text=written,
        language="en",
        negated=negated,
        arguments=arguments,
    )


def _person(name: str, doc: str = MINUTES) -> Person:
    return Person(doc_id=doc, chunk_id=f"{doc}#0", sentence=_span(name, doc), name=name)


PEOPLE = ["Ada Quill", "Bruno Vaste", "Cora Lind", "Dov Arlen", "Enzo Prat", "Fay Moor", "Gil Orsk"]


def _facts(count: str = "Six people attended the board meeting in total.") -> FactIndex:
    """Minutes naming two people and one excused, an e-mail adding a third, and another meeting on another day."""
    return FactIndex(
        [
            *[_person(p) for p in PEOPLE],
            _event(MINUTES, "2031-05-06", "The board meeting took place on 6 May 2031.", ["Ada Quill", "Bruno Vaste"]),
            _event(MINUTES, "2031-05-06", "Apologies:", excused=["Dov Arlen"]),
            _event(EMAIL, "2031-05-06", "A correction to the minutes of the board meeting of 6 May 2031."),
            _claim(
                EMAIL, "Cora Lind also attended the board meeting of 6 May 2031.", "attend", "attended", ["Cora Lind"]
            ),
            _claim(MINUTES, "Enzo Prat did not attend the meeting.", "attend", "attend", ["Enzo Prat"], negated=True),
            _claim(
                MINUTES,
                "Fay Moor presented the budget.",
                "present",
                "presented",
                ["Fay Moor"],
                theme=("budget", "document"),
            ),
            _claim(MINUTES, count, "attend", "attended", theme=("board meeting", "activity")),
            _event(OTHER, "2031-09-02", "The board meeting took place on 2 September 2031.", ["Gil Orsk", "Ada Quill"]),
        ]
    )


def _question(text: str, kind: str, people=()) -> Question:
    return Question(
        text=text,
        language="en",
        kind=kind,  # type: ignore[arg-type]
        folded=fold(text),
        people=list(people),
        event_kind="meeting",
        dates=find_dates(text),
        terms=content_words(text),
    )


def _answer(facts: FactIndex, question: Question):
    return Participants(Context(facts, date(2031, 12, 1), Settings().answer)).plan(question)


@pytest.mark.unit
def test_the_participants_of_one_event_come_from_every_document_that_tells_it():
    found = attendance(_question("Who attended the board meeting of 6 May 2031?", "people"), _facts())
    assert found is not None
    assert found.present == ["Ada Quill", "Bruno Vaste", "Cora Lind"]  # the e-mail's late participant too
    assert found.excused == ["Dov Arlen", "Enzo Prat"]  # the apologies and the negated claim
    assert "Fay Moor" not in found.present  # "presented the budget" is another relation than "was present"
    assert "Gil Orsk" not in found.present  # the meeting of another day is another event
    assert (found.stated, found.count, found.complete) == (6, 6, False)
    assert [found.status(p) for p in ("Cora Lind", "Dov Arlen", "Gil Orsk")] == ["present", "excused", "unknown"]


@pytest.mark.unit
def test_a_printed_count_no_larger_than_the_names_makes_the_list_complete():
    found = attendance(
        _question("Who attended the board meeting of 6 May 2031?", "people"), _facts("Three people attended.")
    )
    assert found is not None and found.complete and found.count == 3
    assert found.status("Gil Orsk") == "absent"


@pytest.mark.unit
def test_two_meetings_on_different_days_are_not_one_event():
    assert attendance(_question("Who attended the board meeting?", "people"), _facts()) is None
    other = attendance(_question("Who attended the board meeting of 2 September 2031?", "people"), _facts())
    assert other is not None and other.present == ["Gil Orsk", "Ada Quill"] and other.stated is None


@pytest.mark.unit
def test_a_day_asked_without_its_year_fits_the_event_of_that_day():
    found = attendance(_question("Who attended the board meeting of 2 September?", "people"), _facts())
    assert found is not None and found.present == ["Gil Orsk", "Ada Quill"]


@pytest.mark.unit
def test_the_list_and_the_count_say_the_names_are_fewer_than_the_printed_count():
    listed = _answer(_facts(), _question("Who attended the board meeting of 6 May 2031?", "people"))
    counted = _answer(_facts(), _question("How many people attended the board meeting of 6 May 2031?", "count"))
    assert listed is not None and counted is not None
    assert "name 3 of the 6 participants" in listed.direct
    assert all(name in listed.direct for name in ("Ada Quill", "Bruno Vaste", "Cora Lind"))
    assert counted.direct.startswith("6 people took part") and "name 3 of them" in counted.direct
    assert "Six people attended" in " ".join(s for _, s in counted.sentences)  # the printed count is quoted


@pytest.mark.unit
def test_yes_no_says_no_only_for_the_excused_or_a_complete_list_and_otherwise_that_the_documents_do_not_say():
    def ask(name: str, facts: FactIndex):
        return _answer(facts, _question(f"Did {name} attend the board meeting of 6 May 2031?", "yes-no", [name]))

    late = ask("Cora Lind", _facts())
    assert late.direct.startswith("Yes.") and not late.undecided
    assert any("Cora Lind also attended" in s for _, s in late.sentences)
    assert ask("Dov Arlen", _facts()).direct.startswith("No.")
    unknown = ask("Gil Orsk", _facts())  # six attended, three are named: Gil Orsk may be one of the others
    assert unknown.undecided and unknown.direct.startswith("The documents do not say whether Gil Orsk")
    assert "Ada Quill" in unknown.direct  # the participant list is given
    complete = ask("Gil Orsk", _facts("Three people attended."))
    assert complete.direct.startswith("No.") and not complete.undecided


# Fictional documents for the end-to-end test: minutes with attendees spread over a list and a later sentence, an
# apologies list and a printed head count larger than the names; an e-mail adds a late participant.
FICTIONAL_MINUTES = """Fictional document created for testing: minutes of the Larkspur board.

Date: 6 May 2031
Place: Dunmore, Quay House

The board meeting of the Larkspur network took place on 6 May 2031 in Dunmore.

Attendees:
- Ada Quill, Chair of the Larkspur network
- Bruno Vaste, Treasurer of the Larkspur network

Apologies:
- Dov Arlen, Secretary of the Larkspur network

Seven people attended the meeting in total.

The board approved the budget. The audit will be carried out by Gil Orsk, an external auditor.
"""
FICTIONAL_EMAIL = """Fictional document created for testing: an e-mail.

Subject: Addendum to the minutes of the board meeting of 6 May 2031

A correction to the minutes of the board meeting of 6 May 2031: Cora Lind, Legal Adviser at the Larkspur network,
also attended the meeting.
"""


@pytest.fixture(scope="module")
def attendance_bot(tmp_path_factory, embedder) -> Bot:
    documents = {"minutes-larkspur-2031-05-06.md": FICTIONAL_MINUTES, "email-larkspur-2031-05-08.txt": FICTIONAL_EMAIL}
    return bot_over(documents, tmp_path_factory, embedder)


@pytest.mark.integration
def test_list_count_and_yes_no_about_one_meeting_agree_through_the_bot(attendance_bot):
    listed = attendance_bot.ask("Who attended the board meeting of 6 May 2031?")
    assert not listed.abstained and "7" in listed.direct
    assert all(name in listed.direct for name in ("Ada Quill", "Bruno Vaste", "Cora Lind"))
    counted = attendance_bot.ask("How many people attended the board meeting of 6 May 2031?")
    assert not counted.abstained and counted.direct.startswith("7 people")
    late = attendance_bot.ask("Cora Lind a-t-elle assisté à la réunion du 6 mai 2031 ?")  # French about English
    assert not late.abstained and late.direct.startswith("Oui.")
    excused = attendance_bot.ask("Did Dov Arlen attend the board meeting of 6 May 2031?")
    assert excused.direct.startswith("No.")
    unknown = attendance_bot.ask("Did Gil Orsk attend the board meeting of 6 May 2031?")
    assert unknown.abstained and not unknown.direct.startswith("No.") and "Gil Orsk" in unknown.direct
    assert unknown.citations  # the participant list it does give is cited
