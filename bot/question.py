"""What a question asks for: the question as clean text, and the kind of fact its answer must hold."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from core.dates import find_dates
from core.errors import QuestionError
from core.text import EMAIL, MONTH_PATTERN, PHONE, URL, fold, guess_language, words

_DATE = re.compile(rf"\b(\d{{1,2}}(er)? )?({MONTH_PATTERN})( \d{{4}})?\b|\b(19|20)\d\d\b|\b\d{{4}}-\d{{2}}-\d{{2}}\b")
_DIGITS = re.compile(r"\d")
_NUMBER_WORD = re.compile(
    r"\b(un|une|deux|trois|quatre|cinq|six|sept|huit|neuf|dix|douze|quinze|vingt|trente|cent|cents|mille|million|"
    r"millions|milliard|two|three|four|five|six|seven|eight|nine|ten|twelve|fifteen|twenty|hundred|thousand|"
    r"dozen|douzaine|one)\s+(\w+)"
)
# "how many students", "combien d'institutions": the thing counted.
_COUNTED = re.compile(r"\b(how many|combien d|combien de|number of|nombre d|nombre de)\s*(\w+)")

# Which questions need which kind of fact in the evidence (matched on folded text).
_ASKS = [
    ("date", re.compile(r"\b(when|what date|which (day|month|year)|quand|quelle date|en quelle (annee|mois)|date)\b")),
    (
        "quantity",
        re.compile(
            r"\b(how (many|much)|combien|budget|cost|costs|price|amount|montant|cout|prix|nombre de|number of|"
            r"salary|salaire|funding|financement|euros?|dollars?|percentage|pourcentage)\b"
        ),
    ),
    ("email", re.compile(r"\b(e-?mail|courriel|mail address|adresse (e-?)?mail)\b")),
    ("phone", re.compile(r"\b(phone|telephone|tel|numero de telephone|phone number)\b")),
    ("url", re.compile(r"\b(website|web site|url|site web|site internet|link|lien)\b")),
]

_TOO_LONG = {
    "fr": "La question est trop longue ({n} caractères, au plus {limit}) : posez-la en quelques phrases.",
    "en": "The question is too long ({n} characters, at most {limit}): please ask it in a few sentences.",
}
_EMPTY = {"fr": "Veuillez saisir une question.", "en": "Please type a question."}
# Emoji, punctuation, a string of letters longer than any word: nothing to look for in the documents.
_NO_WORDS = {
    "fr": "Posez votre question avec des mots : celle-ci n'en contient aucun.",
    "en": "Please ask your question in words: this one has none.",
}


def _refusal(messages: dict[str, str], language: str | None = None, **values: Any) -> QuestionError:
    """The message in the question's language when it tells one, both otherwise; the page picks its own."""
    said = {lang: text.format(**values) for lang, text in messages.items()}
    return QuestionError(said[language] if language else f"{said['en']} / {said['fr']}", said)


def clean_question(question: Any, limit: int, max_word_chars: int = 40) -> str:
    """The question as text without control characters, or a QuestionError saying what is wrong: empty, longer
    than `limit` characters, or without a word (a run of letters of at most `max_word_chars`)."""
    if isinstance(question, bytes):
        question = question.decode("utf-8", errors="replace")
    if not isinstance(question, str):
        raise _refusal(_EMPTY)
    text = "".join(ch if ch in "\n\t" or unicodedata.category(ch) != "Cc" else " " for ch in question)
    text = " ".join(text.split())
    if not text:
        raise _refusal(_EMPTY)
    if len(text) > limit:
        raise _refusal(_TOO_LONG, guess_language(text[:500]), n=len(text), limit=limit)
    if not any(len(w) <= max_word_chars and any(ch.isalpha() for ch in w) for w in words(text)):
        raise _refusal(_NO_WORDS)
    return text


@dataclass(frozen=True)
class Need:
    """The kind of fact a question asks for, and for a count, what is counted."""

    kind: str | None
    counted: str = ""


def asks_for(question: str) -> Need:
    folded = fold(question)
    for kind, pattern in _ASKS:
        if pattern.search(folded):
            counted = _COUNTED.search(folded) if kind == "quantity" else None
            return Need(kind, counted.group(2)[:5] if counted else "")
    return Need(None)


def has_fact(need: Need, text: str) -> bool:
    folded = fold(text)
    kind = need.kind
    if kind == "date":
        return bool(_DATE.search(folded))
    if kind == "quantity":
        for span in reversed(find_dates(text)):  # "from 8 to 12 September": dates, not amounts
            folded = folded[: span.start] + " " * (span.end - span.start) + folded[span.end :]
        undated = _DATE.sub(" ", folded)
        if _DIGITS.search(undated):
            return True
        # A number in words counts only next to the thing counted: "quatre institutions", not "deux pays".
        return bool(need.counted) and any(word.startswith(need.counted) for _, word in _NUMBER_WORD.findall(undated))
    if kind == "email":
        return bool(EMAIL.search(text))
    if kind == "phone":
        return bool(PHONE.search(_DATE.sub(" ", folded)))
    if kind == "url":
        return bool(URL.search(folded))
    return True
