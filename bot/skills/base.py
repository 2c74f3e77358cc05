"""What every answer skill shares: the `Skill` base class, the `Draft` an answer is written in, the `Context` a skill
reads (the facts, today, the settings), and the helpers several skills use to name events, people and dates."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import ClassVar

import numpy as np

from bot.answer import CitedTable
from bot.question import Question
from core import lang
from core.dates import DateSpan, find_dates, format_iso
from core.glossary import concepts, translate_title
from core.lang import vocabulary as vocab
from core.settings import AnswerSettings
from core.text import content_words, fold
from store.fact_records import Event, FactBase, Person, Plan, Span
from store.facts import FactIndex, first_day, name_key
from store.tables import Table

# Kinds of events that are one thing for a question: a "meeting" may be a committee's meeting.
MEETINGS = {"meeting", "committee"}


@dataclass
class Draft:
    """An answer being written: its first sentence and the facts' sentences it cites."""

    kind: str
    direct: str = ""
    partial: bool = False
    sentences: list[tuple[str, str]] = field(default_factory=list)  # (chunk id, sentence), in citation order
    numbers: dict[str, int] = field(default_factory=dict)  # chunk id -> citation number
    glossed: dict[str, str] = field(default_factory=dict)  # title as rendered -> title as written
    derived: list[str] = field(default_factory=list)  # numbers the reader counted itself
    subject: str | None = None  # what the answer names, that a second question may point back to
    abstain: bool = False  # the facts settle that the documents do not say
    undecided: bool = False  # says the documents do not settle it, quoting what they say: an abstention that cites
    tables: dict[str, CitedTable] = field(default_factory=dict)  # chunk id -> the table rows of it the answer used

    def cite(self, fact: FactBase) -> int:
        """The fact's sentence; for an event, also the line that dates or places it when that is another."""
        number = self.cite_span(fact.sentence.model_copy(update={"chunk_id": fact.chunk_id}))
        if isinstance(fact, Event):
            shown = [t for t in (fact.date_text, fact.place) if t]
            for span in fact.spans:
                if (
                    span.chunk_id
                    and span.text != fact.sentence.text
                    and any(t in span.text and t != span.text for t in shown)
                ):
                    self.cite_span(span)
        return number

    def merge(self, other: Draft) -> None:
        """Another draft's answer after this one's, its citation numbers renumbered."""
        renumbered = {}
        for chunk_id, text in other.sentences:
            renumbered[other.numbers[chunk_id]] = self.cite_span(Span(start=0, end=0, text=text, chunk_id=chunk_id))
        direct = re.sub(r"\[(\d+)\]", lambda m: f"[{renumbered.get(int(m[1]), m[1])}]", other.direct)
        self.direct = f"{self.direct} {direct}"
        self.glossed |= other.glossed
        for chunk_id, table in other.tables.items():
            self.tables.setdefault(chunk_id, table)
        self.derived += other.derived
        self.partial = self.partial or other.partial

    def cite_span(self, span: Span) -> int:
        if (span.chunk_id, span.text) not in self.sentences:
            self.sentences.append((span.chunk_id, span.text))
        return self.numbers.setdefault(span.chunk_id, len(self.numbers) + 1)


@dataclass
class Context:
    """What a skill reads besides the question."""

    facts: FactIndex
    today: date
    settings: AnswerSettings
    passages: frozenset[str] = frozenset()  # ids of the passages retrieved for the question
    vectors: Callable[[list[str]], np.ndarray] | None = None  # the embedder's normalised vectors, cached
    tables: list[Table] = field(default_factory=list)  # the documents' tables (bot/skills/tables.py)
    # How close words are to texts, by the multilingual embedder: (words, texts) -> a row of scores a word.
    similar: Callable[[list[str], list[str]], list[list[float]]] | None = None


class Skill:
    """One kind of answer from the facts. A subclass sets `name` and `order` (lower is tried first) and writes
    `plan`, which returns a `Draft` when the facts answer the question, None to let the next skill try. Every
    module of `bot.skills` is loaded, so a new skill is one new module (and its phrasings in
    `core/lang/phrases.toml`)."""

    name: ClassVar[str]
    order: ClassVar[int]

    def __init__(self, context: Context):
        self.context = context
        self.facts = context.facts

    def first(self, q: Question) -> bool:
        """Whether this skill goes before the others for this question ("the next summer school")."""
        return False

    def plan(self, q: Question) -> Draft | None:
        raise NotImplementedError

    def say(self, q: Question, key: str, **values: object) -> str:
        """The skill's phrasing `key` in the asker's language."""
        return lang.say(self.name, q.language, key, **values)


def common(q: Question, key: str, **values: object) -> str:
    """A phrasing every skill may use: yes, no, "« title » of <date>", "the documents do not say …"."""
    return lang.say("common", q.language, key, **values)


# Events


def same_kind(event_kind: str, asked: str | None) -> bool:
    return asked is None or event_kind == asked or {event_kind, asked} <= MEETINGS


def of_kind_and_days(q: Question, events: list[Event]) -> list[Event]:
    """The events of the kind the question asks about (any event when it asks about a meeting the facts give no kind
    for), on the days it names."""
    if q.event_kind:
        of_kind = [e for e in events if same_kind(e.kind, q.event_kind)]
        events = of_kind or ([] if q.event_kind not in MEETINGS else events)
    for asked in q.dates:
        events = [e for e in events if e.date and overlaps(e, asked)]
    return events


def of_organisations(q: Question, facts: FactIndex, events: list[Event]) -> list[Event]:
    """Among several events, those of the organisations the question names (all of them when none is)."""
    if q.organisations and len(events) > 1:
        named = {fold(n) for o in q.organisations for n in facts.organisation_names(o)}
        events = [e for e in events if named & {fold(o) for o in e.organisations}] or events
    return events


