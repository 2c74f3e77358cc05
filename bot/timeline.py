"""The Timeline: one row per event, with every document that states it, labelled by a noun phrase in the reader's
language.

The facts hold one event per sentence that dates it: a signing told by five documents is five events, named by
whatever words stood next to the date ("signé", "signed", "sera signée"). Here those statements become one event
when nothing tells them apart: the same kind and the same dates, and the same place, or when no place is given, no
two different parties (organisations). A date that a later document replaced stays a row of its own, marked so:
the conflict shows.

A row's label is the fullest noun phrase its documents name the event with, cut before its first verb (spaCy's
parts of speech, in the language of the sentence it comes from); when they name it only by a verb or the kind's
word alone, the row is labelled by its kind ("Signing", "Signature"), with its parties and place."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

from bot.skills.base import superseded
from core import lang
from core.dates import DateSpan, month_numbers
from core.lang import vocabulary as vocab
from core.text import content_words, fold, guess_language
from store.fact_records import Event, Plan
from store.facts import FactIndex

# Parts of speech that end a label: what follows a verb is what the event did, not its name.
_CUT_AT = frozenset({"VERB", "AUX", "SCONJ", "PRON"})
# Parts of speech a label neither starts nor ends on ("the", "of", "and", "18").
_EDGES = frozenset({"DET", "ADP", "CCONJ", "ADV", "NUM", "PART", "SYM", "SCONJ", "PRON", "PUNCT"})
# Entities that say who or where, not what: a label made of them alone is no event's name.
_WHO_OR_WHERE = frozenset({"PER", "PERSON", "LOC", "GPE", "FAC"})
# A label longer than this is a clause, not the name of an event (the longest in the seed and the fixtures: 9 words).
_MOST_WORDS = 10


@dataclass
class TimelineRow:
    iso: str
    end: str | None
    precision: str
    kind: str  # an event's kind or a plan's status
    replaced: bool  # a later document gives the event another date
    facts: list[Event | Plan] = field(default_factory=list)

    @property
    def last_day(self) -> date:
        return DateSpan(0, 0, "", self.iso, self.precision, self.end).last_day


def timeline(facts: FactIndex) -> list[TimelineRow]:
    """The dated events and plans, earliest first, the statements of one event in one row."""
    rows: list[TimelineRow] = []
    for item in facts.timeline():
        iso, end = (item.date, item.date_end) if isinstance(item, Event) else (item.when, item.when_end)
        assert iso is not None
        if isinstance(item, Plan):
            # "The school, first planned for 6-10 October": a statement of that event; else a plan of its own, one
            # row with the plans of the same dates that say the same thing.
            kind, replaced = item.status, False
            row = next((r for r in rows if (r.iso, r.end) == (iso, end) and _names_kind(item, r.kind)), None) or next(
                (r for r in rows if (r.iso, r.end, r.kind) == (iso, end, kind) and _says(r, item)), None
            )
        else:
            kind, replaced = item.kind, superseded(item, facts)
            row = next(
                (
                    r
                    for r in rows
                    if (r.iso, r.end, r.kind, r.replaced) == (iso, end, kind, replaced) and _same(r, item, facts)
                ),
                None,
            )
        if row is None:
            rows.append(row := TimelineRow(iso, end, item.precision or "day", kind, replaced))
        row.facts.append(item)
    return rows


def _names_kind(plan: Plan, kind: str) -> bool:
    """Does the plan's sentence name an event of that kind ("l'école", "the committee")?"""
    folded = fold(plan.sentence.text)
    return any(found == kind and pattern.search(folded) for found, pattern in vocab.EVENT_KINDS)


def _says(row: TimelineRow, plan: Plan) -> bool:
    return any(isinstance(f, Plan) and fold(f.what) == fold(plan.what) for f in row.facts)


def _same(row: TimelineRow, item: Event, facts: FactIndex) -> bool:
    """Is `item` the event of `row`, whose kind and dates it has? Not when their parties or places differ."""
    events = [f for f in row.facts if isinstance(f, Event)]
    if not events:
        return False
    parties = {frozenset(fold(n) for n in facts.organisation_names(o)) for o in item.organisations}
    theirs = {frozenset(fold(n) for n in facts.organisation_names(o)) for e in events for o in e.organisations}
    places = {fold(e.place) for e in events if e.place}
    if item.place and places:  # two places: two events; one place: the same, even named in two languages
        return fold(item.place) in places
    return not (parties and theirs and not parties & theirs)


