"""How long something lasts (in days, nights, weeks or months), or how long passes between two dated things, with
the dates the count rests on. A span comes from an event with a start and an end, or from a programme's first and
last days; "between A and B" from the two dated facts the two halves of the question name best."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from bot.question import Question
from bot.skills.base import Draft
from bot.timing import TimeSkill, asked, day_of, label, said, shared, unit, wanted
from core import lang
from core.dates import format_iso
from store.fact_records import Event, Plan, ProgrammeDay


class Duration(TimeSkill):
    name = "duration"
    order = 6

    def first(self, q: Question) -> bool:
        return bool(asked(q, "duration"))

    def plan(self, q: Question) -> Draft | None:
        if not asked(q, "duration"):
            return None
        counted = unit(q)
        between = asked(q, "questions.between")
        if between:
            return self._between(q, counted, q.folded[between.end() :])
        return self._span(q, counted)

    def _span(self, q: Question, counted: str) -> Draft | None:
        about = wanted(q.text)
        if not about:
            return None
        spans: list[tuple[int, int, date, date, list]] = []  # (score, preference, first day, last day, what to cite)
        for event in self.facts.events:
            start, end = day_of(event.date), day_of(event.date_end)
            if start and end and end > start:
                spans.append((shared(about, said(event)), 1, start, end, [event]))
        programmes: dict[str, list[ProgrammeDay]] = defaultdict(list)
        for day in self.facts.days:
            programmes[day.doc_id].append(day)
        for days in programmes.values():
            dated = sorted((d for d in days if day_of(d.date)), key=lambda d: d.date or "")
            if len(dated) > 1:
                score = shared(about, dated[0].doc_title)
                spans.append((score, 0, day_of(dated[0].date), day_of(dated[-1].date), [dated[0], dated[-1]]))
        spans = [s for s in spans if s[0] > 0]
        if not spans:
            return None
        best = max(spans, key=lambda s: (s[0], s[1]))
        if len({(s[2], s[3]) for s in spans if s[0] == best[0]}) > 1:
            return None  # two spans the question names alike: not one answer
        _, _, start, end, cited = best
        draft = Draft(kind="count")
        numbers = []
        for fact in cited:
            if isinstance(fact, ProgrammeDay):
                numbers.append(draft.cite_span(fact.sentence))
                if fact.start is not None and not fact.date_text:
                    draft.cite_span(fact.start)
            else:
                numbers.append(draft.cite(fact))
        n = numbers[0]
        count = _count(start, end, counted)
        draft.derived.append(str(count))
        span = format_iso(start.isoformat(), q.language, end.isoformat())
        draft.direct = self.say(q, counted, count=count, span=span, n=n)
        return draft

    def _between(self, q: Question, counted: str, rest: str) -> Draft | None:
        halves = lang.pattern("time", "questions.between_and").split(rest, maxsplit=1)
        if len(halves) != 2:
            return None
        found = [self._dated(wanted(half)) for half in halves]
        if any(f is None for f in found) or found[0] is found[1]:
            return None
        first, second = found
        start, end = sorted([day_of(_iso(first)), day_of(_iso(second))])
        draft = Draft(kind="count")
        n, m = draft.cite(first), draft.cite(second)
        count = _count(start, end, counted, inclusive=False)
        draft.derived.append(str(count))
        units = lang.data("time")["phrases"]["duration"][q.language if q.language == "fr" else "en"]["units"]
        draft.direct = self.say(
            q,
            "between",
            count=count,
            unit=units[counted],
            first=label(first),
            first_date=_written(first, q.language),
            second=label(second),
            second_date=_written(second, q.language),
            n=n,
            m=m,
        )
        return draft

    def _dated(self, about: set[str]) -> Event | Plan | None:
        """The one dated fact a half of the question names best."""
        if not about:
            return None
        scored = [(shared(about, said(f)), f) for f in [*self.facts.events, *self.facts.plans] if day_of(_iso(f))]
        best = max((s for s, _ in scored), default=0)
        top = [f for s, f in scored if s == best and best > 0]
        return top[0] if top and len({_iso(f) for f in top}) == 1 else None


def _iso(fact: Event | Plan) -> str | None:
    return fact.date if isinstance(fact, Event) else fact.when


def _written(fact: Event | Plan, language: str) -> str:
    end = fact.date_end if isinstance(fact, Event) else fact.when_end
    return format_iso(_iso(fact) or "", language, end)


def _count(start: date, end: date, counted: str, inclusive: bool = True) -> int:
    """Days (both ends counted for a stay), nights, whole weeks or whole months from `start` to `end`."""
    days = (end - start).days + (1 if inclusive else 0)
    if counted == "nights":
        return (end - start).days
    if counted == "weeks":
        return days // 7
    if counted == "months":
        months = (end.year - start.year) * 12 + end.month - start.month
        return months - (1 if end.day < start.day else 0)
    return days
