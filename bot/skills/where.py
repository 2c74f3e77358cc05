"""Where the event the question names takes place."""

from __future__ import annotations

from bot.question import Question
from bot.skills.base import Draft, Skill, event_label, find_event


class Where(Skill):
    name = "where"
    order = 50

    def plan(self, q: Question) -> Draft | None:
        if q.kind != "place" or q.temporal:
            return None
        event = find_event(q, self.facts)
        if event is None or not event.place:
            return None
        draft = Draft(kind="place", subject=event.place)
        draft.direct = self.say(q, "place", what=event_label(event, q), place=event.place, n=draft.cite(event))
        return draft
