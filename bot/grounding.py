"""Check a generated answer against its evidence: every name, date, number and e-mail must come from it."""

from __future__ import annotations

import re

from core import lang
from core.text import EMAIL, HONORIFICS, MONTHS_FOLDED, STOPWORDS, content_words, fold, stem

_FR_MONTHS = MONTHS_FOLDED["fr"]
_EN_MONTHS = MONTHS_FOLDED["en"]
_MONTH = "|".join(_FR_MONTHS)
# "May" is a month only when capitalised ("you may ask" is not a date).
_EN_MONTH = re.compile(r"\b(?:May\b|(?i:" + "|".join(m for m in _EN_MONTHS if m != "may") + r")\b)")
_MONTH_FIRST = re.compile(rf"\b({_MONTH}) (\d{{1,2}})(?:st|nd|rd|th)?\b,?")  # "janvier 10, 2024" -> "10 janvier 2024"
_ISO = re.compile(r"\b((?:19|20)\d\d)-(\d\d)-(\d\d)\b")
_DATE = re.compile(rf"\b(?:\d{{1,2}} )?(?:{_MONTH})(?: (?:19|20)\d\d)?\b")
_NUMBER = re.compile(
    r"(?<![\w.,])\d+(?:[.,]\d+)*(?: ?(?:%|€|\$|(?:" + "|".join(lang.word_list("words", "amount_units")) + r")\b))?"
)
_UNIT_PLURAL = re.compile(r"\b(" + "|".join(lang.word_list("words", "plural_units")) + r")s\b")
_CITATION = re.compile(r"\[\d+(?:\s*[,;]\s*\d+)*\]")
_WORD = re.compile(r"[^\W\d_][^\W_]*(?:-[^\W_]+)*")
_TITLES = {h.lower() for h in HONORIFICS}
_SENTENCE_START = re.compile(r"(?:^|[.!?:;…\n])[\s«\"'(\-*•]*$")
_TITLE_BEFORE = re.compile(r"\b(?:" + "|".join(_TITLES) + r")\.\s*$", re.IGNORECASE)


def canonical(text: str) -> str:
    """Folded text with one spelling per fact: French month names, day before month, no ordinal, one space."""
    text = _EN_MONTH.sub(lambda m: _FR_MONTHS[_EN_MONTHS.index(m.group().lower())], text)
    text = fold(text).replace("\u2019", "'")
    text = _ISO.sub(lambda m: f"{int(m[3])} {_FR_MONTHS[int(m[2]) - 1]} {m[1]}" if "01" <= m[2] <= "12" else m[0], text)
    text = re.sub(r"\b1er\b", "1", text)
    text = re.sub(r"\s+", " ", text)
    text = _MONTH_FIRST.sub(r"\2 \1", text)
    text = re.sub(r"(\d) ?%", r"\1 %", text)
    return _UNIT_PLURAL.sub(r"\1", text)


def _contains(haystack: str, needle: str) -> bool:
    return re.search(rf"(?<![\w]){re.escape(needle)}(?![\w])", haystack) is not None


def _names(answer: str) -> list[tuple[str, bool]]:
    """Runs of capitalised words (title and function words left out), with whether the run starts a sentence."""
    runs: list[tuple[list[str], bool]] = []
    end = -1
    for match in _WORD.finditer(answer):
        word = match.group()
        if not word[0].isupper() or fold(word) in _TITLES:
            end = -1
            continue
        if match.start() == end + 1 and answer[end] == " " and runs:
            runs[-1][0].append(word)
        else:
            before = answer[: match.start()]
            runs.append(([word], bool(_SENTENCE_START.search(before)) and not _TITLE_BEFORE.search(before)))
        end = match.end()
    names = []
    for words, at_start in runs:
        while words and fold(words[0]) in STOPWORDS:  # "The INRX", "La Région"
            words, at_start = words[1:], False
        if words and not (at_start and len(words) == 1):
            names.append((" ".join(words), at_start))
    return names


def ungrounded_facts(answer: str, evidence: list[str], question: str = "") -> list[str]:
    """The names, dates, numbers and e-mail addresses of `answer` that the evidence does not contain.

    Matching ignores accents and case, and English month names match French ones ("10 January 2024" =
    "10 janvier 2024"). A name may also come from the question; a date, number or address may not.
    Dates, numbers and addresses are returned in their canonical (folded) spelling, names as written.
    """
    source = canonical(" \n ".join(evidence))
    asked = canonical(question)
    text = canonical(_CITATION.sub(" ", answer))
    missing: list[str] = []

    def check(fact: str, found: bool) -> None:
        if not found and fact not in missing:
            missing.append(fact)

    for pattern in (EMAIL, _DATE, _NUMBER):
        for match in pattern.finditer(text):
            check(match.group(), _contains(source, match.group()))
        text = pattern.sub(" ", text)
    for name, at_start in _names(_CITATION.sub(" ", answer)):
        key = canonical(name)
        if key in _FR_MONTHS or any(ch.isdigit() for ch in key):
            continue
        found = _contains(source, key) or _contains(asked, key)
        if not found and at_start:  # "Selon Odile Ferrat": the first word may only be capitalised by position
            key = canonical(name.split(" ", 1)[1])
            found = _contains(source, key) or _contains(asked, key)
        check(name, found)
    return missing


def unsupported_words(answer: str, evidence: list[str], question: str = "") -> list[str]:
    """The answer's content words found neither in the evidence nor in the question (by stem: signed ~ signée).

    Catches what carries no checkable fact: an echoed prompt, invented prose, gibberish.
    """
    known = {stem(w) for w in content_words(canonical(" ".join([*evidence, question])))}
    return [w for w in content_words(canonical(_CITATION.sub(" ", answer))) if stem(w) not in known]
