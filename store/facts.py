"""Lookups over the stored facts, in memory: people by name (accents, case and typos forgiven), by role words or by
organisation; events by kind, date, participant or document; plans by time; the who's who and the timeline.

Conflicts are kept, not resolved: the same name with two roles in two documents gives two people, each with its
document's date and source; two dates for one event stay two events.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Iterable
from datetime import date

from rapidfuzz import fuzz, process

from core.text import fold, stems, words
from store.fact_records import Claim, Event, Organisation, Person, Plan, ProgrammeDay

Dated = Event | Plan
# A name typed with a letter or two wrong still finds its person ("Pecrese"): rapidfuzz ratio at least this.
_NAME_CUTOFF = 85.0
# Only words this long are corrected when looking for names in a question: shorter ones ("roles") are too often
# one letter away from some name ("Rollin").
_FUZZY_LENGTH = 6


def name_key(name: str) -> str:
    return " ".join(words(name))


def first_day(dated: Dated) -> date | None:
    """The first day an event or a plan is dated to, at its precision; None when undated."""
    iso = dated.date if isinstance(dated, Event) else dated.when
    if not iso:
        return None
    parts = [int(p) for p in iso.split("-")] + [1, 1]
    try:
        return date(parts[0], parts[1], parts[2])
    except ValueError:
        return None


class FactIndex:
    def __init__(self, facts: Iterable[Person | Organisation | Event | Plan | ProgrammeDay | Claim]):
        self.people: list[Person] = []
        self.organisations: list[Organisation] = []
        self.events: list[Event] = []
        self.plans: list[Plan] = []
        self.days: list[ProgrammeDay] = []  # the days of the documents' programmes
        self.claims: list[Claim] = []  # who did what, sentence by sentence (`ingest.claims`)
        lists: dict[str, list] = {
            "person": self.people,
            "organisation": self.organisations,
            "event": self.events,
            "plan": self.plans,
            "programme_day": self.days,
            "claim": self.claims,
        }
        for fact in facts:
            lists[fact.type].append(fact)
        self._display: dict[int, str] = {}
        self._role_stems: dict[int, set[str]] = {}
        self._by_name: dict[str, list[Person]] = defaultdict(list)
        self._by_token: dict[str, set[str]] = defaultdict(set)
        for person in self.people:
            key = name_key(person.name)
            self._by_name[key].append(person)
            for token in key.split():
                self._by_token[token].add(key)
        self._names = list(self._by_name)
        self._org_names = self._organisation_names()
        self._by_participant: dict[str, list[Event]] = defaultdict(list)
        for event in self.events:
            for participant in event.participants:
                self._by_participant[name_key(participant)].append(event)
        dated = sorted(
            ((d, x) for x in [*self.events, *self.plans] if (d := first_day(x)) is not None), key=lambda pair: pair[0]
        )
        self._dates = [d for d, _ in dated]
        self._dated = [x for _, x in dated]
        self._person_mentions = _Mentions(p.name for p in self.people)

    def people_in(self, text: str) -> list[str]:
        """The people `text` names (by surname or whole name), in the order it names them. Names all of whose
        words it holds come first; otherwise those it holds most words of ("Nair" names every Nair)."""
        found = self._person_mentions.find(text)
        if not found:
            return []
        complete = [name for name, hits in found if hits == len(self._person_mentions.words_of(name))]
        best = max(hits for _, hits in found)
        return complete or [name for name, hits in found if hits == best]

    def organisations_in(self, text: str) -> list[str]:
        """The organisations `text` names, by any of their names (whole words), as their longest name."""
        folded = f" {' '.join(words(text))} "
        found = []
        for group in self._org_names:
            if any(len(n) > 1 and f" {' '.join(words(n))} " in folded for n in group):
                found.append(self._display.get(id(group), max(group, key=len)))
        return found

    def __len__(self) -> int:
        return len(self.people) + len(self.organisations) + len(self.events) + len(self.plans) + len(self.days)

    # People

    def find_people(self, name: str) -> list[Person]:
        """The people of that name: whole name or surname, any case or accents, a small typo forgiven."""
        key = name_key(name)
        if key in self._by_name:
            return list(self._by_name[key])
        tokens = key.split()
        candidates = set.intersection(*(self._by_token.get(t, set()) for t in tokens)) if tokens else set()
        if candidates:
            return [p for k in sorted(candidates) for p in self._by_name[k]]
        match = process.extractOne(key, self._names, scorer=fuzz.WRatio, score_cutoff=_NAME_CUTOFF)
        return list(self._by_name[match[0]]) if match else []

    def role_stems(self, person: Person) -> set[str]:
        """The stems of a person's role, computed once per person."""
        key = id(person)
        if key not in self._role_stems:
            self._role_stems[key] = stems(person.role or "")
        return self._role_stems[key]

    def people_with_role(self, role: str, organisation: str | None = None) -> list[Person]:
        """People whose role holds every word of `role`, by stem ("dean of academic" finds "Dean of Academic
        Affairs")."""
        wanted = stems(role)
        org = self.organisation_names(organisation) if organisation else None
        return [
            p
            for p in self.people
            if p.role
            and wanted <= self.role_stems(p)
            and (org is None or (p.organisation is not None and fold(p.organisation) in org))
        ]

    def people_of(self, organisation: str) -> list[Person]:
        names = self.organisation_names(organisation)
        return [p for p in self.people if p.organisation and fold(p.organisation) in names]

    # Organisations

    def _organisation_names(self) -> list[set[str]]:
        """Every organisation as the set of its folded names, merged across documents by shared names; its
        longest written name is kept for display."""
        groups: list[set[str]] = []
        for org in self.organisations:
            names = {fold(n) for n in [org.name, *org.aliases]}
            overlapping = [g for g in groups if g & names]
            for g in overlapping:
                names |= g
                groups.remove(g)
            groups.append(names)
        self._display = {}
        for org in sorted(self.organisations, key=lambda o: len(o.name)):
            for group in groups:
                if fold(org.name) in group:
                    self._display[id(group)] = org.name
        return groups

    def display_name(self, name: str) -> str:
        """The longest name the documents give the organisation called `name`."""
        group = self.organisation_names(name)
        return self._display.get(id(group), name)

    def organisation_names(self, name: str) -> set[str]:
        """All the folded names of the organisation called `name` (itself alone when unknown)."""
        folded = fold(name)
        return next((g for g in self._org_names if folded in g), {folded})

    # Events and plans

    def find_events(
        self,
        kind: str | None = None,
        participant: str | None = None,
        doc_id: str | None = None,
        start: date | None = None,
        end: date | None = None,
    ) -> list[Event]:
        """Events matching every criterion given; `start`/`end` bound the first day (inclusive)."""
        pool: Iterable[Event]
        if participant is not None:
            keys = {name_key(p.name) for p in self.find_people(participant)} or {name_key(participant)}
            pool = [e for k in keys for e in self._by_participant.get(k, [])]
        elif start is not None or end is not None:
            pool = [x for x in self.dated_between(start, end) if isinstance(x, Event)]
        else:
            pool = self.events
        return [
            e
            for e in pool
            if (kind is None or e.kind == kind)
            and (doc_id is None or e.doc_id == doc_id)
            and _within(first_day(e), start, end)
        ]

    def dated_between(self, start: date | None, end: date | None) -> list[Dated]:
        low = bisect_left(self._dates, start) if start else 0
        high = bisect_right(self._dates, end) if end else len(self._dates)
        return self._dated[low:high]

    def find_plans(self, start: date | None = None, end: date | None = None, status: str | None = None) -> list[Plan]:
        return [
            p for p in self.dated_between(start, end) if isinstance(p, Plan) and (status is None or p.status == status)
        ]

    def timeline(self) -> list[Dated]:
        """Dated events and plans, earliest first (both dates of a moved event stay: the conflict shows). A plan
        told in the same sentence as an event is that event."""
        told = {(e.doc_id, e.sentence.start) for e in self.events}
        return [x for x in self._dated if isinstance(x, Event) or (x.doc_id, x.sentence.start) not in told]


