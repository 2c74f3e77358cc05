"""Who attended one event, gathered once (issue 22, item 5): the list, the count and the yes/no about an event all
read this one `Attendance`, so they cannot disagree.

An event is what the question singles out (its kind, day, organisations, words of its title or place); every fact
event of the same kind on the same day is that event, whichever document tells it (minutes and the e-mail that adds a
late participant). Its people are the facts' participants and excused of those events, and the people of the claims
of their documents whose predicate places someone there ("X also attended", "parmi eux figuraient X") or, negated,
says they were not. A head count the documents print ("eleven participants") is kept beside the names: the count is
the larger of the two, and a list shorter than it says so. The list is complete only when the printed count is no
larger than the names known; then, and for someone excused, "no" is an answer. Otherwise the documents do not say."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Literal
from weakref import WeakKeyDictionary

from bot.question import Question
from bot.skills.base import MEETINGS, of_kind_and_days, of_organisations, overlaps
from core import lang
from core.dates import find_dates
from core.glossary import concepts
from core.lang import vocabulary as vocab
from core.numbers import find_quantities
from core.text import content_words, fold, words
from store.fact_records import Claim, Event, Span
from store.facts import FactIndex, name_key

Status = Literal["present", "excused", "absent", "unknown"]


@dataclass
class Attendance:
    """The people of one event: there, excused, the head count the documents print, and where each is said."""

    events: list[Event]  # the facts' events that are this one event, the one naming most people first
    present: list[str] = field(default_factory=list)
    excused: list[str] = field(default_factory=list)
    stated: int | None = None  # the head count the documents print, if any
    count_sentence: Span | None = None  # the sentence that prints it
    said: dict[str, Span] = field(default_factory=dict)  # name key -> the sentence that places the person

    @property
    def count(self) -> int:
        """How many took part: the printed count, or the names when they are more."""
        return max(self.stated or 0, len(self.present))

    @property
    def complete(self) -> bool:
        """Do the names known cover everyone? Only a printed head count says so."""
        return self.stated is not None and self.stated <= len(self.present)

    def status(self, name: str) -> Status:
        """Was this person there: present, excused, absent (not among a complete list), or the documents do not say."""
        key = name_key(name)
        if key in {name_key(p) for p in self.present}:
            return "present"
        if key in {name_key(p) for p in self.excused}:
            return "excused"
        return "absent" if self.complete else "unknown"

    def add(self, name: str, where: Span | None, excused: bool = False) -> None:
        key = name_key(name)
        if key in {name_key(p) for p in [*self.present, *self.excused]}:
            return
        (self.excused if excused else self.present).append(name)
        if where is not None and where.chunk_id:
            self.said[key] = where


def occurrence_key(event: Event) -> tuple[str, str]:
    """What makes two facts' events one event: the same kind (a committee's meeting is a meeting) on the same day; an
    event dated less precisely is one only within its document."""
    kind = "meeting" if event.kind in MEETINGS else event.kind
    when = event.date if event.date and event.precision == "day" else f"{event.doc_id}\x00{event.date}"
    return when or "", kind


def attendance(q: Question, facts: FactIndex) -> Attendance | None:
    """The attendance of the one event the question singles out (by its kind, dates, organisations and words), or
    None when it singles out none or several."""
    events = _candidates(q, facts)
    keys = {occurrence_key(e) for e in events}
    if len(keys) > 1:  # several events fit: the ones the documents give people for, if only one has them
        keys = {occurrence_key(e) for e in events if e.participants or e.excused}
    if len(keys) != 1:
        return None
    key = keys.pop()
    ordered = sorted(
        (e for e in facts.events if occurrence_key(e) == key),
        key=lambda e: (-len(e.participants) - len(e.excused), e not in events),
    )
    found = Attendance(ordered)
    for event in ordered:
        for names, excused in ((event.participants, False), (event.excused, True)):
            for name in names:
                if _a_person(name, facts):
                    found.add(name, _sentence_naming(event, name), excused)
    for claim in _claims_of(ordered, key, facts):
        _read_claim(claim, facts, found)
    return found


def _candidates(q: Question, facts: FactIndex) -> list[Event]:
    """The events that fit the question, narrowed as `bot.skills.base.find_event` narrows them, a day asked without
    its year fitting any year, the place's words counted with the title's ("the meeting in <town>")."""
    events = of_kind_and_days(q, list(facts.events))
    if not q.dates and find_dates(q.text, date(2000, 1, 1)):
        # "la réunion du 26 mars": a day without its year fits that day of any year the events have.
        by_year = {year: find_dates(q.text, date(int(year), 1, 1)) for year in {e.date[:4] for e in events if e.date}}
        events = [e for e in events if e.date and any(overlaps(e, d) for d in by_year[e.date[:4]])]
    events = of_organisations(q, facts, events)
    if len({occurrence_key(e) for e in events}) > 1:
        # All the question's words, names too: "the <Name> partners meeting" names the event by a name that the
        # recogniser may have taken for a person's.
        asked_concepts = concepts(content_words(q.text))

        def score(e: Event) -> int:
            return len(asked_concepts & concepts(content_words(f"{e.title} {e.doc_title} {e.place or ''}")))

        best = max(score(e) for e in events)
        events = [e for e in events if score(e) == best]
    return events


def _a_person(name: str, facts: FactIndex) -> bool:
    """Not an organisation the recogniser took for a person ("<Name> Labs"): no known organisation's name, no
    word that heads organisations' names."""
    folded = {fold(w).rstrip("s") for w in words(name)} | {fold(w) for w in words(name)}
    return not facts.organisations_in(name) and not folded & vocab.ORGANISATION_HEADS


