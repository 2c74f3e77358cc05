"""The reader: a first sentence that answers, in the asker's language, then the quotes it rests on; or what the
documents do not say.

Facts come first (people, organisations, events, plans: lists, counts, roles, dates, "yes or no", "next" and
"last" relative to today); evidence sentences otherwise, as the extractive composer chooses them. Every name,
date and number of the first sentence is checked against the quoted evidence before it is shown; a sentence that
fails the check is not shown, and the quotes stand alone.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date

from langchain_core.documents import Document

from bot.analysis import Analysis, analyse
from bot.answer import Citation
from bot.compose import Composition, ExtractiveComposer, abstention, quote_line, to_citation
from bot.evidence import select_evidence
from bot.grounding import ungrounded_facts
from bot.safety import is_instruction
from bot.scoring import SentenceScorer
from core.dates import DateSpan, find_dates, format_iso
from core.glossary import concepts, translate_title
from core.settings import Settings
from core.text import content_words, fold, words
from ingest.facts import vocabulary as vocab
from ingest.facts.index import FactIndex, first_day, name_key
from ingest.facts.records import Event, FactBase, Person, Plan, Span
from ingest.store import Store

_SAY = {
    "fr": {
        "yes": "Oui.",
        "no": "Non.",
        "took_part": "{name} a participé à {event} [{n}].",
        "not_among": (
            "Les documents ne citent pas {name} parmi les participants de {event} ; ils citent : {names} [{n}]."
        ),
        "excused": "{name} était excusé(e) à {event} [{n}].",
        "participants": "Les participants de {event} : {names} [{n}].",
        "count": "{count} personnes ont participé à {event} [{n}] : {names}.",
        "count_of": "{count} personnes de {org} ont participé à {event} [{n}] : {names}.",
        "date": "{what} : {when} [{n}].",
        "moved": "{what} : prévu {first} [{n}], puis {last} [{m}].",
        "conflict": "{what} : les documents divergent, le document [{n}] dit {first}, le document [{m}] dit {last}.",
        "partial_days": (
            "Les documents disent que {what} est prévu pour {when} [{n}], mais pas à quelles dates précises."
        ),
        "place": "{what} : {place} [{n}].",
        "next": "Prochain événement : {what}, {when} [{n}].",
        "last": "Dernier événement : {what}, {when} [{n}].",
        "quoted": "Selon les documents [{n}] :",
        "is": "{name} : {what}.",
        "of_event": "« {title} » du {date}",
        "unknown_part": "Les documents ne disent pas {what}.",
    },
    "en": {
        "yes": "Yes.",
        "no": "No.",
        "took_part": "{name} took part in {event} [{n}].",
        "not_among": "The documents do not name {name} among the participants of {event}; they name {names} [{n}].",
        "excused": "{name} was excused from {event} [{n}].",
        "participants": "The participants of {event}: {names} [{n}].",
        "count": "{count} people took part in {event} [{n}]: {names}.",
        "count_of": "{count} people from {org} took part in {event} [{n}]: {names}.",
        "date": "{what}: {when} [{n}].",
        "moved": "{what}: first planned for {first} [{n}], then {last} [{m}].",
        "conflict": "{what}: the documents disagree, document [{n}] says {first}, document [{m}] says {last}.",
        "partial_days": "The documents say the {what} is planned for {when} [{n}], but not on which days.",
        "place": "{what}: {place} [{n}].",
        "next": "The next event: {what}, {when} [{n}].",
        "last": "The last event: {what}, {when} [{n}].",
        "quoted": "The documents say [{n}]:",
        "is": "{name} is {what}.",
        "of_event": "« {title} » of {date}",
        "unknown_part": "The documents do not say {what}.",
    },
}


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
        self.derived += other.derived
        self.partial = self.partial or other.partial

    def cite_span(self, span: Span) -> int:
        if (span.chunk_id, span.text) not in self.sentences:
            self.sentences.append((span.chunk_id, span.text))
        return self.numbers.setdefault(span.chunk_id, len(self.numbers) + 1)


class Reader:
    """The default composer: answers from the facts when they hold the answer, from evidence sentences otherwise."""

    def __init__(self, store: Store, scorer: SentenceScorer, settings: Settings):
        self.store = store
        self.scorer = scorer
        self.settings = settings
        self.extractive = ExtractiveComposer(scorer, settings.answer, store.translations.lookup)

    @property
    def today(self) -> date:
        return self.settings.answer.today or date.today()

    def stream(self, question: str, language: str, documents: list[Document]) -> Iterator[str | Composition]:
        composition = self.compose(question, language, documents)
        yield from composition.pieces()
        yield composition

    def compose(self, question: str, language: str, documents: list[Document]) -> Composition:
        language = language if language in _SAY else "en"
        facts = self.store.facts()
        analysis = analyse(question, language, facts)
        if is_instruction(question):  # orders to the assistant are not questions about the documents
            return self._from_evidence(analysis, documents)
        planners: list[Callable[[Analysis, FactIndex], Draft | None]] = [
            self._participants,
            self._role_of,
            self._who_has_role,
            self._when,
            self._where,
            self._next_or_last,
        ]
        if analysis.temporal:  # "the next summer school": the next one, not every date it ever had
            planners.insert(0, planners.pop(planners.index(self._next_or_last)))
        draft = self._plan(analysis, facts, planners)
        if draft is not None and analysis.second:
            # "…, and who directs it?": the second question is about what the first answer named.
            subject = draft.subject
            second = analyse(_resolve(analysis.second, subject) if subject else analysis.second, language, facts)
            following = self._plan(second, facts, planners)
            if following is None:
                draft.direct += " " + _SAY[language]["unknown_part"].format(what=analysis.second.rstrip(" ?"))
                draft.partial = True
            else:
                draft.merge(following)
        if draft is not None and draft.abstain:
            text = abstention(language, None)
            return Composition(text, True, [], [text], kind=analysis.want, generator="reader")
        if draft is not None and (composition := self._render(draft, analysis)) is not None:
            return composition
        return self._from_evidence(analysis, documents)

    @staticmethod
    def _plan(analysis: Analysis, facts: FactIndex, planners: list) -> Draft | None:
        for plan in planners:
            if (draft := plan(analysis, facts)) is not None:
                return draft
        return None

    # Facts

    def _participants(self, a: Analysis, facts: FactIndex) -> Draft | None:
        """Who took part in a meeting, how many, and whether someone did."""
        asks_people = a.want in ("people", "count") or (a.want == "yes-no" and a.people)
        if not asks_people or (a.want == "count" and not _about_people(a)):
            return None
        event = self._event(a, facts, with_participants=True)
        if event is None:
            return None
        say = _SAY[a.language]
        draft = Draft(kind=a.want)
        n = draft.cite(event)
        for span in event.spans:  # the sentences that name the participants
            if any(name in span.text for name in [*event.participants, *event.excused]) and span.chunk_id:
                draft.cite_span(span)
        label = self._event_label(event, a.language)
        if a.want == "yes-no":
            asked = facts.find_people(a.people[0])
            name = asked[0].name if asked else a.people[0]
            keys = {name_key(name)}
            if keys & {name_key(p) for p in event.participants}:
                draft.direct = f"{say['yes']} {say['took_part'].format(name=name, event=label, n=n)}"
            elif keys & {name_key(p) for p in event.excused}:
                draft.direct = f"{say['no']} {say['excused'].format(name=name, event=label, n=n)}"
            else:
                names = self._names(event.participants, event, facts, a.language, draft)
                draft.direct = f"{say['no']} " + say["not_among"].format(name=name, event=label, names=names, n=n)
            return draft
        people = event.participants
        org = a.organisations[0] if a.organisations else None
        if org:
            members = {name_key(p.name) for p in facts.people_of(org)}
            people = [p for p in people if name_key(p) in members]
            if not people:
                return None
        names = self._names(people, event, facts, a.language, draft)
        if a.want == "count":
            draft.derived.append(str(len(people)))
            template = "count_of" if org else "count"
            shown = facts.display_name(org) if org else ""
            draft.direct = say[template].format(count=len(people), org=shown, event=label, names=names, n=n)
        else:
            draft.direct = say["participants"].format(event=label, names=names, n=n)
        return draft

    def _event(self, a: Analysis, facts: FactIndex, with_participants: bool = False) -> Event | None:
        """The one event the question is about: of its kind, in its month or day, with its people; None when the
        question does not single one out."""
        events = [e for e in facts.events if not with_participants or e.participants]
        if a.event_kind:
            same_kind = [e for e in events if e.kind == a.event_kind or {e.kind, a.event_kind} <= _MEETINGS]
            events = same_kind or ([] if a.event_kind not in _MEETINGS else events)
        for asked in a.dates:
            events = [e for e in events if e.date and _overlaps_any(e, asked)]
        if a.organisations and len(events) > 1:
            named = {fold(n) for o in a.organisations for n in facts.organisation_names(o)}
            events = [e for e in events if named & {fold(o) for o in e.organisations}] or events
        if len(events) > 1 and a.terms:
            scored = [
                (len(concepts(a.terms) & concepts(content_words(e.title + " " + e.doc_title))), e) for e in events
            ]
            best = max(s for s, _ in scored)
            events = [e for s, e in scored if s == best]
        distinct = {(e.date, e.kind) for e in events}
        return events[0] if len(distinct) == 1 else None

    def _event_label(self, event: Event, language: str) -> str:
        when = format_iso(event.date, language, event.date_end) if event.date else ""
        return _SAY[language]["of_event"].format(title=event.title, date=when) if when else event.title

    def _names(self, names: list[str], event: Event, facts: FactIndex, language: str, draft: Draft) -> str:
        """The people with the role their document gives them: "Amod Bhat (Directeur…, aivancity)"."""
        shown = []
        for name in names:
            person = next((p for p in facts.find_people(name) if p.doc_id == event.doc_id and p.role), None)
            if person is not None:
                draft.cite(person)
            shown.append(f"{name} ({self._title(person, language, draft)})" if person else name)
        return ", ".join(shown)

    def _role(self, person: Person, language: str, draft: Draft) -> str:
        """The role in the asker's language when the glossary knows it, else in its own words (quoted when they are
        another language's)."""
        role = person.role or ""
        translated = translate_title(role, language) if role and person.role_lang != language else None
        if translated:
            draft.glossed[translated] = role
        return translated or (f"« {role} »" if role and person.role_lang != language else role)

    def _role_of(self, a: Analysis, facts: FactIndex) -> Draft | None:
        """What a person named by the question does, and where; or whether they work for an organisation."""
        if not a.people or a.want not in ("role", "person", "yes-no", "organisation"):
            return None
        if a.event_kind or a.dates or (a.want == "yes-no" and not a.organisations):
            return None
        people = [p for p in facts.find_people(a.people[0]) if p.role or p.organisation]
        if not people:
            return None
        draft = Draft(kind="role")
        roles: dict[str, list[int]] = {}
        for person in people:
            roles.setdefault(self._title(person, a.language, draft), []).append(draft.cite(person))
        name = people[0].name
        described = "; ".join(f"{role} {''.join(f'[{n}]' for n in sorted(set(ns)))}" for role, ns in roles.items())
        draft.direct = _SAY[a.language]["is"].format(name=name, what=described)
        if a.want == "yes-no":
            asked = {fold(n) for o in a.organisations for n in facts.organisation_names(o)}
            works_there = any(p.organisation and fold(p.organisation) in asked for p in people)
            draft.direct = f"{_SAY[a.language]['yes' if works_there else 'no']} {draft.direct}"
        return draft

    def _title(self, person: Person, language: str, draft: Draft) -> str:
        """A person's role with its organisation, as a phrase: "President of the Région Île-de-France", or in the
        document's own words when they are the asker's ("Doyen des Études Académiques à IIITB")."""
        role, org = person.role, person.organisation_text or person.organisation
        spans = {s.text: s for s in person.spans}
        if role and org and role in spans and org in spans and spans[org].start >= spans[role].end:
            offset = person.sentence.start
            written = person.sentence.text[spans[role].start - offset : spans[org].end - offset]
            if person.role_lang == language and len(written.split()) <= len(role.split()) + len(org.split()) + 3:
                return written
        if not role:
            return org or ""
        shown = self._role(person, language, draft)
        if not org:
            return shown
        return f"{shown} {_link(person, role, org, language)} {org}"

    def _who_has_role(self, a: Analysis, facts: FactIndex) -> Draft | None:
        """Who holds the role the question names ("the dean of academics at IIITB")."""
        if a.want not in ("person", "description", "organisation") or a.people or not a.terms:
            return None
        wanted = concepts(a.terms)
        best: list[tuple[float, Person]] = []
        for person in facts.people:
            if not person.role:
                continue
            if a.organisations and not _of_organisation(person, a.organisations, facts):
                continue
            have = concepts(content_words(" ".join([person.role, translate_title(person.role, "en") or ""])))
            share = len(wanted & have) / len(wanted)
            if share >= self.settings.answer.relation_match:
                # Of equal matches, the plainer title: "Directeur" is who directs, more than "Responsable du…".
                best.append((share - 0.01 * len(person.role.split()), person))
        if not best:
            return None
        top = max(s for s, _ in best)
        chosen = list({name_key(p.name): p for s, p in best if s == top}.values())
        draft = Draft(kind=a.want if a.want == "organisation" else "person")
        if a.want == "organisation":
            with_org = [p for p in chosen if p.organisation]
            if not with_org:
                return None
            parts = [
                f"{p.organisation_text or p.organisation} ({p.name}, {self._role(p, a.language, draft)}) "
                f"[{draft.cite(p)}]"
                for p in with_org
            ]
            draft.subject = with_org[0].organisation
        else:
            parts = [f"{p.name} ({self._title(p, a.language, draft)}) [{draft.cite(p)}]" for p in chosen]
            draft.subject = chosen[0].name
        draft.direct = "; ".join(parts) + "."
        return draft

    def _when(self, a: Analysis, facts: FactIndex) -> Draft | None:
        """When an event or a plan the question names happens, with the dates each document gives it."""
        if a.want != "date" and not (a.want == "yes-no" and a.event_kind):
            return None
        dated = self._dated(a, facts)
        if not dated:
            return None
        say = _SAY[a.language]
        draft = Draft(kind="date")
        first, last = dated[0], dated[-1]
        what = _title(first)
        if _day(first) != _day(last):  # a date that moved, or documents that disagree: both, each with its source
            draft.direct = say["moved" if _moved(first, last) else "conflict"].format(
                what=what,
                first=_when_text(first, a.language),
                n=draft.cite(first),
                last=_when_text(last, a.language),
                m=draft.cite(last),
            )
        elif a.exact and (first.precision or "day") != "day":
            draft.partial = True
            draft.direct = say["partial_days"].format(
                what=what, when=_when_text(first, a.language), n=draft.cite(first)
            )
        else:
            draft.direct = say["date"].format(what=what, when=_when_text(first, a.language), n=draft.cite(first))
        if a.want == "yes-no":
            asked = a.dates[0] if a.dates else None
            settled = asked is not None and _overlaps_any(last, asked)
            draft.direct = f"{say['yes' if settled else 'no']} {draft.direct}"
        return draft

    def _dated(self, a: Analysis, facts: FactIndex) -> list[Event | Plan]:
        """The events (and plans) the question is about, ordered by the date of the document stating them."""
        wanted = concepts(a.terms)
        # The words that name the kind asked about ("signed", "meeting") are shared by every event of the kind; the
        # others ("declaration of intent") tell one event of the kind from another.
        folded = fold(a.text)
        naming = {
            w for kind, p in vocab.EVENT_KINDS if kind == a.event_kind for m in p.finditer(folded) for w in words(m[0])
        }
        telling = concepts([t for t in a.terms if t not in naming])
        candidates: list[tuple[int, Event | Plan]] = []
        for fact in [*facts.events, *facts.plans]:
            if not (fact.date if isinstance(fact, Event) else fact.when):
                continue
            kind_ok = (
                isinstance(fact, Event)
                and a.event_kind is not None
                and (fact.kind == a.event_kind or {fact.kind, a.event_kind} <= _MEETINGS)
            )
            said = concepts(content_words(_title(fact) + " " + fact.sentence.text))
            overlap = len(wanted & said)
            if kind_ok:
                # Every event of the kind that the other words name as well counts alike: each document's date for
                # it is kept. A signing of another text is not the signing asked about.
                candidates.append((1000 + len(telling & said), fact))
            elif wanted and overlap >= max(1, len(wanted) // 2):
                candidates.append((overlap, fact))
        if not candidates:
            return []
        top = max(s for s, _ in candidates)
        best = [f for s, f in candidates if s == top]
        return sorted(best, key=lambda f: (f.doc_date, first_day(f) or date.min))

    def _next_or_last(self, a: Analysis, facts: FactIndex) -> Draft | None:
        """The next (or last) dated event relative to today, of the kind asked about if any."""
        if a.temporal is None or (a.event_kind is None and a.want not in ("date", "place", "description")):
            return None
        today = self.today
        items = [
            (day, e)
            for e in facts.events
            if (a.event_kind is None or e.kind == a.event_kind or {e.kind, a.event_kind} <= _MEETINGS)
            and (day := first_day(e)) is not None
            and not _superseded(e, facts)
        ]
        if a.temporal == "next":
            items = sorted(((d, e) for d, e in items if d > today), key=lambda item: item[0])
        else:
            items = sorted(((d, e) for d, e in items if d <= today), key=lambda item: item[0], reverse=True)
        if not items:
            # The documents announce no next (or last) one: that is the answer, not a quote about another.
            return Draft(kind=a.want, abstain=True)
        event = items[0][1]
        if a.want == "place" and not event.place:
            return None
        draft = Draft(kind=a.want, subject=event.title)
        n = draft.cite(event)
        what = f"{event.title} ({event.place})" if a.want == "place" and event.place else event.title
        draft.direct = _SAY[a.language][a.temporal].format(what=what, when=_when_text(event, a.language), n=n)
        return draft

    def _where(self, a: Analysis, facts: FactIndex) -> Draft | None:
        """Where the event the question names takes place."""
        if a.want != "place" or a.temporal:
            return None
        event = self._event(a, facts)
        if event is None or not event.place:
            return None
        draft = Draft(kind="place", subject=event.place)
        label = self._event_label(event, a.language)
        draft.direct = _SAY[a.language]["place"].format(what=label, place=event.place, n=draft.cite(event))
        return draft

    # Evidence sentences

    def _from_evidence(self, a: Analysis, documents: list[Document]) -> Composition:
        chosen, reason = select_evidence(self.scorer, a.text, documents, self.settings.answer)
        if not chosen or not _answers(a, [e.sentence for e in chosen], self.settings.answer.relation_match):
            text = abstention(a.language, "empty" if not documents else reason)
            return Composition(text, True, [], [text], kind=a.want)
        composition = self.extractive.compose(a.text, a.language, documents)
        composition.kind = a.want
        composition.quotes = [c.quote for c in composition.citations]
        direct = self._direct_from_sentences(a, [e.sentence for e in chosen])
        if direct:
            composition.direct = direct
            composition.parts = [direct, *composition.parts]
            composition.text = "\n\n".join(composition.parts)
        return composition

    def _direct_from_sentences(self, a: Analysis, sentences: list[str]) -> str:
        """A first sentence only where the evidence holds the very fact asked (a date), in the asker's words."""
        dates = [d for s in sentences for d in find_dates(s)] if a.want == "date" else []
        return f"{format_iso(dates[0].iso, a.language, dates[0].iso_end)} [1]." if dates else ""

    # Writing

    def _render(self, draft: Draft, a: Analysis) -> Composition | None:
        chunks = {c.id: c for c in self.store.chunks(list(draft.numbers))}
        citations: list[Citation] = []
        for chunk_id, _ in sorted(draft.numbers.items(), key=lambda item: item[1]):
            chunk = chunks.get(chunk_id)
            if chunk is None:
                return None  # the passage changed since the facts were read: answer from passages instead
            citation = to_citation(Document(page_content=chunk.text, id=chunk.id, metadata=dict(chunk.metadata)))
            citation.quote = " ".join(s for c, s in draft.sentences if c == chunk_id and s in chunk.text)
            if not citation.quote:
                return None
            citations.append(citation)
        evidence = [c.quote for c in citations]
        checked = draft.direct
        for rendered, original in draft.glossed.items():
            checked = checked.replace(rendered, original)
        for number in draft.derived:
            checked = re.sub(rf"(?<!\d){number}(?!\d)", "", checked, count=1)
        if ungrounded_facts(checked, evidence, a.text):
            return None  # a claim the quotes do not hold is never shown
        lookup = self.store.translations.lookup
        quotes = [f"[{i}] {quote_line(c, c.language, a.language, lookup)}" for i, c in enumerate(citations, start=1)]
        parts = [draft.direct, *quotes]
        return Composition(
            "\n\n".join(parts),
            False,
            citations,
            parts,
            direct=draft.direct,
            quotes=evidence,
            kind=draft.kind,
            partial=draft.partial,
            generator="reader",
        )


_MEETINGS = {"meeting", "committee"}


_POINTERS = re.compile(
    r"\b(it|its|there|them|they|this one|that one|il|elle|la|le|les|y|celui-ci|celle-ci|cet institut|cette "
    r"organisation|cet organisme|cette institution|this institute|that institute|this organisation)\b",
    re.IGNORECASE,
)


def _resolve(question: str, subject: str) -> str:
    """The question with its pronoun replaced by what it points back to ("who directs it" -> "who directs X")."""
    return _POINTERS.sub(subject, question, count=1) if _POINTERS.search(question) else f"{question} ({subject})"


# How the document links a role to its organisation, said in English: "Doyen … à IIITB" -> "at".
_LINKS = {
    "pour": "for",
    "chez": "at",
    "à": "at",
    "a": "at",
    "au": "at",
    "aux": "at",
    "de": "of",
    "du": "of",
    "des": "of",
    "d": "of",
    "of": "of",
    "at": "at",
    "for": "for",
}


def _link(person: Person, role: str, org: str, language: str) -> str:
    """The word between a role and its organisation, in the asker's language ("of the" before "Région X")."""
    between = ""
    spans = {s.text: s for s in person.spans}
    if role in spans and org in spans and spans[org].start >= spans[role].end:
        offset = person.sentence.start
        between = fold(person.sentence.text[spans[role].end - offset : spans[org].start - offset]).strip(" ,'’")
    heads = concepts(content_words(role)) & concepts(["director", "president", "dean"])
    english = _LINKS.get(between.split()[0] if between.split() else "", "of" if heads else "at")
    article = fold(org.split()[0]) in vocab.ORGANISATION_HEADS if org.split() else False
    if language == "fr":
        return {"for": "pour", "at": "à", "of": "de"}[english] + (" la" if article else "")
    return english + (" the" if article else "")


def _about_people(a: Analysis) -> bool:
    if re.search(r"\b(institutions?|organi[sz]ations?|partenaires?|partners?|entreprises?|compan)", fold(a.text)):
        return False
    return bool(
        {"personne", "people", "perso", "participants", "parti", "membr", "member"} & {w[:5] for w in a.terms}
    ) or (a.event_kind is not None)


def _of_organisation(person: Person, organisations: list[str], facts: FactIndex) -> bool:
    if not person.organisation:
        return False
    names = {fold(n) for o in organisations for n in facts.organisation_names(o)}
    return fold(person.organisation) in names


_MOVED = re.compile(
    r"\b(first planned|initially|originally|moved|postponed|brought forward|instead of|initialement|au depart|"
    r"deplacee?s?|reportee?s?|decalee?s?|au lieu de|avancee?s?)\b"
)


def _superseded(event: Event, facts: FactIndex) -> bool:
    """A date a document replaced: said first in a sentence that moves it, or restated by a later document beside
    a new date of the same kind of event."""
    if not event.date:
        return False
    for other in facts.events:
        if other is event or other.kind != event.kind or not other.date or other.date == event.date:
            continue
        same_sentence = other.doc_id == event.doc_id and other.sentence.start == event.sentence.start
        later_document = other.doc_date > event.doc_date and event.date in {
            d.iso for d in find_dates(other.sentence.text, first_day(other))
        }
        if (same_sentence or later_document) and _MOVED.search(fold(other.sentence.text)):
            return (first_day(other) or date.min) > (first_day(event) or date.min)
    return False


def _moved(first: Event | Plan, last: Event | Plan) -> bool:
    """Did the later of two dates replace the earlier? When one document gives both, or the later one says that
    it moved ("first planned for", "reportée"); otherwise two documents disagree, and neither is taken as right."""
    return first.doc_id == last.doc_id or bool(_MOVED.search(fold(last.sentence.text)))


def _title(fact: Event | Plan) -> str:
    return fact.title if isinstance(fact, Event) else fact.what


def _day(fact: Event | Plan) -> tuple[str | None, str | None]:
    return (fact.date, fact.date_end) if isinstance(fact, Event) else (fact.when, fact.when_end)


def _when_text(fact: Event | Plan, language: str) -> str:
    """The date as the document gives it, in the asker's words: without a year when the document gave none."""
    iso, end = _day(fact)
    written = fact.date_text if isinstance(fact, Event) else fact.when_text
    return format_iso(iso or "", language, end, year=written is None or bool(re.search(r"\d{4}", written)))


def _overlaps_any(fact: Event | Plan, asked: DateSpan) -> bool:
    iso, end = _day(fact)
    if not iso:
        return False
    span = DateSpan(0, 0, "", iso, fact.precision or "day", end)
    return span.first_day <= asked.last_day and asked.first_day <= span.last_day


def _answers(a: Analysis, sentences: list[str], share: float) -> bool:
    """Do the sentences speak of what the question asks about? The people it names must be in them, and for a
    question about a person, an organisation, a place or a number, most of the words of its relation."""
    text = " ".join(sentences)
    present = set(words(text))
    if any(not set(words(name)) & present for name in a.people):
        return False
    relational = a.want in ("person", "people", "organisation", "place", "count") or bool(a.people)
    if not relational or not a.terms:
        return True
    wanted = concepts(a.terms)
    return len(wanted & concepts(content_words(text))) >= share * len(wanted)
