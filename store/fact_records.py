"""The facts and their provenance. Every field of a fact is found in its sentence; `spans` say where."""

from __future__ import annotations

import hashlib
from typing import Annotated, Literal

from pydantic import BaseModel, Field, TypeAdapter


class Span(BaseModel):
    """Verbatim text of the document and where it stands in its cleaned text."""

    start: int
    end: int
    text: str
    chunk_id: str = ""  # the passage that holds it


class FactBase(BaseModel):
    doc_id: str
    doc_date: str = ""  # YYYY-MM-DD of the document, the date the fact is stated as of
    doc_title: str = ""
    chunk_id: str = ""  # the passage that holds the sentence
    sentence: Span  # the sentence the fact rests on
    spans: list[Span] = Field(default_factory=list)  # the words of each field

    @property
    def id(self) -> str:
        key = f"{self.doc_id}\x00{type(self).__name__}\x00{self.key()}"
        return hashlib.sha256(key.encode()).hexdigest()[:32]

    def key(self) -> str:
        """What makes the fact distinct within its document."""
        raise NotImplementedError


class Person(FactBase):
    type: Literal["person"] = "person"
    name: str
    honorific: str | None = None
    role: str | None = None
    role_lang: str | None = None
    organisation: str | None = None  # its canonical name
    organisation_text: str | None = None  # as this sentence writes it ("INRX")
    origin: Literal["rules", "model"] = "rules"  # "model": proposed by the model generator, each field checked

    def key(self) -> str:
        return f"{self.name}\x00{self.role}\x00{self.organisation}"


class Organisation(FactBase):
    type: Literal["organisation"] = "organisation"
    name: str  # the longest form the document gives
    aliases: list[str] = Field(default_factory=list)  # acronyms, short forms, appositions

    def key(self) -> str:
        return self.name


class Event(FactBase):
    type: Literal["event"] = "event"
    kind: str  # meeting, committee, signing, trip, school, visit, ceremony, deadline, call, workshop
    title: str
    date: str | None = None  # ISO, to its precision: "2025-02-12", "2025-05", "2026"
    date_end: str | None = None
    date_text: str | None = None  # as written ("mai": the year was the document's)
    precision: Literal["day", "month", "year"] | None = None
    place: str | None = None
    mode: Literal["videoconference", "in person"] | None = None
    participants: list[str] = Field(default_factory=list)  # people's names
    organisations: list[str] = Field(default_factory=list)
    excused: list[str] = Field(default_factory=list)

    def key(self) -> str:
        return f"{self.kind}\x00{self.date}\x00{self.sentence.start}"


class Plan(FactBase):
    type: Literal["plan"] = "plan"
    what: str
    when: str | None = None
    when_end: str | None = None
    when_text: str | None = None
    precision: Literal["day", "month", "year"] | None = None
    where: str | None = None
    who: list[str] = Field(default_factory=list)
    status: Literal["planned", "decided", "done"]

    def key(self) -> str:
        return f"{self.sentence.start}\x00{self.what}"


class ProgrammeItem(BaseModel):
    """One thing planned on a day of a programme: its time as written ("09:30", "9 h 30"), what, and its lines."""

    time: str | None = None
    what: str
    lines: list[Span] = Field(default_factory=list)  # the document's lines it is read from (time, what, place)


class ProgrammeDay(FactBase):
    """A day of a programme ("Day 3", "Jour 2", a dated heading). `sentence` is the day's heading. When the heading
    gives only a number, the date is counted from the programme's start date, which `start` quotes."""

    type: Literal["programme_day"] = "programme_day"
    number: int  # the day's number in the programme (1 for the first), its rank when the heading gives only a date
    date: str | None = None  # ISO day
    date_text: str | None = None  # as the heading writes it; None when counted from `start`
    items: list[ProgrammeItem] = Field(default_factory=list)
    start: Span | None = None  # the sentence that gives the programme's dates, when the day's date is counted

    def key(self) -> str:
        return f"{self.number}\x00{self.date}\x00{self.sentence.start}"


class Argument(BaseModel):
    """One argument of a claim: its role (agent, theme, recipient, attribute, a modifier's preposition, or `mention`
    for an entity of the sentence no argument holds), its type and its words (`span`)."""

    role: str
    type: str  # person, organisation, place, date, money, number, document, activity, role, address, name, other
    head: str  # the folded lemma of its head word
    span: Span


class Claim(FactBase):
    """Who did what, to whom, when and where, as one sentence says it (`models.claims`)."""

    type: Literal["claim"] = "claim"
    relation: str  # the predicate's folded lemma ("lead", "presider")
    relation_text: str  # as written ("led", "présidé")
    language: str
    negated: bool = False
    copula: bool = False  # "X is Y", "X est responsable de Y"; `row` claims are a table's rows, their cells
    arguments: list[Argument] = Field(default_factory=list)

    def key(self) -> str:
        return f"{self.sentence.start}\x00{self.relation}\x00{self.relation_text}"


Fact = Annotated[Person | Organisation | Event | Plan | ProgrammeDay | Claim, Field(discriminator="type")]
FACT = TypeAdapter(Fact)
