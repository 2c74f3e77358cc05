"""Who took part in an event, how many, and whether someone did: all three from the event's one `Attendance`
(`bot.attendance`), so the list, the count and the yes/no agree."""

from __future__ import annotations

from bot.attendance import Attendance, asks_attendance, asks_excused, attendance
from bot.question import Question
from bot.skills.base import Context, Draft, Skill, common, event_label, names_with_roles
from core import lang
from core.text import fold, words
from store.facts import name_key


class Participants(Skill):
    name = "participants"
    order = 10

    def __init__(self, context: Context):
        super().__init__(context)
        self._found: dict[str, Attendance | None] = {}

    def first(self, q: Question) -> bool:
        # A head count the documents print for the event: before the figures of running text, which may take another
        # event's ("N people attended" for "how many attended the workshop?").
        found = self._attendance(q) if q.kind == "count" and _names_people(q) else None
        return found is not None and found.stated is not None

    def plan(self, q: Question) -> Draft | None:
        listing = q.kind == "people" or (q.kind == "person" and asks_attendance(q.folded))
        # A yes/no about someone is about attendance when it says so or names an event: "Is X the Director of Y?"
        # is not, though Y's minutes list X among the attendees.
        attends = q.kind == "yes-no" and q.people and (asks_attendance(q.folded) or q.event_kind is not None)
        asks_people = listing or q.kind == "count" or attends
        if not asks_people or (q.kind == "count" and not _about_people(q)):
            return None
        found = self._attendance(q)
        if found is None or not (found.present or found.excused or found.stated):
            return None
        event = found.events[0]
        draft = Draft(kind=q.kind)
        n = draft.cite(event)
        label = event_label(event, q)
        if q.kind == "yes-no":
            return self._yes_no(q, found, draft, label, n)
        excused = listing and asks_excused(q.folded)
        people = found.excused if excused else found.present
        org = _people_of(q, found) if not excused else None
        if org:
            members = {name_key(p.name) for p in self.facts.people_of(org)}
            people = [p for p in people if name_key(p) in members]
            if not people:
                return None
        elif not people and not (q.kind == "count" and found.stated):
            return None
        names = self._names(people, found, q, draft)
        if excused:
            draft.direct = self.say(q, "excused_list", event=label, names=names, n=n)
            return draft
        if not org and found.stated is not None and found.count > len(people):
            # A printed head count larger than the names known: say both, never a shorter list as if it were all.
            m = draft.cite_span(found.count_sentence) if found.count_sentence else n
            # Both read, not written: the names counted, and the figure read from the quoted sentence in words or
            # digits ("eleven participants"), which the claim check compares as digits only.
            draft.derived += [str(len(people)), str(found.count)]
            if not people:
                draft.direct = self.say(q, "count_only", count=found.count, event=label, n=m)
            else:
                key = "count_named" if q.kind == "count" else "named_of"
                draft.direct = self.say(
                    q, key, count=found.count, named=len(people), event=label, names=names, n=n, m=m
                )
            return draft
        if q.kind == "count":
            count = len(people) if org else found.count
            if found.count_sentence is not None and not org:
                draft.cite_span(found.count_sentence)
            draft.derived.append(str(count))
            shown = self.facts.display_name(org) if org else ""
            key = "count_of" if org else "count"
            draft.direct = self.say(q, key, count=count, org=shown, event=label, names=names, n=n)
        else:
            draft.direct = self.say(q, "participants", event=label, names=names, n=n)
        return draft

    def _yes_no(self, q: Question, found: Attendance, draft: Draft, label: str, n: int) -> Draft:
        asked = self.facts.find_people(q.people[0])
        name = asked[0].name if asked else q.people[0]
        status = found.status(name)
        where = found.said.get(name_key(name))
        m = draft.cite_span(where) if where is not None and status in ("present", "excused") else n
        if status == "present":
            draft.direct = f"{common(q, 'yes')} {self.say(q, 'took_part', name=name, event=label, n=m)}"
            return draft
        if status == "excused":
            draft.direct = f"{common(q, 'no')} {self.say(q, 'excused', name=name, event=label, n=m)}"
            return draft
        names = self._names(found.present, found, q, draft)
        if status == "absent":  # the documents' list is complete: a printed count no larger than the names
            if found.count_sentence is not None:
                draft.cite_span(found.count_sentence)
            draft.derived.append(str(found.count))
            said = self.say(q, "not_among_all", name=name, count=found.count, event=label, names=names, n=n)
            draft.direct = f"{common(q, 'no')} {said}"
            return draft
        # Not named, not excused, and the list may be incomplete: the documents do not say, the list quoted.
        draft.direct = self.say(q, "not_said", name=name, event=label, names=names, n=n)
        draft.undecided = True
        return draft

    def _attendance(self, q: Question) -> Attendance | None:
        """The event's attendance, gathered once a question (`first` and `plan` both read it)."""
        if q.text not in self._found:
            self._found[q.text] = attendance(q, self.facts)
        return self._found[q.text]

    def _names(self, people: list[str], found: Attendance, q: Question, draft: Draft) -> str:
        for name in people:  # the sentences that place each person at the event
            if (span := found.said.get(name_key(name))) is not None:
                draft.cite_span(span)
        return names_with_roles(people, found.events[0], self.facts, q, draft)


def _people_of(q: Question, found: Attendance) -> str | None:
    """The organisation whose people are asked about ("how many people from X"), unless it names the event itself
    ("the X partners meeting")."""
    if not q.organisations:
        return None
    titles = " ".join(fold(e.title) for e in found.events)
    org = q.organisations[0]
    return None if fold(org) in titles else org


def _names_people(q: Question) -> bool:
    """The question says it counts people ("how many people", "combien de participants"), not teams or days."""
    people_words = lang.word_set("questions", "people_counted")
    return _about_people(q) and any(w.startswith(p) for w in words(q.folded) for p in people_words)


def _about_people(q: Question) -> bool:
    """A count of people, not of organisations."""
    people_words = lang.word_set("questions", "people_counted")
    if len(q.counted) >= 4 and any(q.counted.startswith(w) or w.startswith(q.counted) for w in people_words):
        return True  # "how many people attended the X partners meeting": what is counted comes first
    if lang.pattern("questions", "organisations_counted").search(q.folded):
        return False
    return bool(people_words & {w[:5] for w in q.terms}) or q.event_kind is not None
