"""When an event or a plan the question names happens, with the dates each document gives it; yes or no when the
question asks whether it happens on a date."""

from __future__ import annotations

import re
from datetime import date
from functools import cache

from bot.attendance import asks_attendance
from bot.coverage import spelled
from bot.question import Question
from bot.skills.base import Draft, Skill, common, day_of, overlaps, same_kind, title_of, when_text
from bot.skills.claims import of_passages
from core import lang
from core.dates import find_dates
from core.glossary import concepts
from core.lang import vocabulary as vocab
from core.text import content_words, fold, guess_language, words
from store.fact_records import Claim, Event, Plan
from store.facts import first_day


class When(Skill):
    name = "when"
    order = 40
    refused = 0  # of the last `dated`: the events of the kind (or the words) asked about that did not name it

    def plan(self, q: Question) -> Draft | None:
        if q.kind != "date" and not (q.kind == "yes-no" and q.event_kind):
            return None
        if q.kind == "yes-no" and q.people and asks_attendance(q.folded):
            return None  # "did X attend the meeting of <date>?" asks who was there (`participants`), not when
        if q.kind == "date" and self.unnamed(q):
            return Draft(kind="date", abstain=True)
        dated = self.dated(q)
        if not dated:
            if q.kind == "date" and self.refused and not self.stated(q):
                # Events of the kind asked about are dated, but none is the one the question names ("the jury of
                # <a town no document names>"): another one's date would be a wrong answer.
                return Draft(kind="date", abstain=True)
            return None
        draft = Draft(kind="date")
        first, last = dated[0], dated[-1]
        what = title_of(first)
        if day_of(first) != day_of(last):  # a date that moved, or documents that disagree: both, each with its source
            draft.direct = self.say(
                q,
                "moved" if moved(first, last) else "conflict",
                what=what,
                first=when_text(first, q.language),
                n=draft.cite(first),
                last=when_text(last, q.language),
                m=draft.cite(last),
            )
        elif q.exact and (first.precision or "day") != "day":
            draft.partial = True
            draft.direct = self.say(
                q, "partial_days", what=what, when=when_text(first, q.language), n=draft.cite(first)
            )
        else:
            draft.direct = self.say(q, "date", what=what, when=when_text(first, q.language), n=draft.cite(first))
        if q.kind == "yes-no":
            asked = q.dates[0] if q.dates else None
            settled = asked is not None and overlaps(last, asked)
            draft.direct = f"{common(q, 'yes' if settled else 'no')} {draft.direct}"
        return draft

    def dated(self, q: Question) -> list[Event | Plan]:
        """The events (and plans) the question is about, ordered by the date of the document stating them."""
        wanted = concepts(q.terms)
        # An event that names no kind is the question's when it shares half of the question's words, the verb
        # included in the count: "le jury des projets communs se réunira" is not "l'un des projets majeurs".
        needed = max(1, len(wanted) // 2)
        if q.event_kind is None or q.kind_from_verb:
            # "se réunira", "will meet": a verb that names any event of its kind shares its stem with every one
            # ("réunion"), and tells none from another.
            wanted -= _kind_verbs()
        # The words that name the kind asked about ("signed", "meeting") are shared by every event of the kind; the
        # others ("declaration of intent") tell one event of the kind from another.
        naming = {
            w
            for kind, p in vocab.EVENT_KINDS
            if kind == q.event_kind
            for m in p.finditer(q.folded)
            for w in words(m[0])
        }
        telling = concepts([t for t in q.terms if t not in naming])
        adds = self.adds(q, naming)
        self.refused = 0
        candidates: list[tuple[int, Event | Plan]] = []
        for fact in [*self.facts.events, *self.facts.plans]:
            if not (fact.date if isinstance(fact, Event) else fact.when):
                continue
            kind_ok = isinstance(fact, Event) and q.event_kind is not None and same_kind(fact.kind, q.event_kind)
            # A kind read from a verb ("will meet") is shared by every meeting of the documents, in any language: it
            # picks the event only where the names the question adds are held to (`when_subject_share`).
            kind_ok = kind_ok and (not q.kind_from_verb or bool(self.context.settings.when_subject_share))
            said = concepts(content_words(title_of(fact) + " " + fact.sentence.text))
            overlap = len(wanted & said)
            if not self.named(q, adds, title_of(fact) + " " + fact.sentence.text):
                # another event of the kind, or the kind's words alone: not the event asked about
                self.refused += kind_ok or (wanted and overlap >= needed)
                continue
            if kind_ok:
                # Every event of the kind that the other words name as well counts alike: each document's date for
                # it is kept. A signing of another text is not the signing asked about.
                candidates.append((1000 + len(telling & said), fact))
            elif wanted and overlap >= needed:
                candidates.append((overlap, fact))
        if not candidates:
            return []
        top = max(s for s, _ in candidates)
        best = [f for s, f in candidates if s == top]
        return sorted(best, key=lambda f: (f.doc_date, first_day(f) or date.min))

    def adds(self, q: Question, naming: set[str]) -> list[str]:
        """The names the question adds to the kind of event it asks about ("the jury of <town>", "the <name> panel"):
        its words written with a capital, less those naming the kind and those that only ask for a date. Names tell
        one event of a kind from another in any language; common words are worded differently from one document to
        the next, and are left to the scores."""
        # A verb that names any kind of event ("se réunira" of a committee) says that it happens, not which one.
        dating = lang.word_set("questions", "date_words")
        capitalised = set(proper_names(q))
        return [
            t
            for t in dict.fromkeys(q.terms)
            if t in capitalised and t not in naming and fold(t) not in dating and not concepts([t]) & _kind_verbs()
        ]

    def unnamed(self, q: Question) -> bool:
        """Does the question add to what it asks about names that no retrieved sentence holds ("the jury of <a town
        no document names>", "the <name> panel")? Then the documents do not speak of it, and the date of another event
        of the kind would be a wrong answer. Not judged when no retrieved sentence is in the question's language: a
        title's names may be translated in the other one."""
        adds = self.adds(q, set())
        if not adds:
            return False
        facts = [*of_passages(self.facts, self.context.passages), *self.facts.events, *self.facts.plans]
        texts = [
            f"{title_of(f) if not isinstance(f, Claim) else ''} {f.sentence.text}"
            for f in facts
            if f.chunk_id in self.context.passages
        ]
        if not any(guess_language(t) == q.language for t in texts):
            return False
        said = content_words(" ".join(texts))
        found = concepts(said)
        return not any(concepts([name]) & found or spelled(name, said) for name in adds)

    def stated(self, q: Question) -> bool:
        """Does a dated sentence of the retrieved passages name what the question adds? Then the facts did not read
        it as an event ("le jury de A se réunira le …" names no kind), and the evidence may answer."""
        adds = self.adds(q, set())
        return any(
            find_dates(c.sentence.text) and self.named(q, adds, c.sentence.text)
            for c in of_passages(self.facts, self.context.passages)
        )

    def named(self, q: Question, adds: list[str], text: str) -> bool:
        """Does the text hold enough of the names the question adds to the kind? A name is held by its concept, or
        written longer or with a small typo ("ACME" in "ACMEX"), as `bot.coverage` compares them. In another
        language one is enough: a title's capitalised words ("the Declaration of Intent") are translated, and match
        only where the glossary knows them."""
        if not adds or not self.context.settings.when_subject_share:
            return True  # nothing added to the kind, or the check turned off
        said = content_words(text)
        found = concepts(said)
        held = sum(1 for name in adds if concepts([name]) & found or spelled(name, said))
        if guess_language(text) != q.language:
            return held >= 1
        return held >= self.context.settings.when_subject_share * len(adds)


@cache
def _kind_verbs() -> frozenset[str]:
    """The concepts of the verbs that name a kind of event (`[event_verbs]` of questions.toml)."""
    return frozenset(concepts(" ".join(lang.data("questions")["event_verbs"].values()).split()))


def proper_names(q: Question) -> list[str]:
    """The words the question writes with a capital past its first word, as asked or as completed."""
    found = []
    for text in (q.asked, q.text):
        for i, token in enumerate(re.findall(r"[\w'-]+", text)):
            if i and token[:1].isupper():
                found += content_words(token)
    return found


def moved(first: Event | Plan, last: Event | Plan) -> bool:
    """Did the later of two dates replace the earlier? When one document gives both, or the later one says that
    it moved ("first planned for", "reportée"); otherwise two documents disagree, and neither is taken as right."""
    return first.doc_id == last.doc_id or bool(lang.pattern("cues", "moved").search(fold(last.sentence.text)))
