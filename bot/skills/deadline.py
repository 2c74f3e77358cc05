"""The next deadline relative to today ("what is the next deadline?", "la prochaine échéance"), from the deadlines of
the documents the question names (a list of application steps), with what is due."""

from __future__ import annotations

from bot.question import Question
from bot.skills.base import Draft
from bot.timing import TimeSkill, asked, day_of, label, said, shared, wanted
from core.dates import format_iso


class Deadline(TimeSkill):
    name = "deadline"
    order = 9

    def first(self, q: Question) -> bool:
        # "the next deadline" is the next thing due, not the next event.
        return q.temporal == "next" and bool(asked(q, "questions.deadline"))

    def plan(self, q: Question) -> Draft | None:
        if not self.first(q):
            return None
        today = self.context.today
        due = [e for e in self.facts.events if e.kind == "deadline" and (day := day_of(e.date)) and day > today]
        about = wanted(q.text)
        scored = [(shared(about, said(e) + " " + e.doc_title), e) for e in due]
        best = max((s for s, _ in scored), default=0)
        due = sorted((e for s, e in scored if s == best), key=lambda e: e.date or "")
        if not due:
            return Draft(kind=q.kind, abstain=True)  # the documents announce none
        event = due[0]
        draft = Draft(kind="date", subject=label(event))
        when = format_iso(event.date or "", q.language, event.date_end)
        draft.direct = self.say(q, "next", what=label(event), when=when, n=draft.cite(event))
        return draft
