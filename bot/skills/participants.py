"""Who took part in an event, how many, and whether someone did."""

from __future__ import annotations

from bot.question import Question
from bot.skills.base import Draft, Skill, common, event_label, find_event, names_with_roles
from core import lang
from store.facts import name_key


class Participants(Skill):
    name = "participants"
    order = 10

    def plan(self, q: Question) -> Draft | None:
        asks_people = q.kind in ("people", "count") or (q.kind == "yes-no" and q.people)
        if not asks_people or (q.kind == "count" and not _about_people(q)):
            return None
        event = find_event(q, self.facts, with_participants=True)
        if event is None:
            return None
        draft = Draft(kind=q.kind)
        n = draft.cite(event)
        for span in event.spans:  # the sentences that name the participants
            if any(name in span.text for name in [*event.participants, *event.excused]) and span.chunk_id:
                draft.cite_span(span)
        label = event_label(event, q)
        if q.kind == "yes-no":
            asked = self.facts.find_people(q.people[0])
            name = asked[0].name if asked else q.people[0]
            keys = {name_key(name)}
            if keys & {name_key(p) for p in event.participants}:
                draft.direct = f"{common(q, 'yes')} {self.say(q, 'took_part', name=name, event=label, n=n)}"
            elif keys & {name_key(p) for p in event.excused}:
                draft.direct = f"{common(q, 'no')} {self.say(q, 'excused', name=name, event=label, n=n)}"
            else:
                names = names_with_roles(event.participants, event, self.facts, q, draft)
                said = self.say(q, "not_among", name=name, event=label, names=names, n=n)
                draft.direct = f"{common(q, 'no')} {said}"
            return draft
        people = event.participants
        org = q.organisations[0] if q.organisations else None
        if org:
            members = {name_key(p.name) for p in self.facts.people_of(org)}
            people = [p for p in people if name_key(p) in members]
            if not people:
                return None
        names = names_with_roles(people, event, self.facts, q, draft)
        if q.kind == "count":
            draft.derived.append(str(len(people)))
            shown = self.facts.display_name(org) if org else ""
            key = "count_of" if org else "count"
            draft.direct = self.say(q, key, count=len(people), org=shown, event=label, names=names, n=n)
        else:
            draft.direct = self.say(q, "participants", event=label, names=names, n=n)
        return draft


def _about_people(q: Question) -> bool:
    """A count of people, not of organisations."""
    if lang.pattern("questions", "organisations_counted").search(q.folded):
        return False
    people_words = lang.word_set("questions", "people_counted")
    return bool(people_words & {w[:5] for w in q.terms}) or q.event_kind is not None
