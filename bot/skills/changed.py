"""Whether, and how, an event's date changed: the statements about it in the order they were made (each e-mail
message of a thread keeps its own date), the latest one winning. "Was the meeting moved?", "what changed since
10 March?" are answered with the dates before and after, and the message or document that moved it."""

from __future__ import annotations

from bot.grounding import ungrounded_facts
from bot.question import Question
from bot.skills.base import Draft, common, same_kind
from bot.timing import TimeSkill, asked, shared, statement_line, statement_sender, wanted
from core.dates import find_dates, format_iso
from core.lang import vocabulary as vocab
from core.text import words
from store.fact_records import Event, Span


class Changed(TimeSkill):
    name = "changed"
    order = 8

    def first(self, q: Question) -> bool:
        # "was it moved?", "what changed?"; "what were the dates before and after?" is a date question, for `when`.
        changed = q.kind in ("yes-no", "description") and asked(q, "questions.changed")
        return bool(changed or asked(q, "questions.what_changed"))

    def plan(self, q: Question) -> Draft | None:
        if not self.first(q):
            return None
        statements = self.statements(q)
        if not statements:
            return None
        history: list[Event] = []  # the first statement of each date, in the order the dates were given
        for event in statements:
            if all(event.date != h.date for h in history):
                history.append(event)
        since = q.dates[0].iso if asked(q, "questions.since") and q.dates else None
        latest = history[-1]
        draft = Draft(kind=q.kind, subject=latest.title)
        what = latest.title[:1].upper() + latest.title[1:]
        when = format_iso(latest.date or "", q.language, latest.date_end)
        if len(history) < 2 or (since and latest.doc_date <= since):
            key = "none_since" if since else "unchanged"
            shown_since = format_iso(since, q.language) if since else ""
            draft.direct = self.say(q, key, what=what, when=when, since=shown_since, n=draft.cite(latest))
            return draft
        before = history[-2]
        n = draft.cite(latest)
        line = statement_line(latest)
        stated = _stated(latest.doc_date, line, q.language) if line else ""
        if line is not None:
            draft.cite_span(line)
        sender = statement_sender(latest) if line else None
        if sender is not None:
            draft.cite_span(sender[1])
        draft.direct = self.say(
            q,
            "moved_sender" if sender else "moved" if line else "moved_document",
            what=what,
            sender=sender[0] if sender else "",
            before=format_iso(before.date or "", q.language, before.date_end),
            after=when,
            stated=stated,
            n=n,
            m=draft.cite(before),
        )
        if len(history) > 2:
            draft.direct += " " + self.say(
                q, "earlier", first=format_iso(history[0].date or "", q.language), k=draft.cite(history[0])
            )
        if q.kind == "yes-no":
            draft.direct = f"{common(q, 'yes')} {draft.direct}"
        return draft

    def statements(self, q: Question) -> list[Event]:
        """The dated statements about the event asked about, in the order they were made: events of its kind whose
        titles share the most of the question's other words."""
        naming = {
            w
            for kind, p in vocab.EVENT_KINDS
            if kind == q.event_kind
            for m in p.finditer(q.folded)
            for w in words(m[0])
        }
        about = wanted(" ".join(w for w in words(q.folded) if w not in naming))
        events = [e for e in self.facts.events if e.date and (q.event_kind is None or same_kind(e.kind, q.event_kind))]
        scored = [(shared(about, e.title), e) for e in events]
        best = max((s for s, _ in scored), default=0)
        if best == 0 and q.event_kind is None:
            return []
        chosen = [e for s, e in scored if s == best]
        return sorted(chosen, key=lambda e: (e.doc_date, e.sentence.start))


def _stated(iso: str, line: Span, language: str) -> str:
    """The message's date in the asker's words, or as its header writes it when that is abbreviated ("12 Feb 2032"),
    which the claim check could not match."""
    said = format_iso(iso, language)
    written = find_dates(line.text)
    return written[0].text if written and ungrounded_facts(said, [line.text]) else said
