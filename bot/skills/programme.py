"""A programme, day by day: what is planned on day N or on a date, on which day something happens, the first or last
day, what time something starts. Read from the programmes found at ingest (`ProgrammeDay` facts); a time the
programme does not give is said to be missing, not guessed from another item."""

from __future__ import annotations

import re
from collections import defaultdict

from bot.question import Question
from bot.skills.base import Draft
from bot.timing import TimeSkill, asked, day_date, relative_day, shared, wanted
from core.dates import format_iso
from core.text import content_words
from store.fact_records import ProgrammeDay, ProgrammeItem


class Programme(TimeSkill):
    name = "programme"
    order = 5

    def first(self, q: Question) -> bool:
        # "the last day of the trip" is a day of its programme, not the last event.
        return bool(self.facts.days) and bool(asked(q, "first_day") or asked(q, "last_day") or asked(q, "asked_day"))

    def plan(self, q: Question) -> Draft | None:
        if not self.facts.days:
            return None
        number = asked(q, "asked_day")
        edge = "first" if asked(q, "first_day") else "last" if asked(q, "last_day") else None
        on_date = [d.iso for d in q.dates if d.precision == "day"] if asked(q, "planned") else []
        if asked(q, "planned") and (relative := relative_day(q, self.context.today)):
            on_date.append(relative.isoformat())
        at_time, which = asked(q, "time_asked"), asked(q, "which_day")
        if not (number or edge or on_date or at_time or which):
            return None
        about = wanted(q.text)
        days = self._programme(about, number, edge, on_date)
        if number and days:
            days = [d for d in days if d.number == int(number["n"])]
        elif edge and days:
            days = [min(days, key=_rank) if edge == "first" else max(days, key=_rank)]
        if at_time or which:
            return self._item(q, about, days, bool(at_time), bool(number or edge))
        if len(days) != 1:
            return None
        day = days[0]
        draft = Draft(kind=q.kind)
        n = draft.cite_span(day.sentence)
        when = day_date(day, q, draft)
        if edge and day.date:
            draft.direct = self.say(q, edge, date=format_iso(day.date, q.language), number=day.number, n=n)
            return draft
        shown = [self._item_text(item, draft) for item in day.items]
        key = "day" if shown else "day_only"
        draft.direct = self.say(q, key, number=day.number, date=when, items="; ".join(shown), n=n)
        return draft

    def _programme(
        self, about: set[str], number: re.Match[str] | None, edge: str | None, on_date: list[str]
    ) -> list[ProgrammeDay]:
        """The days of the programme the question is about: the one its words name best (among those that have the
        day asked), or the days of the date asked; none when that is not one programme."""
        if on_date:
            return [d for d in self.facts.days if d.date in on_date]
        programmes: dict[str, list[ProgrammeDay]] = defaultdict(list)
        for day in self.facts.days:
            programmes[day.doc_id].append(day)
        if number:
            programmes = {k: v for k, v in programmes.items() if any(d.number == int(number["n"]) for d in v)}
        scored = [(shared(about, days[0].doc_title), days) for days in programmes.values()]
        if not scored:
            return []
        best = max(s for s, _ in scored)
        chosen = [days for s, days in scored if s == best]
        if len(chosen) == 1 and (best > 0 or len(programmes) == 1):
            return chosen[0]
        # The programme is not named: every day, for an item to say which ("which day is the hackathon?").
        return [] if (number or edge) else [d for days in chosen for d in days]

    def _item(
        self, q: Question, about: set[str], days: list[ProgrammeDay], at_time: bool, narrowed: bool
    ) -> Draft | None:
        """On which day, or at what time, the item the question names; that the documents do not say when the
        programme is found but gives no such item or no time for it."""
        pool = days or self.facts.days
        titles = set().union(*(set(content_words(d.doc_title)) for d in pool)) if days else set()
        item_words = {w for w in about if w not in wanted(" ".join(titles))} or about
        scored = [(shared(item_words, item.what), day, item) for day in pool for item in day.items]
        best = max((s for s, _, _ in scored), default=0)
        share = self.context.settings.item_match
        found = [(d, i) for s, d, i in scored if s == best and best >= share * len(item_words)]
        if len(found) != 1:
            # The programme is named but none of its items is the one asked about, or its item has no time.
            return Draft(kind=q.kind, abstain=True) if (days or narrowed) and at_time else None
        day, item = found[0]
        if at_time and not item.time:
            return Draft(kind=q.kind, abstain=True)
        draft = Draft(kind=q.kind)
        n = draft.cite_span(day.sentence)
        for line in item.lines:
            draft.cite_span(line)
        when = day_date(day, q, draft)
        if at_time:
            draft.direct = self.say(q, "time", what=item.what, time=item.time, number=day.number, date=when, n=n)
        else:
            draft.direct = self.say(q, "which", what=item.what, number=day.number, date=when, n=n)
        return draft

    def _item_text(self, item: ProgrammeItem, draft: Draft) -> str:
        for line in item.lines:
            draft.cite_span(line)
        return f"{item.time} {item.what}" if item.time else item.what


def _rank(day: ProgrammeDay) -> tuple[int, str]:
    return (day.number, day.date or "")
