"""Text helpers every layer shares: accent/case folding, words, sentences, language, and the single home of the
patterns and word lists they rest on (month names, honorifics, e-mail addresses)."""

from __future__ import annotations

import itertools
import re
import unicodedata

from core import lang

MONTHS = {language: list(lang.word_list("words", f"months.{language}")) for language in lang.LANGUAGES}

# Honorifics and titles written before a name; a full stop after one does not end a sentence ("Dr. Das").
HONORIFICS = lang.word_list("words", "honorifics")
# A lookbehind that refuses a sentence end right after an honorific or an initial ("J. Smith").
NOT_AFTER_ABBREVIATION = "".join(rf"(?<!\b{h})" for h in HONORIFICS) + r"(?<!\b[A-Z])"

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
PHONE = re.compile(r"\+?\d[\d .-]{7,}\d")
URL = re.compile(r"https?://|www\.")

# Words sharing their first five letters are taken as one word ("signed" ~ "signée", "participants" ~
# "participation"): a cheap stemmer that works for French and English alike.
STEM_LENGTH = 5

_WORD = re.compile(r"[^\W_]+", re.UNICODE)
# Combining marks (accents) left by decomposition; a regex strips them far faster than a loop over characters.
_COMBINING = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")
# A sentence ends at . ? ! followed by a space and a capital, except after honorifics and initials.
_SENTENCE_END = re.compile(NOT_AFTER_ABBREVIATION + r"([.!?…])\s+(?=[«\"'(A-ZÀ-Ý0-9])")

STOPWORDS = lang.word_set("words", "stopwords")
_FRENCH_MARKERS = lang.word_set("words", "markers.fr")
_ENGLISH_MARKERS = lang.word_set("words", "markers.en")


def fold(text: str) -> str:
    """Lower case without accents: 'Brisséau' and 'brisseau' match."""
    if text.isascii():
        return text.lower()
    # Decompose before and after case folding: mathematical letters only get a lower case once decomposed.
    decomposed = unicodedata.normalize("NFKD", unicodedata.normalize("NFKD", text).casefold())
    return _COMBINING.sub("", decomposed).replace("œ", "oe").replace("æ", "ae")


# Folded (lower case, no accents), for matching folded text.
MONTHS_FOLDED = {language: [fold(m) for m in names] for language, names in MONTHS.items()}
MONTH_PATTERN = "|".join(MONTHS_FOLDED["fr"] + MONTHS_FOLDED["en"])


def words(text: str) -> list[str]:
    return _WORD.findall(fold(text))


def content_words(text: str) -> list[str]:
    return [w for w in words(text) if w not in STOPWORDS and (len(w) > 1 or w.isdigit())]


def stem(word: str) -> str:
    return word[:STEM_LENGTH]


def stems(text: str) -> set[str]:
    return {stem(w) for w in content_words(text)}


def sentences(text: str) -> list[str]:
    """Split a passage into sentences; line breaks (titles, list items) also end a sentence."""
    out = []
    for line in text.split("\n"):
        marked = _SENTENCE_END.sub(lambda m: m.group(1) + "\x00", line.strip())
        out.extend(s.strip() for s in marked.split("\x00") if s.strip())
    return out


# A line at least this long that stops mid-sentence was wrapped by its author's editor (Markdown and plain text are
# often hard-wrapped at 72 to 120 characters) and goes on on the next line; a shorter one is a line of its own (a list
# written one entry a line, a title). The wrapped lines of the development fixtures are 72 to 123 long; one entry of
# a list written one a line is rarely longer than 60.
WRAPPED_LINE_CHARS = 60
# A line that opens a list item, a heading, a table row or a quote is not the end of the line before it.
_OWN_LINE = re.compile(r"^\s*(?:[-–—•*+▪●◦]\s|\d{1,3}[.)]\s|#|\||>)")


def unwrap(text: str) -> str:
    """The text with each hard-wrapped line joined to the next by a space in place of its line break (the same
    length: offsets stay those of `text`). A line is wrapped when it is long, does not end a sentence or open a
    list (".", "!", "?", ":"), and neither it nor the next line is a list item, a heading, a table row or blank."""
    lines = text.split("\n")
    breaks = []
    for line, following in itertools.pairwise(lines):
        bare = line.rstrip()
        wrapped = (
            len(bare) >= WRAPPED_LINE_CHARS
            and bare[-1:] not in ".!?:…"
            and following.strip()
            and not _OWN_LINE.match(line)
            and not _OWN_LINE.match(following)
        )
        breaks.append(" " if wrapped else "\n")
    return "".join(line + sep for line, sep in zip(lines, [*breaks, ""], strict=True))


def is_statement(sentence: str) -> bool:
    """A heading ("Nouvelles pistes de collaboration") names a topic but states nothing."""
    return sentence.rstrip()[-1:] in '.!?…»)"' or len(sentence.split()) > 12


def guess_language(text: str) -> str:
    """'fr' or 'en', from function words; French wins ties (the corpus language)."""
    tokens = re.findall(r"[a-zàâçéèêëîïôûùüÿœ']+", text.lower())
    french = sum(t in _FRENCH_MARKERS for t in tokens)
    english = sum(t in _ENGLISH_MARKERS for t in tokens)
    if english == french:  # no telling function words ("odile ferrat role"): the words themselves decide
        import simplemma

        scores = dict(simplemma.langdetect(text, lang=("fr", "en")))
        return "en" if scores.get("en", 0) > scores.get("fr", 0) else "fr"
    return "en" if english > french else "fr"