def _within(day: date | None, start: date | None, end: date | None) -> bool:
    if start is None and end is None:
        return True
    return day is not None and (start is None or day >= start) and (end is None or day <= end)


class _Mentions:
    """Finds the known names a text mentions, word by word, forgiving case, accents and small typos."""

    def __init__(self, names: Iterable[str]):
        self.by_token: dict[str, set[str]] = defaultdict(set)
        for name in names:
            for token in words(name):
                if len(token) >= 3:
                    self.by_token[token].add(name)
        # Spelling candidates share the first letter: keeps the scan short among thousands of names.
        self.by_initial: dict[str, list[str]] = defaultdict(list)
        for token in self.by_token:
            self.by_initial[token[0]].append(token)

    def words_of(self, name: str) -> set[str]:
        return {t for t in words(name) if len(t) >= 3}

    def find(self, text: str) -> list[tuple[str, int]]:
        """(name, how many of its words the text holds), in the order the text names them."""
        found: dict[str, int] = {}
        hits: dict[str, set[str]] = defaultdict(set)
        for position, token in enumerate(words(text)):
            if len(token) < 3:
                continue
            names = self.by_token.get(token)
            if names is None and len(token) >= _FUZZY_LENGTH:
                candidates = self.by_initial.get(token[0], [])
                match = process.extractOne(token, candidates, scorer=fuzz.ratio, score_cutoff=_NAME_CUTOFF)
                names = self.by_token[match[0]] if match else None
            for name in names or ():
                found.setdefault(name, position)
                hits[name].add(token)
        return [(name, len(hits[name])) for name in sorted(found, key=found.__getitem__)]
