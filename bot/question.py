"""The question, parsed once: `bot.bot.parse` cleans it and resolves a follow-up into a standalone question, then
`analyse` reads what it asks (the kind of answer wanted, the kind of fact the evidence must hold, the people,
organisations, events and dates it names, "next" or "last", the second half of a two-step question, the words of the
relation asked about). Condensing, retrieval, evidence selection, answerability and every answer skill read the
`Question`; nothing re-reads the raw text."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any, Literal

from bot.claims import Asking, read_question
from bot.safety import is_instruction
from core import lang
from core.dates import DateSpan, find_dates
from core.errors import QuestionError, QuestionTooLong
from core.kinds import Kind
from core.lang import vocabulary as vocab
from core.text import EMAIL, MONTH_PATTERN, PHONE, URL, content_words, fold, guess_language, words
from models.nlp import parses
from store.facts import FactIndex

_DATE = re.compile(rf"\b(\d{{1,2}}(er)? )?({MONTH_PATTERN})( \d{{4}})?\b|\b(19|20)\d\d\b|\b\d{{4}}-\d{{2}}-\d{{2}}\b")
_DIGITS = re.compile(r"\d")


@dataclass
class Question:
    """What a question asks, read once from its standalone form."""

    text: str  # the standalone question (a follow-up completed from the conversation)
    language: str  # the asker's language, from the question as asked
    kind: Kind  # the kind of answer wanted
    asked: str = ""  # the question as asked, cleaned
    folded: str = ""  # `text` folded (lower case, no accents, curly apostrophes straight)
    needs: Kind | None = None  # the kind of fact the evidence must hold: date, quantity, email, phone, url
    counted: str = ""  # for a count, the first letters of what is counted ("stude" for "how many students")
    people: list[str] = field(default_factory=list)  # names of people the facts know
    organisations: list[str] = field(default_factory=list)
    event_kind: str | None = None
    kind_from_verb: bool = False  # the event's kind comes from a verb's lemma ("se réunira"), no noun names it
    dates: list[DateSpan] = field(default_factory=list)
    temporal: Literal["next", "last"] | None = None
    exact: bool = False  # wants exact days
    second: str | None = None  # the second question of a two-step one ("…, and who directs it?")
    terms: list[str] = field(default_factory=list)  # content words of the relation asked about
    instruction: bool = False  # addresses an assistant ("ignore all previous instructions…")
    timings: dict[str, float] = field(default_factory=dict)
    asking: Asking | None = None  # the question read as a claim with a missing argument (`bot.claims`)
    # What one step computed from the question for a later one to reuse (the tables skill's match, asked by retrieval
    # and again by the reader); not part of what the question asks.
    memo: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @property
    def standalone(self) -> str:
        return self.text


def clean_question(question: Any, limit: int, max_word_chars: int = 40) -> str:
    """The question as text without control characters, or a QuestionError saying what is wrong: empty, longer
    than `limit` characters, or without a word (a run of letters of at most `max_word_chars`)."""
    if isinstance(question, bytes):
        question = question.decode("utf-8", errors="replace")
    if not isinstance(question, str):
        raise _refusal("empty")
    text = "".join(ch if ch in "\n\t" or unicodedata.category(ch) != "Cc" else " " for ch in question)
    text = " ".join(text.split())
    if not text:
        raise _refusal("empty")
    if len(text) > limit:
        raise _refusal("too_long", guess_language(text[:500]), QuestionTooLong, n=len(text), limit=limit)
    # Emoji, punctuation, a string of letters longer than any word: nothing to look for in the documents.
    if not any(len(w) <= max_word_chars and any(ch.isalpha() for ch in w) for w in words(text)):
        raise _refusal("no_words")
    return text


def _refusal(
    key: str, language: str | None = None, error: type[QuestionError] = QuestionError, **values: Any
) -> QuestionError:
    """The message in the question's language when it tells one, both otherwise; the page picks its own."""
    said = {language: lang.say("question", language, key, **values) for language in lang.LANGUAGES}
    return error(said[language] if language else f"{said['en']} / {said['fr']}", said)


