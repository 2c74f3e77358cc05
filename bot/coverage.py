"""Does the evidence name what a date question asks about?

"What is the deadline for the travel insurance form?" against a list of steps that holds no insurance: the nearest
row ("Travel booking") shares a word and has a date, and a reader that only looks for a date answers with it. A date
answer is only as good as the match between the thing asked about and the sentence that dates it: here, the words
the question names the thing with (its relation terms, less the words that only say it asks for a date or a kind of
event) must be, for the most part, in the quoted sentences, compared as concepts (stems, and the glossary's
equivalents). Only sentences in the question's language are held to it: across languages, words match only where
the glossary knows them, and an English question about a French document would lose its answer."""

from __future__ import annotations

from rapidfuzz import fuzz

from bot.question import Question
from core import lang
from core.glossary import concepts
from core.lang import vocabulary as vocab
from core.text import content_words, fold, guess_language, words

# A word of at least this many letters may be misspelt; a shorter one is compared as written (or as the start of a
# longer word: an acronym and its plural or a suffix).
_FUZZY_FROM = 5
# rapidfuzz's ratio from which two words are one misspelt: 85 takes one letter in seven ("comittee", "committee")
# and leaves apart words of one stem that mean another thing less often than 80 (the lexical index's cutoff).
_SPELLING_CUTOFF = 85


def asks_a_date(q: Question) -> bool:
    """A question whose answer is a date: "when", "by when", "what is the deadline for …"."""
    return q.kind == "date" or q.event_kind == "deadline"


def subject_terms(q: Question) -> list[str]:
    """The words that name what a date question is about: its terms without those of the kind of event
    ("deadline", "date limite", "trip") nor those of asking for a date ("when", "date")."""
    kind_words = {w for _, pattern in vocab.EVENT_KINDS for m in pattern.finditer(q.folded) for w in words(m[0])}
    dating = lang.word_set("questions", "date_words")
    return [t for t in q.terms if fold(t) not in kind_words and fold(t) not in dating]


def covers(q: Question, sentences: list[str], share: float) -> bool:
    """Do the sentences name at least `share` of what the date question is about? True for other questions, when
    the question names nothing beyond the date it asks for, and when the sentences are in another language than the
    question (their words would only match where the glossary knows them: they are not held against it)."""
    if not asks_a_date(q) or not sentences or guess_language(" ".join(sentences)) != q.language:
        return True
    wanted = subject_terms(q)
    if not wanted:
        return True
    said = content_words(" ".join(sentences))
    found = concepts(said)
    named = sum(1 for term in wanted if concepts([term]) & found or spelled(term, said))
    return named >= share * len(wanted)


def spelled(term: str, said: list[str]) -> bool:
    """Is the term one of the words, written longer ("NIT" in "NITK") or with a small typo ("comittee")?"""
    if len(term) < _FUZZY_FROM:
        return any(w.startswith(term) for w in said if len(term) >= 3)
    return any(w.startswith(term) or fuzz.ratio(term, w) >= _SPELLING_CUTOFF for w in said)