def _sentence_naming(event: Event, name: str) -> Span | None:
    for span in event.spans:
        if name in span.text and span.chunk_id:
            return span
    if name in event.sentence.text and event.chunk_id:
        return event.sentence.model_copy(update={"chunk_id": event.chunk_id})
    return None


def _claims_of(events: list[Event], key: tuple[str, str], facts: FactIndex) -> list[Claim]:
    """The claims about this event: every claim of a document that tells of no other event of its kind on another
    day, and in other documents of the event those whose sentence gives its day."""
    documents = {e.doc_id for e in events}
    others = {
        e.doc_id
        for e in facts.events
        if e.doc_id in documents
        and e.precision == "day"
        and occurrence_key(e)[1] == key[1]
        and occurrence_key(e) != key
    }
    day = next((e for e in events if e.date and e.precision == "day"), None)
    found = []
    by_document = _claims_by_document(facts)
    for claim in (c for d in sorted(documents) for c in by_document.get(d, [])):
        if claim.doc_id in others and not (
            day is not None and any(d.iso == day.date for d in find_dates(claim.sentence.text))
        ):
            continue
        found.append(claim)
    return found


_BY_DOCUMENT: WeakKeyDictionary[FactIndex, dict[str, list[Claim]]] = WeakKeyDictionary()


def _claims_by_document(facts: FactIndex) -> dict[str, list[Claim]]:
    """The claims of each document, read once an index (a question reads one event's documents, not every claim)."""
    if facts not in _BY_DOCUMENT:
        grouped: dict[str, list[Claim]] = defaultdict(list)
        for claim in facts.claims:
            grouped[claim.doc_id].append(claim)
        _BY_DOCUMENT[facts] = dict(grouped)
    return _BY_DOCUMENT[facts]


def _read_claim(claim: Claim, facts: FactIndex, found: Attendance) -> None:
    """The people a claim places at the event (or, negated, not), and the head count it prints."""
    where = claim.sentence.model_copy(update={"chunk_id": claim.chunk_id})
    if _places_people(claim):
        for arg in claim.arguments:
            if arg.type not in ("person", "name"):
                continue
            for name in facts.people_in(arg.span.text):
                if name_key(name) in name_key(arg.span.text) and _a_person(name, facts):
                    found.add(name, where, excused=claim.negated)
    if claim.negated or claim.relation not in lang.word_set("attendance", "gathering"):
        return
    people_words = lang.word_set("questions", "people_counted")
    for quantity in find_quantities(claim.sentence.text, claim.language):
        unit = fold(quantity.unit)
        people = quantity.value.is_integer() and any(unit.startswith(w) for w in people_words)
        if people and (found.stated is None or quantity.value > found.stated):
            found.stated, found.count_sentence = int(quantity.value), where


def _places_people(claim: Claim) -> bool:
    if claim.relation in lang.word_set("attendance", "relations"):
        return True
    # "X was also present": the adjective, not "X presented the report" (the same lemma, with an object).
    written = fold(claim.relation_text)
    objects = [a for a in claim.arguments if a.role == "theme" and a.type not in ("person", "name")]
    return written in lang.word_set("attendance", "present_forms") and not objects


def asks_attendance(folded: str) -> bool:
    """Does the question ask who attended (or was excused), in words the "people" kind may miss ("Qui a participé…")?"""
    return bool(lang.pattern("attendance", "asked").search(folded))


def asks_excused(folded: str) -> bool:
    return bool(lang.pattern("attendance", "asked_excused").search(folded))
