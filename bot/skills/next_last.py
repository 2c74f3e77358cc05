"""The next (or last) dated event relative to today, of the kind asked about if any; or that the documents announce
none."""

from __future__ import annotations

from bot.question import Question
from bot.skills.base import Draft, Skill, same_kind, superseded, when_text
from store.facts import first_day


class NextOrLast(Skill):
    name = "next_last"
    order = 60

    def first(self, q: Question) -> bool:
        # "the next summer school": the next one, not every date it ever had.
        return q.temporal is not None

    def plan(self, q: Question) -> Draft | None:
        if q.temporal is None or (q.event_kind is None and q.kind not in ("date", "place", "description")):
            return None
        today = self.context.today
        items = [
            (day, e)
            for e in self.facts.events
            if same_kind(e.kind, q.event_kind) and (day := first_day(e)) is not None and not superseded(e, self.facts)
        ]
        if q.temporal == "next":
            items = sorted(((d, e) for d, e in items if d > today), key=lambda item: item[0])
        else:
            items = sorted(((d, e) for d, e in items if d <= today), key=lambda item: item[0], reverse=True)
        if not items:
            # The documents announce no next (or last) one: that is the answer, not a quote about another.
            return Draft(kind=q.kind, abstain=True)
        event = items[0][1]
        if q.kind == "place" and not event.place:
            return None
        draft = Draft(kind=q.kind, subject=event.title)
        n = draft.cite(event)
        what = f"{event.title} ({event.place})" if q.kind == "place" and event.place else event.title
        draft.direct = self.say(q, q.temporal, what=what, when=when_text(event, q.language), n=n)
        return draft
