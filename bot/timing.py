"""What the time skills of `bot.skills` share (programme, duration, changed, deadline): their language data
(`core/lang/time.toml`), their phrasings, and how a question's words pick a dated fact or a programme's item."""

from __future__ import annotations

import re
from datetime import date, datetime

from bot.question import Question
from bot.skills.base import Draft, Skill
from core import lang
from core.dates import format_iso
from core.glossary import concepts
from core.text import content_words, fold
from store.fact_records import Event, Plan, ProgrammeDay, Span


def pattern(key: str) -> re.Pattern[str]:
    return lang.pattern("time", key)


def asked(q: Question, key: str) -> re.Match[str] | None:
    """The question's match of the time pattern `key` (on its folded text)."""
    return pattern(key).search(q.folded)


def unit(q: Question) -> str:
    """What a duration is counted in, as "how many nights" says: days, nights, weeks or months; days for "how long"
    (whatever else the question names: "how long is the immersion week")."""
    duration = asked(q, "duration")
    said = duration[0] if duration else ""
    return next((kind for kind, p in lang.patterns("time", "unit") if p.search(said)), "days")


def wanted(text: str) -> set[str]:
    """The concepts of the words that say what a question is about, without the words that say what it asks."""
    asking = lang.word_set("time", "questions.asking") | lang.word_set("questions", "asking")
    return concepts([w for w in content_words(text) if w not in asking and not w.isdigit()])


def shared(question: set[str], text: str) -> int:
    return len(question & concepts(content_words(text)))


def day_of(iso: str | None) -> date | None:
    try:
        return date.fromisoformat(iso) if iso and len(iso) == 10 else None
    except ValueError:
        return None


def relative_day(q: Question, today: date) -> date | None:
    """The day a question names relative to today ("what is planned tomorrow?", "lundi prochain"), by dateparser."""
    import dateparser  # a second's import, paid only by a question that names such a day

    found = asked(q, "relative_day")
    if found is None:
        return None
    said = pattern("relative_drop").sub("", found[0])
    settings = {"RELATIVE_BASE": datetime.combine(today, datetime.min.time()), "PREFER_DATES_FROM": "future"}
    parsed = dateparser.parse(said, languages=[q.language], settings=settings)  # type: ignore[arg-type]
    return parsed.date() if parsed else None


def said(fact: Event | Plan) -> str:
    """What a fact's own words are: its title and its sentence."""
    return f"{fact.title if isinstance(fact, Event) else fact.what} {fact.sentence.text}"


def statement_line(fact: Event | Plan) -> Span | None:
    """The line that dates the e-mail message stating the fact ("Date: …", "On … wrote:"), when it comes from one."""
    header, attribution = pattern("message_date"), pattern("attribution")
    return next((s for s in fact.spans if header.match(fold(s.text)) or attribution.match(fold(s.text))), None)


def statement_sender(fact: Event | Plan) -> tuple[str, Span] | None:
    """Who wrote the e-mail message stating the fact, from its "From:" line: the name without its address."""
    sender = pattern("message_sender")
    for line in fact.spans:
        found = sender.match(fold(line.text))
        if found:
            name = re.sub(r"<[^>]*>|\S+@\S+", "", line.text[found.end() :]).strip(" \"'")
            return (name, line) if name else None
    return None


def day_date(day: ProgrammeDay, q: Question, draft: Draft) -> str:
    """ " (8 July 2026)" for the day's date, cited: the heading's, or the programme's start date it is counted from
    (whose day of the month the claim check then leaves out)."""
    if not day.date:
        return ""
    if day.start is not None and not day.date_text:
        draft.cite_span(day.start)
        draft.derived.append(str(int(day.date[-2:])))
    return f" ({format_iso(day.date, q.language)})"


class TimeSkill(Skill):
    """A skill whose phrasings live in `core/lang/time.toml`."""

    def say(self, q: Question, key: str, **values: object) -> str:
        table = lang.data("time")["phrases"][self.name]
        return str(table.get(q.language, table["en"])[key]).format(**values)


def label(fact: Event | Plan) -> str:
    """What a fact is, in the document's words: a table row's first cell ("Step: Online application form; Deadline:
    …" -> "Online application form"), or else the fact's title."""
    first = fact.sentence.text.split(";", 1)[0]
    if ";" in fact.sentence.text and ":" in first:
        return first.split(":", 1)[1].strip()
    return fact.title if isinstance(fact, Event) else fact.what
