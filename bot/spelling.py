"""Typos in a question's words and names ("comittee", "Debbrata"), corrected before the question is read.

A word is left as written when the documents use it (the keyword index's vocabulary), when the language data does
(the words questions are asked with, in French and English), when it holds a digit (a number or a code is never
"corrected": "2023" must not become "2024"), when a French or English dictionary knows it and the documents' word
differs only by its ending (a verb's form of another tense is no typo), or when it is shorter than `min_length`. Any
other word becomes the documents' closest word when rapidfuzz's ratio reaches `cutoff`, and stays as written
otherwise: a word the documents never use may be the very thing the question asks about and they do not hold."""

from __future__ import annotations

import re
from collections.abc import Callable

from core import lang
from core.text import fold

# A word as a question writes it (letters with accents, inner apostrophes and hyphens are word breaks).
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)


def corrected(text: str, closest: Callable[[str], str | None], min_length: int) -> str:
    """`text` with each misspelt word replaced by the documents' closest word (`closest` returns None when no word
    is close enough, the word itself when the documents use it)."""
    known = lang.known_words()

    def fix(match: re.Match[str]) -> str:
        word = match[0]
        folded = fold(word)
        if len(folded) < min_length or folded in known:
            return word
        found = closest(folded)
        if not found or found == folded:
            return word  # the documents use it: as the asker wrote it, "Hélène" not the index's "helene"
        if _inflected(word, folded, found):
            return word
        return _cased(found, word)

    return _WORD.sub(fix, text)


def _inflected(word: str, folded: str, found: str) -> bool:
    """Is the word another form of the documents' word, not a misspelling of it: a word a French or English
    dictionary knows that differs from it only by its ending ("réunit" where the documents write "réuni")? A
    dictionary word spelt otherwise inside ("Harbor") still becomes the documents' spelling ("Harbour")."""
    import simplemma

    ending = folded.startswith(found) or found.startswith(folded)
    return ending and simplemma.is_known(word.lower(), lang=("fr", "en"))


def _cased(found: str, written: str) -> str:
    """The documents' word (folded in their index) in the asker's case: a name asked with its capital keeps it."""
    if written.isupper() and len(written) > 1:
        return found.upper()
    return found[:1].upper() + found[1:] if written[:1].isupper() else found
