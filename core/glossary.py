"""The reviewed French <-> English vocabulary of `core/lang/glossary.toml`: institutional titles, and concepts (words
that name the same thing in either language)."""

from __future__ import annotations

from functools import cache

from core import lang
from core.text import fold, stem

GLOSSARY = lang.HERE / "glossary.toml"
_SMALL = lang.word_set("words", "title_small_words")


def _entries() -> dict:
    return lang.data("glossary")


def _key(text: str) -> str:
    return " ".join(fold(text).replace("’", "'").split())


@cache
def _titles() -> dict[tuple[str, str], str]:
    """(folded title, target language) -> the title's first form in that language."""
    table: dict[tuple[str, str], str] = {}
    for entry in _entries().get("title", []):
        for source in ("fr", "en"):
            target = "en" if source == "fr" else "fr"
            for form in entry[source]:
                table[(_key(form), target)] = entry[target][0]
                table[(_key(form), source)] = form
    return table


def translate_title(title: str, language: str) -> str | None:
    """The title in `language` when the glossary knows it whole ("Doyen des Études Académiques" -> "Dean of
    Academic Studies"), capitalised like the original; None otherwise."""
    found = _titles().get((_key(title), language))
    if found is None:
        return None
    if sum(w[:1].isupper() for w in title.split()) > 1:  # "Doyen des Études Académiques": every noun capitalised
        return " ".join(w if w in _SMALL else w[:1].upper() + w[1:] for w in found.split())
    # Before or after a name, an English title reads with its capital: "Odile Ferrat (Director of …)".
    return found[:1].upper() + found[1:] if title[:1].isupper() or language == "en" else found


@cache
def _concepts() -> dict[str, int]:
    """Stem -> concept number."""
    table: dict[str, int] = {}
    for number, entry in enumerate(_entries().get("concept", [])):
        for word in entry["words"]:
            table[stem(fold(word))] = number
    return table


def concepts(words: list[str]) -> set[str]:
    """The words as comparable keys: their concept when the glossary has one ("companies" ~ "entreprises"),
    otherwise their stem."""
    table = _concepts()
    return {f"#{table[s]}" if (s := stem(w)) in table else s for w in words}