def analyse(text: str, language: str, facts: FactIndex | None = None, asked: str = "") -> Question:
    """What a standalone question asks. Without facts, it names no known person or organisation."""
    facts = facts if facts is not None else FactIndex([])
    folded = fold(text).replace("’", "'")
    head, second = split_two_step(text)
    people = facts.people_in(text)
    organisations = facts.organisations_in(text)
    kinds = [kind for kind, pattern in vocab.EVENT_KINDS if pattern.search(folded)]
    kind = _kind(fold(head).replace("’", "'"))
    from_verb = not kinds and kind in ("date", "yes-no")
    if from_verb:
        kinds = _verb_kinds(head, language)
    named = {w for n in [*people, *organisations] for w in words(n)}
    asking = lang.word_set("questions", "asking")
    needs = _needs(folded)
    counted = lang.pattern("questions", "counted").search(folded) if needs == "quantity" else None
    next_, last = lang.pattern("questions", "next"), lang.pattern("questions", "last")
    return Question(
        text=text,
        language=language,
        kind=kind,
        asked=asked or text,
        folded=folded,
        needs=needs,
        counted=counted.group(2)[:5] if counted else "",
        people=people,
        organisations=organisations,
        event_kind=kinds[0] if kinds else None,
        kind_from_verb=from_verb and bool(kinds),
        dates=find_dates(text),
        temporal="next" if next_.search(folded) else "last" if last.search(folded) else None,
        exact=bool(lang.pattern("questions", "exact").search(folded)),
        second=second,
        terms=[w for w in content_words(head) if w not in asking and w not in named and not w.isdigit()],
        instruction=is_instruction(folded, folded=True),
        asking=read_question(head, language, people, organisations),
    )


def _kind(folded: str) -> Kind:
    if lang.pattern("questions", "yes_no").search(folded) and not lang.pattern("questions", "wh").search(folded):
        return "yes-no"
    for kind, pattern in lang.patterns("questions", "kind"):
        if pattern.search(folded):
            return kind  # type: ignore[return-value]
    return "description"


def _verb_kinds(text: str, language: str) -> list[str]:
    """The kinds of event the question's verbs name by their lemma ("se réunira" -> réunir -> meeting), from
    `[event_verbs]` of questions.toml. Only date and yes/no questions are parsed for it: they are the ones an
    event's kind narrows, and a parse costs a few milliseconds."""
    verbs = lang.data("questions")["event_verbs"]
    lemmas = {fold(t.lemma_) for t in parses([text], language)[0] if t.pos_ == "VERB"}
    return [kind for kind, said in verbs.items() if lemmas & set(said.split())]


def _needs(folded: str) -> Kind | None:
    for kind, pattern in lang.patterns("questions", "needs"):
        if pattern.search(folded):
            return kind  # type: ignore[return-value]
    return None


def split_two_step(question: str) -> tuple[str, str | None]:
    """ "Which organisation does X belong to, and who directs it?" -> the first question and the second."""
    match = lang.pattern("questions", "two_step").search(question)
    if match is None:
        return question, None
    return question[: match.start()], question[match.end() :]


def has_fact(question: Question, text: str) -> bool:
    """Does the text hold the kind of fact the question needs (a date, a figure, an e-mail…)?"""
    folded = fold(text)
    kind = question.needs
    if kind == "date":
        return bool(_DATE.search(folded))
    if kind == "quantity":
        for span in reversed(find_dates(text)):  # "from 8 to 12 September": dates, not amounts
            folded = folded[: span.start] + " " * (span.end - span.start) + folded[span.end :]
        undated = _DATE.sub(" ", folded)
        if _DIGITS.search(undated):
            return True
        # A number in words counts only next to the thing counted: "quatre institutions", not "deux pays".
        return bool(question.counted) and any(
            word.startswith(question.counted) for _, word in lang.pattern("questions", "number_word").findall(undated)
        )
    if kind == "email":
        return bool(EMAIL.search(text))
    if kind == "phone":
        return bool(PHONE.search(_DATE.sub(" ", folded)))
    if kind == "url":
        return bool(URL.search(folded))
    return True