def find_event(q: Question, facts: FactIndex, with_participants: bool = False) -> Event | None:
    """The one event the question is about: of its kind, in its month or day, with its people; None when the
    question does not single one out."""
    events = of_kind_and_days(q, [e for e in facts.events if not with_participants or e.participants])
    events = of_organisations(q, facts, events)
    if len(events) > 1 and q.terms:
        scored = [(len(concepts(q.terms) & concepts(content_words(e.title + " " + e.doc_title))), e) for e in events]
        best = max(s for s, _ in scored)
        events = [e for s, e in scored if s == best]
    distinct = {(e.date, e.kind) for e in events}
    return events[0] if len(distinct) == 1 else None


def event_label(event: Event, q: Question) -> str:
    when = format_iso(event.date, q.language, event.date_end) if event.date else ""
    return common(q, "of_event", title=event.title, date=when) if when else event.title


def title_of(fact: Event | Plan) -> str:
    return fact.title if isinstance(fact, Event) else fact.what


def day_of(fact: Event | Plan) -> tuple[str | None, str | None]:
    return (fact.date, fact.date_end) if isinstance(fact, Event) else (fact.when, fact.when_end)


def when_text(fact: Event | Plan, language: str) -> str:
    """The date as the document gives it, in the asker's words: without a year when the document gave none."""
    iso, end = day_of(fact)
    written = fact.date_text if isinstance(fact, Event) else fact.when_text
    return format_iso(iso or "", language, end, year=written is None or bool(re.search(r"\d{4}", written)))


def overlaps(fact: Event | Plan, asked: DateSpan) -> bool:
    iso, end = day_of(fact)
    if not iso:
        return False
    span = DateSpan(0, 0, "", iso, fact.precision or "day", end)
    return span.first_day <= asked.last_day and asked.first_day <= span.last_day


def superseded(event: Event, facts: FactIndex) -> bool:
    """A date a document replaced: said first in a sentence that moves it, or restated by a later document beside
    a new date of the same kind of event."""
    if not event.date:
        return False
    moved = lang.pattern("cues", "moved")
    for other in facts.events:
        if other is event or other.kind != event.kind or not other.date or other.date == event.date:
            continue
        same_sentence = other.doc_id == event.doc_id and other.sentence.start == event.sentence.start
        later_document = other.doc_date > event.doc_date and event.date in {
            d.iso for d in find_dates(other.sentence.text, first_day(other))
        }
        if (same_sentence or later_document) and moved.search(fold(other.sentence.text)):
            return (first_day(other) or date.min) > (first_day(event) or date.min)
    return False


# People


def role_in(person: Person, q: Question, draft: Draft) -> str:
    """The role in the asker's language when the glossary knows it, else in its own words (quoted when they are
    another language's)."""
    role = person.role or ""
    translated = translate_title(role, q.language) if role and person.role_lang != q.language else None
    if translated:
        draft.glossed[translated] = role
    return translated or (f"« {role} »" if role and person.role_lang != q.language else role)


def title_in(person: Person, q: Question, draft: Draft) -> str:
    """A person's role with its organisation, as a phrase: "President of the Région X", or in the document's own
    words when they are the asker's ("Doyenne des études à l'Institut X")."""
    role, org = person.role, person.organisation_text or person.organisation
    spans = {s.text: s for s in person.spans}
    if role and org and role in spans and org in spans and spans[org].start >= spans[role].end:
        offset = person.sentence.start
        written = person.sentence.text[spans[role].start - offset : spans[org].end - offset]
        if person.role_lang == q.language and len(written.split()) <= len(role.split()) + len(org.split()) + 3:
            return written
    if not role:
        return org or ""
    shown = role_in(person, q, draft)
    if not org:
        return shown
    return f"{shown} {_link(person, role, org, q.language)} {org}"


def _link(person: Person, role: str, org: str, language: str) -> str:
    """The word between a role and its organisation, in the asker's language ("of the" before "Région X")."""
    cues = lang.data("cues")
    between = ""
    spans = {s.text: s for s in person.spans}
    if role in spans and org in spans and spans[org].start >= spans[role].end:
        offset = person.sentence.start
        between = fold(person.sentence.text[spans[role].end - offset : spans[org].start - offset]).strip(" ,'’")
    heads = concepts(content_words(role)) & concepts(list(lang.word_list("cues", "heading_titles")))
    english = cues["links"].get(between.split()[0] if between.split() else "", "of" if heads else "at")
    article = fold(org.split()[0]) in vocab.ORGANISATION_HEADS if org.split() else False
    if language == "fr":
        return cues["links_fr"][english] + (" la" if article else "")
    return english + (" the" if article else "")


def names_with_roles(names: list[str], event: Event, facts: FactIndex, q: Question, draft: Draft) -> str:
    """The people with the role their document gives them: "Jeanne Martin (Directrice …, Institut X)"."""
    shown = []
    for name in names:
        person = next((p for p in facts.find_people(name) if p.doc_id == event.doc_id and p.role), None)
        if person is not None:
            draft.cite(person)
        shown.append(f"{name} ({title_in(person, q, draft)})" if person else name)
    return ", ".join(shown)


def of_organisation(person: Person, organisations: list[str], facts: FactIndex) -> bool:
    if not person.organisation:
        return False
    names = {fold(n) for o in organisations for n in facts.organisation_names(o)}
    return fold(person.organisation) in names


def same_person(a: str, b: str) -> bool:
    return name_key(a) == name_key(b)