def label(row: TimelineRow, language: str, facts: FactIndex) -> str:
    """The row's event as a noun phrase, in the reader's language when a document names it so."""
    names: Counter[str] = Counter()
    own_language: set[str] = set()
    for fact in row.facts:
        said = fact.title if isinstance(fact, Event) else fact.what
        sentence_language = guess_language(fact.sentence.text)
        name = noun_phrase(said, sentence_language)
        if name and not _only_kind(name) and not facts.find_people(name):
            names[name] += 1
            if sentence_language == language:
                own_language.add(name)
    if names:
        best = max(names, key=lambda n: (n in own_language, names[n], len(n)))
        return best[:1].upper() + best[1:]
    if all(isinstance(f, Plan) for f in row.facts):
        return _sentence_head(row.facts[0])
    kind = _words(language).get(row.kind, row.kind)
    events = [f for f in row.facts if isinstance(f, Event)]
    parties = sorted({facts.display_name(o) for e in events for o in e.organisations})
    place = next((e.place for e in events if e.place), None)
    return kind + (f" — {', '.join(parties)}" if parties else "") + (f" ({place})" if place else "")


def _only_kind(name: str) -> bool:
    """Does the name say no more than a word would ("meeting", "signé", "sera signée")?"""
    return len(content_words(name)) <= 1


@lru_cache(maxsize=4096)
def noun_phrase(text: str, language: str) -> str:
    """`text` cut before its first verb, without its dates, trimmed of the small words at its ends: "meeting held"
    -> "meeting", "WGIIT delegation visited Lyon" -> "WGIIT delegation", "Meeting of 16 September" -> "Meeting",
    "Initialement" -> "". Empty when no noun is left, or only the names of people or places."""
    from models.nlp import parses

    months = month_numbers()
    kept = []
    for n, token in enumerate(parses([text], language)[0]):
        # A punctuation mark between words ends the name; a dash inside a compound name ("Rhone-Alpes") does not.
        spaced = token.pos_ == "PUNCT" and bool(token.whitespace_ or (token.i and token.nbor(-1).whitespace_))
        if n and (token.pos_ in _CUT_AT or spaced):
            break
        if fold(token.text) not in months:
            kept.append(token)
    while kept and kept[0].pos_ in _EDGES:
        kept.pop(0)
    while kept and kept[-1].pos_ in _EDGES:
        kept.pop()
    if not any(t.pos_ in ("NOUN", "PROPN") for t in kept) or len(kept) > _MOST_WORDS:
        return ""
    if all(t.ent_type_ in _WHO_OR_WHERE or t.pos_ in _EDGES for t in kept):
        return ""
    return text[kept[0].idx : kept[-1].idx + len(kept[-1])]


def _sentence_head(fact: Event | Plan) -> str:
    """The first words of the fact's sentence, for a plan no noun phrase names."""
    said = fact.sentence.text.split()
    return " ".join(said[:_MOST_WORDS]) + (" …" if len(said) > _MOST_WORDS else "")


def status(row: TimelineRow, language: str, today: date) -> str:
    """Past or upcoming as of `today`, and whether a later document replaced the date."""
    said = _words(language)
    when = said["past"] if row.last_day < today else said["upcoming"]
    return f"{when} · {said['replaced']}" if row.replaced else when


def kind_name(row: TimelineRow, language: str) -> str:
    return _words(language).get(row.kind, row.kind).lower()


@lru_cache(maxsize=4)
def _words(language: str) -> dict[str, str]:
    """The Timeline's words in `language` (`core/lang/time.toml` [timeline]), English for another language."""
    words = lang.data("time")["timeline"]
    return dict(words.get(language, words["en"]))


def sources(row: TimelineRow) -> list[Event | Plan]:
    """One fact per document, in the order of the documents' dates."""
    first: dict[str, Event | Plan] = {}
    for fact in sorted(row.facts, key=lambda f: (f.doc_date, f.doc_id)):
        first.setdefault(fact.doc_id, fact)
    return list(first.values())
